//! Reading [`ReviewItem`] and [`ReviewDecision`] without serde's buffering of internally tagged
//! enums (see `op/read.rs` for why that buffering is costly in the phone's wasm).
//!
//! Each is read as one flat struct (the tag and every variant's fields, all optional) and then
//! checked: the same JSON as the derived `Serialize` writes, with the tag anywhere in the object.
//! The two derived readers cost the field wasm about 14 KiB raw (6 KiB brotli); these are a
//! fraction of it.

use serde::Deserialize;
use uuid::Uuid;

use super::{ReviewDecision, ReviewItem, SendBackItem};

#[derive(Deserialize)]
pub(super) struct FlatItem {
    what: String,
    #[serde(default)]
    photo_id: Option<Uuid>,
    #[serde(default)]
    slot: Option<String>,
}

impl TryFrom<FlatItem> for ReviewItem {
    type Error = String;

    fn try_from(f: FlatItem) -> Result<Self, String> {
        Ok(match (f.what.as_str(), f.photo_id, f.slot) {
            ("photo", Some(photo_id), _) => ReviewItem::Photo { photo_id },
            ("missing_photo", _, Some(slot)) => ReviewItem::MissingPhoto { slot },
            ("photo", None, _) => return Err("missing field `photo_id`".into()),
            ("missing_photo", _, None) => return Err("missing field `slot`".into()),
            ("fault_cause", ..) => ReviewItem::FaultCause,
            ("work_done", ..) => ReviewItem::WorkDone,
            ("parts", ..) => ReviewItem::Parts,
            ("signature", ..) => ReviewItem::Signature,
            ("other", ..) => ReviewItem::Other,
            (other, ..) => return Err(format!("unknown review item `{other}`")),
        })
    }
}

#[derive(Deserialize)]
pub(super) struct FlatDecision {
    decision: String,
    #[serde(default)]
    items: Option<Vec<SendBackItem>>,
}

impl TryFrom<FlatDecision> for ReviewDecision {
    type Error = String;

    fn try_from(f: FlatDecision) -> Result<Self, String> {
        match (f.decision.as_str(), f.items) {
            ("close", _) => Ok(ReviewDecision::Close),
            ("send_back", Some(items)) => Ok(ReviewDecision::SendBack { items }),
            ("send_back", None) => Err("missing field `items`".into()),
            (other, _) => Err(format!("unknown decision `{other}`")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_same_json_as_written_is_read_back_with_the_tag_anywhere() {
        let items = vec![
            ReviewItem::Photo {
                photo_id: Uuid::new_v4(),
            },
            ReviewItem::MissingPhoto {
                slot: "nameplate".into(),
            },
            ReviewItem::FaultCause,
            ReviewItem::WorkDone,
            ReviewItem::Parts,
            ReviewItem::Signature,
            ReviewItem::Other,
        ];
        let decision = ReviewDecision::SendBack {
            items: items
                .iter()
                .map(|item| SendBackItem {
                    item: item.clone(),
                    reason: "看不清".into(),
                })
                .collect(),
        };
        let text = serde_json::to_string(&decision).unwrap();
        assert!(text.starts_with(r#"{"decision":"send_back""#), "{text}");
        assert_eq!(
            serde_json::from_str::<ReviewDecision>(&text).unwrap(),
            decision
        );
        // A `Value`'s keys are sorted: the tag comes after `items` / `photo_id`.
        let value = serde_json::to_value(&decision).unwrap();
        assert_eq!(
            serde_json::from_value::<ReviewDecision>(value).unwrap(),
            decision
        );
        assert_eq!(
            serde_json::from_value::<ReviewDecision>(json!({"decision": "close"})).unwrap(),
            ReviewDecision::Close
        );
    }

    #[test]
    fn a_wrong_tag_or_a_missing_field_is_refused() {
        for bad in [
            json!({"decision": "maybe"}),
            json!({"decision": "send_back"}),
            json!({"items": []}),
            json!({"decision": "send_back", "items": [{"item": {"what": "photo"}, "reason": "x"}]}),
            json!({"decision": "send_back", "items": [{"item": {"what": "missing_photo"}, "reason": "x"}]}),
            json!({"decision": "send_back", "items": [{"item": {"what": "colour"}, "reason": "x"}]}),
        ] {
            assert!(
                serde_json::from_value::<ReviewDecision>(bad.clone()).is_err(),
                "{bad}"
            );
        }
    }
}
