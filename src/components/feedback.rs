//! What became of the last thing a person did, under the form they did it in: saved on this
//! device (and that it sends by itself), or why not, in their language.

use leptos::prelude::*;

use crate::failure::Failure;
use crate::i18n::{Msg, use_lang};

#[derive(Debug, Clone, PartialEq)]
pub enum Feedback {
    /// Saved on this device; the sync badge says whether it has reached the office.
    Saved,
    Failed(Failure),
}

/// The toast for `feedback`: "saved on this device" fades after a few seconds (the badge keeps
/// telling the truth), a failure stays until the next try.
#[component]
pub fn FeedbackToast(feedback: RwSignal<Option<Feedback>>) -> impl IntoView {
    let lang = use_lang();
    move || {
        feedback.get().map(|f| match f {
            Feedback::Saved => view! {
                <p class="toast" role="status" data-testid="saved-toast">{move || Msg::NodeSaved.text(lang.get())}</p>
            }
            .into_any(),
            Feedback::Failed(failure) => view! {
                <p class="toast failed" role="alert" data-testid="failed-toast">{move || failure.text(lang.get())}</p>
            }
            .into_any(),
        })
    }
}
