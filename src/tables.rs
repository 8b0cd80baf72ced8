//! Tables for download as CSV (German Excel: `;`, decimal comma, BOM) and XLSX, safe to open:
//! no cell a contributor wrote ever becomes a formula.

use axum::{
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};

use crate::error::{Error, Result};

#[derive(Debug, Clone)]
pub enum Cell {
    Text(String),
    Number(f64),
    /// A calendar day: a date cell in XLSX, `TT.MM.JJJJ` in CSV (German Excel reads it as a date).
    Date(NaiveDate),
    /// A local (Europe/Berlin) date and time.
    DateTime(NaiveDateTime),
    Empty,
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_string())
    }
}

impl From<Option<f64>> for Cell {
    fn from(v: Option<f64>) -> Self {
        v.map_or(Cell::Empty, Cell::Number)
    }
}

pub struct Table {
    pub sheet: &'static str,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
}

const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Spreadsheets run text starting with these as formulas; a leading apostrophe keeps it text.
pub fn defuse(text: &str) -> String {
    if text.starts_with(FORMULA_STARTS) { format!("'{text}") } else { text.to_string() }
}

/// Reverses [`defuse`] for a cell read back from a CSV file.
pub fn undefuse(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest,
        _ => text,
    }
}

/// The byte-order mark German Excel needs to read a CSV file as UTF-8.
pub const BOM: &str = "\u{feff}";

/// A CSV writer as German Excel reads and saves files: `;` between fields, every field quoted
/// (a spreadsheet then never splits or reinterprets one). The caller writes [`BOM`] first.
pub fn csv_writer<W: std::io::Write>(out: W) -> csv::Writer<W> {
    csv::WriterBuilder::new().delimiter(b';').quote_style(csv::QuoteStyle::Always).from_writer(out)
}

/// Strips a byte-order mark and guesses the delimiter from the header line: German Excel saves
/// `;`, other tools `,`.
pub fn csv_reader(content: &str) -> csv::Reader<&[u8]> {
    let content = content.strip_prefix(BOM).unwrap_or(content);
    let header = content.lines().next().unwrap_or("");
    let delimiter = if header.matches(';').count() > header.matches(',').count() { b';' } else { b',' };
    csv::ReaderBuilder::new().delimiter(delimiter).flexible(false).from_reader(content.as_bytes())
}

fn german_date(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

/// A range in a file name: letters, digits and `-` only.
pub fn file_part(text: &str) -> String {
    text.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect()
}

pub fn to_csv(table: &Table) -> Result<Vec<u8>> {
    let mut out = BOM.as_bytes().to_vec();
    {
        let mut w = csv_writer(&mut out);
        w.write_record(&table.headers).map_err(Error::internal)?;
        for row in &table.rows {
            let record = row.iter().map(|c| match c {
                Cell::Text(t) => defuse(t),
                Cell::Number(n) => n.to_string().replace('.', ","),
                Cell::Date(d) => german_date(*d),
                Cell::DateTime(t) => t.format("%d.%m.%Y %H:%M").to_string(),
                Cell::Empty => String::new(),
            });
            w.write_record(record).map_err(Error::internal)?;
        }
        w.flush().map_err(Error::internal)?;
    }
    Ok(out)
}

pub fn to_xlsx(table: &Table) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(table.sheet).map_err(Error::internal)?;
    let bold = Format::new().set_bold();
    let day_format = Format::new().set_num_format("dd.mm.yyyy");
    let time_format = Format::new().set_num_format("dd.mm.yyyy hh:mm");
    let excel_day =
        |d: NaiveDate| ExcelDateTime::from_ymd(u16::try_from(d.year()).unwrap_or(1900), d.month() as u8, d.day() as u8);
    for (c, h) in table.headers.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold).map_err(Error::internal)?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32 + 1, c as u16);
            match cell {
                // write_string never interprets its text as a formula.
                Cell::Text(t) => sheet.write_string(r, c, t).map(|_| ()),
                Cell::Number(n) => sheet.write_number(r, c, *n).map(|_| ()),
                Cell::Date(d) => {
                    excel_day(*d).and_then(|d| sheet.write_datetime_with_format(r, c, d, &day_format).map(|_| ()))
                }
                Cell::DateTime(t) => excel_day(t.date())
                    .and_then(|d| d.and_hms(t.hour() as u16, t.minute() as u8, 0))
                    .and_then(|d| sheet.write_datetime_with_format(r, c, d, &time_format).map(|_| ())),
                Cell::Empty => Ok(()),
            }
            .map_err(Error::internal)?;
        }
    }
    // The header stays in view while scrolling, and every column can be filtered and sorted.
    let last_col = table.headers.len().saturating_sub(1) as u16;
    sheet.autofilter(0, 0, table.rows.len() as u32, last_col).map_err(Error::internal)?;
    sheet.set_freeze_panes(1, 0).map_err(Error::internal)?;
    sheet.autofit();
    book.save_to_buffer().map_err(Error::internal)
}

/// Answers `table` as `<stem>.csv` or `<stem>.xlsx`, as `extension` asks.
pub fn download(table: &Table, extension: &str, stem: &str) -> Response {
    let built = match extension {
        "csv" => to_csv(table).map(|b| ("text/csv; charset=utf-8", b)),
        "xlsx" => to_xlsx(table).map(|b| ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b)),
        _ => return (StatusCode::NOT_FOUND, "csv or xlsx").into_response(),
    };
    match built {
        Ok((content_type, body)) => {
            let disposition = format!("attachment; filename=\"{stem}.{extension}\"");
            (
                [
                    (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
                    (
                        header::CONTENT_DISPOSITION,
                        HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("attachment")),
                    ),
                ],
                body,
            )
                .into_response()
        }
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.public_message()).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        Table {
            sheet: "Test",
            headers: vec!["Text", "Zahl", "Tag"],
            rows: vec![
                vec!["a;b".into(), Cell::Number(41.5), Cell::Date(NaiveDate::from_ymd_opt(2026, 3, 1).unwrap())],
                vec!["=HYPERLINK(\"x\")".into(), Cell::Empty, Cell::Empty],
                vec!["sagt \"nein\"".into(), Some(-1.0).into(), Cell::Empty],
            ],
        }
    }

    #[test]
    fn csv_quotes_defuses_and_uses_decimal_commas() {
        let text = String::from_utf8(to_csv(&table()).unwrap()).unwrap();
        let lines: Vec<_> = text.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(
            lines,
            [
                "\"Text\";\"Zahl\";\"Tag\"",
                "\"a;b\";\"41,5\";\"01.03.2026\"",
                "\"'=HYPERLINK(\"\"x\"\")\";\"\";\"\"",
                "\"sagt \"\"nein\"\"\";\"-1\";\"\"",
            ]
        );
    }

    #[test]
    fn defusing_is_undone_on_reading() {
        for text in ["=1+1", "-3", "@x", "\tx", "plain", "'quoted"] {
            assert_eq!(undefuse(&defuse(text)), text);
        }
    }

    #[test]
    fn xlsx_is_a_zip() {
        let bytes = to_xlsx(&table()).unwrap();
        assert_eq!(&bytes[..2], b"PK");
    }
}
