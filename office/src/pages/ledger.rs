//! 投诉台账: the month's complaint ledger (`GET /api/complaints/ledger?month=`), one line a
//! complaint, with its CSV and .xlsx made by the server from the same rows.

use chrono::{Datelike, Utc};
use fieldbook::api::ApiFail;
use fieldbook::i18n::use_lang;
use fieldbook_model::complaints::{LedgerRow, china_date};
use leptos::prelude::*;

use crate::china;
use crate::complaints_api as capi;
use crate::i18n::{Msg, tr};
use crate::pages::complaints::{severity_msg, state_msg};
use crate::router::Route;
use crate::session::{fail_text, use_session};

#[component]
pub fn LedgerPage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let today = china_date(Utc::now());
    let month = RwSignal::new(format!("{}-{:02}", today.year(), today.month()));
    let rows = LocalResource::new(move || capi::ledger(month.get()));
    Effect::new(move |_| {
        if rows.with(|r| matches!(r, Some(Err(ApiFail::Unauthorized)))) {
            session.expire();
        }
    });
    let yes_no = move |b: Option<bool>| {
        b.map(|b| if b { Msg::Yes } else { Msg::No }.text(lang.get()))
            .unwrap_or("")
    };
    view! {
        <section class="ledger-page">
            <div class="list-head">
                <h1>{tr(Msg::NavLedger)}</h1>
                <label class="field inline">
                    <span>{tr(Msg::Month)}</span>
                    <input type="month" name="month" aria-label=tr(Msg::Month) prop:value=move || month.get()
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            if v.len() == 7 {
                                month.set(v);
                            }
                        }/>
                </label>
                <a class="secondary" data-testid="ledger-csv" download href=move || capi::ledger_href(&month.get(), "csv")>{tr(Msg::DownloadCsv)}</a>
                <a class="secondary" data-testid="ledger-xlsx" download href=move || capi::ledger_href(&month.get(), "xlsx")>{tr(Msg::DownloadXlsx)}</a>
            </div>
            <div class="table-scroll">
                <table class="dense ledger" data-testid="ledger-table">
                    <thead>
                        <tr>
                            <th>{tr(Msg::ComplaintTakenAt)}</th>
                            <th>{tr(Msg::Severity)}</th>
                            <th>{tr(Msg::TeamOrStation)}</th>
                            <th>{tr(Msg::Customer)}</th>
                            <th>{tr(Msg::Place)}</th>
                            <th>{tr(Msg::What)}</th>
                            <th>{tr(Msg::TakenBy)}</th>
                            <th>{tr(Msg::FixDue)}</th>
                            <th>{tr(Msg::FixConfirmedAt)}</th>
                            <th>{tr(Msg::OnTime)}</th>
                            <th>{tr(Msg::CallBackDueAt)}</th>
                            <th>{tr(Msg::CalledBackAt)}</th>
                            <th>{tr(Msg::OnTime)}</th>
                            <th>{tr(Msg::Satisfied)}</th>
                            <th>{tr(Msg::Reopened)}</th>
                            <th>{tr(Msg::CoState)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || rows.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|r: LedgerRow| {
                            let (severity, state) = (r.severity, r.state);
                            let t = |d: Option<chrono::DateTime<Utc>>| d.map(china::short).unwrap_or_default();
                            view! {
                                <tr data-testid="ledger-row" data-customer=r.customer.clone()>
                                    <td><a href=Route::Complaint(r.complaint_id).href()>{china::short(r.taken_at)}</a></td>
                                    <td>{move || severity_msg(severity).text(lang.get())}</td>
                                    <td>{r.team.clone()}</td>
                                    <td class="cell-strong">{r.customer.clone()}</td>
                                    <td class="clip" title=r.place.clone()>{r.place.clone()}</td>
                                    <td class="clip" title=r.what.clone()>{r.what.clone()}</td>
                                    <td>{r.taken_by.clone()}</td>
                                    <td>{china::due(r.fix_due)}</td>
                                    <td>{t(r.fix_confirmed_at)}</td>
                                    <td class=if r.fixed_on_time == Some(false) { "late" } else { "" }>{move || yes_no(r.fixed_on_time)}</td>
                                    <td>{r.call_back_due.map(china::due).unwrap_or_default()}</td>
                                    <td>{t(r.called_back_at)}</td>
                                    <td class=if r.call_back_on_time == Some(false) { "late" } else { "" }>{move || yes_no(r.call_back_on_time)}</td>
                                    <td>{move || yes_no(r.satisfied)}</td>
                                    <td class="num">{r.reopened}</td>
                                    <td>{move || state_msg(state).text(lang.get())}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            {move || match rows.get() {
                None => view! { <p class="muted">{tr(Msg::Loading)}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="banner offline">{move || fail_text(&e).text(lang.get())}</p> }.into_any(),
                Some(Ok(r)) if r.is_empty() => view! { <p class="empty muted">{tr(Msg::NoLedger)}</p> }.into_any(),
                Some(Ok(_)) => ().into_any(),
            }}
        </section>
    }
}
