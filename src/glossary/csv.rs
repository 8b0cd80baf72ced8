//! The glossary as CSV for spreadsheets: one row per definition (a term without one has one row).
//!
//! Term columns repeat on each of a term's rows; on import the first row of a term counts. Lists
//! (synonyms, related terms by label, mapping targets as definition IRIs or URIs) are separated by `|`.
//! A missing column leaves the glossary's value as it is; an empty cell in a present column means
//! "none" and clears it. The `status` and `agreed` columns are exported for reading; an import
//! reports them but never takes them over, since a status comes only from reviews.
//!
//! Written as the other downloads (see [`crate::tables`]): `;`, a byte-order mark, formula-like
//! cells defused, statuses in German. Read back: `;` or `,`, with or without the mark, the
//! defusing undone, statuses in German or as their GraphQL names.

use chrono::NaiveDate;

use super::{
    entities::{LabelKind, MappingKind, TermStatus},
    exchange::{Carried, DefinitionIn, Iris, LabelsIn, MappingIn, Target, TermIn, TermRef, TermSnap},
    service::{DefinitionData, OtherLabel, SourceData},
};
use crate::{
    error::{Error, Result},
    german::{German, yes_no},
    tables,
};

pub const COLUMNS: [&str; 22] = [
    "id",
    "label",
    "synonyms",
    "status",
    "replaced_by",
    "broader",
    "narrower",
    "related",
    "definition_id",
    "definition",
    "scope_note",
    "publisher",
    "statistic",
    "source_date",
    "source_link",
    "valid_from",
    "valid_to",
    "agreed",
    "exact_match",
    "close_match",
    "broad_match",
    "narrow_match",
];

const KINDS: [MappingKind; 4] =
    [MappingKind::ExactMatch, MappingKind::CloseMatch, MappingKind::BroaderMatch, MappingKind::NarrowerMatch];

fn status_from(text: &str) -> Option<TermStatus> {
    let text = text.trim();
    if text.is_empty() {
        return Some(TermStatus::Proposed);
    }
    [TermStatus::Proposed, TermStatus::Agreed, TermStatus::Deprecated]
        .into_iter()
        .find(|s| s.german() == text || format!("{s:?}").eq_ignore_ascii_case(text))
}

pub fn write(snapshot: &[TermSnap], iris: &Iris) -> Result<String> {
    let labels: std::collections::HashMap<uuid::Uuid, &str> =
        snapshot.iter().map(|t| (t.id, t.label.as_str())).collect();
    let names = |ids: &[uuid::Uuid]| ids.iter().filter_map(|i| labels.get(i).copied()).collect::<Vec<_>>().join("|");
    let mut w = tables::csv_writer(tables::BOM.as_bytes().to_vec());
    w.write_record(COLUMNS).map_err(Error::internal)?;
    let mut write = |row: &[String]| w.write_record(row.iter().map(|c| tables::defuse(c))).map_err(Error::internal);
    for t in snapshot {
        let term_cols = [
            t.id.to_string(),
            t.label.clone(),
            t.synonyms.join("|"),
            t.status.german().to_string(),
            t.replaced_by.and_then(|r| labels.get(&r)).map(|l| l.to_string()).unwrap_or_default(),
            names(&t.broader),
            names(&t.narrower),
            names(&t.related),
        ];
        if t.definitions.is_empty() {
            let mut row: Vec<String> = term_cols.to_vec();
            row.resize(COLUMNS.len(), String::new());
            write(&row)?;
        }
        for d in &t.definitions {
            let opt = |v: &Option<String>| v.clone().unwrap_or_default();
            let day = |v: Option<NaiveDate>| v.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default();
            let mut row: Vec<String> = term_cols.to_vec();
            row.extend([
                d.id.to_string(),
                d.text.clone(),
                opt(&d.scope_note),
                opt(&d.source.publisher),
                opt(&d.source.statistic),
                day(d.source.date),
                opt(&d.source.link),
                day(d.valid_from),
                day(d.valid_to),
                yes_no(t.agreed_definition == Some(d.id)).to_string(),
            ]);
            for kind in KINDS {
                let targets: Vec<String> = d
                    .mappings
                    .iter()
                    .filter(|m| m.kind == kind)
                    .map(|m| match &m.target {
                        Target::Definition(id) => iris.definition(*id),
                        Target::Uri(u) => u.clone(),
                    })
                    .collect();
                row.push(targets.join("|"));
            }
            write(&row)?;
        }
    }
    String::from_utf8(w.into_inner().map_err(Error::internal)?).map_err(Error::internal)
}

