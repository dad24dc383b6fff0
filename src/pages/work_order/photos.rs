//! The photos the service type requires, slot by slot, and the engine hours they are named with.

use fieldbook_model::photo::{EXTRA_SLOT, LONG_EDGE_PX, OLD_PART_SLOT, PhotoMeta, PhotoSlot};
use fieldbook_model::{OpKind, WorkOrder, op::limits};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;
use web_sys::HtmlInputElement;

use super::Loaded;
use crate::failure::Failure;
use crate::hooks::UseOutboxReturn;
use crate::i18n::{self, Lang, Msg, tr, use_lang};
use crate::photo;
use crate::session::{Session, use_session};
use crate::time;

/// Below this much free room the person is warned before taking a photo: a few photos' worth,
/// and the browser's estimate is coarse.
const LOW_SPACE_BYTES: f64 = 50.0 * 1_048_576.0;

#[component]
pub fn PhotosCard(loaded: RwSignal<Option<Loaded>>, outbox: UseOutboxReturn) -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let stamp = RwSignal::new(true);
    let processing = RwSignal::new(false);
    let slots = move || {
        loaded.with(|l| {
            let Some(l) = l else { return Vec::new() };
            let mut slots = l.order.slots.clone();
            // An order that expects a claim: a photo of every part taken off (issue 19).
            if l.order.claim_expected {
                slots.push(PhotoSlot {
                    key: OLD_PART_SLOT.into(),
                    label_zh: Msg::OldPartPhotos.text(Lang::Zh).into(),
                    label_en: Msg::OldPartPhotos.text(Lang::En).into(),
                    required: l.order.old_part_photos_needed() > 0,
                });
            }
            slots.push(PhotoSlot {
                key: EXTRA_SLOT.into(),
                label_zh: Msg::ExtraPhotos.text(Lang::Zh).into(),
                label_en: Msg::ExtraPhotos.text(Lang::En).into(),
                required: false,
            });
            slots
        })
    };
    let missing = move || {
        loaded.with(|l| {
            l.as_ref().map_or(0, |l| {
                l.order
                    .slots
                    .iter()
                    .filter(|s| {
                        s.required
                            && !l
                                .order
                                .photos
                                .iter()
                                .any(|p| p.slot == s.key && !l.order.sent_back_photo(p.id))
                    })
                    .count()
                    + usize::from(
                        l.order.photos_kept(OLD_PART_SLOT) < l.order.old_part_photos_needed(),
                    )
            })
        })
    };
    // Submitted (waiting for the office) or closed: the photos can be looked at, not changed.
    let submitted = move || {
        loaded.with(|l| {
            l.as_ref()
                .is_some_and(|l| l.order.report.submitted_at.is_some() || l.order.is_closed())
        })
    };
    // Warn before the phone runs out of room, not after a photo failed to save.
    let sync = crate::sync::use_sync();
    // Checked again after every photo kept or sent: each takes or frees room.
    let storage = crate::hooks::use_read(
        move || sync.changed.photos.track(),
        |_| async { Ok(crate::pages::sync::storage_info().await) },
    );
    let low_space = move || {
        storage.with(|s| {
            matches!(s, Some(Ok(Some(s))) if s.quota > 0.0 && s.quota - s.used < LOW_SPACE_BYTES)
        })
    };

    view! {
        <div class="card" data-testid="photos">
            <div class="row between">
                <h2>{tr(Msg::Photos)}</h2>
                <span class=move || { if missing() > 0 { "badge missing" } else { "badge ok" } } data-testid="missing-count">
                    {move || i18n::missing_photos(missing(), lang.get())}
                </span>
            </div>
            <div hidden=submitted>
                <HoursCorrection loaded outbox/>
                <label class="check">
                    <input type="checkbox" prop:checked=move || stamp.get() on:change=move |ev| stamp.set(event_target_checked(&ev))/>
                    <span>{tr(Msg::Watermark)}</span>
                </label>
            </div>
            <Show when=low_space>
                <p class="banner offline" data-testid="low-space">{tr(Msg::StorageLow)}</p>
            </Show>
            <Show when=move || processing.get()>
                <p class="processing" role="status">{tr(Msg::Processing)}</p>
            </Show>
            <ul class="slots">
                <For
                    each=slots
                    key=|s| s.key.clone()
                    children=move |def| view! {
                        <SlotView def loaded outbox session stamp processing disabled=Signal::derive(submitted)/>
                    }
                />
            </ul>
        </div>
    }
}

fn label(slot: &PhotoSlot, lang: Lang) -> String {
    match lang {
        Lang::Zh => slot.label_zh.clone(),
        Lang::En => slot.label_en.clone(),
    }
}

