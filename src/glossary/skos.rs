//! The glossary as SKOS: written as Turtle or JSON-LD, read from Turtle.
//!
//! Each term is a `skos:Concept` in the glossary's `skos:ConceptScheme`, with `skos:prefLabel` and
//! `skos:altLabel` in German, `skos:broader`/`narrower`/`related`, `owl:deprecated` and
//! `dct:isReplacedBy`. Competing definitions carry their own authority, so each is a resource
//! (SKOS allows documentation properties with resource values): `term skos:definition def`, and
//! `def rdf:value "text"@de; skos:scopeNote; dct:publisher; dct:source; dct:date; rdfs:seeAlso;
//! schema:validFrom/validThrough` and the mappings `skos:exactMatch/closeMatch/broadMatch/narrowMatch`.
//! The agreed one is named by `teilhabe:agreedDefinition`, the status by `teilhabe:status`. On import a
//! literal `skos:definition` (as other vocabularies write it) is a definition with text only.

use std::collections::HashMap;

use oxrdf::{BlankNode, Literal, NamedNode, NamedOrBlankNode, Term as RdfTerm, Triple, vocab};
use oxttl::{TurtleParser, TurtleSerializer};

use super::{
    entities::{MappingKind, TermStatus},
    exchange::{DefinitionIn, Iris, Target, TermIn, TermRef, TermSnap},
    service::{DefinitionData, SourceData},
};
use crate::error::{Error, Result};

const SKOS: &str = "http://www.w3.org/2004/02/skos/core#";
const DCT: &str = "http://purl.org/dc/terms/";
const OWL: &str = "http://www.w3.org/2002/07/owl#";
const SCHEMA: &str = "https://schema.org/";

fn skos(local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{SKOS}{local}"))
}
fn dct(local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{DCT}{local}"))
}
fn owl(local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{OWL}{local}"))
}
fn schema(local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{SCHEMA}{local}"))
}

fn german(text: &str) -> Literal {
    Literal::new_language_tagged_literal_unchecked(text, "de")
}

fn date(d: chrono::NaiveDate) -> Literal {
    Literal::new_typed_literal(d.format("%Y-%m-%d").to_string(), vocab::xsd::DATE)
}

fn mapping_property(kind: MappingKind) -> &'static str {
    match kind {
        MappingKind::ExactMatch => "exactMatch",
        MappingKind::CloseMatch => "closeMatch",
        MappingKind::BroaderMatch => "broadMatch",
        MappingKind::NarrowerMatch => "narrowMatch",
    }
}

fn status_name(s: TermStatus) -> &'static str {
    match s {
        TermStatus::Proposed => "PROPOSED",
        TermStatus::Agreed => "AGREED",
        TermStatus::Deprecated => "DEPRECATED",
    }
}

/// IRIs must be valid to be written; a stored link that is not becomes a plain literal.
fn iri_or_literal(raw: &str) -> RdfTerm {
    match NamedNode::new(raw) {
        Ok(n) => n.into(),
        Err(_) => Literal::new_simple_literal(raw).into(),
    }
}

