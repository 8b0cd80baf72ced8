//! Checks every GraphQL document passes before the schema sees it: nesting, size, write volume.

use std::collections::HashSet;

use async_graphql::{
    Request,
    parser::types::{DocumentOperations, ExecutableDocument, OperationType, Selection, SelectionSet},
};

use crate::{by_text::ByText, error::Error, metrics::Label};

/// Deepest nesting of braces, brackets and parentheses a document may have. The parser recurses
/// once per level and a few thousand levels overflow its stack, which aborts the whole process;
/// real documents stay far below this (selections are limited to 10 levels anyway).
pub const MAX_NESTING: usize = 64;
/// Longest document text; the web app's largest operation is a few kilobytes.
pub const MAX_QUERY_BYTES: usize = 256 * 1024;
/// Most top-level mutation fields one operation may carry; each is a write.
pub const MAX_MUTATIONS_PER_OPERATION: usize = 5;
/// Most top-level mutation fields one HTTP request may carry across its batch.
pub const MAX_MUTATIONS_PER_REQUEST: usize = 10;
/// Longest operation name that becomes a metrics label.
const MAX_LABEL_CHARS: usize = 64;
/// The longest document [`Documents`] keeps, and the text it keeps in all. A parsed document
/// takes up to about 150 times its text (a flat `{ a a a … }`), so the cache stays near 20 MB
/// whatever clients send; the web app's operations take a fraction of it.
const MAX_CACHED_BYTES: usize = 8 * 1024;
const MAX_CACHED_TEXT: usize = 128 * 1024;

/// Parsed documents by their text, the most recently used kept. Clients send the same few
/// documents again and again, and copying a parsed document costs a fraction of parsing it.
pub struct Documents(ByText<ExecutableDocument>);

impl Default for Documents {
    fn default() -> Self {
        Self(ByText::new(MAX_CACHED_BYTES, MAX_CACHED_TEXT))
    }
}

impl Documents {
    fn get(&self, text: &str) -> Option<ExecutableDocument> {
        self.0.get(text).map(|doc| (*doc).clone())
    }

    fn keep(&self, text: &str, doc: &ExecutableDocument) {
        self.0.keep(text, text.len(), || doc.clone());
    }
}

/// What the checks learned about an accepted request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inspected {
    /// How metrics name the operation.
    pub label: Label,
    /// Top-level mutation fields the selected operation would execute.
    pub mutations: usize,
    /// A query selecting only `__schema`, `__type` and `__typename` at its top level.
    pub introspection_only: bool,
}

/// Refuses documents that could crash the parser, do not parse or write too much; parses the
/// rest once, or takes a copy from `documents` (the schema reuses the parsed document).
pub fn inspect(request: &mut Request, documents: &Documents) -> Result<Inspected, Error> {
    if request.query.trim().is_empty() {
        return Err(Error::validation("query", "The request carries no GraphQL document in \"query\"."));
    }
    if request.query.len() > MAX_QUERY_BYTES {
        return Err(Error::Limit(format!("documents may have at most {MAX_QUERY_BYTES} bytes")));
    }
    if nesting_exceeds(&request.query, MAX_NESTING) {
        return Err(Error::Limit(format!("documents may nest at most {MAX_NESTING} levels deep")));
    }
    let wanted = request.operation_name.clone();
    let doc = match documents.get(&request.query) {
        Some(doc) => doc,
        None => {
            let doc = async_graphql::parser::parse_query(&request.query)
                .map_err(|e| Error::validation("query", syntax_sentence(&e.into())))?;
            documents.keep(&request.query, &doc);
            doc
        }
    };
    let inspected = inspect_document(&doc, wanted.as_deref());
    request.set_parsed_query(doc);
    if inspected.mutations > MAX_MUTATIONS_PER_OPERATION {
        return Err(Error::Limit(format!("an operation may change at most {MAX_MUTATIONS_PER_OPERATION} things")));
    }
    Ok(inspected)
}

fn inspect_document(doc: &ExecutableDocument, wanted: Option<&str>) -> Inspected {
    let selected = match (&doc.operations, wanted) {
        (DocumentOperations::Single(op), _) => Some((None, op)),
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get_key_value(name).map(|(n, op)| (Some(n), op)),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => ops.iter().next().map(|(n, op)| (Some(n), op)),
        (DocumentOperations::Multiple(_), None) => None,
    };
    let Some((name, op)) = selected else {
        return Inspected { label: Label::Other, mutations: 0, introspection_only: false };
    };
    let introspection_only =
        op.node.ty == OperationType::Query && only_introspection(doc, &op.node.selection_set.node, &mut HashSet::new());
    let mutations = if op.node.ty == OperationType::Mutation {
        count_fields(doc, &op.node.selection_set.node, &mut HashSet::new())
    } else {
        0
    };
    let label = match name {
        None => Label::Anonymous,
        Some(n) if is_label(n) => Label::Named(n.to_string()),
        Some(_) => Label::Other,
    };
    Inspected { label, mutations, introspection_only }
}

