//! Two devices, one value: the one rule for a value that two devices can change while apart.
//!
//! Operations state intent and the server applies them in its own order, so "whichever phone
//! reached the server last wins" would make what a record shows depend on which phone found
//! signal first. Instead every change carries a [`Stamp`]: who, from which device, when they acted
//! (the device's time corrected by the clock offset the server measured for its batch), and when
//! the server received it. When a change meets the value stored before it, the rule is:
//!
//! - **Same device**: the device saw its own earlier value (its outbox is sent in order): the new
//!   value replaces it.
//! - **Another device, which could not have seen the stored value**: both are kept, and the
//!   record is in conflict until someone settles it ([`Sides::settle`]).
//! - **Another device, which could have seen it**: the new value replaces it, as any later change.
//!
//! *Could not have seen it* is decided by the server's own clock: a device can only have seen a
//! value after the server had it, and it sees it only on its next pull, which the phone makes
//! after every push, on opening and on a timer. So a change whose action time is earlier than the
//! stored value's arrival plus [`SEEN_AFTER`] was made without it. The window errs towards
//! flagging: a change made just after the other arrived is flagged for review rather than
//! silently replacing it. A change with no arrival (the phone's own preview) never contests.
//!
//! What the record shows never depends on arrival order: a change that replaces one was made
//! later (it acted after the other arrived), and of two contested values the one shown is the later
//! action, the device id breaking a tie ([`Stamp::shown_before`]); the other is kept beside it.
//! So two phones of one cleaner marking an item differently offline end with the same record
//! whichever reconnects first.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::op::Operation;
use crate::validate::OpError;

/// How long after a value reached the server another device is taken to have seen it.
pub const SEEN_AFTER: Duration = Duration::minutes(10);

/// When and how an operation reached the server (none on the phone, which only previews).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arrival {
    /// The server's clock when the batch came in.
    pub received_at: DateTime<Utc>,
    /// The batch's device time minus the server's: positive when the device's clock is ahead.
    pub clock_offset_ms: Option<i64>,
}

/// Who changed a value, from which device, when they acted, and when the server received it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub by: String,
    pub device: Uuid,
    /// The action time: the device's time, corrected by the offset measured when it arrived.
    pub at: DateTime<Utc>,
    /// The server's clock when it arrived (None: a change not yet sent).
    #[serde(default)]
    pub received_at: Option<DateTime<Utc>>,
}

impl Stamp {
    /// The stamp of `op`'s change, as it arrived (`arrival`) or as the device made it (None).
    pub fn of(op: &Operation, arrival: Option<&Arrival>) -> Stamp {
        let offset = arrival.and_then(|a| a.clock_offset_ms).unwrap_or(0);
        Stamp {
            by: op.user.clone(),
            device: op.device_id,
            at: op.device_time - Duration::milliseconds(offset),
            received_at: arrival.map(|a| a.received_at),
        }
    }

    /// Whether this change was made without `stored`, the value it meets: from another device,
    /// before that value could have reached it.
    pub fn contests(&self, stored: &Stamp) -> bool {
        self.received_at.is_some()
            && self.device != stored.device
            && stored.received_at.is_some_and(|r| self.at < r + SEEN_AFTER)
    }

    /// Of two contested values, whether this one is shown before `other`: the later action, then
    /// the greater device id.
    pub fn shown_before(&self, other: &Stamp) -> bool {
        (self.at, self.device) > (other.at, other.device)
    }
}

/// One value with the stamp of the change that made it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Side<T> {
    pub value: T,
    pub stamp: Stamp,
}

/// A value as stored: the one shown, and the other one kept beside it while in conflict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sides<T> {
    pub shown: Side<T>,
    pub other: Option<Side<T>>,
}

impl<T: PartialEq> Sides<T> {
    pub fn new(shown: Side<T>) -> Sides<T> {
        Sides { shown, other: None }
    }

    pub fn in_conflict(&self) -> bool {
        self.other.is_some()
    }

    /// The value after `change`: it replaces each side it has seen (or its own device's), and is
    /// kept beside one it could not have seen. Of three values from three devices the two latest
    /// are kept (every one stays in the operations' log).
    pub fn meet(self, change: Side<T>) -> Sides<T> {
        let mut kept: Vec<Side<T>> = [Some(self.shown), self.other]
            .into_iter()
            .flatten()
            .filter(|side| change.stamp.contests(&side.stamp) && side.value != change.value)
            .collect();
        kept.push(change);
        // Shown first: the later action, then the greater device id (`Stamp::shown_before`).
        // Picked rather than sorted: a sort is several KiB of the phone's wasm per value type.
        let latest = |kept: &mut Vec<Side<T>>| {
            let i = (0..kept.len()).max_by_key(|&i| (kept[i].stamp.at, kept[i].stamp.device))?;
            Some(kept.swap_remove(i))
        };
        let shown = latest(&mut kept).expect("the change is kept");
        Sides {
            shown,
            other: latest(&mut kept),
        }
    }

