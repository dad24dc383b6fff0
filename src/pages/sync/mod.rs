//! The sync screen: everything still on this device, what became of it, and the storage it uses.
//!
//! Nothing here can delete what is still on its way; only what the server refused can be
//! discarded, after a confirmation that says what will be lost.

use std::sync::Arc;

use fieldbook_model::RejectCode;
use leptos::prelude::*;

use crate::router::Route;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::components::capture::FieldPhoto;
use crate::components::device_read::DeviceRead;
use crate::db::{EntryState, OutboxEntry, PhotoRecord, use_db_handle};
use crate::hooks::use_read;
use crate::i18n::{self, Lang, Msg, tr, use_lang};
use crate::sync::{self, use_sync};
use crate::time;

/// The browser's own figures for this site's storage.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StorageInfo {
    pub used: f64,
    pub quota: f64,
    pub persisted: bool,
}

pub async fn storage_info() -> Option<StorageInfo> {
    let storage = gloo::utils::window().navigator().storage();
    let estimate: web_sys::StorageEstimate = JsFuture::from(storage.estimate().ok()?)
        .await
        .ok()?
        .unchecked_into();
    let persisted = JsFuture::from(storage.persisted().ok()?)
        .await
        .ok()?
        .as_bool()
        .unwrap_or(false);
    Some(StorageInfo {
        used: estimate.get_usage().unwrap_or(0.0),
        quota: estimate.get_quota().unwrap_or(0.0),
        persisted,
    })
}

fn mb(bytes: f64) -> String {
    if bytes >= 1_073_741_824.0 {
        format!("{:.1} GB", bytes / 1_073_741_824.0)
    } else {
        format!("{:.1} MB", bytes / 1_048_576.0)
    }
}

mod names;

#[derive(Debug, Clone, PartialEq)]
struct Queue {
    entries: Vec<OutboxEntry>,
    photos: Vec<PhotoRecord>,
    names: names::Names,
}

/// What the person is about to discard, waiting for their confirmation, and what it loses.
#[derive(Debug, Clone, PartialEq)]
enum Discard {
    /// A refused record (with the photo bytes it names, if it is a photo or a signature).
    Entry { seq: u32, lost: Lost },
    /// Photo bytes the server refused.
    Photo { id: uuid::Uuid, lost: Lost },
}

/// What a discard deletes, said in the person's language when the dialog opens.
#[derive(Debug, Clone, PartialEq)]
enum Lost {
    Photo {
        name: String,
        bytes: u64,
    },
    /// The record as the screen says it, in each language.
    Record {
        what: [String; 2],
    },
}

impl Lost {
    fn text(&self, lang: Lang) -> String {
        match self {
            Lost::Photo { name, bytes } => i18n::discard_photo(name, *bytes, lang),
            Lost::Record { what } => i18n::discard_entry(&what[lang as usize], lang),
        }
    }
}

/// Refusals the person can put right by doing the step again on the work order; the others
/// (another user's record, an unknown order, a reassignment) can only be discarded.
fn fixable(code: Option<RejectCode>) -> bool {
    matches!(
        code,
        Some(
            RejectCode::InvalidValue
                | RejectCode::InvalidTransition
                | RejectCode::ReportIncomplete
                | RejectCode::InvalidPhoto
        )
    )
}

