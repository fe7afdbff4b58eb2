//! Seeded random schemas across the whole of Tray's schema dialect (and draft-04 beyond it).
//!
//! Each case is one schema `S` with its `definitions` at its root. The generator knows nothing
//! of how codegen types a schema: it draws keywords by weight, so the oracle (a draft-04
//! validator) and not our own reading decides what a schema accepts.

use serde_json::{Map, Value, json};

/// Property names that stress naming: case, keywords, digits, punctuation, the catch-all names.
const PROPERTY_NAMES: &[&str] = &[
    "a",
    "b",
    "name",
    "camelCase",
    "with space",
    "type",
    "self",
    "1st",
    "extra",
    "extra_",
    "additional",
    "x-y",
    "é",
    "",
    "value",
    "Unknown",
    "build",
    "maybe_a",
    "Other",
];

/// Strings used as enum members.
const ENUM_STRINGS: &[&str] = &[
    "a",
    "b",
    "open",
    "Unknown",
    "",
    "with space",
    "1x",
    "Other",
    "é",
    "CLOSED",
    "closed",
];

/// Tray's own formats (not validated by draft 4) and standard ones (validated).
const FORMATS: &[&str] = &[
    "datetime",
    "code",
    "text",
    "password",
    "file",
    "date-time",
    "email",
];

/// Members a `type` array draws from (`""` is the legacy GitHub connector's).
const TYPE_MEMBERS: &[&str] = &[
    "boolean", "integer", "number", "string", "array", "object", "null", "",
];

/// Patterns of `patternProperties`, with keys that match them (the value generator reads
/// these back from the schema: see `matching_key` in the test).
pub const PATTERNS: &[&str] = &["^x_", "^[0-9]+$", "y$"];

/// The schema generator: one case at a time, definitions collected per case.
pub struct SchemaGenerator {
    rng: fastrand::Rng,
    definitions: Map<String, Value>,
    /// Definitions being generated: not yet referable (a `$ref` straight back to one would
    /// make a schema no validator can finish).
    pending: Vec<String>,
}

impl SchemaGenerator {
    pub fn new(seed: u64) -> Self {
        Self {
            rng: fastrand::Rng::with_seed(seed),
            definitions: Map::new(),
            pending: Vec::new(),
        }
    }

