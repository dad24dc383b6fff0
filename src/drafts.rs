//! Drafts: what a person typed into a form and has not saved yet, kept on the device as it is
//! typed until it is saved or discarded on purpose. The one mechanism every form uses (the
//! service report, a finding, a vacant-unit record, a patrol round, a complaint, a send-back or
//! refusal reason): leaving the page, a reload, a flat battery or a sync that rewrites the record
//! loses nothing.
//!
//! A draft is kept under a key made of the form and the record it is for ([`key`]): in memory, so
//! a form mounted again on the same page load starts from it at once, and in IndexedDB (the meta
//! store, `draft:<key>`), so it outlives the page. Values are JSON text: one copy of the code for
//! every form, whatever the draft's type.
//!
//! A form either keeps a whole value itself ([`keep`], [`stored`], [`forget`]: a vacant-unit record
//! with its photos, a round) or lets [`track`] watch its fields: the fields are put back when the
//! form is mounted and kept whenever one of them changes. [`use_text`] is `track` for one field.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Serialize, de::DeserializeOwned};

use crate::db::{Db, DbHandle, use_db_handle};
use crate::i18n::{Msg, tr, use_lang};

thread_local! {
    /// The drafts of this page load, as JSON text (`None`: forgotten, do not look on the device).
    static HELD: RefCell<HashMap<String, Option<String>>> = RefCell::default();
}

/// The key of a form's draft for one record: `report:<order id>`, `send-back:<area day>`...
pub fn key(form: &str, id: impl std::fmt::Display) -> String {
    format!("{form}:{id}")
}

/// The draft kept for `key`, from memory or else from the device.
pub async fn stored<T: DeserializeOwned>(db: &Db, key: &str) -> Option<T> {
    fieldbook_model::json::from_str(&stored_text(db, key).await?).ok()
}

async fn stored_text(db: &Db, key: &str) -> Option<String> {
    if let Some(held) = HELD.with(|h| h.borrow().get(key).cloned()) {
        return held;
    }
    match db.draft_text(key).await {
        Ok(text) => text,
        Err(e) => {
            gloo::console::error!(format!("reading the draft {key} failed: {e:?}"));
            None
        }
    }
}

/// Keep `value` as the draft of `key`.
pub fn keep<T: Serialize>(db: &Db, key: &str, value: &T) {
    if let Ok(text) = serde_json::to_string(value) {
        write(db, key, Some(text));
    }
}

/// The draft of `key` was saved or discarded: forget it, here and on the device.
pub fn forget(db: &Db, key: &str) {
    write(db, key, None);
}

fn write(db: &Db, key: &str, text: Option<String>) {
    let same = HELD.with(|h| {
        let mut h = h.borrow_mut();
        let same = h.get(key) == Some(&text);
        h.insert(key.to_string(), text.clone());
        same
    });
    if same {
        return;
    }
    // Writes are queued in the order they were made (IndexedDB runs read-write transactions on
    // one store in order), so the last keystroke is the one kept.
    let (db, key) = (db.clone(), key.to_string());
    spawn_local(async move {
        if let Err(e) = db.set_draft_text(&key, text.as_deref()).await {
            gloo::console::error!(format!("keeping the draft {key} failed: {e:?}"));
        }
    });
}

/// A form's draft being watched by [`track`]: whether one is kept (for [`DraftNote`]), and saying
/// it was saved or discarded.
#[derive(Clone, Copy)]
pub struct Draft {
    /// True while the device keeps a draft of this form (restored, or typed since it was saved).
    pub kept: RwSignal<bool>,
    key: StoredValue<String>,
    db: DbHandle,
    /// Something was typed since the form was mounted: a draft read late does not overwrite it.
    typed: StoredValue<bool>,
    /// The form's fields as last kept (or as they were put back): only a change is written.
    last: StoredValue<Option<String>>,
    snapshot: StoredValue<Rc<dyn Fn() -> String>, LocalStorage>,
}

impl Draft {
    /// The form was saved (or its record closed): the draft is forgotten; what is on screen now
    /// is the starting point of the next one.
    pub fn saved(&self) {
        forget(&self.db.get_value(), &self.key.get_value());
        self.rebase();
        self.kept.set(false);
    }

    /// Forget the draft after the form's fields were put back as they were (by `reset`).
    pub fn discard(&self, reset: impl FnOnce()) {
        reset();
        self.saved();
    }

    fn rebase(&self) {
        let now = untrack(|| self.snapshot.with_value(|s| s()));
        self.last.set_value(Some(now));
    }
}

