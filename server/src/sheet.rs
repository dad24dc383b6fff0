//! The office's ledgers as files (the complaints ledger, the old-parts ledger): one writer for
//! CSV (UTF-8 with a BOM, formula-looking cells defused) and one for .xlsx (rust_xlsxwriter,
//! text always a string cell), and the month a ledger is asked for.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Datelike, NaiveDate, Utc};

use crate::error::AppError;

pub const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
pub const CSV_TYPE: &str = "text/csv; charset=utf-8";

/// One cell of a ledger row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    /// A number cell in the .xlsx (its text in the CSV).
    Number(f64),
}

impl Cell {
    fn text(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Number(n) => n.to_string(),
        }
    }
}

impl From<String> for Cell {
    fn from(t: String) -> Self {
        Cell::Text(t)
    }
}

impl From<&str> for Cell {
    fn from(t: &str) -> Self {
        Cell::Text(t.to_string())
    }
}

/// Whether a spreadsheet would take text starting so as a formula (or, tab and CR, as the start
/// of one in another cell).
fn starts_like_formula(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// A CSV cell that a spreadsheet would run as a formula is given a leading `'` (OWASP's advice
/// against CSV injection): the cell shows as the text it is.
pub fn csv_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    if starts_like_formula(cell) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// The rows as CSV: UTF-8 with a BOM, so Excel on a Chinese PC opens it as UTF-8.
pub fn csv(header: &[&str], rows: &[Vec<Cell>]) -> Result<Vec<u8>, AppError> {
    let fail = |e: &dyn std::fmt::Display| AppError::Internal(format!("ledger CSV: {e}"));
    let mut out = vec![0xEF, 0xBB, 0xBF];
    {
        let mut w = csv::Writer::from_writer(&mut out);
        w.write_record(header).map_err(|e| fail(&e))?;
        for r in rows {
            // Text is neutralised; a number (a negative one too) stays a number.
            w.write_record(r.iter().map(|c| match c {
                Cell::Text(t) => csv_safe(t).into_owned(),
                Cell::Number(_) => c.text(),
            }))
            .map_err(|e| fail(&e))?;
        }
        w.flush().map_err(|e| fail(&e))?;
    }
    Ok(out)
}

/// The rows as an .xlsx workbook of one sheet named `sheet_name`, the header bold and frozen.
pub fn xlsx(sheet_name: &str, header: &[&str], rows: &[Vec<Cell>]) -> Result<Vec<u8>, AppError> {
    xlsx_sheets(&[(sheet_name, header, rows)])
}

/// One sheet of a workbook: its name, header and rows.
pub type SheetOf<'a> = (&'a str, &'a [&'a str], &'a [Vec<Cell>]);

/// One workbook of several sheets, each as [`xlsx`] writes one.
pub fn xlsx_sheets(sheets: &[SheetOf]) -> Result<Vec<u8>, AppError> {
    use rust_xlsxwriter::{Format, Workbook};
    let fail = |e: rust_xlsxwriter::XlsxError| AppError::Internal(format!("ledger .xlsx: {e}"));
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    // Excel keeps such a cell text even when someone edits it (the leading `'` of CSV, hidden).
    let quoted = Format::new().set_quote_prefix();
    for (sheet_name, header, rows) in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(*sheet_name).map_err(fail)?;
        for (col, title) in header.iter().enumerate() {
            sheet
                .write_string_with_format(0, col as u16, *title, &bold)
                .map_err(fail)?;
        }
        for (i, r) in rows.iter().enumerate() {
            let row = i as u32 + 1;
            for (col, cell) in r.iter().enumerate() {
                match cell {
                    Cell::Number(n) => sheet.write_number(row, col as u16, *n).map_err(fail)?,
                    // Always a string cell: text starting with = + - @ stays text, never a
                    // formula, also after an edit in Excel (quote prefix).
                    Cell::Text(t) if starts_like_formula(t) => sheet
                        .write_string_with_format(row, col as u16, t, &quoted)
                        .map_err(fail)?,
                    Cell::Text(t) => sheet.write_string(row, col as u16, t).map_err(fail)?,
                };
            }
        }
        sheet.set_freeze_panes(1, 0).map_err(fail)?;
    }
    book.save_to_buffer().map_err(fail)
}

