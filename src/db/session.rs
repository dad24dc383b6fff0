//! Who the device is for: signing out (with or without unsent work kept) and in again.

use fieldbook_model::{UserProfile, WorkOrder};
use rexie::TransactionMode;
use wasm_bindgen::JsValue;

use super::field::draft_prefix;
use super::schema::{
    AREA_DAYS, COMPLAINTS, FINDINGS, META, OUTBOX, PHOTOS, ROUNDS, VACANT_RECORDS, WORK_ORDERS,
};
use super::{Db, OutboxEntry, PhotoBlob, Result, from_js, to_js};

/// What became of a sign-out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignOut {
    /// Signed out; the person's data is gone from the device (all of it was sent).
    Done,
    /// Signed out; their unsent work stays on the device for them.
    Kept,
    /// Refused: something is unsent and they did not choose to keep it.
    Unsent,
}

impl Db {
    /// Sign the person out of this device.
    ///
    /// With nothing unsent, their data is forgotten. With something unsent it is refused, unless
    /// they chose to keep it for later: then everything stays, and only they can send it when they
    /// sign in again; someone else may use the device meanwhile.
    pub async fn sign_out(&self, username: &str, keep_for_later: bool) -> Result<SignOut> {
        let tx = self.rexie.transaction(
            &[
                WORK_ORDERS,
                OUTBOX,
                META,
                PHOTOS,
                AREA_DAYS,
                VACANT_RECORDS,
                FINDINGS,
                ROUNDS,
                COMPLAINTS,
            ],
            TransactionMode::ReadWrite,
        )?;
        let photos = tx.store(PHOTOS)?;
        let all_photos = photos
            .get_all(None, None)
            .await?
            .into_iter()
            .map(PhotoBlob::from_js)
            .collect::<Result<Vec<_>>>()?;
        let entries: Vec<OutboxEntry> = tx
            .store(OUTBOX)?
            .get_all(None, None)
            .await?
            .into_iter()
            .map(from_js)
            .collect::<Result<_>>()?;
        let mine = |p: &PhotoBlob| p.record.is_of(username);
        let meta = tx.store(META)?;
        // A draft is work too: typed, not yet saved (`crate::drafts`).
        let drafts = rexie::KeyRange::bound(
            &JsValue::from_str(&draft_prefix(username, "")),
            &JsValue::from_str(&draft_prefix(username, "\u{ffff}")),
            None,
            None,
        )
        .map_err(rexie::Error::from)?;
        let unsent = entries.iter().any(|e| e.op.user == username)
            || all_photos.iter().any(|p| !p.record.uploaded && mine(p))
            || meta.count(Some(drafts)).await? > 0;
        if unsent && !keep_for_later {
            tx.abort().await.ok();
            return Ok(SignOut::Unsent);
        }
        if unsent {
            let key = JsValue::from_str("kept_for_later");
            let mut kept: Vec<String> = match meta.get(key.clone()).await? {
                Some(v) if !v.is_undefined() => from_js(v)?,
                _ => Vec::new(),
            };
            if !kept.iter().any(|k| k == username) {
                kept.push(username.to_string());
            }
            meta.put(&to_js(&kept)?, Some(&key)).await?;
        } else {
            // All of it was sent: forget this person's orders and photos; anything another
            // person kept here for later stays.
            for photo in all_photos.iter().filter(|p| mine(p)) {
                photos
                    .delete(JsValue::from_str(&photo.record.id.to_string()))
                    .await?;
            }
            // Every order but those of people who kept unsent work here for later: a supervisor
            // pulls everyone's orders for the board, and none of them stays for the next person.
            let kept: Vec<String> = match meta.get(JsValue::from_str("kept_for_later")).await? {
                Some(v) if !v.is_undefined() => from_js(v)?,
                _ => Vec::new(),
            };
            let orders = tx.store(WORK_ORDERS)?;
            if kept.is_empty() {
                // The usual case, in one request: a supervisor's tablet may hold thousands.
                orders.clear().await?;
            } else {
                for value in orders.get_all(None, None).await? {
                    let order: WorkOrder = from_js(value)?;
                    if !kept.contains(&order.assignee) {
                        orders
                            .delete(JsValue::from_str(&order.id.to_string()))
                            .await?;
                    }
                }
            }
            // The field side is the signed-in person's view of their team: the next person
            // pulls their own.
            for store in [AREA_DAYS, VACANT_RECORDS, FINDINGS, ROUNDS, COMPLAINTS] {
                tx.store(store)?.clear().await?;
            }
            meta.delete(JsValue::from_str("field_reference")).await?;
        }
        for key in ["profile", "cursor", "last_synced"] {
            meta.delete(JsValue::from_str(key)).await?;
        }
        tx.commit().await?;
        Ok(if unsent { SignOut::Kept } else { SignOut::Done })
    }

    /// Whether `username` may sign in here: refused while another person's unsent work is on the
    /// device and that person did not choose to keep it for later.
    pub async fn may_sign_in(&self, username: &str) -> Result<bool> {
        let kept: Vec<String> = self.meta_get("kept_for_later").await?.unwrap_or_default();
        let foreign =
            |user: &str| !user.is_empty() && user != username && !kept.iter().any(|k| k == user);
        let entries = self.outbox().await?;
        let photos = self.photos(None).await?;
        Ok(!entries.iter().any(|e| foreign(&e.op.user))
            && !photos
                .iter()
                .any(|p| !p.record.uploaded && foreign(&p.record.user)))
    }

    /// The person is back: their kept work is theirs to send again.
    pub async fn signed_in_as(&self, profile: &UserProfile) -> Result<()> {
        let mut kept: Vec<String> = self.meta_get("kept_for_later").await?.unwrap_or_default();
        kept.retain(|k| k != &profile.username);
        self.meta_put("kept_for_later", &kept).await?;
        self.set_profile(profile).await
    }
}
