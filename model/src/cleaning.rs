//! Cleaning (保洁): areas, their checklist items and schedules, a day's ticks, and the monthly
//! vacant-unit record (《空置单元清洁记录表》).
//!
//! Areas, items and schedules are data the office keeps on the server; this module only says what
//! they mean: which items are due on a date, what a finished area or a valid record is.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc, Weekday};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::op::{OpError, limits, text_ok};

/// What kind of place an area is; the app picks an icon and the patrol its areas by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AreaKind {
    Floor,
    Lobby,
    Rooftop,
    Lift,
    Restroom,
    TeaRoom,
    Exterior,
    GarbageRoom,
    /// 空置单元防火通道
    FireEscape,
    Stairway,
    OfficeArea,
    /// 商铺: the supervisor's monthly outlet check.
    CommercialOutlet,
    Other,
}

impl AreaKind {
    pub const ALL: [AreaKind; 13] = [
        AreaKind::Floor,
        AreaKind::Lobby,
        AreaKind::Rooftop,
        AreaKind::Lift,
        AreaKind::Restroom,
        AreaKind::TeaRoom,
        AreaKind::Exterior,
        AreaKind::GarbageRoom,
        AreaKind::FireEscape,
        AreaKind::Stairway,
        AreaKind::OfficeArea,
        AreaKind::CommercialOutlet,
        AreaKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AreaKind::Floor => "floor",
            AreaKind::Lobby => "lobby",
            AreaKind::Rooftop => "rooftop",
            AreaKind::Lift => "lift",
            AreaKind::Restroom => "restroom",
            AreaKind::TeaRoom => "tea_room",
            AreaKind::Exterior => "exterior",
            AreaKind::GarbageRoom => "garbage_room",
            AreaKind::FireEscape => "fire_escape",
            AreaKind::Stairway => "stairway",
            AreaKind::OfficeArea => "office_area",
            AreaKind::CommercialOutlet => "commercial_outlet",
            AreaKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<AreaKind> {
        AreaKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A place someone cleans or patrols. `cleaner` is the username of the cleaner responsible;
/// `patrol` puts it on the supervisor's rounds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Area {
    pub id: Uuid,
    pub team: String,
    /// As the staff call it, e.g. "A座 3F" or "大堂".
    pub name: String,
    pub kind: AreaKind,
    #[serde(default)]
    pub cleaner: Option<String>,
    #[serde(default)]
    pub patrol: bool,
    #[serde(default)]
    pub position: i64,
}

/// When a checklist item is due. Days past a month's end fall on its last day (a monthly item
/// on the 31st is due on 30 April and on 28 or 29 February).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
// Externally tagged ("daily", {"weekly": {"weekday": 1}}): an internally tagged enum costs the
// phone's wasm several KiB of buffering code per type.
#[serde(rename_all = "snake_case")]
pub enum Schedule {
    Daily,
    /// `weekday`: 1 = Monday … 7 = Sunday.
    Weekly {
        weekday: u8,
    },
    /// `day` of the month, 1–31.
    Monthly {
        day: u8,
    },
    /// `month` of the quarter (1–3; quarters start in January, April, July, October) and `day`.
    Quarterly {
        month: u8,
        day: u8,
    },
}

fn last_day_of_month(year: i32, month: u32) -> u32 {
    let first = NaiveDate::from_ymd_opt(year, month, 1).expect("months are 1-12");
    let next = first + Months::new(1);
    next.pred_opt().expect("a month has a last day").day()
}

impl Schedule {
    pub fn is_valid(self) -> bool {
        match self {
            Schedule::Daily => true,
            Schedule::Weekly { weekday } => (1..=7).contains(&weekday),
            Schedule::Monthly { day } => (1..=31).contains(&day),
            Schedule::Quarterly { month, day } => {
                (1..=3).contains(&month) && (1..=31).contains(&day)
            }
        }
    }

    /// Whether an item on this schedule is due on `date`.
    pub fn due_on(self, date: NaiveDate) -> bool {
        let on_day = |day: u8| {
            let last = last_day_of_month(date.year(), date.month());
            date.day() == u32::from(day).min(last)
        };
        match self {
            Schedule::Daily => true,
            Schedule::Weekly { weekday } => {
                date.weekday().number_from_monday() == u32::from(weekday)
            }
            Schedule::Monthly { day } => on_day(day),
            Schedule::Quarterly { month, day } => {
                (date.month() - 1) % 3 + 1 == u32::from(month) && on_day(day)
            }
        }
    }

    pub fn frequency(self) -> Frequency {
        match self {
            Schedule::Daily => Frequency::Daily,
            Schedule::Weekly { .. } => Frequency::Weekly,
            Schedule::Monthly { .. } => Frequency::Monthly,
            Schedule::Quarterly { .. } => Frequency::Quarterly,
        }
    }
}

/// How often, for the label beside an item ("周" / "月" / "季度").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    Daily,
    Weekly,
    Monthly,
    Quarterly,
}

/// Weekday numbers as stored, for readers of [`Schedule::Weekly`].
pub fn weekday_number(w: Weekday) -> u8 {
    w.number_from_monday() as u8
}

/// One thing to do in an area on its schedule, e.g. "擦拭电梯轿厢不锈钢面".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistItem {
    pub id: Uuid,
    pub area_id: Uuid,
    pub label: String,
    pub schedule: Schedule,
    #[serde(default)]
    pub position: i64,
}

