//! The upload protocol as a state machine: a person records status nodes on a phone whose
//! network drops, duplicates, delays and reorders batches, whose clock lies, and whose server
//! restarts. The phone is the model's real outbox rules (`fieldbook_model::outbox`) and the real
//! `judge_ops_reply`; the server is the real server over real HTTP on a temporary SQLite file.
//!
//! The reference model is only the person: which steps they recorded, and which of those the
//! status rules allow (given the steps before them on the same order). Whatever the network did,
//! after a reliable drain the server holds exactly the allowed steps, each once, in the order the
//! person recorded them, and the phone holds exactly the refused ones as rejected.

use chrono::{DateTime, Duration, TimeZone, Utc};
use fieldbook_model::outbox::{self, EntryState, OutboxEntry};
use fieldbook_model::sync::{MAX_OPS_PER_BATCH, judge_ops_reply};
use fieldbook_model::{OpKind, Operation, OpsRequest, PushVerdict, RejectCode, StatusNode};
use proptest::prelude::*;
use proptest::test_runner::Config;
use proptest_state_machine::{ReferenceStateMachine, StateMachineTest, prop_state_machine};
use reqwest::Client;
use tokio::runtime::Runtime;
use uuid::Uuid;

use crate::harness::TestServer;

/// engineer1's first few demo orders.
const ORDERS: usize = 3;
/// Small batches, so that one drain takes several rounds (the real limit is far above).
const BATCH: usize = 3;
const _: () = assert!(BATCH <= MAX_OPS_PER_BATCH);

/// One step the person recorded, and whether the status rules allow it where it stands.
#[derive(Debug, Clone)]
struct Recorded {
    order: usize,
    allowed: bool,
}

/// The reference: each order's status after the allowed steps, and every step recorded.
#[derive(Debug, Clone)]
struct Person {
    status: [StatusNode; ORDERS],
    recorded: Vec<Recorded>,
}

#[derive(Debug, Clone)]
enum Step {
    /// The person taps a status node on an order (allowed or not where the order stands).
    Record { order: usize, node: StatusNode },
    /// The next batch goes out and its answer comes back.
    Send,
    /// The next batch is lost before it reaches the server.
    LoseRequest,
    /// The server commits the next batch; the connection dies before the answer.
    LoseAnswer,
    /// The network delivers the next batch twice; the phone sees one of the answers.
    SendTwice { see_first: bool },
    /// The next batch is stuck in the network (the phone gave up on it); it arrives later.
    HoldBack,
    /// A stuck batch finally arrives, the newest or the oldest; maybe the phone still takes
    /// the late answer.
    DeliverLate { newest: bool, take_answer: bool },
    /// The server stops and starts again on the same database.
    Restart,
    /// The phone's clock jumps (weeks forward, a year ahead, or back).
    ClockJump { days: i64 },
    /// The phone's clock resets to the epoch (a dead clock battery).
    ClockToEpoch,
}

struct PersonMachine;

impl ReferenceStateMachine for PersonMachine {
    type State = Person;
    type Transition = Step;

    fn init_state() -> BoxedStrategy<Person> {
        Just(Person {
            status: [StatusNode::Dispatched; ORDERS],
            recorded: Vec::new(),
        })
        .boxed()
    }

    fn transitions(state: &Person) -> BoxedStrategy<Step> {
        let allowed: Vec<(usize, StatusNode)> = (0..ORDERS)
            .flat_map(|o| state.status[o].next().iter().map(move |n| (o, *n)))
            .collect();
        let any_node = (
            0..ORDERS,
            proptest::sample::select(StatusNode::ALL.to_vec()),
        )
            .prop_map(|(order, node)| Step::Record { order, node });
        // Steps tapped too early (allowed only after a step not yet recorded) are the refusals
        // that a later resend could wrongly find allowed: make them common.
        let early: Vec<(usize, StatusNode)> = (0..ORDERS)
            .flat_map(|o| {
                state.status[o]
                    .next()
                    .iter()
                    .flat_map(|n| n.next().iter())
                    .map(move |n| (o, *n))
            })
            .collect();
        let pick = |steps: Vec<(usize, StatusNode)>| {
            proptest::sample::select(steps).prop_map(|(order, node)| Step::Record { order, node })
        };
        let record = match (allowed.is_empty(), early.is_empty()) {
            (true, _) => any_node.boxed(),
            (false, true) => prop_oneof![3 => pick(allowed), 1 => any_node].boxed(),
            (false, false) => {
                prop_oneof![3 => pick(allowed), 1 => pick(early), 1 => any_node].boxed()
            }
        };
        prop_oneof![
            6 => record,
            3 => Just(Step::Send),
            1 => Just(Step::LoseRequest),
            2 => Just(Step::LoseAnswer),
            1 => any::<bool>().prop_map(|see_first| Step::SendTwice { see_first }),
            2 => Just(Step::HoldBack),
            2 => (any::<bool>(), any::<bool>())
                .prop_map(|(newest, take_answer)| Step::DeliverLate { newest, take_answer }),
            1 => Just(Step::Restart),
            1 => prop_oneof![Just(14), Just(35), Just(365), Just(-3), Just(-30)]
                .prop_map(|days| Step::ClockJump { days }),
            1 => Just(Step::ClockToEpoch),
        ]
        .boxed()
    }

