//! One area's checklist for today: one tap ticks an item (48 px and more), "problem" asks for a
//! photo and a word and becomes a finding; the area is finished when every item is marked.

use fieldbook_model::board::{AreaProgress, ReviewState};
use fieldbook_model::cleaning::{Area, AreaDay, ChecklistItem, Mark, due_items};
use fieldbook_model::findings::{FindingSource, ProblemKind};
use fieldbook_model::{OpKind, Role};
use leptos::prelude::*;

use crate::components::back::BackHome;
use uuid::Uuid;

use super::today::{FieldView, load_field};
use crate::components::capture::{PendingPhoto, PendingPhotos};
use crate::components::device_read::DeviceRead;
use crate::components::feedback::{Feedback, FeedbackToast};
use crate::components::progress::Progress;
use crate::db::today;
use crate::hooks::use_read;
use crate::hooks::{UseOutboxReturn, use_outbox};
use crate::i18n::{self, Msg, tr, use_lang};
use crate::session::use_session;
use crate::sync::use_sync;
use crate::time;

#[component]
pub fn AreaPage(id: Uuid) -> impl IntoView {
    let sync = use_sync();
    let lang = use_lang();
    let read = use_read(move || sync.changed.field.track(), load_field);
    // What this page's ticks made the items, shown at the next paint: the write and the read of
    // the day that follows it are IndexedDB round trips (~150-250 ms on a slowed phone; issue 20).
    // Kept across the reads that rebuild the checklist until what is stored says the same (a
    // quick second tap is not undone by the read of the first); a write that fails clears them.
    // (A short list of pairs rather than a map: a page has a few dozen items at most.)
    let taps = RwSignal::new(Taps::new());
    view! {
        <section class="detail-page field-page">
            <BackHome/>
            <DeviceRead read view=move |v: FieldView| match v.reference.areas.iter().find(|a| a.id == id).cloned() {
                None => view! { <p class="empty muted">{move || Msg::NotOnDevice.text(lang.get())}</p> }.into_any(),
                Some(area) => view! { <Checklist area view=v taps/> }.into_any(),
            }/>
        </section>
    }
}

/// Items and their marks: what this page's ticks made them, or what is stored.
type Taps = Vec<(Uuid, Option<Mark>)>;

fn marked(list: &Taps, id: Uuid) -> Option<Option<Mark>> {
    list.iter().find(|t| t.0 == id).map(|t| t.1)
}

#[component]
fn Checklist(area: Area, view: FieldView, taps: RwSignal<Taps>) -> impl IntoView {
    let session = use_session();
    let lang = use_lang();
    let date = today();
    let due: Vec<ChecklistItem> = due_items(&view.reference.items, area.id, date)
        .into_iter()
        .cloned()
        .collect();
    let day = view
        .days
        .iter()
        .find(|d| d.area_id == area.id && d.date == date)
        .cloned()
        .unwrap_or_else(|| AreaDay::new(area.id, date));
    let outbox = use_outbox();
    let is_cleaner = session
        .0
        .get_untracked()
        .is_some_and(|p| Some(&p.username) == area.cleaner.as_ref());
    let is_supervisor = session
        .0
        .get_untracked()
        .is_some_and(|p| p.role == Role::Supervisor);
    let progress = AreaProgress::of(&area, &view.reference.items, &view.days, date);
    let approved = progress.review == ReviewState::Approved;
    let editable = is_cleaner && !approved;
    let (done, total, finished_at) = (progress.done, progress.due, progress.finished_at);
    let sent_back = match day.review.as_ref().map(|r| &r.verdict) {
        Some(fieldbook_model::cleaning::Verdict::SentBack { reason }) => Some(reason.clone()),
        _ => None,
    };
    let area_id = area.id;
    let finish = move |_| outbox.record(vec![OpKind::FinishArea { area_id, date }], Vec::new());
    let problem_for = RwSignal::new(None::<Uuid>);
    let area_for_problem = area.clone();
    let stored: Taps = due
        .iter()
        .map(|i| (i.id, day.marks.get(&i.id).map(|m| m.mark)))
        .collect();
    // Ticks now stored are shown from the store; the ones still being written stay.
    taps.update_untracked(|t| t.retain(|tap| stored.iter().any(|s| s.0 == tap.0 && s.1 != tap.1)));
    let done_now = Memo::new(move |_| {
        taps.with(|t| {
            t.iter().fold(done, |n, (id, mark)| {
                let was = marked(&stored, *id).flatten().is_some();
                n + usize::from(mark.is_some()) - usize::from(was)
            })
        })
    });
    Effect::new(move |_| {
        if matches!(outbox.feedback.get(), Some(Feedback::Failed(_))) {
            taps.update(Vec::clear);
        }
    });

    view! {
        <div class="card">
            <div class="row between">
                <h1 data-testid="area-title">{area.name.clone()}</h1>
                <span class="count big-count" data-testid="area-progress">{move || format!("{}/{total}", done_now.get())}</span>
            </div>
            <span class="muted small">{move || i18n::date_label(date, lang.get())}</span>
            {move || view! { <Progress done=done_now.get() due=total/> }}
            {finished_at.map(|at| view! {
                <p class="ok-text" data-testid="finished-at">{move || Msg::AreaFinishedAt.text(lang.get())}" "{time::short(at)}</p>
            })}
            {approved.then(|| view! { <p class="ok-text">{tr(Msg::Approved)}</p> })}
            {sent_back.map(|r| view! { <p class="banner attention" data-testid="sent-back">{tr(Msg::SentBack)}": "{r}</p> })}
        </div>
        <super::conflicts::MarkConflicts day=day.clone() items=due.clone() people=view.reference.people.clone()
            can_settle=is_supervisor outbox/>
        {due.is_empty().then(|| view! { <p class="empty muted">{tr(Msg::NothingDueToday)}</p> })}
        <ul class="checklist" data-testid="checklist">
            {due.into_iter().map(|item| {
                let stored = day.marks.get(&item.id).map(|m| m.mark);
                let id = item.id;
                let mark = Signal::derive(move || taps.with(|t| marked(t, id)).unwrap_or(stored));
                view! { <ItemRow item mark taps area_id date editable outbox problem_for/> }
            }).collect_view()}
        </ul>
        {move || problem_for.get().map(|item| view! {
            <ProblemForm area=area_for_problem.clone() item date outbox problem_for/>
        })}
        <FeedbackToast feedback=outbox.feedback/>
        {(editable && total > 0).then(|| view! {
            <button class="primary big finish-button" data-testid="finish-area"
                disabled=move || done < total || finished_at.is_some() || outbox.pending.get() on:click=finish>
                {move || if finished_at.is_some() { Msg::AreaFinished.text(lang.get()) } else { Msg::FinishArea.text(lang.get()) }}
            </button>
            {move || (done_now.get() < total).then(|| view! { <p class="muted small center">{move || i18n::items_left(total - done_now.get(), lang.get())}</p> })}
        })}
        {is_supervisor.then(|| view! { <crate::pages::supervising::AreaReview area_id date/> })}
    }
}

