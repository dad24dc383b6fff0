//! The 400 desk's rules: how a new ticket number is made, when a call is a repeat visit, and which
//! follow-up lists an order belongs on at a given moment.
//!
//! Plain functions over the model's types: the office app shows them, the server enforces them.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::work_order::{Deadline, StatusNode, WorkOrder};

/// A second call on the same machine within this long after the first is a repeat visit.
pub const REPEAT_WINDOW: Duration = Duration::days(30);
/// The response (on site within 36 hours) is "due soon" with less than this left.
pub const RESPONSE_SOON: Duration = Duration::hours(12);
/// The report (3 days after leaving the site) is "due soon" with less than this left.
pub const REPORT_SOON: Duration = Duration::hours(24);
/// The longest ticket number the desk may type.
pub const MAX_TICKET_CHARS: usize = 40;

/// Why a ticket rule or a typed ticket number is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TicketError {
    #[error("the rule needs exactly one sequence number, written {{n:3}} (1 to 6 digits)")]
    Sequence,
    #[error(
        "unknown part {0:?} in the rule (use {{yyyy}}, {{yy}}, {{mm}}, {{dd}}, {{yyyymmdd}}, {{n:3}})"
    )]
    UnknownPart(String),
    #[error("a ticket number has letters, digits, '-' and '_' only, at most 40 of them")]
    Characters,
    #[error("a ticket number cannot be empty")]
    Empty,
}

/// One piece of a ticket rule.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Year4,
    Year2,
    Month,
    Day,
    /// The day's sequence number, zero-padded to this many digits.
    Seq(usize),
}

/// How ticket numbers are made, e.g. `BX-{yyyymmdd}-{n:3}` → `BX-20261127-014`: the date of the
/// call, and the day's next free number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TicketRule {
    pattern: String,
    #[serde(skip)]
    parts: Vec<Part>,
}

impl Default for TicketRule {
    fn default() -> Self {
        TicketRule::new("BX-{yyyymmdd}-{n:3}").expect("the default rule is valid")
    }
}

impl TryFrom<String> for TicketRule {
    type Error = TicketError;
    fn try_from(pattern: String) -> Result<Self, TicketError> {
        TicketRule::new(&pattern)
    }
}

impl From<TicketRule> for String {
    fn from(rule: TicketRule) -> String {
        rule.pattern
    }
}

fn ticket_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

impl TicketRule {
    pub fn new(pattern: &str) -> Result<TicketRule, TicketError> {
        let mut parts = Vec::new();
        let mut rest = pattern;
        while !rest.is_empty() {
            match rest.find('{') {
                Some(0) => {
                    let end = rest
                        .find('}')
                        .ok_or_else(|| TicketError::UnknownPart(rest.into()))?;
                    let name = &rest[1..end];
                    match name {
                        "yyyy" => parts.push(Part::Year4),
                        "yy" => parts.push(Part::Year2),
                        "mm" => parts.push(Part::Month),
                        "dd" => parts.push(Part::Day),
                        "yyyymmdd" => parts.extend([Part::Year4, Part::Month, Part::Day]),
                        _ => match name.strip_prefix("n:").map(str::parse::<usize>) {
                            Some(Ok(width @ 1..=6)) => parts.push(Part::Seq(width)),
                            Some(_) => return Err(TicketError::Sequence),
                            None => return Err(TicketError::UnknownPart(name.into())),
                        },
                    }
                    rest = &rest[end + 1..];
                }
                found => {
                    let text = &rest[..found.unwrap_or(rest.len())];
                    if !text.chars().all(ticket_char) {
                        return Err(TicketError::Characters);
                    }
                    parts.push(Part::Text(text.into()));
                    rest = &rest[text.len()..];
                }
            }
        }
        if parts.iter().filter(|p| matches!(p, Part::Seq(_))).count() != 1 {
            return Err(TicketError::Sequence);
        }
        Ok(TicketRule {
            pattern: pattern.into(),
            parts,
        })
    }

    pub fn pattern(&self) -> &str {
        &self.pattern
    }

    /// The ticket for the `n`th call of `date`.
    pub fn format(&self, date: NaiveDate, n: u32) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Year4 => out.push_str(&format!("{:04}", date.year())),
                Part::Year2 => out.push_str(&format!("{:02}", date.year() % 100)),
                Part::Month => out.push_str(&format!("{:02}", date.month())),
                Part::Day => out.push_str(&format!("{:02}", date.day())),
                Part::Seq(width) => out.push_str(&format!("{n:0width$}")),
            }
        }
        out
    }

    /// The day's number of a ticket made by this rule for `date`, if it is one.
    pub fn sequence_of(&self, date: NaiveDate, ticket: &str) -> Option<u32> {
        let mut rest = ticket;
        let mut seq = None;
        for part in &self.parts {
            if let Part::Seq(width) = part {
                let digits = rest.chars().take_while(char::is_ascii_digit).count();
                if digits < *width {
                    return None;
                }
                seq = Some(rest[..digits].parse().ok()?);
                rest = &rest[digits..];
            } else {
                let fixed = match part {
                    Part::Text(t) => t.clone(),
                    other => TicketRule {
                        pattern: String::new(),
                        parts: vec![other.clone()],
                    }
                    .format(date, 0),
                };
                rest = rest.strip_prefix(fixed.as_str())?;
            }
        }
        if rest.is_empty() { seq } else { None }
    }

    /// The next ticket for a call on `date`: one more than the highest number this rule gave that
    /// day among `taken` (numbers typed by hand in another form are not counted, nor reused).
    pub fn next<'a>(&self, date: NaiveDate, taken: impl IntoIterator<Item = &'a str>) -> String {
        let highest = taken
            .into_iter()
            .filter_map(|t| self.sequence_of(date, t))
            .max()
            .unwrap_or(0);
        self.format(date, highest + 1)
    }
}

