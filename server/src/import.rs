//! The office's imports, work orders and machines, from `.xlsx` or CSV, line by line.
//!
//! Each line is judged and, when good, written in its own transaction (a work order with its own
//! sequence value, so the assignee's next sync brings it); a refused line changes nothing and is
//! reported with its line number and reason. Importing the same file twice is safe: a work order
//! is refused the second time (the ticket exists), a machine is written again with the same
//! values and its reading is kept once.
//!
//! The file: `.xlsx` (recognised by its zip signature; the first sheet), else CSV (RFC 4180
//! quoting) in UTF-8 with or without a BOM, or in GBK as Excel saves "CSV" on a Chinese PC:
//! read as UTF-8 when it is valid UTF-8, else as GBK. The first row names the columns, in any
//! order, in English or Chinese; a column no import knows is refused with the names it knows.
//!
//! Work orders (`machine_down` and `fault_description` may be left out):
//!
//! | column | 中文 | example | |
//! |---|---|---|---|
//! | ticket | 报修单号 | BX-20261127-014 | unique |
//! | customer | 客户 | 中建三局 | |
//! | site | 现场 | 武汉光谷三路工地 | |
//! | equipment_model | 机型 | EC210D | |
//! | serial | 序列号 | VCEC210DC00312457 | |
//! | engine_hours | 小时数 | 3520 | whole hours |
//! | working_condition | 工况 | 土方 | |
//! | fault_description | 故障描述 | 液压无力 | may be empty |
//! | service_type | 服务类型 | fault_repair or 故障维修 | |
//! | machine_down | 是否停机 | yes / no (是 / 否, true / false, 1 / 0) | default no |
//! | called_at | 报修时间 | 2026-11-27 08:30 or RFC 3339 | local time at the offset |
//! | planned_at | 计划时间 | 2026-11-28 09:00 | |
//! | assignee | 工程师 | engineer1 | an enabled engineer's username |
//!
//! Machines (only `serial` and `equipment_model` are required; an empty cell keeps what the
//! register has):
//!
//! | column | 中文 | example | |
//! |---|---|---|---|
//! | serial | 序列号 | VCEC210DC00312457 | the register's key (trimmed, any case) |
//! | equipment_model | 机型 | EC210D | |
//! | customer | 客户 | 中建三局 | |
//! | delivered_on | 交机日期 | 2025-03-01 | |
//! | warranty_end | 质保到期 | 2027-03-01 | not before delivery |
//! | engine_hours | 小时数 | 1200 | a reading, with its date: |
//! | hours_on | 读数日期 | 2026-11-01 | |

use std::collections::HashSet;
use std::io::Cursor;

use calamine::{Data, DataType, Reader, Xlsx};
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use fieldbook_model::desk::Machine;
use fieldbook_model::register::{ImportRefusal, ImportReport, serial_key};
use fieldbook_model::validate::limits::MAX_HOURS;
use fieldbook_model::{Role, ServiceType, StatusNode, WorkOrder};
use uuid::Uuid;

use crate::db::{self, Db};
use crate::{register, users, work_orders};

/// The work-order columns and their other names (compared trimmed and lower-cased).
pub const COLUMNS: [(&str, &[&str]); 13] = [
    ("ticket", &["报修单号", "单号", "工单号"]),
    ("customer", &["客户", "客户名称"]),
    ("site", &["现场", "地点", "服务地点"]),
    ("equipment_model", &["机型", "model"]),
    ("serial", &["序列号", "机号", "整机序列号"]),
    ("engine_hours", &["小时数", "工作小时", "hours"]),
    ("working_condition", &["工况"]),
    ("fault_description", &["故障描述", "故障现象"]),
    ("service_type", &["服务类型"]),
    ("machine_down", &["是否停机", "停机"]),
    ("called_at", &["报修时间", "来电时间"]),
    ("planned_at", &["计划时间", "预约时间"]),
    ("assignee", &["工程师", "服务工程师"]),
];

