//! The authorisation matrix: every endpoint × every kind of caller × the caller's own object, one
//! of their team's, another team's. Each cell is the exact status. A route the router serves
//! that the matrix does not list fails the test until someone decides its cells.

use fieldbook_model::Role;
use reqwest::{Client, Method, StatusCode};
use serde_json::json;
use uuid::Uuid;

use crate::field::Photo;
use crate::harness::TestServer;
use crate::team::{add_user, apply, area, photo_ref, reference, report_finding};

const DEMO_CLOSED: &str = fieldbook_server::demo_claims::CLOSED_WARRANTY_ORDER;

/// The callers: nobody signed in, and one person per role and relation.
const CALLERS: [&str; 13] = [
    "anonymous",
    "engineer1",   // the work order's assignee
    "engineer2",   // another engineer
    "cleaner1",    // the finding's reporter
    "cleaner2",    // same team as the reporter
    "cleaner3",    // another team
    "supervisor1", // the team's supervisor
    "supervisor2", // another team's supervisor
    "dispatcher1", // the office
    "head1",       // the station head of the work order's station (济南站)
    "head2",       // another station's head
    "claims1",     // claims support (索赔专员)
    "manager1",    // the manager: reads everything, changes nothing
];

/// (method, path pattern as the router declares it, the path with this test's ids, expected
/// status per caller in CALLERS order).
type Row = (&'static str, &'static str, String, [u16; 13]);

/// Desk reads (the register, photo rules): the 400 desk, every station head, claims support and
/// the manager; nobody in the field.
const DESK: [u16; 13] = [
    401, 403, 403, 403, 403, 403, 403, 403, 200, 200, 200, 200, 200,
];
/// Desk writes (the register, photo rules, imports): the 400 desk only.
const DESK_WRITE: [u16; 13] = [
    401, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 403,
];

/// The office's complaint pages: the desk, supervisors and station heads (each their own
/// team's), nobody else in the field.
const COMPLAINTS: [u16; 13] = [
    401, 403, 403, 403, 403, 403, 200, 200, 200, 200, 200, 403, 403,
];

/// The claim pages' reads (issue 19): claims support, the manager, the desk and every station
/// head (their station's); nobody in the field, no cleaning supervisor.
const CLAIMS_READ: [u16; 13] = [
    401, 403, 403, 403, 403, 403, 403, 403, 200, 200, 200, 200, 200,
];
/// Claims support's writes: claims1 only (the manager reads, changes nothing).
const CLAIMS_WRITE: [u16; 13] = [
    401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403,
];

