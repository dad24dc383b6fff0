//! The sync protocol's messages, and how the app judges what came back.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::cleaning::{Area, AreaDay, ChecklistItem, VacantRecord, VacantUnit};
use crate::findings::Finding;
use crate::op::{Operation, RejectCode};
use crate::patrol::PatrolRound;
use crate::user::UserProfile;
use crate::work_order::WorkOrder;

/// The most operations one `POST /api/ops` may carry.
pub const MAX_OPS_PER_BATCH: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignIn {
    pub username: String,
    pub password: String,
}

/// The answer to a sign-in, and to `GET /api/session`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub user: UserProfile,
    pub server_time: DateTime<Utc>,
}

/// `GET /api/sync?cursor=N`: what changed for this user since the server's sequence N.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncResponse {
    /// Pass this as the next cursor once the batch is stored.
    pub cursor: i64,
    pub server_time: DateTime<Utc>,
    pub work_orders: Vec<WorkOrder>,
    /// Work orders the user may no longer see (reassigned); the device drops them.
    #[serde(default)]
    pub removed: Vec<Uuid>,
    /// Cleaning, vacant units, findings and patrols.
    #[serde(default)]
    pub field: FieldData,
    /// More changed work orders wait than one answer carries (a phone parses an answer in one
    /// go): store this one, then pull again from `cursor` straight away.
    #[serde(default)]
    pub more: bool,
}

/// The field side of a sync pull: what changed since the cursor, for this user only.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FieldData {
    /// Present when anything in it changed: the device replaces what it held with it whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<FieldReference>,
    #[serde(default)]
    pub area_days: Vec<AreaDay>,
    #[serde(default)]
    pub vacant_records: Vec<VacantRecord>,
    #[serde(default)]
    pub findings: Vec<Finding>,
    /// Findings this user had (a task since moved to someone else): the device drops them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings_removed: Vec<Uuid>,
    #[serde(default)]
    pub rounds: Vec<PatrolRound>,
    /// Complaints this user sees (their own, their team's as its supervisor).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub complaints: Vec<crate::complaints::Complaint>,
}

impl FieldData {
    /// Nothing changed on the field side.
    pub fn is_empty(&self) -> bool {
        self.reference.is_none()
            && self.area_days.is_empty()
            && self.vacant_records.is_empty()
            && self.findings.is_empty()
            && self.findings_removed.is_empty()
            && self.rounds.is_empty()
            && self.complaints.is_empty()
    }
}

