//! The device store and outbox, in a real browser's IndexedDB (headless Chromium).
#![cfg(target_arch = "wasm32")]

use chrono::{TimeZone, Utc};
use fieldbook::db::{Db, DbError, EntryState, SignOut};
use fieldbook_model::{
    OpKind, OpResult, Operation, RejectCode, ServiceType, StatusNode, SyncResponse, WorkOrder,
};
use uuid::Uuid;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn order(ticket: &str) -> WorkOrder {
    WorkOrder {
        id: Uuid::new_v4(),
        ticket: ticket.into(),
        customer: "中铁十四局".into(),
        site: "济南东站三期".into(),
        equipment_model: "EC210D".into(),
        serial: "VCEC210DT00012345".into(),
        engine_hours: 3520,
        working_condition: "土方".into(),
        fault_description: "液压油温高".into(),
        service_type: ServiceType::FaultRepair,
        machine_down: false,
        called_at: Utc.with_ymd_and_hms(2026, 11, 27, 8, 0, 0).unwrap(),
        planned_at: Utc.with_ymd_and_hms(2026, 11, 27, 14, 0, 0).unwrap(),
        assignee: "engineer1".into(),
        assignee_name: String::new(),
        status: StatusNode::Dispatched,
        history: vec![],
        seq: 1,
        slots: vec![],
        photos: vec![],
        report: Default::default(),
        contact_name: String::new(),
        contact_phone: String::new(),
        companions: Vec::new(),
        station: None,
        repeat_of: None,
        first_response: None,
        departure: None,
        reviews: Vec::new(),
        closure: None,
        naming: Default::default(),
        unrepaired_reason: None,
        call_backs: Vec::new(),
        claim_expected: false,
    }
}

fn op(order: &WorkOrder, node: StatusNode) -> Operation {
    Operation {
        id: Uuid::new_v4(),
        user: "engineer1".into(),
        device_id: Uuid::new_v4(),
        device_time: Utc::now(),
        kind: OpKind::SetStatus {
            work_order_id: order.id,
            node,
        },
    }
}

fn pull(cursor: i64, orders: Vec<WorkOrder>) -> SyncResponse {
    SyncResponse {
        cursor,
        server_time: Utc::now(),
        work_orders: orders,
        removed: vec![],
        more: false,
        field: Default::default(),
    }
}

/// A fresh database per test, so tests do not see each other's data.
async fn fresh() -> (Db, String) {
    let name = format!("fieldbook-test-{}", Uuid::new_v4());
    (Db::open(&name).await.expect("open"), name)
}

#[wasm_bindgen_test]
async fn a_tap_writes_the_order_and_its_outbox_entry_together() {
    let (db, _) = fresh().await;
    let wo = order("BX-1");
    db.apply_pull(&pull(3, vec![wo.clone()]), Utc::now())
        .await
        .unwrap();
    assert_eq!(db.cursor().await.unwrap(), 3);

    let departed = op(&wo, StatusNode::Departed);
    let stored = db.record(departed.clone()).await.unwrap();
    assert_eq!(stored.status, StatusNode::Departed);

    let read = db.work_order(wo.id).await.unwrap().unwrap();
    assert_eq!(read.status, StatusNode::Departed);
    assert_eq!(read.history[0].op_id, departed.id);
    let outbox = db.outbox().await.unwrap();
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].op, departed);
    assert_eq!(outbox[0].state, EntryState::Queued);
    assert!(outbox[0].seq.is_some());
}

#[wasm_bindgen_test]
async fn a_refused_step_writes_nothing() {
    let (db, _) = fresh().await;
    let wo = order("BX-2");
    db.apply_pull(&pull(1, vec![wo.clone()]), Utc::now())
        .await
        .unwrap();
    let skip = op(&wo, StatusNode::RepairedLeft);
    assert!(matches!(db.record(skip).await, Err(DbError::Refused(_))));
    assert_eq!(
        db.work_order(wo.id).await.unwrap().unwrap().status,
        StatusNode::Dispatched
    );
    assert!(db.outbox().await.unwrap().is_empty());

    let unknown = op(&order("BX-404"), StatusNode::Departed);
    assert!(matches!(
        db.record(unknown).await,
        Err(DbError::UnknownWorkOrder(_))
    ));
    assert!(db.outbox().await.unwrap().is_empty());
}

