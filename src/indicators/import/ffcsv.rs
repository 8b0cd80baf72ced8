//! Reading GENESIS flat-file CSV (`ffcsv`) as GENESIS-Online, regionalstatistik.de and the state
//! databases deliver it: one value per line, `;`-separated, decimal comma (German) or point
//! (English), markers in place of values. Pure: bytes and a mapping in, the mapped values out.

use std::{
    collections::{BTreeMap, HashMap},
    io::{Cursor, Read},
};

use serde::{Deserialize, Serialize};

use crate::indicators::delivery_rules::BreakdownEntry;

/// Largest CSV a ZIP may unpack to: a table for every municipality of a state over decades stays
/// well below; a ZIP bomb does not.
pub const MAX_UNPACKED: u64 = 64 * 1024 * 1024;

/// Errors listed at most; a file that is wrong throughout needs no 100,000 lines of them.
pub const MAX_ERRORS: usize = 200;

/// One dimension's filter: the variable (e.g. `GEMEIN`) and the attribute kept (e.g. `05515000`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DimensionFilter {
    pub variable: String,
    pub attribute: String,
}

/// What of a table feeds an indicator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableMapping {
    /// The statistic's table code, e.g. `12411-01-01-4`.
    pub table_code: String,
    /// The value variable, e.g. `BEV001`.
    pub value_variable: String,
    pub filters: Vec<DimensionFilter>,
}

/// A value replaced by one of the official markers.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MarkerLine {
    pub line: u64,
    pub time: String,
    /// The breakdown cell, when the marker stands in a cell rather than the total.
    pub category: Option<String>,
    pub marker: String,
    pub meaning: &'static str,
}

/// A line that could not be read, by its line number in the file (the header is line 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LineError {
    pub line: u64,
    pub message: String,
}

/// The values of one time of the table: the total and the cells of one further dimension.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TimeValues {
    pub line: u64,
    pub value: Option<f64>,
    pub breakdown: Vec<BreakdownEntry>,
}

/// What a file holds for a mapping.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Extract {
    /// By the file's `time`, in the file's order of first appearance sorted by text.
    pub times: BTreeMap<String, TimeValues>,
    pub markers: Vec<MarkerLine>,
    pub errors: Vec<LineError>,
    /// Lines read and lines that matched the mapping.
    pub lines: u64,
    pub matched: u64,
    pub decimal_comma: bool,
}

/// The official markers that replace a value, with their meaning (Zeichenerklärung).
pub fn marker_meaning(raw: &str) -> Option<&'static str> {
    Some(match raw {
        "-" => "nichts vorhanden",
        "." => "Zahlenwert unbekannt oder geheim zu halten",
        "x" | "X" => "Tabellenfach gesperrt, weil Aussage nicht sinnvoll",
        "/" => "keine Angaben, da Zahlenwert nicht sicher genug",
        "..." => "Angabe fällt später an",
        _ => return None,
    })
}

/// The CSV inside an upload: a ZIP's `…_flat.csv` (or its only CSV), or the upload itself.
pub fn unpack(bytes: &[u8]) -> Result<Vec<u8>, String> {
    if !bytes.starts_with(b"PK\x03\x04") {
        return Ok(bytes.to_vec());
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| format!("not a readable ZIP: {e}"))?;
    let names: Vec<String> = zip.file_names().filter_map(|n| n.ok().map(|n| n.to_string())).collect();
    let csvs: Vec<&String> = names.iter().filter(|n| n.to_ascii_lowercase().ends_with(".csv")).collect();
    let flat: Vec<&String> = csvs.iter().copied().filter(|n| n.to_ascii_lowercase().ends_with("_flat.csv")).collect();
    let name = match (flat.as_slice(), csvs.as_slice()) {
        ([one], _) | ([], [one]) => (*one).clone(),
        ([], []) => return Err("the ZIP holds no CSV file".into()),
        _ => return Err("the ZIP holds several CSV files; upload the one flat file".into()),
    };
    let file = zip.by_name(&name).map_err(|e| format!("{name}: {e}"))?;
    let mut out = Vec::new();
    file.take(MAX_UNPACKED + 1).read_to_end(&mut out).map_err(|e| format!("{name}: {e}"))?;
    if out.len() as u64 > MAX_UNPACKED {
        return Err(format!("{name} unpacks to more than {} MB", MAX_UNPACKED / 1024 / 1024));
    }
    Ok(out)
}

/// UTF-8 as documented, without a byte order mark; older downloads and German Excel's CSV are
/// Windows-1252 (the superset of Latin-1 with „ “ – € at 0x80–0x9F) and are read as such.
pub fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0.into_owned(),
    }
}

