//! One i18n mechanism for the whole app: zh-CN first, English second.
//!
//! Every message is a variant of [`Msg`] and every variant has both languages in one `match`, so a
//! missing translation does not compile. Text that depends on data (counts, durations) is built by
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
                match (self, lang) {
                    $((Msg::$name, Lang::Zh) => $zh, (Msg::$name, Lang::En) => $en,)*
                }
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
    // The upload queue (issue 4): fixing and discarding refused items, a full phone.
    DiscardTitle => "确定丢弃？", "Discard it?";
    DiscardKept => "其他记录不受影响，仍会照常发送。", "Nothing else is affected; everything else is still sent.";
    FixInOrder => "打开工单重新填写", "Open the work order and redo it";
    RetakeInOrder => "打开工单重新拍摄", "Open the work order and take it again";
    PhotoNotSaved => "手机存储已满：这张照片没有保存，请联网发送已保存的内容或清理手机空间后重拍。之前保存的照片和记录都还在。", "This phone's storage is full: this photo was NOT saved. Send what is waiting or free some space, then take it again. Every photo and record saved before is intact.";
}

use fieldbook_model::{Missing, OpKind, RejectCode, ServiceType, StatusNode};

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
