//! The desk's shared rules on the server: who may do what (dispatchers everything, a station
//! head only their station's orders), the desk's settings row, and loading an order for a change.

use chrono::{DateTime, NaiveDate, Utc};
use fieldbook_model::desk::{DeskError, DeskSettings, Person};
use fieldbook_model::dispatch::TicketRule;
use fieldbook_model::{ClockOff, Role, WorkOrder, WorkOrderDetail};
use uuid::Uuid;

use crate::auth::CurrentUser;
use crate::db::{self, Conn, Tx};
use crate::error::AppError;
use crate::state::AppState;
use crate::{held_ops, users, work_orders};

/// Which orders a desk user works on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// A dispatcher: every order.
    All,
    /// A station head: the orders of their station (their team). A head without a team has none.
    Station(String),
}

impl Scope {
    /// The station to filter on, `None` for every order.
    pub fn station(&self) -> Option<&str> {
        match self {
            Scope::All => None,
            Scope::Station(s) => Some(s),
        }
    }

    /// Whether the order is within this scope.
    pub fn covers(&self, wo: &WorkOrder) -> bool {
        match self {
            Scope::All => true,
            Scope::Station(s) => wo.station.as_deref() == Some(s.as_str()),
        }
    }
}

/// The scope of a desk user (dispatcher or station head); everyone else is refused.
pub fn scope(user: &CurrentUser) -> Result<Scope, AppError> {
    match user.profile.role {
        Role::Dispatcher => Ok(Scope::All),
        Role::ServiceSupervisor => Ok(Scope::Station(
            user.profile.team.clone().unwrap_or_default(),
        )),
        _ => Err(AppError::Forbidden("this is the office desk's".into())),
    }
}

/// Who answers a waiver request (免签): the station head, for their station's orders, and a
/// manager, for every order; the 400 desk does not.
pub fn waiver_scope(user: &CurrentUser) -> Result<Scope, AppError> {
    match user.profile.role {
        Role::Manager => Ok(Scope::All),
        Role::ServiceSupervisor => scope(user),
        _ => Err(AppError::Forbidden(
            "only the station head (or a manager) answers a waiver request".into(),
        )),
    }
}

/// Dispatchers only (the 400 desk): taking calls, reviews, settings, held work.
pub fn dispatcher(user: &CurrentUser) -> Result<(), AppError> {
    if user.profile.role == Role::Dispatcher {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only the 400 desk (dispatchers) may do this".into(),
        ))
    }
}

/// The signed-in person as orders name them.
pub fn person(user: &CurrentUser) -> Person {
    Person {
        username: user.profile.username.clone(),
        name: user.profile.display_name.clone(),
    }
}

/// The date the company works in (China Standard Time): ticket numbers and "today".
pub fn china_date(at: DateTime<Utc>) -> NaiveDate {
    fieldbook_model::op::naming_date(at)
}

/// 409 `order_closed`.
pub fn closed() -> AppError {
    AppError::refused(
        axum::http::StatusCode::CONFLICT,
        "order_closed",
        "the office closed this work order (关单); it cannot change",
    )
}

/// A refused review, phone fix or desk change, as the API answers it.
pub fn desk_error(e: DeskError) -> AppError {
    use axum::http::StatusCode;
    let (status, code) = match e {
        DeskError::Closed => return closed(),
        DeskError::NotSubmitted => (StatusCode::CONFLICT, "not_submitted"),
        DeskError::AlreadyDeparted => (StatusCode::CONFLICT, "already_departed"),
        DeskError::NoItems => (StatusCode::UNPROCESSABLE_ENTITY, "no_items"),
        DeskError::BadReason => (StatusCode::UNPROCESSABLE_ENTITY, "bad_reason"),
        DeskError::UnknownPhoto => (StatusCode::UNPROCESSABLE_ENTITY, "unknown_photo"),
        DeskError::NoResolution => (StatusCode::UNPROCESSABLE_ENTITY, "no_resolution"),
        DeskError::NoWaiver => (StatusCode::NOT_FOUND, "no_waiver_request"),
        DeskError::AlreadyDecided => (StatusCode::CONFLICT, "already_decided"),
        DeskError::ReportInConflict => (StatusCode::CONFLICT, "report_in_conflict"),
        DeskError::NoConflict => (StatusCode::CONFLICT, "no_conflict"),
    };
    AppError::refused(status, code, e.to_string())
}

/// 422 with `code`, the message naming the field.
pub fn unprocessable(code: &'static str, message: impl Into<String>) -> AppError {
    AppError::Unprocessable {
        code,
        message: message.into(),
    }
}

