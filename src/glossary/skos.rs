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

// ---- reading ----------------------------------------------------------------------------

fn node_key(s: &NamedOrBlankNode) -> String {
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

fn literal(o: &RdfTerm) -> Option<&Literal> {
    match o {
        RdfTerm::Literal(l) => Some(l),
        _ => None,
    }
}

/// An IRI as a report shows it: with its usual prefix.
fn short(iri: &str) -> String {
    for (prefix, base) in PREFIXES.iter().filter(|(p, _)| !p.is_empty()) {
        if let Some(local) = iri.strip_prefix(base) {
            return format!("{prefix}:{local}");
        }
    }
    format!("<{iri}>")
}

fn show(o: &RdfTerm) -> String {
    match o {
        RdfTerm::NamedNode(n) => short(n.as_str()),
        RdfTerm::BlankNode(_) => "[…]".into(),
        RdfTerm::Literal(l) => match (l.language(), l.datatype()) {
            (Some(lang), _) => format!("{:?}@{lang}", l.value()),
            (None, dt) if dt == vocab::xsd::STRING => format!("{:?}", l.value()),
            (None, dt) => format!("{:?}^^{}", l.value(), short(dt.as_str())),
        },
        #[allow(unreachable_patterns)]
        _ => o.to_string(),
    }
}

/// The parsed triples, with what the import has used of them.
struct Doc {
    triples: Vec<Triple>,
    by_subject: HashMap<String, Vec<usize>>,
    used: RefCell<Vec<bool>>,
}

impl Doc {
    fn matching(&self, s: &str, pred: &dyn Fn(&str) -> bool) -> Vec<usize> {
        self.by_subject
            .get(s)
            .map(|v| v.iter().copied().filter(|i| pred(self.triples[*i].predicate.as_str())).collect())
            .unwrap_or_default()
    }
    fn mark(&self, i: usize) {
        if let Some(u) = self.used.borrow_mut().get_mut(i) {
            *u = true;
        }
    }
    /// Every object of `s pred`, marked as kept.
    fn take(&self, s: &str, pred: &dyn Fn(&str) -> bool) -> Vec<RdfTerm> {
        self.matching(s, pred)
            .into_iter()
            .map(|i| {
                self.mark(i);
                self.triples[i].object.clone()
            })
            .collect()
    }
    /// Resources among the objects of `s pred`; literals stay unkept.
    fn take_nodes(&self, s: &str, pred: &dyn Fn(&str) -> bool) -> Vec<String> {
        self.matching(s, pred)
            .into_iter()
            .filter_map(|i| {
                let key = object_key(&self.triples[i].object)?;
                self.mark(i);
                Some(key)
            })
            .collect()
    }
    /// Literals among the objects of `s pred`, marked as kept.
    fn take_literals(&self, s: &str, pred: &dyn Fn(&str) -> bool) -> Vec<Literal> {
        self.matching(s, pred)
            .into_iter()
            .filter_map(|i| {
                let l = literal(&self.triples[i].object)?.clone();
                self.mark(i);
                Some(l)
            })
            .collect()
    }
    /// The first literal of `s pred`; further ones stay unkept (and are reported).
    fn first_literal(&self, s: &str, pred: &dyn Fn(&str) -> bool) -> Option<Literal> {
        let i = self.matching(s, pred).into_iter().find(|i| literal(&self.triples[*i].object).is_some())?;
        self.mark(i);
        literal(&self.triples[i].object).cloned()
    }
    fn has_type(&self, s: &str, class: &str) -> bool {
        let rdf_type = vocab::rdf::TYPE.as_str();
        self.matching(s, &|p| p == rdf_type).into_iter().any(|i| {
            let hit = object_key(&self.triples[i].object).as_deref() == Some(class);
            if hit {
                self.mark(i);
            }
            hit
        })
    }
}

fn is(iri: String) -> impl Fn(&str) -> bool {
    move |p| p == iri
}

/// A predicate of the teilhabe vocabulary, in today's namespace or the one older exports used.
fn is_vocab(local: &'static str) -> impl Fn(&str) -> bool {
    move |p| p.strip_prefix(VOCAB) == Some(local) || p.rsplit_once(LEGACY_VOCAB).is_some_and(|(_, rest)| rest == local)
}

fn language_of(l: &Literal) -> String {
    l.language().unwrap_or_default().to_string()
}

/// A literal's text; a datatype other than a string is noted, since only the text is kept.
fn text_of(l: &Literal, what: &str, not_kept: &mut Vec<String>) -> String {
    if l.language().is_none() && l.datatype() != vocab::xsd::STRING {
        not_kept.push(format!("{what} {}: kept as text, without its datatype", show(&RdfTerm::Literal(l.clone()))));
    }
    l.value().to_string()
}

/// Parses SKOS Turtle into terms; a syntax error names its line and column, nothing is changed.
pub fn parse_turtle(content: &str) -> Result<Document> {
    let mut triples = Vec::new();
    let mut by_subject: HashMap<String, Vec<usize>> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    for item in TurtleParser::new().for_slice(content.as_bytes()) {
        let triple = item.map_err(|e| Error::validation("content", e.to_string()))?;
        let s = node_key(&triple.subject);
        let entry = by_subject.entry(s.clone()).or_insert_with(|| {
            order.push(s.clone());
            Vec::new()
        });
        entry.push(triples.len());
        triples.push(triple);
    }
    let doc = Doc { used: RefCell::new(vec![false; triples.len()]), triples, by_subject };
    let p = |local: &str| format!("{SKOS}{local}");
    let parse_date = |l: Option<Literal>, what: &str, at: &str| -> Result<Option<chrono::NaiveDate>> {
        l.map(|v| {
            chrono::NaiveDate::parse_from_str(v.value(), "%Y-%m-%d").map_err(|_| {
                Error::validation("content", format!("{at}: {what} {:?} is not a date (YYYY-MM-DD)", v.value()))
            })
        })
        .transpose()
    };
    // Reified mapping statements, by the concept triple they describe.
    let mut statements: HashMap<(String, String, String), Vec<String>> = HashMap::new();
    for s in &order {
        if !doc
            .matching(s, &|p| p == vocab::rdf::TYPE.as_str())
            .iter()
            .any(|i| object_key(&doc.triples[*i].object).as_deref() == Some(vocab::rdf::STATEMENT.as_str()))
        {
            continue;
        }
        let one = |pred: &str| doc.matching(s, &|p| p == pred).first().map(|i| doc.triples[*i].object.clone());
        if let (Some(subject), Some(RdfTerm::NamedNode(predicate)), Some(object)) = (
            one(vocab::rdf::SUBJECT.as_str()).and_then(|o| object_key(&o)),
            one(vocab::rdf::PREDICATE.as_str()),
            one(vocab::rdf::OBJECT.as_str()),
        ) {
            statements
                .entry((subject, predicate.as_str().to_string(), object.to_string()))
                .or_default()
                .push(s.clone());
        }
    }
    let concept = p("Concept");
    let scheme_class = p("ConceptScheme");
    // Which term each node belongs to, to report what is not kept where it was said.
    let mut owner: HashMap<String, usize> = HashMap::new();
    let mut title = None;
    let mut out = Vec::new();
    for s in &order {
        if doc.has_type(s, &scheme_class) {
            doc.take(s, &is(p("hasTopConcept")));
            if title.is_none() {
                title = doc.first_literal(s, &is(format!("{DCT}title"))).map(|l| l.value().to_string());
            }
            continue;
        }
        if !doc.has_type(s, &concept) {
            continue;
        }
        let at = format!("concept <{s}>");
        let index = out.len();
        owner.insert(s.clone(), index);
        let mut not_kept: Vec<String> = Vec::new();
        let mut pref = doc.take_literals(s, &is(p("prefLabel")));
        // The main label: German, else untagged, else the first; one per language (SKOS S14).
        let main = pref
            .iter()
            .position(|l| l.language() == Some("de"))
            .or_else(|| pref.iter().position(|l| l.language().is_none()))
            .or(if pref.is_empty() { None } else { Some(0) })
            .ok_or_else(|| Error::validation("content", format!("{at}: has no skos:prefLabel")))?;
        let main = pref.remove(main);
        let label = text_of(&main, "skos:prefLabel", &mut not_kept);
        let mut labels: Vec<OtherLabel> = Vec::new();
        let mut languages = HashSet::from([language_of(&main)]);
        for l in pref {
            let language = language_of(&l);
            let kind = if languages.insert(language.clone()) { LabelKind::Pref } else { LabelKind::Alt };
            if kind == LabelKind::Alt {
                not_kept.push(format!(
                    "{}: a second skos:prefLabel in one language (SKOS S14), kept as skos:altLabel",
                    show(&RdfTerm::Literal(l.clone()))
                ));
            }
            labels.push(OtherLabel { kind, language, text: text_of(&l, "skos:prefLabel", &mut not_kept) });
        }
        for kind in [LabelKind::Alt, LabelKind::Hidden] {
            for l in doc.take_literals(s, &is(p(label_property(kind)))) {
                labels.push(OtherLabel {
                    kind,
                    language: language_of(&l),
                    text: text_of(&l, label_property(kind), &mut not_kept),
                });
            }
        }
        let notation = doc.first_literal(s, &is(p("notation"))).map(|l| text_of(&l, "skos:notation", &mut not_kept));
        doc.take(s, &is(p("inScheme")));
        doc.take(s, &is(p("topConceptOf")));
        let refs =
            |pred: &str| -> Vec<TermRef> { doc.take_nodes(s, &is(p(pred))).into_iter().map(TermRef::Iri).collect() };
        let status_literal = doc.first_literal(s, &is_vocab("status")).map(|l| l.value().to_string());
        let deprecated = doc.take_literals(s, &is(format!("{OWL}deprecated"))).iter().any(|l| l.value() == "true");
        let status = match (status_literal.as_deref(), deprecated) {
            (_, true) | (Some("DEPRECATED"), _) => TermStatus::Deprecated,
            (Some("AGREED"), _) => TermStatus::Agreed,
            (Some("PROPOSED") | None, _) => TermStatus::Proposed,
            (Some(other), _) => return Err(Error::validation("content", format!("{at}: unknown status {other:?}"))),
        };
        let agreed = doc.take_nodes(s, &is_vocab("agreedDefinition")).into_iter().next();
        let mut definitions = Vec::new();
        let mut definition_nodes: Vec<String> = Vec::new();
        for i in doc.matching(s, &is(p("definition"))) {
            let o = doc.triples[i].object.clone();
            if let Some(l) = literal(&o) {
                doc.mark(i);
                definitions.push(DefinitionIn {
                    at: at.clone(),
                    data: DefinitionData {
                        text: text_of(l, "skos:definition", &mut not_kept),
                        language: Some(language_of(l)),
                        ..Default::default()
                    },
                    ..Default::default()
                });
                definition_nodes.push(String::new());
                continue;
            }
            let Some(d) = object_key(&o) else { continue };
            let dat = format!("definition <{d}>");
            let Some(value) = doc.first_literal(&d, &is(vocab::rdf::VALUE.as_str().to_string())) else {
                return Err(Error::validation("content", format!("{dat}: has no rdf:value")));
            };
            doc.mark(i);
            owner.insert(d.clone(), index);
            doc.has_type(&d, &format!("{VOCAB}Definition"));
            let mut mappings = Vec::new();
            // Older exports stated mappings on the definition.
            for kind in MAPPING_KINDS {
                for target in doc.take(&d, &is(p(mapping_property(kind)))) {
                    let target = object_key(&target).or_else(|| literal(&target).map(|l| l.value().to_string()));
                    if let Some(target) = target {
                        mappings.push(MappingIn { kind, target, note: Some(None) });
                    }
                }
            }
            let publisher = doc.take(&d, &is(format!("{DCT}publisher"))).into_iter().find_map(|o| match literal(&o) {
                Some(l) => Some(l.value().to_string()),
                None => {
                    let agent = object_key(&o)?;
                    owner.insert(agent.clone(), index);
                    doc.has_type(&agent, &format!("{FOAF}Agent"));
                    doc.has_type(&agent, &format!("{DCT}Agent"));
                    doc.first_literal(&agent, &|p| p == format!("{FOAF}name") || p == format!("{RDFS}label"))
                        .map(|l| l.value().to_string())
                }
            });
            let scope = doc.first_literal(&d, &is(p("scopeNote")));
            let version = doc.first_literal(&d, &is(format!("{OWL}versionInfo"))).and_then(|l| l.value().parse().ok());
            definitions.push(DefinitionIn {
                id: Iris::definition_id(&d),
                agreed: agreed.as_deref() == Some(d.as_str()),
                carried: Default::default(),
                data: DefinitionData {
                    text: value.value().to_string(),
                    language: Some(language_of(&value)),
                    source: SourceData {
                        publisher,
                        statistic: doc.first_literal(&d, &is(format!("{DCT}source"))).map(|l| l.value().to_string()),
                        date: parse_date(doc.first_literal(&d, &is(format!("{DCT}date"))), "dct:date", &dat)?,
                        link: doc
                            .take(&d, &is(vocab::rdfs::SEE_ALSO.as_str().to_string()))
                            .first()
                            .and_then(|o| object_key(o).or_else(|| literal(o).map(|l| l.value().to_string()))),
                    },
                    scope_note_language: scope.as_ref().map(language_of),
                    scope_note: scope.map(|l| l.value().to_string()),
                    valid_from: parse_date(
                        doc.first_literal(&d, &is(format!("{SCHEMA}validFrom"))),
                        "schema:validFrom",
                        &dat,
                    )?,
                    valid_to: parse_date(
                        doc.first_literal(&d, &is(format!("{SCHEMA}validThrough"))),
                        "schema:validThrough",
                        &dat,
                    )?,
                },
                mappings,
                version,
                at: dat,
            });
            definition_nodes.push(d);
        }
        // A scope note on the concept itself belongs to its only (literal) definition.
        if let [only] = definitions.as_mut_slice()
            && only.id.is_none()
            && only.data.scope_note.is_none()
            && let Some(note) = doc.first_literal(s, &is(p("scopeNote")))
        {
            only.data.scope_note_language = Some(language_of(&note));
            only.data.scope_note = Some(note.value().to_string());
        }
        // Mappings on the concept: to the definition their statement names, else the agreed one, else the first.
        let fallback =
            definitions.iter().position(|d| d.agreed).or(if definitions.is_empty() { None } else { Some(0) });
        for kind in MAPPING_KINDS {
            let property = p(mapping_property(kind));
            for i in doc.matching(s, &is(property.clone())) {
                let object = doc.triples[i].object.clone();
                let Some(target) = object_key(&object).or_else(|| literal(&object).map(|l| l.value().to_string()))
                else {
                    continue;
                };
                let said =
                    statements.get(&(s.clone(), property.clone(), object.to_string())).cloned().unwrap_or_default();
                let mut placed = false;
                for st in &said {
                    let definition = doc.matching(st, &is_vocab("definition")).first().and_then(|j| {
                        object_key(&doc.triples[*j].object)
                            .and_then(|d| definition_nodes.iter().position(|n| *n == d))
                            .map(|pos| (*j, pos))
                    });
                    let Some((j, pos)) = definition else { continue };
                    owner.insert(st.clone(), index);
                    doc.mark(j);
                    doc.has_type(st, vocab::rdf::STATEMENT.as_str());
                    for pred in [vocab::rdf::SUBJECT, vocab::rdf::PREDICATE, vocab::rdf::OBJECT] {
                        doc.take(st, &is(pred.as_str().to_string()));
                    }
                    let target =
                        doc.take_nodes(st, &is_vocab("targetDefinition")).into_iter().next().unwrap_or(target.clone());
                    let note = doc.first_literal(st, &is(p("note"))).map(|l| (l.value().to_string(), language_of(&l)));
                    definitions[pos].mappings.push(MappingIn { kind, target, note: Some(note) });
                    placed = true;
                }
                if !placed && let Some(pos) = fallback {
                    definitions[pos].mappings.push(MappingIn { kind, target: target.clone(), note: Some(None) });
                    placed = true;
                }
                if placed {
                    doc.mark(i);
                } else {
                    doc.mark(i);
                    not_kept.push(format!(
                        "skos:{} {}: the term has no definition to carry a mapping",
                        mapping_property(kind),
                        show(&object)
                    ));
                }
            }
        }
        out.push(TermIn {
            reference: TermRef::Iri(s.clone()),
            id: Iris::term_id(s),
            language: Some(language_of(&main)),
            notation: Some(notation),
            labels: Some(LabelsIn {
                kinds: vec![LabelKind::Alt, LabelKind::Hidden, LabelKind::Pref],
                labels,
                languages_known: true,
            }),
            status: Some(status),
            replaced_by: doc.take_nodes(s, &is(format!("{DCT}isReplacedBy"))).into_iter().map(TermRef::Iri).next(),
            broader: refs("broader"),
            narrower: refs("narrower"),
            related: refs("related"),
            definitions,
            label,
            at,
            not_kept,
        });
    }
    // Whatever is left was not kept: said with its term where it belongs to one.
    let mut document_not_kept = Vec::new();
    let used = doc.used.borrow();
    for (i, t) in doc.triples.iter().enumerate() {
        if used[i] {
            continue;
        }
        let subject = node_key(&t.subject);
        let said = format!("{} {}", short(t.predicate.as_str()), show(&t.object));
        match owner.get(&subject) {
            Some(&term) if out[term].reference == TermRef::Iri(subject.clone()) => out[term].not_kept.push(said),
            Some(&term) => {
                let of = if subject.starts_with("_:") { "[…]".to_string() } else { short(&subject) };
                out[term].not_kept.push(format!("{of} {said}"));
            }
            None => {
                let of = if subject.starts_with("_:") { "[…]".to_string() } else { short(&subject) };
                document_not_kept.push(format!("{of} {said}"));
            }
        }
    }
    Ok(Document { terms: out, not_kept: document_not_kept, title })
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
