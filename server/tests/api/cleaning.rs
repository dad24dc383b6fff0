//! Cleaners' checklists and vacant-unit records, and the supervisor's spot checks: who sees what,
//! who may change what, and that a refusal changes nothing.

use std::collections::BTreeSet;

use fieldbook_model::cleaning::{Mark, Verdict};
use fieldbook_model::sync::FieldData;
use fieldbook_model::{RejectCode, Role};
use reqwest::StatusCode;
use serde_json::json;
use uuid::Uuid;

use crate::field::Photo;
use crate::harness::TestServer;
use crate::team::{
    DAY, add_user, all_pass, apply, approved, area, at, day, due, finish_at, get_photo, mark,
    op_at, photo_ref, reference, refused, review_area, sent_back, unit, vacant_record,
};

fn names<'a>(it: impl Iterator<Item = &'a String>) -> BTreeSet<&'a str> {
    it.map(String::as_str).collect()
}

#[tokio::test]
async fn each_cleaner_pulls_only_their_own_areas_items_and_units() {
    let server = TestServer::with_demo().await;
    let c1 = server.signed_in("cleaner1").await;
    let c2 = server.signed_in("cleaner2").await;
    let r1 = reference(&server, &c1).await;
    let r2 = reference(&server, &c2).await;

    assert_eq!(
        names(r1.areas.iter().map(|a| &a.name)),
        BTreeSet::from(["大堂", "A座 电梯", "A座 3F 卫生间", "A座 3F 茶水间"])
    );
    assert_eq!(
        names(r2.areas.iter().map(|a| &a.name)),
        BTreeSet::from(["A座 步梯", "外围", "垃圾房", "天台"])
    );
    for (r, me) in [(&r1, "cleaner1"), (&r2, "cleaner2")] {
        assert!(r.areas.iter().all(|a| a.cleaner.as_deref() == Some(me)));
        assert!(r.areas.iter().all(|a| a.team == "team-a"));
        let mine: BTreeSet<Uuid> = r.areas.iter().map(|a| a.id).collect();
        assert!(r.items.iter().all(|i| mine.contains(&i.area_id)));
        assert!(r.units.iter().all(|u| u.responsible == me));
        // Named on their screens: who reported a task, who it went to.
        let supervisor = r.people.iter().find(|p| p.username == "supervisor1");
        assert_eq!(supervisor.map(|p| p.display_name.as_str()), Some("刘洋"));
        assert!(
            r.people
                .iter()
                .all(|p| p.team.as_deref() == Some("team-a") || p.role == Role::Engineer)
        );
    }
    assert_eq!((r1.items.len(), r2.items.len()), (16, 8));
    assert_eq!(
        names(r1.units.iter().map(|u| &u.name)),
        BTreeSet::from(["3栋 1204", "3栋 1502", "5栋 0801"])
    );
    assert_eq!(
        names(r2.units.iter().map(|u| &u.name)),
        BTreeSet::from(["5栋 2103"])
    );

    // The supervisor: the whole team, patrol-only areas and outlets too, and the people a task
    // can go to (the team and the engineers, never the office).
    let sup = server.signed_in("supervisor1").await;
    let rs = reference(&server, &sup).await;
    assert_eq!(rs.areas.len(), 11);
    assert_eq!(rs.items.len(), 24);
    assert_eq!(rs.units.len(), 4);
    assert_eq!(
        names(rs.people.iter().map(|p| &p.username)),
        BTreeSet::from([
            "cleaner1",
            "cleaner2",
            "engineer1",
            "engineer2",
            "supervisor1"
        ])
    );

    // Engineers (no team) and the office: none of it. An engineer's first pull carries the
    // people they work with and the office's working-day calendar (for complaint deadlines).
    for who in ["engineer1", "engineer2"] {
        let client = server.signed_in(who).await;
        let mut field = server.sync(&client, 0).await.field;
        let r = field.reference.take().expect("the calendar");
        assert!(
            r.areas.is_empty() && r.items.is_empty() && r.units.is_empty(),
            "{who}"
        );
        assert_eq!(r.calendar, fieldbook_server::demo_field::china_calendar());
        assert_eq!(field, FieldData::default(), "{who}");
    }
    let client = server.signed_in("dispatcher1").await;
    assert_eq!(server.sync(&client, 0).await.field, FieldData::default());
}

