//! An area's checklist on one date: the ticks, the finishing, the supervisor's spot check.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::area::ChecklistItem;
use super::review::{Review, Verdict};
use crate::conflict::{Side, Sides, Stamp};
use crate::validate::OpError;

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
    /// Item id → the change its shown mark (or clearing) came from: who, which device, when.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub stamps: BTreeMap<Uuid, Stamp>,
    /// Items in conflict (`crate::conflict`): the other device's mark, kept beside the one shown
    /// until the supervisor settles it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub conflicts: BTreeMap<Uuid, Side<Option<Mark>>>,
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
            stamps: BTreeMap::new(),
            conflicts: BTreeMap::new(),
        }
    }

    /// Tick, flag or clear an item. A ticked list can change until a supervisor approved it.
    /// A mark from another device that had not seen the item's mark is kept beside it
    /// (`crate::conflict`): the later action is shown, and the item is in conflict.
    pub fn mark(&mut self, item: Uuid, mark: Option<Mark>, stamp: Stamp) -> Result<(), OpError> {
        if self.approved() {
            return Err(OpError::Closed);
        }
        let change = Side { value: mark, stamp };
        let sides = match self.sides(item) {
            Some(sides) => sides.meet(change),
            None => Sides::new(change),
        };
        self.show(item, sides);
        Ok(())
    }

    /// Settle an item's conflict by keeping the mark `device` gave; refused when the item is not
    /// in conflict (a second settling) or no side came from that device.
    pub fn settle(&mut self, item: Uuid, device: Uuid) -> Result<(), OpError> {
        if self.approved() {
            return Err(OpError::Closed);
        }
        let settled = self
            .sides(item)
            .and_then(|sides| sides.settle(device))
            .ok_or(OpError::WrongState)?;
        self.show(item, settled);
        Ok(())
    }

    /// Whether any item's mark is in conflict.
    pub fn in_conflict(&self) -> bool {
        !self.conflicts.is_empty()
    }

    fn approved(&self) -> bool {
        matches!(
            self.review,
            Some(Review {
                verdict: Verdict::Approved,
                ..
            })
        )
    }

    /// An item's value as stored, when a stamped change made it.
    fn sides(&self, item: Uuid) -> Option<Sides<Option<Mark>>> {
        let stamp = self.stamps.get(&item)?.clone();
        Some(Sides {
            shown: Side {
                value: self.marks.get(&item).map(|m| m.mark),
                stamp,
            },
            other: self.conflicts.get(&item).cloned(),
        })
    }

    fn show(&mut self, item: Uuid, sides: Sides<Option<Mark>>) {
        let Side { value, stamp } = sides.shown;
        match value {
            Some(mark) => {
                self.marks.insert(
                    item,
                    ItemMark {
                        mark,
                        by: stamp.by.clone(),
                        at: stamp.at,
                    },
                );
            }
            None => {
                self.marks.remove(&item);
                self.finished_at = None;
                self.finished_by = None;
            }
        }
        self.stamps.insert(item, stamp);
        match sides.other {
            Some(other) => self.conflicts.insert(item, other),
            None => self.conflicts.remove(&item),
        };
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
        if self.approved() {
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
        if self.in_conflict() && verdict == Verdict::Approved {
            return Err(OpError::BadValue("a conflict is not settled"));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cleaning::{Schedule, due_items};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn by(name: &str, when: DateTime<Utc>) -> Stamp {
        Stamp {
            by: name.into(),
            device: Uuid::from_u128(99),
            at: when,
            received_at: None,
        }
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
            by("c", at("2026-11-27T01:00:00Z")),
        )
        .unwrap();
        assert!(day.finish(&due, "c", at("2026-11-27T01:05:00Z")).is_err());
        day.mark(
            items[1].id,
            Some(Mark::Problem),
            by("c", at("2026-11-27T01:06:00Z")),
        )
        .unwrap();
        day.finish(&due, "c", at("2026-11-27T01:07:00Z")).unwrap();
        assert_eq!(day.finished_at, Some(at("2026-11-27T01:07:00Z")));
        // Clearing a tick un-finishes the area.
        day.mark(items[1].id, None, by("c", at("2026-11-27T01:08:00Z")))
            .unwrap();
        assert_eq!(day.finished_at, None);
        day.mark(
            items[1].id,
            Some(Mark::Done),
            by("c", at("2026-11-27T01:09:00Z")),
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
            day.mark(items[0].id, None, by("c", at("2026-11-27T03:01:00Z"))),
            Err(OpError::Closed)
        );
        let empty = Verdict::SentBack { reason: " ".into() };
        assert!(day.review(empty, "s", at("2026-11-27T03:02:00Z")).is_err());
    }
}