/// Whether a selection set's own fields, through fragments, are all introspection fields.
fn only_introspection<'d>(doc: &'d ExecutableDocument, set: &'d SelectionSet, seen: &mut HashSet<&'d str>) -> bool {
    set.items.iter().all(|item| match &item.node {
        Selection::Field(f) => matches!(f.node.name.node.as_str(), "__schema" | "__type" | "__typename"),
        Selection::InlineFragment(f) => only_introspection(doc, &f.node.selection_set.node, seen),
        Selection::FragmentSpread(s) => {
            let name = s.node.fragment_name.node.as_str();
            match doc.fragments.get(name) {
                Some(f) if seen.insert(name) => only_introspection(doc, &f.node.selection_set.node, seen),
                _ => false,
            }
        }
    })
}

/// A parse error as a sentence with its line and column; the parser's own text draws the line
/// with a caret, which reads badly in a JSON string.
fn syntax_sentence(err: &async_graphql::ServerError) -> String {
    let expected = err
        .message
        .lines()
        .find_map(|l| l.trim_start().strip_prefix("= "))
        .map(str::trim)
        .unwrap_or("the document is not valid GraphQL");
    match err.locations.first() {
        Some(pos) => format!("Syntax error at line {}, column {}: {expected}.", pos.line, pos.column),
        None => format!("Syntax error: {expected}."),
    }
}

/// The fields a selection set executes at its level, through fragments; each fragment counts once
/// per path (a cycle is a validation error the schema reports).
fn count_fields<'d>(doc: &'d ExecutableDocument, set: &'d SelectionSet, seen: &mut HashSet<&'d str>) -> usize {
    set.items
        .iter()
        .map(|item| match &item.node {
            Selection::Field(_) => 1,
            Selection::InlineFragment(f) => count_fields(doc, &f.node.selection_set.node, seen),
            Selection::FragmentSpread(s) => {
                let name = s.node.fragment_name.node.as_str();
                match doc.fragments.get(name) {
                    Some(f) if seen.insert(name) => {
                        let n = count_fields(doc, &f.node.selection_set.node, seen);
                        seen.remove(name);
                        n
                    }
                    _ => 0,
                }
            }
        })
        .sum()
}

