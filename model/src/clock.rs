//! Clocks are data, never truth.
//!
//! A device's clock can be anything: a year ahead, a day behind, changed by hand. Fieldbook keeps
//! what the device said (an operation's `device_time` is stored as sent) but judges by the best
//! time it knows: the device's time corrected by how far that device's clock is off the server's.
//!
//! - The phone measures it at every pull (server time minus its own) and uses
//!   [`best_time`] for every countdown, every "late" and the date in a photo's name.
//! - The server measures it for every batch of operations (the batch's `sent_at`, the device's
//!   clock when it sent, against the server's clock when it arrived) and judges status steps,
//!   arrivals, report deadlines and scorecards by the corrected time, never later than the
//!   moment the operation arrived. A batch without `sent_at` (an old phone) is judged by the
//!   device's time, as before.
//! - An offset within [`TOLERANCE_MS`] is the network's delay, not a wrong clock: times are left
//!   as the device said. One beyond [`SHOWN_FROM_MS`] is shown: the office sees "device clock off
//!   by N min" on the steps and photos it touched, and the phone asks its user to fix the clock.

use chrono::{DateTime, Duration, Utc};

use crate::op::Operation;

/// Offsets up to this (either way) are network delay, not a wrong clock.
pub const TOLERANCE_MS: i64 = 60_000;
/// Offsets beyond this are shown to people: on the office's order page and on the phone.
pub const SHOWN_FROM_MS: i64 = 5 * 60_000;

/// The best time known for `device_time`, a time read from a device's clock that is `ahead_ms`
/// ahead of the server's (negative: behind).
pub fn best_time(device_time: DateTime<Utc>, ahead_ms: i64) -> DateTime<Utc> {
    if ahead_ms.abs() <= TOLERANCE_MS {
        device_time
    } else {
        device_time - Duration::milliseconds(ahead_ms)
    }
}

/// How far off a clock `ahead_ms` ahead is, in whole minutes (negative: behind), when it is far
/// enough off to tell people; `None` when it is not.
pub fn shown_minutes(ahead_ms: i64) -> Option<i64> {
    (ahead_ms.abs() > SHOWN_FROM_MS).then_some(ahead_ms / 60_000)
}

impl Operation {
    /// The operation as it is judged: its `device_time` replaced by the best time known for it,
    /// from a device whose clock is `ahead_ms` ahead, never later than `latest` (when the server
    /// received it). The operation as sent is what is kept on record.
    pub fn judged(&self, ahead_ms: i64, latest: Option<DateTime<Utc>>) -> Operation {
        let mut at = best_time(self.device_time, ahead_ms);
        if let Some(latest) = latest {
            at = at.min(latest);
        }
        Operation {
            device_time: at,
            ..self.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::op::OpKind;
    use crate::photo::EXTRA_SLOT;
    use uuid::Uuid;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    const YEAR_MS: i64 = 365 * 24 * 3600 * 1000;

    #[test]
    fn small_offsets_are_network_delay_and_leave_the_time_alone() {
        let t = at("2026-12-07T02:00:00Z");
        assert_eq!(best_time(t, 0), t);
        assert_eq!(best_time(t, TOLERANCE_MS), t);
        assert_eq!(best_time(t, -TOLERANCE_MS), t);
        assert_eq!(shown_minutes(SHOWN_FROM_MS), None);
    }

    #[test]
    fn a_clock_a_year_ahead_or_an_hour_behind_is_corrected() {
        assert_eq!(
            best_time(at("2027-12-07T02:00:00Z"), YEAR_MS),
            at("2026-12-07T02:00:00Z")
        );
        assert_eq!(
            best_time(at("2026-12-07T01:00:00Z"), -3_600_000),
            at("2026-12-07T02:00:00Z")
        );
        assert_eq!(shown_minutes(YEAR_MS), Some(525_600));
        assert_eq!(shown_minutes(-3_600_000), Some(-60));
        assert_eq!(shown_minutes(-SHOWN_FROM_MS - 60_000), Some(-6));
    }

    #[test]
    fn a_judged_operation_is_never_later_than_its_arrival() {
        let op = Operation {
            id: Uuid::new_v4(),
            user: "zhang".into(),
            device_id: Uuid::new_v4(),
            device_time: at("2026-12-07T03:00:00Z"),
            kind: OpKind::SetStatus {
                work_order_id: Uuid::new_v4(),
                node: crate::work_order::StatusNode::Arrived,
            },
        };
        // Measured 10 min behind at sending, but the time would land after the arrival.
        let judged = op.judged(-600_000, Some(at("2026-12-07T03:05:00Z")));
        assert_eq!(judged.device_time, at("2026-12-07T03:05:00Z"));
        assert_eq!(judged.kind, op.kind);
        assert_eq!(judged.id, op.id);
    }

    /// The naming rule: the date in a photo's name is the China date of the best time known for
    /// when it was taken, not of the device's own clock.
    #[test]
    fn a_phone_a_year_ahead_names_the_photo_with_the_corrected_date() {
        let mut wo = crate::dispatch::tests::order("VCEC210DT00012345", "2026-12-06T02:00:00Z");
        let op = Operation {
            id: Uuid::new_v4(),
            user: wo.assignee.clone(),
            device_id: Uuid::new_v4(),
            // 10:00 China time on 2027-12-07 by the phone; really 2026-12-07.
            device_time: at("2027-12-07T02:00:00Z"),
            kind: OpKind::AddPhoto {
                work_order_id: wo.id,
                photo_id: Uuid::new_v4(),
                slot: EXTRA_SLOT.into(),
                sha256: "a".repeat(64),
                bytes: 1000,
                width: 800,
                height: 600,
                content_type: "image/jpeg".into(),
            },
        };
        op.judged(YEAR_MS, None).apply_to(&mut wo).unwrap();
        let name = &wo.photos.last().unwrap().name;
        assert!(name.contains("-20261207-"), "{name}");
        assert_eq!(
            wo.photos.last().unwrap().taken_at,
            Some(at("2026-12-07T02:00:00Z"))
        );
    }
}
