//! Taking a photo for a field record: the camera (or the gallery), processed like every photo
//! (oriented, resized, JPEG, SHA-256), handed to the form; and showing a field photo from the
//! device, or from the server when it is someone else's.

use fieldbook_model::photo::LONG_EDGE_PX;
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;
use web_sys::HtmlInputElement;

use crate::i18n::{Msg, tr, use_lang};
use crate::photo::{self, PhotoError, Processed};

/// Camera and gallery buttons. `on_photo` gets each processed photo; `busy` is true while one is
/// being processed; `error` gets a message the person can read.
#[component]
pub fn PhotoCapture(
    #[prop(into)] label: Signal<&'static str>,
    caption: Signal<Vec<String>>,
    on_photo: Callback<Processed>,
    busy: RwSignal<bool>,
    error: RwSignal<Option<String>>,
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
                Err(PhotoError::NotAnImage) => {
                    error.set(Some(Msg::NotAnImage.text(lang.get_untracked()).into()))
                }
                Err(e) => error.set(Some(e.to_string())),
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
        {move || error.get().map(|e| view! { <p class="field-error">{e}</p> })}
    }
}

/// Where a field photo can be shown from: its bytes on this device, else the server.
pub async fn photo_url(id: Uuid) -> String {
    match crate::sync::db().photo(id).await {
        Ok(Some(p)) => web_sys::Url::create_object_url_with_blob(&p.blob)
            .unwrap_or_else(|_| format!("/api/photos/{id}")),
        _ => format!("/api/photos/{id}"),
    }
}

/// One field photo, from the device if it is here.
#[component]
pub fn FieldPhoto(id: Uuid, #[prop(optional)] label: String) -> impl IntoView {
    let url = LocalResource::new(move || photo_url(id));
    let alt = label.clone();
    view! {
        <figure class="thumb" data-photo=id.to_string()>
            {move || url.get().map(|src| view! { <img src=src alt=alt.clone() loading="lazy"/> })}
            {(!label.is_empty()).then(|| view! { <figcaption><span class="photo-name">{label.clone()}</span></figcaption> })}
        </figure>
    }
}
