//! Reading an [`OpKind`] from JSON without serde's buffering of internally tagged enums.
//!
//! `#[serde(tag = "type")]` reads each operation into a buffer first, then builds a second parser
//! for every kind, and for every type inside it, that reads from the buffer: about 15 KiB brotli of
//! the phone's wasm. Our own JSON always has `type` first (the derived `Serialize` writes it
//! first), so here the tag is read first and the kind's fields straight from the input, through
//! the externally tagged derive of [`Kind`]. JSON with `type` further on (a `serde_json::Value`,
//! whose keys are sorted) is written again with `type` first and read again.

use chrono::{DateTime, NaiveDate, Utc};
use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, IgnoredAny, IntoDeserializer, MapAccess,
    VariantAccess, Visitor,
};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, forward_to_deserialize_any};
use uuid::Uuid;

use super::OpKind;
use crate::cleaning::{Mark, PhotoRef, VacantCheck, Verdict};
use crate::complaints::{NewCallBack, NewComplaint};
use crate::findings::{Assignee, FindingSource, ProblemKind};
use crate::patrol::{RoundArea, RoundKind};
use crate::report::{PartUsed, WarrantyDetails};
use crate::work_order::StatusNode;

impl<'de> Deserialize<'de> for OpKind {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(KindVisitor)
    }
}

struct KindVisitor;

impl<'de> Visitor<'de> for KindVisitor {
    type Value = OpKind;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an operation kind, a map with its `type`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<OpKind, A::Error> {
        let Some(first) = map.next_key::<String>()? else {
            return Err(de::Error::missing_field("type"));
        };
        if first == "type" {
            let tag: String = map.next_value()?;
            return Kind::deserialize(Tagged { tag, map }).map(OpKind::from);
        }
        // Buffered in their order (a repeated field is still refused), written with `type` first.
        let mut fields: Vec<(String, serde_json::Value)> = vec![(first, map.next_value()?)];
        while let Some(field) = map.next_entry()? {
            fields.push(field);
        }
        let at = fields
            .iter()
            .position(|(key, _)| key == "type")
            .ok_or_else(|| de::Error::missing_field("type"))?;
        let (_, tag) = fields.remove(at);
        if fields.iter().any(|(key, _)| key == "type") {
            return Err(de::Error::duplicate_field("type"));
        }
        let mut text = Vec::new();
        let mut out = serde_json::Serializer::new(&mut text);
        let mut entries = out
            .serialize_map(Some(fields.len() + 1))
            .map_err(de::Error::custom)?;
        entries
            .serialize_entry("type", &tag)
            .map_err(de::Error::custom)?;
        for (key, value) in &fields {
            entries
                .serialize_entry(key, value)
                .map_err(de::Error::custom)?;
        }
        entries.end().map_err(de::Error::custom)?;
        let text = String::from_utf8(text).map_err(de::Error::custom)?;
        crate::json::from_str(&text).map_err(de::Error::custom)
    }
}

/// The rest of an operation's map, its `type` read: the variant is the tag, its fields the map.
struct Tagged<A> {
    tag: String,
    map: A,
}

impl<'de, A: MapAccess<'de>> Deserializer<'de> for Tagged<A> {
    type Error = A::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, A::Error> {
        visitor.visit_enum(self)
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option
        unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

impl<'de, A: MapAccess<'de>> EnumAccess<'de> for Tagged<A> {
    type Error = A::Error;
    type Variant = Fields<A>;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Fields<A>), A::Error> {
        let variant = seed.deserialize(self.tag.into_deserializer())?;
        Ok((variant, Fields(self.map)))
    }
}

struct Fields<A>(A);

impl<'de, A: MapAccess<'de>> VariantAccess<'de> for Fields<A> {
    type Error = A::Error;

    fn unit_variant(mut self) -> Result<(), A::Error> {
        while self.0.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        seed.deserialize(de::value::MapAccessDeserializer::new(self.0))
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        _len: usize,
        _visitor: V,
    ) -> Result<V::Value, A::Error> {
        Err(de::Error::invalid_type(
            de::Unexpected::TupleVariant,
            &"a kind with named fields",
        ))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        visitor.visit_map(self.0)
    }
}

