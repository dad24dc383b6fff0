//! One i18n mechanism for the whole app: zh-CN first, English second.
//!
//! Every message is a variant of [`Msg`] and every variant has both languages on its line of
//! `messages!`, so a missing translation does not compile. Text that depends on data (counts, durations) is built by
//! the small functions at the bottom, again in both languages side by side.

use leptos::prelude::*;

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

macro_rules! messages {
    ($($name:ident => $zh:literal, $en:literal;)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Msg { $($name),* }

        impl Msg {
            pub fn text(self, lang: Lang) -> &'static str {
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
    SignInAgainButton => "重新登录", "Sign in again";
    UsernameRequired => "请输入用户名", "Enter your username";
    PasswordRequired => "请输入密码", "Enter your password";
    BadCredentials => "用户名或密码不正确", "Wrong username or password";
    SignInOffline => "连不上服务器。首次登录需要网络，请到有信号的地方再试。", "Cannot reach the server. The first sign-in on a device needs a connection: try again where there is signal.";
    SignInServerError => "服务器暂时出错，请稍后再试。", "The server had a problem. Please try again shortly.";
    OtherUserQueued => "本机还有其他用户未发送的记录，请先由该用户登录发送。", "This device still holds another person's unsent records. That person must sign in and send them first.";
    SignOutBlocked => "还有未发送的记录：联网发送后再退出，或保留在本机由你下次登录发送。", "Some records are not sent yet: let them send first, or keep them on this device for your next sign-in.";
    Language => "English", "中文";
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
    Watermark => "照片加水印（单号、机器、时间）", "Stamp photos with ticket, machine and time";
    HoursOnSite => "现场小时表读数", "Hour meter on site";
    HoursSave => "更正", "Correct";
    HoursInvalid => "请输入 0 到 200000 之间的整数", "Enter a whole number from 0 to 200000";
    HoursHint => "拍照前先核对小时数：照片名称使用拍照时的小时数。", "Check the hours before taking photos: photo names use the hours at that moment.";
    NotAnImage => "这个文件不是可读取的图片，请重拍", "This file is not a readable image; take the photo again";
    ServiceReport => "服务报告", "Service report";
    FaultCause => "故障原因", "Fault cause";
    WorkDone => "处理过程", "Work done";
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
    Waived => "主管免签", "Waived by supervisor";
    Signer => "签字人姓名", "Name of the person signing";
    Clear => "清除", "Clear";
    ConfirmSignature => "确认签名", "Confirm signature";
    SignerRequired => "请填写签字人姓名", "Enter the name of the person signing";
    SignatureEmpty => "请客户在框内签名", "Ask the customer to sign in the box";
    WaiveInstead => "客户无法签名？申请主管免签", "Customer cannot sign? Supervisor's waiver";
    WaivedBy => "批准的主管", "Supervisor who agreed";
    WaiveReason => "免签原因", "Reason";
    WaiverInvalid => "请填写主管姓名和免签原因", "Enter the supervisor's name and the reason";
    Waive => "记录免签", "Record the waiver";
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
    AllWorkOrders => "全部工单", "All work orders";
    Refresh => "刷新", "Refresh";
    OfficeOffline => "连不上服务器：办公室页面需要网络。", "Cannot reach the server: the office screens need a connection.";
    DownloadZip => "下载照片 ZIP", "Download photos (ZIP)";
    TakenAt => "拍摄", "Taken";
    HeldWork => "改派后保留待处理的记录", "Records kept after a reassignment";
    KeepForLater => "保留在本机，下次由我登录发送", "Keep them here; I will send them when I sign in again";
    StorageFull => "手机存储已满：这一条没有保存，之前保存的都还在。请联网发送或清理手机空间后重试。", "This phone's storage is full: this one was NOT saved; everything saved before is intact. Send what is waiting or free some space, then try again.";
    StorageLow => "手机剩余存储不足 50 MB：照片可能无法保存，请尽快联网发送。", "Less than 50 MB of storage left: photos may not save. Send what is waiting soon.";

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
    NotOnThisPhone => "本机还没有这条记录：同步后再试。", "This record is not on this device yet: sync, then try again.";
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
    PhotoNotSaved => "手机存储已满：这张照片没有保存，请联网发送已保存的内容或清理手机空间后重拍。之前保存的照片和记录都还在。", "This phone's storage is full: this photo was NOT saved. Send what is waiting or free some space, then take it again. Every photo and record saved before is intact.";
}

use fieldbook_model::{Missing, OpKind, RejectCode, ServiceType, StatusNode};

use fieldbook_model::cleaning::{Frequency, RecordMissing, VacantStandard};
use fieldbook_model::findings::{Department, FindingState, ProblemKind};

const WEEKDAYS_ZH: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
const WEEKDAYS_EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// "11月27日 周五" / "Fri 27 Nov".
pub fn date_label(d: chrono::NaiveDate, lang: Lang) -> String {
    use chrono::Datelike;
    let w = d.weekday().num_days_from_monday() as usize;
    match lang {
        Lang::Zh => format!("{}月{}日 {}", d.month(), d.day(), WEEKDAYS_ZH[w]),
        Lang::En => format!("{} {}/{}", WEEKDAYS_EN[w], d.day(), d.month()),
    }
}

pub fn items_done(done: usize, due: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("今日已完成 {done}/{due} 项"),
        Lang::En => format!("{done} of {due} items done today"),
    }
}

pub fn items_left(n: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("还有 {n} 项未勾选"),
        Lang::En => format!("{n} items still unticked"),
    }
}