/// The office's data the field screens work from: this user's areas and their items, vacant
/// units, and the people of their team and the engineers (a supervisor gives them tasks; every
/// screen shows their names).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FieldReference {
    pub areas: Vec<Area>,
    pub items: Vec<ChecklistItem>,
    pub units: Vec<VacantUnit>,
    #[serde(default)]
    pub people: Vec<UserProfile>,
    /// The office's working-day calendar: complaint deadlines on the device count with it.
    #[serde(default)]
    pub calendar: crate::complaints::WorkCalendar,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpsRequest {
    pub ops: Vec<Operation>,
    /// The device's clock when it sent the batch: the server keeps the offset it sees.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Applied now.
    Applied,
    /// Applied before: the same answer as the first time, no new effect.
    Duplicate,
    /// Refused, with a reason; nothing changed. The rest of the batch goes on.
    Rejected,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpResult {
    pub id: Uuid,
    pub outcome: Outcome,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<RejectCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl OpResult {
    pub fn applied(id: Uuid) -> Self {
        OpResult {
            id,
            outcome: Outcome::Applied,
            code: None,
            reason: None,
        }
    }

    pub fn rejected(id: Uuid, code: RejectCode) -> Self {
        OpResult {
            id,
            outcome: Outcome::Rejected,
            code: Some(code),
            reason: Some(code.to_string()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpsResponse {
    pub results: Vec<OpResult>,
}

/// Every error the server sends: `{"error": code, "message": text}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub error: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    pub status: String,
}

/// What the uploader makes of the answer to a `POST /api/ops`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushVerdict {
    /// The server's own answer, one result for every operation sent.
    Results(Vec<OpResult>),
    /// The session is gone: keep the queue, ask the person to sign in again.
    SignInAgain,
    /// Not the server's answer, or the server is busy or broken: keep everything, try later.
    RetryLater,
    /// The server refused the whole batch with its own error; keep it and show why.
    Refused(ApiError),
}

fn is_json(content_type: Option<&str>) -> bool {
    content_type
        .and_then(|ct| ct.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"))
}

/// Judge a reply to `POST /api/ops` carrying `sent`.
///
/// Only the server's own JSON counts: a captive portal's `200 text/html`, a proxy's error page, or
/// JSON that does not answer every operation sent, all mean "try later" and lose nothing.
pub fn judge_ops_reply(
    status: u16,
    content_type: Option<&str>,
    body: &str,
    sent: &[Uuid],
) -> PushVerdict {
    if !is_json(content_type) {
        return PushVerdict::RetryLater;
    }
    match status {
        200 => match crate::json::from_str::<OpsResponse>(body) {
            Ok(reply)
                if reply.results.len() == sent.len()
                    && reply.results.iter().zip(sent).all(|(r, id)| r.id == *id) =>
            {
                PushVerdict::Results(reply.results)
            }
            _ => PushVerdict::RetryLater,
        },
        401 => match crate::json::from_str::<ApiError>(body) {
            Ok(_) => PushVerdict::SignInAgain,
            Err(_) => PushVerdict::RetryLater,
        },
        408 | 425 | 429 | 500..=599 => PushVerdict::RetryLater,
        400..=499 => match crate::json::from_str::<ApiError>(body) {
            Ok(err) => PushVerdict::Refused(err),
            Err(_) => PushVerdict::RetryLater,
        },
        _ => PushVerdict::RetryLater,
    }
}

/// How long to wait before try number `attempt` (0-based) after failures, with `jitter` in [0, 1).
///
/// Doubles from 2 s up to 30 s, and takes a random point in the upper half so that a hundred
/// phones coming out of one basement do not knock on the server in step. The cap stays short
/// because "the server came back" should show within seconds, not minutes.
pub fn backoff_ms(attempt: u32, jitter: f64) -> u32 {
    const BASE_MS: u32 = 2_000;
    const CAP_MS: u32 = 30_000;
    let full = BASE_MS.saturating_mul(1u32 << attempt.min(16)).min(CAP_MS);
    let jitter = jitter.clamp(0.0, 1.0);
    full / 2 + ((full / 2) as f64 * jitter) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: usize) -> Vec<Uuid> {
        (0..n).map(|_| Uuid::new_v4()).collect()
    }

    fn reply_for(ids: &[Uuid]) -> String {
        let results: Vec<OpResult> = ids.iter().map(|id| OpResult::applied(*id)).collect();
        serde_json::to_string(&OpsResponse { results }).unwrap()
    }

    #[test]
    fn the_servers_answer_counts() {
        let sent = ids(3);
        let body = reply_for(&sent);
        match judge_ops_reply(200, Some("application/json"), &body, &sent) {
            PushVerdict::Results(r) => assert_eq!(r.len(), 3),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            judge_ops_reply(200, Some("application/json; charset=utf-8"), &body, &sent),
            PushVerdict::Results(_)
        ));
    }

    #[test]
    fn a_captive_portal_page_is_not_success() {
        let sent = ids(1);
        let html = "<html><body>Welcome to Airport WiFi. Accept terms.</body></html>";
        assert_eq!(
            judge_ops_reply(200, Some("text/html"), html, &sent),
            PushVerdict::RetryLater
        );
        assert_eq!(
            judge_ops_reply(200, None, html, &sent),
            PushVerdict::RetryLater
        );
        // A portal that lies about its content type is still not our answer.
        assert_eq!(
            judge_ops_reply(200, Some("application/json"), "{\"ok\":true}", &sent),
            PushVerdict::RetryLater
        );
    }

    #[test]
    fn an_answer_that_misses_an_operation_is_not_success() {
        let sent = ids(3);
        let body = reply_for(&sent[..2]);
        assert_eq!(
            judge_ops_reply(200, Some("application/json"), &body, &sent),
            PushVerdict::RetryLater
        );
        let other = reply_for(&ids(3));
        assert_eq!(
            judge_ops_reply(200, Some("application/json"), &other, &sent),
            PushVerdict::RetryLater
        );
    }

    #[test]
    fn busy_and_broken_servers_mean_later() {
        let sent = ids(1);
        let err = r#"{"error":"busy","message":"slow down"}"#;
        for status in [429, 500, 502, 503, 504] {
            assert_eq!(
                judge_ops_reply(status, Some("application/json"), err, &sent),
                PushVerdict::RetryLater
            );
        }
        assert_eq!(
            judge_ops_reply(502, Some("text/html"), "Bad gateway", &sent),
            PushVerdict::RetryLater
        );
    }

    #[test]
    fn only_the_servers_401_asks_to_sign_in() {
        let sent = ids(1);
        let err = r#"{"error":"unauthorized","message":"sign in"}"#;
        assert_eq!(
            judge_ops_reply(401, Some("application/json"), err, &sent),
            PushVerdict::SignInAgain
        );
        assert_eq!(
            judge_ops_reply(401, Some("text/html"), "login", &sent),
            PushVerdict::RetryLater
        );
        let bad = r#"{"error":"too_many_ops","message":"at most 200"}"#;
        assert!(matches!(
            judge_ops_reply(400, Some("application/json"), bad, &sent),
            PushVerdict::Refused(ApiError { .. })
        ));
    }

    #[test]
    fn backoff_grows_jitters_and_stops_at_the_cap() {
        assert_eq!(backoff_ms(0, 0.0), 1_000);
        assert_eq!(backoff_ms(0, 1.0), 2_000);
        assert_eq!(backoff_ms(1, 0.0), 2_000);
        assert_eq!(backoff_ms(3, 0.5), 12_000);
        for attempt in 4..40 {
            let d = backoff_ms(attempt, 0.999);
            assert!((15_000..=30_000).contains(&d), "{attempt}: {d}");
        }
    }

    #[test]
    fn sync_response_without_removed_still_parses() {
        let json = r#"{"cursor":5,"server_time":"2026-11-27T08:00:00Z","work_orders":[]}"#;
        let r: SyncResponse = serde_json::from_str(json).unwrap();
        assert_eq!(r.cursor, 5);
        assert!(r.removed.is_empty());
    }
}
