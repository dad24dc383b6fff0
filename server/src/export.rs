//! Downloads of the office's tables: CSV (UTF-8 with a BOM, cells a spreadsheet would run as
//! formulas made text) and .xlsx (every text cell a string cell, never a formula). The
//! complaint ledger and the reports write through here.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::error::AppError;

/// One cell of an exported table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
}

impl Cell {
    fn text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Number(n) => n.to_string(),
        }
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}

/// One sheet of a workbook (the CSV holds the first).
pub struct Sheet<'a> {
    pub name: String,
    pub header: &'a [&'a str],
    pub rows: Vec<Vec<Cell>>,
}

/// The content types of the two formats.
pub const CSV: &str = "text/csv; charset=utf-8";
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A CSV cell that a spreadsheet would run as a formula is given a leading `'` (OWASP's advice
/// against CSV injection): the cell shows as the text it is.
fn csv_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// The sheet as CSV: UTF-8 with a BOM, so Excel on a Chinese PC opens it as UTF-8.
pub fn csv(sheet: &Sheet) -> Result<Vec<u8>, AppError> {
    let fail = |e: &dyn std::fmt::Display| AppError::Internal(format!("CSV export: {e}"));
    let mut out = vec![0xEF, 0xBB, 0xBF];
    {
        let mut w = csv::Writer::from_writer(&mut out);
        w.write_record(sheet.header).map_err(|e| fail(&e))?;
        for row in &sheet.rows {
            w.write_record(row.iter().map(|c| match c {
                Cell::Text(s) => csv_safe(s).into_owned(),
                number => number.text(),
            }))
            .map_err(|e| fail(&e))?;
        }
        w.flush().map_err(|e| fail(&e))?;
    }
    Ok(out)
}

/// The sheets as one workbook, each with its header in bold and frozen.
pub fn xlsx(sheets: &[Sheet]) -> Result<Vec<u8>, AppError> {
    use rust_xlsxwriter::{Format, Workbook};
    let fail = |e: rust_xlsxwriter::XlsxError| AppError::Internal(format!(".xlsx export: {e}"));
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    for s in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(&s.name).map_err(fail)?;
        for (col, title) in s.header.iter().enumerate() {
            sheet
                .write_string_with_format(0, col as u16, *title, &bold)
                .map_err(fail)?;
        }
        for (i, row) in s.rows.iter().enumerate() {
            let r = i as u32 + 1;
            for (col, cell) in row.iter().enumerate() {
                match cell {
                    // Always a string cell: text starting with = + - @ stays text.
                    Cell::Text(t) => sheet.write_string(r, col as u16, t).map_err(fail)?,
                    Cell::Number(n) => sheet.write_number(r, col as u16, *n).map_err(fail)?,
                };
            }
        }
        sheet.set_freeze_panes(1, 0).map_err(fail)?;
    }
    book.save_to_buffer().map_err(fail)
}

/// The bytes as a download named `name`.
pub fn download(
    bytes: Vec<u8>,
    content_type: &'static str,
    name: &str,
) -> Result<Response, AppError> {
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
        .map_err(|e| AppError::Internal(format!("bad file name {name}: {e}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

/// A `format=` query answered: the JSON as given, or the sheets as `{stem}.csv` / `{stem}.xlsx`.
pub fn answer(
    format: Option<&str>,
    json: impl FnOnce() -> Response,
    sheets: impl FnOnce() -> Vec<Sheet<'static>>,
    stem: &str,
) -> Result<Response, AppError> {
    match format.unwrap_or("json") {
        "json" => Ok(json()),
        "csv" => {
            let sheets = sheets();
            let first = sheets
                .first()
                .ok_or_else(|| AppError::Internal("an export without a sheet".into()))?;
            download(csv(first)?, CSV, &format!("{stem}.csv"))
        }
        "xlsx" => download(xlsx(&sheets())?, XLSX, &format!("{stem}.xlsx")),
        other => Err(AppError::bad_request(
            "bad_query",
            format!("format: '{other}' is none of json, csv, xlsx"),
        )),
    }
}