    fn apply(mut state: Person, step: &Step) -> Person {
        if let Step::Record { order, node } = *step {
            let allowed = state.status[order].can_go_to(node);
            if allowed {
                state.status[order] = node;
            }
            state.recorded.push(Recorded { order, allowed });
        }
        state
    }
}

/// The phone, the network and the server.
struct Field {
    server: TestServer,
    engineer: Client,
    office: Client,
    orders: Vec<Uuid>,
    outbox: Vec<OutboxEntry>,
    /// The op id of each recorded step, in the reference's order.
    ids: Vec<Uuid>,
    /// What the phone's clock says minus the true time.
    clock_offset: Duration,
    /// Batches stuck in the network, oldest first.
    stuck: Vec<(OpsRequest, Vec<Uuid>)>,
    next_seq: u32,
    rt: Runtime,
}

/// What came back for a request, as the phone's fetch sees it.
struct Raw {
    status: u16,
    content_type: Option<String>,
    body: String,
}

impl Field {
    fn device_now(&self) -> DateTime<Utc> {
        Utc::now() + self.clock_offset
    }

    async fn post(&self, request: &OpsRequest) -> Raw {
        let r = self
            .engineer
            .post(self.server.url("/api/ops"))
            .json(request)
            .send()
            .await
            .expect("the server answers");
        let status = r.status().as_u16();
        let content_type = r
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = r.text().await.expect("the answer is readable");
        Raw {
            status,
            content_type,
            body,
        }
    }

    /// The next batch, as the uploader would send it now.
    fn next_request(&self) -> Option<(OpsRequest, Vec<Uuid>)> {
        let batch = outbox::next_batch(&self.outbox, BATCH);
        if batch.is_empty() {
            return None;
        }
        let ids = outbox::batch_ids(&batch);
        Some((outbox::batch_request(&batch, self.device_now()), ids))
    }

    /// The phone takes an answer the way the uploader does: judged, then settled.
    fn take(&mut self, raw: &Raw, sent: &[Uuid]) {
        let verdict = judge_ops_reply(raw.status, raw.content_type.as_deref(), &raw.body, sent);
        match verdict {
            PushVerdict::Results(results) => {
                outbox::settle(&mut self.outbox, &results);
            }
            other => panic!(
                "the real server's answer was judged {other:?}: {}",
                raw.body
            ),
        }
    }

    fn tried(&mut self, sent: &[Uuid]) {
        let now = self.device_now();
        outbox::mark_tried(&mut self.outbox, sent, now);
    }

    fn send_reliably(&mut self) {
        if let Some((request, sent)) = self.next_request() {
            let raw = self.rt.block_on(self.post(&request));
            self.take(&raw, &sent);
        }
    }

    /// Each order's history on the server, as the office reads it: op ids in the server's order.
    fn server_histories(&self) -> Vec<Vec<Uuid>> {
        self.rt.block_on(async {
            let mut all = Vec::new();
            for id in &self.orders {
                let wo = self.server.work_order(&self.office, *id).await;
                all.push(wo.history.iter().map(|e| e.op_id).collect());
            }
            all
        })
    }

    /// The allowed steps of each order, in the order the person recorded them.
    fn allowed_per_order(&self, person: &Person) -> Vec<Vec<Uuid>> {
        let mut per_order = vec![Vec::new(); ORDERS];
        for (step, id) in person.recorded.iter().zip(&self.ids) {
            if step.allowed {
                per_order[step.order].push(*id);
            }
        }
        per_order
    }
}

impl StateMachineTest for Field {
    type SystemUnderTest = Field;
    type Reference = PersonMachine;

    fn init_test(_: &Person) -> Field {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let (server, engineer, office, orders) = rt.block_on(async {
            let server = TestServer::with_demo().await;
            let engineer = server.signed_in("engineer1").await;
            let office = server.signed_in("dispatcher1").await;
            let orders = server.sync(&engineer, 0).await.work_orders;
            let orders: Vec<Uuid> = orders.iter().take(ORDERS).map(|wo| wo.id).collect();
            (server, engineer, office, orders)
        });
        Field {
            server,
            engineer,
            office,
            orders,
            outbox: Vec::new(),
            ids: Vec::new(),
            clock_offset: Duration::zero(),
            stuck: Vec::new(),
            next_seq: 1,
            rt,
        }
    }

