//! The engineers' and the 400 agents' cards of periods that are over, kept (issue 18, "Fast at
//! the company's size"; migration 0019), so that a department's trend or every engineer's card
//! of last month reads one stored row per person and period instead of a year of orders read
//! whole.
//!
//! A stored card is never trusted on its own: each read first takes the span's orders lean
//! (id, ticket, whose, call time and `seq`: no JSON, no photos, no history) and works out, per
//! person and period, what the card is computed from, its *source*: every one of the person's
//! orders of the period with its `seq` (every write to an order, from the phone or the office,
//! moves it: status nodes, photos, the report and its waiver's answer, reviews, closure,
//! call-backs, reassignment), and what bears on those orders from outside their rows: the
//! office's first-fix excuses, the complaints about them, the later orders naming them (second
//! visits), and the rules (the weights, the configured photo slots, the desk's call-back days).
//! A stored card whose source differs is computed again and written over; so a later event
//! that changes a past period (an excuse, a valid complaint, a dissatisfied call-back, a waiver
//! answered) changes the card at once, with no write path having to remember to drop anything.
//!
//! Only a card that time alone can no longer change is stored: the period is over and the card
//! computed at `as_of` equals the card computed a century later (no deadline of its orders is
//! still open). The figures are the model's, computed exactly as without the summaries (the
//! tests in `server/tests/api/scorecards.rs` compare the two ways).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use fieldbook_model::complaints::Complaint;
use fieldbook_model::reports::Period;
use fieldbook_model::scorecard::agent::{AgentRules, AgentScorecard, agent_card_over};
use fieldbook_model::scorecard::{EngineerMonth, EngineerRules, EngineerScorecard, Month};
use fieldbook_model::work_order::WorkOrder;
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::db;
use crate::error::AppError;
use crate::routes::scorecards::{complaints_since, excused, start_of};
use crate::work_orders;

/// Which card a summary is.
#[derive(Clone, Copy)]
enum Card {
    Engineer,
    Agent,
}

impl Card {
    fn as_str(self) -> &'static str {
        match self {
            Card::Engineer => "engineer",
            Card::Agent => "agent",
        }
    }
}

/// The stored call times a period's card reads, as the month's card always read them: a day
/// either side (the model picks the period exactly).
fn text_bounds(period: Period) -> (String, String) {
    (
        db::time_to_text(period.start() - Duration::days(1)),
        db::time_to_text(period.end() + Duration::days(1)),
    )
}

/// An order as the sources see it.
#[derive(sqlx::FromRow)]
struct LeanOrder {
    id: String,
    ticket: String,
    /// The engineer's or the agent's username.
    person: String,
    /// The engineer's user id (the agents': unused).
    person_id: String,
    called_at: String,
    seq: i64,
}

/// What one person's card of one period is computed from, digested, and the ids of their
/// orders' engineer (to read only theirs when only theirs are missing).
#[derive(Default)]
struct Source {
    digest: Sha256,
    orders: u32,
    person_id: String,
}

impl Source {
    fn text(self) -> String {
        let digest = self.digest.finalize();
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        format!("{}:{hex}", self.orders)
    }
}