fn matrix(
    wo: Uuid,
    wo_photo: Uuid,
    finding_photo: Uuid,
    serial: &str,
    example: Uuid,
    complaint: Uuid,
    claim: Uuid,
) -> Vec<Row> {
    vec![
        // Warranty claims (issue 19): the queue, the list, the figures, the chain and the old
        // parts for the claim pages' readers; one claim of a 济南站 order: not head2.
        (
            "GET",
            "/api/claims/queue",
            "/api/claims/queue".into(),
            CLAIMS_READ,
        ),
        (
            "GET",
            "/api/claims",
            "/api/claims?since=0".into(),
            CLAIMS_READ,
        ),
        (
            "GET",
            "/api/claims/figures",
            "/api/claims/figures?month=2026-12".into(),
            CLAIMS_READ,
        ),
        (
            "GET",
            "/api/claims/{id}",
            format!("/api/claims/{claim}"),
            [
                401, 403, 403, 403, 403, 403, 403, 403, 200, 200, 404, 200, 200,
            ],
        ),
        (
            "GET",
            "/api/claims/{id}/files.zip",
            format!("/api/claims/{claim}/files.zip"),
            [
                401, 403, 403, 403, 403, 403, 403, 403, 200, 200, 404, 200, 200,
            ],
        ),
        // Commercial claims: the claim pages' readers (a signer with a title too: claims.rs).
        (
            "GET",
            "/api/commercial-claims",
            "/api/commercial-claims".into(),
            CLAIMS_READ,
        ),
        (
            "GET",
            "/api/settings/sign-off-chain",
            "/api/settings/sign-off-chain".into(),
            CLAIMS_READ,
        ),
        // The people with grades and titles: every office role, cleaning supervisors too.
        (
            "GET",
            "/api/people",
            "/api/people".into(),
            [
                401, 403, 403, 403, 403, 403, 200, 200, 200, 200, 200, 200, 200,
            ],
        ),
        (
            "GET",
            "/api/old-parts",
            "/api/old-parts".into(),
            CLAIMS_READ,
        ),
        (
            "GET",
            "/api/old-parts/ledger",
            "/api/old-parts/ledger?month=2026-12&format=xlsx".into(),
            CLAIMS_READ,
        ),
        // Complaints (issue 17): lists, the ledger and the call-backs due for the office; one
        // team-a complaint the desk took: the desk and team-a's supervisor.
        (
            "GET",
            "/api/complaints",
            "/api/complaints?since=0".into(),
            COMPLAINTS,
        ),
        (
            "GET",
            "/api/complaints/ledger",
            "/api/complaints/ledger?month=2026-12&format=xlsx".into(),
            // The manager reads the ledger too (issue 18's reports).
            [
                401, 403, 403, 403, 403, 403, 200, 200, 200, 200, 200, 403, 200,
            ],
        ),
        (
            "GET",
            "/api/complaints/{id}",
            format!("/api/complaints/{complaint}"),
            [
                401, 403, 403, 403, 403, 403, 200, 404, 200, 404, 404, 403, 403,
            ],
        ),
        (
            "GET",
            "/api/call-backs/due",
            "/api/call-backs/due".into(),
            COMPLAINTS,
        ),
        // The working-day calendar: everyone signed in (phones count deadlines with it).
        (
            "GET",
            "/api/calendar",
            "/api/calendar".into(),
            [
                401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200,
            ],
        ),
        // The equipment register: desk roles read (dispatchers and station heads).
        ("GET", "/api/machines", "/api/machines?q=ec".into(), DESK),
        (
            "GET",
            "/api/machines/{serial}",
            format!("/api/machines/{serial}"),
            DESK,
        ),
        // The photo rules and their example pictures: desk roles read.
        (
            "GET",
            "/api/settings/photo-slots",
            "/api/settings/photo-slots".into(),
            DESK,
        ),
        (
            "GET",
            "/api/settings/examples/{id}",
            format!("/api/settings/examples/{example}"),
            DESK,
        ),
        // Anyone may ask whether the server is up.
        ("GET", "/api/health", "/api/health".into(), [200; 13]),
        // Who am I: only with a session.
        (
            "GET",
            "/api/session",
            "/api/session".into(),
            [
                401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200,
            ],
        ),
        // Sync: everyone signed in, each their own data (what each sees: cleaning.rs, sync.rs).
        (
            "GET",
            "/api/sync",
            "/api/sync?cursor=0".into(),
            [
                401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200,
            ],
        ),
        // The office's list: office roles (supervisors and dispatchers; every supervisor reads
        // every order) and station heads (their station's orders: head2's list is empty). With
        // `?since=N` the same people poll it.
        (
            "GET",
            "/api/work-orders",
            "/api/work-orders".into(),
            [
                401, 403, 403, 403, 403, 403, 200, 200, 200, 200, 200, 200, 200,
            ],
        ),
        (
            "GET",
            "/api/work-orders",
            "/api/work-orders?since=0".into(),
            [
                401, 403, 403, 403, 403, 403, 200, 200, 200, 200, 200, 200, 200,
            ],
        ),
        // One work order: its assignee, the office and the head of its station.
        (
            "GET",
            "/api/work-orders/{id}",
            format!("/api/work-orders/{wo}"),
            [
                401, 200, 404, 404, 404, 404, 200, 200, 200, 200, 404, 200, 200,
            ],
        ),
        // The number the ticket rule would give now: the 400 desk (dispatchers) only.
        (
            "GET",
            "/api/work-orders/next-ticket",
            "/api/work-orders/next-ticket".into(),
            [
                401, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 403,
            ],
        ),
        // Its photos as a ZIP: the assignee and the office (a station head reviews no report).
        (
            "GET",
            "/api/work-orders/{id}/photos.zip",
            format!("/api/work-orders/{wo}/photos.zip"),
            [
                401, 200, 404, 404, 404, 404, 200, 200, 200, 404, 404, 200, 200,
            ],
        ),
        // A work order's photo: its assignee and the office.
        (
            "GET",
            "/api/photos/{photo_id}",
            format!("/api/photos/{wo_photo}"),
            [
                401, 200, 404, 404, 404, 404, 200, 200, 200, 404, 404, 200, 200,
            ],
        ),
        // A finding's photo: its reporter and their team's supervisor; not the reporter's
        // teammate (the finding is not theirs until it is given to them), nor anyone outside.
        (
            "GET",
            "/api/photos/{photo_id}",
            format!("/api/photos/{finding_photo}"),
            [
                401, 404, 404, 200, 404, 404, 200, 404, 404, 404, 404, 404, 404,
            ],
        ),
        // The engineers and their load: the desk (a head sees their station's).
        (
            "GET",
            "/api/engineers",
            "/api/engineers".into(),
            [
                401, 403, 403, 403, 403, 403, 403, 403, 200, 200, 200, 403, 403,
            ],
        ),
        // The desk's settings: dispatchers.
        (
            "GET",
            "/api/settings",
            "/api/settings".into(),
            [
                401, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 403,
            ],
        ),
        // Scorecards (issue 18): the desk, the station heads (their station's engineers;
        // head2's list is empty) and the manager; an engineer their own.
        (
            "GET",
            "/api/scorecards/engineers",
            "/api/scorecards/engineers?month=2026-11&format=xlsx".into(),
            [
                401, 403, 403, 403, 403, 403, 403, 403, 200, 200, 200, 403, 200,
            ],
        ),
        (
            "GET",
            "/api/scorecards/me",
            "/api/scorecards/me?month=2026-11".into(),
            [
                401, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403,
            ],
        ),
        // The 400 agents' scorecards: the manager every agent's, an agent their own.
        (
            "GET",
            "/api/scorecards/agents",
            "/api/scorecards/agents?month=2026-11&format=xlsx".into(),
            [
                401, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 200,
            ],
        ),
        // The cleaning supervisors' scorecards: the manager every supervisor's, a supervisor
        // their own.
        (
            "GET",
            "/api/scorecards/supervisors",
            "/api/scorecards/supervisors?month=2026-11&format=xlsx".into(),
            [
                401, 403, 403, 403, 403, 403, 200, 200, 403, 403, 403, 403, 200,
            ],
        ),
        // Their trends: the card's readers, of one person (engineer1 of 济南站: not engineer2
        // nor head2; dispatcher1; supervisor1: not supervisor2).
        (
            "GET",
            "/api/scorecards/engineers/trend",
            "/api/scorecards/engineers/trend?who=engineer1&by=week".into(),
            [
                401, 200, 403, 403, 403, 403, 403, 403, 200, 200, 403, 403, 200,
            ],
        ),
        // The cleaning scorecards: the manager every team's, a supervisor their own team's; a
        // cleaner their own card only.
        (
            "GET",
            "/api/scorecards/cleaning",
            "/api/scorecards/cleaning?month=2026-11&format=xlsx".into(),
            [
                401, 403, 403, 403, 403, 403, 200, 200, 403, 403, 403, 403, 200,
            ],
        ),
        (
            "GET",
            "/api/scorecards/agents/trend",
            "/api/scorecards/agents/trend?who=dispatcher1".into(),
            [
                401, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 200,
            ],
        ),
        (
            "GET",
            "/api/scorecards/supervisors/trend",
            "/api/scorecards/supervisors/trend?who=supervisor1&by=week".into(),
            [
                401, 403, 403, 403, 403, 403, 200, 403, 403, 403, 403, 403, 200,
            ],
        ),
        // The cleaning trend of cleaner2: theirs, their supervisor's and the manager's.
        (
            "GET",
            "/api/scorecards/cleaning/trend",
            "/api/scorecards/cleaning/trend?who=cleaner2&by=week".into(),
            [
                401, 403, 403, 403, 200, 403, 200, 403, 403, 403, 403, 403, 200,
            ],
        ),
        (
            "GET",
            "/api/scorecards/cleaning/me",
            "/api/scorecards/cleaning/me?month=2026-11".into(),
            [
                401, 403, 403, 200, 200, 200, 403, 403, 403, 403, 403, 403, 403,
            ],
        ),
        // Reports (issue 18): the desk's for the desk and the manager; the 16:30 list for them
        // and every station head (their station's rows); the station heads' daily for each head
        // (their own) and the manager; the cleaning report for each cleaning supervisor (their
        // own team) and the manager.
        (
            "GET",
            "/api/reports/desk",
            "/api/reports/desk?period=week&date=2026-11-02&format=xlsx".into(),
            [
                401, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 200,
            ],
        ),
        (
            "GET",
            "/api/reports/unrepaired",
            "/api/reports/unrepaired?date=2026-11-02&format=csv".into(),
            [
                401, 403, 403, 403, 403, 403, 403, 403, 200, 200, 200, 403, 200,
            ],
        ),
        (
            "GET",
            "/api/reports/stations",
            "/api/reports/stations?period=day&date=2026-11-02".into(),
            [
                401, 403, 403, 403, 403, 403, 403, 403, 403, 200, 200, 403, 200,
            ],
        ),
        (
            "GET",
            "/api/reports/cleaning",
            "/api/reports/cleaning?period=month&date=2026-11-02&format=xlsx".into(),
            [
                401, 403, 403, 403, 403, 403, 200, 200, 403, 403, 403, 403, 200,
            ],
        ),
        // An order's first-fix excuse (there is none: 404 to those who may read it; another
        // station's head is refused first).
        (
            "GET",
            "/api/work-orders/{id}/first-fix-excuse",
            format!("/api/work-orders/{wo}/first-fix-excuse"),
            [
                401, 403, 403, 403, 403, 403, 403, 403, 404, 404, 404, 403, 404,
            ],
        ),
    ]
}

