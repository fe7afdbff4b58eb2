//! The seeded round-trip corpus: random valid instances round-trip through the
//! types `connector!` generates.
//!
//! `tests/corpus/generate.py` (seeded, deterministic) writes 30–50 operations documents
//! `tests/corpus/doc_NN.json` mixing the dialect (the schema → Rust mapping), and
//! `tests/corpus_modules.rs`, which expands each document exactly once in its own module and
//! holds one `#[test]` per document calling [`Document::output`] / [`Document::input`] with each
//! operation's generated types.
//!
//! For every type, [`INSTANCES`] instances are drawn from the schema by a small seeded generator
//! ([`Generator`]) that walks the schema, then filtered through a draft-04 `jsonschema`
//! validator built from the same schema after [`normalise`] (as the emulator does: `$schema`
//! stripped, empty `required` dropped, `""` dropped from `type` arrays; plus Tray's
//! `nullable: true`, which draft-04 does not know, turned into "or `null`"). Each accepted
//! instance is deserialised into the generated type, serialised back and compared.
//!
//! **The equality rule** ([`same`]): the JSON that comes back must equal the instance, with
//! numbers compared numerically (`3` read into an `f64` comes back as `3.0`) and object members
//! in any order. Nothing else is forgiven: `null` stays `null` (a `null` is only generated where
//! the schema allows it, so only nullable properties carry one, and those must keep it), absent
//! stays absent, and members an output schema does not list come back through `extra`. Input
//! instances carry no unlisted members: inputs have no catch-all.

use std::hash::{DefaultHasher, Hash, Hasher};

use serde_json::{Map, Value, json};
use tray_connect::__private::serde::{Serialize, de::DeserializeOwned};

include!("corpus_modules.rs");

/// Valid instances required per type (a type whose schema yields fewer fails the test).
const INSTANCES: usize = 40;
/// Candidates drawn per type before giving up on reaching [`INSTANCES`].
const ATTEMPTS: usize = 800;
/// Below this depth optional properties, array items and map members are generated.
const MAX_DEPTH: usize = 6;

/// One corpus document, its checked instance count and the failures found so far.
struct Document {
    name: &'static str,
    elements: Vec<Value>,
    checked: std::cell::Cell<usize>,
    failures: std::cell::RefCell<Vec<String>>,
}

impl Document {
    fn new(name: &'static str, text: &str) -> Self {
        let doc: Value = serde_json::from_str(text).expect("corpus documents are JSON");
        let elements = doc["elements"].as_array().expect("elements").clone();
        Self {
            name,
            elements,
            checked: 0.into(),
            failures: Vec::new().into(),
        }
    }

    fn schema(&self, operation: &str, key: &str) -> Value {
        self.elements
            .iter()
            .find(|e| e["name"] == operation)
            .unwrap_or_else(|| panic!("{}: no operation {operation}", self.name))[key]
            .clone()
    }

    /// Round-trips instances of `operation`'s output schema through `T`.
    fn output<T: DeserializeOwned + Serialize>(&self, operation: &str) {
        self.roundtrip::<T>(operation, "outputSchema", true);
    }

    /// Round-trips instances of `operation`'s input schema through `T`.
    fn input<T: DeserializeOwned + Serialize>(&self, operation: &str) {
        self.roundtrip::<T>(operation, "inputSchema", false);
    }

