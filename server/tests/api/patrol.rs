//! Patrol rounds, and exactly-once for every kind of field operation: a resent operation is
//! answered `duplicate` and has no second effect.

use fieldbook_model::patrol::{AreaResult, RoundKind};
use fieldbook_model::{Outcome, RejectCode, Role};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::field::Photo;
use crate::harness::TestServer;
use crate::team::{
    add_area, add_user, all_pass, apply, approved, area, assert_applied, assert_unchanged,
    assign_to, at, close, confirm, due, finish_at, mark, op, op_at, photo_ref, reference, refused,
    reopen, report_finding, review_area, round, send, unit, vacant_record,
};

fn pass(area: Uuid) -> Value {
    json!({"area_id": area, "result": "pass"})
}

#[tokio::test]
async fn the_supervisor_submits_a_round_with_a_finding_and_a_skipped_area() {
    let server = TestServer::with_demo().await;
    let sup = server.signed_in("supervisor1").await;
    let c1 = server.signed_in("cleaner1").await;
    let r = reference(&server, &sup).await;
    let lobby = area(&r, "大堂").id;
    let exterior = area(&r, "外围").id;
    let garbage = area(&r, "垃圾房").id;
    let office = area(&r, "A座 5F 办公区").id;

    // The finding is reported while walking, with its photo; the round names it.
    let finding = Uuid::new_v4();
    let mut report = report_finding(
        "supervisor1",
        finding,
        Some(exterior),
        vec![photo_ref(&Photo::jpeg(71), "before")],
    );
    let id = Uuid::new_v4();
    report["kind"]["source"] = json!({"patrol": {"round_id": id}});
    apply(&server, &sup, &report).await;

    let areas = vec![
        pass(lobby),
        json!({"area_id": exterior, "result": {"finding": {"finding_id": finding}}, "note": "路面破损"}),
        json!({"area_id": garbage, "result": "skipped", "note": "清运车占道"}),
        pass(office),
    ];
    let submit = round("supervisor1", id, "morning", areas.clone());
    apply(&server, &sup, &submit).await;

    let rounds = server.sync(&sup, 0).await.field.rounds;
    assert_eq!(rounds.len(), 1);
    let got = &rounds[0];
    assert_eq!(
        (got.id, got.kind, got.team.as_str()),
        (id, RoundKind::Morning, "team-a")
    );
    assert_eq!(got.supervisor, "supervisor1");
    assert_eq!(got.started_at, at("2026-11-27T01:00:00Z"));
    assert_eq!(got.ended_at, at("2026-11-27T01:40:00Z"));
    assert_eq!(got.areas.len(), 4);
    assert_eq!(got.skipped().collect::<Vec<_>>(), vec![garbage]);
    assert_eq!(
        got.areas[1].result,
        AreaResult::Finding {
            finding_id: finding
        }
    );
    // Rounds are the supervisor's; cleaners do not pull them.
    assert!(server.sync(&c1, 0).await.field.rounds.is_empty());

    // Resending the same operation: duplicate, the round once.
    let again = send(&server, &sup, &submit).await;
    assert_eq!((again.outcome, again.code), (Outcome::Duplicate, None));
    assert_eq!(server.sync(&sup, 0).await.field.rounds.len(), 1);
    // The same round id in a new operation is refused.
    let copy = round("supervisor1", id, "morning", areas);
    refused(&server, &sup, &copy, RejectCode::InvalidValue, &[&sup]).await;
}

