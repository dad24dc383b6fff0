//! Reading the desk's records that a [`WorkOrder`](crate::WorkOrder) carries (people, the
//! departure, review rounds and their items, the closure, the first response, stamped notes)
//! from JSON, in the field app's wasm at a fraction of the derived readers' size.
//!
//! Each is read as a `serde_json::Value` (one reader for them all, already in the wasm) and then
//! taken apart by plain functions, instead of a derived visitor per type: two for each (a map and
//! a sequence form) and a buffering one for each internally tagged enum (`op/read.rs` says why
//! that one is costly). The JSON is the same as the derived `Serialize` writes: fields in any
//! order, unknown fields ignored, `#[serde(default)]` fields optional.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::{
    Closure, Departure, FirstResponse, FirstResponseRecord, Person, ReviewDecision, ReviewItem,
    ReviewRound, SendBackItem, Stamped,
};
use crate::report::{Waiver, WaiverDecision};

// Read by reference (`get`, never `remove`) and with plain loops, and no `Value` printed in an
// error: each of those brought generic code of its own back into the wasm.
type Fields = Map<String, Value>;

/// One message for every value of the wrong type or form: what serde would say, near enough,
/// without each reader's own text (and chrono's and uuid's error printing) in the wasm.
fn bad(key: &str) -> String {
    format!("invalid value for `{key}`")
}

fn object<'a>(v: &'a Value, what: &str) -> Result<&'a Fields, String> {
    v.as_object().ok_or_else(|| bad(what))
}

fn take<'a>(m: &'a Fields, key: &str) -> Result<&'a Value, String> {
    m.get(key).ok_or_else(|| format!("missing field `{key}`"))
}

fn string(m: &Fields, key: &str) -> Result<String, String> {
    take(m, key)?
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| bad(key))
}

/// A `#[serde(default)]` string: absent reads as empty.
fn string_or_empty(m: &Fields, key: &str) -> Result<String, String> {
    if m.contains_key(key) {
        string(m, key)
    } else {
        Ok(String::new())
    }
}

/// A `#[serde(default)]` `Option<String>`: absent or null reads as None.
fn opt_string(m: &Fields, key: &str) -> Result<Option<String>, String> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(_) => string(m, key).map(Some),
    }
}

fn boolean(m: &Fields, key: &str) -> Result<bool, String> {
    take(m, key)?.as_bool().ok_or_else(|| bad(key))
}

fn time(m: &Fields, key: &str) -> Result<DateTime<Utc>, String> {
    let s = string(m, key)?;
    // What chrono's own `Deserialize` accepts: RFC 3339 with any offset.
    s.parse::<DateTime<chrono::FixedOffset>>()
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| bad(key))
}

/// A list of `key` (absent reads as empty when `optional`), each item read by `each`.
fn list<T>(
    m: &Fields,
    key: &str,
    optional: bool,
    each: impl Fn(&Value) -> Result<T, String>,
) -> Result<Vec<T>, String> {
    let items = match m.get(key) {
        None if optional => return Ok(Vec::new()),
        None => return Err(format!("missing field `{key}`")),
        Some(v) => v.as_array().ok_or_else(|| bad(key))?,
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        out.push(each(item)?);
    }
    Ok(out)
}

fn name(v: &Value) -> Result<String, String> {
    v.as_str()
        .map(str::to_owned)
        .ok_or_else(|| bad("companions"))
}

fn person(v: &Value) -> Result<Person, String> {
    let m = object(v, "a person")?;
    Ok(Person {
        username: string(m, "username")?,
        name: string_or_empty(m, "name")?,
    })
}

fn item(v: &Value) -> Result<ReviewItem, String> {
    let m = object(v, "a review item")?;
    Ok(match string(m, "what")?.as_str() {
        "photo" => ReviewItem::Photo {
            photo_id: Uuid::parse_str(&string(m, "photo_id")?).map_err(|_| bad("photo_id"))?,
        },
        "missing_photo" => ReviewItem::MissingPhoto {
            slot: string(m, "slot")?,
        },
        "fault_cause" => ReviewItem::FaultCause,
        "work_done" => ReviewItem::WorkDone,
        "parts" => ReviewItem::Parts,
        "signature" => ReviewItem::Signature,
        "other" => ReviewItem::Other,
        _ => return Err(bad("what")),
    })
}

fn send_back_item(v: &Value) -> Result<SendBackItem, String> {
    let m = object(v, "an item sent back")?;
    Ok(SendBackItem {
        item: item(take(m, "item")?)?,
        reason: string(m, "reason")?,
    })
}

