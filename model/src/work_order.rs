//! Work orders (报修工单) and the status nodes an engineer reports on them.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::desk::{
    Closure, Departure, FirstResponseRecord, Person, PhotoNaming, ReviewRound, Stamped,
};
use crate::photo::{PhotoMeta, PhotoSlot};
use crate::report::ServiceReport;

/// On site within 36 hours of the customer's call.
pub const RESPONSE_TARGET: Duration = Duration::hours(36);
/// The service report is due within 3 days of leaving the site.
pub const REPORT_WINDOW: Duration = Duration::days(3);

/// The kinds of service the department performs (DOMAIN.md, "Work orders").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceType {
    /// 故障维修
    FaultRepair,
    /// 定检保养
    PeriodicMaintenance,
    /// 到机检查
    ArrivalInspection,
    /// 交机预检
    PreDeliveryInspection,
    /// 新机交机
    NewMachineHandover,
    /// 技改
    TechnicalModification,
    /// 巡检
    PatrolInspection,
    /// 库存机保养
    StockMaintenance,
    /// 客户拜访
    CustomerVisit,
}

impl ServiceType {
    pub const ALL: [ServiceType; 9] = [
        ServiceType::FaultRepair,
        ServiceType::PeriodicMaintenance,
        ServiceType::ArrivalInspection,
        ServiceType::PreDeliveryInspection,
        ServiceType::NewMachineHandover,
        ServiceType::TechnicalModification,
        ServiceType::PatrolInspection,
        ServiceType::StockMaintenance,
        ServiceType::CustomerVisit,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ServiceType::FaultRepair => "fault_repair",
            ServiceType::PeriodicMaintenance => "periodic_maintenance",
            ServiceType::ArrivalInspection => "arrival_inspection",
            ServiceType::PreDeliveryInspection => "pre_delivery_inspection",
            ServiceType::NewMachineHandover => "new_machine_handover",
            ServiceType::TechnicalModification => "technical_modification",
            ServiceType::PatrolInspection => "patrol_inspection",
            ServiceType::StockMaintenance => "stock_maintenance",
            ServiceType::CustomerVisit => "customer_visit",
        }
    }

    pub fn parse(s: &str) -> Option<ServiceType> {
        ServiceType::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// Whether the order is about a fault, so that its report gives the fault's cause
    /// (故障原因): a fault repair is; a maintenance, an inspection, a handover, a modification
    /// or a visit has no fault to explain.
    pub fn has_fault(self) -> bool {
        self == ServiceType::FaultRepair
    }

    /// The name staff use, as the older photo-naming rule writes the service content.
    pub fn zh(self) -> &'static str {
        match self {
            ServiceType::FaultRepair => "故障维修",
            ServiceType::PeriodicMaintenance => "定检保养",
            ServiceType::ArrivalInspection => "到机检查",
            ServiceType::PreDeliveryInspection => "交机预检",
            ServiceType::NewMachineHandover => "新机交机",
            ServiceType::TechnicalModification => "技改",
            ServiceType::PatrolInspection => "巡检",
            ServiceType::StockMaintenance => "库存机保养",
            ServiceType::CustomerVisit => "客户拜访",
        }
    }
}

/// The status nodes of a work order, in the order the engineer reports them.
///
/// 派工 → 出发 → 到达工地 → 修复离开工地, or 派工 → 电话解决.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusNode {
    Dispatched,
    Departed,
    Arrived,
    RepairedLeft,
    ResolvedByPhone,
}

impl StatusNode {
    pub const ALL: [StatusNode; 5] = [
        StatusNode::Dispatched,
        StatusNode::Departed,
        StatusNode::Arrived,
        StatusNode::RepairedLeft,
        StatusNode::ResolvedByPhone,
    ];