/// Work-order columns that may be empty (or missing from the header).
const OPTIONAL: [&str; 2] = ["fault_description", "machine_down"];

/// The machine columns and their other names.
pub const MACHINE_COLUMNS: [(&str, &[&str]); 7] = [
    ("serial", &["序列号", "机号", "整机序列号"]),
    ("equipment_model", &["机型", "model"]),
    ("customer", &["客户", "客户名称"]),
    ("delivered_on", &["交机日期", "交付日期", "delivery_date"]),
    ("warranty_end", &["质保到期", "保修截止", "质保截止"]),
    ("engine_hours", &["小时数", "工作小时", "hours"]),
    ("hours_on", &["读数日期", "reading_date"]),
];

const MACHINE_REQUIRED: [&str; 2] = ["serial", "equipment_model"];

/// What happened to one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineOutcome {
    /// Written: the ticket, or the machine's serial.
    Imported {
        ticket: String,
    },
    Refused {
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineReport {
    /// The line the record starts on, counting the header as line 1 (an .xlsx sheet's row).
    pub line: usize,
    pub outcome: LineOutcome,
}

/// The API's answer: the count written and every refusal.
pub fn summary(reports: &[LineReport]) -> ImportReport {
    let mut report = ImportReport::default();
    for r in reports {
        match &r.outcome {
            LineOutcome::Imported { .. } => report.accepted += 1,
            LineOutcome::Refused { reason } => report.refused.push(ImportRefusal {
                line: r.line,
                reason: reason.clone(),
            }),
        }
    }
    report
}

/// Why a whole file is refused (nothing is written).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the file is not valid CSV: {0}")]
    Csv(String),
    #[error("the file is not a readable .xlsx workbook: {0}")]
    Xlsx(String),
    #[error("the file is neither UTF-8 nor GBK text")]
    Encoding,
    #[error("the file has no header row")]
    Empty,
    #[error("the header row lacks the column(s) {0}")]
    MissingColumns(String),
    #[error("the header row names unknown column(s) {0}; known: {1}")]
    UnknownColumns(String, String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

impl ImportError {
    /// The API's code for a refused file.
    pub fn code(&self) -> &'static str {
        match self {
            ImportError::Csv(_) | ImportError::Xlsx(_) | ImportError::Encoding => "bad_file",
            ImportError::Empty => "empty_file",
            ImportError::MissingColumns(_) => "missing_columns",
            ImportError::UnknownColumns(..) => "unknown_columns",
            ImportError::Database(_) => "internal",
        }
    }
}

/// A table's records, each with the line (or sheet row) it starts on.
pub type Records = Vec<(usize, Vec<String>)>;

/// The zip signature every .xlsx starts with.
pub fn is_xlsx(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// Read the file's rows: the first sheet of an .xlsx, else CSV text. Empty rows are skipped.
pub fn read_table(bytes: &[u8]) -> Result<Records, ImportError> {
    if is_xlsx(bytes) {
        read_xlsx(bytes)
    } else {
        parse_csv(&decode_text(bytes)?)
    }
}

/// UTF-8 (a BOM dropped) when the bytes are valid UTF-8, else GBK; neither is an error.
pub fn decode_text(bytes: &[u8]) -> Result<String, ImportError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_string());
    }
    encoding_rs::GBK
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|text| text.into_owned())
        .ok_or(ImportError::Encoding)
}

/// Split CSV text into records (RFC 4180), each with the line it starts on.
pub fn parse_csv(text: &str) -> Result<Records, ImportError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| ImportError::Csv(e.to_string()))?;
        // csv's position is where it began reading: before the previous line's `\n` (after a
        // `\r`) and before blank lines. The record starts past them.
        let line = record.position().map_or(0, |p| {
            let mut line = p.line() as usize;
            for b in text.as_bytes().iter().skip(p.byte() as usize) {
                match b {
                    b'\n' => line += 1,
                    b'\r' => {}
                    _ => break,
                }
            }
            line
        });
        let fields: Vec<String> = record.iter().map(str::to_string).collect();
        if fields.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        records.push((line, fields));
    }
    Ok(records)
}

