//! Reading SKOS Turtle into a glossary document, listing every triple it cannot keep.

use super::*;

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