/// A number as the file writes it: `1234,5` / `1.234,5` with a decimal comma, `1234.5` without.
pub fn parse_number(raw: &str, decimal_comma: bool) -> Option<f64> {
    let raw = raw.trim();
    let plain: String = if decimal_comma { raw.replace('.', "").replace(',', ".") } else { raw.replace(',', "") };
    let digits = plain.chars().any(|c| c.is_ascii_digit());
    let allowed = plain.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+'));
    if !digits || !allowed {
        return None;
    }
    plain.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// The columns of a dimension: `N_variable_code` and its siblings.
struct Dimension {
    code: usize,
    label: Option<usize>,
    attribute: usize,
    attribute_label: Option<usize>,
}

struct Columns {
    statistics_code: Option<usize>,
    time: usize,
    value: usize,
    value_q: Option<usize>,
    value_variable: usize,
    dimensions: Vec<Dimension>,
}

impl Columns {
    fn read(header: &csv::StringRecord) -> Result<Self, String> {
        let index: HashMap<&str, usize> = header.iter().enumerate().map(|(i, h)| (h.trim(), i)).collect();
        let need = |name: &str| index.get(name).copied().ok_or_else(|| format!("no column {name}: not a flat file"));
        let mut dimensions = Vec::new();
        for n in 1.. {
            let Some(&code) = index.get(format!("{n}_variable_code").as_str()) else { break };
            let attribute = need(&format!("{n}_variable_attribute_code"))?;
            dimensions.push(Dimension {
                code,
                label: index.get(format!("{n}_variable_label").as_str()).copied(),
                attribute,
                attribute_label: index.get(format!("{n}_variable_attribute_label").as_str()).copied(),
            });
        }
        Ok(Self {
            statistics_code: index.get("statistics_code").copied(),
            time: need("time")?,
            value: need("value")?,
            value_q: index.get("value_q").copied(),
            value_variable: need("value_variable_code")?,
            dimensions,
        })
    }
}

/// A value cell before the file's decimal sign is known.
enum Raw {
    Number(String),
    Marker(String),
}

struct Matched {
    line: u64,
    time: String,
    /// `None` for the total, else (dimension label, category label).
    cell: Option<(String, String)>,
    /// The cell's attribute code (e.g. a district's official key), which a district list may know.
    attribute: Option<String>,
    raw: Raw,
}

/// Reads a file for a mapping: the lines of its value variable that pass every filter, each the
/// total (no other dimension) or a cell of exactly one further dimension.
pub fn extract(text: &str, mapping: &TableMapping) -> Extract {
    let mut out = Extract::default();
    let mut reader = csv::ReaderBuilder::new().delimiter(b';').flexible(true).from_reader(text.as_bytes());
    let columns = match reader.headers().map_err(|e| e.to_string()).and_then(Columns::read) {
        Ok(c) => c,
        Err(message) => {
            out.errors.push(LineError { line: 1, message });
            return out;
        }
    };
    let mut matched = Vec::new();
    let mut saw_comma = false;
    let mut wrong_table = false;
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                push_error(&mut out, line, format!("unreadable line: {e}"));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        out.lines += 1;
        let field = |i: usize| record.get(i).unwrap_or_default().trim();
        if let Some(i) = columns.statistics_code
            && !wrong_table
            && !field(i).is_empty()
            && !field(i).eq_ignore_ascii_case(&mapping.table_code)
        {
            wrong_table = true;
            let message = format!("table {} in the file, the mapping expects {}", field(i), mapping.table_code);
            push_error(&mut out, line, message);
        }
        let value = field(columns.value);
        saw_comma |= value.contains(',');
        if !field(columns.value_variable).eq_ignore_ascii_case(&mapping.value_variable) {
            continue;
        }
        let present: Vec<&Dimension> = columns.dimensions.iter().filter(|d| !field(d.code).is_empty()).collect();
        let passes = mapping
            .filters
            .iter()
            .all(|f| present.iter().any(|d| field(d.code) == f.variable && field(d.attribute) == f.attribute));
        if !passes {
            continue;
        }
        let rest: Vec<&&Dimension> =
            present.iter().filter(|d| !mapping.filters.iter().any(|f| f.variable == field(d.code))).collect();
        let cell = match rest.as_slice() {
            [] => None,
            [d] => {
                let label = |i: Option<usize>, fallback: usize| {
                    Some(field(i.unwrap_or(fallback))).filter(|s| !s.is_empty()).unwrap_or(field(fallback)).to_string()
                };
                Some((label(d.label, d.code), label(d.attribute_label, d.attribute)))
            }
            // A cell crossed by two free dimensions has no place in a one-dimensional breakdown.
            _ => continue,
        };
        let attribute = match rest.as_slice() {
            [d] => Some(field(d.attribute).to_string()).filter(|a| !a.is_empty()),
            _ => None,
        };
        let time = field(columns.time).to_string();
        if time.is_empty() {
            push_error(&mut out, line, "no time".into());
            continue;
        }
        let q = columns.value_q.map(field).unwrap_or_default();
        let raw = if marker_meaning(value).is_some() {
            Raw::Marker(value.to_string())
        } else if value.is_empty() && marker_meaning(q).is_some() {
            Raw::Marker(q.to_string())
        } else if value.is_empty() {
            push_error(&mut out, line, "no value and no marker".into());
            continue;
        } else {
            Raw::Number(value.to_string())
        };
        out.matched += 1;
        matched.push(Matched { line, time, cell, attribute, raw });
    }
    out.decimal_comma = saw_comma;
    let mut seen: HashMap<(String, Option<(String, String)>), u64> = HashMap::new();
    // A time whose total is a marker has no value, whatever its cells say.
    let mut marked_totals = Vec::new();
    for m in matched {
        if let Some(first) = seen.insert((m.time.clone(), m.cell.clone()), m.line) {
            push_error(&mut out, m.line, format!("a second value for {} (first in line {first})", m.time));
            continue;
        }
        let value = match m.raw {
            Raw::Marker(marker) => {
                let meaning = marker_meaning(&marker).unwrap_or_default();
                if m.cell.is_none() {
                    marked_totals.push(m.time.clone());
                }
                let category = m.cell.map(|(_, c)| c);
                out.markers.push(MarkerLine { line: m.line, time: m.time, category, marker, meaning });
                continue;
            }
            Raw::Number(raw) => match parse_number(&raw, saw_comma) {
                Some(v) => v,
                None => {
                    push_error(&mut out, m.line, format!("„{raw}“ is neither a number nor a marker"));
                    continue;
                }
            },
        };
        let entry = out.times.entry(m.time).or_insert_with(|| TimeValues { line: m.line, ..Default::default() });
        entry.line = entry.line.min(m.line);
        match m.cell {
            None => entry.value = Some(value),
            Some((dimension, category)) => {
                entry.breakdown.push(BreakdownEntry { dimension, category, value, code: m.attribute })
            }
        }
    }
    for time in marked_totals {
        out.times.remove(&time);
    }
    out.errors.sort_by_key(|e| e.line);
    out
}