    /// Settle a conflict by keeping the value `device` gave. None: nothing to settle, or no side
    /// from that device (a second settling finds the conflict already gone).
    pub fn settle(self, device: Uuid) -> Option<Sides<T>> {
        let other = self.other?;
        let keep = if self.shown.stamp.device == device {
            self.shown
        } else if other.stamp.device == device {
            other
        } else {
            return None;
        };
        Some(Sides::new(keep))
    }
}

/// A record made whole, once, on one device (a vacant-unit record, a patrol round). Two of them
/// made of the same thing on two devices apart, that say different things, are in conflict by the
/// rule above: both are kept, each naming the other ([`meet`]), until the supervisor keeps one and
/// the other is set aside ([`settle`]); a set-aside record stays on record but is not counted.
pub trait Twin {
    fn id(&self) -> Uuid;
    fn stamp(&self) -> Option<&Stamp>;
    /// Whether `other` records the same thing (one unit's day; one supervisor's round of a kind
    /// and day).
    fn same_thing(&self, other: &Self) -> bool;
    /// Whether the two say the same: then they are no conflict.
    fn agrees(&self, other: &Self) -> bool;
    /// The record it is in conflict with, and whether it was set aside.
    fn pairing(&mut self) -> (&mut Option<Uuid>, &mut bool);
}

/// Meet `new`, just arrived, with `stored`, a record already there: in conflict when they record
/// the same thing, differ, and were made on two devices apart. Returns whether they now are. A
/// record set aside or already in conflict is not met again.
pub fn meet<T: Twin>(new: &mut T, stored: &mut T) -> bool {
    let (new_id, stored_id) = (new.id(), stored.id());
    let (with, aside) = stored.pairing();
    if stored_id == new_id || *aside || with.is_some() || !new.same_thing(stored) {
        return false;
    }
    let contested = match (new.stamp(), stored.stamp()) {
        (Some(n), Some(s)) => n.contests(s),
        _ => false,
    };
    if !contested || new.agrees(stored) {
        return false;
    }
    *new.pairing().0 = Some(stored_id);
    *stored.pairing().0 = Some(new_id);
    true
}

