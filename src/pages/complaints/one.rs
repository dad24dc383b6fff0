//! One complaint: the customer, where and what, who took it (首问负责), the deadline in force (red
//! when late), its fix task (a finding: closed and confirmed on the finding's page), the call-backs,
//! its history, and, once the fix is confirmed, the visit's 《回访记录表》 signed by the customer on
//! the screen. A phone call-back is the office's: this screen records visits only. Until the
//! complaint has reached the office the screen says it is saved on this phone only.

use chrono::Duration;
use fieldbook_model::cleaning::PhotoRef;
use fieldbook_model::complaints::{
    CallBackMethod, CallBackSubject, Complaint, ComplaintEvent, ComplaintField, ComplaintState,
    NewCallBack, Staff,
};
use fieldbook_model::findings::Finding;
use fieldbook_model::outbox::EntryState;
use fieldbook_model::photo::SIGNATURE_SLOT;
use fieldbook_model::user::display_name;
use fieldbook_model::{OpKind, Subject, UserProfile};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use super::{deadline_badge, severity_badge, state_msg};
use crate::components::back::BackHome;
use crate::components::capture::FieldPhoto;
use crate::components::device_read::DeviceRead;
use crate::components::feedback::FeedbackToast;
use crate::components::signature::{Pad, signature_pad};
use crate::drafts::use_text;
use crate::hooks::{use_outbox, use_read};
use crate::i18n::{self, Msg, tr, use_lang};
use crate::pages::supervising::{from_input, to_input};
use crate::router::Route;
use crate::session::use_session;
use crate::sync::use_sync;
use crate::time;

type Shown = (Option<Complaint>, Option<Finding>, Vec<UserProfile>);

#[component]
pub fn ComplaintPage(id: Uuid) -> impl IntoView {
    let sync = use_sync();
    let read = use_read(
        move || sync.changed.field.track(),
        move |db| async move {
            let complaint = db.complaint(id).await?;
            let task = match &complaint {
                Some(c) => db.finding(c.finding_id).await?,
                None => None,
            };
            Ok((complaint, task, db.field_reference().await?.people))
        },
    );
    // Its own read: the upload settling the outbox re-reads this, not the form below.
    let unsent =
        use_read(
            move || sync.changed.outbox.track(),
            move |db| async move {
                Ok(db.outbox().await?.iter().any(|e| {
                    e.state == EntryState::Queued && e.op.subject() == Subject::Complaint(id)
                }))
            },
        );
    view! {
        <section class="detail-page field-page complaint-page">
            <BackHome/>
            {move || match unsent.get() {
                Some(Ok(true)) => Some(view! { <p class="banner offline" data-testid="complaint-unsent">{tr(Msg::ComplaintUnsent)}</p> }),
                _ => None,
            }}
            <DeviceRead read view=move |(complaint, task, people): Shown| match complaint {
                None => view! { <p class="empty muted">{tr(Msg::ComplaintNotOnDevice)}</p> }.into_any(),
                Some(c) => complaint_view(c, task, people).into_any(),
            }/>
        </section>
    }
}