pub fn areas_finished(done: usize, of: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("区域 {done}/{of} 完成"),
        Lang::En => format!("{done}/{of} areas done"),
    }
}

pub fn unit_due(due: chrono::NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{due} 前清洁"),
        Lang::En => format!("Clean by {due}"),
    }
}

pub fn unit_overdue(days: i64, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("已超期 {days} 天"),
        Lang::En => format!("{days} days overdue"),
    }
}

pub fn problems_found(n: usize, lang: Lang) -> String {
    match (n, lang) {
        (0, Lang::Zh) => "全部合格".into(),
        (0, Lang::En) => "All passed".into(),
        (n, Lang::Zh) => format!("{n} 项问题"),
        (n, Lang::En) => format!("{n} problems"),
    }
}

pub fn frequency(f: Frequency, lang: Lang) -> &'static str {
    match (f, lang) {
        (Frequency::Daily, Lang::Zh) => "每日",
        (Frequency::Daily, Lang::En) => "Daily",
        (Frequency::Weekly, Lang::Zh) => "周保洁",
        (Frequency::Weekly, Lang::En) => "Weekly",
        (Frequency::Monthly, Lang::Zh) => "月保洁",
        (Frequency::Monthly, Lang::En) => "Monthly",
        (Frequency::Quarterly, Lang::Zh) => "季度大清",
        (Frequency::Quarterly, Lang::En) => "Quarterly",
    }
}

pub fn problem_kind(k: ProblemKind, lang: Lang) -> &'static str {
    match (k, lang) {
        (ProblemKind::Damaged, Lang::Zh) => "设施损坏",
        (ProblemKind::Damaged, Lang::En) => "Damaged",
        (ProblemKind::Leak, Lang::Zh) => "漏水积水",
        (ProblemKind::Leak, Lang::En) => "Leak / water",
        (ProblemKind::LightOut, Lang::Zh) => "灯不亮",
        (ProblemKind::LightOut, Lang::En) => "Light out",
        (ProblemKind::Blocked, Lang::Zh) => "堵塞",
        (ProblemKind::Blocked, Lang::En) => "Blocked",
        (ProblemKind::Dirty, Lang::Zh) => "脏污未清",
        (ProblemKind::Dirty, Lang::En) => "Not clean",
        (ProblemKind::Safety, Lang::Zh) => "安全隐患",
        (ProblemKind::Safety, Lang::En) => "Safety hazard",
        (ProblemKind::Other, Lang::Zh) => "其他",
        (ProblemKind::Other, Lang::En) => "Other",
    }
}

