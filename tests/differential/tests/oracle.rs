//! The generated types against an independent oracle: the `jsonschema` crate's draft-04
//! validator decides what each drawn schema accepts, never our own reading of it.
//!
//! For every case (`build/schemas.rs` draws them; `src/lib.rs` compiles their expansions) a
//! seeded generator draws candidate values: values built to fit the schema, the same values
//! with one node replaced by arbitrary JSON, and arbitrary JSON. Then:
//!
//! - **Outputs keep every valid value**: each candidate the oracle accepts deserialises into
//!   the output type (as the whole output, and as a required and an optional property) and
//!   serialises back to an equal JSON value.
//! - **Inputs can send every valid value**: the same through the input type.
//! - **Inputs only send valid values**: whatever an input type can hold (every candidate that
//!   deserialises into it, valid or not) serialises to a value the oracle accepts. This is
//!   checked on schemas whose constraints a Rust type can carry (see [`carried_by_types`]):
//!   a type cannot hold `minLength`, `oneOf`'s "exactly one" or numeric enums, and the
//!   types those as their base type on purpose.
//!
//! **Equality** ([`same`]): JSON equality with numbers compared as numbers (`3` read into an
//! `f64` comes back as `3.0`, which JSON Schema's own equality calls equal).
//!
//! **What the generator does not draw**: integers outside `i64` and numbers `f64` cannot hold
//! exactly. The generator maps `integer` to `i64` and `number` to `f64`; such values fail to decode
//! (the error keeps the whole output) or lose digits. Everything else JSON can say is drawn.
//!
//! A failure prints the case, the schema, the value and what came back. Reproduce a run with
//! `TRAY_DIFFERENTIAL_SEED` / `TRAY_DIFFERENTIAL_CASES` (read by the build script).

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};
use tray_connect_differential::{CASES, CASES_JSON, Case, RoundTrip, SEED, TRIGGER_EVENTS};

/// Candidates drawn per schema and target.
const CANDIDATES: usize = 60;
/// Below this depth, optional members, items and unlisted members are drawn.
const MAX_DEPTH: usize = 5;
/// Failures printed in full (the count is always given).
const SHOWN: usize = 12;

struct Oracle {
    validator: jsonschema::Validator,
}

impl Oracle {
    fn new(schema: &Value) -> Result<Oracle, String> {
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft4)
            .build(&to_draft4(schema))
            .map_err(|e| e.to_string())?;
        Ok(Oracle { validator })
    }

    fn accepts(&self, value: &Value) -> bool {
        self.validator.is_valid(value)
    }
}

/// Tray's dialect read as draft 04: `$schema` stripped, empty `required` and empty `type`
/// arrays dropped, `""` dropped from `type` arrays (as the emulator does), and Tray's
/// `nullable: true` read as "or `null`" (as codegen reads it).
fn to_draft4(schema: &Value) -> Value {
    let Value::Object(map) = schema else {
        return schema.clone();
    };
    let mut map = map.clone();
    map.remove("$schema");
    if map
        .get("required")
        .and_then(Value::as_array)
        .is_some_and(Vec::is_empty)
    {
        map.remove("required");
    }
    if let Some(Value::Array(types)) = map.get_mut("type") {
        types.retain(|t| t != "");
        if types.is_empty() {
            map.remove("type");
        }
    }
    for keyword in [
        "properties",
        "patternProperties",
        "definitions",
        "dependencies",
    ] {
        if let Some(Value::Object(children)) = map.get_mut(keyword) {
            for child in children.values_mut() {
                if child.is_object() {
                    *child = to_draft4(child);
                }
            }
        }
    }
    for keyword in ["items", "additionalProperties", "additionalItems", "not"] {
        if let Some(child) = map.get_mut(keyword) {
            match child {
                Value::Object(_) => *child = to_draft4(child),
                Value::Array(parts) => parts.iter_mut().for_each(|p| *p = to_draft4(p)),
                _ => {}
            }
        }
    }
    for keyword in ["oneOf", "anyOf", "allOf"] {
        if let Some(Value::Array(parts)) = map.get_mut(keyword) {
            parts.iter_mut().for_each(|p| *p = to_draft4(p));
        }
    }
    if map.remove("nullable") == Some(Value::Bool(true)) {
        let definitions = map.remove("definitions");
        let mut wrapped = Map::new();
        wrapped.insert(
            "anyOf".into(),
            json!([{"type": "null"}, Value::Object(map)]),
        );
        if let Some(definitions) = definitions {
            wrapped.insert("definitions".into(), definitions);
        }
        return Value::Object(wrapped);
    }
    Value::Object(map)
}