/// A page's figures as the reader asked (`format`): its JSON (the default), the first table as
/// CSV, or every table as a sheet of one .xlsx, downloaded as `{stem}.csv|xlsx`; any other format
/// is refused. Every report, scorecard and ledger answers through this.
pub fn answer(
    format: Option<&str>,
    json: impl FnOnce() -> Response,
    stem: &str,
    sheets: &[SheetOf],
) -> Result<Response, AppError> {
    match format.unwrap_or("json") {
        "json" => Ok(json()),
        "csv" => {
            let (_, header, rows) = sheets[0];
            download(csv(header, rows)?, CSV_TYPE, &format!("{stem}.csv"))
        }
        "xlsx" => download(xlsx_sheets(sheets)?, XLSX_TYPE, &format!("{stem}.xlsx")),
        other => Err(AppError::bad_request(
            "bad_query",
            format!("format: '{other}' is none of json, csv, xlsx"),
        )),
    }
}

/// A file to download under `name` (ASCII).
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

/// The first day of a `YYYY-MM` month.
pub fn month_start(month: &str) -> Option<NaiveDate> {
    let (y, m) = month.trim().split_once('-')?;
    if y.len() != 4 || m.len() != 2 {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, 1)
}

/// The first day of the month after the one starting at `first`.
pub fn next_month(first: NaiveDate) -> Option<NaiveDate> {
    if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    }
}

/// `month` read as `YYYY-MM`, or 400 `bad_query`.
pub fn month_query(month: &str) -> Result<NaiveDate, AppError> {
    month_start(month).ok_or_else(|| {
        AppError::bad_request("bad_query", "month: give it as YYYY-MM, e.g. 2026-12")
    })
}

/// A time as the office reads it: China time to the minute.
pub fn china_time(t: DateTime<Utc>) -> String {
    (t + chrono::Duration::hours(8))
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hostile() -> Vec<Vec<Cell>> {
        vec![vec![
            "=HYPERLINK(\"http://x\",\"y\")".into(),
            "+1".into(),
            "-2+3".into(),
            "@SUM(A1)".into(),
            "\t=1".into(),
            "\r=1".into(),
            "中建三局".into(),
            Cell::Number(-3.5),
            Cell::Number(12.0),
        ]]
    }

    #[test]
    fn csv_cells_that_would_be_formulas_are_text_and_numbers_stay_numbers() {
        let out = csv(&["a"; 9], &hostile()).unwrap();
        let text = String::from_utf8(out[3..].to_vec()).unwrap();
        let row = text.lines().nth(1).unwrap();
        assert_eq!(
            row,
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",'+1,'-2+3,'@SUM(A1),'\t=1,\"'\r=1\",中建三局,-3.5,12"
        );
    }

    #[test]
    fn xlsx_cells_that_would_be_formulas_are_strings_and_numbers_stay_numbers() {
        use calamine::{Data, Reader, Xlsx};
        let out = xlsx("s", &["a"; 9], &hostile()).unwrap();
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(out)).unwrap();
        let formulas = book.worksheet_formula("s").unwrap();
        assert!(
            formulas.cells().all(|(_, _, f)| f.is_empty()),
            "no formula: {formulas:?}"
        );
        let range = book.worksheet_range("s").unwrap();
        let row: Vec<Data> = range.rows().nth(1).unwrap().to_vec();
        assert_eq!(
            row[0],
            Data::String("=HYPERLINK(\"http://x\",\"y\")".into())
        );
        assert_eq!(row[2], Data::String("-2+3".into()));
        assert_eq!(row[3], Data::String("@SUM(A1)".into()));
        assert_eq!(row[7], Data::Float(-3.5));
        assert_eq!(row[8], Data::Float(12.0));
    }
}
