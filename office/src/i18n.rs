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