/// A ticket number typed at the desk: letters, digits, '-' and '_', at most 40.
pub fn check_ticket(ticket: &str) -> Result<(), TicketError> {
    if ticket.is_empty() {
        return Err(TicketError::Empty);
    }
    if ticket.chars().count() > MAX_TICKET_CHARS || !ticket.chars().all(ticket_char) {
        return Err(TicketError::Characters);
    }
    Ok(())
}

/// Whether a serial number is known: an order taken before the machine was identified ("99"
/// orders) leaves it empty until the desk fills it in.
pub fn serial_known(serial: &str) -> bool {
    !serial.trim().is_empty()
}

/// The earlier order this one repeats: the latest other order on the same machine (same serial,
/// ignoring case and spaces) called within 30 days before it. An unknown serial repeats nothing.
pub fn repeat_of<'a>(order: &WorkOrder, others: &'a [WorkOrder]) -> Option<&'a WorkOrder> {
    if !serial_known(&order.serial) {
        return None;
    }
    let same = |s: &str| s.trim().eq_ignore_ascii_case(order.serial.trim());
    others
        .iter()
        .filter(|o| o.id != order.id && same(&o.serial))
        .filter(|o| {
            o.called_at <= order.called_at && order.called_at - o.called_at <= REPEAT_WINDOW
        })
        .max_by_key(|o| o.called_at)
}

/// The desk's follow-up lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FollowUp {
    /// 停机, and not repaired yet.
    MachineDown,
    /// Not on site yet, less than 12 hours left of the 36.
    ResponseDueSoon,
    /// Not on site after 36 hours.
    ResponseLate,
    /// Left the site, report not submitted, less than a day left of the 3.
    ReportDueSoon,
    /// Report not submitted 3 days after leaving the site.
    ReportLate,
    /// Not repaired yet (the afternoon list sent by 16:30).
    Unrepaired,
}

