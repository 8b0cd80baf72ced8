//! The shape of `src/`, checked: areas import only lower areas, and no rule or service file
//! imports a GraphQL or HTTP face. Reads the sources as text; no database.

use std::{collections::BTreeSet, fs, path::Path};

/// The areas from the bottom up. A rule or service of an area may use the areas before it.
const LAYERS: &[&str] = &[
    "audit",
    "accounts",
    "notifications",
    "leitbild",
    "glossary",
    "indicators",
    "participation",
    "reports",
    "tasks",
    "search",
];

/// Files that face the outside (GraphQL, HTTP downloads, demo content): they sit above every
/// area's services and may compose them.
fn is_face(file: &str) -> bool {
    if file.contains("/graphql/") {
        return true;
    }
    let name = file.rsplit('/').next().unwrap_or(file);
    matches!(name, "graphql.rs" | "http.rs" | "export.rs" | "demo.rs" | "glossary_files.rs")
        || name.ends_with("_graphql.rs")
}

/// The top-level module names a source refers to as `crate::…`, test modules left out.
fn crate_refs(source: &str) -> BTreeSet<String> {
    let code = source.split("#[cfg(test)]").next().unwrap_or(source);
    let mut out = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(inner) = rest.strip_prefix('{') {
            // `crate::{a::x, b::{y, z}}`: the names at the first level of braces.
            let (mut depth, mut start) = (0usize, 0usize);
            for (i, ch) in inner.char_indices() {
                match ch {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        out.extend(first_name(&inner[start..i]));
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        out.extend(first_name(&inner[start..i]));
                        start = i + 1;
                    }
                    _ => {}
                }
            }
        } else {
            out.extend(first_name(rest));
        }
    }
    out
}

fn first_name(path: &str) -> Option<String> {
    let name: String = path.trim_start().chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
    (!name.is_empty()).then_some(name)
}

fn sources() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    let mut dirs = vec![root.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
                out.push((rel, fs::read_to_string(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn areas_import_only_lower_areas() {
    let mut wrong = Vec::new();
    for (file, source) in sources() {
        let Some((area, _)) = file.split_once('/') else { continue };
        let Some(level) = LAYERS.iter().position(|a| *a == area) else { continue };
        if is_face(&file) {
            continue;
        }
        for name in crate_refs(&source) {
            if let Some(other) = LAYERS.iter().position(|a| *a == name)
                && other > level
            {
                wrong.push(format!("{file} uses the higher area {name}"));
            }
        }
    }
    assert!(wrong.is_empty(), "arrows running uphill:\n{}", wrong.join("\n"));
}

/// The ground every area stands on: state, configuration, errors, time, the live bus, metrics.
const BASE: &[&str] = &[
    "state.rs",
    "config.rs",
    "db.rs",
    "error.rs",
    "clock.rs",
    "pagination.rs",
    "tables.rs",
    "diff.rs",
    "metrics.rs",
    "live.rs",
    "hasher.rs",
    "text.rs",
    "german.rs",
    "progress.rs",
    "oidc_config.rs",
];

#[test]
fn the_base_imports_no_area() {
    let mut wrong = Vec::new();
    for (file, source) in sources().into_iter().filter(|(f, _)| BASE.contains(&f.as_str())) {
        for name in crate_refs(&source) {
            if LAYERS.contains(&name.as_str()) || matches!(name.as_str(), "http" | "graphql" | "jobs" | "privacy") {
                wrong.push(format!("{file} uses {name}"));
            }
        }
    }
    assert!(wrong.is_empty(), "the base leans on an area:\n{}", wrong.join("\n"));
}

#[test]
fn no_rule_or_service_imports_a_face() {
    let mut wrong = Vec::new();
    for (file, source) in sources() {
        let top_level_face = matches!(file.as_str(), "graphql.rs" | "cli.rs" | "lib.rs" | "main.rs" | "demo.rs");
        if is_face(&file) || file.starts_with("http/") || top_level_face {
            continue;
        }
        let code = source.split("#[cfg(test)]").next().unwrap_or(&source).replace("async_graphql", "");
        for face in ["crate::graphql", "crate::http", "::graphql::", "graphql::{"] {
            if code.contains(face) {
                wrong.push(format!("{file} refers to {face}"));
            }
        }
    }
    assert!(wrong.is_empty(), "services importing a face:\n{}", wrong.join("\n"));
}

#[test]
fn the_import_scanner_reads_nested_uses() {
    let refs = crate_refs("use crate::{a::x, b::{y, z}, c};\nfn f() { crate::d::g(); }\n#[cfg(test)]\nuse crate::e;");
    assert_eq!(refs.into_iter().collect::<Vec<_>>(), ["a", "b", "c", "d"]);
}
