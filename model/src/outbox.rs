//! The outbox's rules, as plain functions over plain data.
//!
//! The PWA keeps its outbox in IndexedDB; the rules of which entries go next, and what the
//! server's answer does to them, live here so that the phone and the protocol's state-machine
//! test (server/tests/api/protocol.rs, against the real server) run the same code.
//!
//! How the uploader uses them, one round at a time:
//! 1. `let batch = next_batch(&entries, MAX_OPS_PER_BATCH)` on the outbox, oldest first;
//! 2. `let request = batch_request(&batch, device_now)`, `POST /api/ops` it;
//! 3. `judge_ops_reply(..)` (crate::sync) on the raw answer; only on `PushVerdict::Results`:
//! 4. `let settlement = settle(&mut entries, &results)`, then delete `settlement.sent` and
//!    store `settlement.rejected` in one transaction. Any other verdict changes nothing (count
//!    the try with [`mark_tried`] if wanted): the same entries go again next time.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::op::{Operation, RejectCode};
use crate::sync::{OpResult, OpsRequest, Outcome};

/// Where an outbox entry stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryState {
    /// Saved on this device, not yet confirmed by the server.
    Queued,
    /// The server refused it; it stays, with the reason, for the person to see.
    Rejected,
}

/// One operation in the outbox. The same shape (and serde names) as the PWA's IndexedDB rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxEntry {
    /// IndexedDB's auto-increment key: the order the person acted in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seq: Option<u32>,
    pub op: Operation,
    pub state: EntryState,
    #[serde(default)]
    pub code: Option<RejectCode>,
    #[serde(default)]
    pub reason: Option<String>,
    pub tries: u32,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub last_try_at: Option<DateTime<Utc>>,
}

impl OutboxEntry {
    /// A new entry for what the person just did: queued, never tried.
    pub fn queued(op: Operation) -> OutboxEntry {
        OutboxEntry {
            seq: None,
            created_at: op.device_time,
            op,
            state: EntryState::Queued,
            code: None,
            reason: None,
            tries: 0,
            last_try_at: None,
        }
    }
}

/// What an answer did to the outbox: the entries that left it and the ones now refused.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Settlement {
    /// Applied or duplicate: the server has them. Delete these rows.
    pub sent: Vec<OutboxEntry>,
    /// Refused, with the server's code and reason. Store these rows as they are now.
    pub rejected: Vec<OutboxEntry>,
}

/// The oldest queued entries, at most `limit`, in the order of `entries`.
///
/// `entries` must be in the order the person acted (IndexedDB key order). Always starting from
/// the oldest queued entry is what keeps the server's order the person's: a later entry can
/// only reach the server in a batch that carries every earlier queued one before it.
pub fn next_batch(entries: &[OutboxEntry], limit: usize) -> Vec<OutboxEntry> {
    entries
        .iter()
        .filter(|e| e.state == EntryState::Queued)
        .take(limit)
        .cloned()
        .collect()
}

/// The request for a batch, with the device's clock at sending.
pub fn batch_request(batch: &[OutboxEntry], sent_at: DateTime<Utc>) -> OpsRequest {
    OpsRequest {
        ops: batch.iter().map(|e| e.op.clone()).collect(),
        sent_at: Some(sent_at),
    }
}

/// The operation ids of a batch, as `judge_ops_reply` wants them.
pub fn batch_ids(batch: &[OutboxEntry]) -> Vec<Uuid> {
    batch.iter().map(|e| e.op.id).collect()
}

/// Take the server's answers (already judged to be its own): applied and duplicate entries leave
/// the outbox, rejected ones stay with the server's code and reason. Entries the answer does
/// not name stay as they are, and so do answers naming no entry (a stale answer for entries
/// that already left).
///
/// Settling the same answer twice changes nothing the second time.
pub fn settle(entries: &mut Vec<OutboxEntry>, results: &[OpResult]) -> Settlement {
    let mut settlement = Settlement::default();
    entries.retain_mut(|entry| {
        let Some(result) = results.iter().find(|r| r.id == entry.op.id) else {
            return true;
        };
        match result.outcome {
            Outcome::Applied | Outcome::Duplicate => {
                settlement.sent.push(entry.clone());
                false
            }
            Outcome::Rejected => {
                entry.state = EntryState::Rejected;
                entry.code = result.code;
                entry.reason = result.reason.clone();
                settlement.rejected.push(entry.clone());
                true
            }
        }
    });
    settlement
}

/// Count a try on the entries of `batch` (they stay queued).
pub fn mark_tried(entries: &mut [OutboxEntry], batch: &[Uuid], at: DateTime<Utc>) {
    for entry in entries.iter_mut().filter(|e| batch.contains(&e.op.id)) {
        entry.tries += 1;
        entry.last_try_at = Some(at);
    }
}

/// How many entries wait, and how many the server refused.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboxCounts {
    pub queued: usize,
    pub rejected: usize,
}