fn read_xlsx(bytes: &[u8]) -> Result<Records, ImportError> {
    let xlsx_err = |e: calamine::XlsxError| ImportError::Xlsx(e.to_string());
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(xlsx_err)?;
    let Some(sheet) = book.worksheet_range_at(0) else {
        return Err(ImportError::Empty);
    };
    let sheet = sheet.map_err(xlsx_err)?;
    let first_row = sheet.start().map_or(0, |(row, _)| row as usize);
    let mut records: Records = Vec::new();
    for (i, row) in sheet.rows().enumerate() {
        let fields: Vec<String> = row.iter().map(cell_text).collect();
        if fields.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        records.push((first_row + i + 1, fields));
    }
    // A sheet is as wide as its widest row: every row is cut back to the header's width, as
    // long as only empty cells are cut (a value beyond the header stays, and refuses its line).
    let width = records.first().map_or(0, |(_, header)| {
        header
            .iter()
            .rposition(|h| !h.trim().is_empty())
            .map_or(0, |i| i + 1)
    });
    for (_, fields) in &mut records {
        while fields.len() > width && fields.last().is_some_and(|f| f.trim().is_empty()) {
            fields.pop();
        }
    }
    Ok(records)
}

/// A cell as the CSV would have it: whole numbers without `.0`, dates as `2026-11-27 08:30:00`.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(_) => cell
            .as_datetime()
            .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
            .unwrap_or_default(),
        Data::Error(e) => format!("#{e}"),
    }
}

/// The header's columns by their canonical names; unknown or missing columns refuse the file.
fn header_names(
    header: &[String],
    known: &[(&'static str, &[&str])],
    required: &[&str],
) -> Result<Vec<&'static str>, ImportError> {
    let mut names = Vec::new();
    let mut unknown = Vec::new();
    for h in header {
        let h = h.trim().trim_start_matches('\u{feff}').to_lowercase();
        match known
            .iter()
            .find(|(name, aliases)| *name == h || aliases.contains(&h.as_str()))
        {
            Some((name, _)) => names.push(*name),
            None => unknown.push(h),
        }
    }
    if !unknown.is_empty() {
        let known: Vec<String> = known
            .iter()
            .map(|(name, aliases)| format!("{name}/{}", aliases[0]))
            .collect();
        return Err(ImportError::UnknownColumns(
            unknown.join(", "),
            known.join(", "),
        ));
    }
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|c| !names.contains(c))
        .collect();
    if !missing.is_empty() {
        return Err(ImportError::MissingColumns(missing.join(", ")));
    }
    Ok(names)
}

/// A record with another number of fields than the header has columns.
fn wrong_width(names: &[&str], fields: &[String]) -> Option<String> {
    (fields.len() != names.len())
        .then(|| format!("{} fields, the header has {}", fields.len(), names.len()))
}

/// A record's value for a column by its canonical name ("" when absent).
fn field<'a>(names: &[&str], fields: &'a [String], name: &str) -> &'a str {
    names
        .iter()
        .position(|n| *n == name)
        .and_then(|i| fields.get(i))
        .map_or("", |f| f.trim())
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

/// A date: `2026-11-27`, `2026/11/27`, or a time on that date (an .xlsx date cell).
pub fn day(s: &str) -> Option<NaiveDate> {
    let s = s.replace('/', "-");
    let date_part = s.split([' ', 'T']).next().unwrap_or_default();
    NaiveDate::parse_from_str(date_part, "%Y-%m-%d").ok()
}

