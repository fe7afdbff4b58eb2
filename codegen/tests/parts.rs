//! Cutting an expansion into parts (issue 26, part 1): rust-analyzer refuses one macro
//! expansion of more than 2,097,152 tokens, so `connector!` expands a big document in parts of
//! at most `budget::PART_BYTES`, each expanded by its own call. Here: the parts are whole items,
//! joined they are the expansion, and each part of a big document stays far under the limit.

use proc_macro2::{TokenStream, TokenTree};
use serde_json::{Map, json};
use std::path::Path;
use tray_connect_codegen::{Expansion, budget};

/// rust-analyzer's limit on the tokens of one expansion (`TOKEN_LIMIT` in its `hir-expand`).
const RUST_ANALYZER_TOKEN_LIMIT: usize = 2_097_152;

fn expand(text: &str) -> Expansion {
    let document = tray_connect_codegen::document::parse(text).expect("a document");
    let (name, version) = match &document.header {
        Some(header) => (header.name.clone(), header.version.clone()),
        None => ("fixture".to_owned(), "1.0".to_owned()),
    };
    tray_connect_codegen::expand_as_written(
        &name,
        &version,
        &document,
        None,
        tray_connect_codegen::Serde::Both,
    )
    .expect("an expansion")
}

/// Tokens as rust-analyzer counts them, at most: every leaf, and both delimiters of a group.
fn tokens(stream: TokenStream) -> usize {
    stream
        .into_iter()
        .map(|tree| match tree {
            TokenTree::Group(group) => 2 + tokens(group.stream()),
            _ => 1,
        })
        .sum()
}

/// The repository's documents: the fixtures of these tests and the examples' schemas.
fn documents() -> Vec<(String, String)> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = Vec::new();
    for dir in [here.join("tests/fixtures"), here.join("../schemas")] {
        let mut paths: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|entry| entry.expect("a directory entry").path())
            .filter(|path| path.extension().is_some_and(|e| e == "json"))
            .collect();
        paths.sort();
        for path in paths {
            let text = std::fs::read_to_string(&path).expect("a readable document");
            found.push((path.display().to_string(), text));
        }
    }
    assert!(found.len() >= 20, "found only {} documents", found.len());
    found
}

/// Where each part starts in the expansion.
fn starts(expansion: &Expansion, parts: &[&str]) -> Vec<usize> {
    let mut at = 0;
    parts
        .iter()
        .map(|part| {
            let start = at;
            at += part.len();
            assert_eq!(&expansion.source[start..at], *part);
            start
        })
        .collect()
}

#[test]
fn every_part_is_whole_items_and_the_parts_are_the_expansion() {
    for (path, text) in documents() {
        let expansion = expand(&text);
        assert_eq!(
            expansion.parts(usize::MAX),
            [expansion.source.as_str()],
            "{path}"
        );
        // Cut as finely as can be: one group of items (a type and its impls) per part.
        let groups = expansion.parts(0);
        for max in [0, 4 << 10, 64 << 10] {
            let parts = expansion.parts(max);
            assert_eq!(parts.concat(), expansion.source, "{path}: parts of {max}");
            for (index, part) in parts.iter().enumerate() {
                if let Err(e) = syn::parse_file(part) {
                    panic!("{path}: part {index} of at most {max} bytes is not whole items: {e}");
                }
                assert!(
                    part.len() <= max || groups.contains(part),
                    "{path}: part {index} has {} bytes, over {max}, and more than one group",
                    part.len()
                );
            }
        }
    }
}

#[test]
fn parts_are_as_few_as_can_be_and_asking_again_gives_the_same_cut() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/github-legacy.json"),
    )
    .expect("the GitHub document");
    let expansion = expand(&text);
    let groups = expansion.parts(0);
    let group_starts = starts(&expansion, &groups);
    assert!(groups.len() > 100, "{} groups", groups.len());
    for max in [20_000, 64 << 10, 200_000] {
        let parts = expansion.parts(max);
        assert!(parts.len() > 1, "{max}");
        let part_starts = starts(&expansion, &parts);
        // Each part but the last stopped only because the next group would not fit.
        for (index, part) in parts.iter().enumerate().take(parts.len() - 1) {
            let next = part_starts[index + 1];
            let group = group_starts
                .iter()
                .position(|&start| start == next)
                .expect("parts start where groups start");
            assert!(
                part.len() + groups[group].len() > max,
                "{max}: part {index} ({} bytes) had room for the next group ({} bytes)",
                part.len(),
                groups[group].len()
            );
        }
        assert_eq!(expand(&text).parts(max), parts);
    }
}

/// A document in the shape of `benches/synthetic.py`'s, `operations` operations of 24 inputs
/// and 24 outputs each, with enums, nested objects and arrays, and documented throughout.
fn big_document(operations: usize) -> String {
    let mut elements = Vec::new();
    for op in 0..operations {
        let mut properties = Map::new();
        for field in 0..24 {
            let schema = match field % 4 {
                0 => json!({"type": "string", "title": format!("Field {field}"),
                    "description": "A value the connector passes on to the service unchanged."}),
                1 => json!({"type": "string", "enum": ["alpha", "beta", "gamma", "delta"],
                    "description": "One of four modes."}),
                2 => json!({"type": "object", "description": "A nested record.",
                    "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
                        "tags": {"type": "array", "items": {"type": "string"}}},
                    "required": ["id"]}),
                _ => json!({"type": "array", "items": {"type": "number"},
                    "description": "Measurements, in order."}),
            };
            properties.insert(format!("field_{field}"), schema);
        }
        let schema = json!({"type": "object", "properties": properties,
            "required": ["field_0", "field_1"]});
        elements.push(json!({
            "name": format!("operation_{op}"),
            "title": format!("Operation {op}"),
            "description": "Does one thing to a record and returns it as stored.",
            "inputSchema": schema,
            "outputSchema": schema,
        }));
    }
    json!({"connector": {"name": "big", "version": "1.0"}, "elements": elements}).to_string()
}

#[test]
fn a_big_document_is_cut_into_parts_each_far_under_rust_analyzers_limit() {
    let expansion = expand(&big_document(120));
    let whole = tokens(expansion.tokens().expect("lexes"));
    let parts = expansion.parts(budget::PART_BYTES);
    let count = parts.len();
    assert!(
        count >= 2,
        "{} bytes in {count} part(s)",
        expansion.source.len()
    );
    let mut total = 0;
    for (index, part) in parts.into_iter().enumerate() {
        assert!(part.len() <= budget::PART_BYTES, "part {index}");
        let part_tokens = tokens(part.parse().expect("a part lexes"));
        assert!(
            part_tokens <= RUST_ANALYZER_TOKEN_LIMIT / 4,
            "part {index} of {count}: {part_tokens} tokens"
        );
        total += part_tokens;
    }
    assert_eq!(total, whole, "the parts hold every token of the expansion");
}
