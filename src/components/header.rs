//! The header: who is signed in, the sync badge, the language switch, and the sign-in-again banner.

use leptos::prelude::*;

use crate::router::Route;
use leptos::task::spawn_local;

use crate::components::sync_badge::SyncBadge;
use crate::i18n::{Msg, tr, use_lang};
use crate::session::{self, use_session};
use crate::sync::{self, use_sync};

#[component]
pub fn Header() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let sync = use_sync();
    let (notice, set_notice) = signal(None::<Msg>);

    let switch_lang = move |_| {
        let next = lang.get_untracked().other();
        lang.set(next);
        spawn_local(async move {
            let _ = sync::db().set_lang(next.code()).await;
        });
    };
    let sign_out = move |keep: bool| {
        spawn_local(async move {
            set_notice.set(session::sign_out(session, keep).await.err());
        });
    };
    let name = move || {
        session
            .0
            .with(|p| p.as_ref().map(|p| p.display_name.clone()))
    };

    view! {
        <header class="topbar">
            <a class="brand" href=Route::Home.href()>
                <img src="/icons/icon-192.png" alt="" width="32" height="32"/>
                // The product's name is the same in every language; the full zh-CN name is on
                // the sign-in screen, where there is room for it.
                <span>"Fieldbook"</span>
            </a>
            <div class="topbar-actions">
                <Show when=move || name().is_some()>
                    <SyncBadge/>
                </Show>
                <button class="chip" data-testid="lang-switch" on:click=switch_lang>
                    {tr(Msg::Language)}
                </button>
            </div>
        </header>
        <Show when=move || name().is_some()>
            <div class="userbar">
                <span class="who" data-testid="who">{name}</span>
                <button class="link" data-testid="sign-out" on:click=move |_| sign_out(false)>{tr(Msg::SignOut)}</button>
            </div>
        </Show>
        {move || fieldbook_model::clock::shown_minutes(sync.clock_ahead_ms.get()).map(|m| view! {
            <div class="banner attention" role="alert" data-testid="clock-off">
                <p>{tr(Msg::ClockOff)}" "{m.abs()}" "{tr(Msg::ClockOffFix)}</p>
            </div>
        })}
        <Show when=move || sync.needs_sign_in.get() && name().is_some()>
            <div class="banner attention" role="alert" data-testid="sign-in-again">
                <p>{tr(Msg::SignInAgain)}</p>
                <crate::pages::sign_in::SignInForm again=true/>
            </div>
        </Show>
        {move || notice.get().map(|m| view! {
            <div class="banner attention" role="alert" data-testid="notice">
                <p>{move || m.text(lang.get())}</p>
                {(m == Msg::SignOutBlocked).then(|| view! {
                    <div class="row">
                        <button class="secondary" on:click=move |_| set_notice.set(None)>{tr(Msg::Cancel)}</button>
                        <button class="primary" data-testid="keep-for-later" on:click=move |_| sign_out(true)>
                            {tr(Msg::KeepForLater)}
                        </button>
                    </div>
                })}
            </div>
        })}
    }
}