pub fn finding_state(s: FindingState, lang: Lang) -> &'static str {
    match (s, lang) {
        (FindingState::Open, Lang::Zh) => "待派发",
        (FindingState::Open, Lang::En) => "Open",
        (FindingState::Assigned, Lang::Zh) => "整改中",
        (FindingState::Assigned, Lang::En) => "Assigned",
        (FindingState::Fixed, Lang::Zh) => "待确认",
        (FindingState::Fixed, Lang::En) => "To confirm",
        (FindingState::Confirmed, Lang::Zh) => "已关闭",
        (FindingState::Confirmed, Lang::En) => "Closed",
    }
}

/// The CSS class of a finding's state badge.
pub fn finding_state_class(s: FindingState) -> &'static str {
    match s {
        FindingState::Open => "open",
        FindingState::Assigned => "assigned",
        FindingState::Fixed => "fixed",
        FindingState::Confirmed => "confirmed",
    }
}

pub fn department(d: Department, lang: Lang) -> &'static str {
    match (d, lang) {
        (Department::Engineering, Lang::Zh) => "工程部",
        (Department::Engineering, Lang::En) => "Engineering",
        (Department::Cleaning, Lang::Zh) => "保洁部",
        (Department::Cleaning, Lang::En) => "Cleaning",
    }
}

pub fn vacant_standard(item: VacantStandard, lang: Lang) -> &'static str {
    match (item, lang) {
        (VacantStandard::FloorClear, Lang::Zh) => "地面无杂物、无积水",
        (VacantStandard::FloorClear, Lang::En) => "Floor free of debris and standing water",
        (VacantStandard::WallsClean, Lang::Zh) => "墙面无污染、无蜘蛛网",
        (VacantStandard::WallsClean, Lang::En) => "Walls free of stains and cobwebs",
        (VacantStandard::EquipmentClean, Lang::Zh) => "所有设备无污染",
        (VacantStandard::EquipmentClean, Lang::En) => "All equipment clean",
        (VacantStandard::DoorsWindowsClosed, Lang::Zh) => "关好所有门窗",
        (VacantStandard::DoorsWindowsClosed, Lang::En) => "All doors and windows closed",
    }
}

/// Why the model refused a field step on this device, in the person's language.
pub fn op_error(e: &fieldbook_model::OpError, lang: Lang) -> String {
    use fieldbook_model::OpError;
    match e {
        OpError::Closed => Msg::ApprovedClosed.text(lang).into(),
        OpError::NotAllowed => Msg::NotAllowedHere.text(lang).into(),
        OpError::WrongState | OpError::Status(_) => Msg::StateChanged.text(lang).into(),
        OpError::AlreadyExists(_) => Msg::AlreadySaved.text(lang).into(),
        OpError::NotFound(_) => Msg::NotOnThisPhone.text(lang).into(),
        // The forms check every field first; what is left is rare and named in the model's words.
        other => format!("{}{other}", Msg::IncompleteValue.text(lang)),
    }
}

pub fn record_missing(m: &RecordMissing, lang: Lang) -> String {
    match (m, lang) {
        (RecordMissing::Item { item }, Lang::Zh) => {
            format!("“{}”未选择合格或有问题", vacant_standard(*item, lang))
        }
        (RecordMissing::Item { item }, Lang::En) => {
            format!("“{}”: choose pass or problem", vacant_standard(*item, lang))
        }
        (RecordMissing::ProblemPhoto { item }, Lang::Zh) => {
            format!("“{}”有问题，需要拍照", vacant_standard(*item, lang))
        }
        (RecordMissing::ProblemPhoto { item }, Lang::En) => format!(
            "“{}”: a problem needs a photo",
            vacant_standard(*item, lang)
        ),
        (RecordMissing::ProblemNote { item }, Lang::Zh) => {
            format!("“{}”有问题，请写明问题", vacant_standard(*item, lang))
        }
        (RecordMissing::ProblemNote { item }, Lang::En) => {
            format!("“{}”: say what is wrong", vacant_standard(*item, lang))
        }
        (RecordMissing::UnitPhoto, Lang::Zh) => "缺少单元整体照片".into(),
        (RecordMissing::UnitPhoto, Lang::En) => "The photo of the unit is missing".into(),
        (RecordMissing::Times, Lang::Zh) => "开始和结束时间不合理（超过一天或结束早于开始）".into(),
        (RecordMissing::Times, Lang::En) => {
            "The start and end times do not fit (over a day, or end before start)".into()
        }
    }
}