/// JSON equality with numbers compared as numbers.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// Whether every constraint of `schema` is one a generated input type carries: types,
/// properties, `required`, `additionalProperties`, single-schema `items`, string enums, `$ref`,
/// `anyOf`, `allOf` and Tray's annotations. Checked before "inputs only send valid values".
fn carried_by_types(schema: &Value) -> bool {
    let Value::Object(map) = schema else {
        return matches!(schema, Value::Bool(true));
    };
    map.iter().all(|(key, value)| match key.as_str() {
        "type" | "required" | "$ref" | "nullable" | "title" | "description" | "default"
        | "enumLabels" | "advanced" | "lookup" | "$schema" => true,
        "format" => !matches!(value.as_str(), Some("date-time" | "email")),
        "enum" => value
            .as_array()
            .is_some_and(|v| v.iter().all(Value::is_string)),
        "properties" | "definitions" => value
            .as_object()
            .is_some_and(|children| children.values().all(carried_by_types)),
        "additionalProperties" => value.is_boolean() || carried_by_types(value),
        "items" => value.is_object() && carried_by_types(value),
        "anyOf" | "allOf" => value
            .as_array()
            .is_some_and(|parts| parts.iter().all(carried_by_types)),
        _ => false,
    })
}

/// Draws candidate values for one schema.
struct Candidates<'a> {
    root: &'a Value,
    rng: fastrand::Rng,
}

const STRINGS: &[&str] = &[
    "",
    "a",
    "b",
    "open",
    "Unknown",
    "x_1",
    "12",
    "ünïcødé ✓",
    "\"quoted\" \\ back",
    "line\nbreak",
    "null",
];

const KEYS: &[&str] = &[
    "a",
    "extra",
    "x_1",
    "12",
    "zzy",
    "other key",
    "type",
    "Other",
];

