//! Times as people read them: the device's local time zone, short and unambiguous.

use chrono::{DateTime, Datelike, Local, Timelike, Utc};

// Formatted by hand: chrono's strftime machinery costs the wasm more than these two lines.

/// "11-27 14:05" in the device's time zone.
pub fn short(at: DateTime<Utc>) -> String {
    let t = at.with_timezone(&Local);
    format!(
        "{:02}-{:02} {:02}:{:02}",
        t.month(),
        t.day(),
        t.hour(),
        t.minute()
    )
}

/// "14:05" today, else "11-27 14:05", in the device's time zone.
pub fn when(at: DateTime<Utc>) -> String {
    let s = short(at);
    let day = |t: DateTime<Utc>| t.with_timezone(&Local).date_naive();
    if day(at) == day(now()) {
        s[6..].to_string()
    } else {
        s
    }
}

/// "2026-11-27 14:05" in the device's time zone.
pub fn full(at: DateTime<Utc>) -> String {
    let t = at.with_timezone(&Local);
    format!(
        "{}-{:02}-{:02} {:02}:{:02}",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute()
    )
}

thread_local! {
    /// How far this device's clock is ahead of the server's, in ms, as measured at the last pull.
    static AHEAD_MS: std::cell::Cell<i64> = const { std::cell::Cell::new(0) };
}

/// Keep how far this device's clock is ahead of the server's (`fieldbook_model::clock`): read
/// from storage at start, measured again at every pull.
pub fn set_ahead_ms(ahead: i64) {
    AHEAD_MS.with(|a| a.set(ahead));
}

/// How far this device's clock is ahead of the server's, in ms (negative: behind).
pub fn ahead_ms() -> i64 {
    AHEAD_MS.with(|a| a.get())
}

/// The best time this device knows: its clock corrected by the offset measured against the
/// server (`fieldbook_model::clock::best_time`). Every countdown, every "late" and every photo
/// name's date use it; operations still carry the device's own clock, which the server corrects
/// the same way and keeps on record.
pub fn now() -> DateTime<Utc> {
    fieldbook_model::clock::best_time(Utc::now(), ahead_ms())
}

/// The best time known, ticking every 30 s while the calling component lives: countdowns move
/// without anyone touching the screen.
pub fn use_now() -> leptos::prelude::ReadSignal<DateTime<Utc>> {
    use leptos::prelude::*;
    let (now, set_now) = signal(now());
    let tick = gloo::timers::callback::Interval::new(30_000, move || set_now.set(self::now()));
    // A new offset (the first pull after sign-in measures it) moves the countdowns at once, not
    // at the next tick: a phone a year ahead showed "已超时 8729 小时" for half a minute.
    if let Some(sync) = use_context::<crate::sync::SyncState>() {
        Effect::new(move |_| {
            sync.clock_ahead_ms.track();
            set_now.set(self::now());
        });
    }
    // Dropped, and so cancelled, when the component's owner goes away.
    StoredValue::new_local(tick);
    now
}
