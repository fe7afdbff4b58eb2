//! Whether the draw covers Tray's dialect: every construct drawn often enough.

use std::collections::BTreeMap;

use serde_json::Value;
use tray_connect_differential::CASES;

use crate::cases;

/// Counts, over every drawn schema, the nodes using each construct of the dialect.
fn constructs(schema: &Value, counts: &mut BTreeMap<&'static str, usize>) {
    let mut count = |name: &'static str| *counts.entry(name).or_default() += 1;
    match schema {
        Value::Object(map) => {
            match map.get("type") {
                Some(Value::Array(types)) => {
                    count("type array");
                    if types.iter().any(|t| t == "") {
                        count("\"\" in a type array");
                    }
                    if types.iter().any(|t| t == "null") {
                        count("null in a type array");
                    }
                }
                None if map.contains_key("properties") => count("properties without type"),
                _ => {}
            }
            if let Some(Value::Array(values)) = map.get("enum") {
                if values.iter().all(Value::is_string) {
                    count("string enum");
                } else if values.iter().all(Value::is_number) {
                    count("number enum");
                } else {
                    count("mixed or null enum");
                }
            }
            match map.get("additionalProperties") {
                Some(Value::Bool(true)) => count("additionalProperties: true"),
                Some(Value::Bool(false)) => count("additionalProperties: false"),
                Some(Value::Object(_)) => count("additionalProperties: schema"),
                _ => {}
            }
            match map.get("items") {
                Some(Value::Array(_)) => count("tuple items"),
                Some(Value::Object(_)) => count("items"),
                _ => {}
            }
            if map.get("$ref").and_then(Value::as_str) == Some("#") {
                count("$ref to the root");
            }
            for keyword in [
                "nullable",
                "oneOf",
                "anyOf",
                "allOf",
                "$ref",
                "patternProperties",
                "dependencies",
                "additionalItems",
                "format",
                "const",
                "not",
                "required",
                "definitions",
            ] {
                if map.contains_key(keyword) {
                    count(keyword);
                }
            }
            map.values().for_each(|child| constructs(child, counts));
        }
        Value::Array(items) => items.iter().for_each(|child| constructs(child, counts)),
        _ => {}
    }
}

#[test]
fn the_draw_covers_the_dialect() {
    let mut counts = BTreeMap::new();
    for case in cases() {
        constructs(&case["schema"], &mut counts);
    }
    let listed: Vec<String> = counts.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    println!(
        "constructs over {} schemas: {}",
        CASES.len(),
        listed.join(", ")
    );
    let missing: Vec<&str> = [
        "type array",
        "\"\" in a type array",
        "null in a type array",
        "properties without type",
        "string enum",
        "number enum",
        "mixed or null enum",
        "additionalProperties: true",
        "additionalProperties: false",
        "additionalProperties: schema",
        "tuple items",
        "items",
        "$ref to the root",
        "nullable",
        "oneOf",
        "anyOf",
        "allOf",
        "$ref",
        "patternProperties",
        "dependencies",
        "additionalItems",
        "format",
        "const",
        "not",
        "definitions",
    ]
    .into_iter()
    .filter(|c| counts.get(c).copied().unwrap_or_default() < 5)
    .collect();
    assert!(missing.is_empty(), "drawn fewer than 5 times: {missing:?}");
}
