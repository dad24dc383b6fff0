//! Spot checks (抽查): the supervisor approves a cleaner's checklist of the day or a vacant-unit
//! record, or sends it back with a reason the cleaner sees after sync.

use chrono::NaiveDate;
use fieldbook_model::OpKind;
use fieldbook_model::UserProfile;
use fieldbook_model::cleaning::{
    AreaDay, Review, UNIT_PHOTO_SLOT, VacantRecord, VacantStandard, Verdict,
};
use fieldbook_model::sync::FieldReference;
use leptos::prelude::*;

use crate::components::back::BackHome;
use uuid::Uuid;

use super::{display_name, forget_typed, typed};
use crate::components::capture::FieldPhoto;
use crate::components::device_read::DeviceRead;
use crate::components::feedback::FeedbackToast;
use crate::hooks::{UseOutboxReturn, use_outbox, use_read};
use crate::i18n::{self, Msg, tr, use_lang};
use crate::sync::use_sync;
use crate::time;

/// Approve, or send back with a reason (required): the verdict goes to `on_verdict`.
#[component]
fn ReviewPanel(
    /// What the reason is kept under while it is typed (see `typed`).
    key: String,
    /// The review so far, if any.
    current: Option<Review>,
    /// Whether approving is possible now (an area must be finished first).
    can_approve: bool,
    people: Vec<fieldbook_model::UserProfile>,
    on_verdict: Callback<Verdict>,
    outbox: UseOutboxReturn,
) -> impl IntoView {
    let lang = use_lang();
    let reason = typed(key.clone());
    let tried = RwSignal::new(false);
    let approved = matches!(
        current.as_ref().map(|r| &r.verdict),
        Some(Verdict::Approved)
    );
    let send_back = move |_| {
        tried.set(true);
        let text = reason.get_untracked().trim().to_string();
        if text.is_empty() {
            return;
        }
        forget_typed(&key);
        on_verdict.run(Verdict::SentBack { reason: text });
    };
    let verdict_line = current.map(|r| {
        let who = display_name(&people, &r.by);
        let at = time::short(r.at);
        match r.verdict {
            Verdict::Approved => view! {
                <p class="verdict ok-text" data-testid="verdict" data-verdict="approved">{tr(Msg::Approved)}" · "{who}" · "{at}</p>
            }.into_any(),
            Verdict::SentBack { reason } => view! {
                <p class="verdict banner attention" data-testid="verdict" data-verdict="sent_back">{tr(Msg::SentBack)}": "{reason}<br/><span class="small">{who}" · "{at}</span></p>
            }.into_any(),
        }
    });
    view! {
        <div class="card review-panel" data-testid="review-panel">
            <h2>{tr(Msg::SpotCheck)}</h2>
            {verdict_line}
            {(!approved).then(|| view! {
                {(!can_approve).then(|| view! { <p class="muted small">{tr(Msg::NotFinishedYet)}</p> })}
                <button class="primary big approve" data-testid="approve" disabled=move || !can_approve || outbox.pending.get()
                    on:click=move |_| on_verdict.run(Verdict::Approved)>{tr(Msg::Approve)}</button>
                <label class="field">
                    <span>{tr(Msg::SendBackReason)}</span>
                    <textarea rows="2" maxlength="500" data-testid="send-back-reason" prop:value=move || reason.get()
                        class:invalid=move || tried.get() && reason.with(|r| r.trim().is_empty())
                        on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                </label>
                {move || (tried.get() && reason.with(|r| r.trim().is_empty())).then(|| view! {
                    <p class="field-error" role="alert" data-testid="reason-required">{move || Msg::ReasonRequired.text(lang.get())}</p>
                })}
                <button class="secondary big send-back" data-testid="send-back" disabled=move || outbox.pending.get() on:click=send_back>{tr(Msg::SendBack)}</button>
            })}
            <FeedbackToast feedback=outbox.feedback/>
        </div>
    }
}

/// At the foot of an area's checklist, for the supervisor.
#[component]
pub fn AreaReview(area_id: Uuid, date: NaiveDate) -> impl IntoView {
    let sync = use_sync();
    let outbox = use_outbox();
    let read = use_read(
        move || sync.changed.field.track(),
        move |db| async move {
            let day = db.area_day(area_id, date).await?;
            let people = db.field_reference().await?.people;
            Ok((day, people))
        },
    );
    let on_verdict = Callback::new(move |verdict: Verdict| {
        outbox.record(
            vec![OpKind::ReviewArea {
                area_id,
                date,
                verdict,
            }],
            Vec::new(),
        )
    });
    view! {
        <DeviceRead read view=move |(day, people): (Option<AreaDay>, Vec<UserProfile>)| match day {
            // Nothing ticked yet: there is no work to check (the server has no record of the day).
            None => view! {
                <div class="card review-panel" data-testid="review-panel">
                    <h2>{tr(Msg::SpotCheck)}</h2>
                    <p class="muted" data-testid="not-started">{tr(Msg::NotStartedYet)}</p>
                </div>
            }
            .into_any(),
            Some(day) => view! {
                <ReviewPanel key=format!("review:{area_id}:{date}") current=day.review.clone() can_approve=day.finished_at.is_some() people on_verdict outbox/>
            }
            .into_any(),
        }/>
    }
}

