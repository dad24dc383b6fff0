//! A finding and the task it became: the "before" photos, where and what, who has it and by when,
//! its history; the assignee closes it with an "after" photo, shown beside the "before" one; the
//! supervisor assigns, confirms or reopens it (their part is in `pages::supervising`).

use fieldbook_model::complaints::Complaint;
use fieldbook_model::findings::{Assignee, Finding, FindingEvent, FindingSource, FindingState};
use fieldbook_model::user::display_name;
use fieldbook_model::{OpKind, UserProfile};
use leptos::prelude::*;

use crate::components::back::BackHome;
use uuid::Uuid;

use crate::components::capture::{FieldPhoto, PendingPhoto, PendingPhotos};
use crate::components::device_read::DeviceRead;
use crate::components::feedback::FeedbackToast;
use crate::hooks::{use_outbox, use_read};
use crate::i18n::{self, Msg, tr, use_lang};
use crate::session::use_session;
use crate::sync::use_sync;
use crate::time;

#[component]
pub fn FindingPage(id: Uuid) -> impl IntoView {
    let sync = use_sync();
    let lang = use_lang();
    // Only the finding and the people who may be named on it: a sync that brought other
    // findings re-reads this one, and rebuilds nothing when it did not change (a half-typed reason
    // and the photos on screen stay).
    let read = use_read(
        move || sync.changed.field.track(),
        move |db| async move {
            let finding = db.finding(id).await?;
            let people = db.field_reference().await?.people;
            // A complaint's task: the complaint, for its customer and working-day deadline.
            let complaint = match finding.as_ref().map(|f| &f.source) {
                Some(FindingSource::Complaint { complaint_id }) => {
                    db.complaint(*complaint_id).await?
                }
                _ => None,
            };
            Ok((finding, people, complaint))
        },
    );
    view! {
        <section class="detail-page field-page">
            <BackHome/>
            <DeviceRead read view=move |(finding, people, complaint): (Option<Finding>, Vec<UserProfile>, Option<Complaint>)| match finding {
                None => view! { <p class="empty muted">{move || Msg::NotOnDevice.text(lang.get())}</p> }.into_any(),
                Some(f) => view! { <FindingView finding=f people complaint/> }.into_any(),
            }/>
        </section>
    }
}

/// Who has a task, in words.
pub fn assignee_text(
    a: &Assignee,
    people: &[fieldbook_model::UserProfile],
    lang: i18n::Lang,
) -> String {
    match a {
        Assignee::Person { username } => display_name(people, username),
        Assignee::Department { department } => i18n::department(*department, lang).to_string(),
    }
}

