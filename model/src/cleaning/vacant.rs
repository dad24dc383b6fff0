//! Vacant units (空置单元), when each is due for its monthly cleaning, and the cleaning record
//! (《空置单元清洁记录表》) made against the company standard.

use chrono::{DateTime, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::photo_ref::{MAX_PHOTOS_PER_RECORD, PhotoRef, check_photos};
use super::review::{Review, Verdict};
use crate::conflict::{Side, Stamp, Twin};
use crate::validate::{OpError, limits, text_ok};

/// A vacant unit (空置单元) and who is responsible for it. `let_on` set: it is let and leaves the
/// lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VacantUnit {
    pub id: Uuid,
    pub team: String,
    /// e.g. "3栋 1204"
    pub name: String,
    pub responsible: String,
    #[serde(default)]
    pub let_on: Option<NaiveDate>,
    /// The local date of the last accepted cleaning record.
    #[serde(default)]
    pub last_cleaned: Option<NaiveDate>,
    /// Since when it has been vacant (the first cleaning is due from then).
    pub vacant_since: NaiveDate,
}

/// Where a vacant unit stands against its monthly cleaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum UnitDue {
    /// Cleaned this cycle; next due on `due`.
    Upcoming {
        due: NaiveDate,
    },
    /// Due within a week (or today).
    DueSoon {
        due: NaiveDate,
    },
    Overdue {
        due: NaiveDate,
        days: i64,
    },
}

impl VacantUnit {
    pub fn is_vacant_on(&self, date: NaiveDate) -> bool {
        self.let_on.is_none_or(|l| date < l)
    }

    /// The unit as the device knows it: its last cleaning moved to the newest of `records` made
    /// for it (on the device and not yet at the server too), as the server moves it when a
    /// record arrives. A record saved with no signal stops the unit showing overdue at once.
    pub fn with_records(&self, records: &[VacantRecord]) -> VacantUnit {
        let newest = records
            .iter()
            .filter(|r| r.unit_id == self.id)
            .map(|r| crate::photo::naming_date(r.ended_at))
            .max();
        VacantUnit {
            last_cleaned: self.last_cleaned.max(newest),
            ..self.clone()
        }
    }

    /// Once a month: due a calendar month after the last cleaning (a cleaning on 31 January is
    /// due again on 28 or 29 February), or from the day it became vacant.
    pub fn due_date(&self) -> NaiveDate {
        match self.last_cleaned {
            Some(d) => d + Months::new(1),
            None => self.vacant_since,
        }
    }

    pub fn due_state(&self, today: NaiveDate) -> UnitDue {
        let due = self.due_date();
        let days = (today - due).num_days();
        if days > 0 {
            UnitDue::Overdue { due, days }
        } else if days > -7 {
            UnitDue::DueSoon { due }
        } else {
            UnitDue::Upcoming { due }
        }
    }
}

/// The company standard, item by item, in the record's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VacantStandard {
    /// 地面无杂物、无积水
    FloorClear,
    /// 墙面无污染、无蜘蛛网
    WallsClean,
    /// 所有设备无污染
    EquipmentClean,
    /// 关好所有门窗
    DoorsWindowsClosed,
}

impl VacantStandard {
    pub const ALL: [VacantStandard; 4] = [
        VacantStandard::FloorClear,
        VacantStandard::WallsClean,
        VacantStandard::EquipmentClean,
        VacantStandard::DoorsWindowsClosed,
    ];

    /// The photo slot for a problem on this item.
    pub fn slot(self) -> &'static str {
        match self {
            VacantStandard::FloorClear => "floor",
            VacantStandard::WallsClean => "walls",
            VacantStandard::EquipmentClean => "equipment",
            VacantStandard::DoorsWindowsClosed => "doors_windows",
        }
    }
}

/// The photo of the whole unit every record needs.
pub const UNIT_PHOTO_SLOT: &str = "unit";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VacantCheck {
    pub item: VacantStandard,
    pub pass: bool,
    #[serde(default)]
    pub note: String,
}

/// The vacant-unit cleaning record, as filled on the phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VacantRecord {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub cleaner: String,
    pub started_at: DateTime<Utc>,
    pub ended_at: DateTime<Utc>,
    pub checks: Vec<VacantCheck>,
    #[serde(default)]
    pub note: String,
    pub photos: Vec<PhotoRef>,
    #[serde(default)]
    pub review: Option<Review>,
    #[serde(default)]
    pub seq: i64,
    /// Who made it, from which device, when, and when the server received it (none on the
    /// device before it is sent, and on records older than the stamps).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stamp: Option<Stamp>,
    /// The other record of the same unit and day, made on another device without this one
    /// (`crate::conflict`): both are kept, each naming the other, until the supervisor keeps one.
    /// (Its findings and stamp are read from the record itself, which every device that shows
    /// this one holds too: no copy of it here.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conflict_with: Option<Uuid>,
    /// The supervisor kept the other record of its unit and day: this one is not used.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub set_aside: bool,
}

