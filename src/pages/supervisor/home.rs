//! The supervisor's home: today's board on top, then the lists (findings, areas, vacant-unit
//! records) with the picked one beside them on a tablet; on a phone a pick opens its own page.

use chrono::Utc;
use fieldbook_model::WorkOrder;
use fieldbook_model::board::{
    Board, BoardInput, FindingFigure, OrderFigure, ReviewState, UnitFigure,
};
use fieldbook_model::cleaning::{AreaDay, VacantRecord, Verdict};
use fieldbook_model::complaints::Complaint;
use fieldbook_model::findings::{Finding, FindingSource, FindingState};
use fieldbook_model::op::naming_date;
use fieldbook_model::patrol::PatrolRound;
use fieldbook_model::sync::FieldReference;
use leptos::prelude::*;
use uuid::Uuid;

use super::board::{Behind, BoardTiles, RoundsStrip};
use super::patrol::{DRAFT_KEY, RoundDraft};
use super::{display_name, is_wide, ordered};
use crate::components::device_read::DeviceRead;
use crate::components::progress::Progress;
use crate::db::{Db, DbError, today};
use crate::hooks::use_read;
use crate::i18n::{self, Msg, tr, use_lang};
use crate::pages::field::area::AreaPage;
use crate::pages::field::finding::{FindingPage, assignee_text};
use crate::router::{self, Route};
use crate::sync::use_sync;
use crate::time;

/// What the home screen reads from the device.
#[derive(Clone, PartialEq)]
struct HomeData {
    reference: FieldReference,
    days: Vec<AreaDay>,
    records: Vec<VacantRecord>,
    findings: Vec<Finding>,
    rounds: Vec<PatrolRound>,
    work_orders: Vec<WorkOrder>,
    complaints: Vec<Complaint>,
    round_in_progress: bool,
}

async fn load(db: Db) -> Result<HomeData, DbError> {
    let draft: Option<RoundDraft> = crate::drafts::stored(&db, DRAFT_KEY).await;
    Ok(HomeData {
        reference: db.field_reference().await?,
        days: db.area_days().await?,
        records: db.vacant_records().await?,
        findings: db.findings().await?,
        rounds: db.rounds().await?,
        work_orders: db.work_orders().await?,
        complaints: db.complaints().await?,
        round_in_progress: draft.is_some(),
    })
}

fn compute(d: &HomeData, now: chrono::DateTime<Utc>) -> Board {
    Board::compute(&BoardInput {
        now,
        areas: &d.reference.areas,
        items: &d.reference.items,
        days: &d.days,
        units: &d.reference.units,
        rounds: &d.rounds,
        findings: &d.findings,
        work_orders: &d.work_orders,
    })
}

/// What the detail beside the lists shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pick {
    Finding(Uuid),
    Area(Uuid),
    Record(Uuid),
}

impl Pick {
    fn route(self) -> Route {
        match self {
            Pick::Finding(id) => Route::Finding(id),
            Pick::Area(id) => Route::Area(id),
            Pick::Record(id) => Route::Record(id),
        }
    }
}

/// The findings tile's figures in `FindingFigure`'s order, with their labels.
const FIGURES: [(FindingFigure, Msg); 4] = [
    (FindingFigure::Open, Msg::OpenFindings),
    (FindingFigure::Unassigned, Msg::Unassigned),
    (FindingFigure::Overdue, Msg::TaskOverdue),
    (FindingFigure::ToConfirm, Msg::ToConfirm),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Findings,
    Areas,
    Records,
    /// The units or orders a figure of the board counts (no tab of their own).
    Units(UnitFigure),
    Orders(OrderFigure),
}

/// What the chip over a units or orders list says: which figure it is.
fn behind_chip(tab: Tab) -> Option<(Msg, Msg)> {
    Some(match tab {
        Tab::Units(UnitFigure::Overdue) => (Msg::VacantUnits, Msg::UnitsOverdue),
        Tab::Units(UnitFigure::Due) => (Msg::VacantUnits, Msg::UnitsDue),
        Tab::Orders(OrderFigure::Open) => (Msg::EngineersOrders, Msg::OpenOrders),
        Tab::Orders(OrderFigure::ResponseLate) => (Msg::Response36h, Msg::Late),
        Tab::Orders(OrderFigure::ResponsePending) => (Msg::Response36h, Msg::InTime),
        Tab::Orders(OrderFigure::ReportLate) => (Msg::Report3d, Msg::Late),
        Tab::Orders(OrderFigure::ReportPending) => (Msg::Report3d, Msg::InTime),
        _ => return None,
    })
}