pub fn counts(entries: &[OutboxEntry]) -> OutboxCounts {
    let rejected = entries
        .iter()
        .filter(|e| e.state == EntryState::Rejected)
        .count();
    OutboxCounts {
        queued: entries.len() - rejected,
        rejected,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::op::OpKind;
    use crate::work_order::StatusNode;
    use proptest::prelude::*;

    fn entry(n: u128) -> OutboxEntry {
        let mut e = OutboxEntry::queued(Operation {
            id: Uuid::from_u128(n + 1),
            user: "engineer1".into(),
            device_id: Uuid::from_u128(7),
            device_time: "2026-11-27T08:30:00Z".parse().unwrap(),
            kind: OpKind::SetStatus {
                work_order_id: Uuid::from_u128(100),
                node: StatusNode::Departed,
            },
        });
        e.seq = Some(n as u32 + 1);
        e
    }

    fn result(id: Uuid, outcome: u8) -> OpResult {
        match outcome % 3 {
            0 => OpResult::applied(id),
            1 => OpResult {
                outcome: Outcome::Duplicate,
                ..OpResult::applied(id)
            },
            _ => OpResult::rejected(id, RejectCode::InvalidTransition),
        }
    }

    #[test]
    fn the_entry_keeps_the_pwas_stored_shape() {
        let e = entry(0);
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["state"], "queued");
        assert_eq!(json["seq"], 1);
        assert_eq!(json["code"], serde_json::Value::Null);
        assert_eq!(serde_json::from_value::<OutboxEntry>(json).unwrap(), e);
        // A row written before `seq`, `code`, `reason` and `last_try_at` existed still reads.
        let mut old = serde_json::to_value(&e).unwrap();
        for key in ["seq", "code", "reason", "last_try_at"] {
            old.as_object_mut().unwrap().remove(key);
        }
        let back: OutboxEntry = serde_json::from_value(old).unwrap();
        assert_eq!(back.seq, None);
    }

    #[test]
    fn a_rejected_entry_stays_with_its_reason_and_leaves_the_queue() {
        let mut entries: Vec<_> = (0..3).map(entry).collect();
        let ids = batch_ids(&entries);
        let s = settle(
            &mut entries,
            &[OpResult::applied(ids[0]), result(ids[1], 2)],
        );
        assert_eq!(s.sent.len(), 1);
        assert_eq!(s.rejected.len(), 1);
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].state, EntryState::Rejected);
        assert_eq!(entries[0].code, Some(RejectCode::InvalidTransition));
        assert!(entries[0].reason.as_deref().is_some_and(|r| !r.is_empty()));
        assert_eq!(next_batch(&entries, 10), vec![entries[1].clone()]);
        assert_eq!(
            counts(&entries),
            OutboxCounts {
                queued: 1,
                rejected: 1
            }
        );
    }

    #[test]
    fn tries_are_counted_on_the_batch_only() {
        let mut entries: Vec<_> = (0..3).map(entry).collect();
        let at = "2026-11-28T08:00:00Z".parse().unwrap();
        let batch = batch_ids(&next_batch(&entries, 2));
        mark_tried(&mut entries, &batch, at);
        let tries: Vec<u32> = entries.iter().map(|e| e.tries).collect();
        assert_eq!(tries, vec![1, 1, 0]);
        assert_eq!(entries[0].last_try_at, Some(at));
        let request = batch_request(&next_batch(&entries, 2), at);
        assert_eq!(request.ops.len(), 2);
        assert_eq!(request.sent_at, Some(at));
    }

    proptest! {
        /// The batch is the oldest queued entries, in order, never more than the limit.
        #[test]
        fn next_batch_is_the_oldest_queued_prefix(
            rejected in proptest::collection::vec(any::<bool>(), 0..20),
            limit in 0usize..8,
        ) {
            let mut entries: Vec<_> = (0..rejected.len() as u128).map(entry).collect();
            for (e, r) in entries.iter_mut().zip(&rejected) {
                if *r { e.state = EntryState::Rejected; }
            }
            let batch = next_batch(&entries, limit);
            let queued: Vec<_> = entries.iter().filter(|e| e.state == EntryState::Queued).cloned().collect();
            prop_assert_eq!(batch.len(), queued.len().min(limit));
            prop_assert_eq!(&batch[..], &queued[..batch.len()]);
        }

        /// Settling is idempotent, touches only the entries named, keeps the order of the rest,
        /// and never loses an entry the server did not take.
        #[test]
        fn settle_keeps_what_the_server_did_not_take(
            n in 0u128..12,
            answers in proptest::collection::vec((0u128..16, any::<u8>()), 0..16),
        ) {
            let original: Vec<_> = (0..n).map(entry).collect();
            let results: Vec<OpResult> = answers
                .iter()
                .map(|(i, o)| result(Uuid::from_u128(i + 1), *o))
                .collect();
            let mut entries = original.clone();
            let s = settle(&mut entries, &results);
            for e in &original {
                let answer = results.iter().find(|r| r.id == e.op.id);
                let kept = entries.iter().find(|k| k.op.id == e.op.id);
                match answer.map(|r| r.outcome) {
                    None => prop_assert_eq!(kept, Some(e)),
                    Some(Outcome::Applied | Outcome::Duplicate) => {
                        prop_assert!(kept.is_none());
                        prop_assert!(s.sent.contains(e));
                    }
                    Some(Outcome::Rejected) => {
                        let kept = kept.unwrap();
                        prop_assert_eq!(kept.state, EntryState::Rejected);
                        prop_assert!(s.rejected.contains(kept));
                    }
                }
            }
            let order: Vec<_> = entries.iter().map(|e| e.seq).collect();
            let mut sorted = order.clone();
            sorted.sort();
            prop_assert_eq!(order, sorted);
            let once = entries.clone();
            settle(&mut entries, &results);
            prop_assert_eq!(entries, once);
        }
    }
}