#[wasm_bindgen_test]
async fn the_outbox_keeps_the_order_people_acted_in() {
    let (db, _) = fresh().await;
    let a = order("BX-A");
    let b = order("BX-B");
    db.apply_pull(&pull(1, vec![a.clone(), b.clone()]), Utc::now())
        .await
        .unwrap();
    let ops = vec![
        op(&a, StatusNode::Departed),
        op(&b, StatusNode::ResolvedByPhone),
        op(&a, StatusNode::Arrived),
        op(&a, StatusNode::RepairedLeft),
    ];
    for o in &ops {
        db.record(o.clone()).await.unwrap();
    }
    let batch = db.next_batch(3).await.unwrap();
    let ids: Vec<Uuid> = batch.iter().map(|e| e.op.id).collect();
    assert_eq!(ids, ops[..3].iter().map(|o| o.id).collect::<Vec<_>>());
}

#[wasm_bindgen_test]
async fn the_servers_answers_settle_the_outbox() {
    let (db, _) = fresh().await;
    let a = order("BX-3");
    let b = order("BX-4");
    db.apply_pull(&pull(1, vec![a.clone(), b.clone()]), Utc::now())
        .await
        .unwrap();
    let sent = op(&a, StatusNode::Departed);
    let refused = op(&b, StatusNode::Departed);
    let unanswered = op(&a, StatusNode::Arrived);
    for o in [&sent, &refused, &unanswered] {
        db.record(o.clone()).await.unwrap();
    }
    let batch = db.next_batch(10).await.unwrap();
    db.mark_tried(&batch, Utc::now()).await.unwrap();
    let results = vec![
        OpResult::applied(sent.id),
        OpResult::rejected(refused.id, RejectCode::NotAssigned),
    ];
    let batch = db.next_batch(10).await.unwrap();
    assert!(batch.iter().all(|e| e.tries == 1));
    db.settle(&batch, &results).await.unwrap();

    let left = db.outbox().await.unwrap();
    assert_eq!(left.len(), 2, "the applied entry left, the others stayed");
    let rejected = left.iter().find(|e| e.op.id == refused.id).unwrap();
    assert_eq!(rejected.state, EntryState::Rejected);
    assert_eq!(rejected.code, Some(RejectCode::NotAssigned));
    assert!(rejected.reason.is_some());
    let still = left.iter().find(|e| e.op.id == unanswered.id).unwrap();
    assert_eq!(still.state, EntryState::Queued);
    let counts = db.outbox_counts("engineer1").await.unwrap();
    assert_eq!((counts.queued, counts.rejected), (1, 1));
    // A rejected entry is not sent again by itself.
    assert_eq!(db.next_batch(10).await.unwrap().len(), 1);
}

#[wasm_bindgen_test]
async fn a_pull_keeps_taps_that_are_not_sent_yet() {
    let (db, _) = fresh().await;
    let wo = order("BX-5");
    db.apply_pull(&pull(1, vec![wo.clone()]), Utc::now())
        .await
        .unwrap();
    let departed = op(&wo, StatusNode::Departed);
    db.record(departed.clone()).await.unwrap();

    // The server has not seen the tap yet: its copy says dispatched.
    let mut server_copy = wo.clone();
    server_copy.seq = 7;
    server_copy.customer = "中铁十四局集团".into();
    db.apply_pull(&pull(7, vec![server_copy.clone()]), Utc::now())
        .await
        .unwrap();
    let read = db.work_order(wo.id).await.unwrap().unwrap();
    assert_eq!(read.customer, "中铁十四局集团", "the server's fields win");
    assert_eq!(
        read.status,
        StatusNode::Departed,
        "the unsent tap is still there"
    );
    assert_eq!(read.history.len(), 1);

    // The server applied it but the answer was lost: not applied twice.
    departed.apply_to(&mut server_copy).unwrap();
    server_copy.seq = 8;
    db.apply_pull(&pull(8, vec![server_copy]), Utc::now())
        .await
        .unwrap();
    let read = db.work_order(wo.id).await.unwrap().unwrap();
    assert_eq!(read.history.len(), 1);
    assert_eq!(db.cursor().await.unwrap(), 8);
}

