//! The cleaner's "today": their areas with the items due today, the day's progress, their vacant
//! units with the monthly cleaning due, their tasks, and one big button to report a problem.

use chrono::Datelike;
use fieldbook_model::board::{AreaProgress, UnitFigure};
use fieldbook_model::cleaning::{Area, AreaDay, UnitDue, VacantRecord, Verdict};
use fieldbook_model::complaints::Complaint;
use fieldbook_model::findings::{Finding, FindingSource, FindingState};
use fieldbook_model::order::ordered;
use fieldbook_model::sync::FieldReference;
use leptos::prelude::*;

use crate::router::Route;

use crate::components::device_read::DeviceRead;
use crate::components::progress::Progress;
use crate::db::{Db, DbError, today};
use crate::hooks::use_read;
use crate::i18n::{self, Msg, tr, use_lang};
use crate::session::use_session;
use crate::sync::use_sync;
use crate::time;

/// What the today screen reads from the device.
#[derive(Clone, Default, PartialEq)]
pub struct FieldView {
    pub reference: FieldReference,
    pub days: Vec<AreaDay>,
    pub findings: Vec<Finding>,
    pub records: Vec<VacantRecord>,
    pub complaints: Vec<Complaint>,
}

pub async fn load_field(db: Db) -> Result<FieldView, DbError> {
    Ok(FieldView {
        reference: db.field_reference().await?,
        days: db.area_days().await?,
        findings: db.findings().await?,
        records: db.vacant_records().await?,
        complaints: db.complaints().await?,
    })
}

/// An area's progress today, and the supervisor's reason when they sent it back.
fn area_today(view: &FieldView, area: &Area) -> (AreaProgress, Option<String>) {
    let date = today();
    let progress = AreaProgress::of(area, &view.reference.items, &view.days, date);
    let back = view
        .days
        .iter()
        .find(|d| d.area_id == area.id && d.date == date)
        .and_then(|d| match d.review.as_ref().map(|r| &r.verdict) {
            Some(Verdict::SentBack { reason }) => Some(reason.clone()),
            _ => None,
        });
    (progress, back)
}

