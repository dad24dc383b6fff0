//! The order page and the office's desk (issue 14), mounted in a real browser with a real device
//! store: departing with an expected arrival and companions, a send-back to answer, a closed order.
#![cfg(target_arch = "wasm32")]

use chrono::{Duration, Utc};
use fieldbook::db::Db;
use fieldbook::db::provide_db;
use fieldbook::i18n::Lang;
use fieldbook::pages::work_order::{WorkOrderPage, input_value};
use fieldbook::session::Session;
use fieldbook::sync::SyncState;
use fieldbook_model::desk::{Person, ReviewDecision, ReviewItem, SendBackItem};
use fieldbook_model::photo::{PhotoMeta, PhotoSlot};
use fieldbook_model::{
    OpKind, Role, ServiceType, Signature, StatusEvent, StatusNode, SyncResponse, UserProfile,
    WorkOrder,
};
use gloo::timers::future::TimeoutFuture;
use leptos::prelude::*;
use uuid::Uuid;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn engineer() -> UserProfile {
    UserProfile {
        username: "engineer1".into(),
        display_name: "张伟".into(),
        role: Role::Engineer,
        team: Some("jinan".into()),
    }
}

fn order() -> WorkOrder {
    let now = Utc::now();
    WorkOrder {
        id: Uuid::new_v4(),
        ticket: "BX-20261207-001".into(),
        customer: "中铁十四局".into(),
        site: "济南东站三期".into(),
        equipment_model: "EC210D".into(),
        serial: "VCEC210DT00012345".into(),
        engine_hours: 3520,
        working_condition: "土方".into(),
        fault_description: "液压油温高".into(),
        service_type: ServiceType::FaultRepair,
        machine_down: true,
        called_at: now - Duration::hours(2),
        planned_at: now + Duration::hours(1),
        assignee: "engineer1".into(),
        assignee_name: "张伟".into(),
        status: StatusNode::Dispatched,
        history: vec![],
        seq: 1,
        slots: vec![PhotoSlot {
            key: "nameplate".into(),
            label_zh: "铭牌".into(),
            label_en: "Nameplate".into(),
            required: true,
        }],
        photos: vec![],
        report: Default::default(),
        contact_name: "王工".into(),
        contact_phone: "138 0013-8000".into(),
        companions: vec![Person {
            username: "engineer2".into(),
            name: "李强".into(),
        }],
        station: Some("jinan".into()),
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

fn office() -> Person {
    Person {
        username: "dispatcher1".into(),
        name: "陈静".into(),
    }
}

/// An order worked through to "repaired and left", its report complete and submitted once, then
/// sent back by the office: the nameplate photo and the fault cause.
fn sent_back() -> (WorkOrder, Uuid) {
    let mut wo = order();
    let at = Utc::now() - Duration::hours(1);
    for node in [
        StatusNode::Departed,
        StatusNode::Arrived,
        StatusNode::RepairedLeft,
    ] {
        wo.apply_status(StatusEvent {
            node,
            at,
            by: "engineer1".into(),
            op_id: Uuid::new_v4(),
        })
        .unwrap();
    }
    let photo = Uuid::new_v4();
    wo.photos.push(PhotoMeta {
        id: photo,
        slot: "nameplate".into(),
        n: 1,
        name: "BX-20261207-001-EC210D-VCEC210DT00012345-3520h-20261207-nameplate-1.jpg".into(),
        sha256: "0".repeat(64),
        bytes: 1000,
        width: 800,
        height: 600,
        content_type: "image/jpeg".into(),
        taken_at: Some(at),
        uploaded: true,
        uploaded_at: Some(at),
        withdrawn_at: None,
        withdrawn_by: None,
    });
    wo.report.fault_cause = "油冷器堵".into();
    wo.report.work_done = "清洗油冷器".into();
    wo.report.signature = Some(Signature {
        photo_id: Uuid::new_v4(),
        signer: "王工".into(),
        at,
    });
    wo.report.submitted_at = Some(at);
    wo.review(
        ReviewDecision::SendBack {
            items: vec![
                SendBackItem {
                    item: ReviewItem::Photo { photo_id: photo },
                    reason: "铭牌看不清".into(),
                },
                SendBackItem {
                    item: ReviewItem::FaultCause,
                    reason: "故障原因写得太简单".into(),
                },
            ],
        },
        office(),
        Utc::now(),
    )
    .unwrap();
    (wo, photo)
}

/// A device on which engineer1 is signed in with `wo` stored, and the order page mounted.
async fn mount(wo: WorkOrder) -> Db {
    let db = Db::open(&format!("fieldbook-test-{}", Uuid::new_v4()))
        .await
        .unwrap();
    db.signed_in_as(&engineer()).await.unwrap();
    let id = wo.id;
    let pull = SyncResponse {
        cursor: 1,
        server_time: Utc::now(),
        work_orders: vec![wo],
        removed: vec![],
        more: false,
        field: Default::default(),
    };
    db.apply_pull(&pull, Utc::now()).await.unwrap();
    let mount_db = db.clone();
    leptos::mount::mount_to_body(move || {
        provide_context(RwSignal::new(Lang::Zh));
        provide_context(Session(RwSignal::new(Some(engineer()))));
        provide_context(SyncState::new());
        provide_db(mount_db.clone());
        view! { <div class="under-test"><WorkOrderPage id=id/></div> }
    });
    settle().await;
    db
}

/// Let the store's transactions finish, effects run and the DOM update.
async fn settle() {
    for _ in 0..10 {
        TimeoutFuture::new(20).await;
    }
}

/// Each test mounts its own page: only the newest one is looked at.
fn all(selector: &str) -> Vec<web_sys::HtmlElement> {
    let pages = gloo::utils::document()
        .query_selector_all(".under-test")
        .unwrap();
    let Some(page) = pages
        .item(pages.length().saturating_sub(1))
        .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
    else {
        return Vec::new();
    };
    let list = page.query_selector_all(selector).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into().ok())
        .collect()
}

/// What a person sees: not inside anything `hidden`.
fn shown(selector: &str) -> Vec<web_sys::HtmlElement> {
    all(selector)
        .into_iter()
        .filter(|e| e.closest("[hidden]").ok().flatten().is_none())
        .collect()
}

fn one(selector: &str) -> web_sys::HtmlElement {
    all(selector)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("{selector} is on the page"))
}