/// Bring the lists and the picked item's detail to the top of the screen (below the bar), the
/// detail scrolled to its start.
fn show_detail() {
    let document = gloo::utils::document();
    let window = gloo::utils::window();
    if let Ok(Some(split)) = document.query_selector(".sv-split") {
        let top = split.get_bounding_client_rect().top() + window.scroll_y().unwrap_or(0.0) - 72.0;
        window.scroll_to_with_x_and_y(0.0, top.max(0.0));
    }
    if let Ok(Some(detail)) = document.query_selector(".sv-detail") {
        detail.set_scroll_top(0);
    }
}

#[component]
pub fn SupervisorHome() -> impl IntoView {
    let sync = use_sync();
    let lang = use_lang();
    // The board counts field data and the engineers' work orders; it is rebuilt only when
    // something it shows changed.
    let shown = use_read(
        move || {
            sync.changed.field.track();
            sync.changed.work_orders.track();
        },
        load,
    );
    let picked = RwSignal::new(None::<Pick>);
    let tab = RwSignal::new(Tab::Findings);
    // The board's figure whose findings the list shows, if one was tapped.
    let only = RwSignal::new(None::<FindingFigure>);
    let now = time::use_now();
    let freshness = move || match sync.last_synced.get() {
        Some(at) => format!("{} {}", Msg::LastSynced.text(lang.get()), time::short(at)),
        None => Msg::NeverSynced.text(lang.get()).to_string(),
    };
    // A tap: beside the list on a tablet, its own page on a phone.
    let open = Callback::new(move |p: Pick| {
        if is_wide() {
            picked.set(Some(p));
            show_detail();
        } else {
            router::navigate(p.route());
        }
    });

    let show_list = Callback::new(move |b: Behind| {
        picked.set(None);
        match b {
            Behind::Findings(figure) => {
                tab.set(Tab::Findings);
                only.set(Some(figure));
            }
            Behind::Areas => {
                tab.set(Tab::Areas);
                only.set(None);
            }
            Behind::Units(figure) => tab.set(Tab::Units(figure)),
            Behind::Orders(figure) => tab.set(Tab::Orders(figure)),
        }
        show_detail();
    });

    view! {
        <section class="sv-home" data-testid="board">
            <div class="list-head sv-head">
                <div>
                    <h1>{tr(Msg::Board)}</h1>
                    <span class="muted small">{move || i18n::date_label(today(), lang.get())}</span>
                </div>
                <span class="muted small freshness" data-testid="freshness">{freshness}</span>
                // Damage seen outside a round: the same form as the cleaners' (issue 16).
                <a href=Route::Report.href() class="primary report-button" data-testid="report-problem">{tr(Msg::ReportProblem)}</a>
            </div>
            <Show when=move || sync.reachable.get() == Some(false)>
                <p class="banner offline" data-testid="offline-banner">{tr(Msg::Offline)}</p>
            </Show>
            <DeviceRead read=shown view=move |d: HomeData| {
                let board = compute(&d, now.get());
                view! {
                    <RoundsStrip board=board.clone() rounds=d.rounds.clone() in_progress=d.round_in_progress people=d.reference.people.clone()/>
                    <BoardTiles board people=d.reference.people.clone() complaints=d.complaints.clone() open=show_list/>
                }
            }/>
            <div class="sv-split">
                <div class="sv-lists">
                    {move || shown.get().and_then(Result::ok).map(|d| {
                        let board = compute(&d, crate::time::now());
                        view! { <Lists data=d board picked tab only open/> }
                    })}
                </div>
                // Outside the lists: a sync that refreshes them leaves the detail as it is.
                <aside class="sv-detail" data-testid="sv-detail">
                    <Detail picked/>
                </aside>
            </div>
        </section>
    }
}