/// Settle a conflict by keeping `keep`: `other`, the one it is in conflict with, is set aside.
/// Refused when they are not in conflict with each other (a second settling).
pub fn settle<T: Twin>(keep: &mut T, other: &mut T) -> Result<(), OpError> {
    let (keep_id, other_id) = (keep.id(), other.id());
    let (kept_with, _) = keep.pairing();
    if *kept_with != Some(other_id) {
        return Err(OpError::WrongState);
    }
    let (other_with, other_aside) = other.pairing();
    if *other_with != Some(keep_id) {
        return Err(OpError::WrongState);
    }
    *other_with = None;
    *other_aside = true;
    *keep.pairing().0 = None;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn side(value: &str, device: u128, acted: &str, received: Option<&str>) -> Side<String> {
        Side {
            value: value.into(),
            stamp: Stamp {
                by: "cleaner1".into(),
                device: Uuid::from_u128(device),
                at: at(acted),
                received_at: received.map(at),
            },
        }
    }

    #[test]
    fn two_devices_apart_keep_both_and_show_the_same_whichever_arrives_first() {
        // Phone 1 acts at 09:00, phone 2 at 09:05, both offline; each reconnects at 10:00 or 10:30.
        let a = |recv| side("done", 1, "2026-12-07T09:00:00Z", Some(recv));
        let b = |recv| side("problem", 2, "2026-12-07T09:05:00Z", Some(recv));
        let first = |s: Side<String>| Sides::new(s);
        let a_first = first(a("2026-12-07T10:00:00Z")).meet(b("2026-12-07T10:30:00Z"));
        let b_first = first(b("2026-12-07T10:00:00Z")).meet(a("2026-12-07T10:30:00Z"));
        for sides in [&a_first, &b_first] {
            assert!(sides.in_conflict());
            assert_eq!(sides.shown.value, "problem", "the later action is shown");
            assert_eq!(
                sides.other.as_ref().unwrap().value,
                "done",
                "and the other kept"
            );
        }
        // A tie in action time: the device id decides, in both orders.
        let c = |recv| side("done", 3, "2026-12-07T09:05:00Z", Some(recv));
        let one = first(b("2026-12-07T10:00:00Z")).meet(c("2026-12-07T10:30:00Z"));
        let two = first(c("2026-12-07T10:00:00Z")).meet(b("2026-12-07T10:30:00Z"));
        assert_eq!(one.shown.stamp.device, two.shown.stamp.device);
        assert_eq!(one.shown.stamp.device, Uuid::from_u128(3));
    }

    #[test]
    fn a_change_made_after_the_other_could_be_seen_or_from_the_same_device_replaces_it() {
        let stored = Sides::new(side(
            "done",
            1,
            "2026-12-07T09:00:00Z",
            Some("2026-12-07T09:01:00Z"),
        ));
        // Phone 2 acted at 09:30, twenty minutes after phone 1's value reached the server.
        let later = side(
            "problem",
            2,
            "2026-12-07T09:30:00Z",
            Some("2026-12-07T09:31:00Z"),
        );
        let after = stored.clone().meet(later);
        assert!(!after.in_conflict());
        assert_eq!(after.shown.value, "problem");
        // Within the window: flagged, not silently replaced.
        let soon = side(
            "problem",
            2,
            "2026-12-07T09:05:00Z",
            Some("2026-12-07T09:31:00Z"),
        );
        assert!(stored.clone().meet(soon).in_conflict());
        // The same device, however late it arrives.
        let own = side(
            "problem",
            1,
            "2026-12-07T08:00:00Z",
            Some("2026-12-07T12:00:00Z"),
        );
        assert_eq!(stored.clone().meet(own).shown.value, "problem");
        // The same value from two devices is no conflict.
        let same = side(
            "done",
            2,
            "2026-12-07T08:59:00Z",
            Some("2026-12-07T10:00:00Z"),
        );
        assert!(!stored.clone().meet(same).in_conflict());
        // The phone's own preview never contests.
        let preview = side("problem", 2, "2026-12-07T08:00:00Z", None);
        assert!(!stored.meet(preview).in_conflict());
    }

    #[test]
    fn a_conflict_is_settled_once_by_keeping_one_device_s_value() {
        let sides = Sides::new(side(
            "done",
            1,
            "2026-12-07T09:00:00Z",
            Some("2026-12-07T10:00:00Z"),
        ))
        .meet(side(
            "problem",
            2,
            "2026-12-07T09:05:00Z",
            Some("2026-12-07T10:30:00Z"),
        ));
        let settled = sides.clone().settle(Uuid::from_u128(1)).unwrap();
        assert_eq!(settled.shown.value, "done");
        assert!(!settled.in_conflict());
        assert_eq!(settled.settle(Uuid::from_u128(1)), None, "exactly once");
        assert_eq!(
            sides.settle(Uuid::from_u128(7)),
            None,
            "no side from that device"
        );
        // A change by a device that still sees the conflict replaces its own side only.
        let again = Sides::new(side(
            "a",
            1,
            "2026-12-07T09:00:00Z",
            Some("2026-12-07T10:00:00Z"),
        ))
        .meet(side(
            "b",
            2,
            "2026-12-07T09:05:00Z",
            Some("2026-12-07T10:01:00Z"),
        ))
        .meet(side(
            "c",
            2,
            "2026-12-07T09:06:00Z",
            Some("2026-12-07T10:02:00Z"),
        ));
        assert_eq!(
            (again.shown.value.as_str(), again.other.map(|o| o.value)),
            ("c", Some("a".to_string()))
        );
    }

    #[test]
    fn a_re_mark_made_with_both_values_in_view_settles_the_person_s_own_conflict() {
        // Phone 2's value reached the server at 10:30; at 10:45 the person, who has seen both,
        // marks again on phone 1: that is their decision, and the conflict is gone.
        let conflict = Sides::new(side(
            "done",
            1,
            "2026-12-07T09:00:00Z",
            Some("2026-12-07T10:00:00Z"),
        ))
        .meet(side(
            "problem",
            2,
            "2026-12-07T09:05:00Z",
            Some("2026-12-07T10:30:00Z"),
        ));
        assert!(conflict.in_conflict());
        let decided = conflict.clone().meet(side(
            "done",
            1,
            "2026-12-07T10:45:00Z",
            Some("2026-12-07T10:46:00Z"),
        ));
        assert!(!decided.in_conflict());
        assert_eq!(decided.shown.value, "done");
        // Within ten minutes of the later arrival it may not have been seen: still in conflict.
        let hasty = conflict.meet(side(
            "done",
            1,
            "2026-12-07T10:35:00Z",
            Some("2026-12-07T10:36:00Z"),
        ));
        assert!(hasty.in_conflict());
    }
}
