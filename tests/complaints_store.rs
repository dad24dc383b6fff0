//! Complaints in a real browser's IndexedDB: a complaint taken on a phone (offline: nothing but
//! the device) is applied at once with the model's rules, kept with its fix task and its outbox
//! entry, and survives a pull that does not carry it yet and a reopened database; the supervisor's
//! usual confirm makes its call-back due; a visit's call-back with the customer's signature is
//! applied at once too, and a dissatisfied one reopens the complaint and its task. Pulled
//! complaints and the office's calendar are stored; refusals write nothing.
#![cfg(target_arch = "wasm32")]

use chrono::{Duration, NaiveDate, Utc};
use fieldbook::db::{Db, DbError, PhotoBlob, PhotoRecord};
use fieldbook_model::cleaning::{Area, AreaKind, PhotoRef};
use fieldbook_model::complaints::{
    CallBackMethod, CallBackSubject, Complaint, ComplaintState, NewCallBack, NewComplaint,
    Severity, Staff, WorkCalendar,
};
use fieldbook_model::findings::{Actor, Assignee, FindingSource, FindingState};
use fieldbook_model::sync::{FieldData, FieldReference};
use fieldbook_model::{OpKind, Operation, Role, SyncResponse, UserProfile};
use uuid::Uuid;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn person(username: &str, role: Role) -> UserProfile {
    UserProfile {
        username: username.into(),
        display_name: username.into(),
        role,
        team: Some("team-a".into()),
    }
}