#[tokio::test]
async fn two_devices_submitting_one_round_apart_keep_both_in_either_order_until_settled() {
    const TABLET: &str = "00000000-0000-4000-8000-0000000000c1";
    const PHONE: &str = "00000000-0000-4000-8000-0000000000c2";
    let (pass_id, problem_id, finding) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
    let mut shown = Vec::new();
    for tablet_first in [true, false] {
        let server = TestServer::with_demo().await;
        add_user(&server, "supervisor2", Role::Supervisor, Some("team-b")).await;
        let tablet = server.signed_in("supervisor1").await;
        let phone = server.signed_in("supervisor1").await;
        let sup_b = server.signed_in("supervisor2").await;
        let lobby = area(&reference(&server, &tablet).await, "大堂").id;
        // Offline, the tablet passes the lobby at 09:45; the phone found a problem there at 09:50
        // (its finding sent first, as the phone sends it).
        let mut report = report_finding(
            "supervisor1",
            finding,
            Some(lobby),
            vec![photo_ref(&Photo::jpeg(73), "before")],
        );
        report["device_id"] = PHONE.into();
        apply(&server, &phone, &report).await;
        let on = |device: &str, time: &str, id: Uuid, result: Value| {
            let areas = vec![json!({"area_id": lobby, "result": result})];
            let mut op = round("supervisor1", id, "morning", areas);
            op["device_id"] = device.into();
            op["device_time"] = time.into();
            op
        };
        let passed = on(TABLET, "2026-11-27T01:45:00Z", pass_id, json!("pass"));
        let problem = json!({"finding": {"finding_id": finding}});
        let found = on(PHONE, "2026-11-27T01:50:00Z", problem_id, problem);
        if tablet_first {
            apply(&server, &tablet, &passed).await;
            apply(&server, &phone, &found).await;
        } else {
            apply(&server, &phone, &found).await;
            apply(&server, &tablet, &passed).await;
        }
        let rounds = async |client| {
            let mut rounds = server.sync(client, 0).await.field.rounds;
            rounds.sort_by_key(|r| r.id != pass_id);
            rounds
        };
        for client in [&tablet, &phone] {
            let rs = rounds(client).await;
            assert_eq!(rs.len(), 2, "both rounds kept");
            assert_eq!(
                (rs[0].conflict_with, rs[1].conflict_with),
                (Some(problem_id), Some(pass_id)),
                "each names the other"
            );
            assert_eq!((rs[0].tally(), rs[1].tally()), ([1, 0, 0], [0, 1, 0]));
            let device = |i: usize| rs[i].stamp.as_ref().unwrap().device.to_string();
            assert_eq!((device(0), device(1)), (TABLET.into(), PHONE.into()));
        }
        let rs = rounds(&tablet).await;
        let what = |r: &fieldbook_model::patrol::PatrolRound| {
            (
                r.id,
                r.conflict_with,
                r.stamp.clone().map(|s| (s.device, s.at)),
            )
        };
        shown.push((what(&rs[0]), what(&rs[1])));

        let settle = |by: &str| {
            op_at(
                by,
                "2026-11-27T05:00:00Z",
                json!({"type": "settle_round", "round_id": problem_id}),
            )
        };
        // Another team's supervisor does not settle it; the round's supervisor does, once.
        let watchers = [&tablet, &sup_b];
        refused(
            &server,
            &sup_b,
            &settle("supervisor2"),
            RejectCode::Forbidden,
            &watchers,
        )
        .await;
        apply(&server, &tablet, &settle("supervisor1")).await;
        refused(
            &server,
            &tablet,
            &settle("supervisor1"),
            RejectCode::InvalidTransition,
            &watchers,
        )
        .await;
        for client in [&tablet, &phone] {
            let rs = rounds(client).await;
            assert_eq!((rs[0].conflict_with, rs[0].set_aside), (None, true));
            assert_eq!((rs[1].conflict_with, rs[1].set_aside), (None, false));
        }
    }
    assert_eq!(
        shown[0], shown[1],
        "the same rounds whichever device arrived first"
    );
}