#[component]
pub fn SyncPage() -> impl IntoView {
    let sync = use_sync();
    let lang = use_lang();
    // A read that failed is shown as a failure: "nothing waiting" when the queue could not be
    // read would tell the person their work was sent.
    let queue = use_read(
        move || {
            sync.changed.outbox.track();
            sync.changed.photos.track();
            sync.changed.work_orders.track();
        },
        |db| async move {
            // Only the signed-in person's: work kept here for someone else is theirs to see.
            let user = db.profile().await?.map(|p| p.username).unwrap_or_default();
            let mut entries = db.outbox().await?;
            entries.retain(|e| e.op.user == user);
            let photos = db
                .photos(None)
                .await?
                .into_iter()
                .map(|p| p.record)
                .filter(|r| r.is_of(&user))
                .collect();
            let names = names::Names {
                orders: db.work_orders().await?,
                reference: db.field_reference().await?,
                findings: db.findings().await?,
                records: db.vacant_records().await?,
            };
            Ok(Queue {
                entries,
                photos,
                names,
            })
        },
    );
    let storage = use_read(
        move || {
            sync.changed.photos.track();
            sync.changed.outbox.track();
        },
        |_| async { Ok(storage_info().await) },
    );
    let db = use_db_handle();
    let confirm = RwSignal::new(None::<Discard>);
    let do_discard = move |_| {
        let Some(what) = confirm.get_untracked() else {
            return;
        };
        confirm.set(None);
        let db = db.get_value();
        spawn_local(async move {
            let done = match what {
                Discard::Entry { seq, .. } => db.discard_rejected(seq).await,
                Discard::Photo { id, .. } => db.discard_refused_photo(id).await,
            };
            if let Err(e) = done {
                gloo::console::error!(format!("discard failed: {e:?}"));
            }
            sync::refresh_now().await;
        });
    };

    view! {
        <section class="sync-page">
            <div class="list-head">
                <h1>{tr(Msg::SyncTitle)}</h1>
                <button class="primary" data-testid="send-now" on:click=|_| sync::kick()>{tr(Msg::SendNow)}</button>
            </div>
            <div class="card storage" data-testid="storage">
                {move || storage.get().and_then(Result::ok).flatten().map(|s| view! {
                    <p>
                        {tr(Msg::StorageUsed)}": "<strong>{mb(s.used)}</strong>" / "{mb(s.quota)}
                    </p>
                    <p class=if s.persisted { "ok-text" } else { "warn-text" }>
                        {move || if s.persisted { Msg::StoragePersisted.text(lang.get()) } else { Msg::StorageNotPersisted.text(lang.get()) }}
                    </p>
                })}
            </div>
            <DeviceRead read=queue view=move |q: Queue| {
                let names = Arc::new(q.names);
                let order_of = |id: Option<uuid::Uuid>| names.order(id);
                // The company's file name of a work order's photo, else what it belongs to.
                let photo_name = |p: Option<&PhotoRecord>, id: uuid::Uuid| {
                    names.orders.iter().flat_map(|o| o.photos.iter()).find(|m| m.id == id).map(|m| m.name.clone())
                        .or_else(|| p.map(|p| names.photo(p, lang.get_untracked())))
                        .unwrap_or_default()
                };
                let photo_of = |id: uuid::Uuid| q.photos.iter().find(|p| p.id == id);
                // Photos whose record the server refused are shown (and discarded) with that record.
                let refused_records: Vec<uuid::Uuid> = q.entries.iter()
                    .filter(|e| e.state == EntryState::Rejected)
                    .filter_map(crate::db::entry_photo)
                    .collect();
                let sending = sync.sending.get();
                let entries = q.entries.iter().map(|e| {
                    let refused = e.state == EntryState::Rejected;
                    let code = e.code;
                    let seq = e.seq;
                    let tries = e.tries;
                    let order_id = e.op.work_order_id();
                    let lost = match crate::db::entry_photo(e) {
                        Some(id) => Lost::Photo { name: photo_name(photo_of(id), id), bytes: photo_of(id).map_or(0, |p| p.bytes) },
                        None => Lost::Record { what: [Lang::Zh, Lang::En].map(|l| names.entry(&e.op, l)) },
                    };
                    let fix = order_id
                        .filter(|_| refused && fixable(code) && order_of(order_id).is_some())
                        .map(|id| Route::WorkOrder(id).href());
                    let (op, at, n) = (e.op.clone(), time::when(e.created_at), names.clone());
                    view! {
                        <li class="queue-item" class:refused=refused data-testid="queue-entry">
                            <div class="row between">
                                <strong data-testid="entry-what">{move || format!("{} · {at}", n.entry(&op, lang.get()))}</strong>
                                <span class=if refused { "state refused" } else if sending { "state sending" } else { "state saved" }>
                                    {move || if refused { Msg::BadgeAttention.text(lang.get()) } else if sending { Msg::BadgeSending.text(lang.get()) } else { Msg::BadgeSavedHere.text(lang.get()) }}
                                </span>
                            </div>
                            {(tries > 0).then(|| view! { <div class="muted small" data-testid="tries">{move || i18n::tries(tries, lang.get())}</div> })}
                            {refused.then(|| view! {
                                <p class="reason" data-testid="reason">{move || code.map(|c| i18n::reject_code(c, lang.get())).unwrap_or_default()}</p>
                                <div class="row">
                                    {fix.map(|href| view! { <a class="button secondary" data-testid="fix" href=href>{tr(Msg::FixInOrder)}</a> })}
                                    <button class="link danger" data-testid="discard" on:click=move |_| {
                                        if let Some(seq) = seq { confirm.set(Some(Discard::Entry { seq, lost: lost.clone() })) }
                                    }>{tr(Msg::Discard)}</button>
                                </div>
                            })}
                        </li>
                    }
                }).collect_view();
                let photos = q.photos.iter().filter(|p| !p.uploaded && !refused_records.contains(&p.id)).map(|p| {
                    let refused = p.error.clone();
                    let id = p.id;
                    let lost = Lost::Photo { name: photo_name(Some(p), id), bytes: p.bytes };
                    let tries = p.tries;
                    let is_refused = refused.is_some();
                    let retake = Route::WorkOrder(p.work_order_id).href();
                    let has_order = order_of(Some(p.work_order_id)).is_some();
                    let upload = sync.upload;
                    let percent = move || upload.get().and_then(|(at, pc)| (at == id).then_some(pc));
                    let (record, n) = (p.clone(), names.clone());
                    view! {
                        <li class="queue-item queue-photo" class:refused=is_refused data-testid="queue-photo" data-photo=id.to_string()>
                            <FieldPhoto id/>
                            <div>
                                <div class="row between">
                                    <strong data-testid="photo-of">{move || n.photo(&record, lang.get())}</strong>
                                    <span class=move || if is_refused { "state refused" } else if percent().is_some() { "state sending" } else { "state saved" } data-testid="photo-state">
                                        {move || match (is_refused, percent()) {
                                            (true, _) => Msg::PhotoRefused.text(lang.get()).to_string(),
                                            (false, Some(pc)) => i18n::sending_percent(pc, lang.get()),
                                            (false, None) => Msg::PhotoWaiting.text(lang.get()).to_string(),
                                        }}
                                    </span>
                                </div>
                                {move || percent().map(|pc| view! { <progress max="100" value=pc.to_string() data-testid="upload-progress"></progress> })}
                                <div class="muted small">{i18n::size(p.bytes)}{(tries > 0).then(|| view! { " · "{move || i18n::tries(tries, lang.get())} })}</div>
                            </div>
                            {refused.clone().map(|r| view! {
                                <p class="reason" data-testid="reason">{r}</p>
                                <div class="row">
                                    {has_order.then(|| view! { <a class="button secondary" data-testid="fix" href=retake.clone()>{tr(Msg::RetakeInOrder)}</a> })}
                                    <button class="link danger" data-testid="discard" on:click=move |_| confirm.set(Some(Discard::Photo { id, lost: lost.clone() }))>{tr(Msg::Discard)}</button>
                                </div>
                            })}
                        </li>
                    }
                }).collect_view();
                let empty = q.entries.is_empty() && q.photos.iter().all(|p| p.uploaded);
                view! {
                    {empty.then(|| view! { <p class="empty muted" data-testid="queue-empty">{tr(Msg::QueueEmpty)}</p> })}
                    <ul class="cards queue">{entries}{photos}</ul>
                }
            }/>
            {move || confirm.get().map(|what| {
                let lost = match what { Discard::Entry { lost, .. } | Discard::Photo { lost, .. } => lost };
                view! {
                    <div class="dialog-backdrop">
                        <div class="dialog" role="alertdialog" aria-labelledby="discard-title" data-testid="discard-dialog">
                            <p id="discard-title"><strong>{tr(Msg::DiscardTitle)}</strong></p>
                            <p data-testid="discard-lost">{move || lost.text(lang.get())}</p>
                            <p class="muted small">{tr(Msg::DiscardKept)}</p>
                            <div class="row">
                                <button class="secondary" data-testid="cancel-discard" on:click=move |_| confirm.set(None)>{tr(Msg::Cancel)}</button>
                                <button class="primary danger" data-testid="confirm-discard" on:click=do_discard>{tr(Msg::Discard)}</button>
                            </div>
                        </div>
                    </div>
                }
            })}
        </section>
    }
}