/// The items of `area` due on `date`, in their order.
pub fn due_items(items: &[ChecklistItem], area: Uuid, date: NaiveDate) -> Vec<&ChecklistItem> {
    let due: Vec<&ChecklistItem> = items
        .iter()
        .filter(|i| i.area_id == area && i.schedule.due_on(date))
        .collect();
    // The frequencies in the order they are declared: daily first.
    crate::order::ordered(due, |i| {
        (i.schedule.frequency() as i64, i.position, String::new())
    })
}

/// A tick on an item: done, or a problem that became a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    Done,
    Problem,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemMark {
    pub mark: Mark,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// A supervisor's spot check of a cleaner's work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Approved,
    /// Sent back to the cleaner with the reason; they see it after sync.
    SentBack {
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub verdict: Verdict,
    pub by: String,
    pub at: DateTime<Utc>,
}

impl Verdict {
    pub fn check(&self) -> Result<(), OpError> {
        match self {
            Verdict::Approved => Ok(()),
            Verdict::SentBack { reason } => {
                if reason.trim().is_empty() || !text_ok(reason, limits::MAX_TEXT_CHARS) {
                    Err(OpError::BadValue("the reason for sending back"))
                } else {
                    Ok(())
                }
            }
        }
    }
}

/// An area's checklist on one date: the ticks so far, when it was finished, the spot check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaDay {
    pub area_id: Uuid,
    pub date: NaiveDate,
    /// Item id → its mark. A cleared tick is absent.
    #[serde(default)]
    pub marks: BTreeMap<Uuid, ItemMark>,
    #[serde(default)]
    pub finished_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub finished_by: Option<String>,
    #[serde(default)]
    pub review: Option<Review>,
    /// The server's sequence at the last change (0 on the device before sync).
    #[serde(default)]
    pub seq: i64,
}

impl AreaDay {
    pub fn new(area_id: Uuid, date: NaiveDate) -> AreaDay {
        AreaDay {
            area_id,
            date,
            marks: BTreeMap::new(),
            finished_at: None,
            finished_by: None,
            review: None,
            seq: 0,
        }
    }

    /// Tick, flag or clear an item. A ticked list can change until a supervisor approved it.
    pub fn mark(
        &mut self,
        item: Uuid,
        mark: Option<Mark>,
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<(), OpError> {
        if matches!(
            self.review,
            Some(Review {
                verdict: Verdict::Approved,
                ..
            })
        ) {
            return Err(OpError::Closed);
        }
        match mark {
            Some(mark) => {
                self.marks.insert(
                    item,
                    ItemMark {
                        mark,
                        by: by.to_string(),
                        at,
                    },
                );
            }
            None => {
                self.marks.remove(&item);
                self.finished_at = None;
                self.finished_by = None;
            }
        }
        Ok(())
    }

    /// How many of the `due` items carry a mark.
    pub fn done_of(&self, due: &[&ChecklistItem]) -> usize {
        due.iter()
            .filter(|i| self.marks.contains_key(&i.id))
            .count()
    }

    /// Finish the area: every due item must carry a mark. Finishing again after a send-back
    /// records the new time and clears the send-back.
    pub fn finish(
        &mut self,
        due: &[&ChecklistItem],
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<(), OpError> {
        if self.done_of(due) < due.len() {
            return Err(OpError::BadValue("items are still unticked"));
        }
        if matches!(
            self.review,
            Some(Review {
                verdict: Verdict::Approved,
                ..
            })
        ) {
            return Err(OpError::Closed);
        }
        self.finished_at = Some(at);
        self.finished_by = Some(by.to_string());
        if matches!(
            self.review,
            Some(Review {
                verdict: Verdict::SentBack { .. },
                ..
            })
        ) {
            self.review = None;
        }
        Ok(())
    }

    pub fn review(&mut self, verdict: Verdict, by: &str, at: DateTime<Utc>) -> Result<(), OpError> {
        verdict.check()?;
        if self.finished_at.is_none() && verdict == Verdict::Approved {
            return Err(OpError::BadValue("the area is not finished"));
        }
        self.review = Some(Review {
            verdict: verdict.clone(),
            by: by.to_string(),
            at,
        });
        if matches!(verdict, Verdict::SentBack { .. }) {
            self.finished_at = None;
            self.finished_by = None;
        }
        Ok(())
    }
}

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

/// Photo details carried by the operation that uses the photo; the bytes follow with
/// `PUT /api/photos/{photo_id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhotoRef {
    pub photo_id: Uuid,
    pub slot: String,
    pub sha256: String,
    pub bytes: u64,
    pub width: u32,
    pub height: u32,
    pub content_type: String,
}

impl PhotoRef {
    pub fn check(&self) -> Result<(), OpError> {
        crate::op::check_photo_fields(
            &self.sha256,
            self.bytes,
            self.width,
            self.height,
            &self.content_type,
        )?;
        if self.slot.is_empty()
            || self.slot.len() > 30
            || !self
                .slot
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return Err(OpError::BadPhoto("slot"));
        }
        Ok(())
    }
}

