//! The 400 agents', the cleaning supervisors' and the cleaning teams' monthly scorecards (issue
//! 18), as tabs of the scorecards page (pages/scorecards.rs): each rate as met/of and its
//! percent, each miss under its person (an order's a link to it), the server's CSV and .xlsx of
//! the same figures.

use fieldbook::api::ApiFail;
use fieldbook::i18n::use_lang;
use fieldbook_model::patrol::RoundKind;
use fieldbook_model::scorecard::agent::{AgentMissKind, Rate};
use fieldbook_model::scorecard::cleaning::{CleaningMiss, CleaningScorecard};
use fieldbook_model::scorecard::supervisor::SupervisorMiss;
use leptos::prelude::*;

use crate::api;
use crate::china;
use crate::i18n::{Msg, tr};
use crate::pages::trend::{AGENT_FIGURES, CLEANING_FIGURES, SUPERVISOR_FIGURES, TrendPanel};
use crate::router::Route;
use crate::session::{fail_text, use_session};

/// `met/of · p%`, or a dash with nothing decided.
fn rate(r: Rate) -> String {
    match r.percent() {
        Some(p) => format!("{}/{} · {p}%", r.met, r.of),
        None => "—".into(),
    }
}

fn agent_miss(kind: AgentMissKind) -> Msg {
    match kind {
        AgentMissKind::FirstResponse => Msg::ScMissFirstResponse,
        AgentMissKind::ActualResponse => Msg::DefLateResponse,
        AgentMissKind::LateReport => Msg::DefLateReport,
        AgentMissKind::CallBack => Msg::ScMissCallBack,
    }
}

fn round_msg(kind: RoundKind) -> Msg {
    match kind {
        RoundKind::Morning => Msg::ScRoundMorning,
        RoundKind::Afternoon => Msg::ScRoundAfternoon,
        RoundKind::LastRound => Msg::ScRoundLast,
        RoundKind::MonthlyOutlets => Msg::ScOutletCheck,
    }
}

fn named(name: &str, username: &str) -> String {
    if name.is_empty() {
        username.to_string()
    } else {
        format!("{name}（{username}）")
    }
}

/// A lapsed session signs the person out when a tab's cards are refused.
pub fn expire_when_refused<T: 'static>(cards: LocalResource<Result<T, ApiFail>>) {
    let session = use_session();
    Effect::new(move |_| {
        if cards.with(|r| matches!(r, Some(Err(ApiFail::Unauthorized)))) {
            session.expire();
        }
    });
}

/// The server's .xlsx and CSV of the month's `kind` cards.
fn exports(kind: &'static str, month: RwSignal<String>) -> impl IntoView {
    view! {
        <div class="list-head no-print">
            <a class="secondary" data-testid=format!("{kind}-xlsx") download href=move || api::scorecard_href(kind, &month.get(), "xlsx")>{tr(Msg::DownloadXlsx)}</a>
            <a class="secondary" download href=move || api::scorecard_href(kind, &month.get(), "csv")>{tr(Msg::DownloadCsv)}</a>
        </div>
    }
}