fn photo(owner: Uuid, slot: &str, user: &str) -> (PhotoRef, PhotoBlob) {
    let id = Uuid::new_v4();
    let array = js_sys::Uint8Array::from(&[0x89u8, 0x50, 0x4e, 0x47][..]);
    let blob = web_sys::Blob::new_with_u8_array_sequence(&js_sys::Array::of1(&array)).unwrap();
    let r = PhotoRef {
        photo_id: id,
        slot: slot.into(),
        sha256: "ab".repeat(32),
        bytes: 4,
        width: 10,
        height: 10,
        content_type: "image/png".into(),
    };
    (
        r.clone(),
        PhotoBlob {
            record: PhotoRecord {
                id,
                work_order_id: owner,
                user: user.into(),
                sha256: r.sha256,
                bytes: 4,
                content_type: "image/png".into(),
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

fn op(user: &str, kind: OpKind) -> Operation {
    Operation {
        id: Uuid::new_v4(),
        user: user.into(),
        device_id: Uuid::new_v4(),
        device_time: Utc::now(),
        kind,
    }
}

/// A calendar where every day of the next weeks is off but one: the deadline shows it was used.
fn calendar() -> WorkCalendar {
    let today = Utc::now().date_naive();
    let days: Vec<NaiveDate> = (0..30).map(|n| today + Duration::days(n)).collect();
    WorkCalendar {
        holidays: days
            .iter()
            .copied()
            .filter(|d| {
                use chrono::Datelike;
                !matches!(d.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun)
            })
            .collect(),
        make_up_days: vec![],
    }
}

/// `who`'s device after its first pull: one area of team-a, the office's calendar.
async fn signed_in(name: &str, who: &UserProfile) -> (Db, Uuid) {
    let db = Db::open(name).await.unwrap();
    db.signed_in_as(who).await.unwrap();
    let area = Uuid::new_v4();
    let reference = FieldReference {
        areas: vec![Area {
            id: area,
            team: "team-a".into(),
            name: "3号楼大堂".into(),
            kind: AreaKind::Exterior,
            cleaner: Some("cleaner1".into()),
            patrol: true,
            position: 0,
        }],
        items: vec![],
        units: vec![],
        people: vec![
            person("cleaner1", Role::Cleaner),
            person("supervisor1", Role::Supervisor),
        ],
        calendar: calendar(),
    };
    let field = FieldData {
        reference: Some(reference),
        ..Default::default()
    };
    db.apply_pull(&pull(1, field), Utc::now()).await.unwrap();
    (db, area)
}

fn new_complaint(area: Option<Uuid>, place: &str, photos: Vec<PhotoRef>) -> NewComplaint {
    NewComplaint {
        id: Uuid::new_v4(),
        finding_id: Uuid::new_v4(),
        team: "team-a".into(),
        severity: Severity::Major,
        customer: "王女士".into(),
        contact_phone: "138 0000 0000".into(),
        area_id: area,
        place: place.into(),
        what: "大堂地面三天没拖".into(),
        photos,
        work_order_id: None,
        assignee: None,
    }
}

#[wasm_bindgen_test]
async fn a_complaint_taken_offline_is_applied_at_once_and_kept() {
    let name = format!("fieldbook-test-{}", Uuid::new_v4());
    let cleaner = person("cleaner1", Role::Cleaner);
    let (db, area) = signed_in(&name, &cleaner).await;
    let new = new_complaint(Some(area), "3号楼大堂", vec![]);

    // A field the model refuses (a phone number of letters): nothing is written.
    let mut wrong = new.clone();
    wrong.contact_phone = "call me".into();
    let refused = db
        .record_field(
            vec![op(
                "cleaner1",
                OpKind::TakeComplaint {
                    complaint: wrong.clone(),
                },
            )],
            vec![],
        )
        .await;
    assert!(matches!(refused, Err(DbError::Refused(_))), "{refused:?}");
    // Another team's complaint: a cleaner takes only their own team's.
    let mut other = new.clone();
    other.team = "team-b".into();
    let refused = db
        .record_field(
            vec![op("cleaner1", OpKind::TakeComplaint { complaint: other })],
            vec![],
        )
        .await;
    assert!(matches!(refused, Err(DbError::Refused(_))));
    // Giving the task at once is the supervisor's.
    let mut given = new.clone();
    given.assignee = Some(Assignee::Person {
        username: "cleaner1".into(),
    });
    assert!(matches!(
        db.record_field(
            vec![op("cleaner1", OpKind::TakeComplaint { complaint: given })],
            vec![]
        )
        .await,
        Err(DbError::Refused(_))
    ));
    assert!(db.complaints().await.unwrap().is_empty());
    assert!(db.findings().await.unwrap().is_empty());
    assert!(db.outbox().await.unwrap().is_empty());

    let (r, blob) = photo(new.id, "before", "cleaner1");
    let mut new = new;
    new.photos = vec![r.clone()];
    db.record_field(
        vec![op(
            "cleaner1",
            OpKind::TakeComplaint {
                complaint: new.clone(),
            },
        )],
        vec![blob],
    )
    .await
    .unwrap();
    let complaints = db.complaints().await.unwrap();
    assert_eq!(complaints.len(), 1);
    let c = &complaints[0];
    assert_eq!(c.taken_by, "cleaner1");
    assert_eq!(c.state, ComplaintState::Fixing);
    // The office's calendar counted: every weekday of the next 30 days is a holiday, so the
    // first working day after today is a month away.
    assert!(c.fix_due > Utc::now() + Duration::days(28), "{}", c.fix_due);
    let task = db.finding(new.finding_id).await.unwrap().unwrap();
    assert_eq!(
        task.source,
        FindingSource::Complaint {
            complaint_id: new.id
        }
    );
    assert_eq!(task.state, FindingState::Open);
    assert_eq!(db.outbox().await.unwrap().len(), 1);
    assert!(db.photo(r.photo_id).await.unwrap().is_some());

    // The same complaint again (a double tap that got through): refused, nothing twice.
    assert!(matches!(
        db.record_field(
            vec![op(
                "cleaner1",
                OpKind::TakeComplaint {
                    complaint: new.clone()
                }
            )],
            vec![]
        )
        .await,
        Err(DbError::Refused(_))
    ));
    assert_eq!(db.outbox().await.unwrap().len(), 1);

    // A pull without it (the server has not seen it yet) keeps it; so does reopening the app.
    db.apply_pull(&pull(2, FieldData::default()), Utc::now())
        .await
        .unwrap();
    drop(db);
    let db = Db::open(&name).await.unwrap();
    assert_eq!(db.complaints().await.unwrap().len(), 1);
    assert!(db.complaint(new.id).await.unwrap().is_some());
    assert_eq!(db.outbox().await.unwrap().len(), 1);
}

/// A complaint as the server has it, with its task fixed by the cleaner (from a pull).
fn fixed_complaint(area: Uuid) -> (Complaint, fieldbook_model::findings::Finding) {
    let desk = Staff {
        username: "dispatcher1".into(),
        role: Role::Dispatcher,
        home: None,
    };
    let taken_at = Utc::now() - Duration::hours(5);
    let mut new = new_complaint(Some(area), "3号楼大堂", vec![]);
    new.assignee = Some(Assignee::Person {
        username: "cleaner1".into(),
    });
    let (c, mut task) = Complaint::take(&new, &desk, taken_at, &WorkCalendar::default()).unwrap();
    let cleaner = Actor {
        username: "cleaner1".into(),
        role: Role::Cleaner,
        team: Some("team-a".into()),
    };
    let (after, _) = photo(task.id, "after", "cleaner1");
    task.close(
        &cleaner,
        "已拖地",
        vec![after],
        Utc::now() - Duration::hours(2),
    )
    .unwrap();
    (c, task)
}

#[wasm_bindgen_test]
async fn confirming_the_task_makes_the_call_back_due_and_a_dissatisfied_visit_reopens_it() {
    let name = format!("fieldbook-test-{}", Uuid::new_v4());
    let supervisor = person("supervisor1", Role::Supervisor);
    let (db, area) = signed_in(&name, &supervisor).await;
    let (c, task) = fixed_complaint(area);
    db.apply_pull(
        &pull(
            2,
            FieldData {
                findings: vec![task.clone()],
                complaints: vec![c.clone()],
                ..Default::default()
            },
        ),
        Utc::now(),
    )
    .await
    .unwrap();
    assert_eq!(db.complaints().await.unwrap().len(), 1);

    let visit = |satisfied: bool, words: &str, signature: Option<PhotoRef>| NewCallBack {
        id: Uuid::new_v4(),
        subject: CallBackSubject::Complaint { complaint_id: c.id },
        method: CallBackMethod::Visit,
        at: Utc::now(),
        answered_by: "王女士".into(),
        satisfied,
        words: words.into(),
        signature,
    };
    let (sig, sig_blob) = photo(c.id, "signature", "supervisor1");
    // Before the fix is confirmed: refused, nothing written.
    let early = db
        .record_field(
            vec![op(
                "supervisor1",
                OpKind::RecordCallBack {
                    call_back: visit(true, "", Some(sig.clone())),
                },
            )],
            vec![],
        )
        .await;
    assert!(matches!(early, Err(DbError::Refused(_))), "{early:?}");
    assert!(db.outbox().await.unwrap().is_empty());

    // The supervisor's usual confirm of the task: the complaint's call-back is due.
    db.record_field(
        vec![op(
            "supervisor1",
            OpKind::ConfirmFinding {
                finding_id: task.id,
            },
        )],
        vec![],
    )
    .await
    .unwrap();
    let confirmed = db.complaint(c.id).await.unwrap().unwrap();
    assert_eq!(confirmed.state, ComplaintState::CallBackDue);
    let due = confirmed.call_back_due.unwrap();
    assert!(due > Utc::now() + Duration::days(6) && due < Utc::now() + Duration::days(8));

    // A visit without a signature, or not satisfied without the customer's words: refused.
    for wrong in [visit(true, "", None), visit(false, "  ", Some(sig.clone()))] {
        assert!(matches!(
            db.record_field(
                vec![op(
                    "supervisor1",
                    OpKind::RecordCallBack { call_back: wrong }
                )],
                vec![]
            )
            .await,
            Err(DbError::Refused(_))
        ));
    }
    assert_eq!(db.outbox().await.unwrap().len(), 1);

    // Not satisfied, signed: the complaint is reopened and its task goes back to the cleaner.
    db.record_field(
        vec![op(
            "supervisor1",
            OpKind::RecordCallBack {
                call_back: visit(false, "还是有水渍", Some(sig.clone())),
            },
        )],
        vec![sig_blob],
    )
    .await
    .unwrap();
    let reopened = db.complaint(c.id).await.unwrap().unwrap();
    assert_eq!(reopened.state, ComplaintState::Fixing);
    assert_eq!(reopened.call_backs.len(), 1);
    assert_eq!(reopened.call_backs[0].signature.as_ref(), Some(&sig));
    let task = db.finding(task.id).await.unwrap().unwrap();
    assert_eq!(task.state, FindingState::Assigned);
    assert_eq!(task.due, Some(reopened.fix_due));
    assert!(db.photo(sig.photo_id).await.unwrap().is_some());
    assert_eq!(db.outbox().await.unwrap().len(), 2);

    // A pull bringing the server's complaint as it was (it has not seen the call-back yet): the
    // unsent call-back is applied again on top, so the screen keeps showing it.
    db.apply_pull(
        &pull(
            3,
            FieldData {
                complaints: vec![confirmed.clone()],
                ..Default::default()
            },
        ),
        Utc::now(),
    )
    .await
    .unwrap();
    let shown = db.complaint(c.id).await.unwrap().unwrap();
    assert_eq!(shown.state, ComplaintState::Fixing);
    assert_eq!(shown.call_backs.len(), 1);
}

#[wasm_bindgen_test]
async fn a_cleaner_outside_the_team_cannot_call_back_and_a_phone_call_back_is_refused() {
    let name = format!("fieldbook-test-{}", Uuid::new_v4());
    let outsider = UserProfile {
        team: Some("team-b".into()),
        ..person("cleaner9", Role::Cleaner)
    };
    let (db, area) = signed_in(&name, &outsider).await;
    let (mut c, _) = fixed_complaint(area);
    c.fix_confirmed("supervisor1", Utc::now() - Duration::hours(1));
    db.apply_pull(
        &pull(
            2,
            FieldData {
                complaints: vec![c.clone()],
                ..Default::default()
            },
        ),
        Utc::now(),
    )
    .await
    .unwrap();
    let (sig, _) = photo(c.id, "signature", "cleaner9");
    let call_back = |method, signature| NewCallBack {
        id: Uuid::new_v4(),
        subject: CallBackSubject::Complaint { complaint_id: c.id },
        method,
        at: Utc::now(),
        answered_by: "王女士".into(),
        satisfied: true,
        words: String::new(),
        signature,
    };
    for cb in [
        call_back(CallBackMethod::Visit, Some(sig.clone())),
        call_back(CallBackMethod::Phone, None),
    ] {
        assert!(matches!(
            db.record_field(
                vec![op("cleaner9", OpKind::RecordCallBack { call_back: cb })],
                vec![]
            )
            .await,
            Err(DbError::Refused(_))
        ));
    }
    assert_eq!(
        db.complaint(c.id).await.unwrap().unwrap().state,
        ComplaintState::CallBackDue
    );
    assert!(db.outbox().await.unwrap().is_empty());
    // The calendar of the pull is on the device for the deadlines.
    assert_eq!(db.field_reference().await.unwrap().calendar, calendar());
}