#[tokio::test]
async fn a_round_is_a_supervisors_over_their_own_teams_areas() {
    let server = TestServer::with_demo().await;
    add_user(&server, "supervisor2", Role::Supervisor, Some("team-b")).await;
    let b_lobby = add_area(&server, "team-b", "B区 大堂", true).await;
    let sup = server.signed_in("supervisor1").await;
    let sup_b = server.signed_in("supervisor2").await;
    let c1 = server.signed_in("cleaner1").await;
    let e1 = server.signed_in("engineer1").await;
    let r = reference(&server, &sup).await;
    let lobby = area(&r, "大堂").id;
    let watchers = [&sup, &sup_b, &c1];

    let by_cleaner = round("cleaner1", Uuid::new_v4(), "morning", vec![pass(lobby)]);
    refused(&server, &c1, &by_cleaner, RejectCode::Forbidden, &watchers).await;
    let by_engineer = round("engineer1", Uuid::new_v4(), "morning", vec![pass(lobby)]);
    refused(&server, &e1, &by_engineer, RejectCode::Forbidden, &watchers).await;
    // One area of another team spoils the round.
    let mixed = round(
        "supervisor1",
        Uuid::new_v4(),
        "afternoon",
        vec![pass(lobby), pass(b_lobby)],
    );
    refused(&server, &sup, &mixed, RejectCode::UnknownRecord, &watchers).await;
    let nowhere = round(
        "supervisor1",
        Uuid::new_v4(),
        "afternoon",
        vec![pass(Uuid::new_v4())],
    );
    refused(
        &server,
        &sup,
        &nowhere,
        RejectCode::UnknownRecord,
        &watchers,
    )
    .await;
    let foreign = round("supervisor2", Uuid::new_v4(), "morning", vec![pass(lobby)]);
    refused(
        &server,
        &sup_b,
        &foreign,
        RejectCode::UnknownRecord,
        &watchers,
    )
    .await;
    // A failed area names a finding reported before: not one that does not exist, nor another
    // team's.
    let ghost = json!({"area_id": lobby, "result": {"finding": {"finding_id": Uuid::new_v4()}}});
    let unreported = round("supervisor1", Uuid::new_v4(), "morning", vec![ghost]);
    refused(
        &server,
        &sup,
        &unreported,
        RejectCode::UnknownRecord,
        &watchers,
    )
    .await;
    let theirs = Uuid::new_v4();
    apply(
        &server,
        &sup_b,
        &report_finding(
            "supervisor2",
            theirs,
            Some(b_lobby),
            vec![photo_ref(&Photo::jpeg(72), "before")],
        ),
    )
    .await;
    let borrowed = json!({"area_id": lobby, "result": {"finding": {"finding_id": theirs}}});
    let borrowed = round("supervisor1", Uuid::new_v4(), "morning", vec![borrowed]);
    refused(
        &server,
        &sup,
        &borrowed,
        RejectCode::UnknownRecord,
        &watchers,
    )
    .await;
    // The round's own rules: an area twice, no areas, the end before the start.
    let twice = round(
        "supervisor1",
        Uuid::new_v4(),
        "last_round",
        vec![pass(lobby), pass(lobby)],
    );
    refused(&server, &sup, &twice, RejectCode::InvalidValue, &watchers).await;
    let empty = round("supervisor1", Uuid::new_v4(), "last_round", vec![]);
    refused(&server, &sup, &empty, RejectCode::InvalidValue, &watchers).await;
    let mut backwards = round(
        "supervisor1",
        Uuid::new_v4(),
        "last_round",
        vec![pass(lobby)],
    );
    backwards["kind"]["ended_at"] = "2026-11-27T00:59:00Z".into();
    refused(
        &server,
        &sup,
        &backwards,
        RejectCode::InvalidValue,
        &watchers,
    )
    .await;

    // Each supervisor's own round goes to their own team only.
    apply(
        &server,
        &sup_b,
        &round(
            "supervisor2",
            Uuid::new_v4(),
            "morning",
            vec![pass(b_lobby)],
        ),
    )
    .await;
    apply(
        &server,
        &sup,
        &round("supervisor1", Uuid::new_v4(), "morning", vec![pass(lobby)]),
    )
    .await;
    for (who, team) in [(&sup, "team-a"), (&sup_b, "team-b")] {
        let rounds = server.sync(who, 0).await.field.rounds;
        assert_eq!(rounds.len(), 1);
        assert_eq!(rounds[0].team, team);
    }
}

