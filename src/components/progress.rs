//! Progress as a count and a bar: items done of those due, areas checked of a round.

use leptos::prelude::*;

/// "3/5" with a bar.
#[component]
pub fn Progress(done: usize, due: usize) -> impl IntoView {
    // Set through the CSSOM (`style:`), which the Content-Security-Policy allows; a `style`
    // attribute would be blocked.
    let pct = (done * 100).checked_div(due).unwrap_or(100);
    let complete = done >= due;
    view! {
        <div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax=due aria-valuenow=done>
            <div class="progress-bar" class:complete=complete style:width=format!("{pct}%")></div>
        </div>
    }
}
