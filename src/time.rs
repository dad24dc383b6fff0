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

/// The current time, ticking every 30 s while the calling component lives: countdowns move
/// without anyone touching the screen.
pub fn use_now() -> leptos::prelude::ReadSignal<DateTime<Utc>> {
    use leptos::prelude::*;
    let (now, set_now) = signal(Utc::now());
    let tick = gloo::timers::callback::Interval::new(30_000, move || set_now.set(Utc::now()));
    // Dropped, and so cancelled, when the component's owner goes away.
    StoredValue::new_local(tick);
    now
}