/// An engineer the desk may send: an enabled account with the engineer role.
pub async fn engineer(
    conn: &mut Conn,
    field: &str,
    username: &str,
) -> Result<users::UserRecord, AppError> {
    let Some(user) = users::find_by_username(conn, username).await? else {
        return Err(unprocessable(
            "unknown_user",
            format!("{field}: there is no user '{username}'"),
        ));
    };
    if user.role != Role::Engineer {
        return Err(unprocessable(
            "not_an_engineer",
            format!("{field}: '{username}' is not a service engineer"),
        ));
    }
    if user.disabled {
        return Err(unprocessable(
            "user_disabled",
            format!("{field}: '{username}' is disabled"),
        ));
    }
    Ok(user)
}

/// Companions as accounts: each an enabled engineer, none twice, never the main engineer.
pub async fn companions(
    conn: &mut Conn,
    usernames: &[String],
    assignee: &str,
    station: Option<&str>,
) -> Result<Vec<Person>, AppError> {
    let mut people: Vec<Person> = Vec::with_capacity(usernames.len());
    for name in usernames {
        if name == assignee {
            return Err(unprocessable(
                "companion_is_assignee",
                "companions: the main engineer cannot also be a companion",
            ));
        }
        if people.iter().any(|p| &p.username == name) {
            return Err(unprocessable(
                "invalid_value",
                format!("companions: '{name}' is listed twice"),
            ));
        }
        let user = engineer(conn, "companions", name).await?;
        if let Some(station) = station
            && user.team.as_deref() != Some(station)
        {
            return Err(AppError::Forbidden(format!(
                "companions: '{name}' is not an engineer of your station"
            )));
        }
        people.push(Person {
            username: user.username,
            name: user.display_name,
        });
    }
    Ok(people)
}

/// The desk's settings (the defaults when the row is missing).
pub async fn settings(conn: &mut Conn) -> Result<DeskSettings, AppError> {
    let row: Option<(String, String, i64)> = sqlx::query_as(
        "SELECT ticket_rule, photo_naming, call_back_days FROM desk_settings WHERE id = 1",
    )
    .fetch_optional(conn)
    .await?;
    let Some((rule, naming, call_back_days)) = row else {
        return Ok(DeskSettings {
            ticket_rule: TicketRule::default(),
            photo_naming: Default::default(),
            call_back_days: fieldbook_model::desk::default_call_back_days(),
        });
    };
    Ok(DeskSettings {
        ticket_rule: TicketRule::new(&rule)
            .map_err(|_| AppError::Internal(format!("desk_settings: bad ticket rule {rule:?}")))?,
        photo_naming: work_orders::parse_naming(&naming).ok_or_else(|| {
            AppError::Internal(format!("desk_settings: bad photo naming {naming:?}"))
        })?,
        call_back_days: u32::try_from(call_back_days).map_err(|_| {
            AppError::Internal(format!(
                "desk_settings: bad call_back_days {call_back_days}"
            ))
        })?,
    })
}