#[component]
fn SlotView(
    def: PhotoSlot,
    loaded: RwSignal<Option<Loaded>>,
    outbox: UseOutboxReturn,
    session: Session,
    stamp: RwSignal<bool>,
    processing: RwSignal<bool>,
    disabled: Signal<bool>,
) -> impl IntoView {
    let lang = use_lang();
    let key = def.key.clone();
    let required = def.required;
    let title = move || label(&def, lang.get());
    let taken = {
        let key = key.clone();
        Memo::new(move |_| {
            loaded.with(|l| {
                l.as_ref().map_or_else(Vec::new, |l| {
                    l.order
                        .photos
                        .iter()
                        // Withdrawn ones stay on record at the office, not in the slot.
                        .filter(|p| p.slot == key && p.withdrawn_at.is_none())
                        .map(|p| {
                            let device = l.photos.iter().find(|d| d.record.id == p.id);
                            let url = device
                                .map_or_else(|| format!("/api/photos/{}", p.id), |d| d.url.clone());
                            let state = match device {
                                _ if p.uploaded => PhotoState::Uploaded,
                                Some(d) if d.record.uploaded => PhotoState::Uploaded,
                                Some(d) if d.record.error.is_some() => PhotoState::Refused,
                                _ => PhotoState::Waiting,
                            };
                            let sent_back = super::review::photo_sent_back(&l.order, p.id);
                            (p.clone(), url, state, sent_back)
                        })
                        .collect::<Vec<_>>()
                })
            })
        })
    };
    // Photos the office sent back stay on record but no longer fill the slot.
    let count = move || taken.with(|t| t.iter().filter(|p| p.3.is_none()).count());
    let retake = move || count() == 0 && taken.with(|t| !t.is_empty());
    let slot_sent_back = {
        let key = key.clone();
        move || {
            loaded.with(|l| {
                l.as_ref()
                    .and_then(|l| super::review::slot_sent_back(&l.order, &key))
            })
        }
    };
    // The old-part slot needs one photo per part taken off: "n / m" (optional while none is).
    let needed = {
        let old_part = key == OLD_PART_SLOT;
        move || {
            old_part
                .then(|| {
                    loaded.with(|l| l.as_ref().map_or(0, |l| l.order.old_part_photos_needed()))
                })
                .filter(|m| *m > 0)
        }
    };
    let state_text = move || match (count(), required, needed()) {
        (n, _, Some(m)) => format!("{n} / {m}"),
        (0, _, _) if retake() => Msg::RetakePhoto.text(lang.get()).to_string(),
        (0, true, _) => Msg::PhotoMissing.text(lang.get()).to_string(),
        (0, false, _) => Msg::PhotoOptional.text(lang.get()).to_string(),
        _ => Msg::PhotoTaken.text(lang.get()).to_string(),
    };
    let class = move || match (count(), required) {
        (n, _) if needed().is_some_and(|m| n < m) => "slot missing",
        (0, _) if retake() => "slot missing",
        (0, true) => "slot missing",
        (0, false) => "slot optional",
        _ => "slot done",
    };
    // A new photo, or a retake of `replaces` (taken back only once the new one is there).
    let slot_key = StoredValue::new(key.clone());
    let pick = move |replaces: Option<Uuid>| {
        move |ev: leptos::ev::Event| {
            let input: HtmlInputElement = event_target(&ev);
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            // The same file may be picked again later.
            input.set_value("");
            let Some(order) = loaded.with_untracked(|l| l.as_ref().map(|l| l.order.clone())) else {
                return;
            };
            let caption = if stamp.get_untracked() {
                caption_lines(&order)
            } else {
                Vec::new()
            };
            let slot = slot_key.get_value();
            processing.set(true);
            spawn_local(async move {
                let result = photo::process(&file, LONG_EDGE_PX, &caption).await;
                processing.set(false);
                match result {
                    Ok(p) => {
                        let user = session
                            .0
                            .get_untracked()
                            .map(|p| p.username)
                            .unwrap_or_default();
                        let (kind, blob) = p.into_record(order.id, &slot, &user);
                        // Every photo picked is kept, even while the one before is written.
                        outbox.replace_photo(
                            replaces.map(|p| (order.id, p)),
                            vec![kind],
                            vec![blob],
                        );
                    }
                    Err(e) => outbox.fail(Failure::from(&e)),
                }
            });
        }
    };
    // Off the phone while the server never saw it, else withdrawn (the office sees 已撤回).
    let remove = move |photo: Uuid| {
        let yes = window()
            .confirm_with_message(Msg::RemovePhotoConfirm.text(lang.get_untracked()))
            .unwrap_or(false);
        if let Some(order) = loaded.with_untracked(|l| l.as_ref().map(|l| l.order.id))
            && yes
        {
            outbox.replace_photo(Some((order, photo)), Vec::new(), Vec::new());
        }
    };

    view! {
        <li class=class data-slot=key.clone()>
            <div class="slot-head">
                <span class="slot-label">{title}</span>
                <span class="slot-state" data-testid="slot-state">{state_text}</span>
            </div>
            {move || slot_sent_back().map(|reason| view! {
                <p class="photo-state refused" data-testid="slot-sent-back">{tr(Msg::PhotoSentBack)}"："{reason}</p>
            })}
            <div class="thumbs">
                {move || taken.get().into_iter().map(|(meta, url, state, sent_back)| {
                    let id = meta.id;
                    let actions = (!disabled.get()).then(|| view! {
                        <div class="thumb-actions">
                            <button type="button" class="secondary" data-testid="remove-photo"
                                on:click=move |_| remove(id)>
                                {tr(Msg::RemovePhoto)}
                            </button>
                            <label class="capture secondary">
                                {tr(Msg::Retake)}
                                <input type="file" accept="image/*" capture="environment" class="visually-hidden"
                                    data-testid="retake-input" on:change=pick(Some(id))/>
                            </label>
                        </div>
                    });
                    view! { <Thumb meta url state sent_back>{actions}</Thumb> }
                }).collect_view()}
            </div>
            <Show when=move || !disabled.get()>
                <div class="slot-actions">
                    <label class="capture primary">
                        {move || if count() == 0 { Msg::TakePhoto.text(lang.get()) } else { Msg::AddPhoto.text(lang.get()) }}
                        <input type="file" accept="image/*" capture="environment" class="visually-hidden"
                            data-testid="camera-input" on:change=pick(None)/>
                    </label>
                    <label class="capture secondary">
                        {tr(Msg::Gallery)}
                        <input type="file" accept="image/*" class="visually-hidden" data-testid="gallery-input"
                            on:change=pick(None)/>
                    </label>
                </div>
            </Show>
        </li>
    }
}

