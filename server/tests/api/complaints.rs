//! Complaints and call-backs (issue 17): taken on a phone (`take_complaint`) or at the desk,
//! fixed through their task (the finding operations), confirmed, called back (`record_call_back`
//! or `POST /api/call-backs`), reopened; every operation exactly once, every refusal with its
//! code and nothing changed; the calendar and the complaints reach the right phones; the
//! month's ledger in JSON, CSV and .xlsx holds the same figures.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use chrono::{DateTime, Duration, Utc};
use fieldbook_model::complaints::{
    CallBackDue, CallBackSubject, Complaint, ComplaintState, LedgerRow, WorkCalendar,
};
use fieldbook_model::findings::{Finding, FindingState};
use fieldbook_model::{Outcome, RejectCode, Role, WorkOrder};
use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::field::Photo;
use crate::harness::{TestServer, assert_error};
use crate::team::{
    add_user, assert_applied, assert_rejected, assign_to, close, confirm, op_at, photo_ref,
    refused, reopen, send,
};

/// A device time a few minutes ago (call-backs may not be in the future).
fn now_minus(minutes: i64) -> String {
    (Utc::now() - Duration::minutes(minutes)).to_rfc3339()
}

fn new_complaint(team: &str, severity: &str, photos: Vec<Value>, assignee: Option<&str>) -> Value {
    json!({
        "id": Uuid::new_v4(),
        "finding_id": Uuid::new_v4(),
        "team": team,
        "severity": severity,
        "customer": "王女士",
        "contact_phone": "138 0000 1234",
        "place": "3栋 2单元 501",
        "what": "楼道三天没有打扫，垃圾堆在门口",
        "photos": photos,
        "assignee": assignee.map(|u| json!({"person": {"username": u}})),
    })
}

fn take_op(user: &str, complaint: &Value, device_time: &str) -> Value {
    op_at(
        user,
        device_time,
        json!({"type": "take_complaint", "complaint": complaint}),
    )
}

fn call_back_body(
    subject: Value,
    method: &str,
    satisfied: bool,
    at: &str,
    signature: Option<Value>,
) -> Value {
    json!({
        "id": Uuid::new_v4(),
        "subject": subject,
        "method": method,
        "at": at,
        "answered_by": "王女士",
        "satisfied": satisfied,
        "words": if satisfied { "" } else { "还是很脏，没有拖干净" },
        "signature": signature,
    })
}

fn about_complaint(id: Uuid) -> Value {
    json!({"complaint": {"complaint_id": id}})
}

fn about_order(id: Uuid) -> Value {
    json!({"work_order": {"work_order_id": id}})
}

fn call_back_op(user: &str, body: &Value, device_time: &str) -> Value {
    op_at(
        user,
        device_time,
        json!({"type": "record_call_back", "call_back": body}),
    )
}

fn id_of(v: &Value) -> Uuid {
    serde_json::from_value(v["id"].clone()).unwrap()
}

async fn ok<T: serde::de::DeserializeOwned>(response: Response, status: StatusCode) -> T {
    let url = response.url().clone();
    let got = response.status();
    let text = response.text().await.unwrap();
    assert_eq!(got, status, "{url}: {text}");
    serde_json::from_str(&text).unwrap()
}

async fn get(server: &TestServer, client: &Client, path: &str) -> Response {
    client.get(server.url(path)).send().await.unwrap()
}

async fn post(server: &TestServer, client: &Client, path: &str, body: &Value) -> Response {
    client
        .post(server.url(path))
        .json(body)
        .send()
        .await
        .unwrap()
}

#[derive(serde::Deserialize)]
struct Detail {
    complaint: Complaint,
    task: Finding,
}

async fn detail(server: &TestServer, client: &Client, id: Uuid) -> Detail {
    ok(
        get(server, client, &format!("/api/complaints/{id}")).await,
        StatusCode::OK,
    )
    .await
}

#[derive(serde::Deserialize)]
struct Changes {
    complaints: Vec<Complaint>,
    seq: i64,
}

/// Everything the desk sees of the complaints, and the sequence: what a refusal must not change.
async fn desk_view(server: &TestServer, desk: &Client) -> (i64, Vec<Complaint>, Vec<Finding>) {
    let changes: Changes = ok(
        get(server, desk, "/api/complaints?since=0").await,
        StatusCode::OK,
    )
    .await;
    let mut tasks = Vec::new();
    for c in &changes.complaints {
        tasks.push(detail(server, desk, c.id).await.task);
    }
    // SQLite gives a refused change's number back: the counter must not move. PostgreSQL's
    // sequence keeps it (db::next_seq), so there no complaint or task may carry a newer number.
    let seq = if server.uses_postgres() {
        let newest = changes.complaints.iter().map(|c| c.seq);
        newest.chain(tasks.iter().map(|t| t.seq)).max().unwrap_or(0)
    } else {
        changes.seq
    };
    (seq, changes.complaints, tasks)
}

/// A complaint of team-a taken by cleaner1 on the phone, given to cleaner2, fixed and confirmed
/// by supervisor1 on the tablet: its call-back is due. Returns its id.
async fn confirmed_complaint(server: &TestServer) -> Uuid {
    let (c1, c2, s1) = (
        server.signed_in("cleaner1").await,
        server.signed_in("cleaner2").await,
        server.signed_in("supervisor1").await,
    );
    let new = new_complaint("team-a", "ordinary", vec![], None);
    let id = id_of(&new);
    let task: Uuid = serde_json::from_value(new["finding_id"].clone()).unwrap();
    assert_applied(&send(server, &c1, &take_op("cleaner1", &new, &now_minus(60))).await);
    let due = (Utc::now() + Duration::days(3)).to_rfc3339();
    assert_applied(
        &send(
            server,
            &s1,
            &assign_to("supervisor1", task, "cleaner2", &due),
        )
        .await,
    );
    let after = Photo::jpeg(40);
    assert_applied(
        &send(
            server,
            &c2,
            &close("cleaner2", task, vec![photo_ref(&after, "after")]),
        )
        .await,
    );
    assert_applied(&send(server, &s1, &confirm("supervisor1", task)).await);
    id
}