#[component]
pub fn TodayPage() -> impl IntoView {
    let sync = use_sync();
    let session = use_session();
    let lang = use_lang();
    let read = use_read(move || sync.changed.field.track(), load_field);
    let me = move || session.0.get().map(|p| p.username).unwrap_or_default();
    let freshness = move || match sync.last_synced.get() {
        Some(at) => format!("{} {}", Msg::LastSynced.text(lang.get()), time::short(at)),
        None => Msg::NeverSynced.text(lang.get()).to_string(),
    };

    view! {
        <section class="list-page field-page">
            <div class="list-head">
                <div>
                    <h1>{tr(Msg::Today)}</h1>
                    <span class="muted small">{move || i18n::date_label(today(), lang.get())}</span>
                </div>
                <span class="muted small" data-testid="freshness">{freshness}</span>
            </div>
            <Show when=move || sync.reachable.get() == Some(false)>
                <p class="banner offline" data-testid="offline-banner">{tr(Msg::Offline)}</p>
            </Show>
            <a href=Route::Report.href() class="primary big report-button" data-testid="report-problem">{tr(Msg::ReportProblem)}</a>
            {crate::pages::complaints::take_complaint_button()}
            <a class="secondary" href=Route::Scorecard.href() data-testid="my-scorecard-link">{tr(Msg::MyScorecard)}</a>
            <DeviceRead read view=move |v: FieldView| {
                    let mine = me();
                    let areas: Vec<Area> = v.reference.areas.iter()
                        .filter(|a| a.cleaner.as_deref() == Some(mine.as_str()))
                        .cloned()
                        .collect();
                    let figures: Vec<_> = areas.iter().map(|a| area_today(&v, a)).collect();
                    let (done, due) = figures.iter().fold((0, 0), |(d, n), (p, _)| (d + p.done, n + p.due));
                    let finished = figures.iter().filter(|(p, _)| p.finished_at.is_some()).count();
                    let with_items = figures.iter().filter(|(p, _)| p.due > 0).count();
                    view! {
                        // Tasks given to the cleaner first: someone is waiting for them.
                        <TaskList findings=v.findings.clone()/>
                        <div class="card day-summary" data-testid="day-progress">
                            <div class="row between">
                                <strong>{move || i18n::items_done(done, due, lang.get())}</strong>
                                <span class="muted small">{move || i18n::areas_finished(finished, with_items, lang.get())}</span>
                            </div>
                            <Progress done due/>
                        </div>
                        <h2 class="section-title">{tr(Msg::MyAreas)}</h2>
                        {areas.is_empty().then(|| view! { <p class="empty muted">{tr(Msg::NoAreas)}</p> })}
                        <ul class="cards" data-testid="area-list">
                            {areas.into_iter().zip(figures).map(|(area, (progress, back))| { let (done, due, finished) = (progress.done, progress.due, progress.finished_at.is_some()); let sent_back = back.is_some(); let conflict = progress.in_conflict; view! {
                                <li>
                                    <a class="card order-card area-card" class:finished=finished class:sent-back=sent_back
                                        href=Route::Area(area.id).href() data-testid="area-card" data-area=area.name.clone()>
                                        <div class="row between">
                                            <strong class="area-name">{area.name.clone()}</strong>
                                            <span class="count" data-testid="area-count">{format!("{done}/{due}")}</span>
                                        </div>
                                        <Progress done due/>
                                        {finished.then(|| view! { <span class="ok-text small">{tr(Msg::AreaFinished)}</span> })}
                                        {back.map(|r| view! { <span class="warn-text small">{tr(Msg::SentBack)}": "{r}</span> })}
                                        {conflict.then(|| view! { <span class="warn-text small" data-testid="area-conflict">{tr(Msg::InConflict)}</span> })}
                                    </a>
                                </li>
                            }}).collect_view()}
                        </ul>
                        <UnitList reference=v.reference.clone() records=v.records.clone() me=mine.clone()/>
                        <ReportedList findings=v.findings.clone()/>
                        {crate::pages::complaints::my_complaints(v.complaints.clone())}
                    }
            }/>
        </section>
    }
}