#[wasm_bindgen_test]
async fn everything_survives_closing_and_reopening() {
    let (db, name) = fresh().await;
    let wo = order("BX-6");
    db.apply_pull(&pull(2, vec![wo.clone()]), Utc::now())
        .await
        .unwrap();
    db.record(op(&wo, StatusNode::Departed)).await.unwrap();
    let device = db.device_id().await.unwrap();
    drop(db);

    let again = Db::open(&name).await.unwrap();
    assert_eq!(
        again.work_order(wo.id).await.unwrap().unwrap().status,
        StatusNode::Departed
    );
    assert_eq!(again.outbox().await.unwrap().len(), 1);
    assert_eq!(again.cursor().await.unwrap(), 2);
    assert_eq!(
        again.device_id().await.unwrap(),
        device,
        "the device keeps its id"
    );
}

#[wasm_bindgen_test]
async fn sign_out_is_refused_while_anything_is_unsent() {
    let (db, _) = fresh().await;
    let wo = order("BX-7");
    db.apply_pull(&pull(2, vec![wo.clone()]), Utc::now())
        .await
        .unwrap();
    let tap = op(&wo, StatusNode::Departed);
    db.record(tap.clone()).await.unwrap();
    assert_eq!(
        db.sign_out("engineer1", false).await.unwrap(),
        SignOut::Unsent
    );
    assert!(
        db.work_order(wo.id).await.unwrap().is_some(),
        "nothing was cleared"
    );

    let batch = db.next_batch(10).await.unwrap();
    db.settle(&batch, &[OpResult::applied(tap.id)])
        .await
        .unwrap();
    assert_eq!(
        db.sign_out("engineer1", false).await.unwrap(),
        SignOut::Done
    );
    assert!(db.work_orders().await.unwrap().is_empty());
    assert_eq!(db.cursor().await.unwrap(), 0);
}

#[wasm_bindgen_test]
async fn kept_work_waits_for_its_owner_while_someone_else_uses_the_device() {
    let (db, _) = fresh().await;
    let wo = order("BX-8");
    db.apply_pull(&pull(2, vec![wo.clone()]), Utc::now())
        .await
        .unwrap();
    let tap = op(&wo, StatusNode::Departed);
    db.record(tap.clone()).await.unwrap();
    assert!(
        !db.may_sign_in("engineer2").await.unwrap(),
        "someone else's unsent work blocks"
    );
    assert_eq!(db.sign_out("engineer1", true).await.unwrap(), SignOut::Kept);
    assert!(
        db.may_sign_in("engineer2").await.unwrap(),
        "kept for later: the device is free"
    );
    assert_eq!(db.outbox().await.unwrap().len(), 1, "nothing was lost");
    // The other person has nothing unsent: their sign-out leaves the kept work alone.
    assert_eq!(
        db.sign_out("engineer2", false).await.unwrap(),
        SignOut::Done
    );
    assert_eq!(db.outbox().await.unwrap()[0].op, tap);
    assert!(db.work_order(wo.id).await.unwrap().is_some());
}

#[wasm_bindgen_test]
async fn a_supervisor_s_sign_out_leaves_nobody_s_orders_behind() {
    let (db, _) = fresh().await;
    // A supervisor's pull holds every engineer's orders, for the board.
    let mut other = order("BX-9");
    other.assignee = "engineer2".into();
    db.apply_pull(&pull(2, vec![order("BX-10"), other]), Utc::now())
        .await
        .unwrap();
    assert_eq!(
        db.sign_out("supervisor1", false).await.unwrap(),
        SignOut::Done
    );
    assert!(db.work_orders().await.unwrap().is_empty());
}

