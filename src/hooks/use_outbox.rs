//! `use_outbox()`: the one way a page records what a person did.
//!
//! Every tap that changes something (a status node, a tick, a finding, a record, a round, a photo)
//! goes through here: the steps become operations of the signed-in person, written to the device in
//! ONE transaction with their outbox entries and photo bytes (`sync::record`), and the uploader is
//! woken. The page gets `pending` for its buttons (a save button stays disabled while its write is
//! in flight, so a double tap records once) and `feedback` for its toast.

use std::cell::Cell;
use std::time::Duration;

use fieldbook_model::OpKind;
use leptos::prelude::*;
use uuid::Uuid;

use crate::components::feedback::Feedback;
use crate::db::{PhotoBlob, use_db};
use crate::failure::Failure;
use crate::session::use_session;
use crate::sync::use_sync;

/// How long "saved on this device" stays under the form; the badge goes on telling the truth.
const SAVED_FOR: Duration = Duration::from_secs(5);

/// What one tap records.
struct Step {
    kinds: Vec<OpKind>,
    photos: Vec<PhotoBlob>,
    /// A photo (work order, photo) taken back first: off the phone, or withdrawn once sent.
    take_back: Option<(Uuid, Uuid)>,
    /// Runs once the steps are saved (clear a draft, go back to the list).
    then: Cell<Option<Box<dyn FnOnce()>>>,
}

#[derive(Clone, Copy)]
pub struct UseOutboxReturn {
    action: Action<Step, ()>,
    /// True while a write is in flight: bind it to the save button's `disabled`.
    pub pending: Memo<bool>,
    /// The last outcome, for `<FeedbackToast/>`.
    pub feedback: RwSignal<Option<Feedback>>,
}

/// The outbox for a page. Call it in the component (it reads the session from context).
pub fn use_outbox() -> UseOutboxReturn {
    let session = use_session();
    let db = use_db();
    let state = use_sync();
    let feedback = RwSignal::new(None::<Feedback>);
    let action = Action::new_local(move |step: &Step| {
        let db = db.clone();
        let profile = session.0.get_untracked();
        let kinds = step.kinds.clone();
        let photos = step.photos.clone();
        let then = step.then.take();
        let take_back = step.take_back;
        async move {
            let Some(profile) = profile else { return };
            let with_photo = !photos.is_empty();
            let done = async {
                let mut kinds = kinds;
                if let Some((work_order_id, photo_id)) = take_back {
                    if crate::sync::take_off(&db, photo_id).await? {
                        crate::sync::refresh_now().await;
                    } else {
                        // The server may have it: withdrawn, with the retake in one transaction.
                        kinds.insert(
                            0,
                            OpKind::WithdrawPhoto {
                                work_order_id,
                                photo_id,
                            },
                        );
                    }
                }
                if kinds.is_empty() {
                    return Ok(());
                }
                crate::sync::record(&db, state, &profile, kinds, photos).await
            };
            match done.await {
                Ok(()) => {
                    feedback.set(Some(Feedback::Saved));
                    if let Some(then) = then {
                        then();
                    }
                    set_timeout(
                        move || {
                            let _ = feedback.try_update(|f| {
                                if *f == Some(Feedback::Saved) {
                                    *f = None
                                }
                            });
                        },
                        SAVED_FOR,
                    );
                }
                Err(e) => {
                    let _ =
                        feedback.try_set(Some(Feedback::Failed(Failure::of_write(&e, with_photo))));
                }
            }
        }
    });
    UseOutboxReturn {
        action,
        pending: action.pending(),
        feedback,
    }
}

impl UseOutboxReturn {
    /// Record `kinds` (with the photo bytes they name) on this device.
    pub fn record(&self, kinds: Vec<OpKind>, photos: Vec<PhotoBlob>) {
        self.record_then(kinds, photos, || {});
    }

    /// Record `kinds`, then run `then` once they are saved. A tap while the last one is still
    /// being written is ignored: the person sees the button disabled, and nothing is queued twice.
    pub fn record_then(
        &self,
        kinds: Vec<OpKind>,
        photos: Vec<PhotoBlob>,
        then: impl FnOnce() + 'static,
    ) {
        if self.pending.get_untracked() {
            return;
        }
        self.action.dispatch_local(Step {
            kinds,
            photos,
            take_back: None,
            then: Cell::new(Some(Box::new(then))),
        });
    }

    /// Record `kinds` even while another write is in flight: for steps that are each their own
    /// thing (every photo picked is kept), never for a save button.
    pub fn record_each(&self, kinds: Vec<OpKind>, photos: Vec<PhotoBlob>) {
        self.replace_photo(None, kinds, photos);
    }

    /// Take photo `take_back` (work order, photo) back, then record `kinds` (a retake: the new
    /// photo; nothing for a removal). Like [`Self::record_each`], every tap counts.
    pub fn replace_photo(
        &self,
        take_back: Option<(Uuid, Uuid)>,
        kinds: Vec<OpKind>,
        photos: Vec<PhotoBlob>,
    ) {
        self.action.dispatch_local(Step {
            kinds,
            photos,
            take_back,
            then: Cell::new(None),
        });
    }

    /// Show a failure found before anything was written (a photo that could not be processed).
    pub fn fail(&self, failure: Failure) {
        self.feedback.set(Some(Feedback::Failed(failure)));
    }
}