/// Where a photo's bytes stand, as shown under its thumbnail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PhotoState {
    Waiting,
    Uploaded,
    Refused,
}

#[component]
fn Thumb(
    meta: PhotoMeta,
    url: String,
    state: PhotoState,
    /// The office's reason, when it sent this photo back.
    sent_back: Option<String>,
    /// What can be done with it (remove, withdraw, retake), under its caption.
    children: Children,
) -> impl IntoView {
    let (text, class) = match state {
        PhotoState::Waiting => (Msg::PhotoWaiting, "photo-state waiting"),
        PhotoState::Uploaded => (Msg::PhotoSent, "photo-state sent"),
        PhotoState::Refused => (Msg::PhotoRefused, "photo-state refused"),
    };
    let figure_class = if sent_back.is_some() {
        "thumb sent-back"
    } else {
        "thumb"
    };
    view! {
        <figure class=figure_class data-photo=meta.id.to_string()>
            <img src=url alt=meta.name.clone() loading="lazy"/>
            <figcaption>
                <span class="photo-name" data-testid="photo-name">{meta.name.clone()}</span>
                <span class=class>{tr(text)}</span>
                {sent_back.map(|reason| view! {
                    <span class="photo-state refused" data-testid="photo-sent-back">{tr(Msg::PhotoSentBack)}"："{reason}</span>
                })}
            </figcaption>
            {children()}
        </figure>
    }
}

/// The proof burned into a photo: which ticket, which machine, when.
fn caption_lines(order: &WorkOrder) -> Vec<String> {
    vec![
        format!(
            "{}  {} {}",
            order.ticket, order.equipment_model, order.serial
        ),
        time::full(crate::time::now()),
    ]
}

#[component]
fn HoursCorrection(loaded: RwSignal<Option<Loaded>>, outbox: UseOutboxReturn) -> impl IntoView {
    let lang = use_lang();
    let current = move || loaded.with(|l| l.as_ref().map_or(0, |l| l.order.engine_hours));
    let value = RwSignal::new(current().to_string());
    let error = RwSignal::new(false);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(id) = loaded.with_untracked(|l| l.as_ref().map(|l| l.order.id)) else {
            return;
        };
        match value.get_untracked().trim().parse::<u32>() {
            Ok(hours) if hours <= limits::MAX_HOURS => {
                error.set(false);
                outbox.record(
                    vec![OpKind::CorrectHours {
                        work_order_id: id,
                        hours,
                    }],
                    Vec::new(),
                );
            }
            _ => error.set(true),
        }
    };
    view! {
        <form class="hours" on:submit=save novalidate>
            <label class="field inline">
                <span>{tr(Msg::HoursOnSite)}</span>
                <input name="hours" inputmode="numeric" prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev)) class:invalid=move || error.get()/>
                <button class="secondary" type="submit" disabled=move || outbox.pending.get()>{tr(Msg::HoursSave)}</button>
            </label>
            <small class="field-error" data-testid="hours-error">
                {move || error.get().then(|| Msg::HoursInvalid.text(lang.get()))}
            </small>
            <small class="muted">{tr(Msg::HoursHint)}</small>
        </form>
    }
}