/// A photo taken on `order` by engineer1: its `AddPhoto` operation and its bytes.
fn photo(order: &WorkOrder) -> (Operation, fieldbook::db::PhotoBlob) {
    let bytes = vec![0xFFu8; 1200];
    let array = js_sys::Uint8Array::from(bytes.as_slice());
    let parts = js_sys::Array::of1(&array);
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).unwrap();
    let id = Uuid::new_v4();
    let sha256 = "ab".repeat(32);
    let op = Operation {
        kind: OpKind::AddPhoto {
            work_order_id: order.id,
            photo_id: id,
            slot: fieldbook_model::photo::EXTRA_SLOT.into(),
            sha256: sha256.clone(),
            bytes: 1200,
            width: 2048,
            height: 1536,
            content_type: "image/jpeg".into(),
        },
        ..op(order, StatusNode::Departed)
    };
    let record = fieldbook::db::PhotoRecord {
        id,
        work_order_id: order.id,
        user: "engineer1".into(),
        sha256,
        bytes: 1200,
        content_type: "image/jpeg".into(),
        uploaded: false,
        tries: 0,
        error: None,
        draft: false,
    };
    (op, fieldbook::db::PhotoBlob { record, blob })
}

#[wasm_bindgen_test]
async fn only_what_the_server_refused_can_be_discarded_and_a_refused_photo_takes_its_bytes() {
    let (db, _) = fresh().await;
    let wo = order("BX-9");
    db.apply_pull(&pull(2, vec![wo.clone()]), Utc::now())
        .await
        .unwrap();
    let tap = op(&wo, StatusNode::Departed);
    db.record(tap.clone()).await.unwrap();
    let (add, bytes) = photo(&wo);
    db.record_all(vec![add.clone()], vec![bytes]).await.unwrap();
    let seq_of = |entries: &[fieldbook::db::OutboxEntry], id| {
        entries
            .iter()
            .find(|e| e.op.id == id)
            .and_then(|e| e.seq)
            .unwrap()
    };
    let entries = db.outbox().await.unwrap();
    for id in [tap.id, add.id] {
        assert!(
            !db.discard_rejected(seq_of(&entries, id)).await.unwrap(),
            "a queued entry is on its way and cannot be discarded"
        );
    }
    assert_eq!(db.outbox().await.unwrap().len(), 2);
    assert_eq!(db.photos(None).await.unwrap().len(), 1);

    let batch = db.next_batch(10).await.unwrap();
    db.settle(
        &batch,
        &[OpResult::rejected(add.id, RejectCode::InvalidPhoto)],
    )
    .await
    .unwrap();
    assert!(db.discard_rejected(seq_of(&entries, add.id)).await.unwrap());
    let left = db.outbox().await.unwrap();
    assert_eq!(left.len(), 1, "only the refused photo's record went");
    assert_eq!(left[0].op.id, tap.id);
    assert_eq!(left[0].state, EntryState::Queued);
    assert!(
        db.photos(None).await.unwrap().is_empty(),
        "the refused photo's bytes went with its record"
    );
    assert!(
        !db.discard_rejected(seq_of(&entries, add.id)).await.unwrap(),
        "a second discard finds nothing"
    );
}