#[tokio::test]
async fn a_let_unit_still_arrives_with_its_let_date_and_only_to_its_people() {
    let server = TestServer::with_demo().await;
    let c1 = server.signed_in("cleaner1").await;
    let c2 = server.signed_in("cleaner2").await;
    let sup = server.signed_in("supervisor1").await;
    let first1 = server.sync(&c1, 0).await;
    let first2 = server.sync(&c2, 0).await;
    let first_sup = server.sync(&sup, 0).await;
    let let_unit = unit(first1.field.reference.as_ref().unwrap(), "3栋 1502").id;

    // The office lets the unit (as its tool would: with a new sequence value).
    let db = server.database().await;
    let mut conn = db.acquire().await.unwrap();
    let seq = fieldbook_server::db::next_seq(&mut conn).await.unwrap();
    sqlx::query("UPDATE vacant_units SET let_on = '2026-11-20', seq = $1 WHERE id = $2")
        .bind(seq)
        .bind(let_unit.to_string())
        .execute(&mut *conn)
        .await
        .unwrap();
    drop(conn);
    db.close().await;

    // The server keeps sending it, with the date: the app hides a unit that is not vacant on
    // the day it shows (the same rule the board uses), and a record made before the letting
    // still finds its unit.
    for (client, since) in [(&c1, first1.cursor), (&sup, first_sup.cursor)] {
        let next = server.sync(client, since).await;
        let r = next.field.reference.expect("the changed set is sent again");
        let u = r.units.iter().find(|u| u.id == let_unit).unwrap();
        assert_eq!(u.let_on, Some("2026-11-20".parse().unwrap()));
        assert!(!u.is_vacant_on(day()));
        assert!(u.is_vacant_on("2026-11-19".parse().unwrap()));
    }
    // Nothing of cleaner2's changed: their device is not sent the set again.
    let next2 = server.sync(&c2, first2.cursor).await;
    assert_eq!(next2.field.reference, None);
}

#[tokio::test]
async fn a_cleaner_ticks_clears_and_finishes_their_own_area() {
    let server = TestServer::with_demo().await;
    let c1 = server.signed_in("cleaner1").await;
    let c2 = server.signed_in("cleaner2").await;
    let sup = server.signed_in("supervisor1").await;
    let r = reference(&server, &c1).await;
    let lobby = area(&r, "大堂").id;
    let items = due(&r, lobby);
    assert_eq!(
        items.len(),
        4,
        "the four daily lobby items (the monthly one is on the 15th)"
    );

    for item in &items[..3] {
        apply(&server, &c1, &mark("cleaner1", lobby, *item, Some("done"))).await;
    }
    // One due item is unmarked: finishing is refused and nothing changes.
    let early = finish_at("cleaner1", lobby, "2026-11-27T03:00:00Z");
    refused(&server, &c1, &early, RejectCode::InvalidValue, &[&c1, &sup]).await;

    apply(
        &server,
        &c1,
        &mark("cleaner1", lobby, items[3], Some("problem")),
    )
    .await;
    // Clearing a tick makes the area unfinishable again.
    apply(&server, &c1, &mark("cleaner1", lobby, items[0], None)).await;
    let again = finish_at("cleaner1", lobby, "2026-11-27T03:05:00Z");
    refused(&server, &c1, &again, RejectCode::InvalidValue, &[&c1, &sup]).await;
    apply(
        &server,
        &c1,
        &mark("cleaner1", lobby, items[0], Some("done")),
    )
    .await;
    apply(
        &server,
        &c1,
        &finish_at("cleaner1", lobby, "2026-11-27T03:12:00Z"),
    )
    .await;

    for client in [&c1, &sup] {
        let days = server.sync(client, 0).await.field.area_days;
        assert_eq!(days.len(), 1);
        let d = &days[0];
        assert_eq!((d.area_id, d.date), (lobby, day()));
        assert_eq!(d.marks.len(), 4);
        assert!(items.iter().all(|i| d.marks[i].by == "cleaner1"));
        assert_eq!(d.marks[&items[0]].mark, Mark::Done);
        assert_eq!(d.marks[&items[3]].mark, Mark::Problem);
        // The finishing time is the phone's time, not the server's.
        assert_eq!(d.finished_at, Some(at("2026-11-27T03:12:00Z")));
        assert_eq!(d.finished_by.as_deref(), Some("cleaner1"));
        assert_eq!(d.review, None);
    }
    // cleaner2 sees nothing of cleaner1's day.
    assert!(server.sync(&c2, 0).await.field.area_days.is_empty());

    // Clearing a tick after finishing unfinishes the area.
    apply(&server, &c1, &mark("cleaner1", lobby, items[1], None)).await;
    let d = &server.sync(&c1, 0).await.field.area_days[0];
    assert_eq!((d.marks.len(), d.finished_at), (3, None));
}

