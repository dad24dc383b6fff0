//! One i18n mechanism for the whole app: zh-CN first, English second.
//!
//! Every message is a variant of [`Msg`] and every variant has both languages on its line of
//! `messages!`, so a missing translation does not compile. Text built from data (counts, dates,
//! durations) is in `counts`, the names of the domain's kinds and states in `labels`, again with
//! both languages side by side.

use leptos::prelude::*;

mod counts;
mod labels;

pub use counts::*;
pub use labels::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Lang {
        if code.starts_with("en") {
            Lang::En
        } else {
            Lang::Zh
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }
}

/// The language the app is shown in, from context.
pub fn use_lang() -> RwSignal<Lang> {
    expect_context::<RwSignal<Lang>>()
}

/// A message in the current language, as a reactive closure for `view!`.
pub fn tr(msg: Msg) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let lang = use_lang();
    move || msg.text(lang.get())
}

/// A message table: `Msg`, one variant a line with its zh-CN and English text. The office app
/// keeps its own table with this, so that its words are not in the field app's wasm.
#[macro_export]
macro_rules! messages {
    ($($name:ident => $zh:literal, $en:literal;)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Msg { $($name),* }

        impl Msg {
            pub fn text(self, lang: $crate::i18n::Lang) -> &'static str {
                // Indexed by the variant and by the language (`Zh` is 0, `En` 1): a table is
                // 1.8 KiB (brotli) smaller in the wasm than the same `match`.
                const TEXTS: &[[&str; 2]] = &[$([$zh, $en]),*];
                TEXTS[self as usize][lang as usize]
            }
        }
    };
}