/// The objects the writes change: engineer1's order `wo` (station 济南站), another of theirs for
/// the phone fix, one with a submitted report, and one with an operation held after a
/// reassignment.
#[derive(Clone, Copy)]
struct Objects {
    wo: Uuid,
    phone_fix: Uuid,
    submitted: Uuid,
    held: (Uuid, Uuid),
    /// An example picture the dispatcher uploaded.
    example: Uuid,
    /// Team-a complaints: one being fixed (to give), one fixed (to confirm), one closed (to
    /// reopen), one waiting for its call-back.
    complaints: Complaints,
    /// The claim drafted on the demo's closed warranty order, and that order's old part.
    claim: Uuid,
    tag: &'static str,
    commercial: Uuid,
}

#[derive(Clone, Copy)]
struct Complaints {
    fixing: Uuid,
    fixed: Uuid,
    closed: Uuid,
    due: Uuid,
}

/// Requests that change something: the status each caller gets, callers in CALLERS order (so a
/// dispatcher's change is there when the heads come).
fn writes(o: Objects) -> Vec<Row> {
    let Objects {
        wo,
        phone_fix,
        submitted,
        held: (held_wo, held_op),
        example,
        complaints,
        claim,
        tag,
        commercial,
    } = o;
    let mut desk_created = DESK_WRITE;
    desk_created[8] = 201;
    vec![
        // The register, the photo rules, example pictures and imports: dispatchers only.
        (
            "PUT",
            "/api/machines/{serial}",
            "/api/machines/MATRIX-001".into(),
            desk_created,
        ),
        (
            "PUT",
            "/api/settings/photo-slots/{service_type}",
            "/api/settings/photo-slots/customer_visit".into(),
            DESK_WRITE,
        ),
        (
            "PUT",
            "/api/settings/examples/{id}",
            format!("/api/settings/examples/{example}"),
            // The same id as the read above: replaced, so 200.
            DESK_WRITE,
        ),
        (
            "POST",
            "/api/import/work-orders",
            "/api/import/work-orders".into(),
            DESK_WRITE,
        ),
        (
            "POST",
            "/api/import/machines",
            "/api/import/machines".into(),
            DESK_WRITE,
        ),
        // Reassigning a work order: the desk (to engineer1 again: no change of owner); a head
        // only within their station.
        (
            "PUT",
            "/api/work-orders/{id}/assignee",
            format!("/api/work-orders/{wo}/assignee"),
            [
                401, 403, 403, 403, 403, 403, 403, 403, 200, 200, 404, 403, 403,
            ],
        ),
        // A batch of operations: anyone signed in may send one; each operation is judged on its
        // own (the ops, findings, cleaning and patrol tests hold those cells).
        (
            "POST",
            "/api/ops",
            "/api/ops".into(),
            [
                401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200,
            ],
        ),
        // Taking a call: the 400 desk.
        (
            "POST",
            "/api/work-orders",
            "/api/work-orders".into(),
            [
                401, 403, 403, 403, 403, 403, 403, 403, 201, 403, 403, 403, 403,
            ],
        ),
        // Planning: the desk, a head their station's orders.
        (
            "PUT",
            "/api/work-orders/{id}/plan",
            format!("/api/work-orders/{wo}/plan"),
            [
                401, 403, 403, 403, 403, 403, 403, 403, 200, 200, 404, 403, 403,
            ],
        ),
        // A "99" order's machine and the unrepaired reason: the 400 desk.
        (
            "PUT",
            "/api/work-orders/{id}/machine",
            format!("/api/work-orders/{wo}/machine"),
            [
                401, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 403,
            ],
        ),
        (
            "PUT",
            "/api/work-orders/{id}/unrepaired-reason",
            format!("/api/work-orders/{wo}/unrepaired-reason"),
            [
                401, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 403,
            ],
        ),
        // The first response: the desk and the head of the order's station.
        (
            "POST",
            "/api/work-orders/{id}/first-response",
            format!("/api/work-orders/{wo}/first-response"),
            [
                401, 403, 403, 403, 403, 403, 403, 403, 200, 200, 404, 403, 403,
            ],
        ),
        // A phone fix: the same people; the dispatcher closes it first, so head1 (allowed) finds
        // it closed; head2 is refused before that is looked at.
        (
            "POST",
            "/api/work-orders/{id}/phone-fix",
            format!("/api/work-orders/{phone_fix}/phone-fix"),
            [
                401, 403, 403, 403, 403, 403, 403, 403, 200, 409, 404, 403, 403,
            ],
        ),
        // Answering engineer1's waiver request on their order: the head of its station first
        // (200), then the manager finds it answered (409); the 400 desk answers none, another
        // station's head finds no such order.
        (
            "POST",
            "/api/work-orders/{id}/waiver",
            format!("/api/work-orders/{wo}/waiver"),
            [
                401, 403, 403, 403, 403, 403, 403, 403, 403, 200, 404, 403, 409,
            ],
        ),
        // Reviewing a submitted report: the 400 desk.
        (
            "POST",
            "/api/work-orders/{id}/review",
            format!("/api/work-orders/{submitted}/review"),
            [
                401, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 403,
            ],
        ),
        // Keeping one of two report texts engineer1's phones saved apart: the 400 desk, who
        // reviews reports.
        (
            "POST",
            "/api/work-orders/{id}/report-conflict",
            format!("/api/work-orders/{wo}/report-conflict"),
            [
                401, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 403,
            ],
        ),
        // Settling held work: the 400 desk.
        (
            "POST",
            "/api/work-orders/{id}/held/{op_id}",
            format!("/api/work-orders/{held_wo}/held/{held_op}"),
            [
                401, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 403,
            ],
        ),
        // The desk's settings: dispatchers.
        (
            "PUT",
            "/api/settings",
            "/api/settings".into(),
            [
                401, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 403,
            ],
        ),
        // Taking a complaint at the desk: the 400 desk for any team, a station head for their
        // station (head1 for team-a: refused); phones take theirs as operations.
        (
            "POST",
            "/api/complaints",
            "/api/complaints".into(),
            [
                401, 403, 403, 403, 403, 403, 403, 403, 201, 403, 403, 403, 403,
            ],
        ),
        // Giving a team-a complaint's task: the team's supervisor and the desk.
        (
            "POST",
            "/api/complaints/{id}/assign",
            format!("/api/complaints/{}/assign", complaints.fixing),
            [
                401, 403, 403, 403, 403, 403, 200, 404, 200, 404, 404, 403, 403,
            ],
        ),
        // Confirming the fix: the team's supervisor first; the desk then finds it confirmed.
        (
            "POST",
            "/api/complaints/{id}/confirm",
            format!("/api/complaints/{}/confirm", complaints.fixed),
            [
                401, 403, 403, 403, 403, 403, 200, 404, 409, 404, 404, 403, 403,
            ],
        ),
        // Reopening a closed complaint: the supervisor first; the desk then finds it open.
        (
            "POST",
            "/api/complaints/{id}/reopen",
            format!("/api/complaints/{}/reopen", complaints.closed),
            [
                401, 403, 403, 403, 403, 403, 200, 404, 409, 404, 404, 403, 403,
            ],
        ),
        // A call-back by phone (the same one from everyone): the team's supervisor records it;
        // the desk then finds its id taken by another's call-back; field people and other
        // teams are refused before that is looked at.
        (
            "POST",
            "/api/call-backs",
            "/api/call-backs".into(),
            [
                401, 403, 403, 403, 403, 403, 201, 403, 409, 403, 403, 403, 403,
            ],
        ),
        // The working-day calendar: the 400 desk.
        (
            "PUT",
            "/api/calendar",
            "/api/calendar".into(),
            [
                401, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 403,
            ],
        ),
        // Warranty claims (issue 19). "A claim is expected" on engineer1's order: the desk, its
        // station's head, claims support.
        (
            "PUT",
            "/api/work-orders/{id}/claim-expected",
            format!("/api/work-orders/{wo}/claim-expected"),
            [
                401, 403, 403, 403, 403, 403, 403, 403, 200, 200, 404, 200, 403,
            ],
        ),
        // Drafting the claim again with its first body (a retry: 200), editing it, and what the
        // state machine says to claims support (the demo order's photos are missing: 422; not
        // submitted: 409); everyone else is refused before that.
        ("POST", "/api/claims", "/api/claims".into(), CLAIMS_WRITE),
        (
            "PUT",
            "/api/claims/{id}",
            format!("/api/claims/{claim}"),
            CLAIMS_WRITE,
        ),
        (
            "POST",
            "/api/claims/{id}/submit",
            format!("/api/claims/{claim}/submit"),
            [
                401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 422, 403,
            ],
        ),
        (
            "POST",
            "/api/claims/{id}/answer",
            format!("/api/claims/{claim}/answer"),
            [
                401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 409, 403,
            ],
        ),
        (
            "POST",
            "/api/claims/{id}/pay",
            format!("/api/claims/{claim}/pay"),
            [
                401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 409, 403,
            ],
        ),
        // A commercial claim: requested by a station head (head2 then finds the id taken).
        (
            "POST",
            "/api/commercial-claims",
            "/api/commercial-claims".into(),
            [
                401, 403, 403, 403, 403, 403, 403, 403, 403, 201, 409, 403, 403,
            ],
        ),
        // Its first step is the business-unit manager's: nobody here holds that title.
        (
            "POST",
            "/api/commercial-claims/{id}/sign",
            format!("/api/commercial-claims/{commercial}/sign"),
            [
                401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403,
            ],
        ),
        (
            "PUT",
            "/api/settings/sign-off-chain",
            "/api/settings/sign-off-chain".into(),
            CLAIMS_WRITE,
        ),
        // Grades and titles: claims support and the desk.
        (
            "PUT",
            "/api/people/{username}",
            "/api/people/engineer2".into(),
            [
                401, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403, 200, 403,
            ],
        ),
        // The demo order's old part: its station's head receives it (claims support then finds
        // it received), claims support moves it into the store and records the manufacturer's
        // request.
        (
            "POST",
            "/api/old-parts/{tag}/receive",
            format!("/api/old-parts/{tag}/receive"),
            [
                401, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403, 409, 403,
            ],
        ),
        (
            "POST",
            "/api/old-parts/{tag}/move",
            format!("/api/old-parts/{tag}/move"),
            CLAIMS_WRITE,
        ),
        (
            "POST",
            "/api/old-parts/{tag}/ship-request",
            format!("/api/old-parts/{tag}/ship-request"),
            CLAIMS_WRITE,
        ),
        // Excusing a fault order from first-time fix: the 400 desk.
        (
            "PUT",
            "/api/work-orders/{id}/first-fix-excuse",
            format!("/api/work-orders/{wo}/first-fix-excuse"),
            [
                401, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 403,
            ],
        ),
    ]
}