#[tokio::test]
async fn a_cleaner_cannot_touch_another_cleaners_area_or_unknown_records() {
    let server = TestServer::with_demo().await;
    let c1 = server.signed_in("cleaner1").await;
    let c2 = server.signed_in("cleaner2").await;
    let sup = server.signed_in("supervisor1").await;
    let r1 = reference(&server, &c1).await;
    let r2 = reference(&server, &c2).await;
    let lobby = area(&r1, "大堂").id;
    let exterior = area(&r2, "外围").id;
    let exterior_item = due(&r2, exterior)[0];
    let lobby_item = due(&r1, lobby)[0];
    let everyone = [&c1, &c2, &sup];

    let theirs = mark("cleaner1", exterior, exterior_item, Some("done"));
    refused(&server, &c1, &theirs, RejectCode::NotAssigned, &everyone).await;
    let finish = finish_at("cleaner1", exterior, "2026-11-27T03:00:00Z");
    refused(&server, &c1, &finish, RejectCode::NotAssigned, &everyone).await;
    // Even the supervisor does not tick a cleaner's list.
    let sup_tick = mark("supervisor1", lobby, lobby_item, Some("done"));
    refused(&server, &sup, &sup_tick, RejectCode::NotAssigned, &everyone).await;

    // No such area; no such item; an item of another area.
    let nowhere = mark("cleaner1", Uuid::new_v4(), lobby_item, Some("done"));
    refused(&server, &c1, &nowhere, RejectCode::UnknownRecord, &everyone).await;
    let no_item = mark("cleaner1", lobby, Uuid::new_v4(), Some("done"));
    refused(&server, &c1, &no_item, RejectCode::UnknownRecord, &everyone).await;
    let other_item = mark("cleaner1", lobby, exterior_item, Some("done"));
    refused(
        &server,
        &c1,
        &other_item,
        RejectCode::UnknownRecord,
        &everyone,
    )
    .await;
    let no_area = finish_at("cleaner1", Uuid::new_v4(), "2026-11-27T03:00:00Z");
    refused(&server, &c1, &no_area, RejectCode::UnknownRecord, &everyone).await;

    // Sent in someone else's name.
    let forged = mark("cleaner2", exterior, exterior_item, Some("done"));
    refused(&server, &c1, &forged, RejectCode::WrongUser, &everyone).await;

    // Their own area is fine, and cleaner2 still does not see it.
    apply(
        &server,
        &c1,
        &mark("cleaner1", lobby, lobby_item, Some("done")),
    )
    .await;
    assert!(server.sync(&c2, 0).await.field.area_days.is_empty());
    assert_eq!(server.sync(&sup, 0).await.field.area_days.len(), 1);
}

