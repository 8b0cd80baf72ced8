//! Departments' spreadsheets: many values at once, one row each (indicator code, period, value,
//! optional note, and breakdown columns headed `Dimension: Kategorie`), as CSV (`;` or `,`, decimal
//! comma or point) or XLSX (first sheet). Pure: bytes in, rows or line-numbered errors out.

use std::{collections::HashMap, io::Cursor};

use calamine::{Data, Reader};

use super::ffcsv::{LineError, MAX_ERRORS, decode};
use crate::indicators::delivery_rules::BreakdownEntry;

/// Most rows one upload carries: 200 indicators × 10 years is 2,000.
pub const MAX_ROWS: usize = 20_000;

/// One value row of the sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetRow {
    pub line: u64,
    pub code: String,
    pub period: String,
    pub value: f64,
    pub breakdown: Vec<BreakdownEntry>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sheet {
    pub rows: Vec<SheetRow>,
    pub errors: Vec<LineError>,
}

/// A cell as read: a number (XLSX) or text.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Number(f64),
    Text(String),
}

impl Cell {
    fn text(&self) -> String {
        match self {
            Cell::Number(n) => format!("{n}"),
            Cell::Text(t) => t.trim().to_string(),
        }
    }
}

/// A number as a department writes it: `12,5`, `1.234,5`, `12.5` or `1,234.5`. In a German CSV
/// (`;`-separated, as German Excel saves it) a lone point groups thousands: `1.234` is 1234.
pub fn number(raw: &str, german: bool) -> Option<f64> {
    let raw = raw.trim().replace([' ', '\u{a0}'], "");
    let plain = match (raw.rfind(','), raw.rfind('.')) {
        (Some(c), Some(p)) if c > p => raw.replace('.', "").replace(',', "."),
        (None, Some(_)) if german => raw.replace('.', ""),
        (Some(_), Some(_)) => raw.replace(',', ""),
        (Some(_), None) => raw.replace(',', "."),
        _ => raw,
    };
    let ok = plain.chars().any(|c| c.is_ascii_digit())
        && plain.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+'));
    if !ok {
        return None;
    }
    plain.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// The table of an upload: an XLSX's first sheet, or a CSV (`;` unless the header has none).
pub fn table(bytes: &[u8]) -> Result<Vec<Vec<Cell>>, String> {
    table_of(bytes).map(|(t, _)| t)
}

/// [`table`], and whether it is a German CSV (see [`number`]).
pub fn table_of(bytes: &[u8]) -> Result<(Vec<Vec<Cell>>, bool), String> {
    if bytes.starts_with(b"PK\x03\x04") {
        let mut book = calamine::Xlsx::new(Cursor::new(bytes)).map_err(|e| format!("not a readable XLSX: {e}"))?;
        let range = book.worksheet_range_at(0).ok_or("the workbook has no sheet")?.map_err(|e| e.to_string())?;
        return Ok((
            range
                .rows()
                .map(|row| {
                    row.iter()
                        .map(|d| match d {
                            Data::Float(f) => Cell::Number(*f),
                            Data::Int(i) => Cell::Number(*i as f64),
                            Data::Empty => Cell::Text(String::new()),
                            other => Cell::Text(other.to_string()),
                        })
                        .collect()
                })
                .collect(),
            false,
        ));
    }
    let text = decode(bytes);
    let first = text.lines().next().unwrap_or_default();
    let delimiter = if first.contains(';') { b';' } else { b',' };
    let mut reader =
        csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| format!("unreadable CSV: {e}"))?;
        out.push(record.iter().map(|c| Cell::Text(c.to_string())).collect());
    }
    Ok((out, delimiter == b';'))
}

enum Column {
    Code,
    Period,
    Value,
    Note,
    Cell(String, String),
    Ignored,
}

fn column(header: &str) -> Column {
    let h = header.trim();
    match h.to_lowercase().as_str() {
        "indikator" | "indicator" | "code" | "kennung" => Column::Code,
        "zeitraum" | "periode" | "period" | "jahr" | "year" => Column::Period,
        "wert" | "value" => Column::Value,
        "anmerkung" | "notiz" | "note" | "hinweis" => Column::Note,
        "" => Column::Ignored,
        _ => match h.split_once(':') {
            Some((d, c)) if !d.trim().is_empty() && !c.trim().is_empty() => {
                Column::Cell(d.trim().to_string(), c.trim().to_string())
            }
            _ => Column::Ignored,
        },
    }
}