impl Candidates<'_> {
    fn draw(&mut self) -> Value {
        match self.rng.u8(..10) {
            0 => self.any(0),
            1..=3 => {
                let mut value = self.fitting(self.root, 0);
                self.mutate(&mut value);
                value
            }
            _ => self.fitting(self.root, 0),
        }
    }

    /// Replaces one node of `value` with arbitrary JSON.
    fn mutate(&mut self, value: &mut Value) {
        let descend = self.rng.u8(..3) != 0;
        match value {
            Value::Array(items) if descend && !items.is_empty() => {
                let i = self.rng.usize(..items.len());
                self.mutate(&mut items[i]);
            }
            Value::Object(map) if descend && !map.is_empty() => {
                let keys: Vec<String> = map.keys().cloned().collect();
                let key = &keys[self.rng.usize(..keys.len())];
                if self.rng.u8(..4) == 0 {
                    map.remove(key);
                } else if let Some(child) = map.get_mut(key) {
                    self.mutate(child);
                }
            }
            _ => *value = self.any(MAX_DEPTH - 1),
        }
    }

    /// Arbitrary JSON, numbers within what `i64` and `f64` hold exactly.
    fn any(&mut self, depth: usize) -> Value {
        let kinds = if depth < MAX_DEPTH { 9 } else { 7 };
        match self.rng.u8(..kinds) {
            0 => Value::Null,
            1 => Value::Bool(self.rng.bool()),
            2 => self.integer(),
            3 => self.number(),
            4 => json!([0.0, 1.0, -0.0, 1.5][self.rng.usize(..4)]),
            5 | 6 => self.string(),
            7 => Value::Array(
                (0..self.rng.usize(..3))
                    .map(|_| self.any(depth + 1))
                    .collect(),
            ),
            _ => {
                let mut map = Map::new();
                for _ in 0..self.rng.usize(..3) {
                    let key = KEYS[self.rng.usize(..KEYS.len())];
                    map.insert(key.to_owned(), self.any(depth + 1));
                }
                Value::Object(map)
            }
        }
    }

    fn integer(&mut self) -> Value {
        match self.rng.u8(..8) {
            0 => json!(i64::MAX),
            1 => json!(i64::MIN),
            2 => json!(0),
            3 => json!(1),
            _ => json!(self.rng.i64(-1_000_000..1_000_000)),
        }
    }

    fn number(&mut self) -> Value {
        match self.rng.u8(..4) {
            0 => json!(self.rng.i64(-1000..1000)),
            // Eighths are exact in binary.
            1 | 2 => json!(self.rng.i64(-100_000..100_000) as f64 / 8.0),
            _ => json!(self.rng.f64() * 1e6),
        }
    }

    fn string(&mut self) -> Value {
        json!(STRINGS[self.rng.usize(..STRINGS.len())])
    }

    /// A value built to fit `schema` (the oracle still has the last word).
    fn fitting(&mut self, schema: &Value, depth: usize) -> Value {
        let Value::Object(map) = schema else {
            return self.any(depth);
        };
        if depth > 12 {
            return self.any(MAX_DEPTH);
        }
        if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
            let pointer = reference.trim_start_matches('#').replace("%20", " ");
            let target = self.root.pointer(&pointer).cloned().unwrap_or(Value::Null);
            return self.fitting(&target, depth + 1);
        }
        if map.get("nullable") == Some(&Value::Bool(true)) && self.rng.u8(..4) == 0 {
            return Value::Null;
        }
        if let Some(values) = map
            .get("enum")
            .and_then(Value::as_array)
            .filter(|v| !v.is_empty())
        {
            let value = values[self.rng.usize(..values.len())].clone();
            // Numbers equal to a member are members too (`1.0` for `1`).
            return match value.as_f64() {
                Some(n) if self.rng.bool() && n.fract() == 0.0 && n.abs() < 1e15 => {
                    if value.is_f64() {
                        json!(n as i64)
                    } else {
                        json!(n)
                    }
                }
                _ => value,
            };
        }
        if let Some(constant) = map.get("const") {
            return constant.clone();
        }
        for keyword in ["oneOf", "anyOf"] {
            if let Some(parts) = map
                .get(keyword)
                .and_then(Value::as_array)
                .filter(|p| !p.is_empty())
            {
                let part = &parts[self.rng.usize(..parts.len())];
                return self.fitting(part, depth + 1);
            }
        }
        if let Some(parts) = map.get("allOf").and_then(Value::as_array) {
            // Objects fitting each part, merged; the rest of the node may add properties.
            let mut merged = Map::new();
            let mut rest = map.clone();
            rest.remove("allOf");
            for part in parts.iter().chain(std::iter::once(&Value::Object(rest))) {
                match self.fitting(part, depth + 1) {
                    Value::Object(members) => merged.extend(members),
                    other if parts.len() == 1 => return other,
                    _ => {}
                }
            }
            return Value::Object(merged);
        }
        let types: Vec<&str> = match map.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts
                .iter()
                .filter_map(Value::as_str)
                .filter(|t| !t.is_empty())
                .collect(),
            _ => Vec::new(),
        };
        if types.is_empty() {
            // No type: any kind of value is valid; objects meet the properties.
            return if self.rng.bool() {
                self.object(map, depth)
            } else {
                self.any(depth)
            };
        }
        match types[self.rng.usize(..types.len())] {
            "null" => Value::Null,
            "boolean" => Value::Bool(self.rng.bool()),
            "integer" => self.integer(),
            "number" => self.number(),
            "string" => self.string(),
            "array" => self.array(map, depth),
            "object" => self.object(map, depth),
            _ => self.any(depth),
        }
    }

    fn array(&mut self, map: &Map<String, Value>, depth: usize) -> Value {
        let len = if depth < MAX_DEPTH {
            self.rng.usize(..4)
        } else {
            0
        };
        let items = map.get("items").cloned().unwrap_or(json!({}));
        let additional = map.get("additionalItems").cloned().unwrap_or(json!({}));
        let values = (0..len)
            .map(|i| match &items {
                Value::Array(tuple) => match tuple.get(i) {
                    Some(schema) => self.fitting(schema, depth + 1),
                    None => self.fitting(&additional, depth + 1),
                },
                schema => self.fitting(schema, depth + 1),
            })
            .collect();
        Value::Array(values)
    }

    fn object(&mut self, map: &Map<String, Value>, depth: usize) -> Value {
        let required: Vec<&str> = map
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let properties = map.get("properties").and_then(Value::as_object);
        let mut out = Map::new();
        for (name, schema) in properties.into_iter().flatten() {
            if required.contains(&name.as_str()) || (depth < MAX_DEPTH && self.rng.bool()) {
                let value = self.fitting(schema, depth + 1);
                out.insert(name.clone(), value);
            }
        }
        for name in &required {
            if !out.contains_key(*name) {
                out.insert((*name).to_owned(), self.any(MAX_DEPTH));
            }
        }
        if depth < MAX_DEPTH {
            if let Some(patterns) = map.get("patternProperties").and_then(Value::as_object) {
                for (pattern, schema) in patterns {
                    if self.rng.bool() {
                        let value = self.fitting(schema, depth + 1);
                        out.insert(matching_key(pattern).to_owned(), value);
                    }
                }
            }
            for _ in 0..self.rng.usize(..3) {
                let key = KEYS[self.rng.usize(..KEYS.len())];
                let value = match map.get("additionalProperties") {
                    Some(Value::Bool(false)) => continue,
                    Some(schema @ Value::Object(_)) => self.fitting(schema, depth + 1),
                    _ => self.any(depth + 1),
                };
                out.insert(key.to_owned(), value);
            }
        }
        if let Some(Value::Object(dependencies)) = map.get("dependencies") {
            for (key, dependency) in dependencies {
                if !out.contains_key(key) {
                    continue;
                }
                match dependency {
                    Value::Array(names) => {
                        for name in names.iter().filter_map(Value::as_str) {
                            if !out.contains_key(name) {
                                out.insert(name.to_owned(), self.any(MAX_DEPTH));
                            }
                        }
                    }
                    schema => {
                        if let Value::Object(extra) = self.fitting(schema, depth + 1) {
                            out.extend(extra);
                        }
                    }
                }
            }
        }
        Value::Object(out)
    }
}