#[tokio::test]
async fn a_vacant_unit_record_is_saved_with_its_photos_for_its_cleaner_only() {
    let server = TestServer::with_demo().await;
    let c1 = server.signed_in("cleaner1").await;
    let c2 = server.signed_in("cleaner2").await;
    let sup = server.signed_in("supervisor1").await;
    let e1 = server.signed_in("engineer1").await;
    let first = server.sync(&c1, 0).await;
    let r1 = first.field.reference.clone().unwrap();
    let never = unit(&r1, "5栋 0801");
    assert_eq!(never.last_cleaned, None, "the demo's never-cleaned unit");
    let everyone = [&c1, &c2, &sup];

    let photo = Photo::jpeg(11);
    let record = Uuid::new_v4();
    let save = vacant_record(
        "cleaner1",
        record,
        never.id,
        all_pass(),
        vec![photo_ref(&photo, "unit")],
    );
    apply(&server, &c1, &save).await;

    let next = server.sync(&c1, first.cursor).await;
    assert_eq!(next.field.vacant_records.len(), 1);
    let saved = &next.field.vacant_records[0];
    assert_eq!(
        (saved.id, saved.unit_id, saved.cleaner.as_str()),
        (record, never.id, "cleaner1")
    );
    assert_eq!(saved.started_at, at("2026-11-27T01:00:00Z"));
    assert_eq!(saved.ended_at, at("2026-11-27T02:30:00Z"));
    assert_eq!(saved.photos.len(), 1);
    assert_eq!(saved.photos[0].photo_id, photo.id);
    // The unit's last cleaning moved to the record's (China) date; the set is sent again.
    let units = next.field.reference.expect("the unit changed").units;
    let moved = units.iter().find(|u| u.id == never.id).unwrap();
    assert_eq!(moved.last_cleaned, Some(day()));
    assert_eq!(
        server.sync(&sup, 0).await.field.vacant_records,
        vec![saved.clone()]
    );
    assert!(server.sync(&c2, 0).await.field.vacant_records.is_empty());

    // The bytes: only the cleaner who made the record uploads them; the supervisor reads them,
    // cleaner2 and an engineer may not (to them it is an unknown photo: issue 15).
    assert_eq!(
        photo.put(&server, &c2).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(photo.put(&server, &c1).await.status(), StatusCode::CREATED);
    assert_eq!(photo.put(&server, &c1).await.status(), StatusCode::OK);
    assert_eq!(
        get_photo(&server, &sup, photo.id).await,
        (200, photo.bytes.clone())
    );
    assert_eq!(
        get_photo(&server, &c1, photo.id).await,
        (200, photo.bytes.clone())
    );
    assert_eq!(get_photo(&server, &c2, photo.id).await.0, 404);
    assert_eq!(get_photo(&server, &e1, photo.id).await.0, 404);

    // A record for cleaner2's unit, or a unit that does not exist.
    let r2 = reference(&server, &c2).await;
    let theirs = unit(&r2, "5栋 2103").id;
    let p = || vec![photo_ref(&Photo::jpeg(12), "unit")];
    let other = vacant_record("cleaner1", Uuid::new_v4(), theirs, all_pass(), p());
    refused(&server, &c1, &other, RejectCode::NotAssigned, &everyone).await;
    let nowhere = vacant_record("cleaner1", Uuid::new_v4(), Uuid::new_v4(), all_pass(), p());
    refused(&server, &c1, &nowhere, RejectCode::UnknownRecord, &everyone).await;

    // The standard: a photo of the unit; a problem needs a note and its own photo.
    let mine = unit(&r1, "3栋 1204").id;
    let no_unit_photo = vacant_record("cleaner1", Uuid::new_v4(), mine, all_pass(), vec![]);
    refused(
        &server,
        &c1,
        &no_unit_photo,
        RejectCode::InvalidValue,
        &everyone,
    )
    .await;
    let mut problem = all_pass();
    problem[1] = serde_json::json!({"item": "walls_clean", "pass": false, "note": "墙角有蜘蛛网"});
    let no_problem_photo = vacant_record("cleaner1", Uuid::new_v4(), mine, problem.clone(), p());
    refused(
        &server,
        &c1,
        &no_problem_photo,
        RejectCode::InvalidValue,
        &everyone,
    )
    .await;
    let mut no_note = problem.clone();
    no_note[1]["note"] = "".into();
    let walls = Photo::jpeg(13);
    let photos = vec![
        photo_ref(&Photo::jpeg(14), "unit"),
        photo_ref(&walls, "walls"),
    ];
    let unexplained = vacant_record("cleaner1", Uuid::new_v4(), mine, no_note, photos.clone());
    refused(
        &server,
        &c1,
        &unexplained,
        RejectCode::InvalidValue,
        &everyone,
    )
    .await;
    let three_items = vacant_record(
        "cleaner1",
        Uuid::new_v4(),
        mine,
        all_pass()[..3].to_vec(),
        p(),
    );
    refused(
        &server,
        &c1,
        &three_items,
        RejectCode::InvalidValue,
        &everyone,
    )
    .await;
    // Photos: a slot the standard does not have, a bad digest, a photo id already used.
    let kitchen = vec![
        photo_ref(&Photo::jpeg(15), "unit"),
        photo_ref(&Photo::jpeg(16), "kitchen"),
    ];
    let bad_slot = vacant_record("cleaner1", Uuid::new_v4(), mine, all_pass(), kitchen);
    refused(&server, &c1, &bad_slot, RejectCode::InvalidPhoto, &everyone).await;
    let mut bad_digest = p();
    bad_digest[0]["sha256"] = "not-a-digest".into();
    let bad_hash = vacant_record("cleaner1", Uuid::new_v4(), mine, all_pass(), bad_digest);
    refused(&server, &c1, &bad_hash, RejectCode::InvalidPhoto, &everyone).await;
    let reused = vacant_record(
        "cleaner1",
        Uuid::new_v4(),
        mine,
        all_pass(),
        vec![photo_ref(&photo, "unit")],
    );
    refused(&server, &c1, &reused, RejectCode::InvalidPhoto, &everyone).await;
    // The same record id again (a new operation, not a resend).
    let same_id = vacant_record("cleaner1", record, never.id, all_pass(), p());
    refused(&server, &c1, &same_id, RejectCode::InvalidValue, &everyone).await;

    // With its problem photo and note, the record is saved.
    let with_problem = vacant_record("cleaner1", Uuid::new_v4(), mine, problem, photos);
    apply(&server, &c1, &with_problem).await;
    assert_eq!(walls.put(&server, &c1).await.status(), StatusCode::CREATED);
    assert_eq!(
        get_photo(&server, &sup, walls.id).await,
        (200, walls.bytes.clone())
    );
    assert_eq!(server.sync(&sup, 0).await.field.vacant_records.len(), 2);
}

#[tokio::test]
async fn the_supervisor_reviews_vacant_records_and_a_cleaner_sees_it() {
    let server = TestServer::with_demo().await;
    let c1 = server.signed_in("cleaner1").await;
    let c2 = server.signed_in("cleaner2").await;
    let sup = server.signed_in("supervisor1").await;
    let r1 = reference(&server, &c1).await;
    let record = Uuid::new_v4();
    let photo = Photo::jpeg(21);
    let save = vacant_record(
        "cleaner1",
        record,
        unit(&r1, "3栋 1204").id,
        all_pass(),
        vec![photo_ref(&photo, "unit")],
    );
    apply(&server, &c1, &save).await;
    let everyone = [&c1, &c2, &sup];

    let review = |user: &str, verdict| {
        crate::team::op(
            user,
            serde_json::json!({"type": "review_vacant_record", "record_id": record, "verdict": verdict}),
        )
    };
    let by_cleaner = review("cleaner2", approved());
    refused(&server, &c2, &by_cleaner, RejectCode::Forbidden, &everyone).await;
    let unknown = crate::team::op(
        "supervisor1",
        serde_json::json!({"type": "review_vacant_record", "record_id": Uuid::new_v4(),
                           "verdict": "approved"}),
    );
    refused(
        &server,
        &sup,
        &unknown,
        RejectCode::UnknownRecord,
        &everyone,
    )
    .await;
    let no_reason = review("supervisor1", sent_back(" "));
    refused(
        &server,
        &sup,
        &no_reason,
        RejectCode::InvalidValue,
        &everyone,
    )
    .await;

    apply(
        &server,
        &sup,
        &review("supervisor1", sent_back("门窗未关好")),
    )
    .await;
    let seen = &server.sync(&c1, 0).await.field.vacant_records[0];
    let r = seen.review.as_ref().unwrap();
    assert_eq!(
        (&r.verdict, r.by.as_str()),
        (
            &Verdict::SentBack {
                reason: "门窗未关好".into()
            },
            "supervisor1"
        )
    );
    apply(&server, &sup, &review("supervisor1", approved())).await;
    // Approved is final.
    let after = review("supervisor1", sent_back("再看一次"));
    refused(&server, &sup, &after, RejectCode::Closed, &everyone).await;
    let seen = &server.sync(&c1, 0).await.field.vacant_records[0];
    assert_eq!(seen.review.as_ref().unwrap().verdict, Verdict::Approved);
}

#[tokio::test]
async fn spot_checks_approve_or_send_back_a_finished_area() {
    let server = TestServer::with_demo().await;
    let c1 = server.signed_in("cleaner1").await;
    let sup = server.signed_in("supervisor1").await;
    add_user(&server, "supervisor2", Role::Supervisor, Some("team-b")).await;
    let sup_b = server.signed_in("supervisor2").await;
    let r = reference(&server, &c1).await;
    let lobby = area(&r, "大堂").id;
    let restroom = area(&r, "A座 3F 卫生间").id;
    let tea = area(&r, "A座 3F 茶水间").id;
    let both = [&c1, &sup];

    // Nothing ticked in the tea room today: no list to review.
    let nothing = review_area("supervisor1", tea, approved());
    refused(&server, &sup, &nothing, RejectCode::UnknownRecord, &both).await;

    for item in due(&r, lobby) {
        apply(&server, &c1, &mark("cleaner1", lobby, item, Some("done"))).await;
    }
    // Ticked but not finished: not yet approvable.
    let early = review_area("supervisor1", lobby, approved());
    refused(&server, &sup, &early, RejectCode::InvalidValue, &both).await;
    apply(
        &server,
        &c1,
        &finish_at("cleaner1", lobby, "2026-11-27T02:00:00Z"),
    )
    .await;
    // Neither the cleaner nor another team's supervisor reviews it.
    let by_cleaner = review_area("cleaner1", lobby, approved());
    refused(&server, &c1, &by_cleaner, RejectCode::Forbidden, &both).await;
    let other_team = review_area("supervisor2", lobby, approved());
    refused(&server, &sup_b, &other_team, RejectCode::Forbidden, &both).await;

    apply(
        &server,
        &sup,
        &review_area("supervisor1", lobby, approved()),
    )
    .await;
    let d = server.sync(&c1, 0).await.field.area_days;
    let review = d[0].review.as_ref().unwrap();
    assert_eq!(
        (&review.verdict, review.by.as_str()),
        (&Verdict::Approved, "supervisor1")
    );
    // Approved: the list is closed to the cleaner.
    let item = due(&r, lobby)[0];
    let late_clear = mark("cleaner1", lobby, item, None);
    refused(&server, &c1, &late_clear, RejectCode::Closed, &both).await;
    let late_finish = finish_at("cleaner1", lobby, "2026-11-27T04:00:00Z");
    refused(&server, &c1, &late_finish, RejectCode::Closed, &both).await;

    // Sent back with a reason: the cleaner's next pull shows it, and the area is unfinished.
    for item in due(&r, restroom) {
        apply(
            &server,
            &c1,
            &mark("cleaner1", restroom, item, Some("done")),
        )
        .await;
    }
    apply(
        &server,
        &c1,
        &finish_at("cleaner1", restroom, "2026-11-27T02:30:00Z"),
    )
    .await;
    let before = server.sync(&c1, 0).await;
    for reason in ["", "   "] {
        let empty = review_area("supervisor1", restroom, sent_back(reason));
        refused(&server, &sup, &empty, RejectCode::InvalidValue, &both).await;
    }
    apply(
        &server,
        &sup,
        &review_area("supervisor1", restroom, sent_back("地面有水渍，请重新拖干")),
    )
    .await;
    let next = server.sync(&c1, before.cursor).await;
    assert_eq!(next.field.area_days.len(), 1);
    let d = &next.field.area_days[0];
    assert_eq!((d.area_id, d.date.to_string().as_str()), (restroom, DAY));
    assert_eq!(d.finished_at, None);
    assert_eq!(
        d.review.as_ref().unwrap().verdict,
        Verdict::SentBack {
            reason: "地面有水渍，请重新拖干".into()
        }
    );
    // The cleaner redoes it and finishes again: the send-back is cleared.
    apply(
        &server,
        &c1,
        &finish_at("cleaner1", restroom, "2026-11-27T05:00:00Z"),
    )
    .await;
    let days = server.sync(&sup, 0).await.field.area_days;
    let d = days.iter().find(|d| d.area_id == restroom).unwrap();
    assert_eq!(
        (d.finished_at, &d.review),
        (Some(at("2026-11-27T05:00:00Z")), &None)
    );
}

/// Two phones of one cleaner, both offline, mark the same item differently; each reconnects,
/// in both orders. Both marks are kept, the later action shows, every device sees the conflict,
/// and the area's supervisor settles it once, keeping one phone's mark.
#[tokio::test]
async fn two_phones_marking_one_item_apart_keep_both_in_either_order_until_settled() {
    const PHONE_1: &str = "00000000-0000-4000-8000-0000000000a1";
    const PHONE_2: &str = "00000000-0000-4000-8000-0000000000a2";
    let mut shown = Vec::new();
    for phone_1_first in [true, false] {
        let server = TestServer::with_demo().await;
        let phone_1 = server.signed_in("cleaner1").await;
        let phone_2 = server.signed_in("cleaner1").await;
        let sup = server.signed_in("supervisor1").await;
        let c2 = server.signed_in("cleaner2").await;
        let r = reference(&server, &phone_1).await;
        let lobby = area(&r, "大堂").id;
        let item = due(&r, lobby)[0];
        let on = |device: &str, time: &str, m: &str| {
            let mut op = op_at(
                "cleaner1",
                time,
                json!({"type": "mark_item", "area_id": lobby, "item_id": item, "date": DAY,
                       "mark": m}),
            );
            op["device_id"] = device.into();
            op
        };
        let done = on(PHONE_1, "2026-11-27T02:00:00Z", "done");
        let problem = on(PHONE_2, "2026-11-27T02:03:00Z", "problem");
        if phone_1_first {
            apply(&server, &phone_1, &done).await;
            apply(&server, &phone_2, &problem).await;
        } else {
            apply(&server, &phone_2, &problem).await;
            apply(&server, &phone_1, &done).await;
        }
        for client in [&phone_1, &phone_2, &sup] {
            let d = &server.sync(client, 0).await.field.area_days[0];
            assert!(
                d.in_conflict(),
                "every device that shows the day sees the conflict"
            );
            assert_eq!(d.marks[&item].mark, Mark::Problem, "the later action shows");
            let other = &d.conflicts[&item];
            assert_eq!(other.value, Some(Mark::Done), "and the other is kept");
            assert_eq!(other.stamp.device.to_string(), PHONE_1);
            assert_eq!(other.stamp.at, at("2026-11-27T02:00:00Z"));
            assert_eq!(d.stamps[&item].device.to_string(), PHONE_2);
        }
        let day_seen = server.sync(&sup, 0).await.field.area_days[0].clone();
        // What it shows; only when each mark reached the server differs.
        let other = &day_seen.conflicts[&item];
        shown.push((
            day_seen.marks.clone(),
            (other.value, other.stamp.device, other.stamp.at),
        ));
        let settle = |by: &str| {
            op_at(
                by,
                "2026-11-27T05:00:00Z",
                json!({"type": "settle_mark", "area_id": lobby, "date": DAY, "item_id": item,
                       "keep_device": PHONE_1}),
            )
        };
        // The cleaner does not settle their own conflict; another team's people do not see it.
        let watchers = [&phone_1, &sup];
        refused(
            &server,
            &phone_1,
            &settle("cleaner1"),
            RejectCode::Forbidden,
            &watchers,
        )
        .await;
        refused(
            &server,
            &c2,
            &settle("cleaner2"),
            RejectCode::Forbidden,
            &watchers,
        )
        .await;
        let once = settle("supervisor1");
        apply(&server, &sup, &once).await;
        let again = server.push(&sup, std::slice::from_ref(&once)).await;
        assert_eq!(
            again.results[0].outcome,
            fieldbook_model::Outcome::Duplicate
        );
        // A second settling (another tap, another id) finds nothing to settle.
        refused(
            &server,
            &sup,
            &settle("supervisor1"),
            RejectCode::InvalidTransition,
            &watchers,
        )
        .await;
        for client in [&phone_1, &phone_2, &sup] {
            let d = &server.sync(client, 0).await.field.area_days[0];
            assert!(!d.in_conflict());
            assert_eq!(
                d.marks[&item].mark,
                Mark::Done,
                "the kept mark shows everywhere"
            );
        }
    }
    assert_eq!(
        shown[0], shown[1],
        "the same record whichever phone arrived first"
    );
}

/// Two phones of one cleaner, both offline, record the same unit on the same day differently;
/// each reconnects, in both orders. Both records are kept, each names the other, every device
/// that shows them sees the conflict, a record in conflict is not approved, and the unit's
/// supervisor settles it once by keeping one record (the other is set aside).
#[tokio::test]
async fn two_phones_recording_one_unit_apart_keep_both_in_either_order_until_settled() {
    const PHONE_1: &str = "00000000-0000-4000-8000-0000000000a1";
    const PHONE_2: &str = "00000000-0000-4000-8000-0000000000a2";
    let (ok_id, wet_id) = (Uuid::new_v4(), Uuid::new_v4());
    let mut shown = Vec::new();
    for phone_1_first in [true, false] {
        let server = TestServer::with_demo().await;
        let phone_1 = server.signed_in("cleaner1").await;
        let phone_2 = server.signed_in("cleaner1").await;
        let sup = server.signed_in("supervisor1").await;
        let c2 = server.signed_in("cleaner2").await;
        let r = reference(&server, &phone_1).await;
        let never = unit(&r, "5栋 0801").id;
        let (ok_photo, wet_photo, floor_photo) =
            (Photo::jpeg(21), Photo::jpeg(22), Photo::jpeg(23));
        let mut wet_checks = all_pass();
        wet_checks[0] = json!({"item": "floor_clear", "pass": false, "note": "地面有水"});
        let on = |device: &str, time: &str, id: Uuid, checks: Vec<serde_json::Value>| {
            let photos = if checks == all_pass() {
                vec![photo_ref(&ok_photo, "unit")]
            } else {
                vec![
                    photo_ref(&wet_photo, "unit"),
                    photo_ref(&floor_photo, "floor"),
                ]
            };
            let mut op = vacant_record("cleaner1", id, never, checks, photos);
            op["device_id"] = device.into();
            op["device_time"] = time.into();
            op
        };
        let ok = on(PHONE_1, "2026-11-27T02:31:00Z", ok_id, all_pass());
        let wet = on(PHONE_2, "2026-11-27T02:40:00Z", wet_id, wet_checks);
        if phone_1_first {
            apply(&server, &phone_1, &ok).await;
            apply(&server, &phone_2, &wet).await;
        } else {
            apply(&server, &phone_2, &wet).await;
            apply(&server, &phone_1, &ok).await;
        }
        let records = |data: FieldData| {
            let mut records = data.vacant_records;
            records.sort_by_key(|r| r.id != ok_id);
            records
        };
        for client in [&phone_1, &phone_2, &sup] {
            let rs = records(server.sync(client, 0).await.field);
            assert_eq!(rs.len(), 2, "both records kept");
            assert_eq!(
                (rs[0].conflict_with, rs[1].conflict_with),
                (Some(wet_id), Some(ok_id)),
                "each names the other"
            );
            let (o, w) = (rs[0].side().unwrap(), rs[1].side().unwrap());
            assert_eq!(o.stamp.device.to_string(), PHONE_1);
            assert_eq!(w.stamp.device.to_string(), PHONE_2);
            assert!(o.value.is_empty());
            assert_eq!(w.value.len(), 1, "phone 2 found the wet floor");
        }
        let rs = records(server.sync(&sup, 0).await.field);
        let what = |r: &fieldbook_model::cleaning::VacantRecord| {
            let s = r.side().unwrap();
            (r.problems(), r.conflict_with, s.stamp.device, s.stamp.at)
        };
        shown.push((what(&rs[0]), what(&rs[1])));

        let watchers = [&phone_1, &sup];
        let approve = || {
            op_at(
                "supervisor1",
                "2026-11-27T05:00:00Z",
                json!({"type": "review_vacant_record", "record_id": ok_id,
                       "verdict": Verdict::Approved}),
            )
        };
        refused(
            &server,
            &sup,
            &approve(),
            RejectCode::InvalidValue,
            &watchers,
        )
        .await;
        let settle = |by: &str| {
            op_at(
                by,
                "2026-11-27T05:00:00Z",
                json!({"type": "settle_vacant_record", "record_id": ok_id}),
            )
        };
        // The cleaner does not settle their own conflict; another team's people do not see it.
        refused(
            &server,
            &phone_1,
            &settle("cleaner1"),
            RejectCode::Forbidden,
            &watchers,
        )
        .await;
        refused(
            &server,
            &c2,
            &settle("cleaner2"),
            RejectCode::Forbidden,
            &watchers,
        )
        .await;
        let once = settle("supervisor1");
        apply(&server, &sup, &once).await;
        let again = server.push(&sup, std::slice::from_ref(&once)).await;
        assert_eq!(
            again.results[0].outcome,
            fieldbook_model::Outcome::Duplicate
        );
        refused(
            &server,
            &sup,
            &settle("supervisor1"),
            RejectCode::InvalidTransition,
            &watchers,
        )
        .await;
        for client in [&phone_1, &phone_2, &sup] {
            let rs = records(server.sync(client, 0).await.field);
            assert_eq!((rs[0].conflict_with, rs[0].set_aside), (None, false));
            assert_eq!((rs[1].conflict_with, rs[1].set_aside), (None, true));
        }
        // Settled: the record kept is approved (a remembered refusal is per operation id).
        apply(&server, &sup, &approve()).await;
    }
    assert_eq!(
        shown[0], shown[1],
        "the same records whichever phone arrived first"
    );
}