/// The lists `order` is on at `now`.
pub fn follow_ups(order: &WorkOrder, now: DateTime<Utc>) -> Vec<FollowUp> {
    let mut lists = Vec::new();
    if order.is_closed() {
        return lists;
    }
    let repaired = matches!(
        order.status,
        StatusNode::RepairedLeft | StatusNode::ResolvedByPhone
    );
    if !repaired {
        if order.machine_down {
            lists.push(FollowUp::MachineDown);
        }
        lists.push(FollowUp::Unrepaired);
    }
    match order.response(now) {
        Deadline::Open { left, .. } if left < RESPONSE_SOON => {
            lists.push(FollowUp::ResponseDueSoon)
        }
        Deadline::Overdue { .. } => lists.push(FollowUp::ResponseLate),
        _ => {}
    }
    if let Some(due) = order.report_due()
        && order.report.submitted_at.is_none()
    {
        if now > due {
            lists.push(FollowUp::ReportLate);
        } else if due - now < REPORT_SOON {
            lists.push(FollowUp::ReportDueSoon);
        }
    }
    lists
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::work_order::{ServiceType, StatusEvent};
    use uuid::Uuid;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    pub(crate) fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    pub(crate) fn order(serial: &str, called: &str) -> WorkOrder {
        WorkOrder {
            id: Uuid::new_v4(),
            ticket: "BX-20261127-001".into(),
            customer: "中建三局".into(),
            site: "光谷".into(),
            equipment_model: "EC210D".into(),
            serial: serial.into(),
            engine_hours: 3520,
            working_condition: "土方".into(),
            fault_description: String::new(),
            service_type: ServiceType::FaultRepair,
            machine_down: false,
            called_at: at(called),
            planned_at: at(called),
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

    pub(crate) fn reach(o: &mut WorkOrder, node: StatusNode, when: &str) {
        o.apply_status(StatusEvent {
            node,
            at: at(when),
            by: "engineer1".into(),
            op_id: Uuid::new_v4(),
        })
        .unwrap();
    }

    #[test]
    fn the_default_rule_numbers_each_day_from_one() {
        let rule = TicketRule::default();
        assert_eq!(rule.format(day(27), 14), "BX-20261127-014");
        assert_eq!(rule.next(day(27), []), "BX-20261127-001");
        let taken = [
            "BX-20261127-001",
            "BX-20261127-014",
            "BX-20261126-099",
            "typed-by-hand",
        ];
        assert_eq!(rule.next(day(27), taken), "BX-20261127-015");
        assert_eq!(rule.next(day(26), taken), "BX-20261126-100");
        assert_eq!(rule.next(day(28), taken), "BX-20261128-001");
    }

    #[test]
    fn a_day_past_the_padding_keeps_counting() {
        let rule = TicketRule::new("{yy}{mm}{dd}{n:2}").unwrap();
        assert_eq!(rule.next(day(3), ["26110399"]), "261103100");
        assert_eq!(rule.sequence_of(day(3), "261103100"), Some(100));
        assert_eq!(rule.sequence_of(day(3), "2611031"), None, "too few digits");
        assert_eq!(rule.sequence_of(day(4), "26110399"), None, "another day");
    }

    #[test]
    fn a_rule_has_one_sequence_and_known_parts() {
        assert_eq!(TicketRule::new("BX-{yyyymmdd}"), Err(TicketError::Sequence));
        assert_eq!(TicketRule::new("{n:3}-{n:2}"), Err(TicketError::Sequence));
        assert_eq!(TicketRule::new("{n:9}"), Err(TicketError::Sequence));
        assert_eq!(
            TicketRule::new("{week}-{n:3}"),
            Err(TicketError::UnknownPart("week".into()))
        );
        assert_eq!(TicketRule::new("B X/{n:3}"), Err(TicketError::Characters));
        let json = serde_json::to_string(&TicketRule::default()).unwrap();
        assert_eq!(json, "\"BX-{yyyymmdd}-{n:3}\"");
        let back: TicketRule = serde_json::from_str(&json).unwrap();
        assert_eq!(back.format(day(1), 1), "BX-20261101-001");
        assert!(serde_json::from_str::<TicketRule>("\"BX\"").is_err());
    }

    #[test]
    fn typed_tickets_are_plain() {
        assert!(check_ticket("BX-20261127-014").is_ok());
        assert_eq!(check_ticket(""), Err(TicketError::Empty));
        assert_eq!(check_ticket("../etc"), Err(TicketError::Characters));
        assert_eq!(check_ticket("BX 1"), Err(TicketError::Characters));
        assert_eq!(check_ticket(&"9".repeat(41)), Err(TicketError::Characters));
    }

    #[test]
    fn a_second_call_on_a_machine_within_30_days_is_a_repeat() {
        let first = order("VCEC210DC00312457", "2026-11-01T08:00:00Z");
        let older = order("VCEC210DC00312457", "2026-09-01T08:00:00Z");
        let other = order("OTHER", "2026-11-20T08:00:00Z");
        let history = vec![first.clone(), older, other];
        let again = order(" vcec210dc00312457 ", "2026-11-30T08:00:00Z");
        assert_eq!(repeat_of(&again, &history).map(|o| o.id), Some(first.id));
        let later = order("VCEC210DC00312457", "2026-12-02T08:00:01Z");
        assert_eq!(
            repeat_of(&later, &history).map(|o| o.id),
            None,
            "31 days after"
        );
        assert_eq!(
            repeat_of(&first, &history).map(|o| o.id),
            None,
            "not itself"
        );
        let unknown = order("", "2026-11-02T08:00:00Z");
        let with_unknown = vec![order("", "2026-11-01T08:00:00Z")];
        assert!(
            repeat_of(&unknown, &with_unknown).is_none(),
            "an unknown serial repeats nothing"
        );
    }

    #[test]
    fn follow_up_lists_follow_the_deadlines() {
        let mut o = order("S1", "2026-11-27T08:00:00Z");
        o.machine_down = true;
        let lists = |o: &WorkOrder, now: &str| follow_ups(o, at(now));
        assert_eq!(
            lists(&o, "2026-11-27T09:00:00Z"),
            vec![FollowUp::MachineDown, FollowUp::Unrepaired]
        );
        assert_eq!(
            lists(&o, "2026-11-28T09:00:00Z"),
            vec![
                FollowUp::MachineDown,
                FollowUp::Unrepaired,
                FollowUp::ResponseDueSoon
            ]
        );
        assert_eq!(
            lists(&o, "2026-11-28T20:00:01Z"),
            vec![
                FollowUp::MachineDown,
                FollowUp::Unrepaired,
                FollowUp::ResponseLate
            ]
        );
        reach(&mut o, StatusNode::Departed, "2026-11-28T06:00:00Z");
        reach(&mut o, StatusNode::Arrived, "2026-11-28T10:00:00Z");
        reach(&mut o, StatusNode::RepairedLeft, "2026-11-28T15:00:00Z");
        assert!(lists(&o, "2026-11-29T09:00:00Z").is_empty());
        assert_eq!(
            lists(&o, "2026-12-01T09:00:00Z"),
            vec![FollowUp::ReportDueSoon]
        );
        assert_eq!(
            lists(&o, "2026-12-01T15:00:01Z"),
            vec![FollowUp::ReportLate]
        );
        o.report.submitted_at = Some(at("2026-12-02T08:00:00Z"));
        assert!(lists(&o, "2026-12-03T09:00:00Z").is_empty());
    }
}