/// A key matching one of the generator's `patternProperties` patterns.
fn matching_key(pattern: &str) -> &'static str {
    match pattern {
        "^x_" => "x_1",
        "^[0-9]+$" => "12",
        "y$" => "zzy",
        _ => "unmatched",
    }
}

/// What a run checked and what failed.
#[derive(Default)]
struct Tally {
    checked: BTreeMap<&'static str, usize>,
    failures: Vec<String>,
    unbuildable: Vec<String>,
}

impl Tally {
    fn fail(&mut self, case: &Value, target: &str, value: &Value, problem: &str) {
        self.failures.push(format!(
            "case {} ({target}):\n  schema: {}\n  value:  {value}\n  {problem}",
            case["index"], case["schema"]
        ));
    }

    fn finish(self, what: &str) {
        let counts: Vec<String> = self
            .checked
            .iter()
            .map(|(k, v)| format!("{v} {k}"))
            .collect();
        println!(
            "{what}: {} cases of seed {SEED:#x}; checked {}",
            CASES.len(),
            counts.join(", ")
        );
        assert!(
            self.unbuildable.is_empty(),
            "the oracle could not compile {} schema(s):\n{}",
            self.unbuildable.len(),
            self.unbuildable.join("\n")
        );
        let shown: Vec<&String> = self.failures.iter().take(SHOWN).collect();
        assert!(
            self.failures.is_empty(),
            "{what}: {} failure(s); the first {}:\n{}",
            self.failures.len(),
            shown.len(),
            shown
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

fn cases() -> Vec<Value> {
    let cases: Vec<Value> = serde_json::from_str(CASES_JSON).expect("the build script writes JSON");
    assert_eq!(
        cases.len(),
        CASES.len(),
        "cases.json and the compiled table agree"
    );
    cases
}

fn operation_schema(case: &Value, operation: usize, key: &str) -> Value {
    case["document"]["elements"][operation][key].clone()
}

/// Draws candidates for `schema`, seeded by case and target.
fn candidates(schema: &Value, case: usize, salt: u64) -> Vec<Value> {
    let mut draw = Candidates {
        root: schema,
        rng: fastrand::Rng::with_seed(SEED ^ ((case as u64) << 8) ^ salt),
    };
    (0..CANDIDATES).map(|_| draw.draw()).collect()
}

/// Every oracle-valid candidate round-trips unchanged through `through`.
fn check_round_trips(
    tally: &mut Tally,
    case: &Value,
    label: &'static str,
    schema: &Value,
    through: RoundTrip,
    salt: u64,
) {
    let oracle = match Oracle::new(schema) {
        Ok(oracle) => oracle,
        Err(e) => {
            tally
                .unbuildable
                .push(format!("case {}: {e}\n  {schema}", case["index"]));
            return;
        }
    };
    let index = case["index"].as_u64().unwrap_or_default() as usize;
    for value in candidates(schema, index, salt) {
        if !oracle.accepts(&value) {
            continue;
        }
        *tally.checked.entry(label).or_default() += 1;
        match through(value.clone()) {
            Err(e) => {
                tally.fail(case, label, &value, &e);
                return;
            }
            Ok(back) if !same(&value, &back) => {
                tally.fail(case, label, &value, &format!("came back as {back}"));
                return;
            }
            Ok(_) => {}
        }
    }
}

fn case_table() -> Vec<(&'static Case, Value)> {
    CASES.iter().zip(cases()).collect()
}

#[test]
fn every_value_the_oracle_accepts_round_trips_through_output_types() {
    let mut tally = Tally::default();
    for (case, json) in case_table() {
        let root = operation_schema(&json, 0, "outputSchema");
        check_round_trips(
            &mut tally,
            &json,
            "whole outputs",
            &root,
            case.root_output,
            1,
        );
        let field = operation_schema(&json, 1, "outputSchema");
        check_round_trips(
            &mut tally,
            &json,
            "output properties",
            &field,
            case.field_output,
            2,
        );
    }
    tally.finish("outputs");
}

#[test]
fn every_value_the_oracle_accepts_round_trips_through_input_types() {
    let mut tally = Tally::default();
    for (case, json) in case_table() {
        let field = operation_schema(&json, 1, "inputSchema");
        check_round_trips(&mut tally, &json, "inputs", &field, case.field_input, 3);
    }
    tally.finish("inputs");
}

#[test]
fn whatever_an_input_type_holds_is_accepted_by_the_oracle() {
    let mut tally = Tally::default();
    let mut schemas = 0;
    for (case, json) in case_table() {
        let schema = operation_schema(&json, 1, "inputSchema");
        // Value fallbacks hold any JSON on purpose; only `{}`-like ones accept any JSON too.
        let untyped = case.value_fallbacks.iter().any(|f| {
            f.starts_with("/elements/1/inputSchema") && !f.ends_with("the schema gives no `type`")
        });
        if !carried_by_types(&schema) || untyped {
            continue;
        }
        schemas += 1;
        let Ok(oracle) = Oracle::new(&schema) else {
            tally.unbuildable.push(format!("case {}", json["index"]));
            continue;
        };
        for value in candidates(&schema, case.index, 4) {
            let Ok(sent) = (case.field_input)(value.clone()) else {
                continue;
            };
            *tally.checked.entry("input values held").or_default() += 1;
            if !oracle.accepts(&sent) {
                tally.fail(
                    &json,
                    "input sent",
                    &value,
                    &format!("is sent as {sent}, which the schema refuses"),
                );
                break;
            }
        }
    }
    println!("{schemas} schemas carried by types");
    assert!(
        schemas > CASES.len() / 10,
        "too few schemas to check: {schemas}"
    );
    tally.finish("input soundness");
}

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

#[test]
fn the_oracle_and_the_equality_rule_behave_as_this_file_says() {
    let oracle = Oracle::new(&json!({"type": ["integer", ""], "nullable": true})).unwrap();
    assert!(oracle.accepts(&json!(3)));
    assert!(oracle.accepts(&Value::Null));
    assert!(!oracle.accepts(&json!("3")));
    assert!(same(
        &json!({"a": [3], "b": 1}),
        &json!({"b": 1, "a": [3.0]})
    ));
    assert!(!same(&json!({"a": null}), &json!({})));
    assert!(!same(&json!({"a": 1}), &json!({"a": "1"})));
}

/// Tray's real trigger documents (issue 23): every event value the oracle accepts for an
/// operation's `outputSchema` decodes into its generated event type and comes back equal.
#[test]
fn every_event_the_oracle_accepts_round_trips_through_trigger_event_types() {
    let mut tally = Tally::default();
    assert_eq!(
        TRIGGER_EVENTS.len(),
        4,
        "GoSquared's two operations and Gmail's two"
    );
    for (i, event) in TRIGGER_EVENTS.iter().enumerate() {
        let schema: Value = serde_json::from_str(event.output_schema).expect("JSON");
        let case = json!({"index": 100_000 + i, "document": event.document,
                          "operation": event.operation, "schema": schema});
        check_round_trips(
            &mut tally,
            &case,
            "trigger events",
            &schema,
            event.round_trip,
            4,
        );
    }
    assert!(
        tally
            .checked
            .get("trigger events")
            .copied()
            .unwrap_or_default()
            >= 40,
        "too few accepted events were drawn: {:?}",
        tally.checked
    );
    tally.finish("trigger events");
}
