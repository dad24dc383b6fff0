//! The supervisor's side of the device store in a real browser's IndexedDB: a patrol round and its
//! finding recorded offline, and the finding's life cycle (assign, confirm, reopen) checked by the
//! model's rules before anything is written.
#![cfg(target_arch = "wasm32")]

use chrono::{Duration, Utc};
use fieldbook::db::{Db, DbError, PhotoBlob, PhotoRecord};
use fieldbook_model::cleaning::{Area, AreaKind, PhotoRef};
use fieldbook_model::findings::{
    Actor, Assignee, Finding, FindingSource, FindingState, ProblemKind,
};
use fieldbook_model::patrol::{AreaResult, RoundArea, RoundKind};
use fieldbook_model::sync::{FieldData, FieldReference};
use fieldbook_model::{OpKind, Operation, Role, SyncResponse, UserProfile};
use uuid::Uuid;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn person(username: &str, name: &str, role: Role) -> UserProfile {
    UserProfile {
        username: username.into(),
        display_name: name.into(),
        role,
        team: Some("team-a".into()),
    }
}

fn photo_ref(id: Uuid, slot: &str) -> PhotoRef {
    PhotoRef {
        photo_id: id,
        slot: slot.into(),
        sha256: "ab".repeat(32),
        bytes: 4,
        width: 10,
        height: 10,
        content_type: "image/jpeg".into(),
    }
}

fn photo(owner: Uuid) -> (PhotoRef, PhotoBlob) {
    let id = Uuid::new_v4();
    let array = js_sys::Uint8Array::from(&[0xffu8, 0xd8, 0xff, 0xd9][..]);
    let blob = web_sys::Blob::new_with_u8_array_sequence(&js_sys::Array::of1(&array)).unwrap();
    let r = photo_ref(id, "before");
    (
        r.clone(),
        PhotoBlob {
            record: PhotoRecord {
                id,
                work_order_id: owner,
                user: "supervisor1".into(),
                sha256: r.sha256,
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
        user: "supervisor1".into(),
        device_id: Uuid::new_v4(),
        device_time: Utc::now(),
        kind,
    }
}

/// A supervisor's tablet after its first pull: one patrol area, the team's people.
async fn signed_in() -> (Db, Uuid) {
    let db = Db::open(&format!("fieldbook-test-{}", Uuid::new_v4()))
        .await
        .unwrap();
    db.signed_in_as(&person("supervisor1", "刘洋", Role::Supervisor))
        .await
        .unwrap();
    let area = Uuid::new_v4();
    let reference = FieldReference {
        areas: vec![Area {
            id: area,
            team: "team-a".into(),
            name: "外围".into(),
            kind: AreaKind::Exterior,
            cleaner: None,
            patrol: true,
            position: 0,
        }],
        items: vec![],
        units: vec![],
        people: vec![
            person("engineer1", "张伟", Role::Engineer),
            person("cleaner1", "王芳", Role::Cleaner),
        ],
        calendar: Default::default(),
    };
    let field = FieldData {
        reference: Some(reference),
        ..Default::default()
    };
    db.apply_pull(&pull(1, field), Utc::now()).await.unwrap();
    (db, area)
}

#[wasm_bindgen_test]
async fn a_round_and_its_finding_are_kept_offline_and_through_a_pull() {
    let (db, area) = signed_in().await;
    let round_id = Uuid::new_v4();
    let finding_id = Uuid::new_v4();
    let (r, blob) = photo(finding_id);
    db.record_field(
        vec![op(OpKind::ReportFinding {
            finding_id,
            area_id: Some(area),
            place: "外围".into(),
            source: FindingSource::Patrol { round_id },
            problem: ProblemKind::Damaged,
            note: "路灯灯罩破损".into(),
            photos: vec![r.clone()],
        })],
        vec![blob],
    )
    .await
    .unwrap();
    let started_at = Utc::now() - Duration::minutes(25);
    let submit = |ended_at| {
        op(OpKind::SubmitRound {
            round_id,
            kind: RoundKind::Morning,
            date: fieldbook::db::today(),
            started_at,
            ended_at,
            areas: vec![RoundArea {
                area_id: area,
                result: AreaResult::Finding { finding_id },
                note: String::new(),
                failed_checks: vec![],
            }],
        })
    };
    // A round that ends before it starts is refused here, before anything is written.
    let refused = db
        .record_field(vec![submit(started_at - Duration::minutes(1))], vec![])
        .await;
    assert!(matches!(refused, Err(DbError::Refused(_))));
    assert!(db.rounds().await.unwrap().is_empty());
    db.record_field(vec![submit(Utc::now())], vec![])
        .await
        .unwrap();

    let rounds = db.rounds().await.unwrap();
    assert_eq!(rounds.len(), 1);
    assert_eq!(rounds[0].supervisor, "supervisor1");
    assert_eq!(rounds[0].team, "team-a");
    assert_eq!(db.outbox().await.unwrap().len(), 2);
    assert!(db.photo(r.photo_id).await.unwrap().is_some());

    // A pull that does not carry them yet (the server has not seen them) keeps both on screen.
    db.apply_pull(&pull(2, FieldData::default()), Utc::now())
        .await
        .unwrap();
    assert_eq!(db.rounds().await.unwrap().len(), 1);
    let findings = db.findings().await.unwrap();
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].source, FindingSource::Patrol { round_id });
}

