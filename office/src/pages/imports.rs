//! 导入, the office's imports: work orders or machines from an .xlsx or a CSV (UTF-8 or GBK).
//! The file goes as it is; the answer is the count imported and each refused line with its
//! reason (good lines are imported, refused ones change nothing).

use fieldbook::api::ApiFail;
use fieldbook::i18n::use_lang;
use fieldbook_model::register::ImportReport;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::i18n::{Msg, tr};
use crate::pages::photo_rules::file_of;
use crate::register_api as rapi;
use crate::session::fail_text;

#[component]
pub fn ImportsPage() -> impl IntoView {
    view! {
        <section class="detail-page imports-page">
            <h1>{tr(Msg::NavImports)}</h1>
            <p class="muted">{tr(Msg::ImportHint)}</p>
            <div class="import-grid">
                <ImportBox what="machines" title=Msg::ImportMachines/>
                <ImportBox what="work-orders" title=Msg::ImportWorkOrders/>
            </div>
        </section>
    }
}

#[component]
fn ImportBox(what: &'static str, title: Msg) -> impl IntoView {
    let lang = use_lang();
    let file = RwSignal::new_local(None::<web_sys::File>);
    let busy = RwSignal::new(false);
    let result = RwSignal::new(None::<Result<ImportReport, String>>);
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(chosen) = file.get_untracked() else {
            result.set(Some(Err(Msg::NoFile
                .text(lang.get_untracked())
                .to_string())));
            return;
        };
        busy.set(true);
        result.set(None);
        spawn_local(async move {
            let answer = rapi::import(what, &chosen).await;
            busy.set(false);
            result.set(Some(match answer {
                Ok(report) => Ok(report),
                Err(ApiFail::Server(_, e)) => Err(e.message),
                Err(other) => Err(fail_text(&other).text(lang.get_untracked()).to_string()),
            }));
        });
    };
    view! {
        <form class="card import-box" data-testid=format!("import-{what}") on:submit=send>
            <h2>{tr(title)}</h2>
            <label class="file-label">
                {tr(Msg::ChooseFile)}
                <input type="file" data-testid="import-file"
                    accept=".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                    on:change=move |ev| { file.set(file_of(&ev)); result.set(None); }/>
            </label>
            <button class="primary" type="submit" data-testid="import-send" disabled=move || busy.get()>
                {move || tr(if busy.get() { Msg::Sending } else { Msg::Send })()}
            </button>
            {move || result.get().map(|r| match r {
                Err(m) => view! { <p class="field-error" role="alert" data-testid="import-error">{m}</p> }.into_any(),
                Ok(report) => view! {
                    <p class="import-accepted" role="status">
                        {tr(Msg::Accepted)}": "<strong data-testid="import-accepted">{report.accepted}</strong>
                    </p>
                    {(!report.refused.is_empty()).then(|| view! {
                        <h3>{tr(Msg::RefusedLines)}" ("{report.refused.len()}")"</h3>
                        <table class="dense" data-testid="import-refused">
                            <thead><tr><th>{tr(Msg::Line)}</th><th>{tr(Msg::Reason)}</th></tr></thead>
                            <tbody>
                                {report.refused.into_iter().map(|r| view! {
                                    <tr data-line=r.line><td class="num">{r.line}</td><td>{r.reason}</td></tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    })}
                }.into_any(),
            })}
        </form>
    }
}
