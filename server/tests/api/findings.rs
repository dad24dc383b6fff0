//! Findings and the tasks they become: a cleaner's report with its photo, the supervisor's
//! assignment, the assignee's closing with an after photo, confirmation or reopening; and that
//! nobody outside sees or changes any of it.

use fieldbook_model::findings::{Assignee, Department, Finding, FindingEvent, FindingState};
use fieldbook_model::{RejectCode, Role};
use reqwest::{Client, StatusCode};
use uuid::Uuid;

use crate::field::Photo;
use crate::harness::TestServer;
use crate::team::{
    add_user, apply, area, assign_department, assign_to, close, confirm, get_photo, photo_ref,
    reference, refused, reopen, report_finding,
};

const DUE: &str = "2026-11-28T08:30:00Z";

async fn findings_of(server: &TestServer, client: &Client) -> Vec<Finding> {
    server.sync(client, 0).await.field.findings
}

async fn the_finding(server: &TestServer, client: &Client, id: Uuid) -> Finding {
    findings_of(server, client)
        .await
        .into_iter()
        .find(|f| f.id == id)
        .expect("the finding is visible")
}

/// cleaner1 reports a leak in the restroom with a photo whose bytes are uploaded.
async fn reported(server: &TestServer, c1: &Client) -> (Uuid, Photo) {
    let r = reference(server, c1).await;
    let restroom = area(&r, "A座 3F 卫生间").id;
    let before = Photo::jpeg(31);
    let id = Uuid::new_v4();
    let report = report_finding(
        "cleaner1",
        id,
        Some(restroom),
        vec![photo_ref(&before, "before")],
    );
    apply(server, c1, &report).await;
    assert_eq!(before.put(server, c1).await.status(), StatusCode::CREATED);
    (id, before)
}