#[wasm_bindgen_test]
async fn a_finding_is_assigned_confirmed_only_when_fixed_and_reopened_with_a_reason() {
    let (db, area) = signed_in().await;
    let cleaner = Actor {
        username: "cleaner1".into(),
        role: Role::Cleaner,
        team: Some("team-a".into()),
    };
    let reported_at = Utc::now() - Duration::hours(2);
    let finding = Finding::report(
        Uuid::new_v4(),
        &cleaner,
        Some(area),
        "",
        FindingSource::Spotted,
        ProblemKind::Leak,
        "",
        vec![photo_ref(Uuid::new_v4(), "before")],
        reported_at,
    )
    .unwrap();
    let id = finding.id;
    db.apply_pull(
        &pull(
            2,
            FieldData {
                findings: vec![finding.clone()],
                ..Default::default()
            },
        ),
        Utc::now(),
    )
    .await
    .unwrap();
    let assign = |due| {
        op(OpKind::AssignFinding {
            finding_id: id,
            assignee: Assignee::Person {
                username: "engineer1".into(),
            },
            due,
        })
    };

    // A due time before the report: refused, nothing queued.
    let refused = db
        .record_field(vec![assign(reported_at - Duration::hours(1))], vec![])
        .await;
    assert!(matches!(refused, Err(DbError::Refused(_))));
    assert!(db.outbox().await.unwrap().is_empty());
    db.record_field(vec![assign(Utc::now() + Duration::hours(24))], vec![])
        .await
        .unwrap();
    let f = db.findings().await.unwrap().remove(0);
    assert_eq!(f.state, FindingState::Assigned);

    // Not fixed yet: confirming is refused.
    let confirm = || op(OpKind::ConfirmFinding { finding_id: id });
    assert!(matches!(
        db.record_field(vec![confirm()], vec![]).await,
        Err(DbError::Refused(_))
    ));

    // The engineer's closing arrives with a pull; reopening needs a reason, confirming works.
    let mut fixed = f.clone();
    let engineer = Actor {
        username: "engineer1".into(),
        role: Role::Engineer,
        team: Some("team-a".into()),
    };
    fixed
        .close(
            &engineer,
            "更换",
            vec![photo_ref(Uuid::new_v4(), "after")],
            Utc::now(),
        )
        .unwrap();
    db.apply_pull(
        &pull(
            3,
            FieldData {
                findings: vec![fixed],
                ..Default::default()
            },
        ),
        Utc::now(),
    )
    .await
    .unwrap();
    let reopen = |reason: &str| {
        op(OpKind::ReopenFinding {
            finding_id: id,
            reason: reason.into(),
        })
    };
    assert!(matches!(
        db.record_field(vec![reopen("  ")], vec![]).await,
        Err(DbError::Refused(_))
    ));
    db.record_field(vec![confirm()], vec![]).await.unwrap();
    let f = db.findings().await.unwrap().remove(0);
    assert_eq!(f.state, FindingState::Confirmed);
    assert_eq!(f.after_photos.len(), 1);
}

#[wasm_bindgen_test]
async fn a_finding_reported_and_assigned_offline_is_assigned_once_through_a_pull() {
    let (db, area) = signed_in().await;
    let finding_id = Uuid::new_v4();
    let (before, blob) = photo(finding_id);
    let report = op(OpKind::ReportFinding {
        finding_id,
        area_id: Some(area),
        place: String::new(),
        source: FindingSource::Spotted,
        problem: ProblemKind::Damaged,
        note: String::new(),
        photos: vec![before],
    });
    let assign = op(OpKind::AssignFinding {
        finding_id,
        assignee: Assignee::Person {
            username: "engineer1".into(),
        },
        due: Utc::now() + Duration::hours(24),
    });
    db.record_field(vec![report], vec![blob]).await.unwrap();
    db.record_field(vec![assign], vec![]).await.unwrap();

    // A pull that brings another record, while both steps are still unsent: the finding made
    // here keeps its one report and one assignment.
    let cleaner = Actor {
        username: "cleaner1".into(),
        role: Role::Cleaner,
        team: Some("team-a".into()),
    };
    let other = Finding::report(
        Uuid::new_v4(),
        &cleaner,
        Some(area),
        "",
        FindingSource::Spotted,
        ProblemKind::Leak,
        "",
        vec![photo_ref(Uuid::new_v4(), "before")],
        Utc::now(),
    )
    .unwrap();
    db.apply_pull(
        &pull(
            2,
            FieldData {
                findings: vec![other],
                ..Default::default()
            },
        ),
        Utc::now(),
    )
    .await
    .unwrap();
    let mine = db
        .findings()
        .await
        .unwrap()
        .into_iter()
        .find(|f| f.id == finding_id)
        .unwrap();
    assert_eq!(mine.state, FindingState::Assigned);
    assert_eq!(mine.history.len(), 2, "{:?}", mine.history);
    assert_eq!(db.outbox().await.unwrap().len(), 2);
}
