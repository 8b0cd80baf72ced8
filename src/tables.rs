//! Tables for download as CSV (German Excel: `;`, decimal comma, BOM) and XLSX, safe to open:
//! no cell a contributor wrote ever becomes a formula.

use axum::{
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};

use crate::error::{Error, Result};

pub enum Cell {
    Text(String),
    Number(f64),
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

/// Spreadsheets run text starting with these as formulas; a leading apostrophe keeps it text.
fn defuse(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_string() }
}

pub fn to_csv(table: &Table) -> Result<Vec<u8>> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    {
        // Every field quoted: a spreadsheet then never splits or reinterprets one.
        let mut w =
            csv::WriterBuilder::new().delimiter(b';').quote_style(csv::QuoteStyle::Always).from_writer(&mut out);
        w.write_record(&table.headers).map_err(Error::internal)?;
        for row in &table.rows {
            let record = row.iter().map(|c| match c {
                Cell::Text(t) => defuse(t),
                Cell::Number(n) => n.to_string().replace('.', ","),
                Cell::Empty => String::new(),
            });
            w.write_record(record).map_err(Error::internal)?;
        }
        w.flush().map_err(Error::internal)?;
    }
    Ok(out)
}

pub fn to_xlsx(table: &Table) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(table.sheet).map_err(Error::internal)?;
    let bold = Format::new().set_bold();
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
                Cell::Empty => Ok(()),
            }
            .map_err(Error::internal)?;
        }
    }
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
            headers: vec!["Text", "Zahl"],
            rows: vec![
                vec!["a;b".into(), Cell::Number(41.5)],
                vec!["=HYPERLINK(\"x\")".into(), Cell::Empty],
                vec!["sagt \"nein\"".into(), Some(-1.0).into()],
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
                "\"Text\";\"Zahl\"",
                "\"a;b\";\"41,5\"",
                "\"'=HYPERLINK(\"\"x\"\")\";\"\"",
                "\"sagt \"\"nein\"\"\";\"-1\"",
            ]
        );
    }

    #[test]
    fn xlsx_is_a_zip() {
        let bytes = to_xlsx(&table()).unwrap();
        assert_eq!(&bytes[..2], b"PK");
    }
}