/// What a vacant-unit record still lacks, for the form to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "what", rename_all = "snake_case")]
pub enum RecordMissing {
    /// An item of the standard is neither pass nor problem.
    Item {
        item: VacantStandard,
    },
    /// A problem without its photo.
    ProblemPhoto {
        item: VacantStandard,
    },
    /// A problem without a word on what it is.
    ProblemNote {
        item: VacantStandard,
    },
    UnitPhoto,
    /// The end is before the start, or the cleaning took over a day.
    Times,
}

impl VacantRecord {
    /// Whether the record is one of the unit's cleanings: not the one a supervisor set aside
    /// when settling a conflict (`settle`). A set-aside record stays on record, but reports and
    /// scorecards never count it, nor its review; a record still in conflict counts, once per
    /// unit and day with its other side (see `reports::cleaning_figures`).
    pub fn stands(&self) -> bool {
        !self.set_aside
    }

    /// Why the supervisor sent back the unit's latest record, if they did: the unit must be
    /// cleaned again and a new record made (one made since clears it).
    pub fn sent_back(records: &[VacantRecord], unit: Uuid) -> Option<&str> {
        let latest = records
            .iter()
            .filter(|r| r.unit_id == unit && r.stands())
            .max_by_key(|r| r.ended_at)?;
        match latest.review.as_ref().map(|r| &r.verdict) {
            Some(Verdict::SentBack { reason }) => Some(reason),
            _ => None,
        }
    }

    /// Everything the company standard asks that this record does not have yet.
    pub fn missing(&self) -> Vec<RecordMissing> {
        let mut missing = Vec::new();
        for item in VacantStandard::ALL {
            match self.checks.iter().find(|c| c.item == item) {
                None => missing.push(RecordMissing::Item { item }),
                Some(c) if !c.pass => {
                    if c.note.trim().is_empty() {
                        missing.push(RecordMissing::ProblemNote { item });
                    }
                    if !self.photos.iter().any(|p| p.slot == item.slot()) {
                        missing.push(RecordMissing::ProblemPhoto { item });
                    }
                }
                Some(_) => {}
            }
        }
        if !self.photos.iter().any(|p| p.slot == UNIT_PHOTO_SLOT) {
            missing.push(RecordMissing::UnitPhoto);
        }
        let took = self.ended_at - self.started_at;
        if took < chrono::Duration::zero() || took > chrono::Duration::hours(24) {
            missing.push(RecordMissing::Times);
        }
        missing
    }

    /// The rules a record must meet before it is saved for good.
    pub fn check(&self) -> Result<(), OpError> {
        check_photos(&self.photos, MAX_PHOTOS_PER_RECORD)?;
        let known_slot =
            |s: &str| s == UNIT_PHOTO_SLOT || VacantStandard::ALL.iter().any(|i| i.slot() == s);
        if self.photos.iter().any(|p| !known_slot(&p.slot)) {
            return Err(OpError::BadPhoto("no such photo slot"));
        }
        if self.checks.len() != VacantStandard::ALL.len()
            || self
                .checks
                .iter()
                .any(|c| !text_ok(&c.note, limits::MAX_TEXT_CHARS))
            || !text_ok(&self.note, limits::MAX_TEXT_CHARS)
        {
            return Err(OpError::BadValue("the record's items"));
        }
        if !self.missing().is_empty() {
            return Err(OpError::BadValue("the record is not complete"));
        }
        Ok(())
    }

    /// Whether `photos` are this record's own, each of an item it marked as a problem: the
    /// photos of a finding made from it (`FindingSource::VacantUnit`), filed once, with the record.
    pub fn shows_problems(&self, photos: &[PhotoRef]) -> bool {
        !photos.is_empty()
            && photos.iter().all(|p| {
                self.photos.contains(p)
                    && self
                        .checks
                        .iter()
                        .any(|c| !c.pass && c.item.slot() == p.slot)
            })
    }

    pub fn is_problem_free(&self) -> bool {
        self.checks.iter().all(|c| c.pass)
    }

    /// The items found with a problem, in the standard's order: what two records of one unit
    /// and day disagree on when they differ.
    pub fn problems(&self) -> Vec<VacantStandard> {
        VacantStandard::ALL
            .into_iter()
            .filter(|i| self.checks.iter().any(|c| c.item == *i && !c.pass))
            .collect()
    }

