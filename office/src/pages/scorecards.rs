//! 工程师考核: the service engineers' monthly scorecards (`GET /api/scorecards/engineers`), last
//! month by default; each engineer's parts and total, each deduction a link to its order, the
//! server's CSV and .xlsx of the same figures, printable on A4 (office.css's print rules).

use chrono::Utc;
use fieldbook::i18n::use_lang;
use fieldbook_model::Role;
use fieldbook_model::scorecard::{Defect, EngineerScorecard, Month};
use leptos::prelude::*;

use crate::api;
use crate::china;
use crate::i18n::{Msg, tr};
use crate::pages::more_scorecards::{
    AgentScorecards, CleaningScorecards, SupervisorScorecards, expire_when_refused,
};
use crate::pages::trend::{Figure, TrendPanel};
use crate::router::Route;
use crate::session::{Desk, fail_text, use_session};

/// The engineer's figures in the trend, each with its full points.
const TREND_FIGURES: [Figure; 5] = [
    Figure::points("total", Msg::ScTotal, Some(100.0)),
    Figure::points("response", Msg::ScResponse, Some(20.0)),
    Figure::points("first_fix", Msg::ScFirstFix, Some(20.0)),
    Figure::points("data", Msg::ScData, Some(60.0)),
    Figure::points("beyond", Msg::ScBeyond, None),
];

/// What a deduction is for.
pub fn defect_msg(d: &Defect) -> Msg {
    match d {
        Defect::LateResponse => Msg::DefLateResponse,
        Defect::SecondVisit { .. } => Msg::DefSecondVisit,
        Defect::MissingPhoto { .. } => Msg::DefMissingPhoto,
        Defect::LateReport => Msg::DefLateReport,
        Defect::Unsigned => Msg::DefUnsigned,
        Defect::SentBack => Msg::DefSentBack,
        Defect::Complaint { .. } => Msg::DefComplaint,
        Defect::DissatisfiedCallBack { .. } => Msg::DefDissatisfied,
    }
}

/// The detail after the cause: the second visit's ticket, the photo's slot.
fn defect_detail(d: &Defect) -> String {
    match d {
        Defect::SecondVisit { repeat_ticket } => format!(" → {repeat_ticket}"),
        Defect::MissingPhoto { slot } => format!(" · {slot}"),
        _ => String::new(),
    }
}