/// What each write sends.
fn body_of(pattern: &str, o: Objects) -> serde_json::Value {
    match pattern {
        "/api/complaints" => json!({
            "id": "0c0c0c0c-0000-4000-8000-000000000001",
            "finding_id": "0c0c0c0c-0000-4000-8000-000000000002",
            "team": "team-a", "severity": "major", "customer": "王女士",
            "place": "3栋 大堂", "what": "地面有积水"
        }),
        "/api/complaints/{id}/assign" => {
            json!({"assignee": {"department": {"department": "cleaning"}}})
        }
        "/api/complaints/{id}/confirm" => json!({}),
        "/api/complaints/{id}/reopen" => json!({"reason": "客户又来电话"}),
        "/api/call-backs" => json!({
            "id": "0c0c0c0c-0000-4000-8000-000000000003",
            "subject": {"complaint": {"complaint_id": o.complaints.due}},
            "method": "phone", "at": chrono::Utc::now(), "answered_by": "王女士",
            "satisfied": true
        }),
        "/api/calendar" => {
            serde_json::to_value(fieldbook_server::demo_field::china_calendar()).unwrap()
        }
        "/api/ops" => json!({"ops": []}),
        "/api/work-orders/{id}/claim-expected" => json!({"claim_expected": false}),
        "/api/claims" => json!({"id": o.claim, "work_order_id": DEMO_CLOSED, "kind": "fault"}),
        "/api/claims/{id}" => json!({"claim_number": "CL-1", "kind": "fault", "claimed_fen": 100}),
        "/api/claims/{id}/submit" => json!({}),
        "/api/claims/{id}/answer" => json!({"accepted": true}),
        "/api/claims/{id}/pay" => json!({"number": "CN-1", "fen": 100, "at": chrono::Utc::now()}),
        "/api/commercial-claims" => {
            json!({"id": o.commercial, "fen": 50000, "reason": "客户关系维护"})
        }
        "/api/commercial-claims/{id}/sign" => json!({"step": "bu", "approved": true}),
        "/api/settings/sign-off-chain" => {
            serde_json::to_value(fieldbook_server::demo_claims::rule_book_chain()).unwrap()
        }
        "/api/people/{username}" => json!({"grade": "TCL1"}),
        "/api/old-parts/{tag}/receive" => json!({"work_order_id": DEMO_CLOSED}),
        "/api/old-parts/{tag}/move" => json!({"to": "in_store"}),
        "/api/old-parts/{tag}/ship-request" => json!({}),
        "/api/work-orders" => crate::desk::call("2026-12-01T02:00:00Z"),
        "/api/work-orders/{id}/plan" => json!({"planned_at": "2027-01-01T00:00:00Z"}),
        "/api/work-orders/{id}/machine" => {
            json!({"serial": "VCEC210DC00312457", "equipment_model": "EC210D"})
        }
        "/api/work-orders/{id}/unrepaired-reason" => json!({"reason": "等配件"}),
        "/api/work-orders/{id}/first-response" => json!({
            "at": chrono::Utc::now(), "outcome": "已电话联系", "site_confirmed": true,
            "phone_fix": false
        }),
        "/api/work-orders/{id}/phone-fix" => json!({"resolution": "指导客户复位"}),
        "/api/work-orders/{id}/review" => json!({"decision": "close"}),
        "/api/work-orders/{id}/waiver" => json!({"approve": true}),
        "/api/work-orders/{id}/first-fix-excuse" => json!({"reason": "客户操作不当"}),
        "/api/work-orders/{id}/held/{op_id}" => json!({"decision": "dismiss", "reason": "重复"}),
        "/api/work-orders/{id}/report-conflict" => {
            json!({"keep_device": "00000000-0000-4000-8000-0000000000a1"})
        }
        "/api/settings" => {
            json!({"ticket_rule": "BX-{yyyymmdd}-{n:3}", "photo_naming": "standard"})
        }
        "/api/machines/{serial}" => json!({"serial": "MATRIX-001", "equipment_model": "EC210D"}),
        "/api/settings/photo-slots/{service_type}" => json!([
            {"key": "site", "label_zh": "拜访现场", "label_en": "On site", "required": false}
        ]),
        _ => json!({"username": "engineer1"}),
    }
}