/// Import work orders from a file (see the module's notes); one report per record.
pub async fn import(
    db: &Db,
    bytes: &[u8],
    offset: FixedOffset,
) -> Result<Vec<LineReport>, ImportError> {
    let mut records = read_table(bytes)?.into_iter();
    let Some((_, header)) = records.next() else {
        return Err(ImportError::Empty);
    };
    let required: Vec<&str> = COLUMNS
        .iter()
        .map(|(name, _)| *name)
        .filter(|c| !OPTIONAL.contains(c))
        .collect();
    let names = header_names(&header, &COLUMNS, &required)?;
    let mut seen = HashSet::new();
    let mut reports = Vec::new();
    for (line, fields) in records {
        let outcome = match import_line(db, &names, &fields, offset, &mut seen).await? {
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
    names: &[&str],
    fields: &[String],
    offset: FixedOffset,
    seen: &mut HashSet<String>,
) -> Result<Result<String, String>, sqlx::Error> {
    if let Some(reason) = wrong_width(names, fields) {
        return Ok(Err(reason));
    }
    let get = |name: &str| field(names, fields, name);
    for (column, _) in COLUMNS {
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
    // The office's photo-naming setting when the order is made, as for a call taken at the desk.
    let naming: Option<String> =
        sqlx::query_scalar("SELECT photo_naming FROM desk_settings WHERE id = 1")
            .fetch_optional(&mut *tx)
            .await?;
    let naming = naming
        .as_deref()
        .and_then(work_orders::parse_naming)
        .unwrap_or_default();
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
        naming,
        unrepaired_reason: None,
        call_backs: Vec::new(),
        claim_expected: false,
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

/// Import machines into the register from a file (see the module's notes).
pub async fn import_machines(
    db: &Db,
    bytes: &[u8],
    offset: FixedOffset,
) -> Result<Vec<LineReport>, ImportError> {
    let mut records = read_table(bytes)?.into_iter();
    let Some((_, header)) = records.next() else {
        return Err(ImportError::Empty);
    };
    let names = header_names(&header, &MACHINE_COLUMNS, &MACHINE_REQUIRED)?;
    let mut seen = HashSet::new();
    let mut reports = Vec::new();
    for (line, fields) in records {
        let outcome = match machine_line(db, &names, &fields, offset, &mut seen).await? {
            Ok(serial) => LineOutcome::Imported { ticket: serial },
            Err(reason) => LineOutcome::Refused { reason },
        };
        reports.push(LineReport { line, outcome });
    }
    Ok(reports)
}

async fn machine_line(
    db: &Db,
    names: &[&str],
    fields: &[String],
    offset: FixedOffset,
    seen: &mut HashSet<String>,
) -> Result<Result<String, String>, sqlx::Error> {
    if let Some(reason) = wrong_width(names, fields) {
        return Ok(Err(reason));
    }
    let get = |name: &str| field(names, fields, name);
    for column in MACHINE_REQUIRED {
        if get(column).is_empty() {
            return Ok(Err(format!("{column} is empty")));
        }
    }
    let serial = get("serial").to_string();
    if !seen.insert(serial_key(&serial)) {
        return Ok(Err(format!("serial {serial} appears twice in this file")));
    }
    let mut dates = [None; 2];
    for (slot, column) in dates.iter_mut().zip(["delivered_on", "warranty_end"]) {
        let value = get(column);
        if value.is_empty() {
            continue;
        }
        match day(value) {
            Some(d) => *slot = Some(d),
            None => {
                return Ok(Err(format!(
                    "{column} '{value}' is not a date like 2026-11-27"
                )));
            }
        }
    }
    let reading = match (get("engine_hours"), get("hours_on")) {
        ("", "") => None,
        ("", _) => return Ok(Err("hours_on is given without engine_hours".into())),
        (_, "") => {
            return Ok(Err(
                "engine_hours needs its hours_on (the reading's date)".into()
            ));
        }
        (hours, on) => {
            let Some(hours) = hours.parse::<u32>().ok().filter(|h| *h <= MAX_HOURS) else {
                return Ok(Err(format!(
                    "engine_hours '{hours}' is not a whole number of hours"
                )));
            };
            let at = time(on, offset).or_else(|| {
                day(on)
                    .map(|d| d.and_time(NaiveTime::MIN))
                    .and_then(|t| offset.from_local_datetime(&t).single())
                    .map(|t| t.with_timezone(&Utc))
            });
            let Some(at) = at else {
                return Ok(Err(format!(
                    "hours_on '{on}' is not a date like 2026-11-27"
                )));
            };
            Some((hours, at))
        }
    };
    let key = serial_key(&serial);
    let mut tx = db.begin().await?;
    let existing = register::entry(&mut tx, &key).await.map_err(|e| match e {
        crate::error::StoreError::Database(e) => e,
        other => sqlx::Error::Protocol(other.to_string()),
    })?;
    let keep = |value: &str, old: Option<String>| {
        if value.is_empty() {
            old.unwrap_or_default()
        } else {
            value.to_string()
        }
    };
    let machine = Machine {
        serial: serial.clone(),
        equipment_model: get("equipment_model").to_string(),
        customer: keep(
            get("customer"),
            existing.as_ref().map(|m| m.customer.clone()),
        ),
        delivered_on: dates[0].or(existing.as_ref().and_then(|m| m.delivered_on)),
        warranty_end: dates[1].or(existing.as_ref().and_then(|m| m.warranty_end)),
        hours: Vec::new(),
    };
    if let Some(error) = machine.check().first() {
        return Ok(Err(format!("{}: {error}", error.field())));
    }
    register::upsert(&mut tx, &machine).await?;
    if let Some((hours, at)) = reading {
        register::add_imported_reading(&mut tx, &key, hours, at).await?;
    }
    tx.commit().await?;
    Ok(Ok(serial))
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
    }

    #[test]
    fn text_is_utf8_with_or_without_bom_else_gbk() {
        assert_eq!(
            decode_text("序列号,机型".as_bytes()).unwrap(),
            "序列号,机型"
        );
        assert_eq!(decode_text("\u{feff}序列号".as_bytes()).unwrap(), "序列号");
        let (gbk, _, _) = encoding_rs::GBK.encode("序列号,机型\n中建三局");
        assert!(std::str::from_utf8(&gbk).is_err());
        assert_eq!(decode_text(&gbk).unwrap(), "序列号,机型\n中建三局");
        assert!(matches!(
            decode_text(&[0xff, 0xff, 0xff]),
            Err(ImportError::Encoding)
        ));
    }

    #[test]
    fn headers_in_english_or_chinese() {
        let header: Vec<String> = ["序列号", " Model ", "客户"].map(String::from).to_vec();
        assert_eq!(
            header_names(&header, &MACHINE_COLUMNS, &MACHINE_REQUIRED).unwrap(),
            vec!["serial", "equipment_model", "customer"]
        );
        let unknown: Vec<String> = ["序列号", "机型", "颜色"].map(String::from).to_vec();
        assert!(matches!(
            header_names(&unknown, &MACHINE_COLUMNS, &MACHINE_REQUIRED),
            Err(ImportError::UnknownColumns(..))
        ));
        let missing: Vec<String> = ["序列号"].map(String::from).to_vec();
        assert!(matches!(
            header_names(&missing, &MACHINE_COLUMNS, &MACHINE_REQUIRED),
            Err(ImportError::MissingColumns(_))
        ));
    }

    #[test]
    fn days_from_text_or_sheet_dates() {
        let d = NaiveDate::from_ymd_opt(2025, 3, 1);
        assert_eq!(day("2025-03-01"), d);
        assert_eq!(day("2025/03/01"), d);
        assert_eq!(day("2025-03-01 00:00:00"), d);
        assert_eq!(day("March 1"), None);
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
