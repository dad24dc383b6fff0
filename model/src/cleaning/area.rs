//! Areas, their checklist items and the schedules that say when an item is due.
//!
//! Areas and items are data the office keeps on the server; this says what they mean.

use chrono::{Datelike, Months, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

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
}