/// The span's orders lean, each in the period it was called in (`periods` contiguous, oldest
/// first): per period, each person's orders in call order.
async fn lean_orders(
    conn: &mut db::Conn,
    card: Card,
    periods: &[Period],
    person_id: Option<&str>,
) -> Result<Vec<HashMap<String, Vec<LeanOrder>>>, AppError> {
    let (from, _) = text_bounds(periods[0]);
    let (_, to) = text_bounds(periods[periods.len() - 1]);
    let rows: Vec<LeanOrder> = match card {
        Card::Engineer => {
            sqlx::query_as(
                "SELECT w.id, w.ticket, u.username AS person, w.assignee_id AS person_id, \
                 w.called_at, w.seq FROM work_orders w JOIN users u ON u.id = w.assignee_id \
                 WHERE w.called_at >= $1 AND w.called_at < $2 \
                 AND ($3 IS NULL OR w.assignee_id = $3) ORDER BY w.called_at, w.id",
            )
            .bind(&from)
            .bind(&to)
            .bind(person_id)
            .fetch_all(&mut *conn)
            .await?
        }
        Card::Agent => {
            sqlx::query_as(
                "SELECT id, ticket, taken_by AS person, '' AS person_id, called_at, seq \
                 FROM work_orders WHERE called_at >= $1 AND called_at < $2 \
                 AND taken_by IS NOT NULL ORDER BY called_at, id",
            )
            .bind(&from)
            .bind(&to)
            .fetch_all(&mut *conn)
            .await?
        }
    };
    let starts: Vec<DateTime<Utc>> = periods.iter().map(|p| p.start()).collect();
    let mut buckets: Vec<HashMap<String, Vec<LeanOrder>>> =
        (0..periods.len()).map(|_| HashMap::new()).collect();
    for row in rows {
        let at = db::time_from_text(&row.called_at)
            .map_err(|_| AppError::Internal(format!("work order {}: bad called_at", row.id)))?;
        let i = starts.partition_point(|s| *s <= at);
        if i > 0 && periods[i - 1].contains(at) {
            buckets[i - 1]
                .entry(row.person.clone())
                .or_default()
                .push(row);
        }
    }
    Ok(buckets)
}

/// The stored cards of `periods` (by period start and person): their source and JSON.
async fn stored(
    conn: &mut db::Conn,
    card: Card,
    periods: &[Period],
    person: Option<&str>,
) -> Result<HashMap<(String, String), (String, String)>, AppError> {
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT first_day, person, source, card_json FROM scorecard_summaries \
         WHERE card = $1 AND period_kind = $2 AND first_day >= $3 AND first_day <= $4 \
         AND ($5 IS NULL OR person = $5)",
    )
    .bind(card.as_str())
    .bind(periods[0].kind.as_str())
    .bind(periods[0].first.to_string())
    .bind(periods[periods.len() - 1].first.to_string())
    .bind(person)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(first, person, source, json)| ((first, person), (source, json)))
        .collect())
}

