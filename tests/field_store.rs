//! The field side of the device store in a real browser's IndexedDB: ticks, findings with their
//! photos, pulls that keep unsent work on screen, and signing out on a shared phone.
#![cfg(target_arch = "wasm32")]

use chrono::{NaiveDate, Utc};
use fieldbook::db::{Db, DbError, PhotoBlob, PhotoRecord, SignOut};
use fieldbook_model::cleaning::{Area, AreaDay, AreaKind, ChecklistItem, Mark, PhotoRef, Schedule};
use fieldbook_model::findings::{FindingSource, ProblemKind};
use fieldbook_model::sync::{FieldData, FieldReference};
use fieldbook_model::{OpError, OpKind, Operation, Role, SyncResponse, UserProfile};
use uuid::Uuid;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const DAY: fn() -> NaiveDate = || NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();

fn cleaner() -> UserProfile {
    UserProfile {
        username: "cleaner1".into(),
        display_name: "王芳".into(),
        role: Role::Cleaner,
        team: Some("team-a".into()),
    }
}

fn reference() -> (FieldReference, Uuid, [Uuid; 2]) {
    let area = Uuid::new_v4();
    let items = [Uuid::new_v4(), Uuid::new_v4()];
    let reference = FieldReference {
        areas: vec![Area {
            id: area,
            team: "team-a".into(),
            name: "大堂".into(),
            kind: AreaKind::Lobby,
            cleaner: Some("cleaner1".into()),
            patrol: true,
            position: 0,
        }],
        items: items
            .iter()
            .enumerate()
            .map(|(i, id)| ChecklistItem {
                id: *id,
                area_id: area,
                label: format!("item {i}"),
                schedule: Schedule::Daily,
                position: i as i64,
            })
            .collect(),
        units: vec![],
        people: vec![],
        calendar: Default::default(),
    };
    (reference, area, items)
}

fn pull(cursor: i64, field: FieldData) -> SyncResponse {
    SyncResponse {
        cursor,
        server_time: Utc::now(),
        work_orders: vec![],
        removed: vec![],
        more: false,
        field,
    }
}

fn op(kind: OpKind) -> Operation {
    Operation {
        id: Uuid::new_v4(),
        user: "cleaner1".into(),
        device_id: Uuid::new_v4(),
        device_time: Utc::now(),
        kind,
    }
}

async fn signed_in() -> (Db, Uuid, [Uuid; 2]) {
    let db = Db::open(&format!("fieldbook-test-{}", Uuid::new_v4()))
        .await
        .unwrap();
    db.signed_in_as(&cleaner()).await.unwrap();
    let (reference, area, items) = reference();
    let field = FieldData {
        reference: Some(reference),
        ..Default::default()
    };
    db.apply_pull(&pull(1, field), Utc::now()).await.unwrap();
    (db, area, items)
}

fn mark(area: Uuid, item: Uuid, mark: Option<Mark>) -> Operation {
    op(OpKind::MarkItem {
        area_id: area,
        item_id: item,
        date: DAY(),
        mark,
    })
}

#[wasm_bindgen_test]
async fn a_tick_and_its_outbox_entry_are_written_together_and_finishing_needs_every_item() {
    let (db, area, items) = signed_in().await;
    db.record_field(vec![mark(area, items[0], Some(Mark::Done))], vec![])
        .await
        .unwrap();
    let days = db.area_days().await.unwrap();
    assert_eq!(days.len(), 1);
    assert!(days[0].marks.contains_key(&items[0]));
    assert_eq!(db.outbox().await.unwrap().len(), 1);

    // One item is still unticked: finishing is refused and nothing is written.
    let finish = op(OpKind::FinishArea {
        area_id: area,
        date: DAY(),
    });
    assert!(matches!(
        db.record_field(vec![finish.clone()], vec![]).await,
        Err(DbError::Refused(_))
    ));
    assert_eq!(db.outbox().await.unwrap().len(), 1);
    assert_eq!(db.area_days().await.unwrap()[0].finished_at, None);

    db.record_field(vec![mark(area, items[1], Some(Mark::Done))], vec![])
        .await
        .unwrap();
    db.record_field(vec![finish], vec![]).await.unwrap();
    assert!(db.area_days().await.unwrap()[0].finished_at.is_some());
    assert_eq!(db.outbox().await.unwrap().len(), 3);
}

fn photo(owner: Uuid) -> (PhotoRef, PhotoBlob) {
    let id = Uuid::new_v4();
    let bytes = [0xffu8, 0xd8, 0xff, 0xd9];
    let array = js_sys::Uint8Array::from(&bytes[..]);
    let parts = js_sys::Array::of1(&array);
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).unwrap();
    let sha = "ab".repeat(32);
    (
        PhotoRef {
            photo_id: id,
            slot: "before".into(),
            sha256: sha.clone(),
            bytes: 4,
            width: 10,
            height: 10,
            content_type: "image/jpeg".into(),
        },
        PhotoBlob {
            record: PhotoRecord {
                id,
                work_order_id: owner,
                user: "cleaner1".into(),
                sha256: sha,
                bytes: 4,
                content_type: "image/jpeg".into(),
                uploaded: false,
                tries: 0,
                error: None,
                draft: false,
            },
            blob,
        },
    )
}