pub fn service_type(t: ServiceType, lang: Lang) -> &'static str {
    use ServiceType::*;
    match (t, lang) {
        (FaultRepair, Lang::Zh) => "故障维修",
        (FaultRepair, Lang::En) => "Fault repair",
        (PeriodicMaintenance, Lang::Zh) => "定检保养",
        (PeriodicMaintenance, Lang::En) => "Periodic maintenance",
        (ArrivalInspection, Lang::Zh) => "到机检查",
        (ArrivalInspection, Lang::En) => "Arrival inspection",
        (PreDeliveryInspection, Lang::Zh) => "交机预检",
        (PreDeliveryInspection, Lang::En) => "Pre-delivery inspection",
        (NewMachineHandover, Lang::Zh) => "新机交机",
        (NewMachineHandover, Lang::En) => "New-machine handover",
        (TechnicalModification, Lang::Zh) => "技改",
        (TechnicalModification, Lang::En) => "Technical modification",
        (PatrolInspection, Lang::Zh) => "巡检",
        (PatrolInspection, Lang::En) => "Patrol inspection",
        (StockMaintenance, Lang::Zh) => "库存机保养",
        (StockMaintenance, Lang::En) => "Stock-machine maintenance",
        (CustomerVisit, Lang::Zh) => "客户拜访",
        (CustomerVisit, Lang::En) => "Customer visit",
    }
}

pub fn status_node(n: StatusNode, lang: Lang) -> &'static str {
    use StatusNode::*;
    match (n, lang) {
        (Dispatched, Lang::Zh) => "已派工",
        (Dispatched, Lang::En) => "Dispatched",
        (Departed, Lang::Zh) => "出发",
        (Departed, Lang::En) => "Departed",
        (Arrived, Lang::Zh) => "到达工地",
        (Arrived, Lang::En) => "Arrived on site",
        (RepairedLeft, Lang::Zh) => "修复离开工地",
        (RepairedLeft, Lang::En) => "Repaired, left site",
        (ResolvedByPhone, Lang::Zh) => "电话解决",
        (ResolvedByPhone, Lang::En) => "Resolved by phone",
    }
}

pub fn reject_code(code: RejectCode, lang: Lang) -> &'static str {
    use RejectCode::*;
    match (code, lang) {
        (Malformed, Lang::Zh) => "记录格式无法识别，请升级应用",
        (Malformed, Lang::En) => "The record could not be read; please update the app",
        (WrongUser, Lang::Zh) => "该记录属于其他用户",
        (WrongUser, Lang::En) => "This record belongs to another user",
        (IdReused, Lang::Zh) => "记录编号冲突",
        (IdReused, Lang::En) => "The record's id clashes with another",
        (UnknownWorkOrder, Lang::Zh) => "服务器上没有这个工单",
        (UnknownWorkOrder, Lang::En) => "The server has no such work order",
        (NotAssigned, Lang::Zh) => "该工单已不再分配给你，请联系调度",
        (NotAssigned, Lang::En) => "This work order is no longer assigned to you; call dispatch",
        (InvalidTransition, Lang::Zh) => "工单状态已变化，这一步不再适用",
        (InvalidTransition, Lang::En) => {
            "The work order's status changed; this step no longer applies"
        }
        (Forbidden, Lang::Zh) => "你的角色无权执行此操作",
        (Forbidden, Lang::En) => "Your role may not do this",
        (ReportSubmitted, Lang::Zh) => "服务报告已提交，不能再修改",
        (ReportSubmitted, Lang::En) => "The service report was already submitted; it cannot change",
        (ReportIncomplete, Lang::Zh) => "服务报告还不完整",
        (ReportIncomplete, Lang::En) => "The service report is not complete",
        (InvalidPhoto, Lang::Zh) => "照片信息不符合要求",
        (InvalidPhoto, Lang::En) => "The photo's details are not acceptable",
        (Reassigned, Lang::Zh) => "工单已改派他人，你的记录已保存，由调度处理",
        (Reassigned, Lang::En) => {
            "This work order was reassigned; your record is kept for the office"
        }
        (InvalidValue, Lang::Zh) => "填写的内容为空或超出范围",
        (InvalidValue, Lang::En) => "A value is empty or out of range",
        (UnknownRecord, Lang::Zh) => "服务器上没有这条记录，或你无权查看",
        (UnknownRecord, Lang::En) => "The server has no such record, or it is not yours",
        (Closed, Lang::Zh) => "主管已验收，不能再修改",
        (Closed, Lang::En) => "A supervisor approved it; it cannot change",
    }
}

