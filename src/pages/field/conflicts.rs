//! Records in conflict (`fieldbook_model::conflict`): both values with who, when and which
//! device, on every screen that shows the record; the supervisor keeps one with a tap. One card
//! for every kind of record: a checklist item's marks, a unit's two records of one day, a
//! finding's two steps.

use fieldbook_model::OpKind;
use fieldbook_model::cleaning::{AreaDay, ChecklistItem, Mark, VacantRecord};
use fieldbook_model::conflict::{Side, Stamp};
use fieldbook_model::findings::{Finding, FindingEvent};
use fieldbook_model::patrol::PatrolRound;
use fieldbook_model::report::ServiceReport;
use fieldbook_model::user::{UserProfile, display_name};
use leptos::prelude::*;

use crate::hooks::UseOutboxReturn;
use crate::i18n::{self, Msg, tr, use_lang};
use crate::time;

/// One side of a conflict as the card shows it.
pub struct ConflictSide {
    /// What the side says, for tests and styles (`data-mark`): done / problem / none / pass.
    pub kind: &'static str,
    /// What the side says, in words.
    pub what: ViewFn,
    pub stamp: Stamp,
    /// The settling operation that keeps this side (None: the office settles it).
    pub keep: Option<OpKind>,
}

/// A record in conflict: its sides, the later action first (`Stamp::shown_before`).
#[component]
pub fn ConflictCard(
    /// What is in conflict, as people know it (an item's label, a unit's name, a round's kind in
    /// the page's language).
    #[prop(into)]
    label: Signal<String>,
    sides: Vec<ConflictSide>,
    people: Vec<UserProfile>,
    /// The supervisor settles; everyone else sees.
    can_settle: bool,
    outbox: UseOutboxReturn,
) -> impl IntoView {
    let mut sides = sides;
    // Two sides, the later action first (no sort: it would cost the phone's wasm for one swap).
    if let [a, b] = &mut sides[..]
        && b.stamp.shown_before(&a.stamp)
    {
        std::mem::swap(a, b);
    }
    // This device's side says so; another's shows the start of its id (people tell their phones
    // apart by which one they hold, not by an id).
    // Until this device's id is read, neither side is named: a moment's "设备 …" on its own side
    // would be untrue.
    let here = RwSignal::new(None::<Option<uuid::Uuid>>);
    let db = crate::db::use_db();
    leptos::task::spawn_local(async move { here.set(Some(db.device_id().await.ok())) });
    let lang = use_lang();
    let sides = sides.into_iter().map(|side| {
        let id = side.stamp.device;
        let short = id.simple().to_string()[..6].to_string();
        let device = move || match here.get() {
            None => String::new(),
            Some(here) if here == Some(id) => Msg::ConflictThisDevice.text(lang.get()).to_string(),
            Some(_) => format!("{} {short}", Msg::ConflictDevice.text(lang.get())),
        };
        let keep = side.keep;
        // Run inside a closure: a side's words follow the page's language.
        let what = side.what;
        view! {
            <li data-testid="conflict-side" data-mark=side.kind>
                <strong>{move || what.run()}</strong>" · "{display_name(&people, &side.stamp.by)}" · "
                {time::short(side.stamp.at)}" · "<span data-testid="conflict-device">{device}</span>
                {keep.filter(|_| can_settle).map(|keep| view! {
                    <button class="secondary" data-testid="keep-side" disabled=move || outbox.pending.get()
                        on:click=move |_| outbox.record(vec![keep.clone()], Vec::new())>{tr(Msg::ConflictKeep)}</button>
                })}
            </li>
        }
    });
    view! {
        <div class="card banner attention" data-testid="conflict" data-item=move || label.get()>
            <p><strong>{tr(Msg::InConflict)}</strong>": "{move || label.get()}</p>
            <ul>{sides.collect_view()}</ul>
        </div>
    }
}

/// An area's items in conflict, one card each.
#[component]
pub fn MarkConflicts(
    day: AreaDay,
    items: Vec<ChecklistItem>,
    people: Vec<UserProfile>,
    can_settle: bool,
    outbox: UseOutboxReturn,
) -> impl IntoView {
    let (area_id, date) = (day.area_id, day.date);
    let cards = day.conflicts.iter().filter_map(|(item_id, other)| {
        let shown = Side {
            value: day.marks.get(item_id).map(|m| m.mark),
            stamp: day.stamps.get(item_id)?.clone(),
        };
        let label = items
            .iter()
            .find(|i| i.id == *item_id)
            .map_or_else(String::new, |i| i.label.clone());
        let item_id = *item_id;
        let sides = [shown, other.clone()]
            .map(|side| {
                let (kind, msg) = match side.value {
                    Some(Mark::Done) => ("done", Msg::ConflictDone),
                    Some(Mark::Problem) => ("problem", Msg::ConflictProblem),
                    None => ("none", Msg::ConflictCleared),
                };
                ConflictSide {
                    kind,
                    what: ViewFn::from(tr(msg)),
                    keep: Some(OpKind::SettleMark {
                        area_id,
                        date,
                        item_id,
                        keep_device: side.stamp.device,
                    }),
                    stamp: side.stamp,
                }
            })
            .into();
        Some(view! { <ConflictCard label sides people=people.clone() can_settle outbox/> })
    });
    cards.collect_view()
}