/// A GraphQL name short enough for a metrics label: `[_A-Za-z][_0-9A-Za-z]*`.
pub fn is_label(name: &str) -> bool {
    let mut chars = name.chars();
    name.len() <= MAX_LABEL_CHARS
        && chars.next().is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

/// Whether braces, brackets and parentheses nest deeper than `limit`, outside strings, block
/// strings and comments. A linear scan that allocates nothing, so it is safe on any input.
pub fn nesting_exceeds(text: &str, limit: usize) -> bool {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    // An escaped triple quote does not end the block string.
                    i += if bytes[i..].starts_with(b"\\\"\"\"") { 4 } else { 1 };
                }
                i += 2;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' | b'[' | b'(' => {
                depth += 1;
                if depth > limit {
                    return true;
                }
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each check with a fresh cache, as if every document came for the first time.
    fn inspect(request: &mut Request) -> Result<Inspected, Error> {
        super::inspect(request, &Documents::default())
    }

    #[test]
    fn a_document_is_parsed_once_and_then_copied() {
        let documents = Documents::default();
        let query = "query Q { me { id } }";
        let first = super::inspect(&mut request(query), &documents).unwrap();
        let mut again = request(query);
        assert_eq!(super::inspect(&mut again, &documents).unwrap(), first);
        assert_eq!(documents.0.usage().0, 1);
        assert!(super::inspect(&mut request("{ me { "), &documents).is_err());
        let long = format!("{{ me {{ id }} }} #{}", "x".repeat(MAX_CACHED_BYTES));
        super::inspect(&mut request(&long), &documents).unwrap();
        assert_eq!(documents.0.usage().0, 1, "neither a broken nor a long document is kept");
    }

    #[test]
    fn the_cache_keeps_a_bounded_amount_of_text() {
        let documents = Documents::default();
        let padding = "x".repeat(MAX_CACHED_BYTES - 100);
        for i in 0..(2 * MAX_CACHED_TEXT / MAX_CACHED_BYTES) {
            super::inspect(&mut request(&format!("query Q{i} {{ me {{ id }} }} #{padding}")), &documents).unwrap();
        }
        let (count, text_bytes) = documents.0.usage();
        let fits = MAX_CACHED_TEXT / (MAX_CACHED_BYTES + crate::by_text::ENTRY_BYTES);
        assert!(text_bytes <= MAX_CACHED_TEXT && count >= fits, "{count} {text_bytes}");
        assert!(documents.get(&format!("query Q31 {{ me {{ id }} }} #{padding}")).is_some(), "the newest stays");
    }

    fn request(query: &str) -> Request {
        Request::new(query)
    }

    #[test]
    fn nesting_is_counted_outside_strings_and_comments() {
        assert!(!nesting_exceeds("{ a { b { c } } }", 3));
        assert!(nesting_exceeds("{ a { b { c { d } } } }", 3));
        assert!(nesting_exceeds("{a(x:[[[[1]]]])}", 4));
        assert!(!nesting_exceeds(r#"{ a(x: "{{{{{{[[[[") }"#, 2));
        assert!(!nesting_exceeds("{ a(x: \"\"\"{{{{ \\\"\"\" [[[[\"\"\") }", 2));
        assert!(!nesting_exceeds("# {{{{{{{{\n{ a }", 1));
        assert!(!nesting_exceeds(r#"{ a(x: "\"{{{{") }"#, 2));
        assert!(!nesting_exceeds("}}}}{}", 1), "unbalanced closers do not go below zero");
    }

    #[test]
    fn deep_literals_are_refused_before_parsing() {
        let list = format!("{{__typename(x:{}{})}}", "[".repeat(2000), "]".repeat(2000));
        assert!(matches!(inspect(&mut request(&list)), Err(Error::Limit(_))));
        let object = format!("{{__typename(x:{}1{})}}", "{a:".repeat(2000), "}".repeat(2000));
        assert!(matches!(inspect(&mut request(&object)), Err(Error::Limit(_))));
        let big = format!("{{ __typename }} #{}", "x".repeat(MAX_QUERY_BYTES));
        assert!(matches!(inspect(&mut request(&big)), Err(Error::Limit(_))));
    }

    #[test]
    fn mutations_are_counted_through_aliases_and_fragments() {
        let five = "mutation M { a: logout b: logout ...F ... on Mutation { c: logout } } \
                    fragment F on Mutation { d: logout e: logout }";
        assert_eq!(
            inspect(&mut request(five)).unwrap(),
            Inspected { label: Label::Named("M".into()), mutations: 5, introspection_only: false }
        );
        let six = "mutation { a: logout b: logout ...F ...F } fragment F on Mutation { d: logout e: logout }";
        assert!(matches!(inspect(&mut request(six)), Err(Error::Limit(_))));
        let cycle = "mutation { ...F } fragment F on Mutation { a: logout ...F }";
        assert_eq!(inspect(&mut request(cycle)).unwrap().mutations, 1);
        assert_eq!(inspect(&mut request("{ a: me { id } b: me { id } }")).unwrap().mutations, 0);
    }

    #[test]
    fn only_named_operations_of_the_document_become_labels() {
        let doc = "query Eins { me { id } } mutation Zwei { logout }";
        let mut r = request(doc).operation_name("Zwei");
        assert_eq!(
            inspect(&mut r).unwrap(),
            Inspected { label: Label::Named("Zwei".into()), mutations: 1, introspection_only: false }
        );
        let mut r = request(doc).operation_name("Drei\"\n");
        assert_eq!(inspect(&mut r).unwrap().label, Label::Other);
        let long = "A".repeat(65);
        let mut r = request(&format!("query {long} {{ me {{ id }} }}")).operation_name(long.as_str());
        assert_eq!(inspect(&mut r).unwrap().label, Label::Other);
        assert_eq!(inspect(&mut request("{ me { id } }")).unwrap().label, Label::Anonymous);
        assert!(is_label("_a9") && !is_label("9a") && !is_label("") && !is_label("a-b"));
    }

    #[test]
    fn parse_errors_read_as_sentences() {
        let Err(Error::Validation { field, message }) = inspect(&mut request("{ me {\n  id ")) else {
            panic!("an unparsable document passed")
        };
        assert_eq!(field, "query");
        assert!(message.starts_with("Syntax error at line 2, column 6: expected"), "{message}");
        assert!(!message.contains('\n') && !message.contains("-->"), "{message}");
        assert!(matches!(inspect(&mut request("  ")), Err(Error::Validation { .. })));
    }

    #[test]
    fn introspection_only_queries_are_recognised_through_fragments() {
        let only = |q: &str| inspect(&mut request(q)).unwrap().introspection_only;
        assert!(only("{ __schema { types { name } } }"));
        assert!(only("query Q { ...F __typename } fragment F on Query { __type(name: \"Term\") { name } }"));
        assert!(!only("{ __schema { types { name } } terms { label } }"), "data beside introspection");
        assert!(!only("query Q { ...F } fragment F on Query { terms { label } }"));
        assert!(!only("mutation { __typename }"));
    }
}