fn push_error(out: &mut Extract, line: u64, message: String) {
    if out.errors.len() < MAX_ERRORS {
        out.errors.push(LineError { line, message });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "statistics_code;statistics_label;time_code;time_label;time;1_variable_code;1_variable_label;1_variable_attribute_code;1_variable_attribute_label;2_variable_code;2_variable_label;2_variable_attribute_code;2_variable_attribute_label;value;value_unit;value_variable_code;value_variable_label;value_q";

    fn mapping() -> TableMapping {
        TableMapping {
            table_code: "12411-01-01-4".into(),
            value_variable: "BEV001".into(),
            filters: vec![DimensionFilter { variable: "GEMEIN".into(), attribute: "05515000".into() }],
        }
    }

    fn line(time: &str, region: &str, sex: &str, value: &str, q: &str) -> String {
        let (sc, sl, sa, sal) = if sex.is_empty() {
            ("", "", "", "")
        } else {
            ("GES", "Geschlecht", sex, if sex == "GESM" { "männlich" } else { "weiblich" })
        };
        format!(
            "12411-01-01-4;Bevölkerung;JAHR;Jahr;{time};GEMEIN;Gemeinden;{region};Ort {region};{sc};{sl};{sa};{sal};{value};Anzahl;BEV001;Bevölkerungsstand;{q}"
        )
    }

    fn file(lines: &[String]) -> String {
        std::iter::once(HEAD.to_string()).chain(lines.iter().cloned()).collect::<Vec<_>>().join("\n")
    }

    #[test]
    fn numbers_follow_the_files_decimal_sign() {
        assert_eq!(parse_number("1234,5", true), Some(1234.5));
        assert_eq!(parse_number("1.234,5", true), Some(1234.5));
        assert_eq!(parse_number("1234.5", false), Some(1234.5));
        assert_eq!(parse_number("-3", false), Some(-3.0));
        assert_eq!(parse_number("abc", false), None);
        assert_eq!(parse_number("inf", false), None);
        assert_eq!(parse_number("", true), None);
    }

    #[test]
    fn only_the_citys_key_and_the_value_variable_are_read() {
        let text = file(&[
            line("2022", "05515000", "", "317639", ""),
            line("2022", "05513000", "", "261000", ""),
            line("2022", "05515000", "GESM", "152000", ""),
            line("2022", "05515000", "GESW", "165639", ""),
            line("2023", "05515000", "", "320946", ""),
        ]);
        let out = extract(&text, &mapping());
        assert!(out.errors.is_empty(), "{:?}", out.errors);
        assert_eq!(out.matched, 4);
        let y22 = &out.times["2022"];
        assert_eq!(y22.value, Some(317_639.0));
        assert_eq!(y22.line, 2);
        assert_eq!(y22.breakdown.len(), 2);
        assert_eq!(y22.breakdown[0].dimension, "Geschlecht");
        assert_eq!(y22.breakdown[1].category, "weiblich");
        assert_eq!(out.times["2023"].value, Some(320_946.0));
    }

    #[test]
    fn german_and_english_files_read_alike() {
        let de = extract(&file(&[line("2022", "05515000", "", "12,5", "")]), &mapping());
        let en = extract(&file(&[line("2022", "05515000", "", "12.5", "")]), &mapping());
        assert!(de.decimal_comma && !en.decimal_comma);
        assert_eq!(de.times, en.times);
        assert_eq!(de.times["2022"].value, Some(12.5));
    }

    #[test]
    fn markers_are_listed_with_their_meaning_and_bad_lines_with_their_number() {
        let text = file(&[
            line("2020", "05515000", "", "-", ""),
            line("2021", "05515000", "", "", "."),
            line("2022", "05515000", "GESM", "x", ""),
            line("2023", "05515000", "", "viele", ""),
            line("2023", "05515000", "", "", ""),
            line("2024", "05515000", "", "1", ""),
            line("2024", "05515000", "", "2", ""),
            line("2020", "05515000", "GESM", "5", ""),
        ]);
        let out = extract(&text, &mapping());
        let markers: Vec<_> = out.markers.iter().map(|m| (m.line, m.marker.as_str(), m.meaning)).collect();
        assert_eq!(
            markers,
            [
                (2, "-", "nichts vorhanden"),
                (3, ".", "Zahlenwert unbekannt oder geheim zu halten"),
                (4, "x", "Tabellenfach gesperrt, weil Aussage nicht sinnvoll")
            ]
        );
        assert_eq!(out.markers[2].category.as_deref(), Some("männlich"));
        let lines: Vec<u64> = out.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [5, 6, 8], "{:?}", out.errors);
        assert!(out.errors[2].message.contains("first in line 7"));
        assert_eq!(out.times["2024"].value, Some(1.0));
        assert!(!out.times.contains_key("2020"), "a marked total leaves no value for its time");
    }

    #[test]
    fn a_file_of_another_table_or_shape_is_refused() {
        let other = TableMapping { table_code: "99999-01".into(), ..mapping() };
        let out = extract(&file(&[line("2022", "05515000", "", "1", "")]), &other);
        assert_eq!(out.errors.len(), 1);
        assert!(out.errors[0].message.contains("99999-01"));
        let out = extract("a;b;c\n1;2;3", &mapping());
        assert_eq!(out.errors[0].line, 1);
        assert!(out.errors[0].message.contains("not a flat file"));
    }

    #[test]
    fn latin1_and_a_byte_order_mark_are_read() {
        assert_eq!(decode(b"\xEF\xBB\xBFtime"), "time");
        assert_eq!(decode(b"M\xfcnster"), "Münster");
        assert_eq!(decode(b"\x84Zitat\x93 \x80"), "„Zitat“ €");
    }

    #[test]
    fn a_zip_yields_its_flat_file() {
        use std::io::Write;
        let mut buf = Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut buf);
            let opts = zip::write::SimpleFileOptions::default();
            w.start_file("12411-01-01-4_de_flat.csv", opts).unwrap();
            w.write_all(b"time;value").unwrap();
            w.start_file("readme.txt", opts).unwrap();
            w.write_all(b"hallo").unwrap();
            w.finish().unwrap();
        }
        assert_eq!(unpack(buf.get_ref()).unwrap(), b"time;value");
        assert_eq!(unpack(b"time;value").unwrap(), b"time;value");
        assert!(unpack(b"PK\x03\x04garbage").is_err());
    }
}
