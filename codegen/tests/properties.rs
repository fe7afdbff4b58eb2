//! Property tests: codegen never panics, whatever the document, and whenever it
//! expands a document the output parses as a Rust file. Case counts keep the suite at a few
//! seconds in debug builds.

use proptest::prelude::*;
use serde_json::{Map, Value, json};

/// Property names that stress the naming rules: keywords, case twins, digits, unicode, empty.
const NAMES: &[&str] = &[
    "a",
    "b",
    "type",
    "self",
    "Self",
    "super",
    "crate",
    "gen",
    "async",
    "try",
    "dyn",
    "extra",
    "extra_",
    "additional",
    "build",
    "builder",
    "maybe_a",
    "camelCase",
    "camel_case",
    "CAMEL_CASE",
    "1st",
    "2",
    "with space",
    "with-dash",
    "café",
    "日本",
    "",
    "_",
    "Unknown",
    "unknown",
    "value",
    "x_2",
    "r#type",
];

/// Reference targets: local pointers that may or may not resolve, escaped or not.
const REFS: &[&str] = &[
    "#",
    "#/definitions/a",
    "#/definitions/b",
    "#/definitions/a~1b",
    "#/definitions/c~0d",
    "#/definitions/per%20cent",
    "#/properties/a",
    "#/properties/a/items",
    "#/nowhere",
    "other.json#/x",
    "#/definitions/",
    "#//",
    "#/definitions/a/properties/a",
];

const TYPES: &[&str] = &[
    "string", "integer", "number", "boolean", "array", "object", "null", "", "decimal",
];

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(NAMES).prop_map(str::to_owned),
        1 => "[a-zA-Z0-9 _$-]{0,6}",
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        proptest::sample::select(TYPES).prop_map(|t| json!({ "type": t })),
        proptest::sample::select(REFS).prop_map(|r| json!({ "$ref": r })),
        proptest::collection::vec(proptest::sample::select(TYPES), 0..4)
            .prop_map(|ts| json!({ "type": ts })),
        proptest::collection::vec(name(), 0..4)
            .prop_map(|vs| json!({ "type": "string", "enum": vs })),
        Just(json!({"enum": [1, "a", null, true]})),
        Just(json!({"type": "integer", "enum": [1, 2]})),
        Just(json!({"type": "string", "format": "password"})),
        Just(json!({"const": 3})),
        Just(json!({})),
        Just(json!({"tytpe": "string"})),
        Just(json!({"type": "string", "nullable": true})),
        Just(json!({"type": "object"})),
        Just(json!(null)),
        Just(json!(true)),
        Just(json!("string")),
        Just(
            json!({"type": "string", "lookup": {"operation": "op", "input": {"a": "{{a}}", "b": "{{{missing}}}", "c": [1, {"d": "{{b}}"}]}}})
        ),
    ]
}

/// A schema-like JSON value, biased towards the keywords codegen reads.
fn schema() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(5, 48, 5, |inner| {
        let props = proptest::collection::vec((name(), inner.clone()), 0..5);
        prop_oneof![
            (props, proptest::collection::vec(name(), 0..3), any::<u8>()).prop_map(
                |(props, required, flags)| {
                    let mut schema = Map::new();
                    if flags & 1 == 0 {
                        schema.insert("type".into(), json!("object"));
                    }
                    schema.insert(
                        "properties".into(),
                        Value::Object(props.into_iter().collect()),
                    );
                    schema.insert("required".into(), json!(required));
                    if flags & 2 != 0 {
                        schema.insert("additionalProperties".into(), json!({"type": "integer"}));
                    }
                    if flags & 4 != 0 {
                        schema.insert("nullable".into(), json!(true));
                    }
                    if flags & 8 != 0 {
                        schema.insert("advanced".into(), json!(["a", "b"]));
                    }
                    Value::Object(schema)
                }
            ),
            inner
                .clone()
                .prop_map(|items| json!({"type": "array", "items": items})),
            proptest::collection::vec(inner.clone(), 0..3)
                .prop_map(|items| json!({"type": "array", "items": items})),
            proptest::collection::vec(inner.clone(), 0..4).prop_map(|alts| json!({"oneOf": alts})),
            proptest::collection::vec(inner.clone(), 0..4).prop_map(|alts| json!({"anyOf": alts})),
            proptest::collection::vec(inner.clone(), 0..4).prop_map(|alts| json!({"allOf": alts})),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| json!({
                "type": "object",
                "definitions": {"a": a, "b": b, "a/b": {"$ref": "#/definitions/a"}},
                "properties": {"a": {"$ref": "#/definitions/a"}, "b": {"$ref": "#/definitions/b"}},
            })),
            inner
                .clone()
                .prop_map(|a| json!({"type": "object", "additionalProperties": a})),
            (inner.clone(), proptest::sample::select(TYPES)).prop_map(
                |(s, t)| json!({"type": [t, "null"], "items": s, "properties": {"p": s}})
            ),
        ]
    })
}

