//! The desk's bar: the app's name, who is signed in, sign-out and the language switch.

use fieldbook::i18n::use_lang;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::i18n::{self, Msg, tr};
use crate::router::Route;
use crate::session::{Desk, use_session};

#[component]
pub fn Header() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let (notice, set_notice) = signal(None::<Msg>);
    let name = move || {
        session.0.with(|desk| match desk {
            Desk::SignedIn(p) => Some(p.display_name.clone()),
            _ => None,
        })
    };
    let switch_lang = move |_| {
        let next = lang.get_untracked().other();
        lang.set(next);
        i18n::store_lang(next);
    };
    let sign_out = move |_| {
        spawn_local(async move {
            set_notice.set(session.sign_out().await.err());
        });
    };
    view! {
        <header class="topbar desk-bar">
            <a class="brand" href=Route::WorkOrders.href()>
                <img src="/office/icon-192.png" alt="" width="32" height="32"/>
                <span>"Fieldbook"</span>
                <span class="app-tag">{tr(Msg::Office)}</span>
            </a>
            {move || name().is_some().then(|| view! {
                <nav class="desk-nav" data-testid="desk-nav">
                    <a href=Route::Machines.href() data-testid="nav-register">{tr(Msg::NavRegister)}</a>
                    <a href=Route::PhotoRules.href() data-testid="nav-photo-rules">{tr(Msg::NavPhotoRules)}</a>
                    <a href=Route::Imports.href() data-testid="nav-imports">{tr(Msg::NavImports)}</a>
                </nav>
            })}
            <div class="topbar-actions">
                {move || name().map(|name| view! {
                    <span class="who" data-testid="who">{name}</span>
                    <button class="chip" data-testid="sign-out" on:click=sign_out>{tr(Msg::SignOut)}</button>
                })}
                <button class="chip" data-testid="lang-switch" on:click=switch_lang>
                    {tr(Msg::Language)}
                </button>
            </div>
        </header>
        {move || notice.get().map(|m| view! {
            <div class="banner attention" role="alert" data-testid="notice">
                <p>{move || m.text(lang.get())}</p>
            </div>
        })}
    }
}