#[component]
pub fn AgentScorecards(month: RwSignal<String>) -> impl IntoView {
    let lang = use_lang();
    let cards = LocalResource::new(move || api::agent_scorecards(month.get()));
    let who = RwSignal::new(None::<String>);
    expire_when_refused(cards);
    view! {
        {exports("agents", month)}
        {move || match cards.get() {
            None => view! { <p class="muted">{tr(Msg::Loading)}</p> }.into_any(),
            Some(Err(e)) => view! { <p class="banner offline">{move || fail_text(&e).text(lang.get())}</p> }.into_any(),
            Some(Ok(all)) => view! {
                <div class="table-scroll">
                    <table class="dense scorecards" data-testid="agent-scorecards">
                        <thead><tr>
                            <th>{tr(Msg::ScAgent)}</th>
                            <th class="num">{tr(Msg::ScOrders)}</th>
                            <th class="num">{tr(Msg::ScFirstResponse)}</th>
                            <th class="num">{tr(Msg::ScResponse)}</th>
                            <th class="num">{tr(Msg::ScReportsOnTime)}</th>
                            <th class="num">{tr(Msg::ScCallBacks)}</th>
                        </tr></thead>
                        <tbody>
                            {all.cards.iter().map(|c| view! {
                                <tr data-testid="agent-row" data-agent=c.agent.clone() data-pick="" on:click={
                                    let a = c.agent.clone();
                                    move |_| who.set(Some(a.clone()))
                                }>
                                    <td class="cell-strong">{named(&c.name, &c.agent)}</td>
                                    <td class="num">{c.orders}</td>
                                    <td class="num">{rate(c.first_response)}</td>
                                    <td class="num">{rate(c.actual_response)}</td>
                                    <td class="num">{rate(c.reports_on_time)}</td>
                                    <td class="num">{rate(c.call_backs)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                <p class="muted">{tr(Msg::ScAsOf)} " " {china::full(all.as_of)}</p>
                <TrendPanel which="agents" figures=AGENT_FIGURES.to_vec() who=who month=month/>
                {all.cards.into_iter().filter(|c| !c.misses.is_empty()).map(|c| view! {
                    <section class="card scorecard-deductions">
                        <h2>{named(&c.name, &c.agent)} " · " {tr(Msg::ScMisses)}</h2>
                        <ul class="deductions">
                            {c.misses.iter().map(|m| view! {
                                <li>
                                    <a href=Route::WorkOrder(m.work_order_id).href()>{m.ticket.clone()}</a>
                                    " " <span>{tr(agent_miss(m.kind))}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                    </section>
                }).collect_view()}
            }.into_any(),
        }}
    }
}

#[component]
pub fn SupervisorScorecards(month: RwSignal<String>) -> impl IntoView {
    let lang = use_lang();
    let cards = LocalResource::new(move || api::supervisor_scorecards(month.get()));
    let who = RwSignal::new(None::<String>);
    expire_when_refused(cards);
    view! {
        {exports("supervisors", month)}
        {move || match cards.get() {
            None => view! { <p class="muted">{tr(Msg::Loading)}</p> }.into_any(),
            Some(Err(e)) => view! { <p class="banner offline">{move || fail_text(&e).text(lang.get())}</p> }.into_any(),
            Some(Ok(all)) => view! {
                <div class="table-scroll">
                    <table class="dense scorecards" data-testid="supervisor-scorecards">
                        <thead><tr>
                            <th>{tr(Msg::ScSupervisor)}</th>
                            <th>{tr(Msg::TeamOrStation)}</th>
                            <th class="num">{tr(Msg::ScRounds)}</th>
                            <th class="num">{tr(Msg::ScOutletCheck)}</th>
                            <th class="num">{tr(Msg::ScFindingsConfirmed)}</th>
                        </tr></thead>
                        <tbody>
                            {all.cards.iter().map(|c| view! {
                                <tr data-testid="supervisor-row" data-supervisor=c.supervisor.clone() data-pick="" on:click={
                                    let s = c.supervisor.clone();
                                    move |_| who.set(Some(s.clone()))
                                }>
                                    <td class="cell-strong">{named(&c.name, &c.supervisor)}</td>
                                    <td>{c.team.clone()}</td>
                                    <td class="num">{rate(c.rounds)}</td>
                                    <td class="num">{rate(c.outlet_check)}</td>
                                    <td class="num">{rate(c.findings_confirmed)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                <p class="muted">{tr(Msg::ScAsOf)} " " {china::full(all.as_of)}</p>
                <TrendPanel which="supervisors" figures=SUPERVISOR_FIGURES.to_vec() who=who month=month/>
                {all.cards.into_iter().filter(|c| !c.misses.is_empty()).map(|c| view! {
                    <section class="card scorecard-deductions">
                        <h2>{named(&c.name, &c.supervisor)} " · " {tr(Msg::ScMisses)}</h2>
                        <ul class="deductions">
                            {c.misses.iter().map(|m| match m {
                                SupervisorMiss::Round { date, kind } => view! {
                                    <li>{date.to_string()} " " {tr(round_msg(*kind))}</li>
                                }.into_any(),
                                SupervisorMiss::OutletCheck => view! {
                                    <li>{tr(Msg::ScOutletCheck)}</li>
                                }.into_any(),
                                SupervisorMiss::LateConfirmation { .. } => view! {
                                    <li>{tr(Msg::ScLateConfirmation)}</li>
                                }.into_any(),
                            }).collect_view()}
                        </ul>
                    </section>
                }).collect_view()}
            }.into_any(),
        }}
    }
}

fn cleaning_miss(m: &CleaningMiss) -> (Msg, String) {
    match m {
        CleaningMiss::Checklist { area, missing, .. } => {
            (Msg::ScMissChecklist, format!("{area} · {missing}"))
        }
        CleaningMiss::ListSentBack { area, date, .. } => {
            (Msg::ScMissListSentBack, format!("{area} · {date}"))
        }
        CleaningMiss::RecordSentBack { unit, .. } => (Msg::ScMissRecordSentBack, unit.clone()),
        CleaningMiss::UnitNotCleaned { unit, .. } => (Msg::ScMissUnitNotCleaned, unit.clone()),
        CleaningMiss::LateFinding { place, due, .. } => (
            Msg::ScMissLateFinding,
            format!("{place} · {}", china::full(*due)),
        ),
    }
}

/// A card's row: the team's own first (in bold), then its cleaners'. A click shows the
/// cleaner's trend (the team's row: everyone's).
fn cleaning_row(c: &CleaningScorecard, pick: RwSignal<Option<String>>) -> impl IntoView + use<> {
    let whole = c.cleaner.is_empty();
    let who = if whole {
        None
    } else {
        Some(named(&c.name, &c.cleaner))
    };
    view! {
        <tr data-testid="cleaning-row" data-team=c.team.clone() data-cleaner=c.cleaner.clone()
            class:team-total=whole data-pick="" on:click={
                let c = (!whole).then(|| c.cleaner.clone());
                move |_| pick.set(c.clone())
            }>
            <td class="cell-strong">{c.team.clone()}</td>
            <td>{match who { Some(w) => w.into_any(), None => tr(Msg::ScWholeTeam).into_any() }}</td>
            <td class="num">{rate(c.checklist)}</td>
            <td class="num">{rate(c.spot_checks)}</td>
            <td class="num">{rate(c.vacant_units)}</td>
            <td class="num">{rate(c.findings_on_time)}</td>
        </tr>
    }
}

#[component]
pub fn CleaningScorecards(month: RwSignal<String>) -> impl IntoView {
    let lang = use_lang();
    let cards = LocalResource::new(move || api::cleaning_scorecards(month.get()));
    let who = RwSignal::new(None::<String>);
    expire_when_refused(cards);
    view! {
        {exports("cleaning", month)}
        {move || match cards.get() {
            None => view! { <p class="muted">{tr(Msg::Loading)}</p> }.into_any(),
            Some(Err(e)) => view! { <p class="banner offline">{move || fail_text(&e).text(lang.get())}</p> }.into_any(),
            Some(Ok(all)) => view! {
                <div class="table-scroll">
                    <table class="dense scorecards" data-testid="cleaning-scorecards">
                        <thead><tr>
                            <th>{tr(Msg::TeamOrStation)}</th>
                            <th>{tr(Msg::ScCleaner)}</th>
                            <th class="num">{tr(Msg::ScChecklist)}</th>
                            <th class="num">{tr(Msg::ScSpotChecks)}</th>
                            <th class="num">{tr(Msg::ScVacantUnits)}</th>
                            <th class="num">{tr(Msg::ScFindingsOnTime)}</th>
                        </tr></thead>
                        <tbody>
                            {all.teams.iter().flat_map(|t| std::iter::once(&t.total).chain(&t.cleaners)).map(|c| cleaning_row(c, who)).collect_view()}
                        </tbody>
                    </table>
                </div>
                <p class="muted">{tr(Msg::ScAsOf)} " " {china::full(all.as_of)}</p>
                <TrendPanel which="cleaning" figures=CLEANING_FIGURES.to_vec() who=who month=month/>
                {all.teams.into_iter().flat_map(|t| t.cleaners).filter(|c| !c.misses.is_empty()).map(|c| view! {
                    <section class="card scorecard-deductions">
                        <h2>{named(&c.name, &c.cleaner)} " · " {tr(Msg::ScMisses)}</h2>
                        <ul class="deductions">
                            {c.misses.iter().map(|m| {
                                let (msg, what) = cleaning_miss(m);
                                view! { <li>{tr(msg)} " " <span>{what}</span></li> }
                            }).collect_view()}
                        </ul>
                    </section>
                }).collect_view()}
            }.into_any(),
        }}
    }
}