pub fn triples(snapshot: &[TermSnap], iris: &Iris, title: &str) -> Vec<Triple> {
    let mut out = Vec::new();
    let scheme = NamedNode::new_unchecked(iris.scheme());
    let vocab_iri = iris.vocab();
    let tv = |local: &str| NamedNode::new_unchecked(format!("{vocab_iri}{local}"));
    let mut add = |s: &NamedNode, p: NamedNode, o: RdfTerm| out.push(Triple::new(s.clone(), p, o));
    add(&scheme, vocab::rdf::TYPE.into_owned(), skos("ConceptScheme").into());
    add(&scheme, dct("title"), german(title).into());
    for t in snapshot {
        let c = NamedNode::new_unchecked(iris.term(t.id));
        add(&c, vocab::rdf::TYPE.into_owned(), skos("Concept").into());
        add(&c, skos("inScheme"), scheme.clone().into());
        add(&c, skos("prefLabel"), german(&t.label).into());
        for s in &t.synonyms {
            add(&c, skos("altLabel"), german(s).into());
        }
        for (ids, p) in [(&t.broader, "broader"), (&t.narrower, "narrower"), (&t.related, "related")] {
            for id in ids {
                add(&c, skos(p), NamedNode::new_unchecked(iris.term(*id)).into());
            }
        }
        add(&c, tv("status"), Literal::new_simple_literal(status_name(t.status)).into());
        if t.status == TermStatus::Deprecated {
            add(&c, owl("deprecated"), Literal::from(true).into());
        }
        if let Some(r) = t.replaced_by {
            add(&c, dct("isReplacedBy"), NamedNode::new_unchecked(iris.term(r)).into());
        }
        if let Some(a) = t.agreed_definition {
            add(&c, tv("agreedDefinition"), NamedNode::new_unchecked(iris.definition(a)).into());
        }
        for d in &t.definitions {
            let n = NamedNode::new_unchecked(iris.definition(d.id));
            add(&c, skos("definition"), n.clone().into());
            add(&n, vocab::rdf::TYPE.into_owned(), tv("Definition").into());
            add(&n, vocab::rdf::VALUE.into_owned(), german(&d.text).into());
            add(&n, owl("versionInfo"), Literal::from(d.version).into());
            if let Some(s) = &d.scope_note {
                add(&n, skos("scopeNote"), german(s).into());
            }
            if let Some(p) = &d.source.publisher {
                add(&n, dct("publisher"), Literal::new_simple_literal(p).into());
            }
            if let Some(s) = &d.source.statistic {
                add(&n, dct("source"), Literal::new_simple_literal(s).into());
            }
            if let Some(x) = d.source.date {
                add(&n, dct("date"), date(x).into());
            }
            if let Some(l) = &d.source.link {
                add(&n, vocab::rdfs::SEE_ALSO.into_owned(), iri_or_literal(l));
            }
            if let Some(x) = d.valid_from {
                add(&n, schema("validFrom"), date(x).into());
            }
            if let Some(x) = d.valid_to {
                add(&n, schema("validThrough"), date(x).into());
            }
            for (kind, target) in &d.mappings {
                let o = match target {
                    Target::Definition(id) => NamedNode::new_unchecked(iris.definition(*id)).into(),
                    Target::Uri(u) => iri_or_literal(u),
                };
                add(&n, skos(mapping_property(*kind)), o);
            }
        }
    }
    out
}

pub fn turtle(snapshot: &[TermSnap], iris: &Iris, title: &str) -> Result<String> {
    let mut ser = TurtleSerializer::new();
    for (prefix, iri) in [
        ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#".to_string()),
        ("rdfs", "http://www.w3.org/2000/01/rdf-schema#".into()),
        ("xsd", "http://www.w3.org/2001/XMLSchema#".into()),
        ("skos", SKOS.to_string()),
        ("dct", DCT.into()),
        ("owl", OWL.into()),
        ("schema", SCHEMA.into()),
        ("teilhabe", iris.vocab()),
    ] {
        ser = ser.with_prefix(prefix, iri).map_err(Error::internal)?;
    }
    let mut w = ser.for_writer(Vec::new());
    for t in triples(snapshot, iris, title) {
        w.serialize_triple(&t).map_err(Error::internal)?;
    }
    String::from_utf8(w.finish().map_err(Error::internal)?).map_err(Error::internal)
}

