//! Today's board (今日看板): the rounds of the day and four tiles of figures, all computed on the
//! device by `Board::compute`, so they are the same offline.

use chrono::Datelike;
use fieldbook_model::UserProfile;
use fieldbook_model::board::{Board, FindingFigure, OrderFigure, UnitFigure};
use fieldbook_model::patrol::{PatrolRound, RoundKind, RoundState};
use leptos::prelude::*;

use crate::hooks::use_outbox;
use crate::pages::field::conflicts::RoundConflict;
use crate::router::Route;

use super::display_name;
use crate::components::progress::Progress;
use crate::i18n::{self, Msg, tr, use_lang};
use crate::time;

/// "14:05": the time of day, for rounds of today.
fn clock(at: chrono::DateTime<chrono::Utc>) -> String {
    let short = time::short(at);
    short
        .split_once(' ')
        .map_or(short.clone(), |(_, t)| t.to_string())
}

/// The day's rounds, each with its state (and times when done), and the button to start one; a
/// round two devices submitted apart says so, and both are shown to keep one.
#[component]
pub fn RoundsStrip(
    board: Board,
    rounds: Vec<PatrolRound>,
    in_progress: bool,
    people: Vec<UserProfile>,
) -> impl IntoView {
    let lang = use_lang();
    let outbox = use_outbox();
    let date = board.date;
    // Today's round of a kind; the outlet check's of this month (not an earlier month's).
    let of_today = |r: &&PatrolRound, kind: RoundKind| {
        r.kind == kind
            && match kind {
                RoundKind::MonthlyOutlets => {
                    (r.date.year(), r.date.month()) == (date.year(), date.month())
                }
                _ => r.date == date,
            }
    };
    let mut conflicts = Vec::new();
    let pills = board.rounds.iter().map(|(kind, state)| {
        let (kind, state) = (*kind, *state);
        // One in conflict first: a round done twice may be so.
        let done = rounds
            .iter()
            .filter(|r| r.stands() && of_today(r, kind))
            .max_by_key(|r| r.conflict_with.is_some());
        let times = done.map(|r| format!("{}–{}", clock(r.started_at), clock(r.ended_at)));
        let other = done.and_then(|r| {
            let other = rounds.iter().find(|o| Some(o.id) == r.conflict_with)?;
            Some([r.clone(), other.clone()])
        });
        let in_conflict = other.is_some();
        conflicts.extend(other);
        let class = match state {
            RoundState::Done => "round-pill done",
            RoundState::Due => "round-pill due",
            RoundState::Upcoming => "round-pill upcoming",
            RoundState::Missed => "round-pill missed",
        };
        view! {
            <li class=class class:conflict=in_conflict data-testid="round-state" data-kind=format!("{kind:?}") data-state=format!("{state:?}")>
                <span class="round-name">{move || i18n::round_kind(kind, lang.get())}</span>
                <span class="round-state">{move || if in_conflict { Msg::InConflict.text(lang.get()) } else { i18n::round_state(state, lang.get()) }}</span>
                {times.map(|t| view! { <span class="round-times">{t}</span> })}
            </li>
        }
    }).collect_view();
    let conflicts = conflicts
        .into_iter()
        .map(|rounds| view! { <RoundConflict rounds people=people.clone() outbox/> })
        .collect_view();
    view! {
        <div class="card sv-rounds" data-testid="board-rounds">
            <h2>{tr(Msg::Rounds)}</h2>
            <ul class="round-pills">{pills}</ul>
            {conflicts}
            <a href=Route::Patrol.href() class="primary start-round" data-testid="start-round">
                {move || if in_progress { Msg::ContinueRound.text(lang.get()) } else { Msg::StartRound.text(lang.get()) }}
            </a>
        </div>
    }
}

/// The list behind a figure of the board, opened below it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behind {
    Findings(FindingFigure),
    Areas,
    Units(UnitFigure),
    Orders(OrderFigure),
}

/// A figure with its label, red when it needs attention; a tap opens the list it counts (`on`).
#[component]
fn Figure(
    value: usize,
    label: Msg,
    testid: &'static str,
    #[prop(optional)] bad: bool,
    on: (Behind, Callback<Behind>),
) -> impl IntoView {
    let tone = if bad && value > 0 {
        "figure bad"
    } else {
        "figure"
    };
    view! {
        <button type="button" class=tone on:click=move |_| on.1.run(on.0)>
            <span class="figure-value" data-testid=testid>{value}</span>
            <span class="figure-label">{tr(label)}</span>
        </button>
    }
}

