//! The one module that owns IndexedDB. No other code touches rexie.
//!
//! Every screen reads from here, never from the network, so the app behaves the same online and
//! offline. Every change a person makes is written in ONE transaction to the record and to the
//! outbox, so a crash, a reload or a flat battery can never leave one without the other.

mod codec;
mod field;
mod outbox;
mod photos;
mod pull;
mod schema;
mod session;
mod work_orders;

use std::rc::Rc;

use chrono::{DateTime, Utc};
use fieldbook_model::{OpError, UserProfile};
use rexie::{Rexie, TransactionMode};
use serde::{Serialize, de::DeserializeOwned};
use uuid::Uuid;
use wasm_bindgen::JsValue;

// Shared by the submodules, each of which adds its own part of `impl Db`.
use codec::{from_js, from_js_all, put_many, to_js};
use outbox::queue;
use schema::META;

pub use field::today;
pub use outbox::{OutboxCounts, entry_photo};
pub use photos::{PhotoBlob, PhotoRecord};
pub use schema::DB_NAME;
pub use session::SignOut;

#[derive(Debug, Clone, thiserror::Error)]
pub enum DbError {
    /// The browser refused: private mode, a blocked upgrade. The text is the browser's own.
    #[error("the browser's storage refused: {0}")]
    Browser(String),
    /// The browser would not keep a write: the device is out of room (QuotaExceededError) or its
    /// storage is failing. Nothing of that transaction was saved; everything before it is intact.
    #[error("the device's storage is full: nothing of this change was saved ({0})")]
    StorageRefused(String),
    #[error("stored data could not be read: {0}")]
    Decode(String),
    #[error("work order {0} is not on this device")]
    UnknownWorkOrder(Uuid),
    /// The model refused the step (the same rules the server applies).
    #[error(transparent)]
    Refused(#[from] OpError),
}

impl From<rexie::Error> for DbError {
    fn from(e: rexie::Error) -> Self {
        // rexie's Display hides the browser's reason; its Debug keeps it.
        let text = format!("{e:?}");
        // A commit the browser aborted by itself: every request in it had succeeded, so the
        // writes were refused as a whole. That is QuotaExceededError (or a failing disk, which
        // the person must treat the same way). rexie drops the transaction's own error, so the
        // name is only there when a request failed on its own.
        if matches!(e, rexie::Error::TransactioncommitFailed) || text.contains("QuotaExceeded") {
            DbError::StorageRefused(text)
        } else {
            DbError::Browser(text)
        }
    }
}

pub type Result<T> = std::result::Result<T, DbError>;

pub use fieldbook_model::outbox::{EntryState, OutboxEntry};

/// A copyable handle on the context's database, for closures Leptos wants `Send` (callbacks,
/// event handlers): the database is a browser object, so it is held in local storage.
pub type DbHandle = leptos::prelude::StoredValue<Db, leptos::prelude::LocalStorage>;

/// The device's database, from context: the app provides the one it opened (`provide_db`), a
/// component test its own.
pub fn use_db() -> Db {
    use leptos::prelude::*;
    use_db_handle().get_value()
}

/// The context's database as a copyable handle (see [`DbHandle`]).
pub fn use_db_handle() -> DbHandle {
    leptos::prelude::expect_context::<DbHandle>()
}

/// Make `db` the database of every component below.
pub fn provide_db(db: Db) {
    use leptos::prelude::*;
    provide_context::<DbHandle>(StoredValue::new_local(db));
}

/// A handle on the app's database. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Db {
    rexie: Rc<Rexie>,
}

impl Db {
    /// Open (and create or upgrade) the database with the given name.
    pub async fn open(name: &str) -> Result<Db> {
        let rexie = schema::builder(name).build().await?;
        Ok(Db {
            rexie: Rc::new(rexie),
        })
    }

    /// Delete a database (tests, and nothing else).
    pub async fn delete(name: &str) -> Result<()> {
        Rexie::delete(name).await?;
        Ok(())
    }

    async fn meta_get<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>> {
        let tx = self.rexie.transaction(&[META], TransactionMode::ReadOnly)?;
        let value = tx.store(META)?.get(JsValue::from_str(key)).await?;
        match value {
            Some(v) if !v.is_undefined() => Ok(Some(from_js(v)?)),
            _ => Ok(None),
        }
    }

    async fn meta_put<T: Serialize>(&self, key: &str, value: &T) -> Result<()> {
        let tx = self
            .rexie
            .transaction(&[META], TransactionMode::ReadWrite)?;
        tx.store(META)?
            .put(&to_js(value)?, Some(&JsValue::from_str(key)))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn profile(&self) -> Result<Option<UserProfile>> {
        self.meta_get("profile").await
    }

    pub async fn set_profile(&self, profile: &UserProfile) -> Result<()> {
        self.meta_put("profile", profile).await
    }

    /// This device's id, made on first use. Read and made in ONE read-write transaction: two
    /// taps on a new device (their operations made at once) get the same id, not one each.
    pub async fn device_id(&self) -> Result<Uuid> {
        let tx = self
            .rexie
            .transaction(&[META], TransactionMode::ReadWrite)?;
        let meta = tx.store(META)?;
        let key = JsValue::from_str("device_id");
        if let Some(v) = meta.get(key.clone()).await?
            && !v.is_undefined()
        {
            return from_js(v);
        }
        let id = Uuid::new_v4();
        meta.put(&to_js(&id)?, Some(&key)).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn lang(&self) -> Result<Option<String>> {
        self.meta_get("lang").await
    }

    pub async fn set_lang(&self, code: &str) -> Result<()> {
        self.meta_put("lang", &code.to_string()).await
    }

    /// The server cursor of the last pull that was fully stored.
    pub async fn cursor(&self) -> Result<i64> {
        Ok(self.meta_get("cursor").await?.unwrap_or(0))
    }

    pub async fn last_synced(&self) -> Result<Option<DateTime<Utc>>> {
        self.meta_get("last_synced").await
    }

    /// Server time minus device time, in milliseconds, as seen at the last pull.
    pub async fn clock_offset_ms(&self) -> Result<i64> {
        Ok(self.meta_get("clock_offset_ms").await?.unwrap_or(0))
    }
}
