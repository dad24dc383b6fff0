//! The service report's draft (issue 16) and its claim details (issue 19), mounted in a real
//! browser with a real device store: what is typed survives leaving the page, a sync that rewrites
//! the order and a reload until it is saved or discarded; on an order that expects a claim the
//! report takes the service code, the fault information and the hours per person, sends them in
//! `SaveReport`, and they survive a reload.
#![cfg(target_arch = "wasm32")]

use chrono::{Duration, Utc};
use fieldbook::db::{Db, provide_db};
use fieldbook::drafts;
use fieldbook::i18n::Lang;
use fieldbook::pages::work_order::WorkOrderPage;
use fieldbook::session::Session;
use fieldbook::sync::SyncState;
use fieldbook_model::desk::Person;
use fieldbook_model::photo::PhotoSlot;
use fieldbook_model::report::{LabourHours, WarrantyDetails};
use fieldbook_model::{
    OpKind, Role, ServiceType, StatusEvent, StatusNode, SyncResponse, UserProfile, WorkOrder,
};
use gloo::timers::future::TimeoutFuture;
use leptos::mount::UnmountHandle;
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

/// An order on site, with one dispatched companion.
fn order(claim_expected: bool) -> WorkOrder {
    let now = Utc::now();
    let mut wo = WorkOrder {
        id: Uuid::new_v4(),
        ticket: "BX-20261207-019".into(),
        customer: "中铁十四局".into(),
        site: "济南东站三期".into(),
        equipment_model: "EC210D".into(),
        serial: "VCEC210DT00012345".into(),
        engine_hours: 3520,
        working_condition: "土方".into(),
        fault_description: "液压油温高".into(),
        service_type: ServiceType::FaultRepair,
        machine_down: true,
        called_at: now - Duration::hours(5),
        planned_at: now - Duration::hours(4),
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
        contact_name: String::new(),
        contact_phone: String::new(),
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
        claim_expected,
    };
    for node in [StatusNode::Departed, StatusNode::Arrived] {
        wo.apply_status(StatusEvent {
            node,
            at: now - Duration::hours(1),
            by: "engineer1".into(),
            op_id: Uuid::new_v4(),
        })
        .unwrap();
    }
    wo
}

async fn store(db: &Db, wo: &WorkOrder, cursor: i64) {
    let pull = SyncResponse {
        cursor,
        server_time: Utc::now(),
        work_orders: vec![wo.clone()],
        removed: vec![],
        more: false,
        field: Default::default(),
    };
    db.apply_pull(&pull, Utc::now()).await.unwrap();
}

/// A device on which engineer1 is signed in with `wo` stored.
async fn device(wo: &WorkOrder) -> Db {
    let db = Db::open(&format!("fieldbook-test-{}", Uuid::new_v4()))
        .await
        .unwrap();
    db.signed_in_as(&engineer()).await.unwrap();
    store(&db, wo, 1).await;
    db
}

/// The order page, mounted in its own element; dropping the handle leaves the page.
async fn mount(db: &Db, id: Uuid) -> UnmountHandle<impl Mountable> {
    let parent: web_sys::HtmlElement = gloo::utils::document()
        .create_element("div")
        .unwrap()
        .unchecked_into();
    parent.set_class_name("under-test");
    gloo::utils::body().append_child(&parent).unwrap();
    let mount_db = db.clone();
    let handle = leptos::mount::mount_to(parent, move || {
        provide_context(RwSignal::new(Lang::Zh));
        provide_context(Session(RwSignal::new(Some(engineer()))));
        provide_context(SyncState::new());
        provide_db(mount_db.clone());
        view! { <WorkOrderPage id=id/> }
    });
    settle().await;
    handle
}

/// Leave the page: unmounted, and its element gone.
fn leave(handle: UnmountHandle<impl Mountable>) {
    drop(handle);
    for page in all_pages() {
        page.remove();
    }
}

fn all_pages() -> Vec<web_sys::Element> {
    let list = gloo::utils::document()
        .query_selector_all(".under-test")
        .unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into().ok())
        .collect()
}

/// Let the store's transactions finish, effects run and the DOM update.
async fn settle() {
    for _ in 0..10 {
        TimeoutFuture::new(20).await;
    }
}