fn complaint_view(
    complaint: Complaint,
    task: Option<Finding>,
    people: Vec<UserProfile>,
) -> impl IntoView {
    let lang = use_lang();
    let me = use_session().0.get_untracked();
    let c = complaint;
    let (state, class) = state_msg(&c);
    // Who may call back on a visit: the desk, the team's supervisor or station head, the one who
    // took it, the team's own people (the model's rule; the server checks it again).
    let may_visit = c.state == ComplaintState::CallBackDue
        && me.as_ref().is_some_and(|p| {
            let staff = Staff::from(p);
            staff.manages(&c.team) || p.username == c.taken_by || p.team.as_deref() == Some(&c.team)
        });
    let name = {
        let people = people.clone();
        move |u: &str| display_name(&people, u)
    };
    let photos: Vec<Uuid> = c.photos.iter().map(|p| p.photo_id).collect();
    let phone = c.contact_phone.clone();
    let task_view = task.map(|t| {
        let state = t.shown_state();
        let who = t
            .assignee
            .as_ref()
            .map(|a| crate::pages::field::finding::assignee_text(a, &people, lang.get_untracked()));
        view! {
            <a class="card order-card finding-card" href=Route::Finding(t.id).href() data-testid="complaint-task">
                <div class="row between">
                    <strong>{tr(Msg::OpenFixTask)}</strong>
                    <span class=format!("status finding-{}", i18n::finding_state_class(state)) data-testid="task-state">
                        {move || i18n::finding_state(state, lang.get())}
                    </span>
                </div>
                {who.map(|w| view! { <span class="muted small">{tr(Msg::AssignedTo)}" "{w}</span> })}
            </a>
        }
    });
    let call_backs = c.call_backs.clone();
    let history = c.history.clone();
    view! {
        <div class="card complaint-detail" data-testid="complaint-detail" data-state=class>
            <div class="row between">
                <h1>{c.customer.clone()}</h1>
                <span class=format!("status complaint-{class}") data-testid="complaint-state">{move || state.text(lang.get())}</span>
            </div>
            <p>{severity_badge(c.severity)}" "{deadline_badge(&c)}</p>
            <p data-testid="complaint-what">{c.what.clone()}</p>
            <dl class="facts">
                {(!phone.is_empty()).then(|| view! { <dt>{tr(Msg::ContactPhone)}</dt><dd><a href=format!("tel:{phone}")>{phone.clone()}</a></dd> })}
                <dt>{tr(Msg::UnitOrSite)}</dt><dd>{c.place.clone()}</dd>
                <dt>{tr(Msg::TakenBy)}</dt><dd data-testid="taken-by">{name(&c.taken_by)}" · "{time::short(c.taken_at)}</dd>
                <dt>{tr(Msg::FixDue)}</dt><dd>{time::short(c.fix_due)}</dd>
                {c.call_back_due.map(|d| view! { <dt>{tr(Msg::CallBackDueBy)}</dt><dd>{time::short(d)}</dd> })}
            </dl>
            {(!photos.is_empty()).then(|| view! {
                <div class="thumbs" data-testid="complaint-photos">{photos.into_iter().map(|id| view! { <FieldPhoto id/> }).collect_view()}</div>
            })}
        </div>
        {task_view}
        {may_visit.then(|| call_back_form(c.clone()))}
        {(!call_backs.is_empty()).then(|| view! {
            <div class="card">
                <h2>{tr(Msg::CallBacks)}</h2>
                <ul class="call-backs" data-testid="call-backs">
                    {call_backs.into_iter().map(|cb| view! {
                        <li data-testid="call-back" data-satisfied=cb.satisfied.to_string()>
                            <span class="muted small">{time::short(cb.at)}" · "{name(&cb.by)}</span>
                            <p>
                                <strong>{tr(if cb.satisfied { Msg::Satisfied } else { Msg::NotSatisfied })}</strong>
                                " · "{tr(Msg::AnsweredBy)}" "{cb.answered_by.clone()}
                                {(!cb.words.is_empty()).then(|| format!(" · {}", cb.words))}
                            </p>
                            {(!cb.satisfied).then(|| view! { <p class="warn-text small">{tr(Msg::ReopenedNote)}</p> })}
                            {cb.signature.map(|s| view! { <div class="thumbs"><FieldPhoto id=s.photo_id/></div> })}
                        </li>
                    }).collect_view()}
                </ul>
            </div>
        })}
        <div class="card">
            <h2>{tr(Msg::History)}</h2>
            <ol class="history" data-testid="complaint-history">
                {history.into_iter().map(|s| {
                    let text = match s.event {
                        ComplaintEvent::Taken => Msg::EventTaken.text(lang.get_untracked()).to_string(),
                        ComplaintEvent::FixConfirmed => Msg::EventFixConfirmed.text(lang.get_untracked()).to_string(),
                        ComplaintEvent::CalledBack { satisfied, .. } => format!("{} · {}", Msg::EventCalledBack.text(lang.get_untracked()),
                            (if satisfied { Msg::Satisfied } else { Msg::NotSatisfied }).text(lang.get_untracked())),
                        ComplaintEvent::Reopened { reason } => format!("{}: {reason}", Msg::EventReopened.text(lang.get_untracked())),
                    };
                    view! { <li><span class="muted small">{time::short(s.at)}" · "{name(&s.by)}</span>" "{text}</li> }
                }).collect_view()}
            </ol>
        </div>
    }
}

/// What a call-back form's field being wrong says.
fn call_back_msg(field: ComplaintField) -> Msg {
    match field {
        ComplaintField::AnsweredBy => Msg::ErrAnsweredBy,
        ComplaintField::Words => Msg::ErrWords,
        ComplaintField::Time => Msg::ErrTime,
        _ => Msg::SignatureEmpty,
    }
}

