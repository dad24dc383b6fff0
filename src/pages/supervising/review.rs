//! Spot checks (抽查): the supervisor approves a cleaner's checklist of the day or a vacant-unit
//! record, or sends it back with a reason the cleaner sees after sync. The panel, and the area's
//! spot check at the foot of its checklist.

use chrono::NaiveDate;
use fieldbook_model::cleaning::{AreaDay, Review, Verdict};
use fieldbook_model::user::display_name;
use fieldbook_model::{OpKind, UserProfile};
use leptos::prelude::*;
use uuid::Uuid;

use crate::components::device_read::DeviceRead;
use crate::components::feedback::FeedbackToast;
use crate::drafts::use_text;
use crate::hooks::{UseOutboxReturn, use_outbox, use_read};
use crate::i18n::{Msg, tr, use_lang};
use crate::sync::use_sync;
use crate::time;

/// Approve, or send back with a reason (required): the verdict goes to `on_verdict`.
#[component]
pub fn ReviewPanel(
    /// What the reason is kept under while it is typed (see `use_typed`).
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
    let (reason, reason_draft) = use_text(key.clone());
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
        reason_draft.saved();
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
                <ReviewPanel key=format!("review:{area_id}:{date}") current=day.review.clone() can_approve=day.finished_at.is_some() && !day.in_conflict() people on_verdict outbox/>
            }
            .into_any(),
        }/>
    }
}