#[tokio::test]
async fn a_complaint_from_a_phone_is_fixed_confirmed_and_called_back_each_step_once() {
    let server = TestServer::with_demo().await;
    let (c1, c2, s1, desk) = (
        server.signed_in("cleaner1").await,
        server.signed_in("cleaner2").await,
        server.signed_in("supervisor1").await,
        server.signed_in("dispatcher1").await,
    );
    let before = Photo::jpeg(31);
    let new = new_complaint("team-a", "major", vec![photo_ref(&before, "before")], None);
    let id = id_of(&new);
    let task_id: Uuid = serde_json::from_value(new["finding_id"].clone()).unwrap();
    let taken_at = now_minus(30);
    let take = take_op("cleaner1", &new, &taken_at);

    // Taken once: the same operation again (a retry after a lost answer) is a duplicate.
    assert_applied(&send(&server, &c1, &take).await);
    let (seq, complaints, _) = desk_view(&server, &desk).await;
    let again = send(&server, &c1, &take).await;
    assert_eq!(again.outcome, Outcome::Duplicate, "{again:?}");
    assert_eq!(
        desk_view(&server, &desk).await.0,
        seq,
        "a duplicate changes nothing"
    );
    // The same complaint under another operation id: refused, nothing changes.
    let twice = take_op("cleaner1", &new, &taken_at);
    refused(&server, &c1, &twice, RejectCode::InvalidValue, &[&c1, &s1]).await;
    assert_eq!(desk_view(&server, &desk).await.1, complaints);

    // Its photo's bytes follow from the phone that took it.
    assert_eq!(before.put(&server, &c1).await.status(), StatusCode::CREATED);
    assert_eq!(crate::team::get_photo(&server, &s1, before.id).await.0, 200);
    assert_eq!(
        crate::team::get_photo(&server, &desk, before.id).await.0,
        200
    );
    assert_eq!(crate::team::get_photo(&server, &c2, before.id).await.0, 404);

    // The owner, the team's supervisor and the desk see it; a teammate does not (yet).
    let complaint = detail(&server, &desk, id).await;
    assert_eq!(complaint.complaint.taken_by, "cleaner1");
    assert_eq!(complaint.complaint.state, ComplaintState::Fixing);
    assert_eq!(complaint.task.id, task_id);
    assert_eq!(complaint.task.state, FindingState::Open);
    let pulled = |sync: fieldbook_model::SyncResponse| sync.field.complaints;
    assert_eq!(pulled(server.sync(&c1, 0).await)[0].id, id);
    assert_eq!(pulled(server.sync(&s1, 0).await)[0].id, id);
    assert!(pulled(server.sync(&c2, 0).await).is_empty());
    assert!(
        server
            .sync(&s1, 0)
            .await
            .field
            .findings
            .iter()
            .any(|f| f.id == task_id)
    );

    // The supervisor gives the task to cleaner2, who now pulls it and its complaint.
    let cursor = server.sync(&c2, 0).await.cursor;
    let due = (Utc::now() + Duration::days(1)).to_rfc3339();
    let assign = assign_to("supervisor1", task_id, "cleaner2", &due);
    assert_applied(&send(&server, &s1, &assign).await);
    let next = server.sync(&c2, cursor).await;
    assert_eq!(next.field.complaints.len(), 1);
    assert!(next.field.findings.iter().any(|f| f.id == task_id));
    // The desk's polling sees the complaint changed with its task.
    let changes: Changes = ok(
        get(&server, &desk, &format!("/api/complaints?since={seq}")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(changes.complaints.len(), 1);

    // A call-back before the fix is confirmed: refused, nothing changes.
    let early = call_back_body(about_complaint(id), "phone", true, &now_minus(1), None);
    refused(
        &server,
        &s1,
        &call_back_op("supervisor1", &early, &now_minus(1)),
        RejectCode::InvalidTransition,
        &[&c1, &c2, &s1],
    )
    .await;

    // Fixed with an after photo, confirmed on the tablet: the call-back is due.
    let after = Photo::jpeg(32);
    let fix = close("cleaner2", task_id, vec![photo_ref(&after, "after")]);
    assert_applied(&send(&server, &c2, &fix).await);
    let confirmed = confirm("supervisor1", task_id);
    assert_applied(&send(&server, &s1, &confirmed).await);
    let resent = send(&server, &s1, &confirmed).await;
    assert_eq!(resent.outcome, Outcome::Duplicate);
    let complaint = detail(&server, &desk, id).await.complaint;
    assert_eq!(complaint.state, ComplaintState::CallBackDue);
    assert_eq!(
        complaint.call_back_due,
        complaint.fix_confirmed_at.map(|t| t + Duration::days(7))
    );
    let due_list: Vec<CallBackDue> = ok(
        get(&server, &desk, "/api/call-backs/due").await,
        StatusCode::OK,
    )
    .await;
    assert!(
        due_list
            .iter()
            .any(|d| d.subject == CallBackSubject::Complaint { complaint_id: id })
    );

    // A visit by cleaner2 (the team's own people), the customer signs, but is not satisfied:
    // the complaint and its task reopen, due again in working days.
    let signature = Photo::signature_png();
    let visit = call_back_body(
        about_complaint(id),
        "visit",
        false,
        &now_minus(1),
        Some(photo_ref(&signature, "signature")),
    );
    let record = call_back_op("cleaner2", &visit, &now_minus(1));
    assert_applied(&send(&server, &c2, &record).await);
    let (seq_after, ..) = desk_view(&server, &desk).await;
    // Sent again after a lost answer: a duplicate, the call-back kept once.
    let resent = send(&server, &c2, &record).await;
    assert_eq!(resent.outcome, Outcome::Duplicate);
    assert_eq!(desk_view(&server, &desk).await.0, seq_after);
    assert_eq!(
        signature.put(&server, &c2).await.status(),
        StatusCode::CREATED
    );
    assert_eq!(
        crate::team::get_photo(&server, &desk, signature.id).await.0,
        200
    );
    let Detail { complaint, task } = detail(&server, &desk, id).await;
    assert_eq!(complaint.state, ComplaintState::Fixing);
    assert_eq!(complaint.call_backs.len(), 1);
    assert!(!complaint.call_backs[0].satisfied);
    assert_eq!(task.state, FindingState::Assigned);
    assert_eq!(task.due, Some(complaint.fix_due));
    assert_eq!(complaint.ledger_row().reopened, 1);
    // The same call-back id in another operation: refused.
    let reused = call_back_op("cleaner2", &visit, &now_minus(1));
    assert_rejected(
        &send(&server, &c2, &reused).await,
        RejectCode::InvalidTransition,
    );
}

#[tokio::test]
async fn phone_refusals_have_their_codes_and_change_nothing() {
    let server = TestServer::with_demo().await;
    add_user(&server, "cleaner3", Role::Cleaner, Some("team-b")).await;
    add_user(&server, "supervisor2", Role::Supervisor, Some("team-b")).await;
    let (c1, c3, s1, s2, e1) = (
        server.signed_in("cleaner1").await,
        server.signed_in("cleaner3").await,
        server.signed_in("supervisor1").await,
        server.signed_in("supervisor2").await,
        server.signed_in("engineer1").await,
    );
    let watchers = [&c1, &c3, &s1, &s2];
    let t = now_minus(5);
    // Outside one's team; giving the task at once as a cleaner; an unknown team; a bad field;
    // an area that is not the team's.
    let cases: Vec<(&Client, Value, RejectCode)> = vec![
        (
            &c3,
            take_op(
                "cleaner3",
                &new_complaint("team-a", "major", vec![], None),
                &t,
            ),
            RejectCode::Forbidden,
        ),
        (
            &c1,
            take_op(
                "cleaner1",
                &new_complaint("team-a", "major", vec![], Some("cleaner2")),
                &t,
            ),
            RejectCode::Forbidden,
        ),
        (
            &e1,
            take_op(
                "engineer1",
                &new_complaint("team-a", "major", vec![], None),
                &t,
            ),
            RejectCode::Forbidden,
        ),
        (
            &s1,
            take_op(
                "supervisor1",
                &{
                    let mut c = new_complaint("team-a", "major", vec![], None);
                    c["customer"] = json!(" ");
                    c
                },
                &t,
            ),
            RejectCode::InvalidValue,
        ),
        (
            &s1,
            take_op(
                "supervisor1",
                &new_complaint("team-a", "major", vec![], Some("cleaner3")),
                &t,
            ),
            RejectCode::UnknownRecord,
        ),
        (
            &s2,
            take_op(
                "supervisor2",
                &{
                    let mut c = new_complaint("team-b", "major", vec![], None);
                    c["area_id"] = json!(
                        crate::team::area(&crate::team::reference(&server, &c1).await, "大堂").id
                    );
                    c
                },
                &t,
            ),
            RejectCode::UnknownRecord,
        ),
    ];
    for (client, op, code) in cases {
        refused(&server, client, &op, code, &watchers).await;
    }
    // Unknown team: the engineer's station has people, "team-z" has none.
    let desk = server.signed_in("dispatcher1").await;
    refused(
        &server,
        &desk,
        &take_op(
            "dispatcher1",
            &new_complaint("team-z", "major", vec![], None),
            &t,
        ),
        RejectCode::UnknownRecord,
        &watchers,
    )
    .await;

    // Call-backs: outside the team, a signature by phone, none on a visit, no words.
    let id = confirmed_complaint(&server).await;
    let sig = Photo::signature_png();
    let cases: Vec<(&Client, &str, Value, RejectCode)> = vec![
        (
            &s2,
            "supervisor2",
            call_back_body(about_complaint(id), "phone", true, &t, None),
            RejectCode::Forbidden,
        ),
        (
            &c3,
            "cleaner3",
            call_back_body(
                about_complaint(id),
                "visit",
                true,
                &t,
                Some(photo_ref(&sig, "signature")),
            ),
            RejectCode::Forbidden,
        ),
        (
            &c1,
            "cleaner1",
            call_back_body(about_complaint(id), "phone", true, &t, None),
            RejectCode::Forbidden,
        ),
        (
            &s1,
            "supervisor1",
            call_back_body(
                about_complaint(id),
                "phone",
                true,
                &t,
                Some(photo_ref(&sig, "signature")),
            ),
            RejectCode::InvalidValue,
        ),
        (
            &s1,
            "supervisor1",
            call_back_body(about_complaint(id), "visit", true, &t, None),
            RejectCode::InvalidValue,
        ),
        (
            &s1,
            "supervisor1",
            {
                let mut b = call_back_body(about_complaint(id), "phone", false, &t, None);
                b["words"] = json!("");
                b
            },
            RejectCode::InvalidValue,
        ),
        (
            &s1,
            "supervisor1",
            call_back_body(about_complaint(Uuid::new_v4()), "phone", true, &t, None),
            RejectCode::UnknownRecord,
        ),
    ];
    for (client, who, body, code) in cases {
        refused(
            &server,
            client,
            &call_back_op(who, &body, &t),
            code,
            &watchers,
        )
        .await;
    }
    // The same one satisfied closes it; then nothing but the office's reopening changes it.
    let done = call_back_body(about_complaint(id), "phone", true, &t, None);
    assert_applied(&send(&server, &s1, &call_back_op("supervisor1", &done, &t)).await);
    let late = call_back_body(about_complaint(id), "phone", true, &t, None);
    refused(
        &server,
        &s1,
        &call_back_op("supervisor1", &late, &t),
        RejectCode::InvalidTransition,
        &watchers,
    )
    .await;
    let Detail { complaint, task } = detail(&server, &desk, id).await;
    assert_eq!(complaint.state, ComplaintState::Closed);
    // The task is confirmed: every finding operation on it is refused.
    let again = close(
        "cleaner2",
        task.id,
        vec![photo_ref(&Photo::jpeg(41), "after")],
    );
    let c2 = server.signed_in("cleaner2").await;
    refused(
        &server,
        &c2,
        &again,
        RejectCode::InvalidTransition,
        &watchers,
    )
    .await;
    // A complaint's task is never reported on its own.
    let fake = crate::team::op(
        "cleaner1",
        json!({"type": "report_finding", "finding_id": Uuid::new_v4(), "area_id": null,
               "place": "门口", "source": {"complaint": {"complaint_id": id}},
               "problem": "other", "note": "假的", "photos": [photo_ref(&Photo::jpeg(42), "before")]}),
    );
    refused(&server, &c1, &fake, RejectCode::InvalidValue, &watchers).await;
}

#[tokio::test]
async fn the_desk_takes_gives_confirms_calls_back_and_reopens() {
    let server = TestServer::with_demo().await;
    let (desk, head, e1, e2) = (
        server.signed_in("dispatcher1").await,
        server.signed_in("head1").await,
        server.signed_in("engineer1").await,
        server.signed_in("engineer2").await,
    );
    let new = new_complaint("济南站", "major", vec![], Some("engineer1"));
    let id = id_of(&new);
    let made: Complaint = ok(
        post(&server, &desk, "/api/complaints", &new).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!((made.id, made.taken_by.as_str()), (id, "dispatcher1"));
    // Retry-safe: the same body again is the same complaint, 200; another body is refused.
    let again: Complaint = ok(
        post(&server, &desk, "/api/complaints", &new).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(again, made);
    let (seq, ..) = desk_view(&server, &desk).await;
    let mut other = new.clone();
    other["what"] = json!("另一件事");
    assert_error(
        post(&server, &desk, "/api/complaints", &other).await,
        StatusCode::CONFLICT,
        "id_reused",
    )
    .await;
    assert_eq!(desk_view(&server, &desk).await.0, seq);

    // engineer1 pulls the task and the complaint; engineer2 neither.
    let pull = server.sync(&e1, 0).await.field;
    assert!(pull.complaints.iter().any(|c| c.id == id));
    assert!(pull.findings.iter().any(|f| f.id == made.finding_id));
    assert!(
        !server
            .sync(&e2, 0)
            .await
            .field
            .complaints
            .iter()
            .any(|c| c.id == id)
    );

    // Not fixed yet: the desk cannot confirm it.
    assert_error(
        post(
            &server,
            &head,
            &format!("/api/complaints/{id}/confirm"),
            &json!({}),
        )
        .await,
        StatusCode::CONFLICT,
        "wrong_state",
    )
    .await;
    // The head gives it to engineer2 instead; then engineer2 fixes it on the phone.
    let given: Detail = ok(
        post(
            &server,
            &head,
            &format!("/api/complaints/{id}/assign"),
            &json!({"assignee": {"person": {"username": "engineer2"}}}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(given.task.state, FindingState::Assigned);
    assert_error(
        post(
            &server,
            &head,
            &format!("/api/complaints/{id}/assign"),
            &json!({"assignee": {"person": {"username": "cleaner1"}}}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown_user",
    )
    .await;
    let fix = close(
        "engineer2",
        made.finding_id,
        vec![photo_ref(&Photo::jpeg(50), "after")],
    );
    assert_applied(&send(&server, &e2, &fix).await);
    let done: Detail = ok(
        post(
            &server,
            &head,
            &format!("/api/complaints/{id}/confirm"),
            &json!({}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(done.complaint.state, ComplaintState::CallBackDue);
    assert_eq!(done.task.state, FindingState::Confirmed);
    assert_error(
        post(
            &server,
            &head,
            &format!("/api/complaints/{id}/confirm"),
            &json!({}),
        )
        .await,
        StatusCode::CONFLICT,
        "wrong_state",
    )
    .await;

    // The desk calls back by phone: satisfied, closed. The same request again: 200, once.
    let back = call_back_body(about_complaint(id), "phone", true, &now_minus(0), None);
    let closed: Value = ok(
        post(&server, &desk, "/api/call-backs", &back).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(closed["complaint"]["state"], "closed");
    let retry: Value = ok(
        post(&server, &desk, "/api/call-backs", &back).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        retry["complaint"]["call_backs"].as_array().unwrap().len(),
        1
    );
    let mut reused = back.clone();
    reused["answered_by"] = json!("别人");
    assert_error(
        post(&server, &desk, "/api/call-backs", &reused).await,
        StatusCode::CONFLICT,
        "id_reused",
    )
    .await;

    // Closed: only reopening changes it.
    let (seq, complaints, tasks) = desk_view(&server, &desk).await;
    assert_error(
        post(
            &server,
            &desk,
            &format!("/api/complaints/{id}/assign"),
            &json!({"assignee": {"person": {"username": "engineer1"}}}),
        )
        .await,
        StatusCode::CONFLICT,
        "complaint_closed",
    )
    .await;
    assert_error(
        post(
            &server,
            &desk,
            &format!("/api/complaints/{id}/confirm"),
            &json!({}),
        )
        .await,
        StatusCode::CONFLICT,
        "complaint_closed",
    )
    .await;
    let late = call_back_body(about_complaint(id), "phone", true, &now_minus(0), None);
    assert_error(
        post(&server, &desk, "/api/call-backs", &late).await,
        StatusCode::CONFLICT,
        "complaint_closed",
    )
    .await;
    assert_error(
        post(
            &server,
            &desk,
            &format!("/api/complaints/{id}/reopen"),
            &json!({"reason": " "}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_value",
    )
    .await;
    assert_eq!(desk_view(&server, &desk).await, (seq, complaints, tasks));
    let reopened: Detail = ok(
        post(
            &server,
            &desk,
            &format!("/api/complaints/{id}/reopen"),
            &json!({"reason": "客户又来电话"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(reopened.complaint.state, ComplaintState::Fixing);
    assert_eq!(reopened.task.state, FindingState::Assigned);
    assert!(reopened.complaint.fix_due > Utc::now());
    assert_error(
        post(
            &server,
            &desk,
            &format!("/api/complaints/{id}/reopen"),
            &json!({"reason": "再来"}),
        )
        .await,
        StatusCode::CONFLICT,
        "wrong_state",
    )
    .await;

    // Lists: open, late, waiting for a call-back.
    let open: Changes = ok(
        get(&server, &desk, "/api/complaints?state=open").await,
        StatusCode::OK,
    )
    .await;
    assert!(open.complaints.iter().any(|c| c.id == id));
    let waiting: Changes = ok(
        get(&server, &desk, "/api/complaints?state=call_back_due").await,
        StatusCode::OK,
    )
    .await;
    assert!(!waiting.complaints.iter().any(|c| c.id == id));
    assert!(
        waiting
            .complaints
            .iter()
            .all(|c| c.state == ComplaintState::CallBackDue)
    );
    assert_error(
        get(&server, &desk, "/api/complaints?state=soon").await,
        StatusCode::BAD_REQUEST,
        "bad_query",
    )
    .await;
}

#[tokio::test]
async fn the_desks_refusals_name_the_field_and_change_nothing() {
    let server = TestServer::with_demo().await;
    let (desk, head, sup, c1) = (
        server.signed_in("dispatcher1").await,
        server.signed_in("head1").await,
        server.signed_in("supervisor1").await,
        server.signed_in("cleaner1").await,
    );
    let before = desk_view(&server, &desk).await;
    let with = |field: &str, value: Value| {
        let mut c = new_complaint("team-a", "major", vec![], None);
        c[field] = value;
        c
    };
    for (body, status, code, field) in [
        (with("team", json!(" ")), 422, "invalid_value", "team"),
        (
            with("customer", json!("")),
            422,
            "invalid_value",
            "customer",
        ),
        (
            with("contact_phone", json!("打我电话")),
            422,
            "invalid_value",
            "contact_phone",
        ),
        (with("place", json!("")), 422, "invalid_value", "place"),
        (with("what", json!(" ")), 422, "invalid_value", "what"),
        (
            with("assignee", json!({"person": {"username": ""}})),
            422,
            "invalid_value",
            "assignee",
        ),
        (with("team", json!("team-z")), 422, "unknown_team", "team"),
        (
            with("assignee", json!({"person": {"username": "nobody"}})),
            422,
            "unknown_user",
            "assignee",
        ),
        (
            with("assignee", json!({"person": {"username": "engineer1"}})),
            201,
            "",
            "",
        ),
    ] {
        let r = post(&server, &desk, "/api/complaints", &body).await;
        if status == 201 {
            assert_eq!(r.status(), StatusCode::CREATED);
            continue;
        }
        let e = assert_error(r, StatusCode::from_u16(status).unwrap(), code).await;
        assert!(
            e["message"]
                .as_str()
                .unwrap()
                .starts_with(&format!("{field}:")),
            "{e}"
        );
    }
    let (seq, complaints, _) = desk_view(&server, &desk).await;
    assert_eq!(complaints.len(), before.1.len() + 1);
    // Field roles and a head outside their station: 403.
    let team_a = new_complaint("team-a", "major", vec![], None);
    assert_error(
        post(&server, &head, "/api/complaints", &team_a).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    assert_error(
        post(&server, &sup, "/api/complaints", &team_a).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    assert_error(
        post(&server, &c1, "/api/complaints", &team_a).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    assert_error(
        get(&server, &c1, "/api/complaints").await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    assert_eq!(desk_view(&server, &desk).await.0, seq);

    // Call-backs: each wrong one with its code.
    let fixing = complaints
        .iter()
        .find(|c| c.state == ComplaintState::Fixing && c.taken_by == "dispatcher1")
        .unwrap()
        .id;
    let t = now_minus(1);
    let sig = Photo::signature_png();
    let orders: Vec<WorkOrder> = ok(
        get(&server, &desk, "/api/work-orders").await,
        StatusCode::OK,
    )
    .await;
    let open_order = orders.iter().find(|o| o.closure.is_none()).unwrap().id;
    let demo_due = complaints
        .iter()
        .find(|c| c.state == ComplaintState::CallBackDue)
        .unwrap()
        .id;
    for (client, body, status, code) in [
        (
            &desk,
            call_back_body(about_complaint(fixing), "phone", true, &t, None),
            409,
            "fix_not_confirmed",
        ),
        (
            &desk,
            call_back_body(
                about_complaint(demo_due),
                "phone",
                true,
                &t,
                Some(photo_ref(&sig, "signature")),
            ),
            422,
            "signature_on_phone",
        ),
        (
            &desk,
            call_back_body(about_complaint(demo_due), "visit", true, &t, None),
            422,
            "signature_required",
        ),
        (
            &desk,
            {
                let mut b = call_back_body(about_complaint(demo_due), "phone", false, &t, None);
                b["words"] = json!(" ");
                b
            },
            422,
            "words_required",
        ),
        (
            &desk,
            call_back_body(about_order(open_order), "phone", true, &t, None),
            409,
            "order_not_closed",
        ),
        (
            &sup,
            call_back_body(about_complaint(demo_due), "phone", true, &t, None),
            403,
            "forbidden",
        ),
        (
            &c1,
            call_back_body(about_order(open_order), "phone", true, &t, None),
            403,
            "forbidden",
        ),
        (
            &desk,
            call_back_body(about_complaint(Uuid::new_v4()), "phone", true, &t, None),
            404,
            "not_found",
        ),
        (
            &desk,
            call_back_body(
                about_complaint(demo_due),
                "phone",
                true,
                &(Utc::now() + Duration::hours(1)).to_rfc3339(),
                None,
            ),
            422,
            "invalid_value",
        ),
    ] {
        assert_error(
            post(&server, client, "/api/call-backs", &body).await,
            StatusCode::from_u16(status).unwrap(),
            code,
        )
        .await;
    }
    assert_eq!(
        desk_view(&server, &desk).await.0,
        seq,
        "no refusal took a sequence value"
    );

    // The calendar: the desk changes it; a wrong one is refused with the calendar's message.
    for (body, day) in [
        (
            json!({"holidays": ["2026-10-03"], "make_up_days": []}),
            "2026-10-03",
        ),
        (
            json!({"holidays": [], "make_up_days": ["2026-10-09"]}),
            "2026-10-09",
        ),
    ] {
        let r = desk
            .put(server.url("/api/calendar"))
            .json(&body)
            .send()
            .await
            .unwrap();
        let e = assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "bad_calendar").await;
        assert!(e["message"].as_str().unwrap().contains(day), "{e}");
    }
    let r = head
        .put(server.url("/api/calendar"))
        .json(&json!({"holidays": [], "make_up_days": []}))
        .send()
        .await
        .unwrap();
    assert_error(r, StatusCode::FORBIDDEN, "forbidden").await;
    assert_eq!(desk_view(&server, &desk).await.0, seq);
    // The settings' call-back days: checked.
    let r = desk
        .put(server.url("/api/settings"))
        .json(&json!({"ticket_rule": "BX-{yyyymmdd}-{n:3}", "photo_naming": "standard", "call_back_days": 0}))
        .send()
        .await
        .unwrap();
    assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_value").await;
}

#[tokio::test]
async fn the_calendar_and_complaints_reach_the_right_phones_only() {
    let server = TestServer::with_demo().await;
    add_user(&server, "supervisor2", Role::Supervisor, Some("team-b")).await;
    let (c1, c2, s1, s2, e1, desk) = (
        server.signed_in("cleaner1").await,
        server.signed_in("cleaner2").await,
        server.signed_in("supervisor1").await,
        server.signed_in("supervisor2").await,
        server.signed_in("engineer1").await,
        server.signed_in("dispatcher1").await,
    );
    // The demo's calendar (China's 2026 and 2027 holidays) reaches every phone's first pull.
    let china = fieldbook_server::demo_field::china_calendar();
    assert_eq!(china.check(), Ok(()));
    for client in [&c1, &s1, &e1] {
        let r = server
            .sync(client, 0)
            .await
            .field
            .reference
            .expect("a first pull has the reference");
        assert_eq!(r.calendar, china);
    }
    let got: WorkCalendar = ok(get(&server, &c1, "/api/calendar").await, StatusCode::OK).await;
    assert_eq!(got, china);
    // Nothing changed since: no reference.
    let cursors: Vec<i64> = [
        server.sync(&c1, 0).await.cursor,
        server.sync(&e1, 0).await.cursor,
    ]
    .to_vec();
    assert!(server.sync(&c1, cursors[0]).await.field.reference.is_none());
    assert!(server.sync(&e1, cursors[1]).await.field.reference.is_none());
    // The desk adds a day off: every phone pulls the calendar again.
    let mut changed = china.clone();
    changed.holidays.push("2026-12-31".parse().unwrap());
    let r = desk
        .put(server.url("/api/calendar"))
        .json(&changed)
        .send()
        .await
        .unwrap();
    let saved: WorkCalendar = ok(r, StatusCode::OK).await;
    assert_eq!(saved, changed.clone().normalized());
    let pulled = server
        .sync(&c1, cursors[0])
        .await
        .field
        .reference
        .expect("the calendar changed");
    assert_eq!(pulled.calendar, saved);
    assert!(!pulled.areas.is_empty(), "the whole reference comes again");
    let pulled = server
        .sync(&e1, cursors[1])
        .await
        .field
        .reference
        .expect("the calendar changed");
    assert_eq!(pulled.calendar, saved);
    // The same calendar again changes nothing.
    let cursor = server.sync(&c1, 0).await.cursor;
    let r = desk
        .put(server.url("/api/calendar"))
        .json(&changed)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(server.sync(&c1, cursor).await.field.reference.is_none());

    // A complaint cleaner1 took: theirs and their supervisor's; not cleaner2's, not team-b's,
    // not an engineer's.
    let new = new_complaint("team-a", "ordinary", vec![], None);
    assert_applied(&send(&server, &c1, &take_op("cleaner1", &new, &now_minus(2))).await);
    let id = id_of(&new);
    let sees =
        |sync: fieldbook_model::SyncResponse| sync.field.complaints.iter().any(|c| c.id == id);
    assert!(sees(server.sync(&c1, 0).await));
    assert!(sees(server.sync(&s1, 0).await));
    assert!(!sees(server.sync(&c2, 0).await));
    assert!(!sees(server.sync(&s2, 0).await));
    assert!(!sees(server.sync(&e1, 0).await));
    // The desk's and the supervisor's lists; another team's supervisor's list lacks it.
    let list = |r: Changes| r.complaints.iter().any(|c| c.id == id);
    assert!(list(
        ok(get(&server, &desk, "/api/complaints").await, StatusCode::OK).await
    ));
    assert!(list(
        ok(get(&server, &s1, "/api/complaints").await, StatusCode::OK).await
    ));
    assert!(!list(
        ok(get(&server, &s2, "/api/complaints").await, StatusCode::OK).await
    ));
    assert_error(
        get(&server, &s2, &format!("/api/complaints/{id}")).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

/// The ledger's cells as the server writes them for a row of the JSON.
fn cells(row: &LedgerRow) -> Vec<String> {
    fieldbook_server::routes::complaints::ledger_cells(row).to_vec()
}

#[tokio::test]
async fn the_ledger_exports_the_same_rows_as_the_page_and_no_formulas() {
    let server = TestServer::with_demo().await;
    let (desk, c1, s1) = (
        server.signed_in("dispatcher1").await,
        server.signed_in("cleaner1").await,
        server.signed_in("supervisor1").await,
    );
    // Two complaints taken in November on the phone (offline, sent later), with cells a
    // spreadsheet would run as formulas.
    for (customer, what, at) in [
        (
            "=HYPERLINK(\"http://evil\",\"点我\")",
            "+1 楼道脏",
            "2026-11-03T02:00:00Z",
        ),
        ("@SUM(A1)", "-地面有水", "2026-11-20T09:00:00Z"),
    ] {
        let mut new = new_complaint("team-a", "major", vec![], None);
        new["customer"] = json!(customer);
        new["what"] = json!(what);
        assert_applied(&send(&server, &c1, &take_op("cleaner1", &new, at)).await);
    }
    // One the first of December China time (30 November in UTC): December's.
    let new = new_complaint("team-a", "ordinary", vec![], None);
    assert_applied(
        &send(
            &server,
            &s1,
            &take_op("supervisor1", &new, "2026-11-30T17:00:00Z"),
        )
        .await,
    );

    let rows: Vec<LedgerRow> = ok(
        get(&server, &desk, "/api/complaints/ledger?month=2026-11").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(rows.len(), 2);
    assert!(rows[0].taken_at < rows[1].taken_at);
    let december: Vec<LedgerRow> = ok(
        get(
            &server,
            &desk,
            "/api/complaints/ledger?month=2026-12&format=json",
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert!(december.iter().any(|r| r.complaint_id == id_of(&new)));
    assert!(
        !december
            .iter()
            .any(|r| rows.iter().any(|n| n.complaint_id == r.complaint_id))
    );

    // CSV: UTF-8 with a BOM, the header, then the same rows; formula-like cells start with '.
    let r = get(
        &server,
        &desk,
        "/api/complaints/ledger?month=2026-11&format=csv",
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("complaints-2026-11.csv")
    );
    let bytes = r.bytes().await.unwrap();
    assert_eq!(&bytes[..3], &[0xEF, 0xBB, 0xBF]);
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        fieldbook_server::routes::complaints::LEDGER_HEADER.to_vec()
    );
    let csv_rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    assert_eq!(csv_rows.len(), rows.len());
    for (got, row) in csv_rows.iter().zip(&rows) {
        let want: Vec<String> = cells(row)
            .into_iter()
            .map(|c| {
                if c.starts_with(['=', '+', '-', '@']) {
                    format!("'{c}")
                } else {
                    c
                }
            })
            .collect();
        assert_eq!(got, &want);
    }
    assert_eq!(csv_rows[0][4], "'=HYPERLINK(\"http://evil\",\"点我\")");
    assert_eq!(csv_rows[1][6], "'-地面有水");

    // .xlsx: the same cells, every text cell a string (never a formula).
    let r = get(
        &server,
        &desk,
        "/api/complaints/ledger?month=2026-11&format=xlsx",
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let sheet = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&sheet).unwrap();
    let formulas = book.worksheet_formula(&sheet).unwrap();
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "no formulas"
    );
    let grid: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
    assert_eq!(grid.len(), rows.len() + 1);
    for (got, row) in grid[1..].iter().zip(&rows) {
        let want = cells(row);
        for (col, cell) in got.iter().enumerate() {
            match cell {
                Data::String(s) => assert_eq!(s, &want[col], "column {col}"),
                Data::Float(f) => assert_eq!(f.to_string(), want[col], "column {col}"),
                Data::Empty => assert_eq!("", want[col], "column {col}"),
                other => panic!("column {col}: {other:?}"),
            }
        }
    }
    assert_eq!(
        grid[1][4],
        Data::String("=HYPERLINK(\"http://evil\",\"点我\")".into())
    );

    // A station head sees their station's rows only; field roles none; a bad month is refused.
    let head = server.signed_in("head1").await;
    let theirs: Vec<LedgerRow> = ok(
        get(&server, &head, "/api/complaints/ledger?month=2026-11").await,
        StatusCode::OK,
    )
    .await;
    assert!(theirs.is_empty());
    assert_error(
        get(&server, &c1, "/api/complaints/ledger?month=2026-11").await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    assert_error(
        get(&server, &desk, "/api/complaints/ledger?month=2026-13").await,
        StatusCode::BAD_REQUEST,
        "bad_query",
    )
    .await;
    assert_error(
        get(
            &server,
            &desk,
            "/api/complaints/ledger?month=2026-11&format=pdf",
        )
        .await,
        StatusCode::BAD_REQUEST,
        "bad_query",
    )
    .await;
}

#[tokio::test]
async fn a_closed_orders_call_back_is_due_after_the_set_days_and_recorded_once() {
    let server = TestServer::with_demo().await;
    let (desk, e1, head) = (
        server.signed_in("dispatcher1").await,
        server.signed_in("engineer1").await,
        server.signed_in("head1").await,
    );
    // Five days, not the default three.
    let r = desk
        .put(server.url("/api/settings"))
        .json(&json!({"ticket_rule": "BX-{yyyymmdd}-{n:3}", "photo_naming": "standard", "call_back_days": 5}))
        .send()
        .await
        .unwrap();
    let settings: Value = ok(r, StatusCode::OK).await;
    assert_eq!(settings["call_back_days"], 5);
    let orders = crate::harness::my_orders(&server, &e1).await;
    let wo = orders
        .iter()
        .find(|o| o.service_type == fieldbook_model::ServiceType::FaultRepair)
        .unwrap();
    crate::desk::submitted(&server, &e1, wo).await;
    // Before the closing: refused on the phone and at the desk.
    let signature = Photo::signature_png();
    let visit = call_back_body(
        about_order(wo.id),
        "visit",
        true,
        &now_minus(1),
        Some(photo_ref(&signature, "signature")),
    );
    refused(
        &server,
        &e1,
        &call_back_op("engineer1", &visit, &now_minus(1)),
        RejectCode::InvalidTransition,
        &[&e1],
    )
    .await;
    let closed: Value = ok(
        post(
            &server,
            &desk,
            &format!("/api/work-orders/{}/review", wo.id),
            &json!({"decision": "close"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let closed_at: DateTime<Utc> = serde_json::from_value(closed["closure"]["at"].clone()).unwrap();
    let due: Vec<CallBackDue> = ok(
        get(&server, &desk, "/api/call-backs/due").await,
        StatusCode::OK,
    )
    .await;
    let owed = due
        .iter()
        .find(|d| {
            d.subject
                == CallBackSubject::WorkOrder {
                    work_order_id: wo.id,
                }
        })
        .expect("the closed order is owed a call-back");
    assert_eq!(owed.due, closed_at + Duration::days(5));
    assert_eq!(owed.title, wo.ticket);
    let theirs: Vec<CallBackDue> = ok(
        get(&server, &head, "/api/call-backs/due").await,
        StatusCode::OK,
    )
    .await;
    assert!(theirs.iter().any(|d| d.subject == owed.subject));

    // A closed order takes nothing else, but its call-back: the engineer's visit, signed.
    let other = crate::harness::set_status("engineer1", wo.id, "arrived");
    assert_rejected(&send(&server, &e1, &other).await, RejectCode::OrderClosed);
    let mut visit = visit;
    visit["at"] = json!(now_minus(0));
    let record = call_back_op("engineer1", &visit, &now_minus(0));
    assert_applied(&send(&server, &e1, &record).await);
    assert_eq!(
        send(&server, &e1, &record).await.outcome,
        Outcome::Duplicate
    );
    assert_eq!(
        signature.put(&server, &e1).await.status(),
        StatusCode::CREATED
    );
    let order = server.work_order(&desk, wo.id).await;
    assert_eq!(order.call_backs.len(), 1);
    assert_eq!(order.call_backs[0].due, Some(closed_at + Duration::days(5)));
    assert_eq!(order.call_backs[0].by, "engineer1");
    let due: Vec<CallBackDue> = ok(
        get(&server, &desk, "/api/call-backs/due").await,
        StatusCode::OK,
    )
    .await;
    assert!(!due.iter().any(|d| d.subject == owed.subject));
    // A second call-back by the desk (the customer called again) is kept too.
    let phone = call_back_body(about_order(wo.id), "phone", false, &now_minus(0), None);
    let answer: Value = ok(
        post(&server, &desk, "/api/call-backs", &phone).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(
        answer["work_order"]["call_backs"].as_array().unwrap().len(),
        2
    );
    let again: Value = ok(
        post(&server, &desk, "/api/call-backs", &phone).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        again["work_order"]["call_backs"].as_array().unwrap().len(),
        2
    );
}

/// A team-a complaint the desk took, brought to `step`: "fixing" (nobody given it yet),
/// "fixed" (cleaner2 fixed it), "due" (supervisor1 confirmed the fix: the call-back is due) or
/// "closed" (the desk called back, satisfied). For the authorisation matrix.
pub async fn at_step(server: &TestServer, step: &str) -> Uuid {
    let desk = server.signed_in("dispatcher1").await;
    let assignee = (step != "fixing").then_some("cleaner2");
    let new = new_complaint("team-a", "major", vec![], assignee);
    let made: Complaint = ok(
        post(server, &desk, "/api/complaints", &new).await,
        StatusCode::CREATED,
    )
    .await;
    if step == "fixing" {
        return made.id;
    }
    let c2 = server.signed_in("cleaner2").await;
    let after = Photo::jpeg(60);
    assert_applied(
        &send(
            server,
            &c2,
            &close(
                "cleaner2",
                made.finding_id,
                vec![photo_ref(&after, "after")],
            ),
        )
        .await,
    );
    if step == "fixed" {
        return made.id;
    }
    let s1 = server.signed_in("supervisor1").await;
    assert_applied(&send(server, &s1, &confirm("supervisor1", made.finding_id)).await);
    if step == "due" {
        return made.id;
    }
    let back = call_back_body(about_complaint(made.id), "phone", true, &now_minus(1), None);
    let _: Value = ok(
        post(server, &desk, "/api/call-backs", &back).await,
        StatusCode::CREATED,
    )
    .await;
    made.id
}

/// The team's supervisor confirms a complaint's fix on the tablet while their phone, offline,
/// reopens it (earlier): both kept, the confirmation shows. In both arrival orders the call-back
/// is not due while the task is in conflict (not even when the confirmation arrived first and
/// had made it due), the desk's steps on the task are refused with `task_in_conflict` and change
/// nothing; kept, the confirmation makes the call-back due from its own time.
#[tokio::test]
async fn a_task_in_conflict_takes_no_desk_step_and_its_call_back_is_not_due_until_settled() {
    const TABLET: &str = "00000000-0000-4000-8000-0000000000d1";
    const PHONE: &str = "00000000-0000-4000-8000-0000000000d2";
    let mut seen = Vec::new();
    for reopen_first in [true, false] {
        let server = TestServer::with_demo().await;
        let (c1, c2, s1, desk) = (
            server.signed_in("cleaner1").await,
            server.signed_in("cleaner2").await,
            server.signed_in("supervisor1").await,
            server.signed_in("dispatcher1").await,
        );
        let new = new_complaint("team-a", "ordinary", vec![], None);
        let id = id_of(&new);
        let task: Uuid = serde_json::from_value(new["finding_id"].clone()).unwrap();
        assert_applied(&send(&server, &c1, &take_op("cleaner1", &new, &now_minus(60))).await);
        let due = (Utc::now() + Duration::days(3)).to_rfc3339();
        assert_applied(
            &send(
                &server,
                &s1,
                &assign_to("supervisor1", task, "cleaner2", &due),
            )
            .await,
        );
        let after = Photo::jpeg(45);
        assert_applied(
            &send(
                &server,
                &c2,
                &close("cleaner2", task, vec![photo_ref(&after, "after")]),
            )
            .await,
        );
        let confirmed_at = now_minus(5);
        let mut yes = confirm("supervisor1", task);
        yes["device_id"] = TABLET.into();
        yes["device_time"] = confirmed_at.clone().into();
        let mut no = reopen("supervisor1", task, "还在漏");
        no["device_id"] = PHONE.into();
        no["device_time"] = now_minus(10).into();
        let (first, second) = if reopen_first {
            (&no, &yes)
        } else {
            (&yes, &no)
        };
        assert_applied(&send(&server, &s1, first).await);
        assert_applied(&send(&server, &s1, second).await);

        let d = detail(&server, &desk, id).await;
        assert!(d.task.conflict.is_some(), "both steps kept");
        assert_eq!(d.task.state, FindingState::Confirmed, "the later shows");
        assert_eq!(
            (
                d.complaint.state,
                d.complaint.call_back_due,
                d.complaint.fix_confirmed_at
            ),
            (ComplaintState::Fixing, None, None),
            "no call-back is due while the task is in conflict"
        );
        assert_error(
            post(
                &server,
                &desk,
                "/api/call-backs",
                &call_back_body(about_complaint(id), "phone", true, &now_minus(0), None),
            )
            .await,
            StatusCode::CONFLICT,
            "fix_not_confirmed",
        )
        .await;
        // The desk's steps on the task are refused, and change nothing.
        let view = desk_view(&server, &desk).await;
        for (path, body) in [
            (
                "assign",
                json!({"assignee": {"person": {"username": "cleaner1"}}}),
            ),
            ("confirm", json!({})),
        ] {
            let b = assert_error(
                post(
                    &server,
                    &desk,
                    &format!("/api/complaints/{id}/{path}"),
                    &body,
                )
                .await,
                StatusCode::CONFLICT,
                "task_in_conflict",
            )
            .await;
            assert!(b["message"].as_str().is_some_and(|m| !m.is_empty()));
        }
        assert_eq!(desk_view(&server, &desk).await, view);

        // The supervisor keeps the confirmation: the call-back is due from it.
        let keep = crate::team::op(
            "supervisor1",
            json!({"type": "settle_finding", "finding_id": task, "keep_device": TABLET}),
        );
        assert_applied(&send(&server, &s1, &keep).await);
        let d = detail(&server, &desk, id).await;
        assert_eq!(d.task.shown_state(), Some(FindingState::Confirmed));
        let at: DateTime<Utc> = confirmed_at.parse().unwrap();
        assert_eq!(
            (d.complaint.state, d.complaint.fix_confirmed_at),
            (ComplaintState::CallBackDue, Some(at))
        );
        let events: Vec<_> = d
            .complaint
            .history
            .iter()
            .map(|s| s.event.clone())
            .collect();
        seen.push((events, d.complaint.call_back_due.map(|due| due - at)));
    }
    assert_eq!(
        seen[0], seen[1],
        "the same complaint in both arrival orders"
    );
}
