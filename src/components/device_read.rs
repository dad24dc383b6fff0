//! The one way a page shows what it read: "loading" before the first read, the failure (in the
//! person's words) when the read failed, and otherwise the page's own view of the data.

use leptos::prelude::*;

use crate::failure::Failure;
use crate::hooks::use_read::Read;
use crate::i18n::{Msg, tr, use_lang};

#[component]
pub fn DeviceRead<T, F, V>(
    /// The page's read, from `use_read`.
    read: Read<T>,
    /// The view of the data; rebuilt only when the data changed.
    view: F,
) -> impl IntoView
where
    T: Clone + PartialEq + Send + Sync + 'static,
    F: Fn(T) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    move || match read.get() {
        Some(Ok(data)) => view(data).into_any(),
        Some(Err(failure)) => not_read(Some(failure)),
        None => not_read(None),
    }
}

/// Loading (None) or the failure: one copy for every page's data type.
fn not_read(failure: Option<Failure>) -> AnyView {
    match failure {
        None => view! { <p class="muted">{tr(Msg::Loading)}</p> }.into_any(),
        Some(failure) => {
            let lang = use_lang();
            view! {
                <p class="banner attention" role="alert" data-testid="read-failed">{move || failure.text(lang.get())}</p>
            }
            .into_any()
        }
    }
}