/// The tiles: cleaning per cleaner, vacant units, findings, complaints, engineers' work orders.
#[component]
pub fn BoardTiles(
    board: Board,
    people: Vec<UserProfile>,
    complaints: Vec<fieldbook_model::complaints::Complaint>,
    open: Callback<Behind>,
) -> impl IntoView {
    let lang = use_lang();
    let (done, due) = board
        .areas
        .iter()
        .fold((0, 0), |(d, n), a| (d + a.done, n + a.due));
    let finished = board
        .areas
        .iter()
        .filter(|a| a.finished_at.is_some())
        .count();
    let areas = board.areas.len();
    let f = board.findings.clone();
    let n_open = f.under_1d + f.from_1d_to_3d + f.over_3d;
    let w = board.work_orders.clone();
    // "超时 2" / "进行中 1": each opens the orders it counts.
    let deadline = move |figure: OrderFigure, n: usize, testid: &'static str| {
        let late = matches!(figure, OrderFigure::ResponseLate | OrderFigure::ReportLate);
        view! {
            <button type="button" class=if late { "late" } else { "running" } class:zero=late && n == 0
                data-testid=testid on:click=move |_| open.run(Behind::Orders(figure))>
                {tr(if late { Msg::Late } else { Msg::InTime })}" "{n}
            </button>
        }
    };
    view! {
        <div class="sv-tiles">
            <div class="card tile" data-testid="tile-cleaning">
                <h3>{tr(Msg::CleaningProgress)}</h3>
                <div class="row between">
                    <button type="button" class="figure tile-big" data-testid="items-done" on:click=move |_| open.run(Behind::Areas)>{format!("{done}/{due}")}</button>
                    <span class="muted small">{move || i18n::areas_finished(finished, areas, lang.get())}</span>
                </div>
                <Progress done due/>
                <ul class="per-cleaner">
                    {board.cleaners.iter().map(|c| {
                        let name = display_name(&people, &c.username);
                        view! {
                            <li data-testid="cleaner-progress" data-cleaner=c.username.clone()>
                                <span class="who">{name}</span>
                                <span class="count">{format!("{}/{}", c.done, c.due)}</span>
                                <Progress done=c.done due=c.due/>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </div>
            <div class="card tile" data-testid="tile-units">
                <h3>{tr(Msg::VacantUnits)}</h3>
                <div class="figures">
                    <Figure value=board.units_overdue label=Msg::UnitsOverdue testid="units-overdue" bad=true on=(Behind::Units(UnitFigure::Overdue), open)/>
                    <Figure value=board.units_due label=Msg::UnitsDue testid="units-due" on=(Behind::Units(UnitFigure::Due), open)/>
                </div>
            </div>
            <div class="card tile" data-testid="tile-findings">
                <h3>{tr(Msg::FindingsTile)}</h3>
                <div class="figures">
                    <Figure value=n_open label=Msg::OpenFindings testid="findings-open" on=(Behind::Findings(FindingFigure::Open), open)/>
                    <Figure value=f.unassigned label=Msg::Unassigned testid="findings-unassigned" bad=true on=(Behind::Findings(FindingFigure::Unassigned), open)/>
                    <Figure value=f.overdue label=Msg::TaskOverdue testid="findings-overdue" bad=true on=(Behind::Findings(FindingFigure::Overdue), open)/>
                    <Figure value=f.to_confirm label=Msg::ToConfirm testid="findings-to-confirm" on=(Behind::Findings(FindingFigure::ToConfirm), open)/>
                </div>
                <p class="ages muted small" data-testid="finding-ages">
                    {move || format!("{} {} · {} {} · {} {}",
                        i18n::age_band(0, lang.get()), f.under_1d,
                        i18n::age_band(1, lang.get()), f.from_1d_to_3d,
                        i18n::age_band(2, lang.get()), f.over_3d)}
                </p>
            </div>
            {crate::pages::complaints::complaints_tile(complaints)}
            <div class="card tile" data-testid="tile-orders">
                <h3>{tr(Msg::EngineersOrders)}</h3>
                <div class="figures">
                    <Figure value=w.open label=Msg::OpenOrders testid="orders-open" on=(Behind::Orders(OrderFigure::Open), open)/>
                </div>
                <dl class="deadline-rows">
                    <dt>{tr(Msg::Response36h)}</dt>
                    <dd>
                        {deadline(OrderFigure::ResponseLate, w.response_overdue, "response-overdue")}
                        {deadline(OrderFigure::ResponsePending, w.response_pending, "response-pending")}
                    </dd>
                    <dt>{tr(Msg::Report3d)}</dt>
                    <dd>
                        {deadline(OrderFigure::ReportLate, w.report_overdue, "report-overdue")}
                        {deadline(OrderFigure::ReportPending, w.report_pending, "report-pending")}
                    </dd>
                </dl>
            </div>
        </div>
    }
}