#[component]
fn ItemRow(
    item: ChecklistItem,
    /// What the item shows: the stored mark, or what a tap on this page made it.
    mark: Signal<Option<Mark>>,
    taps: RwSignal<Taps>,
    area_id: Uuid,
    date: chrono::NaiveDate,
    editable: bool,
    outbox: UseOutboxReturn,
    problem_for: RwSignal<Option<Uuid>>,
) -> impl IntoView {
    let lang = use_lang();
    let item_id = item.id;
    let frequency = item.schedule.frequency();
    let tick = move |_| {
        // One tap ticks; a tap on a ticked item clears it (a mistake is one tap to undo).
        let next = if mark.get_untracked() == Some(Mark::Done) {
            None
        } else {
            Some(Mark::Done)
        };
        taps.update(|t| {
            t.retain(|tap| tap.0 != item_id);
            t.push((item_id, next));
        });
        // Every tap is kept, even while the one before is written: ticking down a list is fast.
        outbox.record_each(
            vec![OpKind::MarkItem {
                area_id,
                item_id,
                date,
                mark: next,
            }],
            Vec::new(),
        )
    };
    view! {
        <li class="check-item" class:done=move || mark.get() == Some(Mark::Done) class:problem=move || mark.get() == Some(Mark::Problem)
            data-testid="check-item" data-item=item.label.clone()>
            <button class="tick" data-testid="tick" disabled=!editable on:click=tick
                aria-pressed=move || if mark.get() == Some(Mark::Done) { "true" } else { "false" }>
                <span class="tick-box" aria-hidden="true">{move || if mark.get() == Some(Mark::Done) { "✓" } else { "" }}</span>
                <span class="item-label">{item.label.clone()}</span>
                {(frequency != fieldbook_model::cleaning::Frequency::Daily).then(|| view! {
                    <span class="freq">{move || i18n::frequency(frequency, lang.get())}</span>
                })}
            </button>
            <button class="problem-button" data-testid="problem" disabled=!editable
                class:active=move || mark.get() == Some(Mark::Problem)
                on:click=move |_| problem_for.set(Some(item_id))>
                {move || if mark.get() == Some(Mark::Problem) { Msg::ProblemReported.text(lang.get()) } else { Msg::Problem.text(lang.get()) }}
            </button>
        </li>
    }
}

/// Problem on an item: a photo (required), a common problem in one tap or a note, and it goes to
/// the supervisor as a finding, in the same transaction as the item's mark.
#[component]
fn ProblemForm(
    area: Area,
    item: Uuid,
    date: chrono::NaiveDate,
    outbox: UseOutboxReturn,
    problem_for: RwSignal<Option<Uuid>>,
) -> impl IntoView {
    let place = area.name.clone();
    view! {
        <div class="dialog-backdrop">
            <div class="dialog problem-dialog" role="dialog" aria-modal="true" data-testid="problem-form">
                <FindingForm area=Some(area.id) place=place source=FindingSource::Checklist { item_id: item, date }
                    on_done=Callback::new(move |()| problem_for.set(None))
                    extra=Callback::new(move |()| vec![OpKind::MarkItem { area_id: area.id, item_id: item, date, mark: Some(Mark::Problem) }])
                    outbox/>
            </div>
        </div>
    }
}