    /// The nodes that may follow this one.
    pub fn next(self) -> &'static [StatusNode] {
        match self {
            StatusNode::Dispatched => &[StatusNode::Departed, StatusNode::ResolvedByPhone],
            StatusNode::Departed => &[StatusNode::Arrived],
            StatusNode::Arrived => &[StatusNode::RepairedLeft],
            StatusNode::RepairedLeft | StatusNode::ResolvedByPhone => &[],
        }
    }

    pub fn can_go_to(self, to: StatusNode) -> bool {
        self.next().contains(&to)
    }

    /// No node follows: the field work on this order is over.
    pub fn is_final(self) -> bool {
        self.next().is_empty()
    }

    pub fn as_str(self) -> &'static str {
        match self {
            StatusNode::Dispatched => "dispatched",
            StatusNode::Departed => "departed",
            StatusNode::Arrived => "arrived",
            StatusNode::RepairedLeft => "repaired_left",
            StatusNode::ResolvedByPhone => "resolved_by_phone",
        }
    }

    pub fn parse(s: &str) -> Option<StatusNode> {
        StatusNode::ALL.into_iter().find(|n| n.as_str() == s)
    }
}

/// One reported node: what, when the device said it happened, who, and by which operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusEvent {
    pub node: StatusNode,
    /// The device's clock when the engineer tapped. Kept as data; ordering is the server's.
    pub at: DateTime<Utc>,
    pub by: String,
    pub op_id: Uuid,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatusError {
    #[error("a work order at '{}' cannot go to '{}'", from.as_str(), to.as_str())]
    NotAllowed { from: StatusNode, to: StatusNode },
    #[error("'{}' can no longer be taken back", node.as_str())]
    CannotUndo { node: StatusNode },
}

/// How long after a status tap its undo is still accepted. The phone offers it for
/// [`UNDO_OFFERED_SECS`]; the rest is room for a slow tap and two readings of one clock.
pub const UNDO_WINDOW_SECS: i64 = 60;
/// How long the phone shows "undo" after a status tap.
pub const UNDO_OFFERED_SECS: i64 = 10;

/// A deadline as a person sees it at a given moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deadline {
    /// Still open, with the time left.
    Open { due: DateTime<Utc>, left: Duration },
    /// Passed and still not met.
    Overdue { due: DateTime<Utc>, by: Duration },
    /// Done in time.
    Met {
        due: DateTime<Utc>,
        at: DateTime<Utc>,
    },
    /// Done, but late.
    MetLate {
        due: DateTime<Utc>,
        at: DateTime<Utc>,
    },
}

impl Deadline {
    fn judge(due: DateTime<Utc>, done: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Deadline {
        match done {
            Some(at) if at <= due => Deadline::Met { due, at },
            Some(at) => Deadline::MetLate { due, at },
            None if now <= due => Deadline::Open {
                due,
                left: due - now,
            },
            None => Deadline::Overdue { due, by: now - due },
        }
    }

    pub fn is_late(self) -> bool {
        matches!(self, Deadline::Overdue { .. } | Deadline::MetLate { .. })
    }
}

/// A work order as the engineer's phone and the office see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkOrder {
    pub id: Uuid,
    /// 报修单号
    pub ticket: String,
    pub customer: String,
    /// 工地位置
    pub site: String,
    /// 机型, e.g. EC210D
    pub equipment_model: String,
    /// 序列号
    pub serial: String,
    /// 小时数 as read off the hour meter when the call came in.
    pub engine_hours: u32,
    /// 工况
    pub working_condition: String,
    pub fault_description: String,
    pub service_type: ServiceType,
    /// 停机: the machine cannot work until it is fixed.
    pub machine_down: bool,
    /// When the customer called: the 36-hour response target counts from here.
    pub called_at: DateTime<Utc>,
    pub planned_at: DateTime<Utc>,
    /// Username of the assigned engineer.
    pub assignee: String,
    /// Their name as people know them (张伟), for the office's screens; from the server, empty
    /// when it did not say.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub assignee_name: String,
    pub status: StatusNode,
    /// Every node reported after dispatch, in the server's order.
    pub history: Vec<StatusEvent>,
    /// The server's sequence number at this order's last change (0 when never synced).
    pub seq: i64,
    /// The photos this order's service type asks for (server configuration).
    #[serde(default)]
    pub slots: Vec<PhotoSlot>,
    /// Photos taken so far, in the order they were taken.
    #[serde(default)]
    pub photos: Vec<PhotoMeta>,
    #[serde(default)]
    pub report: ServiceReport,