/// Every `.route("path", method(...))` in the router's source, as (METHOD, path).
fn served_routes() -> Vec<(String, String)> {
    let source = include_str!("../../src/app.rs");
    let mut routes = Vec::new();
    for chunk in source.split(".route(").skip(1) {
        let Some(start) = chunk.find('"') else {
            continue;
        };
        let rest = &chunk[start + 1..];
        let Some(end) = rest.find('"') else { continue };
        let path = &rest[..end];
        // The handlers up to the closing of this `.route(` call.
        let mut depth = 1;
        let mut body = String::new();
        for c in chunk.chars() {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => {}
            }
            if depth == 0 {
                break;
            }
            body.push(c);
        }
        for method in ["get", "post", "put", "delete", "patch"] {
            let called =
                body.contains(&format!("{method}(")) || body.contains(&format!(".{method}("));
            if called {
                routes.push((method.to_uppercase(), path.to_string()));
            }
        }
    }
    routes
}

#[test]
fn every_served_route_is_in_the_matrix() {
    let nil = Uuid::nil();
    let objects = Objects {
        wo: nil,
        phone_fix: nil,
        submitted: nil,
        held: (nil, nil),
        example: nil,
        complaints: Complaints {
            fixing: nil,
            fixed: nil,
            closed: nil,
            due: nil,
        },
        claim: nil,
        tag: "T-R1",
        commercial: nil,
    };
    let listed: Vec<(String, String)> = matrix(nil, nil, nil, "s", nil, nil, nil)
        .into_iter()
        .chain(writes(objects))
        .map(|(m, p, _, _)| (m.to_string(), p.to_string()))
        // Signing in and out are the two calls everyone makes; session.rs tests them.
        .chain([
            ("POST".to_string(), "/api/session".to_string()),
            ("DELETE".to_string(), "/api/session".to_string()),
            ("PUT".to_string(), "/api/photos/{photo_id}".to_string()),
        ])
        .collect();
    let served = served_routes();
    assert!(served.len() >= 10, "the router was not read: {served:?}");
    for route in &served {
        assert!(
            listed.contains(route),
            "{} {} is served but not in the authorisation matrix: add its cells",
            route.0,
            route.1
        );
    }
}

/// Send an operation that the server holds for the office (its order was reassigned).
async fn apply_held(server: &TestServer, client: &Client, op: &serde_json::Value) {
    let result = crate::team::send(server, client, op).await;
    assert_eq!(
        result.code,
        Some(fieldbook_model::RejectCode::Reassigned),
        "{result:?}"
    );
}

async fn callers(server: &TestServer) -> Vec<Client> {
    let mut clients = vec![server.client()];
    for name in &CALLERS[1..] {
        clients.push(server.signed_in(name).await);
    }
    clients
}