/// Store the desk's settings at sequence value `seq`.
pub async fn save_settings(
    conn: &mut Conn,
    settings: &DeskSettings,
    seq: i64,
) -> Result<(), AppError> {
    let updated = sqlx::query(
        "UPDATE desk_settings SET ticket_rule = $1, photo_naming = $2, seq = $3, \
         call_back_days = $4 WHERE id = 1",
    )
    .bind(settings.ticket_rule.pattern())
    .bind(work_orders::naming_text(settings.photo_naming))
    .bind(seq)
    .bind(i64::from(settings.call_back_days))
    .execute(&mut *conn)
    .await?;
    if updated.rows_affected() == 0 {
        sqlx::query(
            "INSERT INTO desk_settings (id, ticket_rule, photo_naming, seq, call_back_days) \
             VALUES (1, $1, $2, $3, $4)",
        )
        .bind(settings.ticket_rule.pattern())
        .bind(work_orders::naming_text(settings.photo_naming))
        .bind(seq)
        .bind(i64::from(settings.call_back_days))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The next ticket the rule gives for a call at `at`: one more than the day's highest.
pub async fn next_ticket(
    conn: &mut Conn,
    rule: &TicketRule,
    at: DateTime<Utc>,
) -> Result<String, AppError> {
    let date = china_date(at);
    // The day's tickets share what comes before the sequence number.
    let (low, high) = (rule.format(date, 0), rule.format(date, 999_999));
    let prefix: String = low
        .chars()
        .zip(high.chars())
        .take_while(|(a, b)| a == b)
        .map(|(a, _)| a)
        .collect();
    let taken = work_orders::tickets_starting(conn, &prefix).await?;
    Ok(rule.next(date, taken.iter().map(String::as_str)))
}

pub fn order_id(id: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(id)
        .map_err(|_| AppError::bad_request("bad_id", format!("'{id}' is not a work order id")))
}

/// The order as `user` may see it: office and desk roles also get the operations held on it.
pub async fn detail(
    conn: &mut Conn,
    user: &CurrentUser,
    id: Uuid,
) -> Result<WorkOrderDetail, AppError> {
    let Some((work_order, assignee_id)) = work_orders::find(conn, id).await? else {
        return Err(AppError::NotFound(format!("no work order {id}")));
    };
    let role = user.profile.role;
    let office = match role {
        Role::Dispatcher | Role::Supervisor | Role::Manager | Role::Claims => true,
        Role::ServiceSupervisor => {
            // Not theirs answers as an unknown id does: ids cannot be probed.
            if !scope(user)?.covers(&work_order) {
                return Err(AppError::NotFound(format!("no work order {id}")));
            }
            true
        }
        _ => false,
    };
    if !office && assignee_id != user.id {
        return Err(AppError::NotFound(format!("no work order {id}")));
    }
    let (held, clock_off) = if office {
        (
            Some(held_ops::for_work_order(conn, id).await?),
            clocks_off(conn, id).await?,
        )
    } else {
        (None, Vec::new())
    };
    Ok(WorkOrderDetail {
        work_order,
        held,
        clock_off,
    })
}

/// The status steps and photos of order `id` sent from a device whose clock was off by more
/// than people are told about (`fieldbook_model::clock`), keyed by the step's operation id or
/// the photo's id.
async fn clocks_off(conn: &mut Conn, id: Uuid) -> Result<Vec<ClockOff>, AppError> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT s.op_id, a.clock_offset_ms FROM status_events s \
         JOIN applied_ops a ON a.op_id = s.op_id \
         WHERE s.work_order_id = $1 AND a.clock_offset_ms IS NOT NULL \
         UNION ALL SELECT p.photo_id, a.clock_offset_ms FROM photos p \
         JOIN applied_ops a ON a.op_id = p.op_id \
         WHERE p.work_order_id = $2 AND a.clock_offset_ms IS NOT NULL",
    )
    .bind(id.to_string())
    .bind(id.to_string())
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, ahead)| {
            Some(ClockOff {
                id: Uuid::parse_str(&id).ok()?,
                minutes: fieldbook_model::clock::shown_minutes(ahead)?,
            })
        })
        .collect())
}

/// An order loaded for a desk change, in a transaction that took the next sequence value first
/// (it writes from its start, see ops.rs). Dropping it changes nothing.
pub struct Change {
    pub tx: Tx,
    pub seq: i64,
    pub wo: WorkOrder,
    pub assignee_id: String,
}

/// Load order `id` for a change within `scope`; a closed order is refused.
pub async fn begin_change(state: &AppState, scope: &Scope, id: Uuid) -> Result<Change, AppError> {
    let change = begin_change_closed_too(state, scope, id).await?;
    if change.wo.is_closed() {
        return Err(closed());
    }
    Ok(change)
}

/// Load order `id` for a change within `scope` that a closed order takes too: the station
/// head's answer to a waiver request, which the desk does not wait for before closing.
pub async fn begin_change_closed_too(
    state: &AppState,
    scope: &Scope,
    id: Uuid,
) -> Result<Change, AppError> {
    let mut tx = state.db.begin().await?;
    let seq = db::next_seq(&mut tx).await?;
    let Some((wo, assignee_id)) = work_orders::find(&mut tx, id).await? else {
        return Err(AppError::NotFound(format!("no work order {id}")));
    };
    // Not theirs answers as an unknown id does: ids cannot be probed.
    if !scope.covers(&wo) {
        return Err(AppError::NotFound(format!("no work order {id}")));
    }
    Ok(Change {
        tx,
        seq,
        wo,
        assignee_id,
    })
}

impl Change {
    /// Write the desk's fields of the changed order and answer it as `user` sees it.
    pub async fn commit(mut self, user: &CurrentUser) -> Result<WorkOrderDetail, AppError> {
        work_orders::record_desk(&mut self.tx, &self.wo, self.seq).await?;
        let answer = detail(&mut self.tx, user, self.wo.id).await?;
        self.tx.commit().await?;
        Ok(answer)
    }
}
