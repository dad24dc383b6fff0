//! `import-work-orders`: the dispatcher's CSV of new work orders, line by line.
//!
//! Each line is judged and, when good, written in its own transaction with its own sequence
//! value (so the assignee's next sync brings it); a refused line changes nothing and is reported
//! with its line number and reason. Importing the same file twice refuses every line the second
//! time (the ticket exists), so a retry after a partial failure is safe.
//!
//! The format (UTF-8, comma-separated, RFC 4180 quoting, a header row naming the columns in
//! any order; `machine_down` may be left out):
//!
//! | column | example | |
//! |---|---|---|
//! | ticket | BX-20261127-014 | unique |
//! | customer | 中建三局 | |
//! | site | 武汉光谷三路工地 | |
//! | equipment_model | EC210D | |
//! | serial | VCEC210DC00312457 | |
//! | engine_hours | 3520 | whole hours |
//! | working_condition | 土方 | |
//! | fault_description | 液压无力 | may be empty |
//! | service_type | fault_repair or 故障维修 | |
//! | machine_down | yes / no (是 / 否, true / false, 1 / 0) | default no |
//! | called_at | 2026-11-27 08:30 or RFC 3339 | local time at `--utc-offset` |
//! | planned_at | 2026-11-28 09:00 | |
//! | assignee | engineer1 | an enabled engineer's username |

use std::collections::HashSet;

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};
use fieldbook_model::{Role, ServiceType, StatusNode, WorkOrder};
use uuid::Uuid;

use crate::db::{self, Db};
use crate::users;
use crate::work_orders;

pub const COLUMNS: [&str; 13] = [
    "ticket",
    "customer",
    "site",
    "equipment_model",
    "serial",
    "engine_hours",
    "working_condition",
    "fault_description",
    "service_type",
    "machine_down",
    "called_at",
    "planned_at",
    "assignee",
];

/// Columns that may be empty (or missing from the header).
const OPTIONAL: [&str; 2] = ["fault_description", "machine_down"];

/// What happened to one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineOutcome {
    Imported { ticket: String },
    Refused { reason: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineReport {
    /// The line the record starts on, counting the header as line 1.
    pub line: usize,
    pub outcome: LineOutcome,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the file is not valid CSV: {0}")]
    Csv(String),
    #[error("the header row lacks the column(s) {0}")]
    MissingColumns(String),
    #[error("the header row names unknown column(s) {0}; known: {known}", known = COLUMNS.join(", "))]
    UnknownColumns(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

/// Split CSV text into records (RFC 4180: quoted fields, `""` inside quotes, newlines inside
/// quotes), each with the line it starts on. Blank lines are skipped.
pub fn parse_csv(text: &str) -> Result<Vec<(usize, Vec<String>)>, ImportError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut line = 1;
    let mut start = 1;
    let mut quoted = false;
    let mut was_quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push(c);
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() && !was_quoted => {
                quoted = true;
                was_quoted = true;
            }
            '"' => {
                return Err(ImportError::Csv(format!(
                    "line {line}: a quote inside an unquoted field"
                )));
            }
            ',' => {
                fields.push(std::mem::take(&mut field));
                was_quoted = false;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                fields.push(std::mem::take(&mut field));
                was_quoted = false;
                if !(fields.len() == 1 && fields[0].is_empty()) {
                    records.push((start, std::mem::take(&mut fields)));
                }
                fields.clear();
                line += 1;
                start = line;
            }
            _ if was_quoted => {
                return Err(ImportError::Csv(format!(
                    "line {line}: text after a closing quote"
                )));
            }
            _ => field.push(c),
        }
    }
    if quoted {
        return Err(ImportError::Csv(format!(
            "line {start}: a quoted field is never closed"
        )));
    }
    if !field.is_empty() || !fields.is_empty() || was_quoted {
        fields.push(field);
        records.push((start, fields));
    }
    Ok(records)
}

