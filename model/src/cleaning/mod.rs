//! Cleaning (保洁): areas, their checklist items and schedules, a day's ticks, and the monthly
//! vacant-unit record (《空置单元清洁记录表》).
//!
//! Areas, items and schedules are data the office keeps on the server; this module only says what
//! they mean: which items are due on a date, what a finished area or a valid record is.

mod area;
mod area_day;
mod photo_ref;
mod review;
mod vacant;

pub use area::{Area, AreaKind, ChecklistItem, Frequency, Schedule, due_items, weekday_number};
pub use area_day::{AreaDay, ItemMark, Mark};
pub use photo_ref::{MAX_PHOTOS_PER_RECORD, PhotoRef, check_photos};
pub use review::{Review, Verdict};
pub use vacant::{
    RecordMissing, UNIT_PHOTO_SLOT, UnitDue, VacantCheck, VacantRecord, VacantStandard, VacantUnit,
};
