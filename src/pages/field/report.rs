//! "Report a problem" from anywhere: damaged equipment or facilities, in two taps (the button,
//! then the camera), then one tap for what it is.

use fieldbook_model::findings::FindingSource;
use leptos::prelude::*;

use crate::components::back::BackHome;

use crate::router::Route;
use uuid::Uuid;

use super::area::FindingForm;
use super::today::load_field;
use crate::components::feedback::FeedbackToast;
use crate::hooks::{use_outbox, use_read};
use crate::i18n::{Msg, tr, use_lang};

#[component]
pub fn ReportPage() -> impl IntoView {
    let lang = use_lang();
    let outbox = use_outbox();
    let data = use_read(|| {}, load_field);
    // Where it is: one of the person's areas, or a few words.
    let area = RwSignal::new(None::<Uuid>);
    let place = RwSignal::new(String::new());
    let go_home = Callback::new(move |()| crate::router::navigate(Route::Home));
    let place_name = move || match area.get() {
        Some(id) => data
            .get()
            .and_then(Result::ok)
            .and_then(|v| {
                v.reference
                    .areas
                    .into_iter()
                    .find(|x| x.id == id)
                    .map(|x| x.name)
            })
            .unwrap_or_default(),
        None => place.get(),
    };
    view! {
        <section class="detail-page field-page">
            <BackHome/>
            <div class="card">
                <label class="field">
                    <span>{tr(Msg::WhereIsIt)}</span>
                    <select data-testid="report-area" on:change=move |ev| {
                        area.set(Uuid::parse_str(&event_target_value(&ev)).ok())
                    }>
                        <option value="">{move || Msg::OtherPlace.text(lang.get())}</option>
                        {move || data.get().and_then(Result::ok).map(|v| v.reference.areas.into_iter().map(|a| view! {
                            <option value=a.id.to_string()>{a.name}</option>
                        }).collect_view())}
                    </select>
                </label>
                <Show when=move || area.get().is_none()>
                    <label class="field">
                        <span>{tr(Msg::PlaceInWords)}</span>
                        <input data-testid="report-place" maxlength="60" prop:value=move || place.get()
                            on:input=move |ev| place.set(event_target_value(&ev))/>
                    </label>
                </Show>
            </div>
            <div class="card">
                <FindingForm area=Signal::derive(move || area.get()) place=Signal::derive(place_name)
                    source=FindingSource::Spotted on_done=go_home
                    extra=Callback::new(|()| Vec::new()) outbox/>
            </div>
            <FeedbackToast feedback=outbox.feedback/>
        </section>
    }
}