/// The service type by its code or its Chinese name.
pub fn service_type(s: &str) -> Option<ServiceType> {
    ServiceType::parse(s).or(match s {
        "故障维修" => Some(ServiceType::FaultRepair),
        "定检保养" => Some(ServiceType::PeriodicMaintenance),
        "到机检查" => Some(ServiceType::ArrivalInspection),
        "交机预检" => Some(ServiceType::PreDeliveryInspection),
        "新机交机" => Some(ServiceType::NewMachineHandover),
        "技改" => Some(ServiceType::TechnicalModification),
        "巡检" => Some(ServiceType::PatrolInspection),
        "库存机保养" => Some(ServiceType::StockMaintenance),
        "客户拜访" => Some(ServiceType::CustomerVisit),
        _ => None,
    })
}

fn yes_no(s: &str) -> Option<bool> {
    match s.to_lowercase().as_str() {
        "" | "no" | "n" | "false" | "0" | "否" => Some(false),
        "yes" | "y" | "true" | "1" | "是" => Some(true),
        _ => None,
    }
}

/// RFC 3339, or `YYYY-MM-DD HH:MM[:SS]` (also with `T` or `/`) at `offset`.
pub fn time(s: &str, offset: FixedOffset) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    let s = s.replace('/', "-").replace('T', " ");
    ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(&s, f).ok())
        .and_then(|naive| offset.from_local_datetime(&naive).single())
        .map(|t| t.with_timezone(&Utc))
}

/// Import `text`; returns one report per record (the header aside).
pub async fn import(
    db: &Db,
    text: &str,
    offset: FixedOffset,
) -> Result<Vec<LineReport>, ImportError> {
    let mut records = parse_csv(text)?.into_iter();
    let Some((_, header)) = records.next() else {
        return Ok(Vec::new());
    };
    let header: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
    let unknown: Vec<&str> = header
        .iter()
        .map(String::as_str)
        .filter(|h| !COLUMNS.contains(h))
        .collect();
    if !unknown.is_empty() {
        return Err(ImportError::UnknownColumns(unknown.join(", ")));
    }
    let missing: Vec<&str> = COLUMNS
        .into_iter()
        .filter(|c| !OPTIONAL.contains(c) && !header.iter().any(|h| h == c))
        .collect();
    if !missing.is_empty() {
        return Err(ImportError::MissingColumns(missing.join(", ")));
    }
    let mut seen = HashSet::new();
    let mut reports = Vec::new();
    for (line, fields) in records {
        let outcome = match import_line(db, &header, &fields, offset, &mut seen).await? {
            Ok(ticket) => LineOutcome::Imported { ticket },
            Err(reason) => LineOutcome::Refused { reason },
        };
        reports.push(LineReport { line, outcome });
    }
    Ok(reports)
}

