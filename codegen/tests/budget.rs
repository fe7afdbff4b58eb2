//! The expansion budget (issue 22, finding 4): documents of a few kilobytes that asked for
//! tens of megabytes of source, hundreds of thousands of types or quadratic naming now expand
//! in proportion to their size, or fail with an error naming the schema node where the budget
//! ran out. The red team's families are in `tests/hostile/` (`make.py` writes them).

use serde_json::{Map, Value, json};
use std::collections::HashSet;
use std::path::Path;
use tray_connect_codegen::{Error, Expansion, budget};

fn expand_text(text: &str) -> Result<Expansion, Error> {
    let document = tray_connect_codegen::document::parse(text).expect("a document");
    let header = document.connector(None).expect("a header");
    tray_connect_codegen::expand_document(
        &header.name,
        &header.version,
        &document,
        None,
        tray_connect_codegen::Serde::Both,
    )
}

/// The error a document expands to (an expansion would be megabytes to print).
fn refused(text: &str) -> Error {
    match expand_text(text) {
        Ok(expansion) => panic!("expanded to {} bytes", expansion.source.len()),
        Err(error) => error,
    }
}

fn hostile(file: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/hostile")
        .join(file);
    std::fs::read_to_string(path).expect("the hostile documents are committed")
}

fn document(elements: Value) -> String {
    json!({"connector": {"name": "budget", "version": "1.0"}, "elements": elements}).to_string()
}

fn type_names(source: &str) -> Vec<&str> {
    source
        .split("pub struct ")
        .skip(1)
        .map(|rest| rest.split([' ', '<', '(', '{']).next().unwrap_or_default())
        .collect()
}

#[test]
fn all_of_explosion_expands_in_proportion_to_its_size() {
    // 20 levels, each property an `allOf` of the next level with its own description: before,
    // every `allOf` inlined the next level again (12 levels: 4.9 KB → 44 MB of source and
    // 32,768 structs; 20 levels never finished).
    let text = hostile("all-of-explosion.json");
    let expansion = expand_text(&text).unwrap();
    let structs = type_names(&expansion.source).len();
    assert!(
        structs <= 4 * 22,
        "{structs} structs for 21 levels in two roles"
    );
    assert!(
        expansion.source.len() < 32 * text.len(),
        "{} bytes of source for {} of document",
        expansion.source.len(),
        text.len()
    );
}

#[test]
fn five_hundred_required_inputs_are_a_budget_error_naming_the_object() {
    // Every required setter names one type parameter per required input: 500 made 7.5 MB of
    // source and 1.3 GB of rustc memory.
    let error = refused(&hostile("required-inputs.json"));
    let Error::Budget(exceeded) = &error else {
        panic!("expected a budget error, got {error}");
    };
    assert_eq!(exceeded.pointer, "/elements/0/inputSchema");
    let message = error.to_string();
    assert!(message.contains("500 required inputs"), "{message}");
    assert!(message.contains("at most 64"), "{message}");
    assert!(message.contains("operations = [..]"), "{message}");
}

#[test]
fn long_property_names_do_not_concatenate_into_type_names() {
    // 20 levels of 1 KB names: type names joined along the path (before: 5.3 MB of source
    // for this 43 KB document; 20 KB names made 104 MB).
    let text = hostile("long-names.json");
    let expansion = expand_text(&text).unwrap();
    let names = type_names(&expansion.source);
    assert!(!names.is_empty());
    let longest = names.iter().map(|n| n.len()).max().unwrap();
    assert!(
        longest <= budget::TYPE_NAME_LEN,
        "a type name of {longest} characters"
    );
    assert_eq!(names.iter().collect::<HashSet<_>>().len(), names.len());
    assert!(
        expansion.source.len() < 32 * text.len(),
        "{} bytes of source for {} of document",
        expansion.source.len(),
        text.len()
    );
}

#[test]
fn sixteen_thousand_names_that_sanitise_alike_are_all_named() {
    // Numbering each twin from 2 was quadratic: 4,000 took 8 s, 16,000 did not finish.
    let mut properties = Map::new();
    for i in 0..16_000usize {
        let mut name = "a".to_owned();
        let mut n = i;
        loop {
            name.push(b"!#$%&*+-"[n % 8] as char);
            n /= 8;
            if n == 0 {
                break;
            }
        }
        properties.insert(name, json!({"type": "string"}));
    }
    let text = document(json!([{
        "name": "twins",
        "inputSchema": {"type": "object", "properties": properties},
        "outputSchema": {"type": "object", "properties": properties},
    }]));
    let expansion = expand_text(&text).unwrap();
    for n in [2, 8_000, 16_000] {
        assert!(
            expansion.source.contains(&format!("pub a_{n} :")),
            "twin {n} is named"
        );
    }
}

#[test]
fn allofs_that_each_inline_a_large_definition_exhaust_the_model_budget() {
    // 1,000 `allOf`s of different shapes, each inlining a definition of 1,000 properties: a
    // million fields from 60 KB. Refused after the budget, naming where it ran out.
    let big: Map<String, Value> = (0..1_000)
        .map(|i| {
            (
                format!("p{i}"),
                json!({"type": "object", "properties": {"x": {}}}),
            )
        })
        .collect();
    let users: Map<String, Value> = (0..1_000)
        .map(|i| {
            let own = json!({ format!("own{i}"): {"type": "integer"} });
            let user = json!({"allOf": [{"$ref": "#/definitions/big"}], "properties": own});
            (format!("u{i}"), user)
        })
        .collect();
    let schema = json!({"type": "object", "properties": users,
                        "definitions": {"big": {"type": "object", "properties": big}}});
    let text = document(json!([{"name": "quadratic", "inputSchema": schema}]));
    let error = refused(&text);
    let Error::Budget(exceeded) = &error else {
        panic!("expected a budget error, got {error}");
    };
    assert!(
        exceeded
            .pointer
            .starts_with("/elements/0/inputSchema/properties/u"),
        "{}",
        exceeded.pointer
    );
    assert!(
        error.to_string().contains("generated types and fields"),
        "{error}"
    );
}

#[test]
fn a_builder_moving_thousands_of_inputs_per_setter_exhausts_the_source_budget() {
    // Each required setter moves every other input into the builder it returns: 64 required
    // and 3,000 optional inputs of 100-character names are 190,000 moves of 210 bytes.
    let required: Vec<String> = (0..budget::REQUIRED_INPUTS)
        .map(|i| format!("r{i}"))
        .collect();
    let mut properties: Map<String, Value> = required
        .iter()
        .map(|name| (name.clone(), json!({"type": "string"})))
        .collect();
    for i in 0..3_000 {
        properties.insert(format!("o{i:0>99}"), json!({"type": "string"}));
    }
    let text = document(json!([{
        "name": "wide",
        "inputSchema": {"type": "object", "properties": properties, "required": required},
    }]));
    let error = refused(&text);
    let Error::Budget(exceeded) = &error else {
        panic!("expected a budget error, got {error}");
    };
    assert_eq!(exceeded.pointer, "/elements/0/inputSchema");
    assert!(
        error.to_string().contains("MB of generated source"),
        "{error}"
    );
}
