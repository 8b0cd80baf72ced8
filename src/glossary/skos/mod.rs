//! The glossary as SKOS: written as Turtle or JSON-LD, read from Turtle.
//!
//! Each term is a `skos:Concept` in the glossary's `skos:ConceptScheme` (`skos:inScheme`; terms
//! without a broader one are its `skos:hasTopConcept`/`skos:topConceptOf`), with `skos:prefLabel`
//! (one per language), `skos:altLabel`, `skos:hiddenLabel`, each with its language tag,
//! `skos:notation`, `skos:broader`/`narrower`/`related`, `owl:deprecated` and `dct:isReplacedBy`.
//! Competing definitions carry their own authority, so each is a resource (SKOS allows
//! documentation properties with resource values): `term skos:definition def`, and
//! `def rdf:value "text"@de; skos:scopeNote; dct:publisher [a foaf:Agent, dct:Agent; foaf:name];
//! dct:source; dct:date; rdfs:seeAlso; schema:validFrom/validThrough`. Mapping relations
//! (`skos:exactMatch/closeMatch/broadMatch/narrowMatch`) are stated on the concept, as SKOS has
//! them; a reified statement (`rdf:Statement`) names the definition a mapping was made for
//! (`teilhabe:definition`), a target definition (`teilhabe:targetDefinition`) and its note
//! (`skos:note`). The agreed definition is named by `teilhabe:agreedDefinition`, the status by
//! `teilhabe:status`.
//!
//! `teilhabe:` is the fixed namespace [`VOCAB`], the same on every installation, so that an export
//! keeps its meaning after a domain change or on another server; concepts and definitions are
//! recognised by their paths (`…/glossary/terms/<id>`) on whatever host wrote them, and the
//! namespace older exports used (`<public URL>/glossary/vocab#`) is still read.
//!
//! Reading is lossless or says so: every triple the import does not keep is listed with its term
//! (or the document), so that a dry run shows it. A literal `skos:definition` (as other vocabularies
//! write it) is a definition with text only; mappings on a concept without a statement naming a
//! definition go to its agreed definition, else its first.

use std::{
    cell::RefCell,
    collections::{HashMap, HashSet},
};

use oxrdf::{BlankNode, Literal, NamedNode, NamedOrBlankNode, Term as RdfTerm, Triple, vocab};
use oxttl::{TurtleParser, TurtleSerializer};

use super::{
    entities::{LabelKind, MappingKind, TermStatus},
    exchange::{DefinitionIn, Document, Iris, LabelsIn, MappingIn, Target, TermIn, TermRef, TermSnap},
    service::{DefinitionData, OtherLabel, SourceData},
};
use crate::error::{Error, Result};

mod read;
pub use read::parse_turtle;

/// The teilhabe vocabulary (statuses, agreed definitions, mapping statements). Fixed on purpose:
/// `.example` (RFC 2606) can never belong to anyone else, and the IRI is a name, never fetched.
pub const VOCAB: &str = "https://teilhabe.example/ns#";
const SKOS: &str = "http://www.w3.org/2004/02/skos/core#";
const DCT: &str = "http://purl.org/dc/terms/";
const OWL: &str = "http://www.w3.org/2002/07/owl#";
const SCHEMA: &str = "https://schema.org/";
const FOAF: &str = "http://xmlns.com/foaf/0.1/";
const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
const RDFS: &str = "http://www.w3.org/2000/01/rdf-schema#";
const XSD: &str = "http://www.w3.org/2001/XMLSchema#";
/// Where exports before [`VOCAB`] put the vocabulary: below each installation's public URL.
const LEGACY_VOCAB: &str = "/glossary/vocab#";

const PREFIXES: [(&str, &str); 10] = [
    ("rdf", RDF),
    ("rdfs", RDFS),
    ("xsd", XSD),
    ("skos", SKOS),
    ("dct", DCT),
    ("owl", OWL),
    ("schema", SCHEMA),
    ("foaf", FOAF),
    ("teilhabe", VOCAB),
    ("", ""),
];

fn ns(base: &str, local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{base}{local}"))
}
fn skos(local: &str) -> NamedNode {
    ns(SKOS, local)
}
fn dct(local: &str) -> NamedNode {
    ns(DCT, local)
}
fn tv(local: &str) -> NamedNode {
    ns(VOCAB, local)
}

