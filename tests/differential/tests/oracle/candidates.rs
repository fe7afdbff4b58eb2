//! The seeded generator of candidate values for one schema.

use serde_json::{Map, Value, json};
use tray_connect_differential::SEED;

use crate::{CANDIDATES, MAX_DEPTH};

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

/// Draws candidates for `schema`, seeded by case and target.
pub(crate) fn candidates(schema: &Value, case: usize, salt: u64) -> Vec<Value> {
    let mut draw = Candidates {
        root: schema,
        rng: fastrand::Rng::with_seed(SEED ^ ((case as u64) << 8) ^ salt),
    };
    (0..CANDIDATES).map(|_| draw.draw()).collect()
}
