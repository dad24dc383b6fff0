//! The sync badge, always in the header: checking / saved here / sending / all sent / needs
//! attention; a link to the sync screen.

use leptos::prelude::*;

use crate::i18n::{self, Msg, use_lang};
use crate::router::Route;
use crate::sync::{self, Badge, use_sync};

#[component]
pub fn SyncBadge() -> impl IntoView {
    let sync = use_sync();
    let lang = use_lang();
    let badge = move || sync.badge();
    let class = move || match badge() {
        Badge::Checking => "sync-badge checking",
        Badge::SavedHere => "sync-badge saved-here",
        Badge::Sending => "sync-badge sending",
        Badge::AllSent => "sync-badge all-sent",
        Badge::Attention => "sync-badge attention",
    };
    let label = move || {
        let msg = match badge() {
            Badge::Checking => Msg::BadgeChecking,
            Badge::SavedHere => Msg::BadgeSavedHere,
            Badge::Sending => Msg::BadgeSending,
            Badge::AllSent => Msg::BadgeAllSent,
            Badge::Attention => Msg::BadgeAttention,
        };
        msg.text(lang.get())
    };
    let detail = move || {
        let counts = sync.counts.get();
        let lang = lang.get();
        let refused = counts.rejected + counts.photos_refused;
        let unsent = counts.queued + counts.photos;
        if refused > 0 {
            Some(i18n::rejected_count(refused, lang))
        } else if unsent > 0 {
            Some(i18n::unsent_count(unsent, lang))
        } else {
            None
        }
    };
    view! {
        // One link to the sync screen (the router keeps it in the same document, so an upload
        // goes on); a tap also sends now. Not a button inside a link: that is invalid markup.
        <a
            href=Route::Sync.href()
            class=class
            data-testid="sync-badge"
            data-state=move || format!("{:?}", badge()).to_lowercase()
            title=move || Msg::SendNow.text(lang.get())
            on:click=|_| sync::kick()
        >
            <span class="dot" aria-hidden="true"></span>
            <span class="label">{label}</span>
            {move || detail().map(|d| view! { <span class="count">{d}</span> })}
        </a>
    }
}
