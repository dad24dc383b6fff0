//! What the server refused, each with its reason in the person's language.

use leptos::prelude::*;

use crate::db::OutboxEntry;
use crate::i18n::{self, Msg, tr, use_lang};
use crate::time;

/// A card listing refused outbox entries; `testid` names the card for the screen it is on.
#[component]
pub fn RejectedCard(entries: Vec<OutboxEntry>, testid: &'static str) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="card attention-card" data-testid=testid>
            <h2>{tr(Msg::Rejected)}</h2>
            <ul>
                {entries.into_iter().map(|e| {
                    let kind = e.op.kind.clone();
                    let code = e.code;
                    view! {
                        <li>
                            <strong>{move || i18n::op_label(&kind, lang.get())}</strong>
                            " · "{time::short(e.created_at)}" · "
                            {move || code.map(|c| i18n::reject_code(c, lang.get())).unwrap_or_default()}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </div>
    }
}
