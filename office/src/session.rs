//! Who is at the desk: the server's session, asked with `GET /api/session` when the app opens
//! (the same cookie as the field app's, so a dispatcher sent here from the field app's sign-in is
//! already signed in). Nothing is kept in the browser: the office works online.

use fieldbook::api::{self, ApiFail};
use fieldbook_model::{SessionInfo, UserProfile};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::i18n::Msg;

#[derive(Debug, Clone, PartialEq)]
pub enum Desk {
    /// Asking the server whether this browser has a session.
    Checking,
    /// The server could not be asked.
    Unreachable,
    /// No session; `expired` when one ended while the app was open (a request answered 401).
    SignedOut {
        expired: bool,
    },
    SignedIn(UserProfile),
}

/// The desk's state, from context.
#[derive(Clone, Copy)]
pub struct Session(pub RwSignal<Desk>);

pub fn use_session() -> Session {
    expect_context::<Session>()
}

impl Session {
    /// A new session state in context, checked with the server at once.
    pub fn provide() -> Session {
        let session = Session(RwSignal::new(Desk::Checking));
        provide_context(session);
        session.check();
        session
    }

    /// Ask the server who this browser is signed in as.
    pub fn check(self) {
        self.0.set(Desk::Checking);
        spawn_local(async move {
            let desk = match api::get::<SessionInfo>("/api/session").await {
                Ok(info) => Desk::SignedIn(info.user),
                Err(ApiFail::Unauthorized) => Desk::SignedOut { expired: false },
                Err(_) => Desk::Unreachable,
            };
            self.0.set(desk);
        });
    }

    /// A request was answered 401: the session ended (signed out elsewhere, disabled, expired).
    pub fn expire(self) {
        if matches!(self.0.get_untracked(), Desk::SignedIn(_)) {
            self.0.set(Desk::SignedOut { expired: true });
        }
    }

    pub async fn sign_in(self, username: &str, password: &str) -> Result<(), Msg> {
        let info = api::sign_in(username, password)
            .await
            .map_err(|fail| match fail {
                ApiFail::Unauthorized => Msg::BadCredentials,
                ApiFail::Unreachable => Msg::Unreachable,
                ApiFail::Wait { sign_ins: true, .. } => Msg::SignInLocked,
                ApiFail::Wait { .. } | ApiFail::Server(..) => Msg::ServerError,
            })?;
        self.0.set(Desk::SignedIn(info.user));
        Ok(())
    }

    /// End the session on the server; without an answer the person stays signed in and is told.
    pub async fn sign_out(self) -> Result<(), Msg> {
        match api::sign_out().await {
            Ok(()) | Err(ApiFail::Unauthorized) => {
                self.0.set(Desk::SignedOut { expired: false });
                Ok(())
            }
            Err(ApiFail::Unreachable) => Err(Msg::Unreachable),
            Err(ApiFail::Server(..) | ApiFail::Wait { .. }) => Err(Msg::ServerError),
        }
    }
}

/// What a failed read means for the person at the desk.
pub fn fail_text(fail: &ApiFail) -> Msg {
    match fail {
        ApiFail::Unauthorized => Msg::SessionExpired,
        ApiFail::Unreachable => Msg::Unreachable,
        ApiFail::Server(..) | ApiFail::Wait { .. } => Msg::ServerError,
    }
}