/// What an operation was, in a few words: "出发", "照片 · nameplate", "服务报告".
pub fn op_label(kind: &OpKind, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    match kind {
        OpKind::SetStatus { node, .. } => status_node(*node, lang).to_string(),
        OpKind::CorrectHours { hours, .. } => {
            if zh {
                format!("小时数 {hours} h")
            } else {
                format!("Engine hours {hours} h")
            }
        }
        OpKind::AddPhoto { slot, .. } => {
            if zh {
                format!("照片 · {slot}")
            } else {
                format!("Photo · {slot}")
            }
        }
        OpKind::SaveReport { .. } => (if zh {
            "服务报告内容"
        } else {
            "Service report"
        })
        .to_string(),
        OpKind::Sign { .. } => (if zh {
            "客户签名"
        } else {
            "Customer signature"
        })
        .to_string(),
        OpKind::WaiveSignature { .. } => (if zh { "免签" } else { "Signature waived" }).to_string(),
        OpKind::SubmitReport { .. } => (if zh {
            "提交服务报告"
        } else {
            "Report submitted"
        })
        .to_string(),
        OpKind::MarkItem { mark, .. } => (match (mark, zh) {
            (Some(fieldbook_model::cleaning::Mark::Done), true) => "勾选清洁项",
            (Some(fieldbook_model::cleaning::Mark::Done), false) => "Item ticked",
            (Some(fieldbook_model::cleaning::Mark::Problem), true) => "清洁项有问题",
            (Some(fieldbook_model::cleaning::Mark::Problem), false) => "Item flagged",
            (None, true) => "取消勾选",
            (None, false) => "Tick cleared",
        })
        .to_string(),
        OpKind::FinishArea { .. } => (if zh { "区域完成" } else { "Area finished" }).to_string(),
        OpKind::ReviewArea { .. } | OpKind::ReviewVacantRecord { .. } => {
            (if zh { "抽查" } else { "Spot check" }).to_string()
        }
        OpKind::SaveVacantRecord { .. } => (if zh {
            "空置单元清洁记录"
        } else {
            "Vacant-unit record"
        })
        .to_string(),
        OpKind::ReportFinding { .. } => (if zh {
            "问题上报"
        } else {
            "Problem reported"
        })
        .to_string(),
        OpKind::AssignFinding { .. } => (if zh { "派发整改" } else { "Task assigned" }).to_string(),
        OpKind::CloseFinding { .. } => (if zh { "整改完成" } else { "Task closed" }).to_string(),
        OpKind::ConfirmFinding { .. } => {
            (if zh { "确认整改" } else { "Fix confirmed" }).to_string()
        }
        OpKind::ReopenFinding { .. } => (if zh { "退回整改" } else { "Task reopened" }).to_string(),
        OpKind::SubmitRound { .. } => (if zh { "巡检记录" } else { "Patrol round" }).to_string(),
    }
}

/// "剩余 5 小时 20 分" / "5 h 20 min left", or overdue.
pub fn duration_left(minutes: i64, lang: Lang) -> String {
    let (h, m) = (minutes.abs() / 60, minutes.abs() % 60);
    match (minutes >= 0, lang) {
        (true, Lang::Zh) => format!("剩余 {h} 小时 {m} 分"),
        (true, Lang::En) => format!("{h} h {m} min left"),
        (false, Lang::Zh) => format!("已超时 {h} 小时 {m} 分"),
        (false, Lang::En) => format!("overdue by {h} h {m} min"),
    }
}

