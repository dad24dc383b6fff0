//! Photo bytes on the device: a Blob beside a small record of where it stands.

use rexie::TransactionMode;
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use wasm_bindgen::{JsCast, JsValue};

use super::schema::PHOTOS;
use super::{Db, DbError, Result, from_js, to_js};

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

impl Db {
    /// Photo bytes kept on this device, for one work order or (with None) all of them.
    pub async fn photos(&self, work_order: Option<Uuid>) -> Result<Vec<PhotoBlob>> {
        let tx = self
            .rexie
            .transaction(&[PHOTOS], TransactionMode::ReadOnly)?;
        let all = tx.store(PHOTOS)?.get_all(None, None).await?;
        let mut photos = all
            .into_iter()
            .map(PhotoBlob::from_js)
            .collect::<Result<Vec<_>>>()?;
        if let Some(id) = work_order {
            photos.retain(|p| p.record.work_order_id == id);
        }
        Ok(photos)
    }

    /// Note the server's answer for a photo's bytes: confirmed, or refused with a reason.
    pub async fn photo_sent(
        &self,
        id: Uuid,
        outcome: std::result::Result<(), String>,
    ) -> Result<()> {
        self.photos_sent(&[(id, outcome)]).await
    }

    /// Note the server's answers for several photos in one transaction (the uploader notes them
    /// in groups: a transaction per photo slowed the upload). Photos no longer here are skipped.
    pub async fn photos_sent(
        &self,
        answers: &[(Uuid, std::result::Result<(), String>)],
    ) -> Result<()> {
        let tx = self
            .rexie
            .transaction(&[PHOTOS], TransactionMode::ReadWrite)?;
        let store = tx.store(PHOTOS)?;
        for (id, outcome) in answers {
            let Some(value) = store.get(JsValue::from_str(&id.to_string())).await? else {
                continue;
            };
            if value.is_undefined() {
                continue;
            }
            let mut photo = PhotoBlob::from_js(value)?;
            photo.record.tries += 1;
            match outcome {
                Ok(()) => {
                    photo.record.uploaded = true;
                    photo.record.error = None;
                }
                Err(reason) => photo.record.error = Some(reason.clone()),
            }
            store.put(&photo.to_js()?, None).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Drop a photo whose bytes the server refused (to take it again), after the person confirmed.
    pub async fn discard_refused_photo(&self, id: Uuid) -> Result<bool> {
        let tx = self
            .rexie
            .transaction(&[PHOTOS], TransactionMode::ReadWrite)?;
        let store = tx.store(PHOTOS)?;
        let key = JsValue::from_str(&id.to_string());
        let refused = match store.get(key.clone()).await? {
            Some(v) if !v.is_undefined() => {
                let p = PhotoBlob::from_js(v)?;
                !p.record.uploaded && p.record.error.is_some()
            }
            _ => false,
        };
        if !refused {
            tx.abort().await.ok();
            return Ok(false);
        }
        store.delete(key).await?;
        tx.commit().await?;
        Ok(true)
    }
}