    fn roundtrip<T: DeserializeOwned + Serialize>(&self, operation: &str, key: &str, output: bool) {
        let schema = self.schema(operation, key);
        let label = format!("{}/{operation}/{key}", self.name);
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft4)
            .build(&normalise(&schema))
            .unwrap_or_else(|e| panic!("{label}: the normalised schema compiles: {e}"));
        let mut hasher = DefaultHasher::new();
        label.hash(&mut hasher);
        let mut generator = Generator {
            root: &schema,
            rng: fastrand::Rng::with_seed(hasher.finish()),
            output,
        };
        let mut accepted = 0;
        for _ in 0..ATTEMPTS {
            if accepted == INSTANCES {
                break;
            }
            let instance = generator.value(&schema, 0);
            if !validator.is_valid(&instance) {
                continue;
            }
            accepted += 1;
            let failure = match serde_json::from_value::<T>(instance.clone()) {
                Err(e) => Some(format!("does not deserialise: {e}")),
                Ok(typed) => match serde_json::to_value(&typed) {
                    Err(e) => Some(format!("does not serialise: {e}")),
                    Ok(back) if !same(&instance, &back) => Some(format!("came back as {back}")),
                    Ok(_) => None,
                },
            };
            if let Some(failure) = failure {
                self.failures
                    .borrow_mut()
                    .push(format!("{label}: {instance} {failure}"));
                // One failure per type is enough to show the bug.
                break;
            }
        }
        if accepted < INSTANCES && self.failures.borrow().is_empty() {
            self.failures.borrow_mut().push(format!(
                "{label}: only {accepted} of {ATTEMPTS} candidates were valid"
            ));
        }
        self.checked.set(self.checked.get() + accepted);
    }

    /// Prints the instance count and fails with every failure found.
    fn finish(self) {
        println!("{}: {} instances checked", self.name, self.checked.get());
        let failures = self.failures.into_inner();
        assert!(
            failures.is_empty(),
            "{} round-trip failure(s):\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
}

/// The equality rule of this file: JSON equality with numbers compared numerically.
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

/// Plain draft-04 from a corpus schema: `$schema` stripped, empty `required` dropped, `""`
/// dropped from `type` arrays, Tray keywords removed and `nullable: true` turned into
/// `anyOf: [{"type": "null"}, <the rest>]`. Only schema positions are walked.
fn normalise(schema: &Value) -> Value {
    let Value::Object(map) = schema else {
        return json!({});
    };
    let mut map = map.clone();
    map.remove("$schema");
    for keyword in ["enumLabels", "advanced", "lookup"] {
        map.remove(keyword);
    }
    if map
        .get("required")
        .and_then(Value::as_array)
        .is_some_and(Vec::is_empty)
    {
        map.remove("required");
    }
    if let Some(Value::Array(types)) = map.get_mut("type") {
        types.retain(|t| t != "");
    }
    for keyword in ["properties", "definitions"] {
        if let Some(Value::Object(children)) = map.get_mut(keyword) {
            for child in children.values_mut() {
                *child = normalise(child);
            }
        }
    }
    for keyword in ["items", "additionalProperties"] {
        if let Some(child @ Value::Object(_)) = map.get_mut(keyword) {
            *child = normalise(child);
        }
    }
    for keyword in ["oneOf", "anyOf", "allOf"] {
        if let Some(Value::Array(parts)) = map.get_mut(keyword) {
            for part in parts {
                *part = normalise(part);
            }
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

/// Draws instances from a schema, aiming at valid ones (the validator has the last word).
struct Generator<'a> {
    root: &'a Value,
    rng: fastrand::Rng,
    /// Outputs also get members their schema does not list (kept by `extra`).
    output: bool,
}

const STRINGS: &[&str] = &[
    "",
    "a",
    "hello world",
    "ünïcødé ✓",
    "\"quoted\" \\ back",
    "123",
    "true",
    "null",
    "line\nbreak",
];

impl Generator<'_> {
    fn value(&mut self, schema: &Value, depth: usize) -> Value {
        let Some(map) = schema.as_object() else {
            return self.scalar();
        };
        if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
            let pointer = reference.strip_prefix('#').unwrap_or(reference);
            let target = self.root.pointer(pointer).cloned().unwrap_or(Value::Null);
            return self.value(&target, depth + 1);
        }
        if map.get("nullable") == Some(&Value::Bool(true)) && self.rng.u8(..4) == 0 {
            return Value::Null;
        }
        if let Some(values) = map.get("enum").and_then(Value::as_array) {
            return values[self.rng.usize(..values.len())].clone();
        }
        for keyword in ["oneOf", "anyOf"] {
            if let Some(parts) = map.get(keyword).and_then(Value::as_array) {
                let part = &parts[self.rng.usize(..parts.len())];
                return self.value(part, depth + 1);
            }
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
            return if map.contains_key("properties") {
                self.object(map, depth)
            } else {
                self.scalar()
            };
        }
        match types[self.rng.usize(..types.len())] {
            "null" => Value::Null,
            "boolean" => Value::Bool(self.rng.bool()),
            "integer" => self.integer(),
            "number" => self.number(),
            "string" => self.string(),
            "array" => {
                let len = if depth < MAX_DEPTH {
                    self.rng.usize(..4)
                } else {
                    0
                };
                let items = map.get("items").cloned().unwrap_or(Value::Null);
                Value::Array((0..len).map(|_| self.value(&items, depth + 1)).collect())
            }
            "object" => self.object(map, depth),
            _ => self.scalar(),
        }
    }

    fn object(&mut self, map: &Map<String, Value>, depth: usize) -> Value {
        let required: Vec<&str> = map
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut out = Map::new();
        let properties = map.get("properties").and_then(Value::as_object);
        for (name, schema) in properties.into_iter().flatten() {
            if required.contains(&name.as_str()) || (depth < MAX_DEPTH && self.rng.bool()) {
                let value = self.value(schema, depth + 1);
                out.insert(name.clone(), value);
            }
        }
        let members = if depth < MAX_DEPTH {
            self.rng.usize(..3)
        } else {
            0
        };
        match map.get("additionalProperties") {
            Some(Value::Bool(false)) => {}
            Some(schema @ Value::Object(_)) => {
                for i in 0..members {
                    let value = self.value(schema, depth + 1);
                    out.insert(format!("more_{i}"), value);
                }
            }
            // Free-form objects take anything; objects with properties get unlisted members in
            // outputs only (an output's `extra` keeps them, an input has no catch-all).
            _ if properties.is_none() || (self.output && self.rng.u8(..3) == 0) => {
                for i in 0..members {
                    let value = self.scalar();
                    out.insert(format!("unlisted_{i}"), value);
                }
            }
            _ => {}
        }
        Value::Object(out)
    }

    fn scalar(&mut self) -> Value {
        match self.rng.u8(..6) {
            0 => Value::Null,
            1 => Value::Bool(self.rng.bool()),
            2 => self.integer(),
            3 => self.number(),
            4 => json!([self.string(), self.integer()]),
            _ => self.string(),
        }
    }

    fn integer(&mut self) -> Value {
        match self.rng.u8(..8) {
            0 => json!(i64::MAX),
            1 => json!(i64::MIN),
            2 => json!(0),
            _ => json!(self.rng.i64(-1_000_000..1_000_000)),
        }
    }

    fn number(&mut self) -> Value {
        match self.rng.u8(..4) {
            // Integral JSON in a `number` field: the type reads it as `f64`.
            0 => json!(self.rng.i64(-1000..1000)),
            // Eighths are exact in binary, so they print back as they were read.
            1 | 2 => json!(self.rng.i64(-100_000..100_000) as f64 / 8.0),
            _ => json!(self.rng.f64() * 1e6),
        }
    }

    fn string(&mut self) -> Value {
        let mut s = STRINGS[self.rng.usize(..STRINGS.len())].to_owned();
        if self.rng.bool() {
            s.push_str(&self.rng.u32(..).to_string());
        }
        Value::String(s)
    }
}

#[test]
fn the_equality_rule_compares_numbers_numerically_and_nothing_else_loosely() {
    assert!(same(
        &json!({"a": [3], "b": 1}),
        &json!({"b": 1, "a": [3.0]})
    ));
    assert!(!same(&json!({"a": null}), &json!({})));
    assert!(!same(&json!({"a": 1}), &json!({"a": "1"})));
}