#[component]
fn FindingView(
    finding: Finding,
    people: Vec<fieldbook_model::UserProfile>,
    complaint: Option<Complaint>,
) -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let me = session.0.get_untracked();
    let actor = me.as_ref().map(|p| p.actor());
    // In conflict, nothing but the supervisor's keep is taken (`Finding::change`).
    let in_conflict = finding.conflict.is_some();
    let can_close = !in_conflict
        && finding.state == FindingState::Assigned
        && actor.as_ref().is_some_and(|a| finding.is_assigned_to(a));
    let is_supervisor = me
        .as_ref()
        .is_some_and(|p| p.role == fieldbook_model::Role::Supervisor);
    let conflict = in_conflict.then(|| {
        view! { <super::conflicts::FindingConflict finding=finding.clone() people=people.clone() can_settle=is_supervisor outbox=use_outbox()/> }
    });
    let state = finding.shown_state();
    let problem = finding.problem;
    let before: Vec<Uuid> = finding.photos.iter().map(|p| p.photo_id).collect();
    // In conflict, the other closing's after photos follow the shown one's.
    let mut after: Vec<Uuid> = finding.after_photos.iter().map(|p| p.photo_id).collect();
    for p in finding.conflict.iter().flat_map(|c| &c.after_photos) {
        if !after.contains(&p.photo_id) {
            after.push(p.photo_id);
        }
    }
    let has_after = !after.is_empty();
    let assignee = finding
        .assignee
        .as_ref()
        .map(|a| assignee_text(a, &people, lang.get_untracked()));
    let history = finding.history.clone();
    let names = people.clone();
    let name_of = move |username: &str| display_name(&names, username);
    let reporter = display_name(&people, &finding.reported_by);
    let fix_due = complaint.as_ref().map(|c| c.fix_due);
    view! {
        <div class="card finding-detail" data-testid="finding-detail">
            <div class="row between">
                <h1>{finding.place.clone()}</h1>
                <span class=format!("status finding-{}", i18n::finding_state_class(state)) data-testid="finding-state">
                    {move || i18n::finding_state(state, lang.get())}
                </span>
            </div>
            <p><strong>{move || i18n::problem_kind(problem, lang.get())}</strong>
                {(!finding.note.is_empty()).then(|| format!(" · {}", finding.note))}</p>
            <dl class="facts">
                <dt>{tr(Msg::ReportedBy)}</dt><dd>{reporter}" · "{time::short(finding.reported_at)}</dd>
                {assignee.map(|a| view! { <dt>{tr(Msg::AssignedTo)}</dt><dd data-testid="assignee">{a}</dd> })}
                {finding.due.map(|d| view! { <dt>{tr(Msg::DueBy)}</dt><dd>{time::short(d)}</dd> })}
            </dl>
            <div class="before-after" class:both=has_after>
                <div>
                    <h3>{tr(Msg::Before)}</h3>
                    <div class="thumbs" data-testid="before-photos">
                        {before.into_iter().map(|id| view! { <FieldPhoto id/> }).collect_view()}
                    </div>
                </div>
                {has_after.then(|| view! {
                    <div>
                        <h3>{tr(Msg::After)}</h3>
                        <div class="thumbs" data-testid="after-photos">
                            {after.into_iter().map(|id| view! { <FieldPhoto id/> }).collect_view()}
                        </div>
                    </div>
                })}
            </div>
        </div>
        {conflict}
        {complaint.map(|c| view! { <ul class="cards" data-testid="task-complaint">{crate::pages::complaints::complaint_card(c)}</ul> })}
        {can_close.then(|| view! { <CloseForm finding_id=finding.id place=finding.place.clone()/> })}
        {(is_supervisor && !in_conflict).then(|| view! { <crate::pages::supervising::FindingActions finding=finding.clone() people=people.clone() fix_due/> })}
        <div class="card">
            <h2>{tr(Msg::History)}</h2>
            <ol class="history" data-testid="finding-history">
                {history.into_iter().map(|s| {
                    let event = s.event.clone();
                    view! {
                        <li>
                            <span class="muted small">{time::short(s.at)}" · "{name_of(&s.by)}</span>
                            " "
                            {move || match &event {
                                FindingEvent::Reported => Msg::EventReported.text(lang.get()).to_string(),
                                FindingEvent::Assigned { .. } => Msg::EventAssigned.text(lang.get()).to_string(),
                                FindingEvent::Fixed { note } => format!("{} {note}", Msg::EventFixed.text(lang.get())),
                                FindingEvent::Confirmed => Msg::EventConfirmed.text(lang.get()).to_string(),
                                FindingEvent::Reopened { reason } => format!("{}: {reason}", Msg::EventReopened.text(lang.get())),
                            }}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </div>
    }
}

/// The assignee's closing: never without an "after" photo.
#[component]
fn CloseForm(finding_id: Uuid, place: String) -> impl IntoView {
    let lang = use_lang();
    let outbox = use_outbox();
    let photos = RwSignal::new(Vec::<PendingPhoto>::new());
    let (note, draft) = crate::drafts::use_text(crate::drafts::key("close", finding_id));
    let busy = RwSignal::new(false);
    let tried = RwSignal::new(false);
    let caption = Signal::derive(move || vec![place.clone(), time::full(crate::time::now())]);
    let save = move |_| {
        tried.set(true);
        if photos.with(Vec::is_empty) {
            return;
        }
        let (refs, blobs): (Vec<_>, Vec<_>) = photos.get_untracked().into_iter().unzip();
        outbox.record_then(
            vec![OpKind::CloseFinding {
                finding_id,
                note: note.get_untracked().trim().to_string(),
                photos: refs,
            }],
            blobs,
            move || draft.saved(),
        );
    };
    view! {
        <div class="card" data-testid="close-form">
            <h2>{tr(Msg::CloseTask)}</h2>
            <PendingPhotos photos owner=finding_id photo_slot="after"
                label=Signal::derive(move || Msg::TakeAfterPhoto.text(lang.get())) caption busy testid="after-photo"/>
            {move || (tried.get() && photos.with(Vec::is_empty)).then(|| view! { <p class="field-error" data-testid="after-required">{tr(Msg::AfterPhotoRequired)}</p> })}
            <label class="field">
                <span>{tr(Msg::WhatWasDone)}</span>
                <textarea rows="2" maxlength="500" data-testid="close-note" prop:value=move || note.get()
                    on:input=move |ev| note.set(event_target_value(&ev))></textarea>
            </label>
            <button class="primary big" data-testid="close-task" disabled=move || busy.get() || outbox.pending.get() on:click=save>{tr(Msg::MarkFixed)}</button>
            <FeedbackToast feedback=outbox.feedback/>
        </div>
    }
}
