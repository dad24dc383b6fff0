//! Photo bytes on the device: a Blob beside a small record of where it stands.

use serde::{Deserialize, Serialize};
use uuid::Uuid;
use wasm_bindgen::{JsCast, JsValue};

use super::{DbError, Result, from_js, to_js};

/// Where a photo's bytes stand; stored beside the Blob.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhotoRecord {
    pub id: Uuid,
    pub work_order_id: Uuid,
    /// Who took it: its bytes only ever go out under that person's session.
    #[serde(default)]
    pub user: String,
    pub sha256: String,
    pub bytes: u64,
    pub content_type: String,
    /// The server confirmed it holds exactly these bytes.
    pub uploaded: bool,
    #[serde(default)]
    pub tries: u32,
    /// The server's reason when it refused the bytes.
    #[serde(default)]
    pub error: Option<String>,
    /// Taken for a form still being filled (a vacant-unit record): kept safe on the device, sent
    /// once the record that names it is saved.
    #[serde(default)]
    pub draft: bool,
}

impl PhotoRecord {
    /// Whether the photo is `username`'s: its bytes go out only under its taker's session, and
    /// only its taker sees it queued. A photo stored before takers were recorded is anyone's.
    pub fn is_of(&self, username: &str) -> bool {
        self.user.is_empty() || self.user == username
    }
}

/// A photo's record and its bytes.
#[derive(Debug, Clone)]
pub struct PhotoBlob {
    pub record: PhotoRecord,
    pub blob: web_sys::Blob,
}

impl PhotoBlob {
    pub(super) fn to_js(&self) -> Result<JsValue> {
        let value = to_js(&self.record)?;
        js_sys::Reflect::set(&value, &JsValue::from_str("blob"), &self.blob)
            .map_err(|e| DbError::Browser(format!("{e:?}")))?;
        Ok(value)
    }

    pub(super) fn from_js(value: JsValue) -> Result<PhotoBlob> {
        let blob = js_sys::Reflect::get(&value, &JsValue::from_str("blob"))
            .ok()
            .and_then(|b| b.dyn_into::<web_sys::Blob>().ok())
            .ok_or_else(|| DbError::Decode("a stored photo has no bytes".into()))?;
        Ok(PhotoBlob {
            record: from_js(value)?,
            blob,
        })
    }
}