/// Send `op` again, alone and then twice in one batch: `duplicate` each time, and the pulls of
/// `watchers` exactly as they were after the first send.
async fn resend_changes_nothing(
    server: &TestServer,
    client: &reqwest::Client,
    op: &Value,
    watchers: &[&reqwest::Client],
) {
    let mut before = Vec::new();
    for w in watchers {
        before.push(server.sync(w, 0).await);
    }
    let again = send(server, client, op).await;
    assert_eq!(
        (again.outcome, again.code),
        (Outcome::Duplicate, None),
        "{op}"
    );
    let batch = server.push(client, &[op.clone(), op.clone()]).await;
    assert!(
        batch
            .results
            .iter()
            .all(|r| (r.outcome, r.code) == (Outcome::Duplicate, None)),
        "{batch:?}"
    );
    for (w, b) in watchers.iter().zip(&before) {
        assert_unchanged(server, b, &server.sync(w, 0).await);
    }
}

#[tokio::test]
async fn every_field_operation_applies_exactly_once() {
    let server = TestServer::with_demo().await;
    let c1 = server.signed_in("cleaner1").await;
    let sup = server.signed_in("supervisor1").await;
    let e1 = server.signed_in("engineer1").await;
    let r = reference(&server, &c1).await;
    let lobby = area(&r, "大堂").id;
    let items = due(&r, lobby);
    let all = [&c1, &sup, &e1];

    // A batch carrying the same tick twice: applied once, then a duplicate.
    let tick = mark("cleaner1", lobby, items[0], Some("done"));
    let batch = server.push(&c1, &[tick.clone(), tick.clone()]).await;
    assert_applied(&batch.results[0]);
    assert_eq!(batch.results[1].outcome, Outcome::Duplicate);
    resend_changes_nothing(&server, &c1, &tick, &all).await;

    for item in &items[1..] {
        apply(&server, &c1, &mark("cleaner1", lobby, *item, Some("done"))).await;
    }
    let finish = finish_at("cleaner1", lobby, "2026-11-27T03:00:00Z");
    apply(&server, &c1, &finish).await;
    resend_changes_nothing(&server, &c1, &finish, &all).await;
    // Two of the cleaner's phones disagree on an item; the supervisor settles it once.
    for (device, m) in [
        ("00000000-0000-4000-8000-0000000000a1", "problem"),
        ("00000000-0000-4000-8000-0000000000a2", "done"),
    ] {
        let mut tick = mark("cleaner1", lobby, items[0], Some(m));
        tick["device_id"] = device.into();
        apply(&server, &c1, &tick).await;
    }
    let settle = op(
        "supervisor1",
        json!({"type": "settle_mark", "area_id": lobby, "date": crate::team::DAY,
               "item_id": items[0], "keep_device": "00000000-0000-4000-8000-0000000000a2"}),
    );
    apply(&server, &sup, &settle).await;
    resend_changes_nothing(&server, &sup, &settle, &all).await;
    let spot_check = review_area("supervisor1", lobby, approved());
    apply(&server, &sup, &spot_check).await;
    resend_changes_nothing(&server, &sup, &spot_check, &all).await;

    let record_id = Uuid::new_v4();
    let record = vacant_record(
        "cleaner1",
        record_id,
        unit(&r, "3栋 1204").id,
        all_pass(),
        vec![photo_ref(&Photo::jpeg(81), "unit")],
    );
    apply(&server, &c1, &record).await;
    resend_changes_nothing(&server, &c1, &record, &all).await;
    let record_review = op(
        "supervisor1",
        json!({"type": "review_vacant_record", "record_id": record_id,
               "verdict": {"sent_back": {"reason": "门窗未关"}}}),
    );
    apply(&server, &sup, &record_review).await;
    resend_changes_nothing(&server, &sup, &record_review, &all).await;
    // A second phone recorded the same unit that day differently; the supervisor keeps one.
    let mut wet = all_pass();
    wet[0] = json!({"item": "floor_clear", "pass": false, "note": "地面有水"});
    let mut second = vacant_record(
        "cleaner1",
        Uuid::new_v4(),
        unit(&r, "3栋 1204").id,
        wet,
        vec![
            photo_ref(&Photo::jpeg(86), "unit"),
            photo_ref(&Photo::jpeg(87), "floor"),
        ],
    );
    second["device_id"] = "00000000-0000-4000-8000-0000000000a3".into();
    apply(&server, &c1, &second).await;
    let keep = op(
        "supervisor1",
        json!({"type": "settle_vacant_record", "record_id": record_id}),
    );
    apply(&server, &sup, &keep).await;
    resend_changes_nothing(&server, &sup, &keep, &all).await;

    let finding = Uuid::new_v4();
    let report = report_finding(
        "cleaner1",
        finding,
        Some(lobby),
        vec![photo_ref(&Photo::jpeg(82), "before")],
    );
    apply(&server, &c1, &report).await;
    resend_changes_nothing(&server, &c1, &report, &all).await;
    let assign = assign_to("supervisor1", finding, "engineer1", "2026-11-28T08:30:00Z");
    apply(&server, &sup, &assign).await;
    resend_changes_nothing(&server, &sup, &assign, &all).await;
    let fix = close(
        "engineer1",
        finding,
        vec![photo_ref(&Photo::jpeg(83), "after")],
    );
    apply(&server, &e1, &fix).await;
    resend_changes_nothing(&server, &e1, &fix, &all).await;
    let not_yet = reopen("supervisor1", finding, "仍有积水");
    apply(&server, &sup, &not_yet).await;
    resend_changes_nothing(&server, &sup, &not_yet, &all).await;
    let fix_again = close(
        "engineer1",
        finding,
        vec![photo_ref(&Photo::jpeg(84), "after")],
    );
    apply(&server, &e1, &fix_again).await;
    resend_changes_nothing(&server, &e1, &fix_again, &all).await;
    let done = confirm("supervisor1", finding);
    apply(&server, &sup, &done).await;
    resend_changes_nothing(&server, &sup, &done, &all).await;
    let history = server.sync(&sup, 0).await.field.findings[0].history.len();
    assert_eq!(
        history, 6,
        "reported, assigned, fixed, reopened, fixed, confirmed: once each"
    );
    let field = server.sync(&c1, 0).await.field;
    assert_eq!(field.area_days.len(), 1);
    assert!(field.area_days[0].review.is_some());
    assert_eq!(
        field.vacant_records.len(),
        2,
        "both phones' records, one set aside"
    );
    let kept = field.vacant_records.iter().find(|r| r.id == record_id);
    assert!(kept.is_some_and(|r| r.review.is_some() && !r.set_aside));

    // The same id with other content is not a resend.
    let mut reused = tick.clone();
    reused["kind"]["mark"] = "problem".into();
    refused(&server, &c1, &reused, RejectCode::IdReused, &all).await;
    // Someone else replaying a cleaner's operation gets nothing.
    refused(&server, &sup, &tick, RejectCode::WrongUser, &all).await;
}