/// The vacant units the person is responsible for, with the monthly cleaning due; on the
/// supervisor's board, the team's units a figure counts.
#[component]
pub fn UnitList(
    reference: FieldReference,
    records: Vec<VacantRecord>,
    me: String,
    #[prop(optional)] figure: Option<UnitFigure>,
) -> impl IntoView {
    let lang = use_lang();
    let date = today();
    let units: Vec<_> = reference
        .units
        .into_iter()
        .filter(|u| match figure {
            Some(f) => f.holds(u, date),
            None => u.responsible == me && u.is_vacant_on(date),
        })
        .map(|u| u.with_records(&records))
        .collect();
    let units = ordered(units, |u| {
        (i64::from(u.due_date().num_days_from_ce()), 0, String::new())
    });
    view! {
        <h2 class="section-title">{tr(Msg::VacantUnits)}</h2>
        {(units.is_empty() && figure.is_none()).then(|| view! { <p class="empty muted">{tr(Msg::NoUnits)}</p> })}
        <ul class="cards" data-testid="unit-list">
            {units.into_iter().map(|u| {
                let state = u.due_state(date);
                let class = match state {
                    UnitDue::Overdue { .. } => "deadline overdue",
                    UnitDue::DueSoon { .. } => "deadline soon",
                    UnitDue::Upcoming { .. } => "deadline met",
                };
                // In the language switched to, as the rest of the card.
                let text = move || match state {
                    UnitDue::Overdue { days, .. } => i18n::unit_overdue(days, lang.get()),
                    UnitDue::DueSoon { due } | UnitDue::Upcoming { due } => i18n::unit_due(due, lang.get()),
                };
                let last = u.last_cleaned.map(|d| d.to_string());
                let back = VacantRecord::sent_back(&records, u.id).map(str::to_string);
                let sent_back = back.is_some();
                view! {
                    <li>
                        <a class="card order-card unit-card" class:sent-back=sent_back href=Route::Unit(u.id).href() data-testid="unit-card" data-unit=u.name.clone()>
                            <div class="row between">
                                <strong>{u.name.clone()}</strong>
                                <span class=class data-testid="unit-due">{text}</span>
                            </div>
                            <span class="muted small">
                                {move || match &last {
                                    Some(d) => format!("{} {d}", Msg::LastCleaned.text(lang.get())),
                                    None => Msg::NeverCleaned.text(lang.get()).to_string(),
                                }}
                            </span>
                            {back.map(|r| view! { <span class="warn-text small" data-testid="unit-sent-back">{tr(Msg::SentBack)}": "{r}</span> })}
                        </a>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// The tasks given to the signed-in person (or their department), to fix and close.
#[component]
pub fn TaskList(findings: Vec<Finding>) -> impl IntoView {
    task_cards(findings, false)
}

/// The problems the signed-in person reported, the last ten.
#[component]
pub fn ReportedList(findings: Vec<Finding>) -> impl IntoView {
    task_cards(findings, true)
}

fn task_cards(findings: Vec<Finding>, reported: bool) -> AnyView {
    let session = use_session();
    let Some(me) = session.0.get_untracked() else {
        return ().into_any();
    };
    let actor = me.actor();
    let (title, testid, cards): (Msg, &str, Vec<Finding>) = if reported {
        let mine = findings
            .into_iter()
            .filter(|f| f.reported_by == me.username && !f.is_assigned_to(&actor))
            .take(10)
            .collect();
        (Msg::MyReports, "report-list", mine)
    } else {
        let open = findings
            .into_iter()
            .filter(|f| f.is_assigned_to(&actor))
            .filter(|f| f.state == FindingState::Assigned || f.state == FindingState::Fixed)
            .collect();
        (Msg::MyTasks, "task-list", open)
    };
    (!cards.is_empty())
        .then(|| {
            view! {
                <h2 class="section-title">{tr(title)}</h2>
                <ul class="cards" data-testid=testid>
                    {cards.into_iter().map(|f| view! { <FindingCard finding=f/> }).collect_view()}
                </ul>
            }
        })
        .into_any()
}

#[component]
pub fn FindingCard(finding: Finding) -> impl IntoView {
    let lang = use_lang();
    let state = finding.shown_state();
    let problem = finding.problem;
    let overdue = finding.is_overdue(crate::time::now());
    let complaint = matches!(finding.source, FindingSource::Complaint { .. });
    view! {
        <li>
            <a class="card order-card finding-card" class:overdue=overdue href=Route::Finding(finding.id).href() data-testid="finding-card"
                data-complaint=complaint.to_string()>
                <div class="row between">
                    <strong>{complaint.then(|| view! { <span class="badge missing" data-testid="complaint-tag">{tr(Msg::ComplaintTag)}</span>" " })}{finding.place.clone()}</strong>
                    <span class=format!("status finding-{}", i18n::finding_state_class(state)) data-testid="finding-state">
                        {move || i18n::finding_state(state, lang.get())}
                    </span>
                </div>
                <span class="small">{move || i18n::problem_kind(problem, lang.get())}
                    {(!finding.note.is_empty()).then(|| format!(" · {}", finding.note))}</span>
                <span class="muted small">{time::short(finding.reported_at)}
                    {finding.due.map(|d| view! { " · "<span class:late-text=overdue data-testid="task-due">{move || Msg::DueBy.text(lang.get())}" "{time::short(d)}</span> })}</span>
            </a>
        </li>
    }
}