fn all(selector: &str) -> Vec<web_sys::HtmlElement> {
    let Some(page) = all_pages().pop() else {
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

fn value_of(el: &web_sys::HtmlElement) -> String {
    if let Some(i) = el.dyn_ref::<web_sys::HtmlInputElement>() {
        i.value()
    } else {
        el.unchecked_ref::<web_sys::HtmlTextAreaElement>().value()
    }
}

fn value(selector: &str) -> String {
    value_of(&one(selector))
}

fn type_in(el: &web_sys::HtmlElement, value: &str) {
    if let Some(i) = el.dyn_ref::<web_sys::HtmlInputElement>() {
        i.set_value(value);
    } else {
        el.unchecked_ref::<web_sys::HtmlTextAreaElement>()
            .set_value(value);
    }
    el.dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
}

fn type_into(selector: &str, value: &str) {
    type_in(&one(selector), value);
}

/// Answer the page's `confirm()` with `yes`.
fn confirm_answers(yes: bool) {
    let f = js_sys::Function::new_no_args(if yes { "return true" } else { "return false" });
    js_sys::Reflect::set(&gloo::utils::window(), &"confirm".into(), &f).unwrap();
}

fn saves(outbox: &[fieldbook::db::OutboxEntry]) -> Vec<OpKind> {
    outbox
        .iter()
        .filter(|e| matches!(e.op.kind, OpKind::SaveReport { .. }))
        .map(|e| e.op.kind.clone())
        .collect()
}

/// The report typed and left before "保存报告": all of it is there on coming back, after a sync
/// rewrote the order and after a reload; it goes only when saved, or when discarded on purpose.
#[wasm_bindgen_test]
async fn a_typed_report_survives_leaving_a_sync_and_a_reload_until_saved_or_discarded() {
    let wo = order(false);
    let db = device(&wo).await;
    let page = mount(&db, wo.id).await;
    assert!(
        shown("[data-testid=draft-note]").is_empty(),
        "nothing typed yet"
    );
    assert!(
        shown("[data-testid=claim-details]").is_empty()
            && all("[data-testid=claim-chip]").is_empty(),
        "no claim expected: no claim section, no chip"
    );

    type_into("textarea[name=fault_cause]", "油冷器堵塞");
    type_into("textarea[name=work_done]", "清洗油冷器，更换滤芯");
    one("#report button.secondary").click();
    settle().await;
    type_into("input[name=part_no]", "VOE14524170");
    type_into("input[name=part_name]", "液压滤芯");
    type_into("input[name=qty]", "2");
    type_into("input[name=companions]", "李强、赵六");
    settle().await;
    assert!(
        shown("[data-testid=draft-note]")[0]
            .text_content()
            .unwrap_or_default()
            .contains("草稿已保存在本机"),
        "the person is told it is kept"
    );
    let kept = db
        .draft_text(&drafts::key("report", wo.id))
        .await
        .unwrap()
        .expect("the draft is on the device as it is typed");
    assert!(kept.contains("清洗油冷器，更换滤芯"), "{kept}");

    // A sync rewrites the order (the office changed something) while the person types.
    let mut newer = wo.clone();
    newer.seq = 5;
    newer.contact_name = "王工".into();
    store(&db, &newer, 5).await;
    settle().await;
    assert_eq!(value("textarea[name=fault_cause]"), "油冷器堵塞");

    // "‹ 返回" before "保存报告", then back: everything is there, and the page says why.
    leave(page);
    let page = mount(&db, wo.id).await;
    assert_eq!(value("textarea[name=fault_cause]"), "油冷器堵塞");
    assert_eq!(value("textarea[name=work_done]"), "清洗油冷器，更换滤芯");
    assert_eq!(value("input[name=part_no]"), "VOE14524170");
    assert_eq!(value("input[name=qty]"), "2");
    assert_eq!(value("input[name=companions]"), "李强、赵六");
    assert_eq!(shown("[data-testid=draft-note]").len(), 1, "and it says so");

    // A reload: nothing in memory, the device still has it.
    leave(page);
    drafts::forget_memory();
    let page = mount(&db, wo.id).await;
    assert_eq!(value("textarea[name=work_done]"), "清洗油冷器，更换滤芯");
    assert_eq!(value("input[name=part_name]"), "液压滤芯");
    assert!(
        db.outbox().await.unwrap().is_empty(),
        "a draft is not a saved report: nothing queued"
    );

    // "放弃草稿", answered "no": nothing changes.
    confirm_answers(false);
    one("[data-testid=discard-draft]").click();
    settle().await;
    assert_eq!(value("textarea[name=fault_cause]"), "油冷器堵塞");
    // Answered "yes": the form goes back to the stored (empty) report and the draft is gone.
    confirm_answers(true);
    one("[data-testid=discard-draft]").click();
    settle().await;
    assert_eq!(value("textarea[name=fault_cause]"), "");
    assert!(all("input[name=part_no]").is_empty());
    assert!(shown("[data-testid=draft-note]").is_empty());
    assert_eq!(
        db.draft_text(&drafts::key("report", wo.id)).await.unwrap(),
        None
    );
    leave(page);
    drafts::forget_memory();
    let page = mount(&db, wo.id).await;
    assert_eq!(
        value("textarea[name=fault_cause]"),
        "",
        "discarded stays discarded"
    );

    // Typed again and saved: the draft is forgotten, the report is what was saved.
    type_into("textarea[name=fault_cause]", "油冷器堵塞");
    settle().await;
    one("[data-testid=save-report]").click();
    settle().await;
    assert_eq!(saves(&db.outbox().await.unwrap()).len(), 1);
    assert!(shown("[data-testid=draft-note]").is_empty());
    assert_eq!(
        db.draft_text(&drafts::key("report", wo.id)).await.unwrap(),
        None,
        "saved: no draft left"
    );
    leave(page);
    drafts::forget_memory();
    let _page = mount(&db, wo.id).await;
    assert_eq!(value("textarea[name=fault_cause]"), "油冷器堵塞");
    assert!(shown("[data-testid=draft-note]").is_empty());
}

/// An order that expects a claim: the claim section, a clear message for each bad number of
/// hours, the part number of a part taken off, and the details sent in `SaveReport`; after a
/// reload the form shows what was saved.
#[wasm_bindgen_test]
async fn the_claim_details_are_checked_sent_in_save_report_and_survive_a_reload() {
    let wo = order(true);
    let db = device(&wo).await;
    let page = mount(&db, wo.id).await;
    assert_eq!(text("[data-testid=claim-chip]"), "索赔");
    assert!(text("[data-testid=claim-details]").contains("索赔信息"));
    assert_eq!(
        shown("textarea[name=fault_info]").len(),
        1,
        "a fault repair"
    );
    let rows = all("[data-testid=labour-row]");
    assert_eq!(
        rows.len(),
        2,
        "the main engineer and the dispatched companion"
    );
    assert!(rows[0].text_content().unwrap().contains("张伟"));
    assert!(rows[1].text_content().unwrap().contains("李强"));
    // The missing list names the claim's items in words.
    let missing = text("[data-testid=missing-list]");
    for words in ["服务代码", "保修故障信息", "主修工程师工时"] {
        assert!(missing.contains(words), "{words} in {missing}");
    }

    type_into("textarea[name=fault_cause]", "油冷器堵塞");
    type_into("textarea[name=work_done]", "更换油冷器");
    one("#report button.secondary").click();
    settle().await;
    type_into("input[name=part_name]", "油冷器");
    one("input[name=replaced]").click();
    type_into("input[name=service_code]", "SC-2107");
    type_into(
        "textarea[name=fault_info]",
        "液压油温 95℃，故障码 E-101，油冷器内漏",
    );
    let hours = all("input[name=hours_worked]");
    type_in(&hours[0], "1.55");
    type_in(&hours[1], "两小时");
    settle().await;
    one("[data-testid=save-report]").click();
    settle().await;
    assert!(
        text("[data-testid=parts-error]").contains("必须填写配件号"),
        "{}",
        text("[data-testid=parts-error]")
    );
    let errors = text("[data-testid=claim-error]");
    assert!(errors.contains("张伟: 工时最多一位小数"), "{errors}");
    assert!(errors.contains("李强: 工时请填写数字"), "{errors}");
    assert!(
        saves(&db.outbox().await.unwrap()).is_empty(),
        "refused: nothing recorded"
    );

    type_in(&all("input[name=hours_worked]")[1], "100");
    one("[data-testid=save-report]").click();
    settle().await;
    let errors = text("[data-testid=claim-error]");
    assert!(
        errors.contains("李强: 每人工时不能超过 99.9 小时"),
        "{errors}"
    );
    assert!(
        !errors.contains("请填写数字"),
        "the fixed line is no longer wrong: {errors}"
    );

    type_into("input[name=part_no]", "VOE11110683");
    type_in(&all("input[name=hours_worked]")[0], "1.5");
    type_in(&all("input[name=hours_worked]")[1], "2");
    settle().await;
    one("[data-testid=save-report]").click();
    settle().await;
    let outbox = db.outbox().await.unwrap();
    let saved = saves(&outbox);
    assert_eq!(saved.len(), 1, "{outbox:?}");
    let OpKind::SaveReport {
        warranty, parts, ..
    } = &saved[0]
    else {
        unreachable!()
    };
    assert_eq!(
        warranty,
        &WarrantyDetails {
            service_code: "SC-2107".into(),
            fault_info: "液压油温 95℃，故障码 E-101，油冷器内漏".into(),
            labour: vec![
                LabourHours {
                    person: "engineer1".into(),
                    tenths: 15
                },
                LabourHours {
                    person: "engineer2".into(),
                    tenths: 20
                },
            ],
        }
    );
    assert!(parts[0].replaced);
    assert_eq!(
        text("[data-testid=claim-error]"),
        "",
        "nothing wrong any more"
    );
    // The old part's photo is now required: 0 of 1, in the report and on the photos' slot.
    assert_eq!(text("[data-testid=old-part-photos] strong"), "0 / 1");
    assert_eq!(
        text("li[data-slot=old_part] [data-testid=slot-state]"),
        "0 / 1"
    );
    let missing = text("[data-testid=missing-list]");
    assert!(missing.contains("旧件照片"), "{missing}");
    assert!(!missing.contains("服务代码"), "{missing}");

    // A reload: the stored order holds the details, and the form shows them.
    leave(page);
    drafts::forget_memory();
    let stored = db.work_order(wo.id).await.unwrap().unwrap();
    assert_eq!(&stored.report.warranty, warranty);
    let _page = mount(&db, wo.id).await;
    assert_eq!(value("input[name=service_code]"), "SC-2107");
    assert_eq!(value("input[name=part_no]"), "VOE11110683");
    let hours: Vec<String> = all("input[name=hours_worked]")
        .iter()
        .map(value_of)
        .collect();
    assert_eq!(hours, vec!["1.5".to_string(), "2".to_string()]);
    assert!(
        shown("[data-testid=draft-note]").is_empty(),
        "saved, not a draft"
    );
}

/// The same mechanism for a one-field form: a reason typed is kept on the device and comes back
/// after a reload, until it is saved.
#[wasm_bindgen_test]
async fn a_text_draft_comes_back_from_the_device_after_a_reload() {
    let wo = order(false);
    let db = device(&wo).await;
    // No page is mounted here: effects need the executor a mount would start.
    leptos::mount::mount_to_body(|| ());
    let key = drafts::key("send-back", "area-1");
    let owner = Owner::new();
    let (first, _) = owner.with(|| {
        provide_db(db.clone());
        drafts::use_text(key.clone())
    });
    settle().await;
    first.set("地面有水渍".into());
    settle().await;
    assert_eq!(
        db.draft_text(&key).await.unwrap().as_deref(),
        Some("[\"地面有水渍\"]")
    );
    drop(owner);
    drafts::forget_memory();
    let owner = Owner::new();
    let (again, draft) = owner.with(|| {
        provide_db(db.clone());
        drafts::use_text(key.clone())
    });
    settle().await;
    assert_eq!(again.get_untracked(), "地面有水渍");
    assert!(draft.kept.get_untracked());
    owner.with(|| draft.saved());
    settle().await;
    assert_eq!(db.draft_text(&key).await.unwrap(), None);
}

/// A draft is its typist's: the next person on a shared phone neither sees it nor can sign the
/// typist out without choosing to keep it, like unsent work.
#[wasm_bindgen_test]
async fn a_draft_is_its_typists_and_holds_their_sign_out_like_unsent_work() {
    use fieldbook::db::SignOut;
    let wo = order(false);
    let db = device(&wo).await;
    let key = drafts::key("report", wo.id);
    db.set_draft_text(&key, Some("[\"喷油器卡滞\"]"))
        .await
        .unwrap();
    assert_eq!(
        db.sign_out("engineer1", false).await.unwrap(),
        SignOut::Unsent,
        "a typed draft is not thrown away by a sign-out"
    );
    assert_eq!(db.sign_out("engineer1", true).await.unwrap(), SignOut::Kept);

    let other = UserProfile {
        username: "engineer2".into(),
        display_name: "李强".into(),
        ..engineer()
    };
    db.signed_in_as(&other).await.unwrap();
    assert_eq!(
        db.draft_text(&key).await.unwrap(),
        None,
        "the next person does not see it"
    );
    assert_eq!(
        db.sign_out("engineer2", false).await.unwrap(),
        SignOut::Done,
        "nor is held by it"
    );
    db.signed_in_as(&engineer()).await.unwrap();
    assert_eq!(
        db.draft_text(&key).await.unwrap().as_deref(),
        Some("[\"喷油器卡滞\"]"),
        "the typist finds it again"
    );
}