#[wasm_bindgen_test]
async fn a_problem_is_the_mark_the_finding_and_its_photo_in_one_transaction() {
    let (db, area, items) = signed_in().await;
    let finding_id = Uuid::new_v4();
    let (r, blob) = photo(finding_id);
    let report = |photos: Vec<PhotoRef>| {
        op(OpKind::ReportFinding {
            finding_id,
            area_id: Some(area),
            place: String::new(),
            source: FindingSource::Checklist {
                item_id: items[0],
                date: DAY(),
            },
            problem: ProblemKind::Leak,
            note: String::new(),
            photos,
        })
    };
    // Without a photo the model refuses the finding, and the mark beside it is not written either.
    let refused = db
        .record_field(
            vec![mark(area, items[0], Some(Mark::Problem)), report(vec![])],
            vec![],
        )
        .await;
    assert!(matches!(refused, Err(DbError::Refused(_))));
    assert!(db.area_days().await.unwrap().is_empty());
    assert!(db.outbox().await.unwrap().is_empty());

    db.record_field(
        vec![
            mark(area, items[0], Some(Mark::Problem)),
            report(vec![r.clone()]),
        ],
        vec![blob],
    )
    .await
    .unwrap();
    let findings = db.findings().await.unwrap();
    assert_eq!(findings.len(), 1);
    // The place is the area's name when none was typed.
    assert_eq!(findings[0].place, "大堂");
    assert_eq!(findings[0].photos, vec![r.clone()]);
    assert!(db.photo(r.photo_id).await.unwrap().is_some());
    assert_eq!(db.outbox().await.unwrap().len(), 2);
}

#[wasm_bindgen_test]
async fn a_finding_reported_again_under_its_id_is_refused_and_nothing_is_written() {
    let (db, area, _) = signed_in().await;
    let finding_id = Uuid::new_v4();
    let report = |place: &str, photos: Vec<PhotoRef>| {
        op(OpKind::ReportFinding {
            finding_id,
            area_id: Some(area),
            place: place.into(),
            source: FindingSource::Spotted,
            problem: ProblemKind::Leak,
            note: String::new(),
            photos,
        })
    };
    let (first, first_blob) = photo(finding_id);
    db.record_field(vec![report("", vec![first.clone()])], vec![first_blob])
        .await
        .unwrap();

    // A second report with the same finding id (a double tap, a form sent twice): the model
    // refuses it as the server would, and neither the finding, the queue nor the photos change.
    let (second, second_blob) = photo(finding_id);
    let refused = db
        .record_field(
            vec![report("B座 入口", vec![second.clone()])],
            vec![second_blob],
        )
        .await;
    assert!(
        matches!(refused, Err(DbError::Refused(OpError::AlreadyExists(_)))),
        "{refused:?}"
    );
    let findings = db.findings().await.unwrap();
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].place, "大堂");
    assert_eq!(findings[0].photos, vec![first.clone()]);
    assert_eq!(db.outbox().await.unwrap().len(), 1);
    assert!(db.photo(first.photo_id).await.unwrap().is_some());
    assert!(db.photo(second.photo_id).await.unwrap().is_none());
}

#[wasm_bindgen_test]
async fn a_pull_keeps_unsent_ticks_on_screen() {
    let (db, area, items) = signed_in().await;
    db.record_field(vec![mark(area, items[1], Some(Mark::Done))], vec![])
        .await
        .unwrap();
    // The server's record of the day knows only the first item (sent from elsewhere earlier).
    let mut server_day = AreaDay::new(area, DAY());
    server_day
        .mark(
            items[0],
            Some(Mark::Done),
            fieldbook_model::conflict::Stamp {
                by: "cleaner1".into(),
                device: Uuid::from_u128(77),
                at: Utc::now(),
                received_at: Some(Utc::now()),
            },
        )
        .unwrap();
    let field = FieldData {
        area_days: vec![server_day],
        ..Default::default()
    };
    db.apply_pull(&pull(2, field), Utc::now()).await.unwrap();
    let day = &db.area_days().await.unwrap()[0];
    assert!(day.marks.contains_key(&items[0]), "the server's tick");
    assert!(day.marks.contains_key(&items[1]), "the unsent tick");
    // The reference stays when a pull does not carry one.
    assert_eq!(db.field_reference().await.unwrap().areas.len(), 1);
}

#[wasm_bindgen_test]
async fn signing_out_with_everything_sent_forgets_the_team_s_data() {
    let (db, area, items) = signed_in().await;
    db.record_field(vec![mark(area, items[0], Some(Mark::Done))], vec![])
        .await
        .unwrap();
    // Unsent: refused unless kept for later.
    assert_eq!(
        db.sign_out("cleaner1", false).await.unwrap(),
        SignOut::Unsent
    );
    let batch = db.next_batch(10).await.unwrap();
    let results: Vec<_> = batch
        .iter()
        .map(|e| fieldbook_model::OpResult::applied(e.op.id))
        .collect();
    db.settle(&batch, &results).await.unwrap();
    assert_eq!(db.sign_out("cleaner1", false).await.unwrap(), SignOut::Done);
    assert!(db.area_days().await.unwrap().is_empty());
    assert!(db.field_reference().await.unwrap().areas.is_empty());
}