    /// One case: a schema with its definitions (if any) at its root.
    pub fn case(&mut self) -> Value {
        self.definitions = Map::new();
        self.pending.clear();
        let mut schema = self.schema(0);
        // Roots are often objects with properties, as Tray's are; the rest is any node.
        if self.rng.u8(..3) == 0 {
            schema = self.object(0, true);
        }
        let definitions = std::mem::take(&mut self.definitions);
        if definitions.is_empty() {
            return schema;
        }
        match schema {
            Value::Object(mut map) => {
                map.insert("definitions".into(), Value::Object(definitions));
                Value::Object(map)
            }
            // A boolean schema has no room for definitions: wrap it.
            other => json!({"allOf": [other], "definitions": definitions}),
        }
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.rng.usize(..items.len())]
    }

    fn chance(&mut self, one_in: u8) -> bool {
        self.rng.u8(..one_in) == 0
    }

    fn schema(&mut self, depth: usize) -> Value {
        let composite = if depth >= 3 { 0 } else { 10 };
        let mut schema = match self.rng.u32(..(22 + composite * 2)) {
            0..=3 => json!({"type": "string"}),
            4 => json!({"type": "integer"}),
            5 => json!({"type": "number"}),
            6 => json!({"type": "boolean"}),
            7 => json!({"type": "null"}),
            8 => json!({"type": "string", "format": *self.pick(FORMATS)}),
            9..=10 => self.string_enum(),
            11 => self.number_enum(),
            12 => self.mixed_enum(),
            13..=15 => self.type_array(depth),
            16 => json!({}),
            17 => json!({"description": "no type here"}),
            18 => json!({"const": self.constant()}),
            19 => json!({"not": {"type": "string"}}),
            20 => json!({"type": "string", "minLength": 2, "pattern": "^[a-z]"}),
            21 => json!({"type": "integer", "minimum": 0, "maximum": 10}),
            n => match (n - 22) % 10 {
                0..=2 => {
                    let typed = self.rng.bool();
                    self.object(depth, typed)
                }
                3 => self.free_object(depth),
                4..=5 => self.array(depth),
                6 => self.alternatives(depth),
                7 => self.all_of(depth),
                8 => self.reference(depth),
                _ => self.recursive_reference(),
            },
        };
        if let Value::Object(map) = &mut schema {
            if self.chance(8) {
                map.insert("nullable".into(), Value::Bool(true));
            }
            if self.chance(6) {
                map.insert("title".into(), json!("A title [with] <brackets>"));
            }
            if self.chance(6) {
                map.insert(
                    "description".into(),
                    json!("See https://example.com/docs and `code`."),
                );
            }
            if self.chance(12) {
                map.insert("default".into(), self.constant());
            }
        }
        schema
    }

    fn constant(&mut self) -> Value {
        match self.rng.u8(..6) {
            0 => Value::Null,
            1 => json!(true),
            2 => json!(3),
            3 => json!(1.5),
            4 => json!("fixed"),
            _ => json!({"k": [1, "two"]}),
        }
    }

    fn string_enum(&mut self) -> Value {
        let n = self.rng.usize(1..5);
        let values: Vec<Value> = (0..n).map(|_| json!(*self.pick(ENUM_STRINGS))).collect();
        let mut schema = json!({"enum": values});
        if self.rng.bool() {
            schema["type"] = json!("string");
        }
        if self.chance(3) {
            let labels: Vec<Value> = (0..n).map(|i| json!(format!("Label {i}"))).collect();
            schema["enumLabels"] = Value::Array(labels);
        }
        schema
    }

    fn number_enum(&mut self) -> Value {
        let values = match self.rng.u8(..5) {
            0 => json!([0, 1, 2]),
            1 => json!([0.0, 1.0]),
            2 => json!([1.5, -2.25, 3]),
            3 => json!([10]),
            _ => json!([true, false]),
        };
        let mut schema = json!({ "enum": values });
        match self.rng.u8(..3) {
            0 => schema["type"] = json!("integer"),
            1 => schema["type"] = json!("number"),
            _ => {}
        }
        if values.as_array().is_some_and(|v| v[0].is_boolean()) {
            schema["type"] = json!("boolean");
        }
        schema
    }

    fn mixed_enum(&mut self) -> Value {
        let values = match self.rng.u8(..5) {
            0 => json!([null, "a", "b"]),
            1 => json!(["a", 1]),
            2 => json!([null, 1, 2]),
            3 => json!([null]),
            _ => json!(["x", true, null, {"k": 1}]),
        };
        let mut schema = json!({ "enum": values });
        if self.chance(3) {
            schema["type"] = json!(["string", "null"]);
        }
        schema
    }

    fn type_array(&mut self, depth: usize) -> Value {
        let n = self.rng.usize(2..5);
        let mut members: Vec<&str> = Vec::new();
        for _ in 0..n {
            let member = *self.pick(TYPE_MEMBERS);
            if !members.contains(&member) {
                members.push(member);
            }
        }
        let mut schema = json!({ "type": members });
        if members.contains(&"object") && self.rng.bool() {
            let object = self.object(depth + 1, true);
            for key in ["properties", "required", "additionalProperties"] {
                if let Some(v) = object.get(key) {
                    schema[key] = v.clone();
                }
            }
        }
        if members.contains(&"array") && self.rng.bool() {
            schema["items"] = self.schema(depth + 1);
        }
        if members.contains(&"string") && self.chance(4) {
            schema["format"] = json!(*self.pick(FORMATS));
        }
        schema
    }

    /// An object with properties; `typed` says whether it says `"type": "object"`.
    pub fn object(&mut self, depth: usize, typed: bool) -> Value {
        let n = self.rng.usize(1..5);
        let mut properties = Map::new();
        for _ in 0..n {
            let name = *self.pick(PROPERTY_NAMES);
            let schema = self.schema(depth + 1);
            properties.insert(name.to_owned(), schema);
        }
        let names: Vec<String> = properties.keys().cloned().collect();
        let mut schema = Map::new();
        if typed {
            schema.insert("type".into(), json!("object"));
        }
        schema.insert("properties".into(), Value::Object(properties));
        let required: Vec<Value> = names
            .iter()
            .filter(|_| self.rng.bool())
            .map(|n| json!(n))
            .collect();
        match self.rng.u8(..6) {
            0 => {}
            1 => {
                schema.insert("required".into(), json!([]));
            }
            2 => {
                let mut required = required;
                required.push(json!("not_a_property"));
                schema.insert("required".into(), Value::Array(required));
            }
            _ => {
                schema.insert("required".into(), Value::Array(required));
            }
        }
        match self.rng.u8(..6) {
            0 => {
                schema.insert("additionalProperties".into(), json!(false));
            }
            1 => {
                schema.insert("additionalProperties".into(), json!(true));
            }
            2 => {
                let values = self.schema(depth + 1);
                schema.insert("additionalProperties".into(), values);
            }
            _ => {}
        }
        if self.chance(5) {
            let pattern = *self.pick(PATTERNS);
            let values = self.schema(depth + 1);
            schema.insert("patternProperties".into(), json!({ pattern: values }));
        }
        if self.chance(6) && !names.is_empty() {
            let key = names[self.rng.usize(..names.len())].clone();
            let dependency = if self.rng.bool() {
                json!([*self.pick(PROPERTY_NAMES)])
            } else {
                let name = *self.pick(PROPERTY_NAMES);
                let inner = self.schema(depth + 1);
                json!({"properties": { name: inner }})
            };
            schema.insert("dependencies".into(), json!({ key: dependency }));
        }
        if self.chance(8) {
            schema.insert("advanced".into(), json!([names[0]]));
        }
        if self.chance(8) {
            schema.insert("minProperties".into(), json!(1));
        }
        Value::Object(schema)
    }

    fn free_object(&mut self, depth: usize) -> Value {
        match self.rng.u8(..4) {
            0 => json!({"type": "object"}),
            1 => json!({"type": "object", "additionalProperties": self.schema(depth + 1)}),
            2 => json!({"type": "object", "additionalProperties": false}),
            _ => {
                let pattern = *self.pick(PATTERNS);
                let values = self.schema(depth + 1);
                let mut schema =
                    json!({"type": "object", "patternProperties": { pattern: values }});
                if self.rng.bool() {
                    schema["additionalProperties"] = self.schema(depth + 1);
                }
                schema
            }
        }
    }

    fn array(&mut self, depth: usize) -> Value {
        let mut schema = json!({"type": "array"});
        match self.rng.u8(..6) {
            0 => {}
            1 => schema["items"] = json!({}),
            2 => {
                let first = self.schema(depth + 1);
                let second = self.schema(depth + 1);
                schema["items"] = json!([first, second]);
                match self.rng.u8(..3) {
                    0 => schema["additionalItems"] = json!(false),
                    1 => schema["additionalItems"] = self.schema(depth + 1),
                    _ => {}
                }
            }
            _ => schema["items"] = self.schema(depth + 1),
        }
        if self.chance(6) {
            schema["minItems"] = json!(1);
        }
        if self.chance(8) {
            schema["uniqueItems"] = json!(true);
        }
        schema
    }

    fn alternatives(&mut self, depth: usize) -> Value {
        let keyword = if self.rng.bool() { "oneOf" } else { "anyOf" };
        let n = self.rng.usize(2..4);
        let mut parts: Vec<Value> = (0..n).map(|_| self.schema(depth + 1)).collect();
        if self.chance(3) {
            parts.push(json!({"type": "null"}));
        }
        if self.chance(4) {
            // The CDK's `raw_http_request` body: objects, arrays, or any scalar.
            parts = vec![
                json!({"type": "object", "additionalProperties": true}),
                json!({"type": "array", "items": {}}),
                json!({"type": ["null", "string", "number", "boolean"]}),
            ];
        }
        json!({ keyword: parts })
    }

    fn all_of(&mut self, depth: usize) -> Value {
        let typed = self.rng.bool();
        let first = self.object(depth + 1, typed);
        let second = match self.rng.u8(..4) {
            0 => self.schema(depth + 1),
            1 => self.reference(depth + 1),
            _ => {
                let typed = self.rng.bool();
                self.object(depth + 1, typed)
            }
        };
        let mut schema = json!({"allOf": [first, second]});
        if self.chance(3) {
            schema["type"] = json!("object");
        }
        schema
    }

    /// A `$ref` to a new definition (sometimes to an existing one).
    fn reference(&mut self, depth: usize) -> Value {
        let done: Vec<String> = self
            .definitions
            .keys()
            .filter(|name| !self.pending.contains(name))
            .cloned()
            .collect();
        if !done.is_empty() && self.chance(3) {
            let name = &done[self.rng.usize(..done.len())];
            return json!({ "$ref": format!("#/definitions/{}", escape(name)).replace(' ', "%20") });
        }
        let name = match self.rng.u8(..4) {
            0 => "with space".to_owned(),
            1 => "a/b~c".to_owned(),
            _ => format!("def{}", self.definitions.len()),
        };
        if self.definitions.contains_key(&name) {
            let name = format!("def{}", self.definitions.len());
            return self.define(name, depth);
        }
        self.define(name, depth)
    }

    fn define(&mut self, name: String, depth: usize) -> Value {
        // Reserve the name first so a nested definition cannot take it.
        self.definitions.insert(name.clone(), json!({}));
        self.pending.push(name.clone());
        let target = self.schema(depth + 1);
        self.pending.retain(|n| *n != name);
        self.definitions.insert(name.clone(), target);
        let reference = format!("#/definitions/{}", escape(&name));
        // Percent-encoding is part of a JSON pointer in a URI fragment.
        json!({ "$ref": reference.replace(' ', "%20") })
    }

    /// A definition that refers to itself (through an object or an array), or to the root.
    fn recursive_reference(&mut self) -> Value {
        match self.rng.u8(..4) {
            0 => json!({"type": "array", "items": {"$ref": "#"}}),
            1 => json!({"type": "object", "properties": {"again": {"$ref": "#"}}}),
            _ => {
                let name = format!("node{}", self.definitions.len());
                let pointer = format!("#/definitions/{name}");
                let target = if self.rng.bool() {
                    json!({"type": "object", "properties": {
                        "label": {"type": "string"},
                        "children": {"type": "array", "items": {"$ref": pointer}},
                        "next": {"$ref": pointer}
                    }, "required": ["label"]})
                } else {
                    // A cycle through an array but no object.
                    json!({"anyOf": [{"type": "string"}, {"type": "array", "items": {"$ref": pointer}}]})
                };
                self.definitions.insert(name, target);
                json!({ "$ref": pointer })
            }
        }
    }
}

fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// The operation documents of one case: `root` outputs `S` itself; `field` takes and returns
/// `S` as a required and an optional property, with `S`'s definitions at the new root.
pub fn document(schema: &Value) -> Value {
    let mut inner = schema.clone();
    let definitions = inner.as_object_mut().and_then(|m| m.remove("definitions"));
    let mut wrapped = json!({
        "type": "object",
        "properties": {"req": inner, "opt": inner},
        "required": ["req"]
    });
    if let Some(definitions) = definitions {
        wrapped["definitions"] = definitions;
    }
    json!({"elements": [
        {"name": "root", "outputSchema": schema},
        {"name": "field", "inputSchema": wrapped, "outputSchema": wrapped}
    ]})
}