messages! {
    AppName => "Fieldbook 现场通", "Fieldbook";
    Tagline => "客务与服务现场工作台", "Field work, offline first";
    Username => "用户名", "Username";
    Password => "密码", "Password";
    SignIn => "登录", "Sign in";
    SigningIn => "正在登录…", "Signing in…";
    SignOut => "退出登录", "Sign out";
    SignInAgain => "登录已过期，请重新登录。未发送的记录都保存在本机，登录后自动发送。", "Your session has expired. Sign in again: everything unsent is kept on this device and goes out after you sign in.";
    ClockOff => "本机时钟与服务器相差", "This phone's clock is off by";
    ClockOffFix => "分钟。请在手机设置中校准日期和时间（开启自动设置）；倒计时和照片日期已按服务器时间计算。", "min. Set the phone's date and time right (turn on automatic time); countdowns and photo dates here use the server's time.";
    SignInAgainButton => "重新登录", "Sign in again";
    UsernameRequired => "请输入用户名", "Enter your username";
    PasswordRequired => "请输入密码", "Enter your password";
    BadCredentials => "用户名或密码不正确", "Wrong username or password";
    SignInOffline => "连不上服务器。首次登录需要网络，请到有信号的地方再试。", "Cannot reach the server. The first sign-in on a device needs a connection: try again where there is signal.";
    ArrivedLate => "超时到场", "Arrived late";
    SignInLocked => "密码错误次数过多，这个账号暂时锁定（不是网络问题）。", "Too many wrong passwords: this account is locked for now (not a signal problem).";
    ServerBusy => "服务器繁忙。", "The server is busy.";
    SignInServerError => "服务器暂时出错，请稍后再试。", "The server had a problem. Please try again shortly.";
    OtherUserQueued => "本机还有其他用户未发送的记录，请先由该用户登录发送。", "This device still holds another person's unsent records. That person must sign in and send them first.";
    SignOutBlocked => "还有未发送的记录或未保存的草稿：发送或保存后再退出，或保留在本机由你下次登录处理。", "Some records are not sent, or a draft is not saved yet: send or save them first, or keep them on this device for your next sign-in.";
    Language => "English", "中文";
    BadgeChecking => "检查中…", "Checking…";
    BadgeSavedHere => "已存本机", "Saved here";
    BadgeSending => "发送中", "Sending";
    BadgeAllSent => "已全部发送", "All sent";
    BadgeAttention => "需要处理", "Needs attention";
    MyWorkOrders => "我的工单", "My work orders";
    NoWorkOrders => "暂无分配给你的工单。", "No work orders assigned to you.";
    Loading => "加载中…", "Loading…";
    MachineDown => "停机", "Machine down";
    Planned => "计划时间", "Planned";
    Called => "报修时间", "Called";
    Hours => "小时数", "Hours";
    Serial => "序列号", "Serial";
    Model => "机型", "Model";
    Customer => "客户", "Customer";
    Site => "工地位置", "Site";
    Condition => "工况", "Working condition";
    Fault => "故障描述", "Fault";
    ServiceTypeLabel => "服务类型", "Service type";
    Ticket => "报修单号", "Ticket";
    Status => "状态节点", "Status";
    Back => "返回", "Back";
    NotFound => "本机没有这个工单。", "This work order is not on this device.";
    ResponseTarget => "36 小时到场", "36 h response";
    ReportDue => "服务报告截止", "Service report due";
    NodeSaved => "已保存在本机，有网络时自动发送", "Saved on this device; it sends by itself when there is a connection";
    Rejected => "服务器拒收", "Refused by the server";
    LastSynced => "上次同步", "Last synced";
    NeverSynced => "尚未同步", "Not synced yet";
    Offline => "离线：记录会保存在本机", "Offline: everything is saved on this device";
    Done => "已完成", "Done";
    NextStep => "下一步", "Next step";
    SendNow => "立即发送", "Send now";
    Photos => "照片", "Photos";
    Photo => "照片", "Photo";
    ExtraPhotos => "其他照片", "Extra photos";
    UnitPhotoShort => "单元整体照片", "Photo of the unit";
    PhotoTaken => "已拍", "Taken";
    PhotoMissing => "缺少", "Missing";
    PhotoOptional => "可选", "Optional";
    TakePhoto => "拍照", "Take photo";
    AddPhoto => "再拍一张", "Add another";
    Gallery => "相册", "Gallery";
    Processing => "正在处理照片…", "Processing the photo…";
    PhotoSent => "已上传", "Uploaded";
    PhotoWaiting => "待上传", "Waiting to upload";
    PhotoRefused => "上传被拒", "Upload refused";
    RemovePhoto => "删除", "Remove";
    WithdrawPhoto => "撤回照片", "Photo withdrawn";
    Retake => "重拍", "Retake";
    RemovePhotoConfirm => "删除这张照片？已发送的，办公室会看到已撤回。", "Remove this photo? If it was sent, the office sees it withdrawn.";
    Watermark => "照片加水印（单号、机器、时间）", "Stamp photos with ticket, machine and time";
    HoursOnSite => "现场小时表读数", "Hour meter on site";
    HoursSave => "更正", "Correct";
    HoursInvalid => "请输入 0 到 200000 之间的整数", "Enter a whole number from 0 to 200000";
    HoursHint => "拍照前先核对小时数：照片名称使用拍照时的小时数。", "Check the hours before taking photos: photo names use the hours at that moment.";
    NotAnImage => "这个文件不是可读取的图片，请重拍", "This file is not a readable image; take the photo again";
    ServiceReport => "服务报告", "Service report";
    FaultCause => "故障原因", "Fault cause";
    WorkDone => "处理过程", "Work done";
    Recorded => "已记录", "recorded";
    Undo => "撤销", "Undo";
    PrevMonth => "上个月", "Previous month";
    NextMonth => "下个月", "Next month";
    PhoneResolution => "电话处理说明（如何指导客户解决）", "How it was resolved by phone";
    TextTooLong => "内容过长（最多 2000 字）", "Too long (at most 2000 characters)";
    Parts => "使用配件", "Parts used";
    PartNo => "配件号", "Part no.";
    PartName => "名称", "Name";
    Replaced => "旧件回收", "Old part returned";
    Remove => "删除", "Remove";
    PartsInvalid => "每行配件需填写配件号、名称和 1–9999 的数量", "Each part needs a part number, a name and a quantity from 1 to 9999";
    AddPart => "添加配件", "Add a part";
    ReturnTags => "旧件标签", "Return tags";
    Companions => "同行人员（用顿号分隔）", "Companions (separated by commas)";
    SaveReport => "保存报告", "Save report";
    CustomerSignature => "客户签名", "Customer signature";
    Signed => "已签名", "Signed";
    Waived => "免签", "Signature waiver";
    Signer => "签字人姓名", "Name of the person signing";
    Clear => "清除", "Clear";
    ConfirmSignature => "确认签名", "Confirm signature";
    SignerRequired => "请填写签字人姓名", "Enter the name of the person signing";
    SignatureEmpty => "请客户在框内签名", "Ask the customer to sign in the box";
    WaiveInstead => "客户无法签名？申请主管免签", "Customer cannot sign? Ask the supervisor to waive it";
    WaiveReason => "免签原因", "Reason";
    WaiverInvalid => "请选择或填写免签原因", "Pick or type the reason";
    Waive => "申请免签", "Ask for the waiver";
    WaiverAway => "客户不在现场", "Customer not on site";
    WaiverRefuses => "客户拒绝签字", "Customer refuses to sign";
    WaiverUnattended => "无人值守场地", "Unattended site";
    WaiverPending => "等待主管批准", "Waiting for the supervisor's approval";
    WaiverApproved => "已批准", "Approved";
    WaiverRefused => "被拒绝", "Refused";
    ReportSubmittedHere => "服务报告已存本机，未发送：有信号时自动提交给办公室", "Report saved on this phone, not sent yet: it goes to the office when there is signal";
    ReportSubmitted => "服务报告已提交", "Service report submitted";
    StillMissing => "提交前还缺：", "Still missing before you can submit:";
    SubmitReport => "提交服务报告", "Submit the service report";
    SyncTitle => "同步", "Sync";
    StorageUsed => "本机存储", "Storage on this device";
    StoragePersisted => "浏览器已允许永久保存，不会自动清理", "The browser keeps this storage; it will not clear it by itself";
    StorageNotPersisted => "浏览器未允许永久保存：存储紧张时可能被清理，请尽快联网发送", "The browser may clear this storage when space runs low: send soon";
    QueueEmpty => "全部已发送，本机没有待发送的记录。", "Everything is sent; nothing is waiting on this device.";
    Discard => "丢弃", "Discard";
    Cancel => "取消", "Cancel";
    OfficeMoved => "调度的工单列表在办公室应用里。", "Dispatchers work in the office app.";
    OpenOffice => "打开办公室应用", "Open the office app";
    KeepForLater => "保留在本机，下次由我登录发送", "Keep them here; I will send them when I sign in again";
    StorageFull => "手机存储已满：这一条没有保存，之前保存的都还在。请联网发送或清理手机空间后重试。", "This phone's storage is full: this one was NOT saved; everything saved before is intact. Send what is waiting or free some space, then try again.";
    StorageLow => "手机剩余存储不足 50 MB：照片可能无法保存，请尽快联网发送。", "Less than 50 MB of storage left: photos may not save. Send what is waiting soon.";
    // Browsers that cannot keep work safe (src/browser.rs).
    InAppTitle => "请在手机浏览器中打开", "Open this in the phone's browser";
    InAppBody => "在微信等应用里打开的页面无法离线保存记录，应用清理缓存时会一起删除。请点右上角「···」选「在浏览器打开」，或复制下面的链接到手机浏览器（Chrome、Safari、系统浏览器）。", "A page opened inside another app (WeChat, DingTalk…) cannot keep your work offline: the app deletes it with its cache. Tap ··· at the top right and choose Open in browser, or copy the link below into the phone's browser (Chrome, Safari or the phone's own).";
    InsecureTitle => "请用 https 地址打开", "Open the https address";
    InsecureBody => "这个地址不安全（http），浏览器不允许离线使用。请向办公室要 https 开头的地址。", "This address is not secure (http), so the browser allows no offline use. Ask the office for the address that starts with https.";
    NoStorageTitle => "这个浏览器无法离线保存记录", "This browser cannot keep work offline";
    NoStorageBody => "Fieldbook 需要浏览器的本机存储和离线功能。请关闭无痕模式，或换用手机的 Chrome、Safari 或系统浏览器。", "Fieldbook keeps your work on the device and starts without signal. Leave private mode, or use the phone's Chrome, Safari or own browser.";
    CopyLink => "链接（长按复制）", "Link (press and hold to copy)";
    HomeScreenAsk => "请添加到主屏幕：点 Safari 的「分享」→「添加到主屏幕」。不添加时，7 天没打开 Safari 可能删除本机保存的记录。", "Add Fieldbook to the home screen: Share → Add to Home Screen in Safari. Otherwise Safari may delete what is saved here after 7 days without a visit.";
    HomeScreenUnsent => "本机有未发送的记录：请尽快联网发送，并添加到主屏幕（「分享」→「添加到主屏幕」），否则 7 天没打开 Safari 可能删除它们。", "Unsent work is on this device: send it soon and add Fieldbook to the home screen (Share → Add to Home Screen), or Safari may delete it after 7 days without a visit.";

    // Cleaners: today's checklists, vacant units, problem reports; findings and tasks (issue 5).
    Today => "今日保洁", "Today's cleaning";
    MyAreas => "我的区域", "My areas";
    NoAreas => "今天没有分配给你的区域。", "No areas are assigned to you today.";
    VacantUnits => "空置单元", "Vacant units";
    NoUnits => "没有需要你负责的空置单元。", "No vacant units are yours.";
    MyTasks => "交给我的整改", "Tasks for me";
    MyReports => "我上报的问题", "Problems I reported";
    ReportProblem => "上报问题", "Report a problem";
    NotOnDevice => "本机没有这条记录（可能尚未同步）。", "This record is not on this device (not synced yet?).";
    StorageFailed => "本机存储出错，这一步没有保存。请重新打开应用再试；之前保存的都还在。", "This device's storage failed: this step was NOT saved. Reopen the app and try again; everything saved before is intact.";
    ReadFailed => "读不出本机保存的数据。请重新打开应用；若仍不行，请联系办公室。", "The data saved on this device could not be read. Reopen the app; if it still fails, call the office.";
    PhotoFailed => "手机处理不了这张照片（可能内存不足）。请关闭其他应用后重拍。", "The phone could not process this photo (often: not enough memory). Close other apps and take it again.";
    NothingDueToday => "这个区域今天没有要做的项目。", "Nothing is due in this area today.";
    FinishArea => "本区域完成", "Area done";
    AreaFinished => "已完成", "Done";
    AreaFinishedAt => "完成于", "Done at";
    Approved => "主管已验收", "Approved by the supervisor";
    SentBack => "主管退回", "Sent back by the supervisor";
    CleanAgain => "请重新清洁，再填一份新记录。", "Clean it again and fill in a new record.";
    Problem => "有问题", "Problem";
    ProblemReported => "已报问题", "Reported";
    Pass => "合格", "Pass";
    PhotoRequired => "请先拍照：问题需要照片为证。", "Take a photo first: a problem needs one as evidence.";
    ChooseProblem => "请选择问题类型。", "Choose what the problem is.";
    Note => "备注", "Note";
    NoteRequired => "选择“其他”时请写明问题。", "With “Other”, say what the problem is.";
    SaveFinding => "保存并上报", "Save and report";
    WhereIsIt => "在哪里", "Where is it";
    OtherPlace => "其他地点（手动填写）", "Somewhere else (type it)";
    PlaceInWords => "地点", "Place";
    LastCleaned => "上次清洁", "Last cleaned";
    NeverCleaned => "尚无清洁记录", "Never cleaned";
    StartCleaning => "开始清洁（记录开始时间）", "Start cleaning (records the start time)";
    VacantRecord => "空置单元清洁记录", "Vacant-unit cleaning record";
    StartedAt => "开始", "Started";
    WhatIsWrong => "问题说明", "What is wrong";
    UnitPhoto => "单元整体照片（必拍）", "Photo of the unit (required)";
    FinishAndSave => "清洁完成，保存记录", "Done: save the record";
    Records => "清洁记录", "Cleaning records";
    NoRecords => "还没有记录。", "No records yet.";
    ReportedBy => "上报", "Reported by";
    AssignedTo => "责任人", "Assigned to";
    DueBy => "限期", "Due";
    Before => "整改前", "Before";
    After => "整改后", "After";
    History => "处理经过", "History";
    CloseTask => "完成整改", "Close the task";
    TakeAfterPhoto => "拍整改后照片", "Take the after photo";
    AfterPhotoRequired => "必须有整改后照片才能完成。", "An after photo is required to close it.";
    WhatWasDone => "处理说明", "What was done";
    MarkFixed => "已整改，提交主管确认", "Fixed: send for confirmation";
    EventReported => "上报问题", "reported it";
    EventAssigned => "派发整改", "assigned it";
    EventFixed => "完成整改", "fixed it:";
    EventConfirmed => "确认整改", "confirmed the fix";
    EventReopened => "退回重做", "reopened it";
    PlaceRequired => "请选择区域或写明地点。", "Choose an area or say where it is.";
    NotAllowedHere => "你无权这样做。", "You may not do this.";
    StateChanged => "状态已变化，这一步不再适用。", "The state changed; this step no longer applies.";
    ApprovedClosed => "主管已验收，不能再修改。", "A supervisor approved it; it cannot change.";
    AlreadySaved => "这条记录已经保存过，不会再存一次。", "This was already saved; it is not saved twice.";
    IncompleteValue => "内容不完整或超出范围：", "Something is missing or out of range: ";

    // Supervisors: patrol rounds, spot checks, today's board (issue 6).
    Board => "今日看板", "Today's board";
    StartRound => "开始巡检", "Start a round";
    ContinueRound => "继续巡检", "Continue the round";
    Rounds => "巡检", "Patrol rounds";
    CleaningProgress => "保洁完成情况", "Cleaning today";
    ItemsDone => "项已完成", "items done";
    AreasDone => "区域完成", "areas done";
    UnitsDue => "近期待清洁", "Due soon";
    UnitsOverdue => "已超期", "Overdue";
    FindingsTile => "问题整改", "Findings";
    OpenFindings => "未关闭", "Open";
    Unassigned => "待派发", "Unassigned";
    TaskOverdue => "已超期", "Overdue";
    ToConfirm => "待确认", "To confirm";
    EngineersOrders => "工程师工单", "Engineers' work orders";
    OpenOrders => "未完成", "Open";
    Response36h => "36 小时到场", "On site within 36 h";
    Report3d => "3 天交报告", "Report within 3 days";
    Late => "超时", "Late";
    InTime => "进行中", "Running";
    FindingsList => "问题清单", "Findings";
    AreasList => "区域抽查", "Areas";
    RecordsList => "空置记录", "Unit records";
    NoOpenFindings => "没有未关闭的问题。", "No open findings.";
    NoRecordsToday => "今天还没有空置单元清洁记录。", "No vacant-unit records today.";
    PickToSee => "点选左侧的问题、区域或记录，在这里查看和处理。", "Pick a finding, area or record on the left to see and act on it here.";
    NotReviewed => "待抽查", "Not checked";
    ClosedToday => "今日已关闭", "Closed today";
    PatrolTitle => "巡检", "Patrol round";
    ChooseRound => "选择巡检类型", "Which round";
    Suggested => "建议", "Suggested";
    AreasCovered => "巡检区域", "Areas on this round";
    StartRoundNow => "开始巡检（记录开始时间）", "Start (records the start time)";
    NoAreasForRound => "这一类巡检没有区域。", "This round has no areas.";
    Skip => "跳过", "Skip";
    Skipped => "已跳过", "Skipped";
    FindingRecorded => "已记录问题", "Finding recorded";
    FinishRound => "完成巡检", "Finish the round";
    FinishAnyway => "确定完成", "Finish anyway";
    DiscardRound => "放弃本次巡检", "Discard this round";
    DiscardRoundConfirm => "本次巡检的勾选将被丢弃（已上报的问题仍然保留）。确定放弃？", "The marks of this round are discarded (findings already reported stay). Discard it?";
    FailedChecksNeedFinding => "有不合格项：请点“有问题”拍照记录。", "A check failed: tap “Problem” and take a photo.";
    OutletChecks => "商铺检查项", "Outlet checks";
    SpotCheck => "主管抽查", "Spot check";
    Approve => "验收通过", "Approve";
    SendBack => "退回重做", "Send back";
    SendBackReason => "退回原因（保洁员会看到）", "Reason (the cleaner sees it)";
    ReasonRequired => "请填写原因。", "Give a reason.";
    NotStartedYet => "保洁员今天还没有开始这个区域，暂无可抽查的内容。", "The cleaner has not started this area today: nothing to check yet.";
    InConflict => "有冲突", "In conflict";
    ConflictDone => "已完成", "Done";
    ConflictProblem => "有问题", "Problem";
    ConflictCleared => "未勾选", "Not ticked";
    ConflictDevice => "设备", "device";
    ConflictThisDevice => "本机", "this device";
    ConflictKeep => "保留这个", "Keep this";
    SetAside => "未采用", "Not kept";
    NotFinishedYet => "保洁员尚未完成本区域：现在只能退回。", "Not finished yet: it can only be sent back now.";
    CheckedBy => "抽查", "Checked by";
    Cleaner => "保洁员", "Cleaner";
    CleanedAt => "清洁时间", "Cleaned";
    Standard => "检查标准", "Standard";
    AssignTitle => "派发整改", "Assign the task";
    Reassign => "改派", "Reassign";
    ToPerson => "指定人员", "To a person";
    ToDepartment => "指定部门", "To a department";
    DueTime => "整改期限", "Due";
    DueAfterReport => "期限必须晚于上报时间。", "The due time must be after the report.";
    DueInvalid => "请选择整改期限。", "Choose a due time.";
    ChooseAssignee => "请选择责任人或部门。", "Choose a person or a department.";
    AssignButton => "派发", "Assign";
    ConfirmFix => "确认整改完成", "Confirm the fix";
    Reopen => "退回重做", "Reopen";
    ReopenReason => "退回原因（责任人会看到）", "Reason (the assignee sees it)";
    OwnFix => "这是你本人完成的整改，需由其他主管确认。", "You fixed this yourself: another supervisor confirms it.";
    CheckAfterPhoto => "请对照整改前后照片，确认后关闭。", "Compare the before and after photos, then confirm.";
    // The upload queue (issue 4): fixing and discarding refused items, a full phone.
    DiscardTitle => "确定丢弃？", "Discard it?";
    DiscardKept => "其他记录不受影响，仍会照常发送。", "Nothing else is affected; everything else is still sent.";
    FixInOrder => "打开工单重新填写", "Open the work order and redo it";
    RetakeInOrder => "打开工单重新拍摄", "Open the work order and take it again";
    // The office's desk seen from the phone (issue 14): departure, send-backs, closed orders.
    Contact => "联系人", "Contact";
    ExpectedArrival => "预计到达时间", "Expected arrival";
    ArrivalRequired => "请填写预计到达时间。", "Enter the expected arrival time.";
    ArrivalBeforeNow => "预计到达时间不能早于现在。", "The expected arrival cannot be before now.";
    DepartCompanions => "同行人员", "Going with you";
    MoreCompanions => "其他同行人员（用顿号分隔）", "Others going (separated by commas)";
    CompanionsInvalid => "同行人员最多 10 人，每个名字不超过 60 字。", "At most 10 companions, each name at most 60 characters.";
    ConfirmDepart => "确认出发", "Confirm departure";
    NoCompanions => "无同行人员", "Going alone";
    OfficeSentBack => "办公室退回：需修改", "Sent back by the office: changes needed";
    SentBackFix => "请按以下原因修改后重新提交。", "Fix each item below, then submit again.";
    PhotoSentBack => "已退回", "Sent back";
    RetakePhoto => "请重新拍照", "Take a new photo";
    EditReport => "去修改服务报告", "Edit the service report";
    ReviewHistory => "审核记录", "Review history";
    ReviewClosed => "关单", "Closed";
    ReviewSentBack => "退回", "Sent back";
    OrderClosed => "已关单", "Closed";
    OrderClosedNote => "办公室已关单，工单只能查看，不能再修改。", "The office closed this work order: it can be read, not changed.";
    Resolution => "解决详情", "Resolution";
    OtherItem => "其他", "Other";
    PhotoNotSaved => "手机存储已满：这张照片没有保存，请联网发送已保存的内容或清理手机空间后重拍。之前保存的照片和记录都还在。", "This phone's storage is full: this photo was NOT saved. Send what is waiting or free some space, then take it again. Every photo and record saved before is intact.";
    // Complaints and call-backs (issue 17).
    TakeComplaint => "受理投诉", "Take a complaint";
    ComplaintTitle => "客户投诉", "Customer complaint";
    ContactPhone => "联系电话", "Contact phone";
    UnitOrSite => "单元或地点", "Unit or site";
    WhatHappened => "投诉内容（客户原话）", "What happened (the customer's words)";
    SeverityMajor => "重大投诉", "Major";
    SeverityOrdinary => "一般投诉", "Ordinary";
    SaveComplaint => "保存投诉", "Save the complaint";
    DiscardComplaint => "放弃这条投诉", "Discard this complaint";
    DiscardComplaintConfirm => "填写的内容和照片将被丢弃。确定放弃？", "What was typed and the photos are discarded. Discard it?";
    DraftKept => "草稿已保存在本机，刷新或断电都不会丢失。", "The draft is kept on this phone: a reload or a flat battery loses nothing.";
    DiscardDraft => "放弃草稿", "Discard the draft";
    // Issue 19: the claim's details on the report.
    ClaimChip => "索赔", "Claim";
    ClaimDetails => "索赔信息", "Claim details";
    ClaimHint => "本工单预计向厂家索赔：请填写服务代码、工时，并为每个换下的旧件拍照。", "A warranty claim is expected on this order: fill in the service code and the hours, and take a photo of every part taken off.";
    ServiceCode => "服务代码", "Service code";
    ServiceCodeTooLong => "服务代码过长（最多 60 个字）", "The service code is too long (at most 60 characters)";
    WarrantyFaultInfo => "保修故障信息（现象、故障码、故障件）", "Warranty fault information (symptom, fault code, failed part)";
    LabourHours => "工时（小时，如 1.5；第一位是主修工程师）", "Hours worked (e.g. 1.5; the main engineer first)";
    HoursNotNumber => "工时请填写数字，如 1.5", "Enter the hours as a number, e.g. 1.5";
    HoursOneDecimal => "工时最多一位小数，如 1.5", "At most one decimal, e.g. 1.5";
    HoursTooMany => "每人工时不能超过 99.9 小时", "At most 99.9 hours per person";
    OldPartNoRequired => "索赔工单：换下的旧件必须填写配件号", "Claim order: a part taken off needs its part number";
    OldPartPhotos => "旧件照片", "Old part photos";
    DiscardDraftConfirm => "未保存的填写内容将被丢弃，恢复为上次保存的内容。确定放弃？", "What was typed and not saved is discarded; the form goes back to what was last saved. Discard it?";
    ComplaintUnsent => "已保存在本机，尚未发送到办公室：联网后自动发送。", "Saved on this phone, not yet sent to the office: it goes by itself when there is a connection.";
    ComplaintSent => "已发送到办公室", "Sent to the office";
    NoTeam => "你的账号没有所属班组或服务站，不能受理投诉。", "Your account has no team or station: you cannot take complaints.";
    ErrCustomer => "请填写客户姓名或称呼（60 字以内）", "Enter the customer's name (up to 60 characters)";
    ErrPhone => "电话号码只能有数字、空格、- 和 +，5 到 20 位数字", "A phone number has 5 to 20 digits, with spaces, dashes or a leading +";
    ErrPlace => "请选择或填写单元、地点（一行，60 字以内）", "Choose or type the unit or site (one line, up to 60 characters)";
    ErrWhat => "请写明投诉内容", "Write down what happened";
    ErrPhotos => "照片有问题，请删除后重拍", "A photo is not right: take it again";
    ErrTeam => "投诉必须属于一个班组或服务站", "A complaint belongs to a team or station";
    ErrAnsweredBy => "请填写受访人（60 字以内）", "Enter who answered (up to 60 characters)";
    ErrWords => "不满意时请记下客户的原话", "When not satisfied, write down the customer's words";
    ErrTime => "回访时间不能早于整改确认，也不能晚于现在", "The time is after the fix was confirmed and not in the future";
    ErrSatisfied => "请选择满意或不满意", "Choose satisfied or not satisfied";
    MyComplaints => "我受理的投诉", "Complaints I took";
    ComplaintsTile => "客户投诉", "Complaints";
    ComplaintsOpen => "未结案", "Open";
    ComplaintsLate => "超时", "Late";
    CallBacksDue => "待回访", "Call-backs due";
    NoComplaints => "暂无投诉。", "No complaints.";
    FixDue => "整改期限", "Fix due";
    CallBackDueBy => "回访期限", "Call-back due";
    StateFixing => "整改中", "Being fixed";
    StateCallBackDue => "待回访", "Call-back due";
    StateClosed => "已结案", "Closed";
    StateReopened => "已重开", "Reopened";
    TakenBy => "受理人（首问负责）", "Taken by (owner)";
    OpenFixTask => "查看整改任务", "Open the fix task";
    ComplaintTag => "投诉", "Complaint";
    CallBackForm => "《回访记录表》", "Call-back record";
    VisitOnly => "上门回访，客户在屏幕上签名。电话回访由办公室负责。", "A visit, signed by the customer on the screen. Phone call-backs are the office's.";
    VisitAt => "回访时间", "When";
    AnsweredBy => "受访人", "Who answered";
    Satisfied => "满意", "Satisfied";
    NotSatisfied => "不满意", "Not satisfied";
    CustomerWords => "客户意见", "The customer's words";
    SaveCallBack => "保存回访记录", "Save the call-back";
    CallBacks => "回访记录", "Call-backs";
    ReopenedNote => "客户不满意，投诉已重开，整改任务退回。", "The customer is not satisfied: the complaint is reopened and its task goes back.";
    EventTaken => "受理", "Taken";
    EventFixConfirmed => "整改确认", "Fix confirmed";
    EventCalledBack => "回访", "Called back";
    ComplaintNotOnDevice => "本机没有这条投诉。", "This complaint is not on this device.";
    // An engineer's own scorecard (pages/scorecard.rs; issue 18).
    MyScorecard => "我的考核", "My scorecard";
    ScorecardOffline => "考核需要网络，连上后再看。", "The scorecard needs a connection: try again online.";
    ScTotal => "总分", "Total";
    ScOrders => "工单数", "Orders";
    ScResponse => "实际响应", "Actual response";
    ScFirstFix => "一次修复", "First-time fix";
    ScData => "服务数据", "Service data";
    ScBeyond => "投诉与回访扣分", "Complaints and call-backs";
    DefLateResponse => "36小时内未到现场", "Not on site within 36 h";
    DefSecondVisit => "未一次修复（二次上门）", "Needed a second visit";
    DefMissingPhoto => "缺少必拍照片", "A required photo missing";
    DefLateReport => "服务报告超过3天", "Report past 3 days";
    DefUnsigned => "服务记录未签字", "Service record unsigned";
    DefSentBack => "报告被退回", "Report sent back";
    DefComplaint => "有效投诉", "Valid complaint";
    DefDissatisfied => "回访不满意", "Dissatisfied at the call-back";
    // A cleaner's own scorecard (pages/scorecard/cleaner.rs).
    ScChecklist => "清单完成", "Checklists done";
    ScSpotChecks => "抽查合格", "Spot checks passed";
    ScVacantUnits => "空置单元当月清洁", "Vacant units cleaned in the month";
    ScFindingsOnTime => "整改按时完成", "Findings closed on time";
    ScMissChecklist => "清单漏做", "Checklist items left undone";
    ScMissListSentBack => "清单抽查退回", "Checklist sent back";
    ScMissRecordSentBack => "空置单元记录退回", "Vacant-unit record sent back";
    ScMissUnitNotCleaned => "空置单元本月未清洁", "Vacant unit not cleaned this month";
    ScMissLateFinding => "整改未按时完成", "A finding not closed in time";
}
