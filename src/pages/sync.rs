//! The sync screen: everything still on this device, what became of it, and the storage it uses.
//!
//! Nothing here can delete what is still on its way; only what the server refused can be
//! discarded, after a confirmation that says what will be lost.

use fieldbook_model::WorkOrder;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::db::{EntryState, OutboxEntry, PhotoRecord};
use crate::i18n::{self, Msg, tr, use_lang};
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

#[derive(Debug, Clone, PartialEq)]
struct Queue {
    entries: Vec<OutboxEntry>,
    photos: Vec<PhotoRecord>,
    orders: Vec<WorkOrder>,
}

/// What the person is about to discard, waiting for their confirmation.
#[derive(Debug, Clone, PartialEq)]
enum Discard {
    Entry(u32, String),
    Photo(uuid::Uuid, String),
}

#[component]
pub fn SyncPage() -> impl IntoView {
    let sync = use_sync();
    let lang = use_lang();
    let queue = LocalResource::new(move || {
        sync.data_version.track();
        async move {
            let db = sync::db();
            // Only the signed-in person's: work kept here for someone else is theirs to see.
            let user = db
                .profile()
                .await
                .ok()
                .flatten()
                .map(|p| p.username)
                .unwrap_or_default();
            let mut entries = db.outbox().await.unwrap_or_default();
            entries.retain(|e| e.op.user == user);
            let photos = db
                .photos(None)
                .await
                .unwrap_or_default()
                .into_iter()
                .map(|p| p.record)
                .filter(|r| r.user.is_empty() || r.user == user)
                .collect();
            let orders = db.work_orders().await.unwrap_or_default();
            Queue {
                entries,
                photos,
                orders,
            }
        }
    });
    let storage = LocalResource::new(move || {
        sync.data_version.track();
        storage_info()
    });
    let confirm = RwSignal::new(None::<Discard>);
    let do_discard = move |_| {
        let Some(what) = confirm.get_untracked() else {
            return;
        };
        confirm.set(None);
        spawn_local(async move {
            let db = sync::db();
            let _ = match what {
                Discard::Entry(seq, _) => db.discard_rejected(seq).await,
                Discard::Photo(id, _) => db.discard_refused_photo(id).await,
            };
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
                {move || storage.get().flatten().map(|s| view! {
                    <p>
                        {tr(Msg::StorageUsed)}": "<strong>{mb(s.used)}</strong>" / "{mb(s.quota)}
                    </p>
                    <p class=if s.persisted { "ok-text" } else { "warn-text" }>
                        {move || if s.persisted { Msg::StoragePersisted.text(lang.get()) } else { Msg::StorageNotPersisted.text(lang.get()) }}
                    </p>
                })}
            </div>
            {move || queue.get().map(|q| {
                let ticket = |id: Option<uuid::Uuid>| q.orders.iter().find(|o| Some(o.id) == id).map(|o| o.ticket.clone()).unwrap_or_default();
                let photo_name = |id: uuid::Uuid| {
                    q.orders.iter().flat_map(|o| o.photos.iter()).find(|p| p.id == id).map(|p| p.name.clone()).unwrap_or_else(|| id.to_string())
                };
                let sending = sync.sending.get();
                let entries = q.entries.iter().map(|e| {
                    let kind = e.op.kind.clone();
                    let label = kind.clone();
                    let refused = e.state == EntryState::Rejected;
                    let code = e.code;
                    let seq = e.seq;
                    let tries = e.tries;
                    let what = format!("{} {}", ticket(e.op.work_order_id()), i18n::op_label(&kind, lang.get_untracked()));
                    view! {
                        <li class="queue-item" class:refused=refused data-testid="queue-entry">
                            <div class="row between">
                                <strong>{move || i18n::op_label(&label, lang.get())}</strong>
                                <span class=if refused { "state refused" } else if sending { "state sending" } else { "state saved" }>
                                    {move || if refused { Msg::BadgeAttention.text(lang.get()) } else if sending { Msg::BadgeSending.text(lang.get()) } else { Msg::BadgeSavedHere.text(lang.get()) }}
                                </span>
                            </div>
                            <div class="muted small">{ticket(e.op.work_order_id())}" · "{time::short(e.created_at)}" · "{move || i18n::tries(tries, lang.get())}</div>
                            {refused.then(|| view! {
                                <p class="reason">{move || code.map(|c| i18n::reject_code(c, lang.get())).unwrap_or_default()}</p>
                                <button class="link danger" data-testid="discard" on:click=move |_| {
                                    if let Some(seq) = seq { confirm.set(Some(Discard::Entry(seq, what.clone()))) }
                                }>{tr(Msg::Discard)}</button>
                            })}
                        </li>
                    }
                }).collect_view();
                let photos = q.photos.iter().filter(|p| !p.uploaded).map(|p| {
                    let name = photo_name(p.id);
                    let refused = p.error.clone();
                    let id = p.id;
                    let what = name.clone();
                    let tries = p.tries;
                    let is_refused = refused.is_some();
                    view! {
                        <li class="queue-item" class:refused=is_refused data-testid="queue-photo">
                            <div class="row between">
                                <strong class="photo-name">{name.clone()}</strong>
                                <span class=if is_refused { "state refused" } else { "state saved" }>
                                    {move || if is_refused { Msg::PhotoRefused.text(lang.get()) } else { Msg::PhotoWaiting.text(lang.get()) }}
                                </span>
                            </div>
                            <div class="muted small">{format!("{:.0} KB", p.bytes as f64 / 1024.0)}" · "{move || i18n::tries(tries, lang.get())}</div>
                            {refused.clone().map(|r| view! {
                                <p class="reason">{r}</p>
                                <button class="link danger" on:click=move |_| confirm.set(Some(Discard::Photo(id, what.clone())))>{tr(Msg::Discard)}</button>
                            })}
                        </li>
                    }
                }).collect_view();
                let empty = q.entries.is_empty() && q.photos.iter().all(|p| p.uploaded);
                view! {
                    {empty.then(|| view! { <p class="empty muted" data-testid="queue-empty">{tr(Msg::QueueEmpty)}</p> })}
                    <ul class="cards queue">{entries}{photos}</ul>
                }
            })}
            {move || confirm.get().map(|what| {
                let text = match &what { Discard::Entry(_, t) | Discard::Photo(_, t) => t.clone() };
                view! {
                    <div class="dialog-backdrop">
                        <div class="dialog" role="alertdialog" data-testid="discard-dialog">
                            <p><strong>{tr(Msg::DiscardConfirm)}</strong></p>
                            <p>{text}</p>
                            <div class="row">
                                <button class="secondary" on:click=move |_| confirm.set(None)>{tr(Msg::Cancel)}</button>
                                <button class="primary danger" data-testid="confirm-discard" on:click=do_discard>{tr(Msg::Discard)}</button>
                            </div>
                        </div>
                    </div>
                }
            })}
        </section>
    }
}