/// Reads the rows of a table whose first row names the columns; empty rows are skipped.
pub fn rows(table: &[Vec<Cell>], german: bool) -> Sheet {
    let mut out = Sheet::default();
    let Some(header) = table.first() else {
        out.errors.push(LineError { line: 1, message: "the sheet is empty".into() });
        return out;
    };
    let columns: Vec<Column> = header.iter().map(|c| column(&c.text())).collect();
    let has = |f: fn(&Column) -> bool| columns.iter().any(f);
    if !has(|c| matches!(c, Column::Code))
        || !has(|c| matches!(c, Column::Period))
        || !has(|c| matches!(c, Column::Value))
    {
        let message = "the first row must name the columns Indikator, Zeitraum and Wert".into();
        out.errors.push(LineError { line: 1, message });
        return out;
    }
    if table.len() > MAX_ROWS + 1 {
        out.errors.push(LineError { line: 1, message: format!("at most {MAX_ROWS} rows per upload") });
        return out;
    }
    let mut seen: HashMap<(String, String), u64> = HashMap::new();
    for (i, row) in table.iter().enumerate().skip(1) {
        let line = i as u64 + 1;
        if row.iter().all(|c| c.text().is_empty()) {
            continue;
        }
        let mut fail = |message: String| {
            if out.errors.len() < MAX_ERRORS {
                out.errors.push(LineError { line, message });
            }
        };
        let (mut code, mut period, mut value, mut note, mut breakdown) =
            (String::new(), String::new(), None, None, Vec::new());
        let mut bad = false;
        for (col, cell) in columns.iter().zip(row.iter()) {
            let text = cell.text();
            let parsed = || match cell {
                Cell::Number(n) => Some(*n),
                Cell::Text(t) => number(t, german),
            };
            match col {
                Column::Code => code = text,
                Column::Period => period = text,
                Column::Value if text.is_empty() => {}
                Column::Value => match parsed() {
                    Some(v) => value = Some(v),
                    None => {
                        fail(format!("„{text}“ is not a number"));
                        bad = true;
                    }
                },
                Column::Note => note = Some(text).filter(|t| !t.is_empty()),
                Column::Cell(_, _) if text.is_empty() => {}
                Column::Cell(d, c) => match parsed() {
                    Some(v) => breakdown.push(BreakdownEntry {
                        dimension: d.clone(),
                        category: c.clone(),
                        value: v,
                        code: None,
                    }),
                    None => {
                        fail(format!("{d}: {c}: „{text}“ is not a number"));
                        bad = true;
                    }
                },
                Column::Ignored => {}
            }
        }
        if bad {
            continue;
        }
        if code.is_empty() || period.is_empty() {
            fail("indicator code and period are needed".into());
            continue;
        }
        let Some(value) = value else {
            fail("no value".into());
            continue;
        };
        if let Some(first) = seen.insert((code.clone(), period.clone()), line) {
            fail(format!("{code} {period} a second time (first in line {first})"));
            continue;
        }
        out.rows.push(SheetRow { line, code, period, value, breakdown, note });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(rows: &[&[&str]]) -> Vec<Vec<Cell>> {
        rows.iter().map(|r| r.iter().map(|c| Cell::Text(c.to_string())).collect()).collect()
    }

    #[test]
    fn numbers_in_either_writing() {
        assert_eq!(number("12,5", true), Some(12.5));
        assert_eq!(number("1.234,5", true), Some(1234.5));
        assert_eq!(number("1,234.5", false), Some(1234.5));
        assert_eq!(number("12.5", false), Some(12.5));
        assert_eq!(number("1.234", true), Some(1234.0), "German Excel groups thousands");
        assert_eq!(number("1.234", false), Some(1.234));
        assert_eq!(number("1 234", false), Some(1234.0));
        assert_eq!(number("viel", false), None);
    }

    #[test]
    fn rows_with_breakdown_columns_and_line_numbered_errors() {
        let t = text(&[
            &["Indikator", "Zeitraum", "Wert", "Bezirk: Mitte", "Bezirk: Nord", "Anmerkung"],
            &["BIL-1", "2024", "12,5", "10", "", "aus dem Fachverfahren"],
            &["", "", "", "", "", ""],
            &["BIL-1", "2025", "viel", "", "", ""],
            &["BIL-2", "2025", "", "", "", ""],
            &["BIL-1", "2024", "13", "", "", ""],
            &["BIL-2", "2024", "3", "x", "", ""],
        ]);
        let s = rows(&t, true);
        assert_eq!(s.rows.len(), 1);
        let r = &s.rows[0];
        assert_eq!((r.line, r.code.as_str(), r.period.as_str(), r.value), (2, "BIL-1", "2024", 12.5));
        assert_eq!(
            r.breakdown,
            vec![BreakdownEntry { dimension: "Bezirk".into(), category: "Mitte".into(), value: 10.0, code: None }]
        );
        assert_eq!(r.note.as_deref(), Some("aus dem Fachverfahren"));
        let lines: Vec<u64> = s.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [4, 5, 6, 7], "{:?}", s.errors);
        assert!(s.errors[2].message.contains("first in line 2"));
    }

    #[test]
    fn a_sheet_without_the_columns_is_refused() {
        let s = rows(&text(&[&["a", "b"], &["1", "2"]]), true);
        assert_eq!(s.errors[0].line, 1);
        assert!(rows(&[], false).errors[0].message.contains("empty"));
    }

    #[test]
    fn csv_with_comma_or_semicolon_and_xlsx_read_alike() {
        let semi = table_of("Indikator;Zeitraum;Wert\nBIL-1;2024;12,5\n".as_bytes()).unwrap();
        let comma = table_of("indicator,period,value\nBIL-1,2024,12.5\n".as_bytes()).unwrap();
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "Indikator").unwrap();
        sheet.write_string(0, 1, "Zeitraum").unwrap();
        sheet.write_string(0, 2, "Wert").unwrap();
        sheet.write_string(1, 0, "BIL-1").unwrap();
        sheet.write_string(1, 1, "2024").unwrap();
        sheet.write_number(1, 2, 12.5).unwrap();
        let xlsx = table_of(&book.save_to_buffer().unwrap()).unwrap();
        assert!(semi.1 && !comma.1 && !xlsx.1);
        for (t, german) in [semi, comma, xlsx] {
            let s = rows(&t, german);
            assert!(s.errors.is_empty(), "{:?}", s.errors);
            assert_eq!(s.rows[0].value, 12.5);
            assert_eq!(s.rows[0].period, "2024");
        }
    }
}