fn list(v: &str) -> Vec<String> {
    v.split('|').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

fn opt(v: &str) -> Option<String> {
    let t = v.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// Parses CSV; a malformed row or value names its line, nothing is changed.
pub fn parse(content: &str) -> Result<Vec<TermIn>> {
    let mut reader = tables::csv_reader(content);
    let bad = |line: u64, message: String| Error::validation("content", format!("line {line}: {message}"));
    let headers = reader.headers().map_err(|e| bad(1, e.to_string()))?.clone();
    let col = |name: &str| headers.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
    let label_col = col("label").ok_or_else(|| bad(1, "the header needs a label column".into()))?;
    let cols: Vec<Option<usize>> = COLUMNS.iter().map(|c| col(c)).collect();
    let has = |name: &str| COLUMNS.iter().position(|c| *c == name).and_then(|i| cols[i]).is_some();
    let carried = Carried {
        publisher: has("publisher"),
        statistic: has("statistic"),
        source_date: has("source_date"),
        source_link: has("source_link"),
        scope_note: has("scope_note"),
        valid_from: has("valid_from"),
        valid_to: has("valid_to"),
    };
    let has_synonyms = has("synonyms");
    let has_status = has("status");
    let mut out: Vec<TermIn> = Vec::new();
    for record in reader.records() {
        let raw = record.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            bad(line, e.to_string())
        })?;
        let mut record: ::csv::StringRecord = raw.iter().map(tables::undefuse).collect();
        record.set_position(raw.position().cloned());
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let get = |name: &str| -> &str {
            COLUMNS.iter().position(|c| *c == name).and_then(|i| cols[i]).and_then(|i| record.get(i)).unwrap_or("")
        };
        let label = record.get(label_col).unwrap_or("").trim().to_string();
        if label.is_empty() {
            return Err(bad(line, "label is empty".into()));
        }
        let id =
            opt(get("id")).map(|v| v.parse().map_err(|_| bad(line, format!("id {v:?} is not a UUID")))).transpose()?;
        let date = |name: &str| -> Result<Option<NaiveDate>> {
            opt(get(name))
                .map(|v| {
                    NaiveDate::parse_from_str(&v, "%Y-%m-%d")
                        .map_err(|_| bad(line, format!("{name} {v:?} is not a date (YYYY-MM-DD)")))
                })
                .transpose()
        };
        let at = format!("line {line}");
        let same_term = out.last().is_some_and(|t| match (t.id, id) {
            (Some(a), Some(b)) => a == b,
            (None, None) => t.label == label,
            _ => false,
        });
        if !same_term {
            let status = if has_status {
                Some(status_from(get("status")).ok_or_else(|| {
                    bad(
                        line,
                        format!(
                            "unknown status {:?}; expected Vorgeschlagen, Vereinbart or Veraltet \
                             (PROPOSED, AGREED or DEPRECATED)",
                            get("status").trim()
                        ),
                    )
                })?)
            } else {
                None
            };
            let refs = |name: &str| list(get(name)).into_iter().map(TermRef::Label).collect::<Vec<_>>();
            out.push(TermIn {
                at: at.clone(),
                reference: TermRef::Label(label.clone()),
                id,
                label: label.clone(),
                language: None,
                notation: None,
                labels: has_synonyms.then(|| LabelsIn {
                    kinds: vec![LabelKind::Alt],
                    labels: list(get("synonyms"))
                        .into_iter()
                        .map(|text| OtherLabel { kind: LabelKind::Alt, language: String::new(), text })
                        .collect(),
                    languages_known: false,
                }),
                not_kept: vec![],
                status,
                replaced_by: opt(get("replaced_by")).map(TermRef::Label),
                broader: refs("broader"),
                narrower: refs("narrower"),
                related: refs("related"),
                definitions: vec![],
            });
        }
        let Some(text) = opt(get("definition")) else { continue };
        let definition_id = opt(get("definition_id"))
            .map(|v| v.parse().map_err(|_| bad(line, format!("definition_id {v:?} is not a UUID"))))
            .transpose()?;
        let agreed = match get("agreed").trim().to_ascii_lowercase().as_str() {
            "" | "false" | "nein" | "no" => false,
            "true" | "ja" | "yes" => true,
            other => return Err(bad(line, format!("agreed {other:?} is neither true nor false"))),
        };
        let mut mappings = Vec::new();
        for (kind, name) in KINDS.iter().zip(["exact_match", "close_match", "broad_match", "narrow_match"]) {
            mappings.extend(list(get(name)).into_iter().map(|target| MappingIn { kind: *kind, target, note: None }));
        }
        let definition = DefinitionIn {
            at: at.clone(),
            id: definition_id,
            agreed,
            mappings,
            carried,
            version: None,
            data: DefinitionData {
                text,
                source: SourceData {
                    publisher: opt(get("publisher")),
                    statistic: opt(get("statistic")),
                    date: date("source_date")?,
                    link: opt(get("source_link")),
                },
                scope_note: opt(get("scope_note")),
                valid_from: date("valid_from")?,
                valid_to: date("valid_to")?,
                ..DefinitionData::default()
            },
        };
        if let Some(t) = out.last_mut() {
            t.definitions.push(definition);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_of_one_term_group_and_lists_split() {
        let doc = "label,synonyms,definition,publisher,agreed,related\n\
                   Migrationshintergrund,MHG|Migrationsbezug,Mikrozensus-Text,Destatis,true,Einwanderungsgeschichte\n\
                   Migrationshintergrund,,Stadt-Text,Stadt Münster,,\n\
                   Einwanderungsgeschichte,,,,,\n";
        let terms = parse(doc).unwrap();
        assert_eq!(terms.len(), 2);
        let synonyms: Vec<&str> = terms[0].labels.as_ref().unwrap().labels.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(synonyms, ["MHG", "Migrationsbezug"]);
        assert_eq!(terms[0].status, None, "no status column: no status");
        assert!(terms[0].definitions[0].carried.publisher);
        assert!(!terms[0].definitions[0].carried.scope_note, "no scope_note column: the note stays as it is");
        assert_eq!(terms[0].definitions.len(), 2);
        assert!(terms[0].definitions[0].agreed);
        assert_eq!(terms[0].related, [TermRef::Label("Einwanderungsgeschichte".into())]);
        assert!(terms[1].definitions.is_empty());
    }

    #[test]
    fn a_missing_column_is_not_an_empty_one() {
        let without = parse("label\nA\n").unwrap();
        assert!(without[0].labels.is_none());
        assert_eq!(without[0].status, None);
        let empty = parse("label,synonyms,status\nA,,\n").unwrap();
        assert!(empty[0].labels.as_ref().unwrap().labels.is_empty());
        assert_eq!(empty[0].status, Some(TermStatus::Proposed));
    }

    #[test]
    fn malformed_rows_name_their_line() {
        let cases = [
            ("label,definition\nA,x\nB\n", "line 3"),
            ("label,status\nA,PROPOSED\nB,VEREINBART\n", "line 3"),
            ("label,definition,valid_from\nA,x,2020-01-01\nB,y,01.01.2020\n", "line 3"),
            ("label,id\nA,keine-uuid\n", "line 2"),
            ("label,definition\nA,x\n,y\n", "line 3"),
            ("name,definition\nA,x\n", "line 1"),
            ("label,definition\nA,x\nB,y,überzählig\n", "line 3"),
        ];
        for (doc, line) in cases {
            let e = parse(doc).unwrap_err();
            assert_eq!(e.code(), "VALIDATION");
            assert!(e.to_string().contains(line), "{doc:?}: {e}");
        }
    }

    #[test]
    fn what_german_excel_saves_is_read_and_defusing_undone() {
        let doc = "\u{feff}label;status;definition;agreed\nA;Vereinbart;'=1+1 ist zwei;ja\nB;DEPRECATED;;\n";
        let terms = parse(doc).unwrap();
        assert_eq!(terms[0].status, Some(TermStatus::Agreed));
        assert_eq!(terms[0].definitions[0].data.text, "=1+1 ist zwei");
        assert!(terms[0].definitions[0].agreed);
        assert_eq!(terms[1].status, Some(TermStatus::Deprecated));
    }

    #[test]
    fn quotes_commas_and_newlines_survive_a_round_trip() {
        let snap = vec![TermSnap {
            id: uuid::Uuid::from_u128(1),
            label: "Ausländer, \"amtlich\"".into(),
            language: "de".into(),
            notation: None,
            synonyms: vec![],
            labels: vec![],
            status: TermStatus::Proposed,
            replaced_by: None,
            agreed_definition: None,
            agreed_text: None,
            broader: vec![],
            narrower: vec![],
            related: vec![],
            definitions: vec![super::super::exchange::DefinitionSnap {
                id: uuid::Uuid::from_u128(2),
                text: "Zeile 1,\nZeile \"2\"".into(),
                version: 1,
                status: super::super::entities::DefinitionStatus::Proposed,
                source: SourceData::default(),
                scope_note: None,
                valid_from: None,
                valid_to: None,
                mappings: vec![],
                language: "de".into(),
                scope_note_language: "de".into(),
            }],
        }];
        let text = write(&snap, &Iris::new("http://localhost:8080")).unwrap();
        assert!(text.starts_with("\u{feff}\"id\";\"label\""), "{text}");
        let back = parse(&text).unwrap();
        assert_eq!(back[0].label, "Ausländer, \"amtlich\"");
        assert_eq!(back[0].definitions[0].data.text, "Zeile 1,\nZeile \"2\"");
    }
}