/// The finding form, shared by a checklist item's problem, the "report a problem" screen and the
/// supervisor's patrol: photo first (required), one tap for a common problem, an optional note.
#[component]
pub fn FindingForm(
    #[prop(into)] area: Signal<Option<Uuid>>,
    #[prop(into)] place: Signal<String>,
    source: FindingSource,
    on_done: Callback<()>,
    /// Operations recorded with the finding, in the same transaction (e.g. the item's mark).
    extra: Callback<(), Vec<OpKind>>,
    outbox: UseOutboxReturn,
    /// Called with the new finding's id once it is saved on the device (the patrol marks its area
    /// with it); never on cancel, nor when the save failed.
    #[prop(optional)]
    on_saved: Option<Callback<Uuid>>,
) -> impl IntoView {
    let lang = use_lang();
    let finding_id = Uuid::new_v4();
    let photos = RwSignal::new(Vec::<PendingPhoto>::new());
    let problem = RwSignal::new(None::<ProblemKind>);
    // The note is kept on the device as it is typed, per area (or "elsewhere"), until saved.
    let where_ = area
        .get_untracked()
        .map_or_else(|| "elsewhere".to_string(), |a| a.to_string());
    let (note, draft) = crate::drafts::use_text(crate::drafts::key("finding", where_));
    let busy = RwSignal::new(false);
    let tried = RwSignal::new(false);
    let caption = Signal::derive(move || vec![place.get(), time::full(crate::time::now())]);
    let missing_photo = move || photos.with(Vec::is_empty);
    let missing_problem = move || problem.get().is_none();
    let missing_note =
        move || problem.get() == Some(ProblemKind::Other) && note.with(|n| n.trim().is_empty());
    let missing_place = move || area.get().is_none() && place.with(|p| p.trim().is_empty());
    let save = move |_| {
        tried.set(true);
        if missing_photo() || missing_problem() || missing_note() || missing_place() {
            return;
        }
        let Some(kind) = problem.get_untracked() else {
            return;
        };
        let (refs, blobs): (Vec<_>, Vec<_>) = photos.get_untracked().into_iter().unzip();
        let mut kinds = extra.run(());
        kinds.push(OpKind::ReportFinding {
            finding_id,
            area_id: area.get_untracked(),
            place: place.get_untracked(),
            source: source.clone(),
            problem: kind,
            note: note.get_untracked().trim().to_string(),
            photos: refs,
        });
        outbox.record_then(kinds, blobs, move || {
            draft.saved();
            if let Some(cb) = on_saved {
                cb.run(finding_id);
            }
            on_done.run(());
        });
    };
    view! {
        <h2>{tr(Msg::ReportProblem)}" · "{move || place.get()}</h2>
        <PendingPhotos photos owner=finding_id photo_slot="before"
            label=Signal::derive(move || if photos.with(Vec::is_empty) { Msg::TakePhoto.text(lang.get()) } else { Msg::AddPhoto.text(lang.get()) })
            caption busy testid="finding-photo"/>
        {move || (tried.get() && missing_photo()).then(|| view! { <p class="field-error" data-testid="photo-required">{tr(Msg::PhotoRequired)}</p> })}
        <div class="chips problem-chips" role="radiogroup">
            {ProblemKind::ALL.into_iter().map(|k| view! {
                <button type="button" class="chip choice" class:selected=move || problem.get() == Some(k)
                    data-testid="problem-kind" data-kind=format!("{k:?}") on:click=move |_| problem.set(Some(k))>
                    {move || i18n::problem_kind(k, lang.get())}
                </button>
            }).collect_view()}
        </div>
        {move || (tried.get() && missing_problem()).then(|| view! { <p class="field-error">{tr(Msg::ChooseProblem)}</p> })}
        <crate::drafts::DraftNote draft reset=move |()| note.set(String::new())/>
        <label class="field">
            <span>{tr(Msg::Note)}</span>
            <textarea rows="2" maxlength="500" data-testid="finding-note" prop:value=move || note.get()
                on:input=move |ev| note.set(event_target_value(&ev))></textarea>
        </label>
        {move || (tried.get() && missing_note()).then(|| view! { <p class="field-error">{tr(Msg::NoteRequired)}</p> })}
        {move || (tried.get() && missing_place()).then(|| view! { <p class="field-error" data-testid="place-required">{tr(Msg::PlaceRequired)}</p> })}
        <div class="row dialog-actions">
            <button class="secondary" type="button" on:click=move |_| on_done.run(())>{tr(Msg::Cancel)}</button>
            <button class="primary" type="button" data-testid="save-finding" disabled=move || busy.get() || outbox.pending.get() on:click=save>{tr(Msg::SaveFinding)}</button>
        </div>
    }
}