/// Check a set of photos: each valid, no id twice, at most `max`.
pub fn check_photos(photos: &[PhotoRef], max: usize) -> Result<(), OpError> {
    if photos.len() > max {
        return Err(OpError::BadPhoto("too many photos"));
    }
    for (i, p) in photos.iter().enumerate() {
        p.check()?;
        if photos[..i].iter().any(|q| q.photo_id == p.photo_id) {
            return Err(OpError::BadPhoto("the same photo twice"));
        }
    }
    Ok(())
}

/// The most photos one record, finding or closing may carry.
pub const MAX_PHOTOS_PER_RECORD: usize = 12;

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
    /// Why the supervisor sent back the unit's latest record, if they did: the unit must be
    /// cleaned again and a new record made (one made since clears it).
    pub fn sent_back(records: &[VacantRecord], unit: Uuid) -> Option<&str> {
        let latest = records
            .iter()
            .filter(|r| r.unit_id == unit)
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

    pub fn is_problem_free(&self) -> bool {
        self.checks.iter().all(|c| c.pass)
    }

    /// The record a `SaveVacantRecord` operation describes (None for any other operation), not
    /// yet checked: the phone and the server both build it here, then `check` it.
    pub fn from_op(op: &crate::Operation) -> Option<VacantRecord> {
        let crate::OpKind::SaveVacantRecord {
            record_id,
            unit_id,
            started_at,
            ended_at,
            checks,
            note,
            photos,
        } = &op.kind
        else {
            return None;
        };
        Some(VacantRecord {
            id: *record_id,
            unit_id: *unit_id,
            cleaner: op.user.clone(),
            started_at: *started_at,
            ended_at: *ended_at,
            checks: checks.clone(),
            note: note.clone(),
            photos: photos.clone(),
            review: None,
            seq: 0,
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
        self.review = Some(Review {
            verdict,
            by: by.to_string(),
            at,
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn daily_and_weekly_items() {
        assert!(Schedule::Daily.due_on(d(2026, 11, 27)));
        // 2026-11-27 is a Friday.
        assert!(Schedule::Weekly { weekday: 5 }.due_on(d(2026, 11, 27)));
        assert!(!Schedule::Weekly { weekday: 1 }.due_on(d(2026, 11, 27)));
        assert!(Schedule::Weekly { weekday: 1 }.due_on(d(2026, 11, 30)));
        assert!(Schedule::Weekly { weekday: 7 }.due_on(d(2026, 11, 29)));
    }

    #[test]
    fn monthly_items_past_the_month_end_fall_on_its_last_day() {
        let on_31 = Schedule::Monthly { day: 31 };
        assert!(on_31.due_on(d(2026, 1, 31)));
        assert!(on_31.due_on(d(2026, 4, 30)));
        assert!(!on_31.due_on(d(2026, 4, 29)));
        assert!(on_31.due_on(d(2026, 2, 28)));
        // Leap year: the 29th, not the 28th.
        assert!(on_31.due_on(d(2028, 2, 29)));
        assert!(!on_31.due_on(d(2028, 2, 28)));
        let on_29 = Schedule::Monthly { day: 29 };
        assert!(on_29.due_on(d(2027, 2, 28)));
        assert!(on_29.due_on(d(2028, 2, 29)));
        assert!(!on_29.due_on(d(2028, 2, 28)));
        // Exactly once in every month of four years.
        for schedule in [on_31, on_29, Schedule::Monthly { day: 1 }] {
            let mut date = d(2026, 1, 1);
            while date < d(2030, 1, 1) {
                let month_end = date + Months::new(1);
                let count = date
                    .iter_days()
                    .take_while(|x| *x < month_end)
                    .filter(|x| schedule.due_on(*x))
                    .count();
                assert_eq!(count, 1, "{schedule:?} in {date}");
                date = month_end;
            }
        }
    }

    #[test]
    fn quarterly_items_fall_once_a_quarter() {
        let deep = Schedule::Quarterly { month: 3, day: 31 };
        let days: Vec<NaiveDate> = d(2027, 1, 1)
            .iter_days()
            .take_while(|x| *x < d(2028, 1, 1))
            .filter(|x| deep.due_on(*x))
            .collect();
        assert_eq!(
            days,
            vec![
                d(2027, 3, 31),
                d(2027, 6, 30),
                d(2027, 9, 30),
                d(2027, 12, 31)
            ]
        );
        let first = Schedule::Quarterly { month: 1, day: 15 };
        assert!(first.due_on(d(2027, 10, 15)));
        assert!(!first.due_on(d(2027, 11, 15)));
    }

    #[test]
    fn invalid_schedules_are_known() {
        assert!(!Schedule::Weekly { weekday: 0 }.is_valid());
        assert!(!Schedule::Monthly { day: 32 }.is_valid());
        assert!(!Schedule::Quarterly { month: 4, day: 1 }.is_valid());
        assert!(Schedule::Quarterly { month: 2, day: 31 }.is_valid());
    }

    #[test]
    fn due_items_are_the_area_s_in_frequency_then_position_order() {
        let area = Uuid::from_u128(1);
        let other = Uuid::from_u128(2);
        let item = |n: u128, area_id, schedule, position| ChecklistItem {
            id: Uuid::from_u128(100 + n),
            area_id,
            label: format!("item {n}"),
            schedule,
            position,
        };
        let items = vec![
            item(1, area, Schedule::Monthly { day: 27 }, 1),
            item(2, area, Schedule::Daily, 2),
            item(3, area, Schedule::Daily, 1),
            item(4, other, Schedule::Daily, 0),
            item(5, area, Schedule::Weekly { weekday: 1 }, 0),
        ];
        let due: Vec<u128> = due_items(&items, area, d(2026, 11, 27))
            .iter()
            .map(|i| i.id.as_u128() - 100)
            .collect();
        assert_eq!(due, vec![3, 2, 1]);
    }

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn an_area_finishes_only_with_every_due_item_marked() {
        let area = Uuid::from_u128(1);
        let items: Vec<ChecklistItem> = (0..2)
            .map(|n| ChecklistItem {
                id: Uuid::from_u128(10 + n),
                area_id: area,
                label: "x".into(),
                schedule: Schedule::Daily,
                position: n as i64,
            })
            .collect();
        let due = due_items(&items, area, d(2026, 11, 27));
        let mut day = AreaDay::new(area, d(2026, 11, 27));
        day.mark(
            items[0].id,
            Some(Mark::Done),
            "c",
            at("2026-11-27T01:00:00Z"),
        )
        .unwrap();
        assert!(day.finish(&due, "c", at("2026-11-27T01:05:00Z")).is_err());
        day.mark(
            items[1].id,
            Some(Mark::Problem),
            "c",
            at("2026-11-27T01:06:00Z"),
        )
        .unwrap();
        day.finish(&due, "c", at("2026-11-27T01:07:00Z")).unwrap();
        assert_eq!(day.finished_at, Some(at("2026-11-27T01:07:00Z")));
        // Clearing a tick un-finishes the area.
        day.mark(items[1].id, None, "c", at("2026-11-27T01:08:00Z"))
            .unwrap();
        assert_eq!(day.finished_at, None);
        day.mark(
            items[1].id,
            Some(Mark::Done),
            "c",
            at("2026-11-27T01:09:00Z"),
        )
        .unwrap();
        day.finish(&due, "c", at("2026-11-27T01:10:00Z")).unwrap();

        // Sent back: unfinished with the reason; finishing again clears it.
        let back = Verdict::SentBack {
            reason: "地面有水".into(),
        };
        day.review(back, "s", at("2026-11-27T02:00:00Z")).unwrap();
        assert_eq!(day.finished_at, None);
        day.finish(&due, "c", at("2026-11-27T02:30:00Z")).unwrap();
        assert_eq!(day.review, None);
        day.review(Verdict::Approved, "s", at("2026-11-27T03:00:00Z"))
            .unwrap();
        assert_eq!(
            day.mark(items[0].id, None, "c", at("2026-11-27T03:01:00Z")),
            Err(OpError::Closed)
        );
        let empty = Verdict::SentBack { reason: " ".into() };
        assert!(day.review(empty, "s", at("2026-11-27T03:02:00Z")).is_err());
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
}