pub fn json_ld(snapshot: &[TermSnap], iris: &Iris, title: &str) -> Result<String> {
    let mut ser = oxjsonld::JsonLdSerializer::new();
    for (prefix, iri) in [
        ("skos", SKOS.to_string()),
        ("dct", DCT.into()),
        ("owl", OWL.into()),
        ("schema", SCHEMA.into()),
        ("teilhabe", iris.vocab()),
    ] {
        ser = ser.with_prefix(prefix, iri).map_err(Error::internal)?;
    }
    let mut w = ser.for_writer(Vec::new());
    for t in triples(snapshot, iris, title) {
        w.serialize_quad(t.as_ref().in_graph(oxrdf::GraphNameRef::DefaultGraph)).map_err(Error::internal)?;
    }
    String::from_utf8(w.finish().map_err(Error::internal)?).map_err(Error::internal)
}

// ---- reading ----------------------------------------------------------------------------

fn subject_key(s: &NamedOrBlankNode) -> String {
    match s {
        NamedOrBlankNode::NamedNode(n) => n.as_str().to_string(),
        NamedOrBlankNode::BlankNode(b) => format!("_:{}", b.as_str()),
    }
}

fn object_key(o: &RdfTerm) -> Option<String> {
    match o {
        RdfTerm::NamedNode(n) => Some(n.as_str().to_string()),
        RdfTerm::BlankNode(b) => Some(format!("_:{}", BlankNode::as_str(b))),
        _ => None,
    }
}

fn literal(o: &RdfTerm) -> Option<&str> {
    match o {
        RdfTerm::Literal(l) => Some(l.value()),
        _ => None,
    }
}