#[tokio::test]
async fn a_settled_refusal_is_answered_the_same_when_resent() {
    let server = TestServer::with_demo().await;
    let c1 = server.signed_in("cleaner1").await;
    let r = reference(&server, &c1).await;
    let lobby = area(&r, "大堂").id;
    // Finishing with items unticked is refused; the phone's outbox sends in order, so the same
    // operation arriving again (a lost answer) is judged as it was, never applied later.
    let early = finish_at("cleaner1", lobby, "2026-11-27T03:00:00Z");
    refused(&server, &c1, &early, RejectCode::InvalidValue, &[&c1]).await;
    for item in due(&r, lobby) {
        apply(&server, &c1, &mark("cleaner1", lobby, item, Some("done"))).await;
    }
    refused(&server, &c1, &early, RejectCode::InvalidValue, &[&c1]).await;
    // A refusal about who may do it keeps nothing: the same operation, by its own author, is
    // judged afresh (here it still is not theirs).
    let exterior = area(
        &reference(&server, &server.signed_in("cleaner2").await).await,
        "外围",
    )
    .id;
    let not_mine = finish_at("cleaner1", exterior, "2026-11-27T03:00:00Z");
    refused(&server, &c1, &not_mine, RejectCode::NotAssigned, &[&c1]).await;
    refused(&server, &c1, &not_mine, RejectCode::NotAssigned, &[&c1]).await;
}