/// Two vacant-unit records of one unit and day in conflict: both records' findings.
#[component]
pub fn RecordConflict(
    records: [VacantRecord; 2],
    /// The unit's name.
    unit: String,
    people: Vec<UserProfile>,
    can_settle: bool,
    outbox: UseOutboxReturn,
) -> impl IntoView {
    let lang = use_lang();
    let sides = records
        .iter()
        .filter_map(|r| {
            let side = r.side()?;
            let n = side.value.len();
            Some(ConflictSide {
                kind: if n == 0 { "pass" } else { "problem" },
                what: ViewFn::from(move || i18n::problems_found(n, lang.get())),
                stamp: side.stamp,
                keep: Some(OpKind::SettleVacantRecord { record_id: r.id }),
            })
        })
        .collect();
    view! { <ConflictCard label=unit sides people can_settle outbox/> }
}

/// Two of a supervisor's rounds of one kind and day, submitted from two devices apart with other
/// results: each round's areas passed, with a problem and skipped; the supervisor keeps one.
#[component]
pub fn RoundConflict(
    rounds: [PatrolRound; 2],
    people: Vec<UserProfile>,
    outbox: UseOutboxReturn,
) -> impl IntoView {
    let lang = use_lang();
    let kind = rounds[0].kind;
    let label = Signal::derive(move || i18n::round_kind(kind, lang.get()).to_string());
    let sides = rounds
        .iter()
        .filter_map(|r| {
            let tally = r.tally();
            Some(ConflictSide {
                kind: if tally[1] == 0 { "pass" } else { "problem" },
                what: ViewFn::from(move || i18n::round_tally(tally, lang.get())),
                stamp: r.stamp.clone()?,
                keep: Some(OpKind::SettleRound { round_id: r.id }),
            })
        })
        .collect();
    view! { <ConflictCard label sides people can_settle=true outbox/> }
}

/// A service report whose text two of the engineer's phones saved apart: both texts; the office
/// keeps one on the order's page.
#[component]
pub fn ReportConflict(report: ServiceReport, outbox: UseOutboxReturn) -> impl IntoView {
    let lang = use_lang();
    let sides = [Some(&report), report.conflict.as_deref()]
        .into_iter()
        .flatten()
        .filter_map(|r| {
            let what = [r.fault_cause.as_str(), r.work_done.as_str()]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" · ");
            Some(ConflictSide {
                kind: "report",
                what: ViewFn::from(move || what.clone()),
                stamp: r.stamp.clone()?,
                keep: None,
            })
        })
        .collect();
    let label = Signal::derive(move || Msg::ServiceReport.text(lang.get()).to_string());
    view! { <ConflictCard label sides people=Vec::new() can_settle=false outbox/> }.into_any()
}

/// A finding two devices stepped apart (two closings, a confirmation and a reopening, two
/// assignments): each side's state and its step's words (the shown side's after photos are on
/// the page); the supervisor keeps one.
#[component]
pub fn FindingConflict(
    finding: Finding,
    people: Vec<UserProfile>,
    can_settle: bool,
    outbox: UseOutboxReturn,
) -> impl IntoView {
    let lang = use_lang();
    let sides = [Some(&finding), finding.conflict.as_deref()]
        .into_iter()
        .flatten()
        .filter_map(|f| {
            let stamp = f.stamp.clone()?;
            let state = Some(f.state);
            let words = match f.history.last().map(|s| &s.event) {
                Some(FindingEvent::Fixed { note } | FindingEvent::Reopened { reason: note }) => {
                    note.clone()
                }
                Some(FindingEvent::Assigned { to, .. }) => {
                    super::finding::assignee_text(to, &people, lang.get_untracked())
                }
                _ => String::new(),
            };
            Some(ConflictSide {
                kind: i18n::finding_state_class(state),
                what: ViewFn::from(move || {
                    format!("{} {words}", i18n::finding_state(state, lang.get()))
                }),
                keep: Some(OpKind::SettleFinding {
                    finding_id: f.id,
                    keep_device: stamp.device,
                }),
                stamp,
            })
        })
        .collect();
    view! { <ConflictCard label=finding.place.clone() sides people can_settle outbox/> }
}