#[component]
fn Lists(
    data: HomeData,
    board: Board,
    picked: RwSignal<Option<Pick>>,
    tab: RwSignal<Tab>,
    only: RwSignal<Option<FindingFigure>>,
    open: Callback<Pick>,
) -> impl IntoView {
    let lang = use_lang();
    let now = crate::time::now();
    let date = board.date;
    let people = data.reference.people.clone();

    // Open findings, the ones needing the supervisor first; then the ones closed today.
    let findings: Vec<Finding> = data
        .findings
        .iter()
        .filter(|f| f.is_open() || f.history.last().is_some_and(|s| naming_date(s.at) == date))
        .cloned()
        .collect();
    let findings = ordered(findings, |f| {
        let rank = match f.state {
            FindingState::Fixed => 0,
            FindingState::Open => 1,
            FindingState::Assigned if f.is_overdue(now) => 2,
            FindingState::Assigned => 3,
            FindingState::Confirmed => 4,
        };
        (rank, -f.reported_at.timestamp(), String::new())
    });
    let open_count = findings.iter().filter(|f| f.is_open()).count();

    // Today's records, and any still waiting for a check (one set aside waits for none).
    let records: Vec<VacantRecord> = data
        .records
        .iter()
        .filter(|r| naming_date(r.ended_at) == date || (r.review.is_none() && !r.set_aside))
        .cloned()
        .collect();
    let unit_name = {
        let units = data.reference.units.clone();
        move |id: Uuid| {
            units
                .iter()
                .find(|u| u.id == id)
                .map_or_else(String::new, |u| u.name.clone())
        }
    };
    let areas = board.areas.clone();
    let (n_areas, n_records) = (areas.len(), records.len());

    let tab_button = move |t: Tab, label: Msg, n: usize, testid: &'static str| {
        view! {
            <button type="button" role="tab" class="tab" class:selected=move || tab.get() == t
                aria-selected=move || if tab.get() == t { "true" } else { "false" }
                data-testid=testid on:click=move |_| {
                    // The other tab's detail would sit beside a list it is not in.
                    if tab.get_untracked() != t { picked.set(None) }
                    only.set(None);
                    tab.set(t)
                }>
                {tr(label)}<span class="tab-count">{n}</span>
            </button>
        }
    };

    let finding_list = {
        let people = people.clone();
        view! {
            {move || only.get().map(|o| view! {
                <button type="button" class="chip choice selected list-filter" data-testid="list-filter" on:click=move |_| only.set(None)>
                    {tr(FIGURES[o as usize].1)}" ✕"
                </button>
            })}
            {findings.is_empty().then(|| view! { <p class="empty muted">{tr(Msg::NoOpenFindings)}</p> })}
            <ul class="sv-list" data-testid="sv-findings">
                {findings.into_iter().map(|f| {
                    let id = f.id;
                    let state = f.shown_state();
                    let problem = f.problem;
                    let overdue = f.is_overdue(now);
                    let age = (now - f.reported_at).num_minutes();
                    let who = f.assignee.as_ref().map(|a| assignee_text(a, &people, lang.get_untracked()));
                    let due = f.due;
                    let complaint = matches!(f.source, FindingSource::Complaint { .. });
                    let figures = FIGURES.map(|(figure, _)| figure.holds(&f, now));
                    view! {
                        <li hidden=move || only.get().is_some_and(|o| !figures[o as usize])>
                            <button type="button" class="sv-item" class:overdue=overdue
                                class:picked=move || picked.get() == Some(Pick::Finding(id))
                                data-testid="sv-finding" data-id=id.to_string() data-state=format!("{:?}", f.state)
                                on:click=move |_| open.run(Pick::Finding(id))>
                                <span class="row between">
                                    <strong>{complaint.then(|| view! { <span class="badge missing" data-testid="complaint-tag">{tr(Msg::ComplaintTag)}</span>" " })}{f.place.clone()}</strong>
                                    <span class=format!("status finding-{}", i18n::finding_state_class(state))>
                                        {move || i18n::finding_state(state, lang.get())}
                                    </span>
                                </span>
                                <span class="small">{move || i18n::problem_kind(problem, lang.get())}
                                    {(!f.note.is_empty()).then(|| format!(" · {}", f.note))}</span>
                                <span class="muted small">
                                    {move || i18n::age(age, lang.get())}
                                    {who.map(|w| format!(" · {w}"))}
                                    {due.map(|d| view! { <span class:late-text=overdue>" · "{tr(Msg::DueBy)}" "{time::short(d)}</span> })}
                                </span>
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
    };

    let area_list = {
        let people = people.clone();
        view! {
            <ul class="sv-list" data-testid="sv-areas">
                {areas.into_iter().map(|a| {
                    let id = a.area_id;
                    let cleaner = a.cleaner.as_deref().map(|c| display_name(&people, c)).unwrap_or_default();
                    let (class, label) = match a.review {
                        ReviewState::Approved => ("badge ok", Msg::Approved),
                        ReviewState::SentBack => ("badge missing", Msg::SentBack),
                        ReviewState::NotReviewed => ("badge plain", Msg::NotReviewed),
                    };
                    view! {
                        <li>
                            <button type="button" class="sv-item" class:picked=move || picked.get() == Some(Pick::Area(id))
                                data-testid="sv-area" data-area=a.name.clone() on:click=move |_| open.run(Pick::Area(id))>
                                <span class="row between">
                                    <strong>{a.name.clone()}</strong>
                                    <span class="count">{format!("{}/{}", a.done, a.due)}</span>
                                </span>
                                <Progress done=a.done due=a.due/>
                                <span class="row between small">
                                    <span class="muted">{cleaner}
                                        {a.finished_at.map(|t| format!(" · {} {}", Msg::AreaFinishedAt.text(lang.get_untracked()), time::short(t)))}</span>
                                    {a.in_conflict.then(|| view! { <span class="badge missing" data-testid="area-conflict">{tr(Msg::InConflict)}</span> })}
                                    <span class=class>{tr(label)}</span>
                                </span>
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
    };

    let record_list = view! {
        {records.is_empty().then(|| view! { <p class="empty muted">{tr(Msg::NoRecordsToday)}</p> })}
        <ul class="sv-list" data-testid="sv-records">
            {records.into_iter().map(|r| {
                let id = r.id;
                let problems = r.checks.iter().filter(|c| !c.pass).count();
                let review = r.review.as_ref().map(|x| x.verdict.clone());
                let cleaner = display_name(&people, &r.cleaner);
                view! {
                    <li>
                        <button type="button" class="sv-item" class:picked=move || picked.get() == Some(Pick::Record(id))
                            data-testid="sv-record" on:click=move |_| open.run(Pick::Record(id))>
                            <span class="row between">
                                <strong>{unit_name(r.unit_id)}</strong>
                                <span class=if problems == 0 { "badge ok" } else { "badge missing" }>
                                    {move || i18n::problems_found(problems, lang.get())}
                                </span>
                            </span>
                            <span class="row between small">
                                <span class="muted">{cleaner}" · "{time::short(r.started_at)}" – "{time::short(r.ended_at)}</span>
                                {r.conflict_with.is_some().then(|| view! { <span class="badge missing" data-testid="record-conflict">{tr(Msg::InConflict)}</span> })}
                                {match review {
                                    None => view! { <span class="badge plain">{tr(Msg::NotReviewed)}</span> }.into_any(),
                                    Some(Verdict::Approved) => view! { <span class="badge ok">{tr(Msg::Approved)}</span> }.into_any(),
                                    Some(Verdict::SentBack { .. }) => view! { <span class="badge missing">{tr(Msg::SentBack)}</span> }.into_any(),
                                }}
                            </span>
                        </button>
                    </li>
                }
            }).collect_view()}
        </ul>
    };

    // The lists behind the units and orders figures, each shown while its figure is picked (no
    // view rebuilt on a tap, as the tabs).
    let units = move |figure: UnitFigure| {
        view! {
            <div class="tab-panel" class:hidden=move || tab.get() != Tab::Units(figure)>
                <super::super::field::today::UnitList reference=data.reference.clone() records=data.records.clone() me=String::new() figure/>
            </div>
        }
    };
    let orders = move |figure: OrderFigure| {
        view! {
            <ul class="sv-list tab-panel" class:hidden=move || tab.get() != Tab::Orders(figure)>
                {data.work_orders.iter().filter(|o| figure.holds(o, now)).map(|o| view! {
                    <li class="sv-item" data-testid="sv-order">
                        <strong>{o.ticket.clone()}</strong>
                        <span class="small">{o.customer.clone()}" · "{o.assignee_name.clone()}</span>
                    </li>
                }).collect_view()}
            </ul>
        }
    };
    let behind = view! {
        {move || behind_chip(tab.get()).map(|(what, which)| view! {
            <button type="button" class="chip choice selected list-filter" data-testid="list-filter" on:click=move |_| tab.set(Tab::Findings)>
                {tr(what)}" · "{tr(which)}" ✕"
            </button>
        })}
        {units(UnitFigure::Overdue)}
        {units(UnitFigure::Due)}
        {OrderFigure::ALL.into_iter().map(orders).collect_view()}
    };

    view! {
                <div class="tabs" role="tablist">
                    {tab_button(Tab::Findings, Msg::FindingsList, open_count, "tab-findings")}
                    {tab_button(Tab::Areas, Msg::AreasList, n_areas, "tab-areas")}
                    {tab_button(Tab::Records, Msg::RecordsList, n_records, "tab-records")}
                </div>
                <div class="tab-panel" class:hidden=move || tab.get() != Tab::Findings>{finding_list}</div>
                <div class="tab-panel" class:hidden=move || tab.get() != Tab::Areas>{area_list}</div>
                <div class="tab-panel" class:hidden=move || tab.get() != Tab::Records>{record_list}</div>
                <div data-testid="sv-behind">{behind}</div>
    }
}

/// The picked item's own page, beside the lists.
#[component]
fn Detail(picked: RwSignal<Option<Pick>>) -> impl IntoView {
    let current = Memo::new(move |_| picked.get());
    move || match current.get() {
        None => view! { <p class="muted sv-placeholder">{tr(Msg::PickToSee)}</p> }.into_any(),
        Some(Pick::Finding(id)) => view! { <FindingPage id/> }.into_any(),
        Some(Pick::Area(id)) => view! { <AreaPage id/> }.into_any(),
        Some(Pick::Record(id)) => view! { <super::RecordPage id/> }.into_any(),
    }
}
