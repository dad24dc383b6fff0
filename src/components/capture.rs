//! Taking a photo for a field record: the camera (or the gallery), processed like every photo
//! (oriented, resized, JPEG, SHA-256), handed to the form; and showing a field photo from the
//! device, or from the server when it is someone else's.

use fieldbook_model::photo::LONG_EDGE_PX;
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;
use web_sys::HtmlInputElement;

use crate::failure::Failure;
use crate::i18n::{Msg, tr, use_lang};
use crate::photo::{self, Processed};

/// Camera and gallery buttons. `on_photo` gets each processed photo; `busy` is true while one is
/// being processed; `error` gets a message the person can read.
#[component]
pub fn PhotoCapture(
    #[prop(into)] label: Signal<&'static str>,
    caption: Signal<Vec<String>>,
    on_photo: Callback<Processed>,
    busy: RwSignal<bool>,
    error: RwSignal<Option<Failure>>,
    #[prop(optional)] testid: &'static str,
) -> impl IntoView {
    let lang = use_lang();
    let pick = move |ev: leptos::ev::Event| {
        let input: HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        input.set_value("");
        busy.set(true);
        error.set(None);
        let caption = caption.get_untracked();
        spawn_local(async move {
            let result = photo::process(&file, LONG_EDGE_PX, &caption).await;
            busy.set(false);
            match result {
                Ok(p) => on_photo.run(p),
                Err(e) => error.set(Some(Failure::from(&e))),
            }
        });
    };
    view! {
        <div class="capture-row" data-testid=testid>
            <label class="capture primary big-capture">
                {move || label.get()}
                <input type="file" accept="image/*" capture="environment" class="visually-hidden"
                    data-testid="camera-input" on:change=pick disabled=move || busy.get()/>
            </label>
            <label class="capture secondary">
                {tr(Msg::Gallery)}
                <input type="file" accept="image/*" class="visually-hidden" data-testid="gallery-input"
                    on:change=pick disabled=move || busy.get()/>
            </label>
        </div>
        <Show when=move || busy.get()>
            <p class="processing" role="status">{tr(Msg::Processing)}</p>
        </Show>
        {move || error.get().map(|e| view! { <p class="field-error" role="alert">{e.text(lang.get())}</p> })}
    }
}

/// A photo taken for a record not saved yet: the details its operation will carry, and its bytes.
pub type PendingPhoto = (fieldbook_model::cleaning::PhotoRef, crate::db::PhotoBlob);

/// The photos taken for a form not saved yet (a finding, a closing): their thumbnails and the
/// camera buttons. Each photo is made for `owner`'s `photo_slot` and added to `photos`; the form records
/// them with its operation.
#[component]
pub fn PendingPhotos(
    photos: RwSignal<Vec<PendingPhoto>>,
    owner: Uuid,
    photo_slot: &'static str,
    #[prop(into)] label: Signal<&'static str>,
    caption: Signal<Vec<String>>,
    busy: RwSignal<bool>,
    testid: &'static str,
) -> impl IntoView {
    let error = RwSignal::new(None::<Failure>);
    let user = crate::session::use_session()
        .0
        .get_untracked()
        .map(|p| p.username)
        .unwrap_or_default();
    let on_photo = Callback::new(move |p: Processed| {
        let taken = p.into_field_photo(owner, photo_slot, &user);
        photos.update(|list| list.push(taken));
    });
    view! {
        <div class="thumbs">
            {move || photos.get().into_iter().map(|(r, blob)| {
                let url = shown_url(&blob.blob);
                view! { <figure class="thumb" data-photo=r.photo_id.to_string()><img src=url alt=""/></figure> }
            }).collect_view()}
        </div>
        <PhotoCapture label caption on_photo busy error testid/>
    }
}

/// An object URL for bytes on the page, revoked when the view that shows it goes (the browser
/// keeps the bytes in memory until then: a supervisor reviewing photos all day would fill it).
/// Call it while the view is built.
pub fn shown_url(blob: &web_sys::Blob) -> String {
    let url = web_sys::Url::create_object_url_with_blob(blob).unwrap_or_default();
    let revoke = url.clone();
    on_cleanup(move || {
        let _ = web_sys::Url::revoke_object_url(&revoke);
    });
    url
}

/// Where a field photo can be shown from: its bytes on this device, else the server. A `blob:`
/// URL is the caller's to revoke.
pub async fn photo_url(db: crate::db::Db, id: Uuid) -> String {
    match db.photo(id).await {
        Ok(Some(p)) => web_sys::Url::create_object_url_with_blob(&p.blob)
            .unwrap_or_else(|_| format!("/api/photos/{id}")),
        _ => format!("/api/photos/{id}"),
    }
}

/// One field photo, from the device if it is here.
#[component]
pub fn FieldPhoto(id: Uuid, #[prop(optional)] label: String) -> impl IntoView {
    let url = crate::hooks::use_read(|| {}, move |db| async move { Ok(photo_url(db, id).await) });
    on_cleanup(move || {
        if let Some(Some(Ok(src))) = url.try_get_untracked()
            && src.starts_with("blob:")
        {
            let _ = web_sys::Url::revoke_object_url(&src);
        }
    });
    let alt = label.clone();
    // A tap shows it full screen (beside its "after" on a finding, by CSS), a double tap zooms,
    // and the phone's own pinch zooms further.
    let (full, zoom) = (RwSignal::new(false), RwSignal::new(false));
    // Another device's photo whose bytes have not reached the server yet (its operation came
    // first): say so instead of a broken picture.
    let not_here = RwSignal::new(false);
    view! {
        <figure class="thumb" class:full=full class:zoomed=zoom data-photo=id.to_string()
            on:click=move |_| full.set(true) on:dblclick=move |_| zoom.update(|z| *z = !*z)>
            {move || full.get().then(|| view! {
                <button type="button" class="viewer-close" data-testid="viewer-close" aria-label="✕"
                    on:click=move |e| { e.stop_propagation(); full.set(false); zoom.set(false) }>"✕"</button>
            })}
            {move || if not_here.get() {
                view! { <span class="photo-not-here" data-testid="photo-not-here">{tr(Msg::NeverSynced)}</span> }.into_any()
            } else {
                url.get().and_then(Result::ok).map(|src| view! {
                    <img src=src alt=alt.clone() loading="lazy" on:error=move |_| not_here.set(true)/>
                }).into_any()
            }}
            {(!label.is_empty()).then(|| view! { <figcaption><span class="photo-name">{label.clone()}</span></figcaption> })}
        </figure>
    }
}