fn decision(v: &Value) -> Result<ReviewDecision, String> {
    let m = object(v, "a review decision")?;
    match string(m, "decision")?.as_str() {
        "close" => Ok(ReviewDecision::Close),
        "send_back" => Ok(ReviewDecision::SendBack {
            items: list(m, "items", false, send_back_item)?,
        }),
        _ => Err(bad("decision")),
    }
}

fn first_response(v: &Value) -> Result<FirstResponse, String> {
    let m = object(v, "a first response")?;
    Ok(FirstResponse {
        at: time(m, "at")?,
        outcome: string(m, "outcome")?,
        site_confirmed: boolean(m, "site_confirmed")?,
        phone_fix: boolean(m, "phone_fix")?,
    })
}

impl TryFrom<Value> for Person {
    type Error = String;

    fn try_from(v: Value) -> Result<Self, String> {
        person(&v)
    }
}

impl TryFrom<Value> for Departure {
    type Error = String;

    fn try_from(v: Value) -> Result<Self, String> {
        let m = object(&v, "a departure")?;
        Ok(Departure {
            expected_arrival: time(m, "expected_arrival")?,
            companions: list(m, "companions", true, name)?,
        })
    }
}

impl TryFrom<Value> for ReviewItem {
    type Error = String;

    fn try_from(v: Value) -> Result<Self, String> {
        item(&v)
    }
}

impl TryFrom<Value> for SendBackItem {
    type Error = String;

    fn try_from(v: Value) -> Result<Self, String> {
        send_back_item(&v)
    }
}

impl TryFrom<Value> for ReviewDecision {
    type Error = String;

    fn try_from(v: Value) -> Result<Self, String> {
        decision(&v)
    }
}

impl TryFrom<Value> for ReviewRound {
    type Error = String;

    fn try_from(v: Value) -> Result<Self, String> {
        let m = object(&v, "a review round")?;
        Ok(ReviewRound {
            submitted_at: time(m, "submitted_at")?,
            decision: decision(take(m, "decision")?)?,
            by: person(take(m, "by")?)?,
            at: time(m, "at")?,
        })
    }
}

impl TryFrom<Value> for Closure {
    type Error = String;

    fn try_from(v: Value) -> Result<Self, String> {
        let m = object(&v, "a closure")?;
        Ok(Closure {
            by: person(take(m, "by")?)?,
            at: time(m, "at")?,
            resolution: opt_string(m, "resolution")?,
        })
    }
}

impl TryFrom<Value> for FirstResponse {
    type Error = String;

    fn try_from(v: Value) -> Result<Self, String> {
        first_response(&v)
    }
}

impl TryFrom<Value> for FirstResponseRecord {
    type Error = String;

    fn try_from(v: Value) -> Result<Self, String> {
        let m = object(&v, "a first response")?;
        Ok(FirstResponseRecord {
            response: first_response(take(m, "response")?)?,
            by: person(take(m, "by")?)?,
            recorded_at: time(m, "recorded_at")?,
        })
    }
}

/// A waiver request and its answer; `by` of a record stored before requests is ignored.
impl TryFrom<Value> for Waiver {
    type Error = String;

    fn try_from(v: Value) -> Result<Self, String> {
        let m = object(&v, "a waiver")?;
        let decision = match m.get("decision") {
            None | Some(Value::Null) => None,
            Some(d) => {
                let d = object(d, "decision")?;
                Some(WaiverDecision {
                    approved: boolean(d, "approved")?,
                    by: person(take(d, "by")?)?,
                    at: time(d, "at")?,
                    reason: string_or_empty(d, "reason")?,
                })
            }
        };
        Ok(Waiver {
            reason: string(m, "reason")?,
            at: time(m, "at")?,
            decision,
        })
    }
}

impl TryFrom<Value> for Stamped {
    type Error = String;

