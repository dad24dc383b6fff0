//! The cleaner's screens (today's checklists by area, vacant units, problem reports) and the
//! finding/task screen everyone shares. Everything reads IndexedDB; every change goes through
//! `sync::record_field`, one transaction with its outbox entry.

pub mod area;
pub mod finding;
pub mod report;
pub mod today;
pub mod unit;

use fieldbook_model::OpKind;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::db::{DbError, PhotoBlob};
use crate::i18n::Msg;
use crate::pages::work_order::Feedback;
use crate::session::Session;
use crate::sync;

/// Record field steps (with photo bytes) and say how it went; `then` runs after it was saved.
pub fn field_act(
    session: Session,
    kinds: Vec<OpKind>,
    photos: Vec<PhotoBlob>,
    feedback: RwSignal<Option<Feedback>>,
    then: impl FnOnce() + 'static,
) {
    let Some(profile) = session.0.get_untracked() else {
        return;
    };
    // Event handlers run outside the component's owner, where context cannot be looked up: the
    // page's own `lang` attribute (kept by the app) says the language.
    let lang = crate::i18n::Lang::from_code(
        &gloo::utils::document()
            .document_element()
            .and_then(|e| e.get_attribute("lang"))
            .unwrap_or_default(),
    );
    let has_photos = !photos.is_empty();
    spawn_local(async move {
        match sync::record_field(&profile, kinds, photos).await {
            Ok(()) => {
                feedback.set(Some(Feedback::Saved));
                then();
                set_timeout(
                    move || {
                        feedback.update(|f| {
                            if *f == Some(Feedback::Saved) {
                                *f = None
                            }
                        })
                    },
                    std::time::Duration::from_secs(4),
                );
            }
            Err(DbError::StorageRefused(e)) => {
                gloo::console::warn!(format!("storage refused a write: {e}"));
                feedback.set(Some(Feedback::Problem(if has_photos {
                    Msg::PhotoNotSaved
                } else {
                    Msg::StorageFull
                })))
            }
            Err(DbError::Refused(e)) => {
                feedback.set(Some(Feedback::Failed(crate::i18n::op_error(&e, lang))))
            }
            Err(e) => feedback.set(Some(Feedback::Failed(e.to_string()))),
        }
    });
}

/// The toast under a form: saved on this device, or why not.
#[component]
pub fn FeedbackToast(feedback: RwSignal<Option<Feedback>>) -> impl IntoView {
    let lang = crate::i18n::use_lang();
    move || {
        feedback.get().map(|f| match f {
            Feedback::Saved => view! {
                <p class="toast" role="status" data-testid="saved">{Msg::NodeSaved.text(lang.get())}</p>
            }
            .into_any(),
            Feedback::Problem(m) => view! {
                <p class="toast failed" role="alert">{m.text(lang.get())}</p>
            }
            .into_any(),
            Feedback::Failed(text) => view! {
                <p class="toast failed" role="alert">{text}</p>
            }
            .into_any(),
        })
    }
}

/// "3/5" with a bar.
#[component]
pub fn Progress(done: usize, due: usize) -> impl IntoView {
    // Set through the CSSOM (`style:`), which the Content-Security-Policy allows; a `style`
    // attribute would be blocked.
    let pct = (done * 100).checked_div(due).unwrap_or(100);
    let complete = done >= due;
    view! {
        <div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax=due aria-valuenow=done>
            <div class="progress-bar" class:complete=complete style:width=format!("{pct}%")></div>
        </div>
    }
}