    fn apply(mut field: Field, _: &Person, step: Step) -> Field {
        match step {
            Step::Record { order, node } => {
                let op = Operation {
                    id: Uuid::new_v4(),
                    user: "engineer1".into(),
                    device_id: Uuid::from_u128(0x0b5e55ed),
                    device_time: field.device_now(),
                    kind: OpKind::SetStatus {
                        work_order_id: field.orders[order],
                        node,
                    },
                };
                field.ids.push(op.id);
                let mut entry = OutboxEntry::queued(op);
                entry.seq = Some(field.next_seq);
                field.next_seq += 1;
                field.outbox.push(entry);
            }
            Step::Send => field.send_reliably(),
            Step::LoseRequest => {
                if let Some((_, sent)) = field.next_request() {
                    field.tried(&sent);
                }
            }
            Step::LoseAnswer => {
                if let Some((request, sent)) = field.next_request() {
                    field.rt.block_on(field.post(&request));
                    field.tried(&sent);
                }
            }
            Step::SendTwice { see_first } => {
                if let Some((request, sent)) = field.next_request() {
                    let (first, second) = field.rt.block_on(async {
                        (field.post(&request).await, field.post(&request).await)
                    });
                    field.take(if see_first { &first } else { &second }, &sent);
                }
            }
            Step::HoldBack => {
                if let Some((request, sent)) = field.next_request() {
                    field.tried(&sent);
                    field.stuck.push((request, sent));
                }
            }
            Step::DeliverLate {
                newest,
                take_answer,
            } => {
                if !field.stuck.is_empty() {
                    let (request, sent) = if newest {
                        field.stuck.pop().unwrap()
                    } else {
                        field.stuck.remove(0)
                    };
                    let raw = field.rt.block_on(field.post(&request));
                    if take_answer {
                        field.take(&raw, &sent);
                    }
                }
            }
            Step::Restart => {
                field.rt.block_on(field.server.restart());
                let (engineer, office) = field.rt.block_on(async {
                    (
                        field.server.signed_in("engineer1").await,
                        field.server.signed_in("dispatcher1").await,
                    )
                });
                field.engineer = engineer;
                field.office = office;
            }
            Step::ClockJump { days } => {
                let offset = field.clock_offset + Duration::days(days);
                // A clock before 1970 is not one a phone shows; stop at the epoch.
                let floor = Utc.timestamp_opt(0, 0).unwrap() - Utc::now();
                field.clock_offset = offset.max(floor);
            }
            Step::ClockToEpoch => {
                field.clock_offset = Utc.timestamp_opt(0, 0).unwrap() - Utc::now();
            }
        }
        field
    }

    fn check_invariants(field: &Field, person: &Person) {
        let histories = field.server_histories();
        let allowed = field.allowed_per_order(person);
        for (order, (history, allowed)) in histories.iter().zip(&allowed).enumerate() {
            assert!(
                allowed.starts_with(history),
                "order {order}: the server holds {history:?}, which is not the start of the \
                 person's allowed steps {allowed:?}"
            );
        }
        let on_server: Vec<Uuid> = histories.concat();
        for (step, id) in person.recorded.iter().zip(&field.ids) {
            match field.outbox.iter().find(|e| e.op.id == *id) {
                None => assert!(
                    on_server.contains(id),
                    "{id} left the outbox but the server does not hold it ({step:?})"
                ),
                Some(e) if e.state == EntryState::Rejected => {
                    assert!(!step.allowed, "{id} is allowed but was rejected: {e:?}");
                    assert_eq!(e.code, Some(RejectCode::InvalidTransition), "{e:?}");
                }
                Some(_) => {}
            }
        }
    }

    fn teardown(mut field: Field, person: Person) {
        // The network comes back for good: the uploader drains the outbox.
        for _ in 0..=person.recorded.len() {
            if outbox::next_batch(&field.outbox, BATCH).is_empty() {
                break;
            }
            field.send_reliably();
        }
        let check = |field: &Field| {
            assert!(
                outbox::next_batch(&field.outbox, BATCH).is_empty(),
                "still queued after the drain: {:?}",
                field.outbox
            );
            assert_eq!(
                field.server_histories(),
                field.allowed_per_order(&person),
                "the server holds exactly the allowed steps, once each, in the person's order"
            );
            let refused: Vec<Uuid> = person
                .recorded
                .iter()
                .zip(&field.ids)
                .filter(|(step, _)| !step.allowed)
                .map(|(_, id)| *id)
                .collect();
            let rejected: Vec<Uuid> = field.outbox.iter().map(|e| e.op.id).collect();
            assert_eq!(
                rejected, refused,
                "the phone keeps exactly the refused steps"
            );
        };
        check(&field);
        // Batches stuck in the network for weeks finally arrive: nothing changes.
        let stuck = std::mem::take(&mut field.stuck);
        for (request, _) in &stuck {
            field.rt.block_on(field.post(request));
        }
        check(&field);
        let statuses: Vec<StatusNode> = field.rt.block_on(async {
            let mut statuses = Vec::new();
            for id in &field.orders {
                statuses.push(field.server.work_order(&field.office, *id).await.status);
            }
            statuses
        });
        assert_eq!(statuses, person.status.to_vec());
    }
}

prop_state_machine! {
    #![proptest_config(Config {
        cases: 32,
        max_shrink_iters: 200,
        ..Config::default()
    })]

    #[test]
    fn the_server_ends_with_exactly_what_the_person_recorded(sequential 1..30 => Field);
}
