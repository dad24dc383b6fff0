//! The office's words, zh-CN and English, with the field app's mechanism (`fieldbook::messages!`)
//! but a table of their own: nothing here is in the field app's wasm. The language itself and
//! the domain's names (`status_node`, `service_type`) are the field app's.

use fieldbook::i18n::{Lang, use_lang};
use leptos::prelude::*;

fieldbook::messages! {
    AppName => "Fieldbook 办公室", "Fieldbook Office";
    Office => "办公室", "Office";
    Tagline => "调度台：工单、照片与服务报告", "The dispatch desk: work orders, photos and reports";
    Username => "用户名", "Username";
    Password => "密码", "Password";
    SignIn => "登录", "Sign in";
    SigningIn => "正在登录…", "Signing in…";
    SignOut => "退出登录", "Sign out";
    UsernameRequired => "请输入用户名", "Enter your username";
    PasswordRequired => "请输入密码", "Enter your password";
    BadCredentials => "用户名或密码不正确", "Wrong username or password";
    SessionExpired => "登录已过期，请重新登录。", "Your session has expired: sign in again.";
    ServerError => "服务器暂时出错，请稍后再试。", "The server had a problem. Please try again shortly.";
    Unreachable => "连不上服务器：办公室页面需要网络。", "Cannot reach the server: the office screens need a connection.";
    TryAgain => "重试", "Try again";
    NotForOffice => "办公室应用供调度和主管使用；现场人员请用现场应用。", "The office app is for dispatchers and supervisors; field staff use the field app.";
    OpenFieldApp => "打开现场应用", "Open the field app";
    Language => "English", "中文";
    Loading => "加载中…", "Loading…";
    Back => "返回", "Back";
    // The equipment register, the photo rules and the imports (pages/register.rs,
    // pages/photo_rules.rs, pages/imports.rs).
    NavRegister => "设备档案", "Equipment register";
    NavPhotoRules => "照片规则", "Photo rules";
    NavImports => "导入", "Imports";
    SearchMachines => "按序列号或机型查找", "Find by serial or model";
    NoMachines => "没有找到设备。", "No machine found.";
    DeliveredOn => "交机日期", "Delivered";
    WarrantyEnd => "质保到期", "Warranty ends";
    InWarranty => "在保", "In warranty";
    OutOfWarranty => "已过保", "Out of warranty";
    HoursOverTime => "小时数记录", "Hours over time";
    NoReadings => "还没有小时数记录。", "No hour readings yet.";
    ReadingAt => "日期", "Date";
    FromImport => "导入", "Import";
    ServiceHistory => "服务记录", "Service history";
    NoOrdersOnMachine => "这台设备还没有工单。", "No work orders on this machine yet.";
    RepeatVisit => "重复报修", "Repeat visit";
    NoMachine => "没有这台设备。", "There is no such machine.";
    EditMachine => "修改档案", "Edit the entry";
    Saving => "正在保存…", "Saving…";
    SlotKey => "代码", "Key";
    LabelZh => "中文名称", "Chinese label";
    LabelEn => "英文名称", "English label";
    RequiredPhoto => "必拍", "Required";
    Example => "示例图", "Example";
    UploadExample => "上传示例图", "Upload an example";
    AddSlot => "添加照片项", "Add a photo";
    Remove => "删除", "Remove";
    MoveUp => "上移", "Move up";
    MoveDown => "下移", "Move down";
    NamingRule => "照片命名规则", "Photo naming rule";
    NamingStandard => "标准：单号-机型-序列号-小时数-日期-项目", "Standard: ticket-model-serial-hours-date-slot";
    NamingWithService => "含服务内容：单号 机型 序列号 小时数 服务内容 日期", "With service content: ticket model serial hours service date";
    NamingUnavailable => "命名规则设置暂不可用（服务器尚未提供）。", "The naming rule cannot be set yet (the server does not offer it).";
    RulesChanged => "照片规则已保存：工单下次打开时生效。", "Photo rules saved: orders show them the next time they are opened.";
    ImportWorkOrders => "导入工单", "Import work orders";
    ImportMachines => "导入设备", "Import machines";
    ImportHint => "Excel（.xlsx）或 CSV（UTF-8 或 GBK），第一行为列名（中文或英文）。", "Excel (.xlsx) or CSV (UTF-8 or GBK), the first row naming the columns (Chinese or English).";
    ChooseFile => "选择文件", "Choose a file";
    Send => "导入", "Import";
    Sending => "正在导入…", "Importing…";
    Accepted => "已导入", "Imported";
    RefusedLines => "未导入的行", "Lines not imported";
    Line => "行", "Line";
    Reason => "原因", "Reason";
    NoFile => "请先选择文件。", "Choose a file first.";
    ErrRequired => "必填", "is required";
    ErrInvalid => "太长（最多 60 个字）或含不允许的字符", "is too long (60 at most) or has characters that are not allowed";
    ErrWarrantyBeforeDelivery => "质保到期不能早于交机日期", "The warranty cannot end before the delivery";
    ErrSlotKey => "代码须为 1–30 个小写字母、数字或 _，且不能是 extra / signature", "The key must be 1 to 30 of a-z, 0-9 and _, and not extra or signature";
    ErrSlotDuplicate => "代码重复", "The key is used twice";
    ErrSlotLabel => "名称须为 1–60 个字", "Labels must be 1 to 60 characters";
    ErrTooManySlots => "每种服务类型最多 30 个照片项", "A service type asks for at most 30 photos";
    Row => "第 {n} 项", "Row {n}";
    AllWorkOrders => "全部工单", "All work orders";
    NoWorkOrders => "还没有工单。", "No work orders yet.";
    Refresh => "刷新", "Refresh";
    NotFound => "没有这个工单。", "There is no such work order.";
    Ticket => "报修单号", "Ticket";
    Customer => "客户", "Customer";
    Machine => "机型 / 序列号", "Model / serial";
    Assignee => "工程师", "Engineer";
    ServiceType => "服务类型", "Service type";
    Status => "状态节点", "Status";
    Photos => "照片", "Photos";
    Report => "服务报告", "Report";
    MachineDown => "停机", "Machine down";
    ReportSubmitted => "服务报告已提交", "Service report submitted";
    Submitted => "已提交", "Submitted";
    NotSubmitted => "未提交", "Not submitted";
    ServiceReport => "服务报告", "Service report";
    FaultCause => "故障原因", "Fault cause";
    WorkDone => "处理过程", "Work done";
    HeldWork => "改派后保留待处理的记录", "Records kept after a reassignment";
    DownloadZip => "下载照片 ZIP", "Download photos (ZIP)";
    PhotoMissing => "缺少", "Missing";
    PhotoOptional => "可选", "Optional";
    PhotoTaken => "已拍", "Taken";
    TakenAt => "拍摄", "Taken";
    PhotoSent => "已上传", "Uploaded";
    PhotoWaiting => "待上传", "Waiting to upload";
    // The desk (issue 14).
    DeskNav => "调度台导航", "Desk navigation";
    NavOrders => "工单", "Orders";
    NavCall => "接报", "Take a call";
    NavFollowUps => "跟进", "Follow-ups";
    TakeCall => "接报 / 派工", "Take a call";
    CustomerSection => "客户", "Customer";
    MachineSection => "设备与故障", "Machine and fault";
    DispatchSection => "派工", "Dispatch";
    ContactName => "联系人", "Contact person";
    ContactPhone => "联系电话", "Contact phone";
    Site => "工地位置", "Site";
    Serial => "序列号", "Serial number";
    Model => "机型", "Model";
    Hours => "小时数", "Hours";
    WorkingCondition => "工况", "Working condition";
    Fault => "故障描述", "Fault";
    CalledAt => "报修时间", "Call time";
    PlannedAt => "计划时间", "Planned time";
    MainEngineer => "主修工程师", "Main engineer";
    Companions => "同行人员", "Companions";
    Choose => "请选择", "Choose";
    NextTicket => "按规则下一个：", "Next by the rule:";
    ChinaTime => "时间均为北京时间。", "All times are China time (UTC+8).";
    SerialUnknownHint => "未知可留空（待补）", "Leave empty if unknown (to be filled in)";
    SerialPendingNote => "序列号未知：建单后为“99”单，序列号待补。", "Serial unknown: the order is a \"99\" order, its serial to be filled in later.";
    SerialPending => "待补", "To be filled in";
    MachineMatches => "设备档案中的匹配", "Matches in the equipment register";
    CreateOrder => "建单并派工", "Create and dispatch";
    DiscardDraft => "放弃草稿", "Discard draft";
    DraftSaved => "草稿已保存在本机", "Draft kept on this computer";
    DraftKept => "草稿仍保存在本机。", "The draft is still kept on this computer.";
    FixFields => "请先改正标出的栏目。", "Correct the marked fields first.";
    Required => "必填", "Required";
    InvalidValue => "太长或含不允许的字符", "Too long or has characters that are not allowed";
    NotANumber => "请输入整数", "Enter a whole number";
    BadPhone => "电话号码不正确（5–20 位数字，可含空格、-、+、括号）", "Not a phone number (5 to 20 digits, with spaces, -, + or brackets)";
    PlannedBeforeCall => "计划时间不能早于报修时间", "The planned time cannot be before the call";
    CompanionIsAssignee => "主修工程师不能同时是同行人员", "The main engineer cannot also be a companion";
    BadTicket => "报修单号只能含字母、数字、- 和 _，最多 40 个", "A ticket has letters, digits, - and _ only, at most 40";
    DuplicateTicket => "这个报修单号已经有了", "This ticket number is already taken";
    UnknownUser => "没有这个账号", "There is no such account";
    NotAnEngineer => "这个账号不是工程师", "This account is not an engineer";
    UserDisabled => "这个账号已停用", "This account is disabled";
    ServerRefused => "服务器拒绝了", "The server refused";
    Yes => "是", "Yes";
    No => "否", "No";
    Station => "服务站", "Station";
    RepeatOf => "重复报修，前单", "Repeat visit, earlier order";
    ClosedLocked => "已关单 · 锁定", "Closed · locked";
    ClosedBy => "已关单：", "Closed by";
    Resolution => "解决详情", "Resolution details";
    ExpectedArrival => "预计到达", "Expected arrival";
    FirstResponseTitle => "首次响应", "First response";
    ResponseAt => "响应时间", "When";
    ResponseOutcome => "沟通结果", "Outcome";
    OutcomeRequired => "请写沟通结果", "Write the outcome";
    SiteConfirmed => "已确认工地位置", "Site confirmed";
    SiteNotConfirmed => "工地位置未确认", "Site not confirmed";
    PhoneFixQuestion => "电话可解决", "Phone fix";
    PhoneFixPlanned => "电话解决", "Phone fix";
    RecordResponse => "记录首次响应", "Record first response";
    ResolutionRequired => "请写解决详情", "Write the resolution details";
    ClosePhoneFix => "电话解决并关单", "Close as phone fix";
    PlanTitle => "计划与同行人员", "Plan and companions";
    SavePlan => "保存计划", "Save plan";
    Saved => "已保存", "Saved";
    Save => "保存", "Save";
    Reassign => "改派", "Reassign";
    NewEngineer => "改派给", "Reassign to";
    Apply => "应用", "Apply";
    Dismiss => "驳回", "Dismiss";
    Applied => "已应用", "Applied";
    Dismissed => "已驳回", "Dismissed";
    DismissReason => "驳回原因", "Reason to dismiss";
    ReasonRequired => "请写原因", "Give a reason";
    FillSerial => "补录序列号", "Fill in the serial";
    SaveMachine => "保存序列号", "Save serial";
    UnrepairedReasonLabel => "未修复原因", "Why not repaired";
    Parts => "更换配件", "Parts";
    SignatureItem => "客户签名", "Signature";
    Waived => "免签", "Waived";
    Other => "其他", "Other";
    MissingSlot => "缺少照片", "Missing photo";
    SendBackThis => "退回", "Send back";
    ReasonFor => "退回原因", "Reason";
    SentBack => "已退回", "Sent back";
    CloseOrder => "关单", "Close order";
    SendBack => "退回", "Send back";
    ReviewRounds => "审核记录", "Review rounds";
    NoRounds => "还没有审核。", "No review yet.";
    DecisionClose => "关单", "Closed";
    DecisionSendBack => "退回", "Sent back";
    NoItems => "退回至少要勾选一项", "Tick at least one item to send back";
    BadReason => "每项退回都要写原因", "Every item sent back needs a reason";
    UnknownPhoto => "这张照片不在本工单上", "That photo is not on this order";
    OrderClosedRefused => "工单已关单，不能再修改", "The order is closed and cannot change";
    NotSubmittedRefused => "服务报告还没有提交", "The report is not submitted";
    FuMachineDown => "停机", "Machines down";
    FuResponseSoon => "响应将超时", "Response due soon";
    FuResponseLate => "响应超时", "Response late";
    FuReportSoon => "报告将到期", "Report due soon";
    FuReportLate => "报告超期", "Report late";
    FuUnrepaired => "未修复（16:30）", "Unrepaired (16:30)";
    Due => "截止", "Due";
    SearchHint => "搜索单号、序列号、客户、工程师", "Search ticket, serial, customer, engineer";
    ExportCsv => "导出 CSV", "Export CSV";
    NothingHere => "这个清单是空的。", "Nothing on this list.";
    // Complaints and call-backs (issue 17).
    NavComplaints => "投诉", "Complaints";
    NavCallBacks => "回访", "Call-backs";
    NavCalendar => "工作日历", "Working days";
    NavLedger => "投诉台账", "Complaint ledger";
    TakeComplaint => "受理投诉", "Take a complaint";
    CoOpen => "未结", "Open";
    CoLate => "超时", "Late";
    CoCallBackDue => "待回访", "Call-back due";
    CoAll => "全部", "All";
    CoSearch => "搜索客户、地点、内容、班组、受理人", "Search customer, place, what, team, taken by";
    NoComplaints => "没有投诉。", "No complaints.";
    ComplaintTakenAt => "受理时间", "Taken";
    Severity => "级别", "Severity";
    Major => "重大", "Major";
    Ordinary => "一般", "Ordinary";
    TeamOrStation => "班组 / 服务站", "Team or station";
    Place => "单元 / 地点", "Unit or site";
    What => "投诉内容", "What happened";
    TakenBy => "首问负责人", "Taken by (owner)";
    FixDue => "整改期限", "Fix due";
    CallBackDueAt => "回访期限", "Call-back due";
    StFixing => "整改中", "Being fixed";
    StCallBackDue => "待回访", "Call-back due";
    StClosed => "已结案", "Closed";
    LateMark => "已超时", "late";
    TaskAssignee => "整改人", "Fixed by";
    AssignLater => "暂不指派（由主管派发）", "Not now (the supervisor assigns)";
    OtherAccount => "其他账号…", "Another account…";
    AccountName => "账号", "Account";
    WorkOrderTicket => "相关工单（单号，可空）", "Work order (ticket, optional)";
    NoSuchTicket => "没有这个单号的工单", "No work order has this ticket";
    UnknownTeam => "没有这个班组或服务站", "There is no such team or station";
    Forbidden => "你无权这样做", "You may not do this";
    TeamHint => "如 team-a、济南站", "e.g. team-a, 济南站";
    Timeline => "经过", "Timeline";
    EvTaken => "受理", "Taken";
    EvAssigned => "派给", "Given to";
    EvFixed => "整改完成", "Fixed";
    EvConfirmed => "确认整改", "Fix confirmed";
    EvCalledBack => "回访", "Called back";
    EvReopened => "重新打开", "Reopened";
    Task => "整改任务", "Fix task";
    AfterPhotos => "整改后照片", "After photos";
    Assign => "指派", "Assign";
    ConfirmFix => "确认整改", "Confirm the fix";
    NotFixedYet => "整改尚未完成", "The task is not fixed yet";
    CallBack => "电话回访", "Phone call-back";
    CallBackAt => "回访时间", "When";
    AnsweredBy => "接听人", "Who answered";
    Satisfied => "满意", "Satisfied";
    NotSatisfied => "不满意", "Not satisfied";
    CustomerWords => "客户原话", "The customer's words";
    WordsRequired => "不满意时请写下客户原话", "Write the customer's words when not satisfied";
    RecordCallBack => "记录回访", "Record the call-back";
    CallBackHistory => "回访记录", "Call-backs";
    NoCallBacks => "还没有回访。", "No call-back yet.";
    ByPhone => "电话", "Phone";
    ByVisit => "上门", "Visit";
    CustomerSignature => "客户签名", "Customer's signature";
    ReopenedNotice => "客户不满意，投诉已重新打开：", "Not satisfied: the complaint is reopened:";
    ClosedNotice => "客户满意，投诉已结案。", "Satisfied: the complaint is closed.";
    Reopen => "重新打开", "Reopen";
    ReopenReason => "重新打开的原因", "Why reopen it";
    FixNotConfirmed => "整改尚未确认，不能回访", "The fix is not confirmed yet: no call-back";
    SignatureOnPhone => "电话回访不能带签名", "A phone call-back has no signature";
    OrderNotClosed => "工单尚未关单", "The order is not closed";
    WrongState => "当前状态不允许这样做", "Not in this state";
    NoComplaint => "没有这个投诉。", "There is no such complaint.";
    NoCallBacksDue => "没有待回访。", "No call-back due.";
    CbDueToday => "今天及超时", "Due today and late";
    CbKind => "类型", "Kind";
    CbComplaint => "投诉", "Complaint";
    CbOrder => "工单", "Work order";
    Today => "今天", "today";
    OrderCallBack => "回访", "Call-back";
    CalendarTitle => "工作日历", "Working-day calendar";
    CalHoliday => "节假日", "Holiday";
    CalMakeUp => "调休上班", "Make-up working day";
    CalNormal => "恢复正常", "Normal";
    CalHint => "先选标记，再点日期；保存后用于以后的期限。", "Choose a mark, then tap days; saved, it counts for the deadlines from now on.";
    CalWeekendOff => "周末本来就休息，不能再标为节假日", "A weekend day is off already: it cannot be a holiday";
    CalWeekdayWorks => "工作日本来就上班，不能标为调休上班", "A weekday is a working day already: it cannot be a make-up day";
    CalSaved => "工作日历已保存", "Calendar saved";
    Unsaved => "有未保存的修改", "Unsaved changes";
    Month => "月份", "Month";
    DownloadCsv => "下载 CSV", "Download CSV";
    DownloadXlsx => "下载 Excel", "Download .xlsx";
    FixConfirmedAt => "确认整改", "Fix confirmed";
    OnTime => "按期", "On time";
    CalledBackAt => "回访时间", "Called back";
    Reopened => "重开", "Reopened";
    NoLedger => "这个月没有投诉。", "No complaint this month.";
    CallBackDaysLabel => "工单关单后回访天数", "Days to call back after a closed order";
    CallBackDaysHint => "1–60 天", "1 to 60 days";
}

/// A message in the current language, as a reactive closure for `view!`.
pub fn tr(msg: Msg) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let lang = use_lang();
    move || msg.text(lang.get())
}

const LANG_KEY: &str = "fieldbook-office-lang";

/// The language chosen on this browser before (the office keeps no database: local storage).
pub fn stored_lang() -> Lang {
    local_storage()
        .and_then(|s| s.get_item(LANG_KEY).ok().flatten())
        .map_or_else(Lang::default, |code| Lang::from_code(&code))
}

pub fn store_lang(lang: Lang) {
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(LANG_KEY, lang.code());
    }
}

fn local_storage() -> Option<web_sys::Storage> {
    gloo::utils::window().local_storage().ok().flatten()
}