    // The desk's part (all empty on orders made before the desk existed).
    /// 联系人 and their phone.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub contact_name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub contact_phone: String,
    /// Engineers dispatched with the main one (accounts).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub companions: Vec<Person>,
    /// The service station (the assignee's team when dispatched): its head sees the order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub station: Option<String>,
    /// The ticket of the earlier order on the same machine within 30 days (a repeat visit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat_of: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_response: Option<FirstResponseRecord>,
    /// What the engineer said on departing: expected arrival and companions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub departure: Option<Departure>,
    /// Every review of the report, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reviews: Vec<ReviewRound>,
    /// 关单: locked from then on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closure: Option<Closure>,
    /// How this order's photos are named (the office's setting when the order was made).
    #[serde(default)]
    pub naming: PhotoNaming,
    /// Why it is not repaired yet (the afternoon list).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unrepaired_reason: Option<Stamped>,
    /// The desk's call-backs to the customer after the order was closed (回访).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub call_backs: Vec<crate::complaints::CallBack>,
    /// The desk expects a warranty claim to the manufacturer from this order (issue 19): the
    /// report then also takes the claim's details (`report.warranty`) and a photo of every
    /// replaced part (slot [`crate::photo::OLD_PART_SLOT`]).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub claim_expected: bool,
}

impl WorkOrder {
    /// Who the order is with, as people know them: the name, else the username.
    pub fn assignee_label(&self) -> &str {
        if self.assignee_name.is_empty() {
            &self.assignee
        } else {
            &self.assignee_name
        }
    }

    /// Record a status node, if the order's current status allows it.
    pub fn apply_status(&mut self, event: StatusEvent) -> Result<(), StatusError> {
        if !self.status.can_go_to(event.node) {
            return Err(StatusError::NotAllowed {
                from: self.status,
                to: event.node,
            });
        }
        self.status = event.node;
        self.history.push(event);
        Ok(())
    }

