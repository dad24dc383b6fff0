//! Times at the desk, in China time (UTC+8) whatever the computer's own zone: the call centre,
//! the stations and the customers all read Beijing time, and the 16:30 list is Beijing's 16:30.
//! Formatted and parsed by hand (chrono's strftime costs the wasm more than these lines).

use chrono::{DateTime, Datelike, Duration, NaiveDate, Timelike, Utc};

const OFFSET: Duration = Duration::hours(8);

/// "2026-11-27T14:05", what `<input type=datetime-local>` holds, in China time.
pub fn to_input(at: DateTime<Utc>) -> String {
    let t = (at + OFFSET).naive_utc();
    format!(
        "{}-{:02}-{:02}T{:02}:{:02}",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute()
    )
}

/// A `datetime-local` value read as China time; `None` when it is not one.
pub fn from_input(s: &str) -> Option<DateTime<Utc>> {
    let (date, time) = s.trim().split_once('T')?;
    let mut d = date.split('-').map(|p| p.parse::<u32>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    let mut t = time.split(':').map(|p| p.parse::<u32>().ok());
    let (h, min) = (t.next()??, t.next()??);
    let naive = NaiveDate::from_ymd_opt(y as i32, m, day)?.and_hms_opt(h, min, 0)?;
    Some(naive.and_utc() - OFFSET)
}

/// "11-27 14:05" in China time.
pub fn short(at: DateTime<Utc>) -> String {
    let t = (at + OFFSET).naive_utc();
    format!(
        "{:02}-{:02} {:02}:{:02}",
        t.month(),
        t.day(),
        t.hour(),
        t.minute()
    )
}

/// "2026-11-27 14:05" in China time.
pub fn full(at: DateTime<Utc>) -> String {
    to_input(at).replacen('T', " ", 1)
}

/// A deadline: "2026-11-27 24:00" for the end of a day (the complaint rules' due times), else as
/// [`full`].
pub fn due(at: DateTime<Utc>) -> String {
    let t = (at + OFFSET).naive_utc();
    if t.hour() == 0 && t.minute() == 0 {
        let day = t.date().pred_opt().unwrap_or(t.date());
        format!("{}-{:02}-{:02} 24:00", day.year(), day.month(), day.day())
    } else {
        full(at)
    }
}