/// A literal in its language; an empty tag is a plain literal.
fn tagged(text: &str, language: &str) -> Literal {
    if language.is_empty() {
        return Literal::new_simple_literal(text);
    }
    Literal::new_language_tagged_literal(text, language).unwrap_or_else(|_| Literal::new_simple_literal(text))
}

fn date(d: chrono::NaiveDate) -> Literal {
    Literal::new_typed_literal(d.format("%Y-%m-%d").to_string(), vocab::xsd::DATE)
}

const MAPPING_KINDS: [MappingKind; 4] =
    [MappingKind::ExactMatch, MappingKind::CloseMatch, MappingKind::BroaderMatch, MappingKind::NarrowerMatch];

fn mapping_property(kind: MappingKind) -> &'static str {
    match kind {
        MappingKind::ExactMatch => "exactMatch",
        MappingKind::CloseMatch => "closeMatch",
        MappingKind::BroaderMatch => "broadMatch",
        MappingKind::NarrowerMatch => "narrowMatch",
    }
}

fn label_property(kind: LabelKind) -> &'static str {
    match kind {
        LabelKind::Alt => "altLabel",
        LabelKind::Hidden => "hiddenLabel",
        LabelKind::Pref => "prefLabel",
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
    let rdf_type = || vocab::rdf::TYPE.into_owned();
    let mut add = |s: NamedOrBlankNode, p: NamedNode, o: RdfTerm| out.push(Triple::new(s, p, o));
    add(scheme.clone().into(), rdf_type(), skos("ConceptScheme").into());
    add(scheme.clone().into(), dct("title"), tagged(title, "de").into());
    // Mappings to a definition point at its concept; the statement names the definition.
    let concept_of: HashMap<uuid::Uuid, uuid::Uuid> =
        snapshot.iter().flat_map(|t| t.definitions.iter().map(move |d| (d.id, t.id))).collect();
    for t in snapshot {
        let c = NamedNode::new_unchecked(iris.term(t.id));
        let cs: NamedOrBlankNode = c.clone().into();
        add(cs.clone(), rdf_type(), skos("Concept").into());
        add(cs.clone(), skos("inScheme"), scheme.clone().into());
        if t.broader.is_empty() {
            add(cs.clone(), skos("topConceptOf"), scheme.clone().into());
            add(scheme.clone().into(), skos("hasTopConcept"), c.clone().into());
        }
        add(cs.clone(), skos("prefLabel"), tagged(&t.label, &t.language).into());
        for l in &t.labels {
            add(cs.clone(), skos(label_property(l.kind)), tagged(&l.text, &l.language).into());
        }
        if let Some(n) = &t.notation {
            add(cs.clone(), skos("notation"), Literal::new_simple_literal(n).into());
        }
        for (ids, p) in [(&t.broader, "broader"), (&t.narrower, "narrower"), (&t.related, "related")] {
            for id in ids {
                add(cs.clone(), skos(p), NamedNode::new_unchecked(iris.term(*id)).into());
            }
        }
        add(cs.clone(), tv("status"), Literal::new_simple_literal(status_name(t.status)).into());
        if t.status == TermStatus::Deprecated {
            add(cs.clone(), ns(OWL, "deprecated"), Literal::from(true).into());
        }
        if let Some(r) = t.replaced_by {
            add(cs.clone(), dct("isReplacedBy"), NamedNode::new_unchecked(iris.term(r)).into());
        }
        if let Some(a) = t.agreed_definition {
            add(cs.clone(), tv("agreedDefinition"), NamedNode::new_unchecked(iris.definition(a)).into());
        }
        for d in &t.definitions {
            let n = NamedNode::new_unchecked(iris.definition(d.id));
            let ns_: NamedOrBlankNode = n.clone().into();
            add(cs.clone(), skos("definition"), n.clone().into());
            add(ns_.clone(), rdf_type(), tv("Definition").into());
            add(ns_.clone(), vocab::rdf::VALUE.into_owned(), tagged(&d.text, &d.language).into());
            add(ns_.clone(), ns(OWL, "versionInfo"), Literal::from(d.version).into());
            if let Some(s) = &d.scope_note {
                add(ns_.clone(), skos("scopeNote"), tagged(s, &d.scope_note_language).into());
            }
            if let Some(p) = &d.source.publisher {
                let agent: NamedOrBlankNode = BlankNode::default().into();
                add(ns_.clone(), dct("publisher"), agent.clone().into());
                add(agent.clone(), rdf_type(), ns(FOAF, "Agent").into());
                add(agent.clone(), rdf_type(), dct("Agent").into());
                add(agent, ns(FOAF, "name"), Literal::new_simple_literal(p).into());
            }
            if let Some(s) = &d.source.statistic {
                add(ns_.clone(), dct("source"), Literal::new_simple_literal(s).into());
            }
            if let Some(x) = d.source.date {
                add(ns_.clone(), dct("date"), date(x).into());
            }
            if let Some(l) = &d.source.link {
                add(ns_.clone(), vocab::rdfs::SEE_ALSO.into_owned(), iri_or_literal(l));
            }
            if let Some(x) = d.valid_from {
                add(ns_.clone(), ns(SCHEMA, "validFrom"), date(x).into());
            }
            if let Some(x) = d.valid_to {
                add(ns_.clone(), ns(SCHEMA, "validThrough"), date(x).into());
            }
            for m in &d.mappings {
                let object: RdfTerm = match &m.target {
                    Target::Definition(id) => match concept_of.get(id) {
                        Some(term) => NamedNode::new_unchecked(iris.term(*term)).into(),
                        None => NamedNode::new_unchecked(iris.definition(*id)).into(),
                    },
                    Target::Uri(u) => iri_or_literal(u),
                };
                let property = skos(mapping_property(m.kind));
                add(cs.clone(), property.clone(), object.clone());
                let st: NamedOrBlankNode = BlankNode::default().into();
                add(st.clone(), rdf_type(), vocab::rdf::STATEMENT.into_owned().into());
                add(st.clone(), vocab::rdf::SUBJECT.into_owned(), c.clone().into());
                add(st.clone(), vocab::rdf::PREDICATE.into_owned(), property.into());
                add(st.clone(), vocab::rdf::OBJECT.into_owned(), object);
                add(st.clone(), tv("definition"), n.clone().into());
                if let Target::Definition(id) = &m.target {
                    add(st.clone(), tv("targetDefinition"), NamedNode::new_unchecked(iris.definition(*id)).into());
                }
                if let Some((note, language)) = &m.note {
                    add(st, skos("note"), tagged(note, language).into());
                }
            }
        }
    }
    out
}