    /// Take back the last status node, `node`, reported by `by` at most [`UNDO_WINDOW_SECS`]
    /// before `at`: the order is back at the node before it (an undone 出发 takes its departure
    /// along). Any other node, another person's, or one reported longer ago stays.
    pub fn undo_status(
        &mut self,
        node: StatusNode,
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StatusError> {
        let undoable = self.status == node
            && node != StatusNode::Dispatched
            && self.history.last().is_some_and(|e| {
                e.node == node && e.by == by && (at - e.at).num_seconds().abs() <= UNDO_WINDOW_SECS
            });
        if !undoable {
            return Err(StatusError::CannotUndo { node });
        }
        self.history.pop();
        self.status = self
            .history
            .last()
            .map_or(StatusNode::Dispatched, |e| e.node);
        if node == StatusNode::Departed {
            self.departure = None;
        }
        Ok(())
    }

    /// The node the phone offers to undo at `now`: the last one, `me`'s, reported at most
    /// [`UNDO_OFFERED_SECS`] ago, on an order still open.
    pub fn undo_offered(&self, me: &str, now: DateTime<Utc>) -> Option<StatusNode> {
        let last = self.history.last()?;
        let fresh = (now - last.at).num_seconds().abs() < UNDO_OFFERED_SECS;
        (fresh
            && last.by == me
            && last.node == self.status
            && self.status != StatusNode::Dispatched
            && self.report.submitted_at.is_none()
            && !self.is_closed())
        .then_some(last.node)
    }

    /// When a node was reported, if it was.
    pub fn reached_at(&self, node: StatusNode) -> Option<DateTime<Utc>> {
        self.history.iter().find(|e| e.node == node).map(|e| e.at)
    }

    /// On site within 36 hours of the call (a phone resolution also answers the call).
    pub fn response(&self, now: DateTime<Utc>) -> Deadline {
        let done = self
            .reached_at(StatusNode::Arrived)
            .or_else(|| self.reached_at(StatusNode::ResolvedByPhone));
        Deadline::judge(self.called_at + RESPONSE_TARGET, done, now)
    }

    /// Where the order stands in the engineer's list, most urgent first: machines still down,
    /// then orders waiting for someone on site by their 36-hour deadline (the late ones, whose
    /// deadline passed first, on top), then orders on site, then reports to write by their 3-day
    /// deadline (a sent-back report counts as one to write), then everything done, newest call
    /// first. Needs no clock: the deadlines order themselves.
    pub fn list_key(&self) -> crate::order::SortKey {
        let responded = self.reached_at(StatusNode::Arrived).is_some()
            || self.reached_at(StatusNode::ResolvedByPhone).is_some();
        let response_due = (self.called_at + RESPONSE_TARGET).timestamp_millis();
        // A sent-back report is unsubmitted again: one to write.
        let report_open = self.report.submitted_at.is_none();
        let (group, at) = if self.is_closed() {
            (5, -self.called_at.timestamp_millis())
        } else if self.machine_down && !self.status.is_final() {
            (0, response_due)
        } else if !responded {
            (1, response_due)
        } else if !self.status.is_final() {
            (2, self.called_at.timestamp_millis())
        } else if let (Some(due), StatusNode::RepairedLeft, true) =
            (self.report_due(), self.status, report_open)
        {
            (3, due.timestamp_millis())
        } else {
            (4, -self.called_at.timestamp_millis())
        };
        (group, at, self.ticket.clone())
    }

    /// The service report's deadline: 3 days after leaving the site. None before that.
    pub fn report_due(&self) -> Option<DateTime<Utc>> {
        self.reached_at(StatusNode::RepairedLeft)
            .map(|left| left + REPORT_WINDOW)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn order() -> WorkOrder {
        WorkOrder {
            id: Uuid::nil(),
            ticket: "BX-20261127-001".into(),
            customer: "中铁十四局".into(),
            site: "济南东站三期".into(),
            equipment_model: "EC210D".into(),
            serial: "VCEC210DT00012345".into(),
            engine_hours: 3520,
            working_condition: "土方".into(),
            fault_description: "液压油温高".into(),
            service_type: ServiceType::FaultRepair,
            machine_down: true,
            called_at: Utc.with_ymd_and_hms(2026, 11, 27, 8, 0, 0).unwrap(),
            planned_at: Utc.with_ymd_and_hms(2026, 11, 27, 14, 0, 0).unwrap(),
            assignee: "engineer1".into(),
            assignee_name: String::new(),
            status: StatusNode::Dispatched,
            history: vec![],
            seq: 0,
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

    fn event(node: StatusNode, hour: u32) -> StatusEvent {
        StatusEvent {
            node,
            at: Utc.with_ymd_and_hms(2026, 11, 27, hour, 0, 0).unwrap(),
            by: "engineer1".into(),
            op_id: Uuid::new_v4(),
        }
    }

    #[test]
    fn the_nodes_go_in_order_and_nowhere_else() {
        let mut wo = order();
        for (node, hour) in [
            (StatusNode::Departed, 9),
            (StatusNode::Arrived, 11),
            (StatusNode::RepairedLeft, 15),
        ] {
            wo.apply_status(event(node, hour)).unwrap();
            assert_eq!(wo.status, node);
        }
        assert!(wo.status.is_final());
        assert_eq!(wo.history.len(), 3);
        let again = wo.apply_status(event(StatusNode::Arrived, 16));
        assert_eq!(
            again,
            Err(StatusError::NotAllowed {
                from: StatusNode::RepairedLeft,
                to: StatusNode::Arrived
            })
        );
        assert_eq!(
            wo.history.len(),
            3,
            "a refused node leaves the history as it was"
        );
    }

    #[test]
    fn skipping_a_node_is_refused() {
        let mut wo = order();
        assert!(wo.apply_status(event(StatusNode::Arrived, 9)).is_err());
        assert!(wo.apply_status(event(StatusNode::RepairedLeft, 9)).is_err());
        assert!(wo.apply_status(event(StatusNode::Dispatched, 9)).is_err());
        assert_eq!(wo.status, StatusNode::Dispatched);
        wo.apply_status(event(StatusNode::ResolvedByPhone, 9))
            .unwrap();
        assert!(wo.apply_status(event(StatusNode::Departed, 10)).is_err());
    }

    /// A status tap by mistake is taken back (issue 16): the last node only, the person's
    /// own, within a minute; an undone 出发 takes its departure along; the order is then where it
    /// was, and the node can be reported again.
    #[test]
    fn the_last_status_tap_can_be_taken_back_for_a_minute() {
        let mut wo = order();
        let at = |h: u32, m: u32, s: u32| Utc.with_ymd_and_hms(2026, 11, 27, h, m, s).unwrap();
        wo.apply_status(event(StatusNode::Departed, 9)).unwrap();
        wo.departure = Some(Departure {
            expected_arrival: at(11, 0, 0),
            companions: vec!["李强".into()],
        });
        wo.apply_status(event(StatusNode::Arrived, 10)).unwrap();
        let before = wo.clone();
        // Only the last node, only by who reported it, only within the minute.
        assert!(
            wo.undo_status(StatusNode::Departed, "engineer1", at(10, 0, 5))
                .is_err()
        );
        assert!(
            wo.undo_status(StatusNode::Arrived, "engineer2", at(10, 0, 5))
                .is_err()
        );
        assert!(
            wo.undo_status(StatusNode::Arrived, "engineer1", at(10, 1, 1))
                .is_err()
        );
        assert!(
            wo.undo_status(StatusNode::Dispatched, "engineer1", at(10, 0, 5))
                .is_err()
        );
        assert_eq!(wo, before, "a refused undo changes nothing");
        // The phone offers it for ten seconds.
        assert_eq!(
            wo.undo_offered("engineer1", at(10, 0, 9)),
            Some(StatusNode::Arrived)
        );
        assert_eq!(wo.undo_offered("engineer1", at(10, 0, 10)), None);
        assert_eq!(wo.undo_offered("engineer2", at(10, 0, 1)), None);

        wo.undo_status(StatusNode::Arrived, "engineer1", at(10, 1, 0))
            .unwrap();
        assert_eq!(wo.status, StatusNode::Departed);
        assert_eq!(wo.reached_at(StatusNode::Arrived), None);
        assert!(
            wo.departure.is_some(),
            "undoing the arrival keeps the departure"
        );
        // Again at the departure: undone within its minute, it takes the departure along.
        wo.apply_status(event(StatusNode::Arrived, 10)).unwrap();
        assert_eq!(wo.history.len(), 2);
        let mut gone = wo.clone();
        gone.history.truncate(1);
        gone.status = StatusNode::Departed;
        gone.undo_status(StatusNode::Departed, "engineer1", at(9, 0, 30))
            .unwrap();
        assert_eq!(gone.status, StatusNode::Dispatched);
        assert_eq!(gone.departure, None);
        assert!(gone.history.is_empty());
        gone.apply_status(event(StatusNode::Departed, 9)).unwrap();
        assert_eq!(gone.status, StatusNode::Departed);
    }

    #[test]
    fn every_transition_matches_the_table() {
        let allowed = [
            (StatusNode::Dispatched, StatusNode::Departed),
            (StatusNode::Dispatched, StatusNode::ResolvedByPhone),
            (StatusNode::Departed, StatusNode::Arrived),
            (StatusNode::Arrived, StatusNode::RepairedLeft),
        ];
        for from in StatusNode::ALL {
            for to in StatusNode::ALL {
                assert_eq!(
                    from.can_go_to(to),
                    allowed.contains(&(from, to)),
                    "{from:?} -> {to:?}"
                );
            }
        }
    }

    #[test]
    fn response_target_is_36_hours_from_the_call() {
        let mut wo = order();
        let called = wo.called_at;
        let open = wo.response(called + Duration::hours(30));
        assert_eq!(
            open,
            Deadline::Open {
                due: called + RESPONSE_TARGET,
                left: Duration::hours(6)
            }
        );
        assert!(wo.response(called + Duration::hours(37)).is_late());

        wo.apply_status(event(StatusNode::Departed, 9)).unwrap();
        wo.apply_status(event(StatusNode::Arrived, 11)).unwrap();
        let met = wo.response(called + Duration::hours(100));
        assert!(matches!(met, Deadline::Met { .. }), "{met:?}");
    }

    #[test]
    fn report_is_due_three_days_after_leaving() {
        let mut wo = order();
        assert_eq!(wo.report_due(), None);
        for (node, hour) in [
            (StatusNode::Departed, 9),
            (StatusNode::Arrived, 11),
            (StatusNode::RepairedLeft, 15),
        ] {
            wo.apply_status(event(node, hour)).unwrap();
        }
        assert_eq!(
            wo.report_due(),
            Some(Utc.with_ymd_and_hms(2026, 11, 30, 15, 0, 0).unwrap())
        );
    }

    #[test]
    fn names_round_trip_through_serde() {
        for node in StatusNode::ALL {
            assert_eq!(StatusNode::parse(node.as_str()), Some(node));
            assert_eq!(
                serde_json::to_string(&node).unwrap(),
                format!("\"{}\"", node.as_str())
            );
        }
        for t in ServiceType::ALL {
            assert_eq!(ServiceType::parse(t.as_str()), Some(t));
            assert_eq!(
                serde_json::to_string(&t).unwrap(),
                format!("\"{}\"", t.as_str())
            );
        }
        let wo = order();
        let back: WorkOrder = serde_json::from_str(&serde_json::to_string(&wo).unwrap()).unwrap();
        assert_eq!(back, wo);
    }

    /// The engineer's list, as it was found wrong on a phone (the overdue order second, the one
    /// with 5 hours left last): machines down, then the 36 hours with the late ones first, then on
    /// site, then reports by their 3 days, then done, whatever the planned times say.
    #[test]
    fn the_engineer_s_list_puts_the_most_urgent_first() {
        let now = Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap();
        let call = |ticket: &str, hours_ago: i64, down: bool| {
            let mut wo = order();
            wo.ticket = ticket.into();
            wo.machine_down = down;
            wo.called_at = now - Duration::hours(hours_ago);
            // Planned times in the opposite order, as the old sort used them.
            wo.planned_at = now + Duration::hours(hours_ago);
            wo
        };
        let step = |wo: &mut WorkOrder, node: StatusNode, hours_ago: i64| {
            let n = wo.history.len() as u128;
            wo.apply_status(StatusEvent {
                node,
                at: now - Duration::hours(hours_ago),
                by: "engineer1".into(),
                op_id: Uuid::from_u128(n + 1),
            })
            .unwrap();
        };
        let five_hours_left = call("five-hours-left", 31, false);
        let overdue = call("overdue", 40, false);
        let fresh = call("fresh", 2, false);
        let down = call("down", 1, true);
        let mut on_site = call("on-site", 20, false);
        step(&mut on_site, StatusNode::Departed, 3);
        step(&mut on_site, StatusNode::Arrived, 1);
        let mut report_due = call("report-due", 50, false);
        step(&mut report_due, StatusNode::Departed, 30);
        step(&mut report_due, StatusNode::Arrived, 28);
        step(&mut report_due, StatusNode::RepairedLeft, 26);
        let mut done = call("done", 80, false);
        step(&mut done, StatusNode::ResolvedByPhone, 79);
        let mut down_but_left = call("down-but-left", 60, true);
        step(&mut down_but_left, StatusNode::Departed, 58);
        step(&mut down_but_left, StatusNode::Arrived, 56);
        step(&mut down_but_left, StatusNode::RepairedLeft, 50);

        let list = crate::order::ordered(
            vec![
                five_hours_left,
                done,
                fresh,
                report_due,
                down_but_left,
                on_site,
                overdue,
                down,
            ],
            WorkOrder::list_key,
        );
        let tickets: Vec<&str> = list.iter().map(|o| o.ticket.as_str()).collect();
        assert_eq!(
            tickets,
            [
                "down",
                "overdue",
                "five-hours-left",
                "fresh",
                "on-site",
                // Left 50 h ago: its report is due before the one left 26 h ago.
                "down-but-left",
                "report-due",
                "done",
            ]
        );
    }
}
