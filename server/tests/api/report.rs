//! Photo metadata and the service report through `POST /api/ops`: stored for real, by the
//! model's rules, exactly once.

use fieldbook_model::photo::sanitize_part;
use fieldbook_model::report::Missing;
use fieldbook_model::{Outcome, RejectCode, ServiceType, StatusNode, WorkOrder};
use reqwest::Client;
use serde_json::Value;

use crate::field::{Photo, correct_hours, save_report, sign, submit, walk_to_left};
use crate::harness::{TestServer, my_orders, set_status};

fn codes(results: &fieldbook_model::OpsResponse) -> Vec<(Outcome, Option<RejectCode>)> {
    results
        .results
        .iter()
        .map(|r| (r.outcome, r.code))
        .collect()
}

pub async fn order_of(server: &TestServer, client: &Client, service: ServiceType) -> WorkOrder {
    my_orders(server, client)
        .await
        .into_iter()
        .find(|wo| wo.service_type == service)
        .unwrap()
}

/// Everything a periodic-maintenance report needs except the photos in `skip`.
fn complete_report(wo: &WorkOrder, skip: &[&str]) -> (Vec<Value>, Vec<(Photo, String)>) {
    let mut ops = walk_to_left("engineer1", wo.id);
    let mut photos = Vec::new();
    for (i, slot) in wo.slots.iter().filter(|s| s.required).enumerate() {
        if skip.contains(&slot.key.as_str()) {
            continue;
        }
        let photo = Photo::jpeg(i as u8);
        ops.push(photo.add("engineer1", wo.id, &slot.key));
        photos.push((photo, slot.key.clone()));
    }
    ops.push(save_report("engineer1", wo.id));
    let signature = Photo::signature_png();
    ops.push(signature.add("engineer1", wo.id, "signature"));
    ops.push(sign("engineer1", wo.id, signature.id));
    photos.push((signature, "signature".into()));
    (ops, photos)
}

#[tokio::test]
async fn every_order_carries_the_slots_of_its_service_type() {
    let server = TestServer::with_demo().await;
    let e1 = server.signed_in("engineer1").await;
    let pm = order_of(&server, &e1, ServiceType::PeriodicMaintenance).await;
    let keys: Vec<&str> = pm.slots.iter().map(|s| s.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "hour_meter",
            "nameplate",
            "engine_oil",
            "oil_filter",
            "fuel_filter",
            "air_filter",
            "hydraulic_oil",
            "before",
            "after"
        ]
    );
    assert!(pm.slots.iter().all(|s| s.required));
    assert_eq!(pm.slots[0].label_zh, "小时表");
    let arrival = order_of(&server, &e1, ServiceType::ArrivalInspection).await;
    assert!(
        arrival
            .slots
            .iter()
            .any(|s| s.key == "certificate" && s.required && s.label_zh == "合格证")
    );
    // The work-order read carries the same.
    assert_eq!(server.work_order(&e1, pm.id).await.slots, pm.slots);

    // Every service type is configured, with keys fit for file names.
    let pool = server.database().await;
    for service in ServiceType::ALL {
        let slots: Vec<(String, i64)> =
            sqlx::query_as("SELECT key, CASE WHEN required THEN 1 ELSE 0 END FROM photo_slots WHERE service_type = $1")
                .bind(service.as_str())
                .fetch_all(&pool)
                .await
                .unwrap();
        assert!(!slots.is_empty(), "{service:?}");
        for (key, _) in &slots {
            assert!(key.is_ascii() && sanitize_part(key) == *key, "{key}");
        }
        if service != ServiceType::CustomerVisit {
            assert!(
                slots.iter().any(|(_, required)| *required != 0),
                "{service:?}"
            );
        }
    }
}