/// The badge's count of what is still on the device.
pub fn unsent_count(n: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{n} 条待发送"),
        Lang::En if n == 1 => "1 item to send".to_string(),
        Lang::En => format!("{n} items to send"),
    }
}

pub fn rejected_count(n: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{n} 条被拒收"),
        Lang::En if n == 1 => "1 item refused".to_string(),
        Lang::En => format!("{n} items refused"),
    }
}

pub fn missing_photos(n: usize, lang: Lang) -> String {
    match (n, lang) {
        (0, Lang::Zh) => "照片齐全".to_string(),
        (0, Lang::En) => "All photos taken".to_string(),
        (n, Lang::Zh) => format!("缺 {n} 张"),
        (1, Lang::En) => "1 missing".to_string(),
        (n, Lang::En) => format!("{n} missing"),
    }
}

/// What still blocks the report (photos are named by their slot's label instead).
pub fn missing(m: &Missing, lang: Lang) -> &'static str {
    match (m, lang) {
        (Missing::NotDone, Lang::Zh) => "尚未报告“修复离开工地”",
        (Missing::NotDone, Lang::En) => "\"Repaired, left site\" not reported yet",
        (Missing::Photo { .. }, Lang::Zh) => "照片",
        (Missing::Photo { .. }, Lang::En) => "Photo",
        (Missing::FaultCause, Lang::Zh) => "故障原因",
        (Missing::FaultCause, Lang::En) => "Fault cause",
        (Missing::WorkDone, Lang::Zh) => "处理过程",
        (Missing::WorkDone, Lang::En) => "Work done",
        (Missing::Signature, Lang::Zh) => "客户签名（或主管免签）",
        (Missing::Signature, Lang::En) => "Customer signature (or a supervisor's waiver)",
    }
}

pub fn tries(n: u32, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("已尝试 {n} 次"),
        Lang::En if n == 1 => "1 try".to_string(),
        Lang::En => format!("{n} tries"),
    }
}

// Supervisors (issue 6).

pub fn round_kind(k: fieldbook_model::patrol::RoundKind, lang: Lang) -> &'static str {
    use fieldbook_model::patrol::RoundKind::*;
    match (k, lang) {
        (Morning, Lang::Zh) => "上午巡检",
        (Morning, Lang::En) => "Morning round",
        (Afternoon, Lang::Zh) => "下午巡检",
        (Afternoon, Lang::En) => "Afternoon round",
        (LastRound, Lang::Zh) => "下班前巡视",
        (LastRound, Lang::En) => "Last round",
        (MonthlyOutlets, Lang::Zh) => "商铺月检",
        (MonthlyOutlets, Lang::En) => "Monthly outlet check",
    }
}

pub fn round_state(s: fieldbook_model::patrol::RoundState, lang: Lang) -> &'static str {
    use fieldbook_model::patrol::RoundState::*;
    match (s, lang) {
        (Done, Lang::Zh) => "已完成",
        (Done, Lang::En) => "Done",
        (Due, Lang::Zh) => "待巡",
        (Due, Lang::En) => "Due now",
        (Upcoming, Lang::Zh) => "未到时间",
        (Upcoming, Lang::En) => "Later",
        (Missed, Lang::Zh) => "已错过",
        (Missed, Lang::En) => "Missed",
    }
}

pub fn outlet_check(c: fieldbook_model::patrol::OutletCheck, lang: Lang) -> &'static str {
    use fieldbook_model::patrol::OutletCheck::*;
    match (c, lang) {
        (NoIllegalStalls, Lang::Zh) => "无违章摆卖",
        (NoIllegalStalls, Lang::En) => "No illegal stalls",
        (NoBillboards, Lang::Zh) => "无违规广告牌",
        (NoBillboards, Lang::En) => "No unauthorised billboards",
        (NoPostersOrGraffiti, Lang::Zh) => "无乱张贴、涂画",
        (NoPostersOrGraffiti, Lang::En) => "No posters or graffiti",
        (NoAnimals, Lang::Zh) => "无饲养家禽、家畜及宠物",
        (NoAnimals, Lang::En) => "No poultry, livestock or pets",
    }
}