#[wasm_bindgen_test]
async fn photo_bytes_can_be_discarded_only_after_the_server_refused_them() {
    let (db, _) = fresh().await;
    let wo = order("BX-10");
    db.apply_pull(&pull(2, vec![wo.clone()]), Utc::now())
        .await
        .unwrap();
    let (add_a, a) = photo(&wo);
    let (add_b, b) = photo(&wo);
    let (add_c, c) = photo(&wo);
    let (ida, idb, idc) = (a.record.id, b.record.id, c.record.id);
    db.record_all(
        vec![add_a.clone(), add_b.clone(), add_c.clone()],
        vec![a, b, c],
    )
    .await
    .unwrap();
    let batch = db.next_batch(10).await.unwrap();
    db.settle(
        &batch,
        &[
            OpResult::applied(add_a.id),
            OpResult::applied(add_b.id),
            OpResult::applied(add_c.id),
        ],
    )
    .await
    .unwrap();
    assert!(
        !db.discard_refused_photo(ida).await.unwrap(),
        "waiting bytes cannot be discarded"
    );

    // The uploader notes several answers in one transaction; a photo no longer here is skipped.
    db.photos_sent(&[
        (ida, Err("digest_mismatch".into())),
        (idb, Ok(())),
        (Uuid::new_v4(), Ok(())),
    ])
    .await
    .unwrap();
    let photos = db.photos(None).await.unwrap();
    let rec = |id| {
        photos
            .iter()
            .find(|p| p.record.id == id)
            .unwrap()
            .record
            .clone()
    };
    assert_eq!(rec(ida).error.as_deref(), Some("digest_mismatch"));
    assert_eq!((rec(ida).tries, rec(ida).uploaded), (1, false));
    assert_eq!((rec(idb).tries, rec(idb).uploaded), (1, true));
    assert_eq!((rec(idc).tries, rec(idc).uploaded), (0, false));
    let counts = db.outbox_counts("engineer1").await.unwrap();
    assert_eq!((counts.photos, counts.photos_refused), (1, 1));

    assert!(
        !db.discard_refused_photo(idb).await.unwrap(),
        "sent bytes stay"
    );
    assert!(
        !db.discard_refused_photo(idc).await.unwrap(),
        "waiting bytes stay"
    );
    assert!(db.discard_refused_photo(ida).await.unwrap());
    let left: Vec<Uuid> = db
        .photos(None)
        .await
        .unwrap()
        .iter()
        .map(|p| p.record.id)
        .collect();
    assert_eq!(left.len(), 2);
    assert!(left.contains(&idb) && left.contains(&idc));
}

#[wasm_bindgen_test]
async fn thousands_of_orders_are_written_in_chunks_and_read_in_pages_whole_and_in_order() {
    let (db, _) = fresh().await;
    // More than four write chunks and two read pages, in no particular order; one has a queued
    // step that the pull must keep.
    let orders: Vec<WorkOrder> = (0..1203)
        .map(|i| {
            let mut o = order(&format!("BX-{i:04}"));
            o.planned_at += chrono::Duration::minutes((i * 7919 % 1203) as i64);
            o.machine_down = i % 500 == 0;
            o
        })
        .collect();
    let queued = orders[777].clone();
    db.apply_pull(&pull(1, vec![queued.clone()]), Utc::now())
        .await
        .unwrap();
    db.record(op(&queued, StatusNode::Departed)).await.unwrap();
    db.apply_pull(&pull(2, orders.clone()), Utc::now())
        .await
        .unwrap();

    let read = db.work_orders().await.unwrap();
    assert_eq!(read.len(), orders.len());
    let ids: std::collections::HashSet<Uuid> = read.iter().map(|o| o.id).collect();
    assert_eq!(ids.len(), orders.len(), "each order once");
    // Machines down first, then most urgent first (the model's list key).
    assert!(read[..3].iter().all(|o| o.machine_down));
    assert!(!read[3].machine_down);
    assert!(read.windows(2).all(|w| w[0].list_key() <= w[1].list_key()));
    let kept = read.iter().find(|o| o.id == queued.id).unwrap();
    assert_eq!(
        kept.status,
        StatusNode::Departed,
        "the queued step stays applied"
    );
    let ticket = |o: &WorkOrder| o.ticket.clone();
    let mut expected: Vec<String> = orders.iter().map(ticket).collect();
    let mut got: Vec<String> = read.iter().map(ticket).collect();
    expected.sort();
    got.sort();
    assert_eq!(got, expected);
}