pub fn turtle(snapshot: &[TermSnap], iris: &Iris, title: &str) -> Result<String> {
    let mut ser = TurtleSerializer::new();
    for (prefix, iri) in PREFIXES.iter().filter(|(p, _)| !p.is_empty()) {
        ser = ser.with_prefix(*prefix, *iri).map_err(Error::internal)?;
    }
    let mut w = ser.for_writer(Vec::new());
    for t in triples(snapshot, iris, title) {
        w.serialize_triple(&t).map_err(Error::internal)?;
    }
    String::from_utf8(w.finish().map_err(Error::internal)?).map_err(Error::internal)
}

pub fn json_ld(snapshot: &[TermSnap], iris: &Iris, title: &str) -> Result<String> {
    let mut ser = oxjsonld::JsonLdSerializer::new();
    for (prefix, iri) in
        [("skos", SKOS), ("dct", DCT), ("owl", OWL), ("schema", SCHEMA), ("foaf", FOAF), ("teilhabe", VOCAB)]
    {
        ser = ser.with_prefix(prefix, iri).map_err(Error::internal)?;
    }
    let mut w = ser.for_writer(Vec::new());
    for t in triples(snapshot, iris, title) {
        w.serialize_quad(t.as_ref().in_graph(oxrdf::GraphNameRef::DefaultGraph)).map_err(Error::internal)?;
    }
    String::from_utf8(w.finish().map_err(Error::internal)?).map_err(Error::internal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::glossary::exchange::{DefinitionSnap, MappingSnap};

    fn iris() -> Iris {
        Iris::new("http://localhost:8080")
    }

    #[test]
    fn syntax_errors_name_the_line() {
        let bad = "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n\n<http://x/a> a skos:Concept ;\n  skos:prefLabel \"A\"@de ;\n  skos:broader <http://x/b\n.\n";
        let e = parse_turtle(bad).unwrap_err();
        assert_eq!(e.code(), "VALIDATION");
        assert!(e.to_string().contains("line 5"), "{e}");
        let undeclared = "<http://x/a> a skos:Concept .";
        assert!(parse_turtle(undeclared).unwrap_err().to_string().contains("line 1"));
    }

    #[test]
    fn a_concept_without_label_is_refused() {
        let doc = "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n<http://x/a> a skos:Concept .";
        let e = parse_turtle(doc).unwrap_err();
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
        let terms = parse_turtle(doc).unwrap().terms;
        assert_eq!(terms.len(), 2);
        let mh = &terms[0];
        assert_eq!(mh.label, "Migrationshintergrund");
        let labels = &mh.labels.as_ref().unwrap().labels;
        assert_eq!(labels, &[OtherLabel { kind: LabelKind::Alt, language: "de".into(), text: "MHG".into() }]);
        assert_eq!(mh.definitions[0].data.scope_note.as_deref(), Some("Mikrozensus"));
        assert_eq!(mh.related, [TermRef::Iri("http://x/eg".into())]);
        assert_eq!(terms[1].status, Some(TermStatus::Deprecated));
        assert!(mh.not_kept.is_empty() && terms[1].not_kept.is_empty(), "{:?}", mh.not_kept);
    }

    #[test]
    fn a_foreign_file_keeps_languages_and_lists_what_it_cannot_keep() {
        let doc = r#"@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
            @prefix ex: <http://example.org/> .
            ex:c a skos:Concept ; skos:prefLabel "Migration background"@en, "Migrationshintergrund"@de ;
                skos:altLabel "MHG"@de ; skos:hiddenLabel "Migrationshintergund"@de ; skos:notation "M-1"^^ex:code ;
                skos:exactMatch <http://www.wikidata.org/entity/Q1> ; skos:definition "A person with a migration background …"@en ;
                skos:changeNote "changed 2024"@en ; skos:prefLabel "Hintergrund"@de ."#;
        let parsed = parse_turtle(doc).unwrap();
        let t = &parsed.terms[0];
        assert_eq!((t.label.as_str(), t.language.as_deref()), ("Migrationshintergrund", Some("de")));
        let labels = &t.labels.as_ref().unwrap().labels;
        assert!(labels.contains(&OtherLabel {
            kind: LabelKind::Pref,
            language: "en".into(),
            text: "Migration background".into()
        }));
        assert!(labels.contains(&OtherLabel {
            kind: LabelKind::Hidden,
            language: "de".into(),
            text: "Migrationshintergund".into()
        }));
        assert_eq!(t.notation, Some(Some("M-1".into())));
        let d = &t.definitions[0];
        assert_eq!(d.data.language.as_deref(), Some("en"));
        assert_eq!(d.mappings[0].target, "http://www.wikidata.org/entity/Q1");
        let said = t.not_kept.join("\n");
        assert!(said.contains("skos:changeNote \"changed 2024\"@en"), "{said}");
        assert!(said.contains("\"M-1\"^^<http://example.org/code>") && said.contains("datatype"), "{said}");
        assert!(said.contains("\"Hintergrund\"@de") && said.contains("S14"), "{said}");
        // Without a definition, a concept-level mapping has nowhere to go: said, not dropped.
        let bare = "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n<http://x/a> a skos:Concept ; skos:prefLabel \"A\" ; skos:closeMatch <http://y/b> .";
        let t = &parse_turtle(bare).unwrap().terms[0];
        assert_eq!(t.language.as_deref(), Some(""));
        assert!(t.not_kept[0].contains("skos:closeMatch <http://y/b>"), "{:?}", t.not_kept);
    }

    #[test]
    fn our_vocabulary_and_ids_are_recognised_on_any_host_and_in_the_old_namespace() {
        let doc = r#"@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
            @prefix old: <https://old.example.org/glossary/vocab#> .
            <https://old.example.org/glossary/terms/00000000-0000-0000-0000-000000000007> a skos:Concept ;
                skos:prefLabel "A"@de ; old:status "AGREED" ;
                old:agreedDefinition <https://old.example.org/glossary/definitions/00000000-0000-0000-0000-000000000008> ;
                skos:definition <https://old.example.org/glossary/definitions/00000000-0000-0000-0000-000000000008> .
            <https://old.example.org/glossary/definitions/00000000-0000-0000-0000-000000000008> rdf:value "Text"@de ."#
            .replace("rdf:value", "<http://www.w3.org/1999/02/22-rdf-syntax-ns#value>");
        let t = &parse_turtle(&doc).unwrap().terms[0];
        assert_eq!(t.id, Some(uuid::Uuid::from_u128(7)));
        assert_eq!(t.status, Some(TermStatus::Agreed));
        assert!(t.definitions[0].agreed);
        assert_eq!(t.definitions[0].id, Some(uuid::Uuid::from_u128(8)));
    }

    #[test]
    fn written_turtle_reads_back() {
        let id = uuid::Uuid::from_u128(7);
        let def = uuid::Uuid::from_u128(8);
        let snap = vec![TermSnap {
            id,
            label: "Ausländerin \"Ausländer\"".into(),
            language: "de".into(),
            notation: Some("A.1".into()),
            synonyms: vec!["Nichtdeutsche".into()],
            labels: vec![
                OtherLabel { kind: LabelKind::Alt, language: "de".into(), text: "Nichtdeutsche".into() },
                OtherLabel { kind: LabelKind::Pref, language: "en".into(), text: "Foreigner".into() },
            ],
            status: TermStatus::Agreed,
            replaced_by: None,
            agreed_definition: Some(def),
            agreed_text: None,
            broader: vec![],
            narrower: vec![],
            related: vec![],
            definitions: vec![DefinitionSnap {
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
                scope_note: Some("in NRW".into()),
                valid_from: chrono::NaiveDate::from_ymd_opt(2020, 1, 1),
                valid_to: None,
                mappings: vec![MappingSnap {
                    kind: MappingKind::CloseMatch,
                    target: Target::Uri("http://example.org/c".into()),
                    note: Some(("roughly".into(), "en".into())),
                }],
                language: "de".into(),
                scope_note_language: "en".into(),
            }],
        }];
        let ttl = turtle(&snap, &iris(), "Glossar").unwrap();
        assert!(ttl.contains("teilhabe.example/ns#") && !ttl.contains("localhost:8080/glossary/vocab"), "{ttl}");
        let parsed = parse_turtle(&ttl).unwrap();
        assert!(parsed.not_kept.is_empty(), "{:?}", parsed.not_kept);
        let back = parsed.terms;
        assert_eq!(back.len(), 1);
        assert!(back[0].not_kept.is_empty(), "{:?}", back[0].not_kept);
        assert_eq!(back[0].label, "Ausländerin \"Ausländer\"");
        assert_eq!(back[0].id, Some(id));
        assert_eq!(back[0].status, Some(TermStatus::Agreed));
        assert_eq!(back[0].notation, Some(Some("A.1".into())));
        let labels = &back[0].labels.as_ref().unwrap().labels;
        assert!(labels.len() == 2 && snap[0].labels.iter().all(|l| labels.contains(l)), "{labels:?}");
        let d = &back[0].definitions[0];
        assert!(d.agreed);
        assert_eq!(d.id, Some(def));
        assert_eq!(d.version, Some(2));
        assert_eq!(d.data.text, "Personen ohne deutsche\nStaatsangehörigkeit");
        assert_eq!(d.data.scope_note_language.as_deref(), Some("en"));
        assert_eq!(d.data.source.publisher.as_deref(), Some("IT.NRW"));
        assert_eq!(d.data.source.link.as_deref(), Some("https://www.it.nrw/"));
        assert_eq!(
            d.mappings,
            [MappingIn {
                kind: MappingKind::CloseMatch,
                target: "http://example.org/c".into(),
                note: Some(Some(("roughly".into(), "en".into())))
            }]
        );
        let json: serde_json::Value = serde_json::from_str(&json_ld(&snap, &iris(), "Glossar").unwrap()).unwrap();
        assert!(json.to_string().contains("Nichtdeutsche"));
    }
}