#[component]
pub fn ScorecardsPage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let month = RwSignal::new(Month::of(Utc::now()).previous().to_string());
    let cards = LocalResource::new(move || api::scorecards(month.get()));
    // Whose trend is shown under the table (a click on a row; none: everyone's).
    let who = RwSignal::new(None::<String>);
    expire_when_refused(cards);
    let print = move |_| {
        let _ = gloo::utils::window().print();
    };
    // Which people's cards: the manager has every tab, the desk also its agents' (an agent
    // their own), a station head the engineers only.
    let tab = RwSignal::new(Tab::Engineers);
    let role = move || match session.0.get() {
        Desk::SignedIn(p) => Some(p.role),
        _ => None,
    };
    let tabs = move || {
        let mut tabs = vec![(Tab::Engineers, Msg::ScTabEngineers, "sc-tab-engineers")];
        if matches!(role(), Some(Role::Manager | Role::Dispatcher)) {
            tabs.push((Tab::Agents, Msg::ScTabAgents, "sc-tab-agents"));
        }
        if role() == Some(Role::Manager) {
            tabs.push((
                Tab::Supervisors,
                Msg::ScTabSupervisors,
                "sc-tab-supervisors",
            ));
            tabs.push((Tab::Cleaning, Msg::ScTabCleaning, "sc-tab-cleaning"));
        }
        tabs
    };
    view! {
        <section class="scorecards-page">
            <div class="list-head">
                <h1>{tr(Msg::NavScorecards)} " " <span class="print-only">{move || month.get()}</span></h1>
                <label class="field inline no-print">
                    <span>{tr(Msg::Month)}</span>
                    <input type="month" name="month" aria-label=tr(Msg::Month) prop:value=move || month.get()
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            if Month::parse(&v).is_some() {
                                month.set(v);
                            }
                        }/>
                </label>
                <Show when=move || tab.get() == Tab::Engineers>
                    <a class="secondary no-print" data-testid="scorecards-csv" download href=move || api::scorecards_href(&month.get(), "csv")>{tr(Msg::DownloadCsv)}</a>
                    <a class="secondary no-print" data-testid="scorecards-xlsx" download href=move || api::scorecards_href(&month.get(), "xlsx")>{tr(Msg::DownloadXlsx)}</a>
                </Show>
                <button type="button" class="secondary no-print" on:click=print>{tr(Msg::Print)}</button>
            </div>
            <div class="tabs no-print" role="tablist">
                {move || tabs().into_iter().map(|(t, msg, id)| view! {
                    <button type="button" role="tab" class="tab" data-testid=id
                        aria-selected=move || (tab.get() == t).to_string() on:click=move |_| tab.set(t)>{tr(msg)}</button>
                }).collect_view()}
            </div>
            {move || match tab.get() {
                Tab::Agents => view! { <AgentScorecards month=month/> }.into_any(),
                Tab::Supervisors => view! { <SupervisorScorecards month=month/> }.into_any(),
                Tab::Cleaning => view! { <CleaningScorecards month=month/> }.into_any(),
                Tab::Engineers => ().into_any(),
            }}
            {move || if tab.get() != Tab::Engineers { ().into_any() } else { match cards.get() {
                None => view! { <p class="muted">{tr(Msg::Loading)}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="banner offline">{move || fail_text(&e).text(lang.get())}</p> }.into_any(),
                Some(Ok(all)) if all.cards.is_empty() => view! { <p class="empty muted">{tr(Msg::ScNoEngineers)}</p> }.into_any(),
                Some(Ok(all)) => {
                    let as_of = china::full(all.as_of);
                    view! {
                        <div class="table-scroll">
                            <table class="dense scorecards" data-testid="scorecards-table">
                                <thead>
                                    <tr>
                                        <th>{tr(Msg::ScEngineer)}</th>
                                        <th>{tr(Msg::TeamOrStation)}</th>
                                        <th class="num">{tr(Msg::ScOrders)}</th>
                                        <th class="num">{tr(Msg::ScResponse)} " (20)"</th>
                                        <th class="num">{tr(Msg::ScFirstFix)} " (20)"</th>
                                        <th class="num">{tr(Msg::ScData)} " (60)"</th>
                                        <th class="num">{tr(Msg::ScBeyond)}</th>
                                        <th class="num">{tr(Msg::ScTotal)}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {all.cards.iter().map(|c| {
                                        let (mine, pick) = (c.engineer.clone(), c.engineer.clone());
                                        view! {
                                        <tr data-testid="scorecard-row" data-engineer=c.engineer.clone() data-pick=""
                                            class:picked=move || who.with(|w| w.as_deref() == Some(mine.as_str()))
                                            on:click=move |_| who.set(Some(pick.clone()))>
                                            <td class="cell-strong"><a href=format!("#sc-{}", c.engineer)>{label(c)}</a></td>
                                            <td>{c.station.clone().unwrap_or_default()}</td>
                                            <td class="num">{c.orders}</td>
                                            <td class="num">{c.response}</td>
                                            <td class="num">{c.first_fix}</td>
                                            <td class="num">{c.data}</td>
                                            <td class="num">{if c.beyond > 0 { format!("−{}", c.beyond) } else { "0".into() }}</td>
                                            <td class="num cell-strong" data-testid="scorecard-total">{c.total}</td>
                                        </tr>
                                    }}).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <p class="muted">{tr(Msg::ScAsOf)} " " {as_of}</p>
                        <TrendPanel which="engineers" figures=TREND_FIGURES.to_vec() who=who month=month/>
                        {all.cards.into_iter().filter(|c| !c.deductions.is_empty()).map(|c| view! {
                            <section class="card scorecard-deductions" id=format!("sc-{}", c.engineer) data-testid="scorecard-deductions">
                                <h2>{label(&c)} " · " {tr(Msg::ScDeductions)}</h2>
                                <ul class="deductions">
                                    {c.deductions.iter().map(|d| {
                                        let msg = defect_msg(&d.defect);
                                        view! {
                                            <li>
                                                <a data-testid="deduction" href=Route::WorkOrder(d.work_order_id).href()>{d.ticket.clone()}</a>
                                                " " <span>{tr(msg)}{defect_detail(&d.defect)}</span>
                                                " " <strong class="late">"−"{d.points}</strong>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            </section>
                        }).collect_view()}
                    }.into_any()
                }
            }}}
        </section>
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Engineers,
    Agents,
    Supervisors,
    Cleaning,
}

fn label(c: &EngineerScorecard) -> String {
    if c.name.is_empty() {
        c.engineer.clone()
    } else {
        format!("{}（{}）", c.name, c.engineer)
    }
}