#[tokio::test]
async fn a_reported_finding_goes_to_an_engineer_and_back_with_an_after_photo() {
    let server = TestServer::with_demo().await;
    let c1 = server.signed_in("cleaner1").await;
    let c2 = server.signed_in("cleaner2").await;
    let sup = server.signed_in("supervisor1").await;
    let e1 = server.signed_in("engineer1").await;
    let e2 = server.signed_in("engineer2").await;
    let everyone = [&c1, &c2, &sup, &e1, &e2];

    let (id, before) = reported(&server, &c1).await;
    let f = the_finding(&server, &sup, id).await;
    assert_eq!(
        (f.state, f.reported_by.as_str(), f.team.as_str()),
        (FindingState::Open, "cleaner1", "team-a")
    );
    assert_eq!(
        f.place, "A座 3F 卫生间",
        "an area's finding is placed by its name"
    );
    // Open: only the reporter and the supervisor see it.
    for who in [&c2, &e1, &e2] {
        assert!(findings_of(&server, who).await.is_empty());
    }
    assert_eq!(
        get_photo(&server, &sup, before.id).await,
        (200, before.bytes.clone())
    );
    assert_eq!(get_photo(&server, &e1, before.id).await.0, 404);

    // Only the team's supervisor assigns; a due time before the finding is refused.
    let by_cleaner = assign_to("cleaner1", id, "engineer1", DUE);
    refused(&server, &c1, &by_cleaner, RejectCode::Forbidden, &everyone).await;
    let past = assign_to("supervisor1", id, "engineer1", "2026-11-26T08:30:00Z");
    refused(&server, &sup, &past, RejectCode::InvalidValue, &everyone).await;
    let nobody = assign_to("supervisor1", id, "nobody", DUE);
    refused(&server, &sup, &nobody, RejectCode::UnknownRecord, &everyone).await;
    let office = assign_to("supervisor1", id, "dispatcher1", DUE);
    refused(&server, &sup, &office, RejectCode::UnknownRecord, &everyone).await;
    apply(
        &server,
        &sup,
        &assign_to("supervisor1", id, "engineer1", DUE),
    )
    .await;

    // engineer1 pulls the task with the original photo and can read its bytes.
    let task = the_finding(&server, &e1, id).await;
    assert_eq!(task.state, FindingState::Assigned);
    assert_eq!(
        task.assignee,
        Some(Assignee::Person {
            username: "engineer1".into()
        })
    );
    assert_eq!(task.due, Some(DUE.parse().unwrap()));
    assert_eq!(task.photos.len(), 1);
    assert_eq!(task.photos[0].photo_id, before.id);
    assert_eq!(task.photos[0].sha256, before.sha256());
    assert_eq!(
        get_photo(&server, &e1, before.id).await,
        (200, before.bytes.clone())
    );

    // engineer2 sees none of it and cannot close it: to them it does not exist.
    assert!(findings_of(&server, &e2).await.is_empty());
    assert_eq!(get_photo(&server, &e2, before.id).await.0, 404);
    let after = Photo::jpeg(32);
    let foreign = close("engineer2", id, vec![photo_ref(&after, "after")]);
    refused(&server, &e2, &foreign, RejectCode::UnknownRecord, &everyone).await;

    // Closing needs an after photo, and not the before one.
    let bare = close("engineer1", id, vec![]);
    refused(&server, &e1, &bare, RejectCode::InvalidPhoto, &everyone).await;
    let same = close("engineer1", id, vec![photo_ref(&before, "after")]);
    refused(&server, &e1, &same, RejectCode::InvalidPhoto, &everyone).await;
    // Nothing to confirm yet.
    let early = confirm("supervisor1", id);
    refused(
        &server,
        &sup,
        &early,
        RejectCode::InvalidTransition,
        &everyone,
    )
    .await;

    apply(
        &server,
        &e1,
        &close("engineer1", id, vec![photo_ref(&after, "after")]),
    )
    .await;
    assert_eq!(
        after.put(&server, &e2).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(after.put(&server, &e1).await.status(), StatusCode::CREATED);
    let fixed = the_finding(&server, &sup, id).await;
    assert_eq!(fixed.state, FindingState::Fixed);
    assert_eq!(fixed.after_photos[0].photo_id, after.id);
    assert_eq!(
        fixed.photos[0].photo_id, before.id,
        "before and after side by side"
    );
    for who in [&sup, &c1, &e1] {
        assert_eq!(
            get_photo(&server, who, after.id).await,
            (200, after.bytes.clone())
        );
    }
    assert_eq!(get_photo(&server, &c2, after.id).await.0, 404);

    // The engineer does not confirm their own work; reopening needs a reason.
    let self_confirm = confirm("engineer1", id);
    refused(
        &server,
        &e1,
        &self_confirm,
        RejectCode::Forbidden,
        &everyone,
    )
    .await;
    let no_reason = reopen("supervisor1", id, "  ");
    refused(
        &server,
        &sup,
        &no_reason,
        RejectCode::InvalidValue,
        &everyone,
    )
    .await;
    apply(&server, &sup, &reopen("supervisor1", id, "仍有渗水")).await;
    let back = the_finding(&server, &e1, id).await;
    assert_eq!(back.state, FindingState::Assigned);
    assert!(matches!(
        &back.history.last().unwrap().event,
        FindingEvent::Reopened { reason } if reason == "仍有渗水"
    ));

    // The second closing's after photo is filed beside the first, the same day.
    let again = Photo::jpeg(33);
    apply(
        &server,
        &e1,
        &close("engineer1", id, vec![photo_ref(&again, "after")]),
    )
    .await;
    assert_eq!(again.put(&server, &e1).await.status(), StatusCode::CREATED);
    assert_eq!(
        get_photo(&server, &sup, again.id).await,
        (200, again.bytes.clone())
    );
    assert_eq!(
        get_photo(&server, &sup, after.id).await,
        (200, after.bytes.clone())
    );
    let r = sup
        .get(server.url(&format!("/api/photos/{}", again.id)))
        .send()
        .await
        .unwrap();
    let disposition = r.headers()["content-disposition"].to_str().unwrap();
    assert!(
        disposition.contains("finding_after-20261127-after-2.jpg"),
        "{disposition}"
    );
    apply(&server, &sup, &confirm("supervisor1", id)).await;
    let done = the_finding(&server, &e1, id).await;
    assert_eq!(done.state, FindingState::Confirmed);
    assert_eq!(done.after_photos[0].photo_id, again.id);
    let steps: Vec<&str> = done
        .history
        .iter()
        .map(|s| match s.event {
            FindingEvent::Reported => "reported",
            FindingEvent::Assigned { .. } => "assigned",
            FindingEvent::Fixed { .. } => "fixed",
            FindingEvent::Confirmed => "confirmed",
            FindingEvent::Reopened { .. } => "reopened",
        })
        .collect();
    assert_eq!(
        steps,
        [
            "reported",
            "assigned",
            "fixed",
            "reopened",
            "fixed",
            "confirmed"
        ]
    );
    // Confirmed is the end.
    let late = reopen("supervisor1", id, "再看看");
    refused(
        &server,
        &sup,
        &late,
        RejectCode::InvalidTransition,
        &everyone,
    )
    .await;
}

#[tokio::test]
async fn nobody_confirms_their_own_closing() {
    let server = TestServer::with_demo().await;
    let c1 = server.signed_in("cleaner1").await;
    let sup = server.signed_in("supervisor1").await;
    let both = [&c1, &sup];

    // A task for the cleaner who reported it.
    let (id, _) = reported(&server, &c1).await;
    apply(
        &server,
        &sup,
        &assign_to("supervisor1", id, "cleaner1", DUE),
    )
    .await;
    let after = Photo::jpeg(41);
    apply(
        &server,
        &c1,
        &close("cleaner1", id, vec![photo_ref(&after, "after")]),
    )
    .await;
    let own = confirm("cleaner1", id);
    refused(&server, &c1, &own, RejectCode::Forbidden, &both).await;
    let own_reopen = reopen("cleaner1", id, "自己重开");
    refused(&server, &c1, &own_reopen, RejectCode::Forbidden, &both).await;
    apply(&server, &sup, &confirm("supervisor1", id)).await;
    assert_eq!(
        the_finding(&server, &c1, id).await.state,
        FindingState::Confirmed
    );

    // The supervisor gives a task to themself: their own closing needs someone else.
    let (id, _) = reported(&server, &c1).await;
    apply(
        &server,
        &sup,
        &assign_to("supervisor1", id, "supervisor1", DUE),
    )
    .await;
    let after = Photo::jpeg(42);
    apply(
        &server,
        &sup,
        &close("supervisor1", id, vec![photo_ref(&after, "after")]),
    )
    .await;
    let own = confirm("supervisor1", id);
    refused(&server, &sup, &own, RejectCode::Forbidden, &both).await;
    assert_eq!(
        the_finding(&server, &sup, id).await.state,
        FindingState::Fixed
    );
}

#[tokio::test]
async fn another_teams_supervisor_sees_and_changes_nothing_of_team_a() {
    let server = TestServer::with_demo().await;
    add_user(&server, "supervisor2", Role::Supervisor, Some("team-b")).await;
    let c1 = server.signed_in("cleaner1").await;
    let sup = server.signed_in("supervisor1").await;
    let sup_b = server.signed_in("supervisor2").await;
    let e1 = server.signed_in("engineer1").await;
    let everyone = [&c1, &sup, &e1, &sup_b];

    let (id, before) = reported(&server, &c1).await;
    let field = server.sync(&sup_b, 0).await.field;
    let r = field.reference.expect("a supervisor gets a reference");
    assert!(r.areas.is_empty() && r.items.is_empty() && r.units.is_empty());
    assert!(
        r.people
            .iter()
            .all(|p| p.role == Role::Engineer || p.team.as_deref() == Some("team-b")),
        "{:?}",
        r.people
    );
    assert!(field.findings.is_empty() && field.area_days.is_empty());
    assert_eq!(get_photo(&server, &sup_b, before.id).await.0, 404);

    let assign = assign_to("supervisor2", id, "engineer1", DUE);
    refused(
        &server,
        &sup_b,
        &assign,
        RejectCode::UnknownRecord,
        &everyone,
    )
    .await;

    apply(
        &server,
        &sup,
        &assign_to("supervisor1", id, "engineer1", DUE),
    )
    .await;
    let after = Photo::jpeg(51);
    apply(
        &server,
        &e1,
        &close("engineer1", id, vec![photo_ref(&after, "after")]),
    )
    .await;
    assert_eq!(after.put(&server, &e1).await.status(), StatusCode::CREATED);
    let confirm_b = confirm("supervisor2", id);
    refused(
        &server,
        &sup_b,
        &confirm_b,
        RejectCode::UnknownRecord,
        &everyone,
    )
    .await;
    let reopen_b = reopen("supervisor2", id, "不合格");
    refused(
        &server,
        &sup_b,
        &reopen_b,
        RejectCode::UnknownRecord,
        &everyone,
    )
    .await;
    assert_eq!(get_photo(&server, &sup_b, after.id).await.0, 404);
    assert!(server.sync(&sup_b, 0).await.field.findings.is_empty());

    // Nor do they report on team-a's areas; an engineer (no team) reports nowhere.
    let restroom = area(&reference(&server, &c1).await, "A座 3F 卫生间").id;
    let photos = || vec![photo_ref(&Photo::jpeg(52), "before")];
    let on_a = report_finding("supervisor2", Uuid::new_v4(), Some(restroom), photos());
    refused(&server, &sup_b, &on_a, RejectCode::UnknownRecord, &everyone).await;
    let mut by_engineer = report_finding("engineer1", Uuid::new_v4(), None, photos());
    by_engineer["kind"]["place"] = "B座 地下车库".into();
    refused(&server, &e1, &by_engineer, RejectCode::Forbidden, &everyone).await;
    // A refused report files no photo: its bytes have nowhere to go.
    let orphan = Photo::jpeg(53);
    let refused_report = report_finding(
        "supervisor2",
        Uuid::new_v4(),
        Some(restroom),
        vec![photo_ref(&orphan, "before")],
    );
    refused(
        &server,
        &sup_b,
        &refused_report,
        RejectCode::UnknownRecord,
        &everyone,
    )
    .await;
    assert_eq!(
        orphan.put(&server, &sup_b).await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_department_task_reaches_that_department_of_the_team_only() {
    let server = TestServer::with_demo().await;
    add_user(&server, "cleaner3", Role::Cleaner, Some("team-b")).await;
    let c1 = server.signed_in("cleaner1").await;
    let c2 = server.signed_in("cleaner2").await;
    let c3 = server.signed_in("cleaner3").await;
    let sup = server.signed_in("supervisor1").await;
    let e1 = server.signed_in("engineer1").await;
    let e2 = server.signed_in("engineer2").await;

    // To engineering: every engineer (they work for every team), no cleaner.
    let (to_eng, _) = reported(&server, &c1).await;
    apply(
        &server,
        &sup,
        &assign_department("supervisor1", to_eng, "engineering"),
    )
    .await;
    for who in [&e1, &e2] {
        let f = the_finding(&server, who, to_eng).await;
        assert_eq!(
            f.assignee,
            Some(Assignee::Department {
                department: Department::Engineering
            })
        );
    }
    assert!(findings_of(&server, &c2).await.is_empty());

    // To cleaning: team-a's cleaners, never another team's.
    let (to_cleaning, before) = reported(&server, &c1).await;
    apply(
        &server,
        &sup,
        &assign_department("supervisor1", to_cleaning, "cleaning"),
    )
    .await;
    assert_eq!(
        the_finding(&server, &c2, to_cleaning).await.state,
        FindingState::Assigned
    );
    assert!(findings_of(&server, &c3).await.is_empty());
    assert_eq!(get_photo(&server, &c3, before.id).await.0, 404);
    let after = Photo::jpeg(61);
    let foreign = close("cleaner3", to_cleaning, vec![photo_ref(&after, "after")]);
    refused(
        &server,
        &c3,
        &foreign,
        RejectCode::UnknownRecord,
        &[&c1, &c2, &sup, &c3],
    )
    .await;
    // cleaner2 closes it for the department; the supervisor confirms.
    apply(
        &server,
        &c2,
        &close("cleaner2", to_cleaning, vec![photo_ref(&after, "after")]),
    )
    .await;
    apply(&server, &sup, &confirm("supervisor1", to_cleaning)).await;

    // A person of another team is not someone team-a's supervisor gives work to.
    let (id, _) = reported(&server, &c1).await;
    let other_team = assign_to("supervisor1", id, "cleaner3", DUE);
    refused(
        &server,
        &sup,
        &other_team,
        RejectCode::UnknownRecord,
        &[&sup, &c3],
    )
    .await;
}

#[tokio::test]
async fn a_task_moved_to_someone_else_leaves_the_first_assignee_s_phone() {
    let server = TestServer::with_demo().await;
    let c1 = server.signed_in("cleaner1").await;
    let sup = server.signed_in("supervisor1").await;
    let e1 = server.signed_in("engineer1").await;
    let e2 = server.signed_in("engineer2").await;
    let (id, _) = reported(&server, &c1).await;
    apply(
        &server,
        &sup,
        &assign_department("supervisor1", id, "engineering"),
    )
    .await;
    let e1_cursor = server.sync(&e1, 0).await.cursor;
    let e2_cursor = server.sync(&e2, 0).await.cursor;
    assert_eq!(
        the_finding(&server, &e2, id).await.state,
        FindingState::Assigned
    );

    // An engineer's phone gets the names on its tasks: the engineers and the task's team, not
    // the office.
    let named = server
        .sync(&e1, 0)
        .await
        .field
        .reference
        .expect("the names on the tasks");
    let mut names: Vec<(String, String)> = named
        .people
        .iter()
        .map(|p| (p.username.clone(), p.display_name.clone()))
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            ("cleaner1", "王芳"),
            ("cleaner2", "赵敏"),
            ("engineer1", "张伟"),
            ("engineer2", "李强"),
            ("supervisor1", "刘洋"),
        ]
        .map(|(u, n)| (u.to_string(), n.to_string()))
    );
    assert!(named.areas.is_empty() && named.units.is_empty());

    // From the department to engineer1: engineer2's phone drops it, engineer1's keeps it.
    apply(
        &server,
        &sup,
        &assign_to("supervisor1", id, "engineer1", DUE),
    )
    .await;
    let e2_pull = server.sync(&e2, e2_cursor).await.field;
    assert_eq!(e2_pull.findings_removed, vec![id]);
    assert!(e2_pull.findings.is_empty());
    let e1_pull = server.sync(&e1, e1_cursor).await.field;
    assert!(e1_pull.findings_removed.is_empty());
    assert_eq!(e1_pull.findings.len(), 1);

    // Then to engineer2 by name: now engineer1's phone drops it.
    apply(
        &server,
        &sup,
        &assign_to("supervisor1", id, "engineer2", DUE),
    )
    .await;
    let e1_pull = server.sync(&e1, e1_cursor).await.field;
    assert_eq!(e1_pull.findings_removed, vec![id]);
    // The reporter and the supervisor keep seeing it.
    assert!(server.sync(&c1, 0).await.field.findings_removed.is_empty());
    assert!(server.sync(&sup, 0).await.field.findings_removed.is_empty());
}

/// A report of a vacant unit's problem, as the phone sends it after the record.
fn vacant_problem(
    user: &str,
    finding: Uuid,
    record: Uuid,
    photos: Vec<serde_json::Value>,
) -> serde_json::Value {
    crate::team::op(
        user,
        serde_json::json!({
            "type": "report_finding",
            "finding_id": finding,
            "area_id": null,
            "place": "3栋 1204",
            "source": {"vacant_unit": record},
            "problem": "dirty",
            "note": "墙角有蜘蛛网",
            "photos": photos,
        }),
    )
}

/// A problem noted on a vacant unit's record becomes a finding like any other: the record's
/// cleaner sends it with the record's own photo (filed once, with the record), the supervisor
/// gives it to an engineer, who then sees that photo; nobody else's record or photo will do.
#[tokio::test]
async fn a_vacant_unit_s_problem_is_a_finding_whose_assignee_sees_the_record_s_photo() {
    let server = TestServer::with_demo().await;
    let c1 = server.signed_in("cleaner1").await;
    let c2 = server.signed_in("cleaner2").await;
    let sup = server.signed_in("supervisor1").await;
    let e1 = server.signed_in("engineer1").await;
    let e2 = server.signed_in("engineer2").await;
    let everyone = [&c1, &c2, &sup, &e1, &e2];
    let r = reference(&server, &c1).await;
    let unit = crate::team::unit(&r, "3栋 1204").id;
    let (walls, whole) = (Photo::jpeg(41), Photo::jpeg(42));
    let mut checks = crate::team::all_pass();
    checks[1] = serde_json::json!({"item": "walls_clean", "pass": false, "note": "墙角有蜘蛛网"});
    let record = Uuid::new_v4();
    let save = crate::team::vacant_record(
        "cleaner1",
        record,
        unit,
        checks,
        vec![photo_ref(&walls, "walls"), photo_ref(&whole, "unit")],
    );
    apply(&server, &c1, &save).await;
    for p in [&walls, &whole] {
        assert_eq!(p.put(&server, &c1).await.status(), StatusCode::CREATED);
    }

    // Only the record's photos of its problems, only from its cleaner, only for a record there.
    let unit_photo = vacant_problem(
        "cleaner1",
        Uuid::new_v4(),
        record,
        vec![photo_ref(&whole, "unit")],
    );
    refused(
        &server,
        &c1,
        &unit_photo,
        RejectCode::InvalidPhoto,
        &everyone,
    )
    .await;
    let other = Photo::jpeg(43);
    let not_its = vacant_problem(
        "cleaner1",
        Uuid::new_v4(),
        record,
        vec![photo_ref(&other, "walls")],
    );
    refused(&server, &c1, &not_its, RejectCode::InvalidPhoto, &everyone).await;
    let by_c2 = vacant_problem(
        "cleaner2",
        Uuid::new_v4(),
        record,
        vec![photo_ref(&walls, "walls")],
    );
    refused(&server, &c2, &by_c2, RejectCode::UnknownRecord, &everyone).await;
    let nowhere = vacant_problem(
        "cleaner1",
        Uuid::new_v4(),
        Uuid::new_v4(),
        vec![photo_ref(&walls, "walls")],
    );
    refused(&server, &c1, &nowhere, RejectCode::UnknownRecord, &everyone).await;

    let id = Uuid::new_v4();
    apply(
        &server,
        &c1,
        &vacant_problem("cleaner1", id, record, vec![photo_ref(&walls, "walls")]),
    )
    .await;
    let f = the_finding(&server, &sup, id).await;
    assert_eq!(
        (f.state, f.place.as_str()),
        (FindingState::Open, "3栋 1204")
    );
    assert_eq!(f.photos.len(), 1);
    assert_eq!(f.photos[0].photo_id, walls.id);
    assert_eq!(get_photo(&server, &e1, walls.id).await.0, 404);

    apply(
        &server,
        &sup,
        &assign_to("supervisor1", id, "engineer1", DUE),
    )
    .await;
    assert_eq!(
        the_finding(&server, &e1, id).await.state,
        FindingState::Assigned
    );
    assert_eq!(
        get_photo(&server, &e1, walls.id).await,
        (200, walls.bytes.clone())
    );
    assert_eq!(get_photo(&server, &e2, walls.id).await.0, 404);
    assert_eq!(get_photo(&server, &c2, walls.id).await.0, 404);
    // Closed and confirmed as any task.
    let after = Photo::jpeg(44);
    apply(
        &server,
        &e1,
        &close("engineer1", id, vec![photo_ref(&after, "after")]),
    )
    .await;
    apply(&server, &sup, &confirm("supervisor1", id)).await;
    assert_eq!(
        the_finding(&server, &sup, id).await.state,
        FindingState::Confirmed
    );
}

/// `op` as sent from the device `device` at `time` (the test helpers send from one device).
fn from(mut op: serde_json::Value, device: &str, time: &str) -> serde_json::Value {
    op["device_id"] = device.into();
    op["device_time"] = time.into();
    op
}

fn settle(user: &str, finding: Uuid, keep_device: &str) -> serde_json::Value {
    crate::team::op(
        user,
        serde_json::json!({"type": "settle_finding", "finding_id": finding,
                           "keep_device": keep_device}),
    )
}

/// Two phones of one cleaner, both offline, close the same task with different notes and
/// photos; each reconnects, in both orders. Both closings are kept, the later shows, every
/// device that shows the finding sees the conflict (one finding, not two), and the supervisor
/// settles it once, keeping one phone's closing.
#[tokio::test]
async fn two_phones_closing_one_task_apart_keep_both_in_either_order_until_settled() {
    const PHONE_1: &str = "00000000-0000-4000-8000-0000000000a1";
    const PHONE_2: &str = "00000000-0000-4000-8000-0000000000a2";
    let mut shown = Vec::new();
    for phone_1_first in [true, false] {
        let server = TestServer::with_demo().await;
        let phone_1 = server.signed_in("cleaner1").await;
        let phone_2 = server.signed_in("cleaner1").await;
        let sup = server.signed_in("supervisor1").await;
        let c2 = server.signed_in("cleaner2").await;
        let (id, _) = reported(&server, &phone_1).await;
        apply(
            &server,
            &sup,
            &assign_to("supervisor1", id, "cleaner1", DUE),
        )
        .await;
        let (dried, valve) = (Photo::jpeg(41), Photo::jpeg(42));
        let mut one = close("cleaner1", id, vec![photo_ref(&dried, "after")]);
        one["kind"]["note"] = "擦干了".into();
        let one = from(one, PHONE_1, "2026-11-27T03:00:00Z");
        let two = from(
            close("cleaner1", id, vec![photo_ref(&valve, "after")]),
            PHONE_2,
            "2026-11-27T03:05:00Z",
        );
        let order = if phone_1_first {
            [(&phone_1, &one, &dried), (&phone_2, &two, &valve)]
        } else {
            [(&phone_2, &two, &valve), (&phone_1, &one, &dried)]
        };
        for (client, op, photo) in order {
            apply(&server, client, op).await;
            assert_eq!(
                photo.put(&server, client).await.status(),
                StatusCode::CREATED
            );
        }
        for client in [&phone_1, &phone_2, &sup] {
            let all = findings_of(&server, client).await;
            assert_eq!(all.len(), 1, "one finding, counted once");
            let f = &all[0];
            assert_eq!(f.shown_state(), None, "every device sees the conflict");
            assert_eq!(f.state, FindingState::Fixed);
            assert_eq!(
                f.after_photos[0].photo_id, valve.id,
                "the later closing shows"
            );
            let other = f.conflict.as_deref().expect("the other is kept");
            assert_eq!(other.after_photos[0].photo_id, dried.id);
            assert_eq!(other.stamp.as_ref().unwrap().device.to_string(), PHONE_1);
            assert_eq!(f.stamp.as_ref().unwrap().device.to_string(), PHONE_2);
        }
        // Both sides' photos are there to look at.
        for photo in [&dried, &valve] {
            assert_eq!(get_photo(&server, &sup, photo.id).await.0, 200);
        }
        let f = the_finding(&server, &sup, id).await;
        let other = f.conflict.as_deref().unwrap();
        let shas = |f: &Finding| -> Vec<String> {
            f.after_photos.iter().map(|p| p.sha256.clone()).collect()
        };
        shown.push((
            shas(&f),
            f.history.clone(),
            shas(other),
            other.history.clone(),
        ));

        // Nothing but settling is taken meanwhile; the cleaner does not settle, nor does
        // another team's cleaner see it.
        let watchers = [&phone_1, &sup];
        refused(
            &server,
            &sup,
            &confirm("supervisor1", id),
            RejectCode::InvalidTransition,
            &watchers,
        )
        .await;
        refused(
            &server,
            &phone_1,
            &settle("cleaner1", id, PHONE_1),
            RejectCode::Forbidden,
            &watchers,
        )
        .await;
        refused(
            &server,
            &c2,
            &settle("cleaner2", id, PHONE_1),
            RejectCode::UnknownRecord,
            &watchers,
        )
        .await;
        let once = settle("supervisor1", id, PHONE_1);
        apply(&server, &sup, &once).await;
        let again = server.push(&sup, std::slice::from_ref(&once)).await;
        assert_eq!(
            again.results[0].outcome,
            fieldbook_model::Outcome::Duplicate
        );
        refused(
            &server,
            &sup,
            &settle("supervisor1", id, PHONE_1),
            RejectCode::InvalidTransition,
            &watchers,
        )
        .await;
        for client in [&phone_1, &phone_2, &sup] {
            let f = the_finding(&server, client, id).await;
            assert_eq!(f.shown_state(), Some(FindingState::Fixed));
            assert_eq!(
                f.after_photos[0].photo_id, dried.id,
                "the kept closing shows everywhere"
            );
        }
        // Settled, it goes on as any finding.
        apply(&server, &sup, &confirm("supervisor1", id)).await;
    }
    assert_eq!(
        shown[0], shown[1],
        "the same finding whichever phone arrived first"
    );
}

/// The supervisor confirms on the tablet while their phone, offline, reopens; and two
/// assignments made apart to different people. In both arrival orders both are kept, the later
/// shows, and the other side's assignee still sees the task.
#[tokio::test]
async fn a_confirmation_and_a_reopening_apart_or_two_assignments_apart_are_kept_both() {
    const TABLET: &str = "00000000-0000-4000-8000-0000000000b1";
    const PHONE: &str = "00000000-0000-4000-8000-0000000000b2";
    let mut shown = Vec::new();
    for tablet_first in [true, false] {
        let server = TestServer::with_demo().await;
        let c1 = server.signed_in("cleaner1").await;
        let c2 = server.signed_in("cleaner2").await;
        let sup = server.signed_in("supervisor1").await;
        let (id, _) = reported(&server, &c1).await;
        apply(
            &server,
            &sup,
            &assign_to("supervisor1", id, "cleaner1", DUE),
        )
        .await;
        let after = Photo::jpeg(43);
        apply(
            &server,
            &c1,
            &close("cleaner1", id, vec![photo_ref(&after, "after")]),
        )
        .await;
        let yes = from(confirm("supervisor1", id), TABLET, "2026-11-27T04:00:00Z");
        let no = from(
            reopen("supervisor1", id, "还在滴"),
            PHONE,
            "2026-11-27T04:02:00Z",
        );
        let (first, second) = if tablet_first {
            (&yes, &no)
        } else {
            (&no, &yes)
        };
        apply(&server, &sup, first).await;
        apply(&server, &sup, second).await;
        for client in [&c1, &sup] {
            let f = the_finding(&server, client, id).await;
            assert_eq!(
                f.state,
                FindingState::Assigned,
                "the later step (reopening) shows"
            );
            assert_eq!(
                f.conflict.as_deref().map(|o| o.state),
                Some(FindingState::Confirmed)
            );
        }
        let f = the_finding(&server, &sup, id).await;
        shown.push((f.state, f.history.clone(), f.conflict.unwrap().history));

        // Two assignments apart, to two cleaners: both kept, both cleaners see the task.
        let (other, _) = reported(&server, &c1).await;
        let to_1 = from(
            assign_to("supervisor1", other, "cleaner1", DUE),
            TABLET,
            "2026-11-27T02:00:00Z",
        );
        let to_2 = from(
            assign_to("supervisor1", other, "cleaner2", DUE),
            PHONE,
            "2026-11-27T02:01:00Z",
        );
        let (first, second) = if tablet_first {
            (&to_1, &to_2)
        } else {
            (&to_2, &to_1)
        };
        apply(&server, &sup, first).await;
        apply(&server, &sup, second).await;
        let f = the_finding(&server, &c2, other).await;
        assert_eq!(
            f.assignee,
            Some(Assignee::Person {
                username: "cleaner2".into()
            }),
            "the later assignment shows"
        );
        assert!(f.conflict.is_some());
        assert!(
            findings_of(&server, &c1)
                .await
                .iter()
                .any(|f| f.id == other),
            "the other side's assignee still sees it"
        );
        apply(&server, &sup, &settle("supervisor1", other, TABLET)).await;
        let kept = the_finding(&server, &c1, other).await;
        assert_eq!(
            (kept.assignee, kept.conflict),
            (
                Some(Assignee::Person {
                    username: "cleaner1".into()
                }),
                None
            )
        );
        let c2_pull = server.sync(&c2, 0).await.field;
        assert!(
            c2_pull.findings.iter().all(|f| f.id != other),
            "settled, the task left the other cleaner"
        );
    }
    assert_eq!(shown[0], shown[1]);
}

/// Two assignments made apart to two cleaners, settled for one: the other cleaner's device,
/// pulling incrementally, drops the task (before the settling both had it), in both arrival
/// orders and whichever side is kept.
#[tokio::test]
async fn settled_for_one_assignee_the_task_leaves_the_other_ones_device_on_an_incremental_pull() {
    const TABLET: &str = "00000000-0000-4000-8000-0000000000c1";
    const PHONE: &str = "00000000-0000-4000-8000-0000000000c2";
    for tablet_first in [true, false] {
        let server = TestServer::with_demo().await;
        let c1 = server.signed_in("cleaner1").await;
        let c2 = server.signed_in("cleaner2").await;
        let sup = server.signed_in("supervisor1").await;
        let r = reference(&server, &sup).await;
        let id = Uuid::new_v4();
        let restroom = area(&r, "A座 3F 卫生间").id;
        let before = Photo::jpeg(35);
        apply(
            &server,
            &sup,
            &report_finding(
                "supervisor1",
                id,
                Some(restroom),
                vec![photo_ref(&before, "before")],
            ),
        )
        .await;
        let cursor_1 = server.sync(&c1, 0).await.cursor;
        let cursor_2 = server.sync(&c2, 0).await.cursor;
        let to_1 = from(
            assign_to("supervisor1", id, "cleaner1", DUE),
            TABLET,
            "2026-11-27T02:00:00Z",
        );
        let to_2 = from(
            assign_to("supervisor1", id, "cleaner2", DUE),
            PHONE,
            "2026-11-27T02:01:00Z",
        );
        let (first, second) = if tablet_first {
            (&to_1, &to_2)
        } else {
            (&to_2, &to_1)
        };
        apply(&server, &sup, first).await;
        apply(&server, &sup, second).await;
        // Before the settling both cleaners pull it, in conflict.
        let mut cursors = Vec::new();
        for (client, since) in [(&c1, cursor_1), (&c2, cursor_2)] {
            let pulled = server.sync(client, since).await;
            let f = pulled.field.findings.iter().find(|f| f.id == id);
            assert!(f.is_some_and(|f| f.conflict.is_some()), "both have it");
            assert!(!pulled.field.findings_removed.contains(&id));
            cursors.push(pulled.cursor);
        }
        // Kept: the tablet's (cleaner1) in one run, the phone's (cleaner2) in the other; the
        // phone's assignment is the later, shown, one.
        let (keep, kept, dropped) = if tablet_first {
            (TABLET, 0, 1)
        } else {
            (PHONE, 1, 0)
        };
        apply(&server, &sup, &settle("supervisor1", id, keep)).await;
        let clients = [&c1, &c2];
        let names = ["cleaner1", "cleaner2"];
        let pulled = server.sync(clients[kept], cursors[kept]).await.field;
        let f = pulled.findings.iter().find(|f| f.id == id).expect("kept");
        assert_eq!(
            (f.assignee.clone(), f.conflict.is_none()),
            (
                Some(Assignee::Person {
                    username: names[kept].into()
                }),
                true
            )
        );
        assert!(!pulled.findings_removed.contains(&id));
        let pulled = server.sync(clients[dropped], cursors[dropped]).await.field;
        assert!(pulled.findings.iter().all(|f| f.id != id));
        assert_eq!(
            pulled.findings_removed,
            vec![id],
            "settled for {}, the task leaves {}'s device",
            names[kept],
            names[dropped]
        );
        // The supervisor, who reported it, keeps it.
        assert!(findings_of(&server, &sup).await.iter().any(|f| f.id == id));
    }
}