fn text(selector: &str) -> String {
    one(selector).text_content().unwrap_or_default()
}

fn type_into(selector: &str, value: &str) {
    let input: web_sys::HtmlInputElement = one(selector).unchecked_into();
    input.set_value(value);
    input
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
}

#[wasm_bindgen_test]
async fn departing_asks_for_the_arrival_and_the_companions_and_records_one_depart() {
    let db = mount(order()).await;
    // The contact, dialled with one tap.
    assert!(text("[data-testid=contact]").contains("王工"));
    assert_eq!(
        one("[data-testid=contact-phone]")
            .get_attribute("href")
            .as_deref(),
        Some("tel:13800138000")
    );

    one("[data-testid=next-node][data-node=departed]").click();
    settle().await;
    let form = all("[data-testid=depart-form]");
    assert_eq!(form.len(), 1, "出发 asks first");
    assert!(
        shown("[data-testid=next-node]").is_empty(),
        "the buttons wait for the form"
    );
    assert!(
        db.outbox().await.unwrap().is_empty(),
        "nothing recorded yet"
    );
    let offered: web_sys::HtmlInputElement = one("input[name=expected_arrival]").unchecked_into();
    assert!(!offered.value().is_empty(), "an arrival is offered");
    let companion: web_sys::HtmlInputElement = one("input[name=companion]").unchecked_into();
    assert_eq!(companion.value(), "李强");
    assert!(companion.checked(), "the dispatched companion is ticked");

    // Before now: refused, with the reason, and nothing recorded.
    type_into(
        "input[name=expected_arrival]",
        &input_value(Utc::now() - Duration::hours(2)),
    );
    one("[data-testid=confirm-depart]").click();
    settle().await;
    assert!(
        text("[data-testid=depart-error]").contains("预计到达时间不能早于现在"),
        "{}",
        text("[data-testid=depart-error]")
    );
    type_into("input[name=expected_arrival]", "");
    one("[data-testid=confirm-depart]").click();
    settle().await;
    assert!(text("[data-testid=depart-error]").contains("请填写预计到达时间"));
    assert!(
        db.outbox().await.unwrap().is_empty(),
        "a refused form records nothing"
    );

    // A time ahead, the dispatched companion and one more by name.
    let arrival = Utc::now() + Duration::hours(3);
    type_into("input[name=expected_arrival]", &input_value(arrival));
    type_into("input[name=more_companions]", "赵六、 李强");
    one("[data-testid=confirm-depart]").click();
    one("[data-testid=confirm-depart]").click();
    settle().await;

    let outbox = db.outbox().await.unwrap();
    assert_eq!(outbox.len(), 1, "a double tap departs once: {outbox:?}");
    let OpKind::Depart {
        expected_arrival,
        companions,
        ..
    } = &outbox[0].op.kind
    else {
        panic!("a Depart operation: {:?}", outbox[0].op.kind);
    };
    assert_eq!(companions, &vec!["李强".to_string(), "赵六".to_string()]);
    // The input holds minutes.
    assert!(
        (*expected_arrival - arrival).num_seconds().abs() < 60,
        "{expected_arrival} vs {arrival}"
    );
    assert!(
        all("[data-testid=depart-form]").is_empty(),
        "the form closes"
    );
    assert_eq!(
        shown("[data-testid=next-node]").len(),
        1,
        "到达工地 is next"
    );
    assert_eq!(text("[data-testid=status]"), "出发");
    assert!(text("[data-testid=departure-companions]").contains("李强、赵六"));
    assert_eq!(
        text("[data-testid=expected-arrival]"),
        fieldbook::time::full(*expected_arrival)
    );
    assert_eq!(
        all(".step.reached.pending[data-node=departed]").len(),
        1,
        "saved here, not sent yet"
    );
}