#[tokio::test]
async fn a_complete_report_is_submitted_and_stored() {
    let server = TestServer::with_demo().await;
    let e1 = server.signed_in("engineer1").await;
    let wo = order_of(&server, &e1, ServiceType::PeriodicMaintenance).await;
    let (mut ops, photos) = complete_report(&wo, &[]);
    ops.insert(0, correct_hours("engineer1", wo.id, 2004));
    ops.push(submit("engineer1", wo.id));
    let response = server.push(&e1, &ops).await;
    assert!(
        response
            .results
            .iter()
            .all(|r| r.outcome == Outcome::Applied),
        "{:?}",
        codes(&response)
    );

    let stored = server.work_order(&e1, wo.id).await;
    assert_eq!(stored.status, StatusNode::RepairedLeft);
    assert_eq!(stored.engine_hours, 2004);
    assert_eq!(stored.photos.len(), photos.len());
    for (meta, (photo, slot)) in stored.photos.iter().zip(&photos) {
        assert_eq!((meta.id, &meta.slot), (photo.id, slot));
        assert_eq!(meta.sha256, photo.sha256());
        assert!(!meta.uploaded && meta.uploaded_at.is_none());
        assert_eq!(
            meta.taken_at.unwrap().to_rfc3339(),
            "2026-11-27T08:30:00+00:00"
        );
    }
    let signature = stored.photos.last().unwrap();
    assert!(
        signature.name.ends_with("-signature.png"),
        "{}",
        signature.name
    );
    assert_eq!(
        stored.photos[0].name,
        format!(
            "{}-SY215C-SY215CAC6218K0931-2004h-20261127-hour_meter.jpg",
            wo.ticket
        ),
        "the corrected hours and the China date, from the server's record"
    );
    let report = &stored.report;
    assert!(report.submitted_at.is_some());
    assert_eq!(report.fault_cause, "到期保养");
    assert_eq!(report.parts.len(), 2);
    assert_eq!(
        report.parts[0].return_tag.as_deref(),
        Some(format!("{}-R1", wo.ticket).as_str())
    );
    assert_eq!(report.signature.as_ref().unwrap().signer, "王经理");
    assert!(stored.report_missing().is_empty());

    // The phone's next sync sees the same.
    let synced = my_orders(&server, &e1).await;
    assert_eq!(synced.iter().find(|o| o.id == wo.id), Some(&stored));

    // Submitted is final: any edit, photo or status, is refused and changes nothing.
    let late = vec![
        save_report("engineer1", wo.id),
        Photo::jpeg(99).add("engineer1", wo.id, "extra"),
        correct_hours("engineer1", wo.id, 3000),
        submit("engineer1", wo.id),
    ];
    let response = server.push(&e1, &late).await;
    assert_eq!(
        codes(&response),
        vec![(Outcome::Rejected, Some(RejectCode::ReportSubmitted)); 4]
    );
    assert_eq!(server.work_order(&e1, wo.id).await, stored);
}

#[tokio::test]
async fn a_missing_required_photo_blocks_the_submission() {
    let server = TestServer::with_demo().await;
    let e1 = server.signed_in("engineer1").await;
    let wo = order_of(&server, &e1, ServiceType::PeriodicMaintenance).await;
    let (ops, _) = complete_report(&wo, &["oil_filter"]);
    let response = server.push(&e1, &ops).await;
    assert!(
        response
            .results
            .iter()
            .all(|r| r.outcome == Outcome::Applied)
    );
    let before = server.work_order(&e1, wo.id).await;
    let cursor = server.sync(&e1, 0).await.cursor;
    assert_eq!(
        before.report_missing(),
        vec![Missing::Photo {
            slot: "oil_filter".into()
        }]
    );

    let response = server.push(&e1, &[submit("engineer1", wo.id)]).await;
    assert_eq!(
        codes(&response),
        vec![(Outcome::Rejected, Some(RejectCode::ReportIncomplete))]
    );
    assert_eq!(
        server.work_order(&e1, wo.id).await,
        before,
        "nothing changed"
    );
    server.assert_no_change_numbered(cursor, server.sync(&e1, 0).await.cursor);

    let fix = Photo::jpeg(42).add("engineer1", wo.id, "oil_filter");
    let response = server.push(&e1, &[fix, submit("engineer1", wo.id)]).await;
    assert_eq!(codes(&response), vec![(Outcome::Applied, None); 2]);
}

