//! The way back to the person's home screen, the same on every page.

use leptos::prelude::*;

use crate::i18n::{Msg, tr};
use crate::router::Route;

#[component]
pub fn BackHome() -> impl IntoView {
    view! { <a class="back" href=Route::Home.href()>"‹ "{tr(Msg::Back)}</a> }
}
