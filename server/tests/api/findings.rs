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
        StatusCode::FORBIDDEN
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