#[tokio::test]
async fn every_endpoint_answers_every_caller_exactly() {
    // Several hundred requests in a few seconds from one address: above the default burst.
    let server = TestServer::start_with(
        crate::harness::Options {
            demo: true,
            dist: None,
        },
        |config| config.rate_limits.request_burst = 10_000,
    )
    .await;
    add_user(&server, "cleaner3", Role::Cleaner, Some("team-b")).await;
    add_user(&server, "supervisor2", Role::Supervisor, Some("team-b")).await;
    add_user(&server, "head2", Role::ServiceSupervisor, Some("青岛站")).await;
    let clients = callers(&server).await;
    let c1 = &clients[3];
    let e1 = &clients[1];

    // engineer1's work order with an uploaded photo.
    let orders = crate::harness::my_orders(&server, e1).await;
    let wo = orders[0].id;
    // Another to close as a phone fix, one with a submitted report, and one with engineer1's
    // departure held after the order went to engineer2.
    let fault = orders
        .iter()
        .find(|o| o.service_type == fieldbook_model::ServiceType::FaultRepair && o.id != wo)
        .unwrap();
    crate::desk::submitted(&server, e1, fault).await;
    let phone_fix = orders
        .iter()
        .find(|o| o.id != wo && o.id != fault.id)
        .unwrap()
        .id;
    let held_wo = orders
        .iter()
        .find(|o| ![wo, fault.id, phone_fix].contains(&o.id))
        .unwrap()
        .id;
    let office = &clients[8];
    let moved = office
        .put(server.url(&format!("/api/work-orders/{held_wo}/assignee")))
        .json(&json!({"username": "engineer2"}))
        .send()
        .await
        .unwrap();
    assert_eq!(moved.status(), StatusCode::OK);
    let left = crate::harness::set_status("engineer1", held_wo, "departed");
    apply_held(&server, e1, &left).await;
    let held_op: Uuid = serde_json::from_value(left["id"].clone()).unwrap();
    // Two of engineer1's phones saved different report texts on `wo` apart.
    for (device, work) in [
        ("00000000-0000-4000-8000-0000000000a1", "更换油管"),
        ("00000000-0000-4000-8000-0000000000a2", "更换滤芯"),
    ] {
        let mut save = crate::field::save_report("engineer1", wo);
        save["device_id"] = device.into();
        save["kind"]["work_done"] = work.into();
        apply(&server, e1, &save).await;
    }
    let wo_photo = Photo::jpeg(7);
    apply(&server, e1, &wo_photo.add("engineer1", wo, "extra")).await;
    // engineer1 asks to do without the customer's signature on it (免签).
    apply(
        &server,
        e1,
        &crate::field::op(
            "engineer1",
            json!({"type": "waive_signature", "work_order_id": wo, "reason": "客户不在现场"}),
        ),
    )
    .await;
    assert_eq!(
        wo_photo.put(&server, e1).await.status(),
        StatusCode::CREATED
    );
    // cleaner1's finding with an uploaded photo.
    let r = reference(&server, c1).await;
    let lobby = area(&r, "大堂").id;
    let finding_photo = Photo::jpeg(8);
    let report = report_finding(
        "cleaner1",
        Uuid::new_v4(),
        Some(lobby),
        vec![photo_ref(&finding_photo, "before")],
    );
    apply(&server, c1, &report).await;
    assert_eq!(
        finding_photo.put(&server, c1).await.status(),
        StatusCode::CREATED
    );

    // A machine seen on engineer1's order, and an example picture the dispatcher uploaded.
    let serial = orders[0].serial.clone();
    let example = Uuid::new_v4();
    let example_photo = Photo::jpeg(10);
    let put = clients[8]
        .put(server.url(&format!("/api/settings/examples/{example}")))
        .body(example_photo.bytes.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), StatusCode::CREATED);
    let complaints = Complaints {
        fixing: crate::complaints::at_step(&server, "fixing").await,
        fixed: crate::complaints::at_step(&server, "fixed").await,
        closed: crate::complaints::at_step(&server, "closed").await,
        due: crate::complaints::at_step(&server, "due").await,
    };
    // Claims: one drafted on the demo's closed warranty order, numbered (so its ZIP is
    // served), and that order's old part.
    let claim = Uuid::new_v4();
    let commercial = Uuid::new_v4();
    let claims1 = &clients[11];
    let drafted = claims1
        .post(server.url("/api/claims"))
        .json(&json!({"id": claim, "work_order_id": DEMO_CLOSED, "kind": "fault"}))
        .send()
        .await
        .unwrap();
    assert_eq!(drafted.status(), StatusCode::CREATED);
    let numbered = claims1
        .put(server.url(&format!("/api/claims/{claim}")))
        .json(&json!({"claim_number": "CL-1", "kind": "fault"}))
        .send()
        .await
        .unwrap();
    assert_eq!(numbered.status(), StatusCode::OK);
    let parts: serde_json::Value = claims1
        .get(server.url("/api/old-parts"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let tag: &'static str = Box::leak(
        parts
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["work_order_id"] == DEMO_CLOSED)
            .unwrap()["tag"]
            .as_str()
            .unwrap()
            .to_string()
            .into_boxed_str(),
    );
    let objects = Objects {
        wo,
        phone_fix,
        submitted: fault.id,
        held: (held_wo, held_op),
        example,
        complaints,
        claim,
        tag,
        commercial,
    };

    let mut failures = Vec::new();
    for (method, pattern, path, expected) in matrix(
        wo,
        wo_photo.id,
        finding_photo.id,
        &serial,
        example,
        complaints.fixing,
        claim,
    ) {
        for (i, client) in clients.iter().enumerate() {
            let send = |path: &str| {
                client
                    .request(
                        Method::from_bytes(method.as_bytes()).unwrap(),
                        server.url(path),
                    )
                    .send()
            };
            let got = answer(send(&path).await.unwrap()).await;
            if got.0 != expected[i] {
                failures.push(format!(
                    "{method} {pattern} as {}: {}, expected {}",
                    CALLERS[i], got.0, expected[i]
                ));
            }
            if let Some(unknown) = unknown_twin(&path, &got) {
                let other = answer(send(&unknown.path).await.unwrap()).await;
                unknown.check(
                    &format!("{method} {pattern} as {}", CALLERS[i]),
                    &got,
                    other,
                    &mut failures,
                );
            }
        }
    }
    for (method, pattern, path, expected) in writes(objects) {
        for (i, client) in clients.iter().enumerate() {
            let request = client.request(
                Method::from_bytes(method.as_bytes()).unwrap(),
                server.url(&path),
            );
            let request = match pattern {
                "/api/settings/examples/{id}" => request.body(example_photo.bytes.clone()),
                "/api/import/work-orders" => request.body(
                    "ticket,customer,site,equipment_model,serial,engine_hours,working_condition,\
                     service_type,called_at,planned_at,assignee\n",
                ),
                "/api/import/machines" => request.body("serial,equipment_model\nM-1,EC210D\n"),
                _ => request.json(&body_of(pattern, objects)),
            };
            let twin = request.try_clone();
            let got = answer(request.send().await.unwrap()).await;
            if got.0 != expected[i] {
                failures.push(format!(
                    "{method} {pattern} as {}: {}, expected {}",
                    CALLERS[i], got.0, expected[i]
                ));
            }
            // The same request on an id nobody has: the same answer (and nothing changes).
            if let (Some(unknown), Some(twin)) = (unknown_twin(&path, &got), twin) {
                let mut twin = twin.build().unwrap();
                *twin.url_mut() = reqwest::Url::parse(&server.url(&unknown.path)).unwrap();
                let other = answer(client.execute(twin).await.unwrap()).await;
                unknown.check(
                    &format!("{method} {pattern} as {}", CALLERS[i]),
                    &got,
                    other,
                    &mut failures,
                );
            }
        }
    }
    // Uploading someone else's photo: only the person who took it; to anyone else it is an
    // unknown photo (issue 15: ids cannot be probed).
    let other = Photo::jpeg(9);
    apply(&server, e1, &other.add("engineer1", wo, "extra")).await;
    for (i, client) in clients.iter().enumerate() {
        if CALLERS[i] == "engineer1" {
            continue;
        }
        let status = other.put(&server, client).await.status().as_u16();
        let expected = if i == 0 { 401 } else { 404 };
        if status != expected {
            failures.push(format!(
                "PUT /api/photos/{{photo_id}} as {}: {status}, expected {expected}",
                CALLERS[i]
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// An answer as the id check compares it: status, error code and message.
type Answer = (u16, String, String);

async fn answer(response: reqwest::Response) -> Answer {
    let status = response.status().as_u16();
    let body: serde_json::Value = response.json().await.unwrap_or_default();
    let text = |k: &str| body[k].as_str().unwrap_or_default().to_string();
    (status, text("error"), text("message"))
}

/// A refused request's path with its object's id (the path's first UUID) replaced by one nobody
/// has: an existing id that is not the caller's must be answered exactly as that one (issue 15).
struct UnknownTwin {
    path: String,
    known: String,
    unknown: String,
}

fn unknown_twin(path: &str, got: &Answer) -> Option<UnknownTwin> {
    if !matches!(got.0, 403 | 404) {
        return None;
    }
    let known = path
        .split(['/', '?'])
        .find(|part| Uuid::parse_str(part).is_ok())?
        .to_string();
    let unknown = Uuid::new_v4().to_string();
    Some(UnknownTwin {
        path: path.replacen(&known, &unknown, 1),
        known,
        unknown,
    })
}

impl UnknownTwin {
    fn check(&self, what: &str, known: &Answer, unknown: Answer, failures: &mut Vec<String>) {
        let unknown = (
            unknown.0,
            unknown.1,
            unknown.2.replace(&self.unknown, &self.known),
        );
        // Both "not found": a reader who may see the object is told why there is nothing
        // under it (an order that is not excused); nothing tells an id's existence apart.
        if known.0 == 404 && unknown.0 == 404 {
            return;
        }
        // A commercial claim's signers and the claim pages' readers see every claim in the
        // list: who may sign a step is theirs to know.
        if what.starts_with("POST /api/commercial-claims/{id}/sign as ")
            && known.1 == "not_your_step"
        {
            return;
        }
        if &unknown != known {
            failures.push(format!(
                "{what}: an id not theirs answers {known:?}, an unknown one {unknown:?}"
            ));
        }
    }
}

/// What a caller's operation on an object gets: applied, or refused with this code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cell {
    Applied,
    No(fieldbook_model::RejectCode),
}

#[tokio::test]
async fn every_operation_on_an_object_answers_every_caller_exactly() {
    use crate::field::walk_to_left;
    use crate::team::{all_pass, mark, round, send, vacant_record};
    use Cell::{Applied, No};
    use fieldbook_model::{Outcome, RejectCode::*};

    let server = TestServer::with_demo().await;
    add_user(&server, "cleaner3", Role::Cleaner, Some("team-b")).await;
    add_user(&server, "supervisor2", Role::Supervisor, Some("team-b")).await;
    add_user(&server, "head2", Role::ServiceSupervisor, Some("青岛站")).await;
    let clients = callers(&server).await;
    let (e1, c1) = (&clients[1], &clients[3]);
    let mine = crate::harness::my_orders(&server, e1).await;
    let (wo, wo2) = (mine[0].id, mine[1].id);
    let r = reference(&server, c1).await;
    let lobby = area(&r, "大堂").id;
    let item = r.items.iter().find(|i| i.area_id == lobby).unwrap().id;
    let unit = r.units[0].id;
    let finding = Uuid::new_v4();
    let before = Photo::jpeg(11);
    apply(
        &server,
        c1,
        &report_finding(
            "cleaner1",
            finding,
            Some(lobby),
            vec![photo_ref(&before, "before")],
        ),
    )
    .await;

    // Rows: an operation made by `who` on one object; cells in CALLERS order (anonymous is the
    // endpoint matrix's business: 401 before any operation is read).
    type Make = Box<dyn Fn(&str) -> serde_json::Value>;
    let unit_photo = Photo::jpeg(12);
    let rows: Vec<(&str, Make, [Cell; 12])> = vec![
        (
            "set_status on engineer1's work order",
            Box::new(move |who| walk_to_left(who, wo).remove(0)),
            [
                Applied,
                No(NotAssigned),
                No(NotAssigned),
                No(NotAssigned),
                No(NotAssigned),
                No(NotAssigned),
                No(NotAssigned),
                No(NotAssigned),
                No(NotAssigned),
                No(NotAssigned),
                No(NotAssigned),
                No(NotAssigned),
            ],
        ),
        (
            "mark_item in cleaner1's area",
            Box::new(move |who| mark(who, lobby, item, Some("done"))),
            [
                No(NotAssigned),
                No(NotAssigned),
                Applied,
                No(NotAssigned),
                No(NotAssigned),
                No(NotAssigned),
                No(NotAssigned),
                No(NotAssigned),
                No(NotAssigned),
                No(NotAssigned),
                No(NotAssigned),
                No(NotAssigned),
            ],
        ),
        (
            "save_vacant_record for cleaner1's unit",
            Box::new(move |who| {
                vacant_record(
                    who,
                    Uuid::new_v4(),
                    unit,
                    all_pass(),
                    vec![photo_ref(&unit_photo, "unit")],
                )
            }),
            [
                No(NotAssigned),
                No(NotAssigned),
                Applied,
                No(NotAssigned),
                No(NotAssigned),
                No(NotAssigned),
                No(NotAssigned),
                No(NotAssigned),
                No(NotAssigned),
                No(NotAssigned),
                No(NotAssigned),
                No(NotAssigned),
            ],
        ),
        (
            "assign_finding on cleaner1's finding",
            Box::new(move |who| {
                crate::team::assign_to(who, finding, "engineer1", "2026-12-30T00:00:00Z")
            }),
            // The reporter sees it but may not assign; others do not see it at all.
            [
                No(UnknownRecord),
                No(UnknownRecord),
                No(Forbidden),
                No(UnknownRecord),
                No(UnknownRecord),
                Applied,
                No(UnknownRecord),
                No(UnknownRecord),
                No(UnknownRecord),
                No(UnknownRecord),
                No(UnknownRecord),
                No(UnknownRecord),
            ],
        ),
        (
            "submit_round over team-a's lobby",
            Box::new(move |who| {
                round(
                    who,
                    Uuid::new_v4(),
                    "morning",
                    vec![json!({"area_id": lobby, "result": "pass"})],
                )
            }),
            [
                No(Forbidden),
                No(Forbidden),
                No(Forbidden),
                No(Forbidden),
                No(Forbidden),
                Applied,
                No(UnknownRecord),
                No(Forbidden),
                No(Forbidden),
                No(Forbidden),
                No(Forbidden),
                No(Forbidden),
            ],
        ),
        (
            "depart on engineer1's work order",
            Box::new(move |who| {
                crate::field::op(
                    who,
                    json!({"type": "depart", "work_order_id": wo2,
                           "expected_arrival": "2026-11-27T13:00:00Z", "companions": []}),
                )
            }),
            [
                Applied,
                No(NotAssigned),
                No(NotAssigned),
                No(NotAssigned),
                No(NotAssigned),
                No(NotAssigned),
                No(NotAssigned),
                No(NotAssigned),
                No(NotAssigned),
                No(NotAssigned),
                No(NotAssigned),
                No(NotAssigned),
            ],
        ),
    ];

    // Complaints: taking one for team-a (its own people, its supervisor, the desk), and a
    // call-back by phone on one waiting for it (the team's supervisor records it; the desk then
    // finds it closed).
    let due = crate::complaints::at_step(&server, "due").await;
    let mut rows = rows;
    rows.push((
        "take_complaint for team-a",
        Box::new(move |who| {
            crate::field::op(
                who,
                json!({"type": "take_complaint", "complaint": {
                    "id": Uuid::new_v4(), "finding_id": Uuid::new_v4(), "team": "team-a",
                    "severity": "ordinary", "customer": "王女士", "place": "3栋 大堂",
                    "what": "地面有积水"}}),
            )
        }),
        [
            No(Forbidden),
            No(Forbidden),
            Applied,
            Applied,
            No(Forbidden),
            Applied,
            No(Forbidden),
            Applied,
            No(Forbidden),
            No(Forbidden),
            No(Forbidden),
            No(Forbidden),
        ],
    ));
    rows.push((
        "record_call_back by phone on a team-a complaint",
        Box::new(move |who| {
            crate::team::op_at(
                who,
                &(chrono::Utc::now() - chrono::Duration::minutes(1)).to_rfc3339(),
                json!({"type": "record_call_back", "call_back": {
                    "id": Uuid::new_v4(),
                    "subject": {"complaint": {"complaint_id": due}},
                    "method": "phone", "at": chrono::Utc::now() - chrono::Duration::minutes(1),
                    "answered_by": "王女士", "satisfied": true}}),
            )
        }),
        [
            No(Forbidden),
            No(Forbidden),
            No(Forbidden),
            No(Forbidden),
            No(Forbidden),
            Applied,
            No(Forbidden),
            No(InvalidTransition),
            No(Forbidden),
            No(Forbidden),
            No(Forbidden),
            No(Forbidden),
        ],
    ));

    // Settling a checklist item two of cleaner1's phones marked differently: only the area's
    // team's supervisor, once.
    let contested = r
        .items
        .iter()
        .filter(|i| i.area_id == lobby)
        .nth(1)
        .unwrap()
        .id;
    for (device, m) in [
        ("00000000-0000-4000-8000-0000000000a1", "done"),
        ("00000000-0000-4000-8000-0000000000a2", "problem"),
    ] {
        let mut tick = mark("cleaner1", lobby, contested, Some(m));
        tick["device_id"] = device.into();
        apply(&server, c1, &tick).await;
    }
    rows.push((
        "settle_mark on cleaner1's contested item",
        Box::new(move |who| {
            crate::field::op(
                who,
                json!({"type": "settle_mark", "area_id": lobby, "date": crate::team::DAY,
                       "item_id": contested, "keep_device": "00000000-0000-4000-8000-0000000000a1"}),
            )
        }),
        [
            No(Forbidden),
            No(Forbidden),
            No(Forbidden),
            No(Forbidden),
            No(Forbidden),
            Applied,
            No(Forbidden),
            No(Forbidden),
            No(Forbidden),
            No(Forbidden),
            No(Forbidden),
            No(Forbidden),
        ],
    ));

    // Settling two records of one unit and day two of cleaner1's phones made differently: only
    // the unit's team's supervisor, once.
    let contested_record = Uuid::new_v4();
    for (device, record, photos) in [
        (
            "00000000-0000-4000-8000-0000000000a1",
            contested_record,
            vec![(Photo::jpeg(31), "unit")],
        ),
        (
            "00000000-0000-4000-8000-0000000000a2",
            Uuid::new_v4(),
            vec![(Photo::jpeg(32), "unit"), (Photo::jpeg(33), "floor")],
        ),
    ] {
        let mut checks = all_pass();
        if photos.len() > 1 {
            checks[0] = json!({"item": "floor_clear", "pass": false, "note": "地面有水"});
        }
        let photos = photos.iter().map(|(p, slot)| photo_ref(p, slot)).collect();
        let mut save = vacant_record("cleaner1", record, unit, checks, photos);
        save["device_id"] = device.into();
        apply(&server, c1, &save).await;
    }
    rows.push((
        "settle_vacant_record on cleaner1's contested unit",
        Box::new(move |who| {
            crate::field::op(
                who,
                json!({"type": "settle_vacant_record", "record_id": contested_record}),
            )
        }),
        [
            No(Forbidden),
            No(Forbidden),
            No(Forbidden),
            No(Forbidden),
            No(Forbidden),
            Applied,
            No(Forbidden),
            No(Forbidden),
            No(Forbidden),
            No(Forbidden),
            No(Forbidden),
            No(Forbidden),
        ],
    ));

    // Settling a finding two of supervisor1's devices assigned differently: only the finding's
    // team's supervisor, once; those who do not see it are not told it exists.
    let contested_finding = Uuid::new_v4();
    apply(
        &server,
        c1,
        &report_finding(
            "cleaner1",
            contested_finding,
            Some(lobby),
            vec![photo_ref(&Photo::jpeg(34), "before")],
        ),
    )
    .await;
    for (device, to) in [
        ("00000000-0000-4000-8000-0000000000b1", "cleaner2"),
        ("00000000-0000-4000-8000-0000000000b2", "engineer2"),
    ] {
        let mut assign =
            crate::team::assign_to("supervisor1", contested_finding, to, "2026-12-30T00:00:00Z");
        assign["device_id"] = device.into();
        apply(&server, &clients[6], &assign).await;
    }
    rows.push((
        "settle_finding on cleaner1's contested finding",
        Box::new(move |who| {
            crate::field::op(
                who,
                json!({"type": "settle_finding", "finding_id": contested_finding,
                       "keep_device": "00000000-0000-4000-8000-0000000000b1"}),
            )
        }),
        // The reporter and both sides' assignees see it but may not settle it.
        [
            No(UnknownRecord),
            No(Forbidden),
            No(Forbidden),
            No(Forbidden),
            No(UnknownRecord),
            Applied,
            No(UnknownRecord),
            No(UnknownRecord),
            No(UnknownRecord),
            No(UnknownRecord),
            No(UnknownRecord),
            No(UnknownRecord),
        ],
    ));

    // Settling two rounds of one morning supervisor1's tablet and phone submitted differently:
    // only the round's team's supervisor, once.
    let contested_round = Uuid::new_v4();
    for (device, id, result) in [
        (
            "00000000-0000-4000-8000-0000000000c1",
            contested_round,
            "pass",
        ),
        (
            "00000000-0000-4000-8000-0000000000c2",
            Uuid::new_v4(),
            "skipped",
        ),
    ] {
        let areas = vec![json!({"area_id": lobby, "result": result})];
        let mut submit = crate::team::round("supervisor1", id, "afternoon", areas);
        submit["device_id"] = device.into();
        apply(&server, &clients[6], &submit).await;
    }
    rows.push((
        "settle_round on supervisor1's contested afternoon round",
        Box::new(move |who| {
            crate::field::op(
                who,
                json!({"type": "settle_round", "round_id": contested_round}),
            )
        }),
        [
            No(Forbidden),
            No(Forbidden),
            No(Forbidden),
            No(Forbidden),
            No(Forbidden),
            Applied,
            No(Forbidden),
            No(Forbidden),
            No(Forbidden),
            No(Forbidden),
            No(Forbidden),
            No(Forbidden),
        ],
    ));

    let mut failures = Vec::new();
    for (what, make, cells) in &rows {
        for (i, cell) in cells.iter().enumerate() {
            let who = CALLERS[i + 1];
            let result = send(&server, &clients[i + 1], &make(who)).await;
            let got = match (result.outcome, result.code) {
                (Outcome::Applied, _) => Applied,
                (_, Some(code)) => No(code),
                other => panic!("{what} as {who}: {other:?}"),
            };
            if got != *cell {
                failures.push(format!("{what} as {who}: {got:?}, expected {cell:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