/// [`OpKind`] field for field, read externally tagged (`{"set_status": {..}}`): [`Tagged`] hands
/// it the tag and the fields that way.
#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum Kind {
    SetStatus {
        work_order_id: Uuid,
        node: StatusNode,
    },
    UndoStatus {
        work_order_id: Uuid,
        node: StatusNode,
    },
    Depart {
        work_order_id: Uuid,
        expected_arrival: DateTime<Utc>,
        companions: Vec<String>,
    },
    CorrectHours {
        work_order_id: Uuid,
        hours: u32,
    },
    AddPhoto {
        work_order_id: Uuid,
        photo_id: Uuid,
        slot: String,
        sha256: String,
        bytes: u64,
        width: u32,
        height: u32,
        content_type: String,
    },
    WithdrawPhoto {
        work_order_id: Uuid,
        photo_id: Uuid,
    },
    SaveReport {
        work_order_id: Uuid,
        fault_cause: String,
        work_done: String,
        parts: Vec<PartUsed>,
        companions: Vec<String>,
        #[serde(default)]
        warranty: WarrantyDetails,
    },
    Sign {
        work_order_id: Uuid,
        photo_id: Uuid,
        signer: String,
    },
    /// Old phones' `by` is an unknown field: skipped.
    WaiveSignature {
        work_order_id: Uuid,
        reason: String,
    },
    SubmitReport {
        work_order_id: Uuid,
    },
    MarkItem {
        area_id: Uuid,
        item_id: Uuid,
        date: NaiveDate,
        mark: Option<Mark>,
    },
    FinishArea {
        area_id: Uuid,
        date: NaiveDate,
    },
    ReviewArea {
        area_id: Uuid,
        date: NaiveDate,
        verdict: Verdict,
    },
    SettleMark {
        area_id: Uuid,
        date: NaiveDate,
        item_id: Uuid,
        keep_device: Uuid,
    },
    SaveVacantRecord {
        record_id: Uuid,
        unit_id: Uuid,
        started_at: DateTime<Utc>,
        ended_at: DateTime<Utc>,
        checks: Vec<VacantCheck>,
        note: String,
        photos: Vec<PhotoRef>,
    },
    ReviewVacantRecord {
        record_id: Uuid,
        verdict: Verdict,
    },
    SettleVacantRecord {
        record_id: Uuid,
    },
    ReportFinding {
        finding_id: Uuid,
        area_id: Option<Uuid>,
        place: String,
        source: FindingSource,
        problem: ProblemKind,
        note: String,
        photos: Vec<PhotoRef>,
    },
    AssignFinding {
        finding_id: Uuid,
        assignee: Assignee,
        due: DateTime<Utc>,
    },
    CloseFinding {
        finding_id: Uuid,
        note: String,
        photos: Vec<PhotoRef>,
    },
    ConfirmFinding {
        finding_id: Uuid,
    },
    SettleFinding {
        finding_id: Uuid,
        keep_device: Uuid,
    },
    ReopenFinding {
        finding_id: Uuid,
        reason: String,
    },
    SubmitRound {
        round_id: Uuid,
        kind: RoundKind,
        date: NaiveDate,
        started_at: DateTime<Utc>,
        ended_at: DateTime<Utc>,
        areas: Vec<RoundArea>,
    },
    SettleRound {
        round_id: Uuid,
    },
    TakeComplaint {
        complaint: NewComplaint,
    },
    RecordCallBack {
        call_back: NewCallBack,
    },
}