/// Keep the cards that time can no longer change (`fresh`: period, person, source, card).
async fn keep<T: Serialize>(
    conn: &mut db::Conn,
    card: Card,
    fresh: &[(Period, &str, String, T)],
) -> Result<(), AppError> {
    if fresh.is_empty() {
        return Ok(());
    }
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
    for (period, person, source, c) in fresh {
        let json = serde_json::to_string(c)
            .map_err(|e| AppError::Internal(format!("cannot keep a scorecard: {e}")))?;
        sqlx::query(
            "INSERT INTO scorecard_summaries (card, period_kind, first_day, person, source, \
             card_json) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (card, period_kind, first_day, person) DO UPDATE SET \
             source = excluded.source, card_json = excluded.card_json",
        )
        .bind(card.as_str())
        .bind(period.kind.as_str())
        .bind(period.first.to_string())
        .bind(*person)
        .bind(source)
        .bind(json)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

fn parse<T: DeserializeOwned>(json: &str) -> Result<T, AppError> {
    serde_json::from_str(json)
        .map_err(|e| AppError::Internal(format!("scorecard_summaries: bad card_json: {e}")))
}

/// Long after every deadline a card can hold (36 hours, 3 days, the call-back days).
fn much_later(as_of: DateTime<Utc>) -> DateTime<Utc> {
    as_of + Duration::days(36_500)
}

/// Whether a card of `period` computed at `as_of` may be kept: the period is over and the card
/// computed much later is the same (nothing still open that time alone would decide).
fn settled<T: PartialEq>(
    period: Period,
    as_of: DateTime<Utc>,
    now: &T,
    later: impl FnOnce() -> T,
) -> bool {
    as_of >= period.end() && *now == later()
}

/// The engineers' cards of `periods` (contiguous, of one kind, oldest first): `cards[i][j]` is
/// `engineers[j]`'s card of `periods[i]`, computed at `as_of` by the model (name and station
/// left empty). `assignee_id`: the one engineer's user id when `engineers` is them alone (their
/// orders only are read).
pub async fn engineer_cards(
    conn: &mut db::Conn,
    periods: &[Period],
    engineers: &[&str],
    assignee_id: Option<&str>,
    as_of: DateTime<Utc>,
) -> Result<Vec<Vec<EngineerScorecard>>, AppError> {
    if periods.is_empty() {
        return Ok(Vec::new());
    }
    let rules = EngineerRules::default();
    let lean = lean_orders(conn, Card::Engineer, periods, assignee_id).await?;
    // (ticket, repeat_of, called_at) of the later visits since the span's start, in call order:
    // each period reads those called from its own start on, as its month's card does.
    let (span_from, _) = text_bounds(periods[0]);
    let repeats: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT ticket, repeat_of, called_at FROM work_orders \
         WHERE called_at >= $1 AND repeat_of IS NOT NULL ORDER BY called_at, id",
    )
    .bind(&span_from)
    .fetch_all(&mut *conn)
    .await?;
    let complaints = complaints_since(conn, Month::of(periods[0].start())).await?;
    let excused = excused(conn).await?;
    let excused_set: HashSet<Uuid> = excused.iter().copied().collect();
    let slots: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT service_type, key, CASE WHEN required THEN 1 ELSE 0 END FROM photo_slots \
         ORDER BY service_type, position, key",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut rules_digest = Sha256::new();
    rules_digest.update(serde_json::to_string(&rules).unwrap_or_default());
    for (t, k, r) in &slots {
        rules_digest.update(format!("|{t}/{k}/{r}"));
    }
    let person = match engineers {
        [one] => Some(*one),
        _ => None,
    };
    let mut kept = stored(conn, Card::Engineer, periods, person).await?;

    let mut cards = Vec::with_capacity(periods.len());
    for (period, lean) in periods.iter().zip(&lean) {
        let (p_from, p_to) = text_bounds(*period);
        let month_start = start_of(Month::of(period.start()));
        let complaints: Vec<&Complaint> = complaints
            .iter()
            .filter(|c| c.taken_at >= month_start)
            .collect();
        let mut about: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
        for c in &complaints {
            if let Some(id) = c.work_order_id {
                about.entry(id).or_default().push(c.id);
            }
        }
        let visits: Vec<(&str, &str)> = repeats
            .iter()
            .filter(|(_, _, at)| *at >= p_from)
            .map(|(t, r, _)| (t.as_str(), r.as_str()))
            .collect();
        let mut second_visit: HashMap<&str, &str> = HashMap::new();
        for (later, earlier) in &visits {
            if later != earlier {
                second_visit.entry(*earlier).or_insert(*later);
            }
        }
        let mut row: Vec<Option<EngineerScorecard>> = vec![None; engineers.len()];
        let mut missing: Vec<(usize, Source)> = Vec::new();
        for (j, e) in engineers.iter().enumerate() {
            let Some(orders) = lean.get(*e) else {
                // No orders in the period: the model's full card, nothing to read.
                let none: [WorkOrder; 0] = [];
                row[j] =
                    Some(EngineerMonth::over(*period, &none, &[], &[], &[]).card(e, &rules, as_of));
                continue;
            };
            let mut source = Source {
                digest: rules_digest.clone(),
                orders: orders.len() as u32,
                person_id: orders[0].person_id.clone(),
            };
            for o in orders {
                let id = Uuid::parse_str(&o.id).unwrap_or_default();
                source.digest.update(format!(
                    "|{}/{}/{}/{}",
                    o.id,
                    o.seq,
                    excused_set.contains(&id),
                    second_visit
                        .get(o.ticket.as_str())
                        .copied()
                        .unwrap_or_default()
                ));
                for c in about.get(&id).into_iter().flatten() {
                    source.digest.update(format!("/{c}"));
                }
            }
            missing.push((j, source));
        }
        // The stored cards whose source still holds.
        let mut fresh_needed = Vec::new();
        for (j, source) in missing {
            let key = (period.first.to_string(), engineers[j].to_string());
            let person_id = source.person_id.clone();
            let text = source.text();
            match kept.remove(&key) {
                Some((s, json)) if s == text => row[j] = Some(parse(&json)?),
                _ => fresh_needed.push((j, text, person_id)),
            }
        }
        if !fresh_needed.is_empty() {
            // A few engineers' orders by their ids; more: the period's orders once.
            let mut orders: Vec<WorkOrder> = Vec::new();
            if fresh_needed.len() <= 3 {
                for (_, _, id) in &fresh_needed {
                    orders
                        .extend(work_orders::called_between(conn, &p_from, &p_to, Some(id)).await?);
                }
            } else {
                orders = work_orders::called_between(conn, &p_from, &p_to, assignee_id).await?;
            }
            let complaints: Vec<Complaint> = complaints.iter().map(|c| (*c).clone()).collect();
            let records = EngineerMonth::over(*period, &orders, &visits, &complaints, &excused);
            let mut fresh = Vec::new();
            for (j, text, _) in fresh_needed {
                let e = engineers[j];
                let card = records.card(e, &rules, as_of);
                if settled(*period, as_of, &card, || {
                    records.card(e, &rules, much_later(as_of))
                }) {
                    fresh.push((*period, e, text, card.clone()));
                }
                row[j] = Some(card);
            }
            keep(conn, Card::Engineer, &fresh).await?;
        }
        cards.push(row.into_iter().flatten().collect());
    }
    Ok(cards)
}

/// The agents' cards of `periods` (as [`engineer_cards`]): `cards[i][j]` is `agents[j]`'s card
/// of `periods[i]` at `as_of` (name left empty).
pub async fn agent_cards(
    conn: &mut db::Conn,
    periods: &[Period],
    agents: &[&str],
    rules: &AgentRules,
    as_of: DateTime<Utc>,
) -> Result<Vec<Vec<AgentScorecard>>, AppError> {
    if periods.is_empty() {
        return Ok(Vec::new());
    }
    let lean = lean_orders(conn, Card::Agent, periods, None).await?;
    let mut rules_digest = Sha256::new();
    rules_digest.update(serde_json::to_string(rules).unwrap_or_default());
    let person = match agents {
        [one] => Some(*one),
        _ => None,
    };
    let mut kept = stored(conn, Card::Agent, periods, person).await?;
    let mut cards = Vec::with_capacity(periods.len());
    for (period, lean) in periods.iter().zip(&lean) {
        let mut row: Vec<Option<AgentScorecard>> = vec![None; agents.len()];
        let mut fresh_needed = Vec::new();
        for (j, a) in agents.iter().enumerate() {
            let Some(orders) = lean.get(*a) else {
                row[j] = Some(agent_card_over(a, *period, &[], rules, as_of));
                continue;
            };
            let mut source = Source {
                digest: rules_digest.clone(),
                orders: orders.len() as u32,
                person_id: String::new(),
            };
            for o in orders {
                source.digest.update(format!("|{}/{}", o.id, o.seq));
            }
            let text = source.text();
            match kept.remove(&(period.first.to_string(), a.to_string())) {
                Some((s, json)) if s == text => row[j] = Some(parse(&json)?),
                _ => fresh_needed.push((j, text)),
            }
        }
        if !fresh_needed.is_empty() {
            let (p_from, p_to) = text_bounds(*period);
            let taken = work_orders::taken_between(conn, &p_from, &p_to).await?;
            let mut by_agent: HashMap<&str, Vec<&WorkOrder>> = HashMap::new();
            for (by, o) in &taken {
                by_agent.entry(by.as_str()).or_default().push(o);
            }
            let mut fresh = Vec::new();
            for (j, text) in fresh_needed {
                let a = agents[j];
                let mine = by_agent.get(a).map(Vec::as_slice).unwrap_or_default();
                let card = agent_card_over(a, *period, mine, rules, as_of);
                if settled(*period, as_of, &card, || {
                    agent_card_over(a, *period, mine, rules, much_later(as_of))
                }) {
                    fresh.push((*period, a, text, card.clone()));
                }
                row[j] = Some(card);
            }
            keep(conn, Card::Agent, &fresh).await?;
        }
        cards.push(row.into_iter().flatten().collect());
    }
    Ok(cards)
}