#[tokio::test]
async fn photo_metadata_is_checked_and_named_from_the_servers_record() {
    let server = TestServer::with_demo().await;
    let e1 = server.signed_in("engineer1").await;
    let orders = my_orders(&server, &e1).await;
    let wo = &orders[0];
    let photo = Photo::jpeg(1);
    let mut hostile = Vec::new();
    for slot in ["../x", "..\\x", "nameplate/../../etc", "", "no_such_slot"] {
        hostile.push(Photo::jpeg(2).add("engineer1", wo.id, slot));
    }
    let mut png_as_gif = Photo::signature_png().add("engineer1", wo.id, "signature");
    png_as_gif["kind"]["content_type"] = "image/gif".into();
    hostile.push(png_as_gif);
    let mut bad_sha = photo.add("engineer1", wo.id, "nameplate");
    bad_sha["kind"]["sha256"] = "../../etc/passwd".into();
    hostile.push(bad_sha);
    let response = server.push(&e1, &hostile).await;
    assert_eq!(
        codes(&response),
        vec![(Outcome::Rejected, Some(RejectCode::InvalidPhoto)); hostile.len()]
    );

    // The client cannot choose the name: extra fields are ignored, the rule makes it.
    let mut named = photo.add("engineer1", wo.id, "nameplate");
    named["kind"]["name"] = "../../../etc/cron.d/x".into();
    let response = server.push(&e1, &[named.clone()]).await;
    assert_eq!(codes(&response), vec![(Outcome::Applied, None)]);
    let stored = server.work_order(&e1, wo.id).await;
    assert_eq!(stored.photos.len(), 1);
    assert_eq!(
        stored.photos[0].name,
        format!(
            "{}-EC210D-VCEC210DC00312457-3520h-20261127-nameplate.jpg",
            wo.ticket
        )
    );
    // Resent: a duplicate, not a second photo.
    let response = server.push(&e1, &[named]).await;
    assert_eq!(codes(&response), vec![(Outcome::Duplicate, None)]);
    // The same photo id again under a new operation, here or on another order: refused.
    let again = photo.add("engineer1", wo.id, "hour_meter");
    let elsewhere = photo.add("engineer1", orders[1].id, "nameplate");
    let response = server.push(&e1, &[again, elsewhere]).await;
    assert_eq!(
        codes(&response),
        vec![(Outcome::Rejected, Some(RejectCode::InvalidPhoto)); 2]
    );
    assert_eq!(server.work_order(&e1, wo.id).await.photos.len(), 1);
    assert!(server.work_order(&e1, orders[1].id).await.photos.is_empty());

    // A second photo in a slot gets -2.
    let response = server
        .push(&e1, &[Photo::jpeg(3).add("engineer1", wo.id, "nameplate")])
        .await;
    assert_eq!(codes(&response), vec![(Outcome::Applied, None)]);
    let stored = server.work_order(&e1, wo.id).await;
    assert!(stored.photos[1].name.ends_with("-nameplate-2.jpg"));
}

#[tokio::test]
async fn only_the_assignee_records_photos_and_reports() {
    let server = TestServer::with_demo().await;
    let e1 = server.signed_in("engineer1").await;
    let e2 = server.signed_in("engineer2").await;
    let wo = my_orders(&server, &e1).await.remove(0);
    let ops = vec![
        Photo::jpeg(1).add("engineer2", wo.id, "nameplate"),
        save_report("engineer2", wo.id),
        correct_hours("engineer2", wo.id, 1),
        submit("engineer2", wo.id),
        set_status("engineer2", wo.id, "departed"),
    ];
    let response = server.push(&e2, &ops).await;
    assert_eq!(
        codes(&response),
        vec![(Outcome::Rejected, Some(RejectCode::NotAssigned)); 5]
    );
    assert_eq!(server.work_order(&e1, wo.id).await, wo);
}