/// One record: `Ok(Ok(ticket))` imported, `Ok(Err(reason))` refused, `Err` the database failed.
async fn import_line(
    db: &Db,
    header: &[String],
    fields: &[String],
    offset: FixedOffset,
    seen: &mut HashSet<String>,
) -> Result<Result<String, String>, sqlx::Error> {
    if fields.len() != header.len() {
        return Ok(Err(format!(
            "{} fields, the header has {}",
            fields.len(),
            header.len()
        )));
    }
    let get = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .map_or("", |i| fields[i].trim())
    };
    for column in COLUMNS {
        if !OPTIONAL.contains(&column) && get(column).is_empty() {
            return Ok(Err(format!("{column} is empty")));
        }
    }
    let ticket = get("ticket").to_string();
    if ticket.chars().count() > 64 || ticket.chars().any(char::is_control) {
        return Ok(Err(format!("ticket '{ticket}' is not a ticket number")));
    }
    if !seen.insert(ticket.clone()) {
        return Ok(Err(format!("ticket {ticket} appears twice in this file")));
    }
    let Ok(engine_hours) = get("engine_hours").parse::<u32>() else {
        return Ok(Err(format!(
            "engine_hours '{}' is not a whole number of hours",
            get("engine_hours")
        )));
    };
    let Some(service) = service_type(get("service_type")) else {
        return Ok(Err(format!(
            "service_type '{}' is not one of {}",
            get("service_type"),
            ServiceType::ALL.map(|t| t.as_str()).join(", ")
        )));
    };
    let Some(machine_down) = yes_no(get("machine_down")) else {
        return Ok(Err(format!(
            "machine_down '{}' is not yes or no",
            get("machine_down")
        )));
    };
    let mut times = [DateTime::<Utc>::UNIX_EPOCH; 2];
    for (slot, column) in times.iter_mut().zip(["called_at", "planned_at"]) {
        match time(get(column), offset) {
            Some(t) => *slot = t,
            None => {
                return Ok(Err(format!(
                    "{column} '{}' is not a time like 2026-11-27 08:30",
                    get(column)
                )));
            }
        }
    }
    let assignee_name = get("assignee");
    let mut tx = db.begin().await?;
    // Taken first, as ops.rs does: the transaction writes from its start, so SQLite never has
    // to upgrade it from reader to writer under a running server. A refusal gives it back.
    let seq = db::next_seq(&mut tx).await?;
    let assignee = match users::find_by_username(&mut tx, assignee_name).await? {
        None => return Ok(Err(format!("no user named '{assignee_name}'"))),
        Some(u) if u.disabled => return Ok(Err(format!("'{assignee_name}' is disabled"))),
        Some(u) if u.role != Role::Engineer => {
            return Ok(Err(format!("'{assignee_name}' is not an engineer")));
        }
        Some(u) => u,
    };
    let exists: Option<String> = sqlx::query_scalar("SELECT id FROM work_orders WHERE ticket = $1")
        .bind(&ticket)
        .fetch_optional(&mut *tx)
        .await?;
    if exists.is_some() {
        return Ok(Err(format!("ticket {ticket} already exists")));
    }
    let wo = WorkOrder {
        id: Uuid::new_v4(),
        ticket: ticket.clone(),
        customer: get("customer").to_string(),
        site: get("site").to_string(),
        equipment_model: get("equipment_model").to_string(),
        serial: get("serial").to_string(),
        engine_hours,
        working_condition: get("working_condition").to_string(),
        fault_description: get("fault_description").to_string(),
        service_type: service,
        machine_down,
        called_at: times[0],
        planned_at: times[1],
        assignee: assignee.username.clone(),
        assignee_name: String::new(),
        status: StatusNode::Dispatched,
        history: Vec::new(),
        seq: 0,
        slots: Vec::new(),
        photos: Vec::new(),
        report: Default::default(),
        contact_name: String::new(),
        contact_phone: String::new(),
        companions: Vec::new(),
        // The station whose head sees it: the engineer's.
        station: assignee.team.clone(),
        repeat_of: None,
        first_response: None,
        departure: None,
        reviews: Vec::new(),
        closure: None,
        naming: Default::default(),
        unrepaired_reason: None,
    };
    match work_orders::insert(&mut tx, &wo, &assignee.id, seq).await {
        Ok(()) => {}
        // Another import of the same ticket committed first.
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            return Ok(Err(format!("ticket {ticket} already exists")));
        }
        Err(e) => return Err(e),
    }
    tx.commit().await?;
    Ok(Ok(ticket))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quoting_and_line_numbers() {
        let text = "a,b\r\n1,\"x, \"\"y\"\"\"\n\n2,\"two\nlines\"\n3,\n";
        let records = parse_csv(text).unwrap();
        assert_eq!(
            records,
            vec![
                (1, vec!["a".into(), "b".into()]),
                (2, vec!["1".into(), "x, \"y\"".into()]),
                (4, vec!["2".into(), "two\nlines".into()]),
                (6, vec!["3".into(), "".into()]),
            ]
        );
        assert!(parse_csv("a,\"b\n").is_err());
        assert!(parse_csv("a,b\"c\n").is_err());
        assert_eq!(parse_csv("\u{feff}a\nb").unwrap().len(), 2);
    }

    #[test]
    fn times_are_local_to_the_offset_or_rfc3339() {
        let cst = FixedOffset::east_opt(8 * 3600).unwrap();
        let t = time("2026-11-27 08:30", cst).unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-27T00:30:00+00:00");
        assert_eq!(time("2026/11/27 08:30:00", cst), Some(t));
        assert_eq!(time("2026-11-27T00:30:00Z", cst), Some(t));
        assert_eq!(time("27.11.2026", cst), None);
    }

    #[test]
    fn service_types_by_code_or_chinese_name() {
        assert_eq!(service_type("故障维修"), Some(ServiceType::FaultRepair));
        assert_eq!(
            service_type("periodic_maintenance"),
            Some(ServiceType::PeriodicMaintenance)
        );
        assert_eq!(service_type("repair"), None);
    }
}
