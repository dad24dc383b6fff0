//! Signing in: once per device and person, online. After that the app opens with no signal.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::i18n::{Msg, tr, use_lang};
use crate::session::{self, use_session};

#[component]
pub fn SignInPage() -> impl IntoView {
    view! {
        <section class="sign-in">
            <div class="sign-in-hero">
                <img src="/icons/icon-192.png" alt="" width="72" height="72"/>
                <h1>{tr(Msg::AppName)}</h1>
                <p class="muted">{tr(Msg::Tagline)}</p>
            </div>
            <div class="card">
                <SignInForm again=false/>
            </div>
        </section>
    }
}

/// The sign-in form; with `again`, the signed-in person's name is fixed (their session expired).
#[component]
pub fn SignInForm(again: bool) -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let initial = if again {
        session
            .0
            .get_untracked()
            .map(|p| p.username)
            .unwrap_or_default()
    } else {
        String::new()
    };
    let username = RwSignal::new(initial);
    let password = RwSignal::new(String::new());
    let user_error = RwSignal::new(None::<Msg>);
    let pass_error = RwSignal::new(None::<Msg>);
    let form_error = RwSignal::new(None::<session::SignInFail>);
    let busy = RwSignal::new(false);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let name = username.get_untracked().trim().to_string();
        let pass = password.get_untracked();
        user_error.set(name.is_empty().then_some(Msg::UsernameRequired));
        pass_error.set(pass.is_empty().then_some(Msg::PasswordRequired));
        form_error.set(None);
        if name.is_empty() || pass.is_empty() || busy.get_untracked() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let result = session::sign_in(session, &name, &pass).await;
            busy.set(false);
            match result {
                Ok(()) => password.set(String::new()),
                Err(msg) => form_error.set(Some(msg)),
            }
        });
    };
    let show = move |e: RwSignal<Option<Msg>>| move || e.get().map(|m| m.text(lang.get()));

    view! {
        <form class="form" on:submit=submit novalidate>
            <label class="field">
                <span>{tr(Msg::Username)}</span>
                <input
                    name="username"
                    autocomplete="username"
                    autocapitalize="none"
                    readonly=again
                    prop:value=move || username.get()
                    on:input=move |ev| username.set(event_target_value(&ev))
                    class:invalid=move || user_error.with(Option::is_some)
                />
                <small class="field-error" data-testid="username-error">{show(user_error)}</small>
            </label>
            <label class="field">
                <span>{tr(Msg::Password)}</span>
                <input
                    name="password"
                    type="password"
                    autocomplete="current-password"
                    prop:value=move || password.get()
                    on:input=move |ev| password.set(event_target_value(&ev))
                    class:invalid=move || pass_error.with(Option::is_some)
                />
                <small class="field-error" data-testid="password-error">{show(pass_error)}</small>
            </label>
            <p class="form-error" role="alert" data-testid="sign-in-error">{move || form_error.get().map(|f| f.text(lang.get()))}</p>
            <button class="primary" type="submit" disabled=move || busy.get()>
                {move || if busy.get() { Msg::SigningIn.text(lang.get()) } else if again { Msg::SignInAgainButton.text(lang.get()) } else { Msg::SignIn.text(lang.get()) }}
            </button>
        </form>
    }
}