fn operation() -> impl Strategy<Value = Value> {
    (name(), schema(), schema(), any::<bool>()).prop_map(|(name, input, output, dynamic)| {
        json!({
            "name": name,
            "title": "T [x] <y> `z` https://example.com",
            "inputSchema": input,
            "outputSchema": output,
            "hasDynamicOutput": dynamic,
        })
    })
}

fn expand(document: &str) -> Result<String, tray_connect_codegen::Error> {
    tray_connect_codegen::expand(&tray_connect_codegen::Request {
        connector: "prop",
        version: "1.0",
        document,
        operations: None,
        serde: tray_connect_codegen::Serde::Both,
    })
    .map(|expansion| {
        tray_connect_codegen::pretty(&expansion.source)
            .unwrap_or_else(|e| panic!("generated code does not parse: {e}\n{document}"))
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    /// Random schemas expand without panicking into code that parses.
    #[test]
    fn random_schemas_expand_into_code_that_parses(
        operations in proptest::collection::vec(operation(), 1..4)
    ) {
        let document = json!({"elements": operations}).to_string();
        match expand(&document) {
            Ok(code) => prop_assert!(code.contains("pub const OPERATIONS")),
            // Only duplicate operation names may be refused.
            Err(e) => prop_assert!(e.to_string().contains("defined twice"), "{e}"),
        }
    }

    /// The surface of random schemas is found without panicking, and compared with itself
    /// it has no change: identities are unique and deterministic, so `check` never reports
    /// drift of an unchanged document. Against another random document the diff never panics.
    #[test]
    fn random_schemas_have_a_surface_equal_to_itself(
        operations in proptest::collection::vec(operation(), 1..4),
        others in proptest::collection::vec(operation(), 1..4),
    ) {
        let surface_of = |operations: &[Value]| {
            let text = json!({"elements": operations}).to_string();
            let document = tray_connect_codegen::document::parse(&text).ok()?;
            let kind = tray_connect_codegen::DocumentKind::Connector;
            tray_connect_codegen::surface(&document, kind, "prop", "1.0", None).ok()
        };
        if let Some(surface) = surface_of(&operations) {
            let again = surface_of(&operations).unwrap();
            let changes = tray_connect_codegen::surface::diff(&surface, &again);
            prop_assert!(changes.is_empty(), "{changes:#?}");
            if let Some(other) = surface_of(&others) {
                let _ = tray_connect_codegen::surface::diff(&surface, &other);
                let _ = tray_connect_codegen::surface::diff(&other, &surface);
            }
        }
    }

    /// Any JSON document gives `Ok` or `Err`, never a panic.
    #[test]
    fn random_json_documents_never_panic(value in schema()) {
        let _ = expand(&json!({"elements": [value.clone()]}).to_string());
        let _ = expand(&json!({"elements": value.clone()}).to_string());
        let _ = expand(&value.to_string());
    }

    /// Random bytes give `Ok` or `Err`, never a panic.
    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = expand(&text);
        let _ = expand(&format!("{{\"elements\": [{{\"name\": \"x\", \"inputSchema\": {text}}}]}}"));
    }
}