pub fn role_name(r: fieldbook_model::Role, lang: Lang) -> &'static str {
    use fieldbook_model::Role::*;
    match (r, lang) {
        (Engineer, Lang::Zh) => "工程师",
        (Engineer, Lang::En) => "Engineer",
        (Cleaner, Lang::Zh) => "保洁员",
        (Cleaner, Lang::En) => "Cleaner",
        (Supervisor, Lang::Zh) => "主管",
        (Supervisor, Lang::En) => "Supervisor",
        (Dispatcher, Lang::Zh) => "客服专员",
        (Dispatcher, Lang::En) => "Dispatcher",
    }
}

/// "已巡 3/5" / "3 of 5 checked".
pub fn areas_checked(done: usize, of: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("已巡 {done}/{of}"),
        Lang::En => format!("{done} of {of} checked"),
    }
}

pub fn unmarked_areas(n: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("还有 {n} 个区域未巡检，将记为“跳过”。确定完成本次巡检？"),
        Lang::En if n == 1 => {
            "1 area is not marked and will count as skipped. Finish the round?".into()
        }
        Lang::En => {
            format!("{n} areas are not marked and will count as skipped. Finish the round?")
        }
    }
}

/// How long ago: "15 分钟前", "3 小时前", "2 天前".
pub fn age(minutes: i64, lang: Lang) -> String {
    let m = minutes.max(0);
    match (m, lang) {
        (0..=59, Lang::Zh) => format!("{m} 分钟前"),
        (0..=59, Lang::En) => format!("{m} min ago"),
        (60..=1439, Lang::Zh) => format!("{} 小时前", m / 60),
        (60..=1439, Lang::En) => format!("{} h ago", m / 60),
        (_, Lang::Zh) => format!("{} 天前", m / 1440),
        (_, Lang::En) => format!("{} d ago", m / 1440),
    }
}

/// The age bands of open findings on the board.
pub fn age_band(band: usize, lang: Lang) -> &'static str {
    match (band, lang) {
        (0, Lang::Zh) => "1 天内",
        (0, Lang::En) => "< 1 day",
        (1, Lang::Zh) => "1–3 天",
        (1, Lang::En) => "1–3 days",
        (_, Lang::Zh) => "超过 3 天",
        (_, Lang::En) => "> 3 days",
    }
}

/// Quick due times offered when assigning.
pub fn due_in(hours: i64, lang: Lang) -> String {
    match (hours % 24 == 0 && hours >= 48, lang) {
        (true, Lang::Zh) => format!("{} 天", hours / 24),
        (true, Lang::En) => format!("{} days", hours / 24),
        (false, Lang::Zh) => format!("{hours} 小时"),
        (false, Lang::En) => format!("{hours} h"),
    }
}

// The upload queue (issue 4): progress and what a discard loses.

/// A size as people read it: "340 KB", "1.2 MB".
pub fn size(bytes: u64) -> String {
    if bytes >= 1_048_576 {
        format!("{:.1} MB", bytes as f64 / 1_048_576.0)
    } else {
        format!("{:.0} KB", (bytes as f64 / 1024.0).ceil())
    }
}

pub fn sending_percent(percent: u8, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("正在发送 {percent}%"),
        Lang::En => format!("Sending {percent}%"),
    }
}

/// What discarding a refused photo loses.
pub fn discard_photo(name: &str, bytes: u64, lang: Lang) -> String {
    let size = size(bytes);
    match lang {
        Lang::Zh => {
            format!("照片 {name}（{size}）将从这部手机上删除，不会再发送，服务器上也不会有它。")
        }
        Lang::En => format!(
            "The photo {name} ({size}) will be deleted from this phone. It will never be sent and the server will not have it."
        ),
    }
}

/// What discarding a refused record loses: "出发" on work order T-1.
pub fn discard_entry(kind: &OpKind, ticket: &str, lang: Lang) -> String {
    let what = op_label(kind, lang);
    match lang {
        Lang::Zh => {
            format!("工单 {ticket} 的“{what}”将从这部手机上删除，不会再发送，服务器上也不会有它。")
        }
        Lang::En => format!(
            "\"{what}\" on work order {ticket} will be deleted from this phone. It will never be sent and the server will not have it."
        ),
    }
}