    /// The record as one side of a conflict (none without a stamp).
    pub fn side(&self) -> Option<Side<Vec<VacantStandard>>> {
        Some(Side {
            value: self.problems(),
            stamp: self.stamp.clone()?,
        })
    }

    /// A supervisor's spot check: refused once the record was approved.
    pub fn review(&mut self, verdict: Verdict, by: &str, at: DateTime<Utc>) -> Result<(), OpError> {
        if matches!(
            self.review.as_ref().map(|r| &r.verdict),
            Some(Verdict::Approved)
        ) {
            return Err(OpError::Closed);
        }
        verdict.check()?;
        if self.conflict_with.is_some() && verdict == Verdict::Approved {
            return Err(OpError::BadValue("a conflict is not settled"));
        }
        self.review = Some(Review {
            verdict,
            by: by.to_string(),
            at,
        });
        Ok(())
    }
}

impl Twin for VacantRecord {
    fn id(&self) -> Uuid {
        self.id
    }
    fn stamp(&self) -> Option<&Stamp> {
        self.stamp.as_ref()
    }
    fn same_thing(&self, other: &Self) -> bool {
        let day = |r: &VacantRecord| crate::photo::naming_date(r.ended_at);
        other.unit_id == self.unit_id && day(other) == day(self)
    }
    fn agrees(&self, other: &Self) -> bool {
        self.problems() == other.problems()
    }
    fn pairing(&mut self) -> (&mut Option<Uuid>, &mut bool) {
        (&mut self.conflict_with, &mut self.set_aside)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn unit(last: Option<NaiveDate>) -> VacantUnit {
        VacantUnit {
            id: Uuid::from_u128(5),
            team: "t".into(),
            name: "3栋 1204".into(),
            responsible: "cleaner1".into(),
            let_on: None,
            last_cleaned: last,
            vacant_since: d(2026, 6, 1),
        }
    }

    #[test]
    fn vacant_units_are_due_a_month_after_their_last_cleaning() {
        let today = d(2026, 11, 27);
        assert_eq!(
            unit(Some(d(2026, 10, 10))).due_state(today),
            UnitDue::Overdue {
                due: d(2026, 11, 10),
                days: 17
            }
        );
        assert_eq!(
            unit(Some(d(2026, 10, 30))).due_state(today),
            UnitDue::DueSoon {
                due: d(2026, 11, 30)
            }
        );
        assert_eq!(
            unit(Some(d(2026, 11, 20))).due_state(today),
            UnitDue::Upcoming {
                due: d(2026, 12, 20)
            }
        );
        // Month ends: 31 January is due again on the last day of February.
        assert_eq!(unit(Some(d(2027, 1, 31))).due_date(), d(2027, 2, 28));
        assert_eq!(unit(Some(d(2028, 1, 31))).due_date(), d(2028, 2, 29));
        // Never cleaned: due from the day it became vacant.
        assert!(matches!(
            unit(None).due_state(today),
            UnitDue::Overdue { .. }
        ));
        let mut let_unit = unit(None);
        let_unit.let_on = Some(d(2026, 11, 20));
        assert!(let_unit.is_vacant_on(d(2026, 11, 19)));
        assert!(!let_unit.is_vacant_on(today));
    }

    fn photo(n: u128, slot: &str) -> PhotoRef {
        PhotoRef {
            photo_id: Uuid::from_u128(n),
            slot: slot.into(),
            sha256: "a".repeat(64),
            bytes: 1000,
            width: 100,
            height: 80,
            content_type: "image/jpeg".into(),
        }
    }

    fn record() -> VacantRecord {
        VacantRecord {
            id: Uuid::from_u128(9),
            unit_id: Uuid::from_u128(5),
            cleaner: "cleaner1".into(),
            started_at: at("2026-11-27T01:00:00Z"),
            ended_at: at("2026-11-27T01:40:00Z"),
            checks: VacantStandard::ALL
                .into_iter()
                .map(|item| VacantCheck {
                    item,
                    pass: true,
                    note: String::new(),
                })
                .collect(),
            note: String::new(),
            photos: vec![photo(1, UNIT_PHOTO_SLOT)],
            review: None,
            seq: 0,
            stamp: None,
            conflict_with: None,
            set_aside: false,
        }
    }

    #[test]
    fn a_unit_is_sent_back_until_a_newer_record_is_made() {
        let unit = record().unit_id;
        let review = |verdict| Review {
            verdict,
            by: "supervisor1".into(),
            at: at("2026-11-27T03:00:00Z"),
        };
        let mut first = record();
        assert_eq!(VacantRecord::sent_back(&[first.clone()], unit), None);
        first.review = Some(review(Verdict::SentBack {
            reason: "地面有水渍".into(),
        }));
        assert_eq!(
            VacantRecord::sent_back(&[first.clone()], unit),
            Some("地面有水渍")
        );
        // Another unit's records say nothing of this one.
        assert_eq!(
            VacantRecord::sent_back(&[first.clone()], Uuid::from_u128(6)),
            None
        );
        // The record made again, not reviewed yet: no longer sent back, in any order.
        let mut again = record();
        again.id = Uuid::from_u128(10);
        again.ended_at = at("2026-11-27T05:00:00Z");
        assert_eq!(
            VacantRecord::sent_back(&[again.clone(), first.clone()], unit),
            None
        );
        assert_eq!(
            VacantRecord::sent_back(&[first.clone(), again.clone()], unit),
            None
        );
        // A newer record that a supervisor set aside (settling a conflict) is not a new one.
        again.set_aside = true;
        assert_eq!(
            VacantRecord::sent_back(&[first.clone(), again.clone()], unit),
            Some("地面有水渍")
        );
        // Approved records are not sent back.
        first.review = Some(review(Verdict::Approved));
        assert_eq!(VacantRecord::sent_back(&[first], unit), None);
    }

    #[test]
    fn a_vacant_record_follows_the_standard() {
        assert_eq!(record().missing(), vec![]);
        record().check().unwrap();

        let mut r = record();
        r.photos.clear();
        assert_eq!(r.missing(), vec![RecordMissing::UnitPhoto]);
        assert!(r.check().is_err());

        // A problem needs a note and its own photo.
        let mut r = record();
        r.checks[1].pass = false;
        assert_eq!(
            r.missing(),
            vec![
                RecordMissing::ProblemNote {
                    item: VacantStandard::WallsClean
                },
                RecordMissing::ProblemPhoto {
                    item: VacantStandard::WallsClean
                }
            ]
        );
        r.checks[1].note = "墙角有蜘蛛网".into();
        r.photos.push(photo(2, "walls"));
        r.check().unwrap();
        assert!(!r.is_problem_free());

        // Every item of the standard, once.
        let mut r = record();
        r.checks.pop();
        assert_eq!(
            r.missing(),
            vec![RecordMissing::Item {
                item: VacantStandard::DoorsWindowsClosed
            }]
        );
        let mut r = record();
        r.ended_at = r.started_at - chrono::Duration::minutes(1);
        assert_eq!(r.missing(), vec![RecordMissing::Times]);
        let mut r = record();
        r.photos.push(photo(1, "floor"));
        assert_eq!(r.check(), Err(OpError::BadPhoto("the same photo twice")));
        let mut r = record();
        r.photos.push(photo(3, "kitchen"));
        assert_eq!(r.check(), Err(OpError::BadPhoto("no such photo slot")));
    }

    #[test]
    fn a_record_is_reviewed_until_approved() {
        let mut r = record();
        let empty = Verdict::SentBack { reason: " ".into() };
        assert!(r.review(empty, "s", at("2026-11-27T03:00:00Z")).is_err());
        assert_eq!(r.review, None);
        let back = Verdict::SentBack {
            reason: "门窗未关".into(),
        };
        r.review(back, "s", at("2026-11-27T03:00:00Z")).unwrap();
        r.review(Verdict::Approved, "s", at("2026-11-27T04:00:00Z"))
            .unwrap();
        assert_eq!(
            r.review(Verdict::Approved, "s", at("2026-11-27T05:00:00Z")),
            Err(OpError::Closed)
        );
    }

    /// A record saved on the phone moves the unit's last cleaning there at once, as the server
    /// will; an older record or another unit's leaves it; 23:30 UTC is the next China day.
    #[test]
    fn a_record_on_the_device_moves_the_unit_s_last_cleaning() {
        let today = d(2026, 11, 27);
        let overdue = unit(Some(d(2026, 10, 10)));
        assert!(matches!(overdue.due_state(today), UnitDue::Overdue { .. }));
        let mut cleaned = record();
        cleaned.ended_at = at("2026-11-26T23:30:00Z");
        let known = overdue.with_records(std::slice::from_ref(&cleaned));
        assert_eq!(known.last_cleaned, Some(d(2026, 11, 27)));
        assert!(matches!(known.due_state(today), UnitDue::Upcoming { .. }));

        let mut older = record();
        older.ended_at = at("2026-10-01T02:00:00Z");
        let mut elsewhere = record();
        elsewhere.unit_id = Uuid::from_u128(6);
        assert_eq!(
            overdue.with_records(&[older, elsewhere]).last_cleaned,
            Some(d(2026, 10, 10))
        );
    }
}