/// Keep a form's fields as they are typed. `snapshot` reads them (tracked: every field it reads is
/// watched), as a list of texts; `restore` puts a kept draft back, once, when the form is mounted.
/// `enabled` is read with them: a form that cannot be changed (a submitted report) keeps nothing
/// and restores nothing. (Texts rather than a type of the form's own: a serializer per form would
/// cost the wasm more than the whole mechanism.)
pub fn track(
    key: String,
    snapshot: impl Fn() -> Vec<String> + 'static,
    restore: impl Fn(Vec<String>) + 'static,
    enabled: impl Fn() -> bool + 'static,
) -> Draft {
    track_dyn(key, Rc::new(snapshot), Rc::new(restore), Rc::new(enabled))
}

type Texts = Rc<dyn Fn() -> Vec<String>>;

fn track_dyn(
    key: String,
    snapshot: Texts,
    restore: Rc<dyn Fn(Vec<String>)>,
    enabled: Rc<dyn Fn() -> bool>,
) -> Draft {
    let db = use_db_handle();
    let snapshot: Rc<dyn Fn() -> String> =
        Rc::new(move || serde_json::to_string(&snapshot()).unwrap_or_default());
    let draft = Draft {
        kept: RwSignal::new(false),
        key: StoredValue::new(key.clone()),
        db,
        typed: StoredValue::new(false),
        last: StoredValue::new(None),
        snapshot: StoredValue::new_local(snapshot.clone()),
    };
    let put_back = move |text: String| {
        if let Ok(value) = fieldbook_model::json::from_str::<Vec<String>>(&text) {
            restore(value);
            draft.last.set_value(Some(text));
            draft.kept.set(true);
        }
    };
    let can = enabled.clone();
    // In memory (the form mounted again on this page load): at once. Else from the device, unless
    // the person started typing before it was read.
    match HELD.with(|h| h.borrow().get(&key).cloned()) {
        Some(Some(text)) if untrack(|| can()) => put_back(text),
        Some(_) => {}
        None => {
            let db = db.get_value();
            spawn_local(async move {
                if let Some(text) = stored_text(&db, &key).await
                    && draft.typed.try_get_value() == Some(false)
                    && untrack(|| can())
                {
                    put_back(text);
                }
            });
        }
    }
    Effect::new(move |first: Option<()>| {
        let now = snapshot();
        if !enabled() {
            return;
        }
        if first.is_none() {
            // What the form starts from is not a draft: nothing typed yet.
            if draft.last.with_value(Option::is_none) {
                draft.last.set_value(Some(now));
            }
            return;
        }
        if draft
            .last
            .with_value(|l| l.as_deref() != Some(now.as_str()))
        {
            keep_text(&db.get_value(), &draft.key.get_value(), now.clone());
            draft.last.set_value(Some(now));
            draft.typed.set_value(true);
            draft.kept.set(true);
        }
    });
    draft
}

fn keep_text(db: &Db, key: &str, text: String) {
    write(db, key, Some(text));
}

/// One text field kept as a draft under `key` (a reason, a note): starts from what the device
/// keeps, kept as it is typed. Call [`forget`] (or [`Draft::saved`]) once it is saved.
pub fn use_text(key: String) -> (RwSignal<String>, Draft) {
    let value = RwSignal::new(String::new());
    let draft = track(
        key,
        move || vec![value.get()],
        move |v| value.set(v.into_iter().next().unwrap_or_default()),
        || true,
    );
    (value, draft)
}

/// "The draft is kept on this phone", with "discard the draft" (asked first): shown while a
/// form's draft is kept. `reset` puts the form's fields back as they were before the draft.
#[component]
pub fn DraftNote(draft: Draft, #[prop(into)] reset: Callback<()>) -> impl IntoView {
    let lang = use_lang();
    let discard = move |_| {
        let sure = gloo::utils::window()
            .confirm_with_message(Msg::DiscardDraftConfirm.text(lang.get_untracked()))
            .unwrap_or(false);
        if sure {
            draft.discard(|| reset.run(()));
        }
    };
    view! {
        <p class="draft-note small" data-testid="draft-note" hidden=move || !draft.kept.get()>
            <span>{tr(Msg::DraftKept)}</span>" "
            <button type="button" class="link" data-testid="discard-draft" on:click=discard>{tr(Msg::DiscardDraft)}</button>
        </p>
    }
}

/// Forget what this page load holds in memory, as a reload does (the device keeps its drafts).
pub fn forget_memory() {
    HELD.with(|h| h.borrow_mut().clear());
}