/// The 《回访记录表》 of a visit: when, who answered, satisfied or not, the customer's words, and
/// the customer's signature on the screen. Offline too: it is recorded on the device first.
fn call_back_form(complaint: Complaint) -> impl IntoView {
    let lang = use_lang();
    let outbox = use_outbox();
    let user = use_session()
        .0
        .get_untracked()
        .map(|p| p.username)
        .unwrap_or_default();
    let id = complaint.id;
    let confirmed = complaint.fix_confirmed_at.unwrap_or(complaint.taken_at);
    // Kept while typed: a sync rebuilding the page does not undo them.
    let keys = [
        format!("cb-at:{id}"),
        format!("cb-who:{id}"),
        format!("cb-words:{id}"),
    ];
    let (at, at_draft) = use_text(keys[0].clone());
    // The input holds minutes: left as offered it means "now", not the minute's start (which
    // may be before the fix was confirmed a few seconds ago).
    let offered = to_input(crate::time::now());
    if at.get_untracked().is_empty() {
        at.set(offered.clone());
    }
    let (who, who_draft) = use_text(keys[1].clone());
    if who.get_untracked().is_empty() {
        who.set(complaint.customer.clone());
    }
    let (words, words_draft) = use_text(keys[2].clone());
    let satisfied = RwSignal::new(None::<bool>);
    let pad = Pad::new();
    let problem = RwSignal::new(None::<Msg>);

    // The call-back as the model checks it; the signature stands in until the pad is drawn.
    let build = move |signature: PhotoRef| -> Result<NewCallBack, Msg> {
        let Some(s) = satisfied.get_untracked() else {
            return Err(Msg::ErrSatisfied);
        };
        let when = at
            .with_untracked(|v| {
                if *v == offered {
                    Some(crate::time::now())
                } else {
                    from_input(v)
                }
            })
            .filter(|t| *t >= confirmed && *t <= crate::time::now() + Duration::minutes(5))
            .ok_or(Msg::ErrTime)?;
        let new = NewCallBack {
            id: Uuid::new_v4(),
            subject: CallBackSubject::Complaint { complaint_id: id },
            method: CallBackMethod::Visit,
            at: when,
            answered_by: who.get_untracked(),
            satisfied: s,
            words: words.get_untracked(),
            signature: Some(signature),
        };
        new.check().map_err(call_back_msg)?;
        if !pad.drawn.get_untracked() {
            return Err(Msg::SignatureEmpty);
        }
        Ok(new)
    };
    let stand_in = PhotoRef {
        photo_id: Uuid::nil(),
        slot: SIGNATURE_SLOT.into(),
        sha256: "0".repeat(64),
        bytes: 1,
        width: 1,
        height: 1,
        content_type: "image/png".into(),
    };
    let save = move |_| {
        let checked = build(stand_in.clone());
        problem.set(checked.as_ref().err().copied());
        let Ok(mut new) = checked else { return };
        let user = user.clone();
        spawn_local(async move {
            let p = match pad.png().await {
                Ok(p) => p,
                Err(e) => return outbox.fail(e),
            };
            let (signature, blob) = p.into_field_photo(id, SIGNATURE_SLOT, &user);
            new.signature = Some(signature);
            outbox.record_then(
                vec![OpKind::RecordCallBack { call_back: new }],
                vec![blob],
                move || {
                    [at_draft, who_draft, words_draft]
                        .iter()
                        .for_each(|d| d.saved());
                },
            );
        });
    };
    let choice = move |value: bool, label: Msg, testid: &'static str| {
        view! {
            <button type="button" class="chip choice" class:selected=move || satisfied.get() == Some(value)
                data-testid=testid on:click=move |_| satisfied.set(Some(value))>{tr(label)}</button>
        }
    };
    view! {
        <div class="card call-back-form" data-testid="call-back-form">
            <h2>{tr(Msg::CallBackForm)}</h2>
            <p class="muted small">{tr(Msg::VisitOnly)}</p>
            <label class="field">
                <span>{tr(Msg::VisitAt)}</span>
                <input type="datetime-local" data-testid="call-back-at" prop:value=move || at.get()
                    on:input=move |ev| at.set(event_target_value(&ev))/>
            </label>
            <label class="field">
                <span>{tr(Msg::AnsweredBy)}</span>
                <input data-testid="answered-by" maxlength="60" prop:value=move || who.get()
                    on:input=move |ev| who.set(event_target_value(&ev))/>
            </label>
            <div class="chips" role="radiogroup">
                {choice(true, Msg::Satisfied, "satisfied")}
                {choice(false, Msg::NotSatisfied, "not-satisfied")}
            </div>
            <label class="field">
                <span>{tr(Msg::CustomerWords)}</span>
                <textarea rows="3" maxlength="2000" data-testid="customer-words" prop:value=move || words.get()
                    on:input=move |ev| words.set(event_target_value(&ev))></textarea>
            </label>
            <h3 class="sub">{tr(Msg::CustomerSignature)}</h3>
            {signature_pad(pad)}
            {move || problem.get().map(|m| view! { <p class="field-error" role="alert" data-testid="call-back-error">{move || m.text(lang.get())}</p> })}
            <button class="primary big" data-testid="save-call-back" disabled=move || outbox.pending.get() on:click=save>{tr(Msg::SaveCallBack)}</button>
            <FeedbackToast feedback=outbox.feedback/>
        </div>
    }
}