impl From<Kind> for OpKind {
    fn from(kind: Kind) -> Self {
        match kind {
            Kind::SetStatus {
                work_order_id,
                node,
            } => OpKind::SetStatus {
                work_order_id,
                node,
            },
            Kind::UndoStatus {
                work_order_id,
                node,
            } => OpKind::UndoStatus {
                work_order_id,
                node,
            },
            Kind::Depart {
                work_order_id,
                expected_arrival,
                companions,
            } => OpKind::Depart {
                work_order_id,
                expected_arrival,
                companions,
            },
            Kind::CorrectHours {
                work_order_id,
                hours,
            } => OpKind::CorrectHours {
                work_order_id,
                hours,
            },
            Kind::AddPhoto {
                work_order_id,
                photo_id,
                slot,
                sha256,
                bytes,
                width,
                height,
                content_type,
            } => OpKind::AddPhoto {
                work_order_id,
                photo_id,
                slot,
                sha256,
                bytes,
                width,
                height,
                content_type,
            },
            Kind::WithdrawPhoto {
                work_order_id,
                photo_id,
            } => OpKind::WithdrawPhoto {
                work_order_id,
                photo_id,
            },
            Kind::SaveReport {
                work_order_id,
                fault_cause,
                work_done,
                parts,
                companions,
                warranty,
            } => OpKind::SaveReport {
                work_order_id,
                fault_cause,
                work_done,
                parts,
                companions,
                warranty,
            },
            Kind::Sign {
                work_order_id,
                photo_id,
                signer,
            } => OpKind::Sign {
                work_order_id,
                photo_id,
                signer,
            },
            Kind::WaiveSignature {
                work_order_id,
                reason,
            } => OpKind::WaiveSignature {
                work_order_id,
                reason,
            },
            Kind::SubmitReport { work_order_id } => OpKind::SubmitReport { work_order_id },
            Kind::MarkItem {
                area_id,
                item_id,
                date,
                mark,
            } => OpKind::MarkItem {
                area_id,
                item_id,
                date,
                mark,
            },
            Kind::FinishArea { area_id, date } => OpKind::FinishArea { area_id, date },
            Kind::SettleMark {
                area_id,
                date,
                item_id,
                keep_device,
            } => OpKind::SettleMark {
                area_id,
                date,
                item_id,
                keep_device,
            },
            Kind::ReviewArea {
                area_id,
                date,
                verdict,
            } => OpKind::ReviewArea {
                area_id,
                date,
                verdict,
            },
            Kind::SaveVacantRecord {
                record_id,
                unit_id,
                started_at,
                ended_at,
                checks,
                note,
                photos,
            } => OpKind::SaveVacantRecord {
                record_id,
                unit_id,
                started_at,
                ended_at,
                checks,
                note,
                photos,
            },
            Kind::ReviewVacantRecord { record_id, verdict } => {
                OpKind::ReviewVacantRecord { record_id, verdict }
            }
            Kind::SettleVacantRecord { record_id } => OpKind::SettleVacantRecord { record_id },
            Kind::SettleRound { round_id } => OpKind::SettleRound { round_id },
            Kind::ReportFinding {
                finding_id,
                area_id,
                place,
                source,
                problem,
                note,
                photos,
            } => OpKind::ReportFinding {
                finding_id,
                area_id,
                place,
                source,
                problem,
                note,
                photos,
            },
            Kind::AssignFinding {
                finding_id,
                assignee,
                due,
            } => OpKind::AssignFinding {
                finding_id,
                assignee,
                due,
            },
            Kind::CloseFinding {
                finding_id,
                note,
                photos,
            } => OpKind::CloseFinding {
                finding_id,
                note,
                photos,
            },
            Kind::ConfirmFinding { finding_id } => OpKind::ConfirmFinding { finding_id },
            Kind::SettleFinding {
                finding_id,
                keep_device,
            } => OpKind::SettleFinding {
                finding_id,
                keep_device,
            },
            Kind::ReopenFinding { finding_id, reason } => {
                OpKind::ReopenFinding { finding_id, reason }
            }
            Kind::TakeComplaint { complaint } => OpKind::TakeComplaint { complaint },
            Kind::RecordCallBack { call_back } => OpKind::RecordCallBack { call_back },
            Kind::SubmitRound {
                round_id,
                kind,
                date,
                started_at,
                ended_at,
                areas,
            } => OpKind::SubmitRound {
                round_id,
                kind,
                date,
                started_at,
                ended_at,
                areas,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::complaints::{CallBackMethod, CallBackSubject, Severity};
    use crate::findings::Department;
    use crate::patrol::AreaResult;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn photo() -> PhotoRef {
        PhotoRef {
            photo_id: id(7),
            slot: "before".into(),
            sha256: "ab".repeat(32),
            bytes: 123_456,
            width: 1600,
            height: 1200,
            content_type: "image/jpeg".into(),
        }
    }

    /// One of each kind, with every field set to something other than its default.
    fn one_of_each() -> Vec<OpKind> {
        let day = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let at: DateTime<Utc> = "2026-11-27T08:30:00Z".parse().unwrap();
        vec![
            OpKind::SetStatus {
                work_order_id: id(1),
                node: StatusNode::Arrived,
            },
            OpKind::CorrectHours {
                work_order_id: id(1),
                hours: 4321,
            },
            OpKind::AddPhoto {
                work_order_id: id(1),
                photo_id: id(2),
                slot: "nameplate".into(),
                sha256: "cd".repeat(32),
                bytes: 99,
                width: 3,
                height: 4,
                content_type: "image/jpeg".into(),
            },
            OpKind::SaveReport {
                work_order_id: id(1),
                fault_cause: "油管破裂".into(),
                work_done: "换油管".into(),
                parts: vec![PartUsed {
                    part_no: "P-1".into(),
                    name: "油管".into(),
                    qty: 2,
                    replaced: true,
                    return_tag: Some("R-9".into()),
                }],
                companions: vec!["engineer2".into()],
                warranty: WarrantyDetails {
                    service_code: "W-01".into(),
                    fault_info: "P0087 油轨压力低".into(),
                    labour: vec![crate::report::LabourHours {
                        person: "engineer1".into(),
                        tenths: 15,
                    }],
                },
            },
            OpKind::Sign {
                work_order_id: id(1),
                photo_id: id(3),
                signer: "王先生".into(),
            },
            OpKind::WaiveSignature {
                work_order_id: id(1),
                reason: "不在".into(),
            },
            OpKind::SubmitReport {
                work_order_id: id(1),
            },
            OpKind::MarkItem {
                area_id: id(4),
                item_id: id(5),
                date: day,
                mark: Some(Mark::Problem),
            },
            OpKind::FinishArea {
                area_id: id(4),
                date: day,
            },
            OpKind::ReviewArea {
                area_id: id(4),
                date: day,
                verdict: Verdict::SentBack {
                    reason: "地面有水".into(),
                },
            },
            OpKind::SaveVacantRecord {
                record_id: id(6),
                unit_id: id(8),
                started_at: at,
                ended_at: at,
                checks: vec![VacantCheck {
                    item: crate::cleaning::VacantStandard::WallsClean,
                    pass: false,
                    note: "有污渍".into(),
                }],
                note: "ok".into(),
                photos: vec![photo()],
            },
            OpKind::ReviewVacantRecord {
                record_id: id(6),
                verdict: Verdict::Approved,
            },
            OpKind::ReportFinding {
                finding_id: id(9),
                area_id: Some(id(4)),
                place: "B1".into(),
                source: FindingSource::Checklist {
                    item_id: id(5),
                    date: day,
                },
                problem: ProblemKind::Leak,
                note: "漏水".into(),
                photos: vec![photo()],
            },
            OpKind::AssignFinding {
                finding_id: id(9),
                assignee: Assignee::Department {
                    department: Department::Engineering,
                },
                due: at,
            },
            OpKind::CloseFinding {
                finding_id: id(9),
                note: "修好".into(),
                photos: vec![photo()],
            },
            OpKind::ConfirmFinding { finding_id: id(9) },
            OpKind::ReopenFinding {
                finding_id: id(9),
                reason: "还漏".into(),
            },
            OpKind::SubmitRound {
                round_id: id(10),
                kind: RoundKind::LastRound,
                date: day,
                started_at: at,
                ended_at: at,
                areas: vec![RoundArea {
                    area_id: id(4),
                    result: AreaResult::Finding { finding_id: id(9) },
                    note: "见问题".into(),
                    failed_checks: vec![],
                }],
            },
            OpKind::Depart {
                work_order_id: id(1),
                expected_arrival: at,
                companions: vec!["李明".into()],
            },
            OpKind::TakeComplaint {
                complaint: NewComplaint {
                    id: id(11),
                    finding_id: id(12),
                    team: "team-a".into(),
                    severity: Severity::Major,
                    customer: "王女士".into(),
                    contact_phone: "138 0000 0000".into(),
                    area_id: Some(id(4)),
                    place: "3-2-501".into(),
                    what: "楼道没有打扫".into(),
                    photos: vec![photo()],
                    work_order_id: None,
                    assignee: Some(Assignee::Person {
                        username: "cleaner1".into(),
                    }),
                },
            },
            OpKind::RecordCallBack {
                call_back: NewCallBack {
                    id: id(13),
                    subject: CallBackSubject::Complaint {
                        complaint_id: id(11),
                    },
                    method: CallBackMethod::Visit,
                    at,
                    answered_by: "王女士".into(),
                    satisfied: false,
                    words: "还是脏".into(),
                    signature: Some(photo()),
                },
            },
            OpKind::SettleMark {
                area_id: id(4),
                date: day,
                item_id: id(5),
                keep_device: id(6),
            },
            OpKind::UndoStatus {
                work_order_id: id(1),
                node: StatusNode::Departed,
            },
            OpKind::WithdrawPhoto {
                work_order_id: id(1),
                photo_id: id(2),
            },
            OpKind::SettleVacantRecord { record_id: id(6) },
            OpKind::SettleFinding {
                finding_id: id(9),
                keep_device: id(6),
            },
            OpKind::SettleRound { round_id: id(7) },
        ]
    }

    /// A new kind fails to compile here until it has a number, and the test until it has a sample.
    fn number(kind: &OpKind) -> usize {
        match kind {
            OpKind::SetStatus { .. } => 0,
            OpKind::CorrectHours { .. } => 1,
            OpKind::AddPhoto { .. } => 2,
            OpKind::SaveReport { .. } => 3,
            OpKind::Sign { .. } => 4,
            OpKind::WaiveSignature { .. } => 5,
            OpKind::SubmitReport { .. } => 6,
            OpKind::MarkItem { .. } => 7,
            OpKind::FinishArea { .. } => 8,
            OpKind::ReviewArea { .. } => 9,
            OpKind::SaveVacantRecord { .. } => 10,
            OpKind::ReviewVacantRecord { .. } => 11,
            OpKind::ReportFinding { .. } => 12,
            OpKind::AssignFinding { .. } => 13,
            OpKind::CloseFinding { .. } => 14,
            OpKind::ConfirmFinding { .. } => 15,
            OpKind::ReopenFinding { .. } => 16,
            OpKind::SubmitRound { .. } => 17,
            OpKind::Depart { .. } => 18,
            OpKind::TakeComplaint { .. } => 19,
            OpKind::RecordCallBack { .. } => 20,
            OpKind::SettleMark { .. } => 21,
            OpKind::UndoStatus { .. } => 22,
            OpKind::WithdrawPhoto { .. } => 23,
            OpKind::SettleVacantRecord { .. } => 24,
            OpKind::SettleFinding { .. } => 25,
            OpKind::SettleRound { .. } => 26,
        }
    }

    #[test]
    fn every_kind_reads_back_with_its_type_first_last_or_sorted() {
        let kinds = one_of_each();
        let numbers: Vec<usize> = kinds.iter().map(number).collect();
        assert_eq!(numbers, (0..=26).collect::<Vec<_>>());
        for kind in kinds {
            let text = serde_json::to_string(&kind).unwrap();
            assert!(text.starts_with("{\"type\":"), "{text}");
            assert_eq!(serde_json::from_str::<OpKind>(&text).unwrap(), kind);
            // And through the phone's reader (structs as maps only).
            assert_eq!(crate::json::from_str::<OpKind>(&text).unwrap(), kind);

            // A serde_json::Value's keys are sorted: `type` is rarely first.
            let value = serde_json::to_value(&kind).unwrap();
            assert_eq!(
                serde_json::from_value::<OpKind>(value.clone()).unwrap(),
                kind
            );

            let mut fields = value.as_object().unwrap().clone();
            let tag = fields.remove("type").unwrap();
            let rest = serde_json::Value::Object(fields).to_string();
            let last = match rest.strip_suffix('}').filter(|r| *r != "{") {
                Some(rest) => format!("{rest},\"type\":{tag}}}"),
                None => format!("{{\"type\":{tag}}}"),
            };
            assert_eq!(
                serde_json::from_str::<OpKind>(&last).unwrap(),
                kind,
                "{last}"
            );
            assert_eq!(
                crate::json::from_str::<OpKind>(&last).unwrap(),
                kind,
                "{last}"
            );
        }
    }

    #[test]
    fn what_is_not_a_kind_does_not_read() {
        for bad in [
            r#"{}"#,
            r#"[]"#,
            r#""set_status""#,
            r#"{"type": "format_disk"}"#,
            r#"{"work_order_id": "00000000-0000-0000-0000-000000000001"}"#,
            r#"{"type": 3, "work_order_id": "00000000-0000-0000-0000-000000000001"}"#,
            r#"{"type": "submit_report"}"#,
            r#"{"work_order_id": "x", "type": "submit_report"}"#,
            r#"{"type": "correct_hours", "work_order_id": "00000000-0000-0000-0000-000000000001", "hours": -1}"#,
            r#"{"work_order_id": "00000000-0000-0000-0000-000000000001", "type": "submit_report", "work_order_id": "00000000-0000-0000-0000-000000000001"}"#,
            r#"{"type": "submit_report", "work_order_id": "00000000-0000-0000-0000-000000000001", "work_order_id": "00000000-0000-0000-0000-000000000001"}"#,
            r#"{"hours": 1, "type": "correct_hours", "type": "correct_hours", "work_order_id": "00000000-0000-0000-0000-000000000001"}"#,
        ] {
            assert!(serde_json::from_str::<OpKind>(bad).is_err(), "{bad}");
            assert!(crate::json::from_str::<OpKind>(bad).is_err(), "{bad}");
        }
        // Fields it does not know are passed over, as before.
        let extra = r#"{"type": "submit_report", "work_order_id": "00000000-0000-0000-0000-000000000001", "later": [1, {"a": null}]}"#;
        assert_eq!(
            serde_json::from_str::<OpKind>(extra).unwrap(),
            OpKind::SubmitReport {
                work_order_id: id(1)
            }
        );
    }

    #[test]
    fn a_waiver_queued_before_requests_reads_as_a_request() {
        // As phones in the field queued it: the supervisor's name typed by the engineer.
        let old = r#"{"type": "waive_signature", "work_order_id": "00000000-0000-0000-0000-000000000001", "by": "周主管", "reason": "客户不在现场"}"#;
        let request = OpKind::WaiveSignature {
            work_order_id: id(1),
            reason: "客户不在现场".into(),
        };
        assert_eq!(serde_json::from_str::<OpKind>(old).unwrap(), request);
        assert_eq!(crate::json::from_str::<OpKind>(old).unwrap(), request);
    }
}