#[wasm_bindgen_test]
async fn a_sent_back_report_shows_each_item_and_asks_for_a_new_photo() {
    let (mut wo, photo) = sent_back();
    // An earlier round, answered: it stays in the history.
    let mut earlier = wo.reviews[0].clone();
    earlier.at -= Duration::hours(5);
    earlier.decision = ReviewDecision::SendBack {
        items: vec![SendBackItem {
            item: ReviewItem::Parts,
            reason: "配件号不全".into(),
        }],
    };
    wo.reviews.insert(0, earlier);
    let _db = mount(wo).await;

    let card = text("[data-testid=send-back]");
    assert!(card.contains("办公室退回：需修改"), "{card}");
    let items: Vec<String> = all("[data-testid=send-back] [data-testid=send-back-item]")
        .iter()
        .map(|i| i.text_content().unwrap_or_default())
        .collect();
    assert_eq!(items.len(), 2, "{items:?}");
    assert!(
        items[0].contains("照片 · 铭牌") && items[0].contains("铭牌看不清"),
        "{items:?}"
    );
    assert!(items[0].contains("请重新拍照"));
    assert!(
        items[1].contains("故障原因") && items[1].contains("故障原因写得太简单"),
        "{items:?}"
    );
    assert!(
        items[1].contains("去修改服务报告"),
        "a text item points at the report"
    );
    assert_eq!(all("#report").len(), 1);

    // The photo sent back is marked on its slot, and the slot asks for a new one.
    let thumb = one(&format!("[data-photo=\"{photo}\"]"));
    assert!(thumb.class_name().contains("sent-back"));
    assert_eq!(text("[data-testid=photo-sent-back]"), "已退回：铭牌看不清");
    assert_eq!(
        text("[data-slot=nameplate] [data-testid=slot-state]"),
        "请重新拍照"
    );
    assert_eq!(
        all("[data-slot=nameplate] [data-testid=camera-input]").len(),
        1
    );
    assert!(text("[data-testid=missing-count]").contains('1'));

    // The report can be edited and submitted again; it is refused until the photo is retaken.
    assert!(
        one("[data-testid=save-report]")
            .get_attribute("disabled")
            .is_none()
    );
    assert_eq!(all("[data-testid=submit-report]").len(), 1);
    assert!(text("[data-testid=missing-list]").contains("铭牌"));

    // Every round is kept, oldest first.
    let rounds: Vec<String> = all("[data-testid=review-round]")
        .iter()
        .map(|i| i.text_content().unwrap_or_default())
        .collect();
    assert_eq!(rounds.len(), 2, "{rounds:?}");
    assert!(
        rounds[0].contains("配件号不全") && rounds[0].contains("陈静"),
        "{rounds:?}"
    );
    assert!(rounds[1].contains("铭牌看不清"), "{rounds:?}");
}

#[wasm_bindgen_test]
async fn a_closed_order_is_read_only() {
    let (mut wo, _) = sent_back();
    wo.report.submitted_at = Some(Utc::now());
    wo.review(ReviewDecision::Close, office(), Utc::now())
        .unwrap();
    assert!(wo.is_closed());
    let _db = mount(wo).await;

    assert!(text("[data-testid=closed-banner]").contains("已关单"));
    assert!(text("[data-testid=closed-banner]").contains("陈静"));
    assert!(
        all("[data-testid=send-back]").is_empty(),
        "nothing left to fix"
    );
    for gone in [
        "[data-testid=next-node]",
        "[data-testid=camera-input]",
        "[data-testid=gallery-input]",
        "input[name=hours]",
        "[data-testid=save-report]",
        "[data-testid=submit-report]",
        "[data-testid=signature-pad]",
        "[data-testid=confirm-signature]",
    ] {
        assert!(shown(gone).is_empty(), "{gone} is not on a closed order");
    }
    assert_eq!(
        all("[data-testid=review-round]").len(),
        2,
        "both rounds stay visible"
    );
}