/// Parses SKOS Turtle into terms; a syntax error names its line and column, nothing is changed.
pub fn parse_turtle(content: &str, iris: &Iris) -> Result<Vec<TermIn>> {
    let mut by_subject: HashMap<String, Vec<(String, RdfTerm)>> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    for item in TurtleParser::new().for_slice(content.as_bytes()) {
        let triple = item.map_err(|e| Error::validation("content", e.to_string()))?;
        let s = subject_key(&triple.subject);
        let entry = by_subject.entry(s.clone()).or_insert_with(|| {
            order.push(s.clone());
            Vec::new()
        });
        entry.push((triple.predicate.as_str().to_string(), triple.object));
    }
    let rdf_type = vocab::rdf::TYPE.as_str();
    let concept = format!("{SKOS}Concept");
    let p = |local: &str| format!("{SKOS}{local}");
    let values = |s: &str, pred: &str| -> Vec<RdfTerm> {
        by_subject
            .get(s)
            .map(|v| v.iter().filter(|(p, _)| p == pred).map(|(_, o)| o.clone()).collect())
            .unwrap_or_default()
    };
    let first_literal = |s: &str, pred: &str| values(s, pred).iter().find_map(|o| literal(o).map(str::to_string));
    let parse_date = |s: &str, pred: &str, at: &str| -> Result<Option<chrono::NaiveDate>> {
        first_literal(s, pred)
            .map(|v| {
                chrono::NaiveDate::parse_from_str(&v, "%Y-%m-%d")
                    .map_err(|_| Error::validation("content", format!("{at}: {pred} {v:?} is not a date (YYYY-MM-DD)")))
            })
            .transpose()
    };
    let mut out = Vec::new();
    for s in &order {
        let is_concept = values(s, rdf_type).iter().any(|o| object_key(o).as_deref() == Some(concept.as_str()));
        if !is_concept {
            continue;
        }
        let at = format!("concept <{s}>");
        let label = first_literal(s, &p("prefLabel"))
            .ok_or_else(|| Error::validation("content", format!("{at}: has no skos:prefLabel")))?;
        let refs =
            |pred: &str| -> Vec<TermRef> { values(s, pred).iter().filter_map(object_key).map(TermRef::Iri).collect() };
        let status_literal = first_literal(s, &format!("{}status", iris.vocab()));
        let deprecated = values(s, &format!("{OWL}deprecated")).iter().any(|o| literal(o) == Some("true"));
        let status = match (status_literal.as_deref(), deprecated) {
            (_, true) | (Some("DEPRECATED"), _) => TermStatus::Deprecated,
            (Some("AGREED"), _) => TermStatus::Agreed,
            (Some("PROPOSED") | None, _) => TermStatus::Proposed,
            (Some(other), _) => return Err(Error::validation("content", format!("{at}: unknown status {other:?}"))),
        };
        let agreed = values(s, &format!("{}agreedDefinition", iris.vocab())).iter().find_map(object_key);
        let mut definitions = Vec::new();
        for o in values(s, &p("definition")) {
            if let Some(text) = literal(&o) {
                definitions.push(DefinitionIn {
                    at: at.clone(),
                    data: DefinitionData { text: text.to_string(), ..Default::default() },
                    ..Default::default()
                });
                continue;
            }
            let Some(d) = object_key(&o) else { continue };
            let dat = format!("definition <{d}>");
            let text = first_literal(&d, vocab::rdf::VALUE.as_str())
                .ok_or_else(|| Error::validation("content", format!("{dat}: has no rdf:value")))?;
            let mut mappings = Vec::new();
            for kind in [
                MappingKind::ExactMatch,
                MappingKind::CloseMatch,
                MappingKind::BroaderMatch,
                MappingKind::NarrowerMatch,
            ] {
                for target in values(&d, &p(mapping_property(kind))) {
                    if let Some(t) = object_key(&target).or_else(|| literal(&target).map(str::to_string)) {
                        mappings.push((kind, t));
                    }
                }
            }
            definitions.push(DefinitionIn {
                id: iris.definition_id(&d),
                agreed: agreed.as_deref() == Some(d.as_str()),
                carried: Default::default(),
                data: DefinitionData {
                    text,
                    source: SourceData {
                        publisher: first_literal(&d, &format!("{DCT}publisher")),
                        statistic: first_literal(&d, &format!("{DCT}source")),
                        date: parse_date(&d, &format!("{DCT}date"), &dat)?,
                        link: values(&d, vocab::rdfs::SEE_ALSO.as_str())
                            .iter()
                            .find_map(|o| object_key(o).or_else(|| literal(o).map(str::to_string))),
                    },
                    scope_note: first_literal(&d, &p("scopeNote")),
                    valid_from: parse_date(&d, &format!("{SCHEMA}validFrom"), &dat)?,
                    valid_to: parse_date(&d, &format!("{SCHEMA}validThrough"), &dat)?,
                },
                mappings,
                at: dat,
            });
        }
        // A scope note on the concept itself belongs to its only (literal) definition.
        if let (Some(note), [only]) = (first_literal(s, &p("scopeNote")), definitions.as_mut_slice())
            && only.data.scope_note.is_none()
        {
            only.data.scope_note = Some(note);
        }
        out.push(TermIn {
            reference: TermRef::Iri(s.clone()),
            id: iris.term_id(s),
            synonyms: Some(values(s, &p("altLabel")).iter().filter_map(|o| literal(o).map(str::to_string)).collect()),
            status: Some(status),
            replaced_by: values(s, &format!("{DCT}isReplacedBy"))
                .iter()
                .filter_map(object_key)
                .map(TermRef::Iri)
                .next(),
            broader: refs(&p("broader")),
            narrower: refs(&p("narrower")),
            related: refs(&p("related")),
            definitions,
            label,
            at,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iris() -> Iris {
        Iris::new("http://localhost:8080")
    }

    #[test]
    fn syntax_errors_name_the_line() {
        let bad = "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n\n<http://x/a> a skos:Concept ;\n  skos:prefLabel \"A\"@de ;\n  skos:broader <http://x/b\n.\n";
        let e = parse_turtle(bad, &iris()).unwrap_err();
        assert_eq!(e.code(), "VALIDATION");
        assert!(e.to_string().contains("line 5"), "{e}");
        let undeclared = "<http://x/a> a skos:Concept .";
        assert!(parse_turtle(undeclared, &iris()).unwrap_err().to_string().contains("line 1"));
    }

    #[test]
    fn a_concept_without_label_is_refused() {
        let doc = "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n<http://x/a> a skos:Concept .";
        let e = parse_turtle(doc, &iris()).unwrap_err();
        assert!(e.to_string().contains("prefLabel") && e.to_string().contains("http://x/a"), "{e}");
    }

    #[test]
    fn plain_skos_from_other_vocabularies_reads_as_terms_with_text_definitions() {
        let doc = r#"@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
            @prefix owl: <http://www.w3.org/2002/07/owl#> .
            <http://x/mh> a skos:Concept ; skos:prefLabel "Migrationshintergrund"@de ; skos:altLabel "MHG"@de ;
                skos:definition "Eine Person hat einen Migrationshintergrund, wenn …"@de ; skos:scopeNote "Mikrozensus"@de ;
                skos:related <http://x/eg> .
            <http://x/eg> a skos:Concept ; skos:prefLabel "Einwanderungsgeschichte"@de ; owl:deprecated true ."#;
        let terms = parse_turtle(doc, &iris()).unwrap();
        assert_eq!(terms.len(), 2);
        let mh = &terms[0];
        assert_eq!(mh.label, "Migrationshintergrund");
        assert_eq!(mh.synonyms.as_deref(), Some(&["MHG".to_string()][..]));
        assert_eq!(mh.definitions[0].data.scope_note.as_deref(), Some("Mikrozensus"));
        assert_eq!(mh.related, [TermRef::Iri("http://x/eg".into())]);
        assert_eq!(terms[1].status, Some(TermStatus::Deprecated));
    }

    #[test]
    fn written_turtle_reads_back() {
        let id = uuid::Uuid::from_u128(7);
        let def = uuid::Uuid::from_u128(8);
        let snap = vec![TermSnap {
            id,
            label: "Ausländerin \"Ausländer\"".into(),
            synonyms: vec!["Nichtdeutsche".into()],
            status: TermStatus::Agreed,
            replaced_by: None,
            agreed_definition: Some(def),
            agreed_text: None,
            broader: vec![],
            narrower: vec![],
            related: vec![],
            definitions: vec![super::super::exchange::DefinitionSnap {
                id: def,
                text: "Personen ohne deutsche\nStaatsangehörigkeit".into(),
                version: 2,
                status: super::super::entities::DefinitionStatus::Agreed,
                source: SourceData {
                    publisher: Some("IT.NRW".into()),
                    statistic: None,
                    date: None,
                    link: Some("https://www.it.nrw/".into()),
                },
                scope_note: None,
                valid_from: chrono::NaiveDate::from_ymd_opt(2020, 1, 1),
                valid_to: None,
                mappings: vec![(MappingKind::CloseMatch, Target::Uri("http://example.org/c".into()))],
            }],
        }];
        let ttl = turtle(&snap, &iris(), "Glossar").unwrap();
        let back = parse_turtle(&ttl, &iris()).unwrap();
        assert_eq!(back.len(), 1);
        assert_eq!(back[0].label, "Ausländerin \"Ausländer\"");
        assert_eq!(back[0].id, Some(id));
        assert_eq!(back[0].status, Some(TermStatus::Agreed));
        let d = &back[0].definitions[0];
        assert!(d.agreed);
        assert_eq!(d.id, Some(def));
        assert_eq!(d.data.text, "Personen ohne deutsche\nStaatsangehörigkeit");
        assert_eq!(d.data.source.link.as_deref(), Some("https://www.it.nrw/"));
        assert_eq!(d.mappings, [(MappingKind::CloseMatch, "http://example.org/c".to_string())]);
        let json: serde_json::Value = serde_json::from_str(&json_ld(&snap, &iris(), "Glossar").unwrap()).unwrap();
        assert!(json.to_string().contains("Nichtdeutsche"));
    }
}