/// A vacant-unit record for the spot check: times, the standard item by item with photos, the
/// cleaner, and approve / send back.
#[component]
pub fn RecordPage(id: Uuid) -> impl IntoView {
    let sync = use_sync();
    let lang = use_lang();
    let read = use_read(
        move || sync.changed.field.track(),
        move |db| async move {
            let record = db.vacant_record(id).await?;
            let reference = db.field_reference().await?;
            Ok((record, reference))
        },
    );
    view! {
        <section class="detail-page field-page">
            <BackHome/>
            <DeviceRead read view=move |(record, reference): (Option<VacantRecord>, FieldReference)| match record {
                None => view! { <p class="empty muted">{move || Msg::NotOnDevice.text(lang.get())}</p> }.into_any(),
                Some(record) => {
                    let unit = reference.units.iter().find(|u| u.id == record.unit_id).map(|u| u.name.clone()).unwrap_or_default();
                    view! { <RecordView record unit people=reference.people/> }.into_any()
                }
            }/>
        </section>
    }
}

#[component]
fn RecordView(
    record: VacantRecord,
    unit: String,
    people: Vec<fieldbook_model::UserProfile>,
) -> impl IntoView {
    let lang = use_lang();
    let outbox = use_outbox();
    let record_id = record.id;
    let minutes = (record.ended_at - record.started_at).num_minutes();
    let cleaner = display_name(&people, &record.cleaner);
    let photos_of = |slot: &str| -> Vec<Uuid> {
        record
            .photos
            .iter()
            .filter(|p| p.slot == slot)
            .map(|p| p.photo_id)
            .collect()
    };
    let unit_photos = photos_of(UNIT_PHOTO_SLOT);
    let on_verdict = Callback::new(move |verdict: Verdict| {
        outbox.record(
            vec![OpKind::ReviewVacantRecord { record_id, verdict }],
            Vec::new(),
        )
    });
    view! {
        <div class="card record-detail" data-testid="record-detail">
            <h1>{unit}</h1>
            <p class="muted small">{tr(Msg::VacantRecord)}</p>
            <dl class="facts">
                <dt>{tr(Msg::Cleaner)}</dt><dd>{cleaner}</dd>
                <dt>{tr(Msg::CleanedAt)}</dt>
                <dd>{time::short(record.started_at)}" – "{time::short(record.ended_at)}
                    {move || match lang.get() { i18n::Lang::Zh => format!("（{minutes} 分钟）"), i18n::Lang::En => format!(" ({minutes} min)") }}</dd>
            </dl>
            <h2 class="sub">{tr(Msg::Standard)}</h2>
            <ol class="standard review-standard">
                {VacantStandard::ALL.into_iter().map(|item| {
                    let check = record.checks.iter().find(|c| c.item == item).cloned();
                    let pass = check.as_ref().map(|c| c.pass);
                    let note = check.map(|c| c.note).unwrap_or_default();
                    let photos = photos_of(item.slot());
                    view! {
                        <li class="standard-item" data-testid="record-check" data-item=item.slot()>
                            <div class="row between">
                                <span class="item-label">{move || i18n::vacant_standard(item, lang.get())}</span>
                                {match pass {
                                    Some(true) => view! { <span class="badge ok">{tr(Msg::Pass)}</span> }.into_any(),
                                    Some(false) => view! { <span class="badge missing">{tr(Msg::Problem)}</span> }.into_any(),
                                    None => ().into_any(),
                                }}
                            </div>
                            {(!note.is_empty()).then(|| view! { <p class="warn-text small">{note.clone()}</p> })}
                            <div class="thumbs">{photos.into_iter().map(|id| view! { <FieldPhoto id/> }).collect_view()}</div>
                        </li>
                    }
                }).collect_view()}
            </ol>
            <h3>{tr(Msg::UnitPhoto)}</h3>
            <div class="thumbs" data-testid="unit-photos">{unit_photos.into_iter().map(|id| view! { <FieldPhoto id/> }).collect_view()}</div>
            {(!record.note.is_empty()).then(|| view! { <p><strong>{tr(Msg::Note)}": "</strong>{record.note.clone()}</p> })}
        </div>
        <ReviewPanel key=format!("review:{record_id}") current=record.review.clone() can_approve=true people on_verdict outbox/>
    }
}
