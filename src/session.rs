//! Who is signed in on this device. Kept in IndexedDB so the app opens signed in with no signal.

use fieldbook_model::UserProfile;
use leptos::prelude::*;

use crate::api::{self, ApiFail};
use crate::db::SignOut;
use crate::i18n::Msg;
use crate::sync;

/// Where the office app is served (its own build, `office/`).
pub const OFFICE_HREF: &str = "/office/";

/// The signed-in person, or None for the sign-in screen.
#[derive(Clone, Copy)]
pub struct Session(pub RwSignal<Option<UserProfile>>);

pub fn use_session() -> Session {
    expect_context::<Session>()
}

/// Why a sign-in did not happen, as a message for the person.
pub fn sign_in_error(fail: &ApiFail) -> SignInFail {
    let (msg, wait) = match *fail {
        ApiFail::Unauthorized => (Msg::BadCredentials, None),
        // Only a failed connection is "no signal"; every answer of the server says what it said.
        ApiFail::Unreachable => (Msg::SignInOffline, None),
        ApiFail::Wait { sign_ins, seconds } => (
            if sign_ins {
                Msg::SignInLocked
            } else {
                Msg::ServerBusy
            },
            Some(seconds),
        ),
        ApiFail::Server(..) => (Msg::SignInServerError, None),
    };
    SignInFail { msg, wait }
}

/// Why a sign-in did not happen: the message, and how long the server asked to wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignInFail {
    pub msg: Msg,
    pub wait: Option<u64>,
}

impl From<Msg> for SignInFail {
    fn from(msg: Msg) -> Self {
        SignInFail { msg, wait: None }
    }
}

impl SignInFail {
    pub fn text(self, lang: crate::i18n::Lang) -> String {
        match self.wait {
            Some(seconds) => format!(
                "{}{}",
                self.msg.text(lang),
                crate::i18n::try_again_in(seconds, lang)
            ),
            None => self.msg.text(lang).to_string(),
        }
    }
}

/// Sign in with the server, then keep the profile on the device and let the queue go.
pub async fn sign_in(session: Session, username: &str, password: &str) -> Result<(), SignInFail> {
    let db = sync::db();
    // Another person's unsent work stays on the device until they send it themselves.
    if !db
        .may_sign_in(username)
        .await
        .map_err(|_| Msg::SignInServerError)?
    {
        return Err(Msg::OtherUserQueued.into());
    }
    let info = api::sign_in(username, password)
        .await
        .map_err(|e| sign_in_error(&e))?;
    if info.user.role.uses_desk() {
        // The office has its own app, signed in by the same cookie; nothing of a dispatcher's is
        // kept on this device, so the next person here gets the field app's sign-in.
        let _ = gloo::utils::window().location().assign(OFFICE_HREF);
        return Ok(());
    }
    db.signed_in_as(&info.user)
        .await
        .map_err(|_| Msg::SignInServerError)?;
    // A new sign-in (not a session renewed in place) starts on the person's home: on a shared
    // phone the address may still be the last person's order or area, which is not theirs.
    if session.0.with_untracked(Option::is_none) {
        crate::router::navigate(crate::router::Route::Home);
    }
    session.0.set(Some(info.user));
    sync::signed_in();
    ask_for_persistent_storage();
    Ok(())
}

/// Sign out: refused while anything is unsent, unless the person keeps it for later.
pub async fn sign_out(session: Session, keep_for_later: bool) -> Result<(), Msg> {
    let db = sync::db();
    let Some(profile) = session.0.get_untracked() else {
        return Ok(());
    };
    match db.sign_out(&profile.username, keep_for_later).await {
        Ok(SignOut::Unsent) => return Err(Msg::SignOutBlocked),
        // What this page load holds of their drafts goes with them; the device keeps what they
        // kept for later.
        Ok(_) => crate::drafts::forget_memory(),
        Err(_) => return Err(Msg::SignInServerError),
    }
    // The server side is best effort: without signal the cookie simply expires.
    let _ = api::sign_out().await;
    session.0.set(None);
    sync::refresh_now().await;
    Ok(())
}

/// Ask the browser not to evict this site's storage under pressure: a queue of unsent photos
/// must survive a phone that runs low on space. A refusal changes nothing else.
fn ask_for_persistent_storage() {
    let storage = gloo::utils::window().navigator().storage();
    if let Ok(promise) = storage.persist() {
        wasm_bindgen_futures::spawn_local(async move {
            let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
        });
    }
}