    fn try_from(v: Value) -> Result<Self, String> {
        let m = object(&v, "a stamped note")?;
        Ok(Stamped {
            text: string(m, "text")?,
            by: person(take(m, "by")?)?,
            at: time(m, "at")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;
    use serde::de::DeserializeOwned;
    use serde_json::json;

    fn person() -> Person {
        Person {
            username: "dispatcher1".into(),
            name: "陈静".into(),
        }
    }

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    /// Written by the derived `Serialize`, read back equal: as text (fields in order) and as a
    /// `Value` (keys sorted, so a tag comes after the fields).
    fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(value: T) {
        let text = serde_json::to_string(&value).unwrap();
        assert_eq!(serde_json::from_str::<T>(&text).unwrap(), value, "{text}");
        let tree = serde_json::to_value(&value).unwrap();
        assert_eq!(serde_json::from_value::<T>(tree).unwrap(), value, "{text}");
    }

    #[test]
    fn a_waiver_reads_back_pending_approved_and_refused() {
        let pending = Waiver {
            reason: "客户不在现场".into(),
            at: at("2026-11-27T08:00:00Z"),
            decision: None,
        };
        round_trip(pending.clone());
        for (approved, reason) in [(true, ""), (false, "请补签")] {
            round_trip(Waiver {
                decision: Some(WaiverDecision {
                    approved,
                    by: person(),
                    at: at("2026-11-27T09:00:00Z"),
                    reason: reason.into(),
                }),
                ..pending.clone()
            });
        }
        assert!(serde_json::from_value::<Waiver>(json!({"reason": "x"})).is_err());
    }

    #[test]
    fn every_record_reads_back_what_was_written() {
        let items: Vec<SendBackItem> = [
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
        ]
        .into_iter()
        .map(|item| SendBackItem {
            item,
            reason: "看不清".into(),
        })
        .collect();
        round_trip(person());
        round_trip(Departure {
            expected_arrival: at("2026-12-07T06:15:00Z"),
            companions: vec!["李强".into(), "赵六".into()],
        });
        round_trip(ReviewRound {
            submitted_at: at("2026-12-07T06:15:00Z"),
            decision: ReviewDecision::SendBack { items },
            by: person(),
            at: at("2026-12-07T07:00:00.123456Z"),
        });
        round_trip(ReviewDecision::Close);
        for resolution in [None, Some("指导客户复位".to_string())] {
            round_trip(Closure {
                by: person(),
                at: at("2026-12-07T07:00:00Z"),
                resolution,
            });
        }
        round_trip(FirstResponseRecord {
            response: FirstResponse {
                at: at("2026-12-07T05:00:00Z"),
                outcome: "备件有货".into(),
                site_confirmed: true,
                phone_fix: false,
            },
            by: person(),
            recorded_at: at("2026-12-07T05:01:00Z"),
        });
        round_trip(Stamped {
            text: "等配件".into(),
            by: person(),
            at: at("2026-12-07T08:00:00Z"),
        });
    }

    #[test]
    fn defaults_offsets_and_unknown_fields_read_as_the_derive_did() {
        assert_eq!(
            serde_json::from_value::<Person>(json!({"username": "engineer2", "team": "x"}))
                .unwrap(),
            Person {
                username: "engineer2".into(),
                name: String::new()
            }
        );
        let d: Departure =
            serde_json::from_value(json!({"expected_arrival": "2026-12-07T14:15:00+08:00"}))
                .unwrap();
        assert_eq!(d.expected_arrival, at("2026-12-07T06:15:00Z"));
        assert!(d.companions.is_empty());
        let c: Closure = serde_json::from_value(
            json!({"by": {"username": "head1"}, "at": "2026-12-07T07:00:00Z", "resolution": null}),
        )
        .unwrap();
        assert_eq!(c.resolution, None);
    }

    #[test]
    fn a_wrong_tag_a_wrong_type_or_a_missing_field_is_refused() {
        for bad in [
            json!({"decision": "maybe"}),
            json!({"decision": "send_back"}),
            json!({"decision": "send_back", "items": {}}),
            json!({"items": []}),
            json!({"decision": "send_back", "items": [{"item": {"what": "photo"}, "reason": "x"}]}),
            json!({"decision": "send_back", "items": [{"item": {"what": "photo", "photo_id": "no"}, "reason": "x"}]}),
            json!({"decision": "send_back", "items": [{"item": {"what": "missing_photo"}, "reason": "x"}]}),
            json!({"decision": "send_back", "items": [{"item": {"what": "colour"}, "reason": "x"}]}),
            json!({"decision": "send_back", "items": [{"item": {"what": "parts"}}]}),
            json!("close"),
        ] {
            assert!(
                serde_json::from_value::<ReviewDecision>(bad.clone()).is_err(),
                "{bad}"
            );
        }
        for bad in [
            json!({"at": "2026-12-07", "outcome": "x", "site_confirmed": true, "phone_fix": false}),
            json!({"at": "2026-12-07T05:00:00Z", "outcome": 3, "site_confirmed": true, "phone_fix": false}),
            json!({"at": "2026-12-07T05:00:00Z", "outcome": "x", "site_confirmed": "yes", "phone_fix": false}),
            json!({"at": "2026-12-07T05:00:00Z", "outcome": "x", "site_confirmed": true}),
        ] {
            assert!(
                serde_json::from_value::<FirstResponse>(bad.clone()).is_err(),
                "{bad}"
            );
        }
        assert!(serde_json::from_value::<Person>(json!({"name": "x"})).is_err());
    }
}
