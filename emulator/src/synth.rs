//! Deterministic example outputs that conform to an `outputSchema`.
//!
//! Same schema, same value, every time, so tests can assert on it. Every property is filled
//! (required or not) down to [`FULL_DEPTH`]; below it only required ones, and `$ref` chains stop
//! at [`MAX_REF_DEPTH`].

use serde_json::{Map, Value, json};

use crate::normalise::resolve_local_ref;

/// Objects nested deeper than this only get their required properties.
const FULL_DEPTH: usize = 8;
/// How many `$ref`s one path may follow before giving up on a (recursive) schema.
const MAX_REF_DEPTH: usize = 16;
/// A hard stop for absurdly nested schemas.
const MAX_DEPTH: usize = 64;

/// A value conforming to `schema`; `{}` for an empty or absent output schema.
pub(crate) fn synthesise(schema: &Value) -> Value {
    match schema {
        Value::Object(map) if map.keys().any(|k| k != "$schema") => {
            Synth { root: schema }.value(schema, Hint::default(), 0, 0)
        }
        _ => json!({}),
    }
}

/// The three options a lookup answers when nothing was scripted.
pub(crate) fn lookup_options(operation: &str) -> Value {
    let result: Vec<Value> = (1..=3)
        .map(|i| json!({"text": format!("Option {i}"), "value": format!("{operation}-{i}")}))
        .collect();
    json!({ "result": result })
}

/// The property name a value is generated for, to make strings a little more telling.
#[derive(Clone, Copy, Default)]
struct Hint<'a> {
    name: Option<&'a str>,
}

struct Synth<'a> {
    root: &'a Value,
}

impl<'a> Synth<'a> {
    fn value(&self, schema: &'a Value, hint: Hint<'a>, depth: usize, refs: usize) -> Value {
        let Value::Object(map) = schema else {
            return placeholder_string(hint);
        };
        if depth > MAX_DEPTH {
            return Value::Null;
        }
        if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
            return match resolve_local_ref(self.root, reference) {
                Some(target) if refs < MAX_REF_DEPTH => self.value(target, hint, depth, refs + 1),
                _ => Value::Null,
            };
        }
        if let Some(value) = map.get("const") {
            return value.clone();
        }
        if let Some(first) = map
            .get("enum")
            .and_then(Value::as_array)
            .and_then(|v| v.first())
        {
            // Legacy `[{"text", "value"}]` enums name their value inside.
            return first.get("value").unwrap_or(first).clone();
        }
        if let Some(all) = map.get("allOf").and_then(Value::as_array) {
            return self.all_of(map, all, hint, depth, refs);
        }
        for keyword in ["oneOf", "anyOf"] {
            if let Some(first) = map
                .get(keyword)
                .and_then(Value::as_array)
                .and_then(|v| v.first())
            {
                let value = self.value(first, hint, depth + 1, refs);
                return self.merge_own_properties(map, value, depth, refs);
            }
        }
        match chosen_type(map) {
            Some("object") => self.object(map, depth, refs),
            Some("array") => self.array(map, hint, depth, refs),
            Some("string") => string(map, hint),
            Some("integer") => integer(map),
            Some("number") => number(map),
            Some("boolean") => map
                .get("default")
                .filter(|d| d.is_boolean())
                .cloned()
                .unwrap_or(Value::Bool(true)),
            Some("null") => Value::Null,
            _ => placeholder_string(hint),
        }
    }

    fn object(&self, map: &'a Map<String, Value>, depth: usize, refs: usize) -> Value {
        let required: Vec<&str> = map
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut out = Map::new();
        if let Some(properties) = map.get("properties").and_then(Value::as_object) {
            for (name, schema) in properties {
                if depth < FULL_DEPTH || required.contains(&name.as_str()) {
                    let hint = Hint { name: Some(name) };
                    out.insert(name.clone(), self.value(schema, hint, depth + 1, refs));
                }
            }
        }
        // Required keys the schema does not describe still have to be present.
        for name in required {
            if !out.contains_key(name) {
                let extra = map.get("additionalProperties").filter(|a| a.is_object());
                let value = match extra {
                    Some(schema) => self.value(schema, Hint { name: Some(name) }, depth + 1, refs),
                    None => placeholder_string(Hint { name: Some(name) }),
                };
                out.insert(name.to_owned(), value);
            }
        }
        Value::Object(out)
    }

    fn array(
        &self,
        map: &'a Map<String, Value>,
        hint: Hint<'a>,
        depth: usize,
        refs: usize,
    ) -> Value {
        let wanted = map
            .get("minItems")
            .and_then(Value::as_u64)
            .unwrap_or(1)
            .clamp(1, 2) as usize;
        let wanted = match map.get("maxItems").and_then(Value::as_u64) {
            Some(0) => 0,
            _ => wanted,
        };
        let items = match map.get("items") {
            // Tuple form: one value per position.
            Some(Value::Array(tuple)) => tuple
                .iter()
                .map(|s| self.value(s, hint, depth + 1, refs))
                .collect(),
            Some(schema @ Value::Object(_)) => {
                let first = self.value(schema, hint, depth + 1, refs);
                let unique = map.get("uniqueItems") == Some(&Value::Bool(true));
                if unique {
                    vec![first]
                } else {
                    vec![first; wanted]
                }
            }
            _ => vec![placeholder_string(hint); wanted],
        };
        Value::Array(items)
    }

    fn all_of(
        &self,
        map: &'a Map<String, Value>,
        parts: &'a [Value],
        hint: Hint<'a>,
        depth: usize,
        refs: usize,
    ) -> Value {
        let mut merged: Option<Value> = None;
        for part in parts {
            let value = self.value(part, hint, depth + 1, refs);
            merged = Some(match (merged, value) {
                (Some(Value::Object(mut acc)), Value::Object(next)) => {
                    for (k, v) in next {
                        acc.entry(k).or_insert(v);
                    }
                    Value::Object(acc)
                }
                (Some(acc), _) => acc,
                (None, value) => value,
            });
        }
        let merged = merged.unwrap_or_else(|| json!({}));
        self.merge_own_properties(map, merged, depth, refs)
    }

    /// A schema with `properties` next to `oneOf`/`allOf` needs those properties too.
    fn merge_own_properties(
        &self,
        map: &'a Map<String, Value>,
        value: Value,
        depth: usize,
        refs: usize,
    ) -> Value {
        match value {
            Value::Object(mut out) if map.contains_key("properties") => {
                if let Value::Object(own) = self.object(map, depth, refs) {
                    for (k, v) in own {
                        out.entry(k).or_insert(v);
                    }
                }
                Value::Object(out)
            }
            other => other,
        }
    }
}

/// The type to generate: `type` (first usable member of an array, `null` last), else guessed
/// from the keywords present.
fn chosen_type(map: &Map<String, Value>) -> Option<&str> {
    match map.get("type") {
        Some(Value::String(t)) if !t.is_empty() => Some(t.as_str()),
        Some(Value::Array(types)) => {
            let names: Vec<&str> = types
                .iter()
                .filter_map(Value::as_str)
                .filter(|t| !t.is_empty())
                .collect();
            names
                .iter()
                .find(|t| **t != "null")
                .or(names.first())
                .copied()
        }
        _ if map.contains_key("properties") => Some("object"),
        _ if map.contains_key("items") => Some("array"),
        _ => None,
    }
}

fn placeholder_string(hint: Hint<'_>) -> Value {
    Value::String(match hint.name {
        Some(name) => format!("example {name}"),
        None => "example".to_owned(),
    })
}

fn string(map: &Map<String, Value>, hint: Hint<'_>) -> Value {
    if let Some(default) = map.get("default").filter(|d| d.is_string()) {
        return default.clone();
    }
    let format = map.get("format").and_then(Value::as_str).unwrap_or("");
    let mut text = match format {
        "date-time" | "datetime" => "2024-01-15T09:30:00Z".to_owned(),
        "date" => "2024-01-15".to_owned(),
        "time" => "09:30:00".to_owned(),
        "email" => "user@example.com".to_owned(),
        "uri" | "url" | "uri-reference" | "iri" => "https://example.com/resource".to_owned(),
        "hostname" | "idn-hostname" => "example.com".to_owned(),
        "ipv4" => "192.0.2.1".to_owned(),
        "ipv6" => "2001:db8::1".to_owned(),
        "uuid" => "123e4567-e89b-42d3-a456-426614174000".to_owned(),
        "password" => "s3cr3t-password".to_owned(),
        "code" => "return input;".to_owned(),
        "file" => "https://example.com/files/example.txt".to_owned(),
        _ => match placeholder_string(hint) {
            Value::String(s) => s,
            _ => unreachable!("placeholder_string gives a string"),
        },
    };
    if let Some(min) = map.get("minLength").and_then(Value::as_u64) {
        while (text.chars().count() as u64) < min {
            text.push('x');
        }
    }
    if let Some(max) = map.get("maxLength").and_then(Value::as_u64) {
        text = text.chars().take(max as usize).collect();
    }
    Value::String(text)
}

fn integer(map: &Map<String, Value>) -> Value {
    if let Some(default) = map.get("default").filter(|d| d.is_i64() || d.is_u64()) {
        return default.clone();
    }
    let (low, high) = bounds(map);
    let mut value: i64 = 1;
    if let Some(low) = low {
        value = value.max(low.ceil() as i64);
        if map.get("exclusiveMinimum") == Some(&Value::Bool(true)) && value as f64 <= low {
            value += 1;
        }
    }
    if let Some(high) = high {
        value = value.min(high.floor() as i64);
        if map.get("exclusiveMaximum") == Some(&Value::Bool(true)) && value as f64 >= high {
            value -= 1;
        }
    }
    json!(value)
}

fn number(map: &Map<String, Value>) -> Value {
    if let Some(default) = map.get("default").filter(|d| d.is_number()) {
        return default.clone();
    }
    let (low, high) = bounds(map);
    let mut value = 1.5_f64;
    if let Some(low) = low.filter(|low| value <= *low) {
        value = low + 0.5;
    }
    if let Some(high) = high.filter(|high| value >= *high) {
        value = high - 0.5;
    }
    json!(value)
}

/// `minimum`/`maximum`, also accepting the draft-06 numeric `exclusiveMinimum`/`exclusiveMaximum`.
fn bounds(map: &Map<String, Value>) -> (Option<f64>, Option<f64>) {
    let get = |k: &str| map.get(k).and_then(Value::as_f64);
    (
        get("minimum").or(get("exclusiveMinimum")),
        get("maximum").or(get("exclusiveMaximum")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conforms(schema: &Value) -> Value {
        let value = synthesise(schema);
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft4)
            .build(&crate::normalise::normalise(schema))
            .unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{value} does not conform: {errors:?}");
        value
    }

    #[test]
    fn empty_or_absent_output_schema_gives_an_empty_object() {
        assert_eq!(synthesise(&Value::Null), json!({}));
        assert_eq!(synthesise(&json!({})), json!({}));
        assert_eq!(
            synthesise(&json!({"$schema": "http://json-schema.org/draft-04/schema#"})),
            json!({})
        );
    }

    #[test]
    fn scalars_enums_and_formats() {
        let schema = json!({"type": "object", "properties": {
            "s": {"type": "string"}, "e": {"type": "string", "enum": ["b", "a"]},
            "i": {"type": "integer", "minimum": 5}, "n": {"type": "number", "maximum": 0},
            "b": {"type": "boolean"}, "when": {"type": "string", "format": "date-time"},
            "mail": {"type": "string", "format": "email"}, "short": {"type": "string", "maxLength": 3},
            "c": {"const": 7}}});
        let value = conforms(&schema);
        assert_eq!(value["e"], "b");
        assert_eq!(value["i"], 5);
        assert_eq!(value["when"], "2024-01-15T09:30:00Z");
        assert_eq!(value["mail"], "user@example.com");
        assert_eq!(value["b"], true);
        assert_eq!(value["c"], 7);
    }

    #[test]
    fn is_deterministic() {
        let schema = json!({"type": "object", "properties": {"a": {"type": "array",
            "items": {"type": "object", "properties": {"x": {"type": ["integer", "string"]}}}}}});
        assert_eq!(synthesise(&schema), synthesise(&schema));
        let value = conforms(&schema);
        assert_eq!(value["a"][0]["x"], 1);
    }

    #[test]
    fn type_arrays_take_the_first_non_null_member() {
        let value = conforms(&json!({"type": ["null", "string"]}));
        assert!(value.is_string());
        assert_eq!(conforms(&json!({"type": "null"})), Value::Null);
    }

    #[test]
    fn composition_and_refs() {
        let schema = json!({
            "definitions": {"user": {"type": "object", "required": ["id"],
                "properties": {"id": {"type": "integer"}, "friend": {"$ref": "#/definitions/user"}}}},
            "type": "object", "required": ["owner", "pick", "both", "undescribed"],
            "properties": {
                "owner": {"$ref": "#/definitions/user"},
                "pick": {"oneOf": [{"type": "integer"}, {"type": "string"}]},
                "any": {"anyOf": [{"type": "boolean"}, {"type": "string"}]},
                "both": {"allOf": [{"type": "object", "properties": {"a": {"type": "string"}}},
                                   {"type": "object", "properties": {"b": {"type": "integer"}}}]},
                "tuple": {"type": "array", "items": [{"type": "string"}, {"type": "integer"}]},
                "two": {"type": "array", "minItems": 2, "items": {"type": "string"}}
            }
        });
        let value = conforms(&schema);
        assert_eq!(value["owner"]["id"], 1);
        assert!(value["owner"]["friend"].is_object());
        assert_eq!(value["pick"], 1);
        assert_eq!(value["both"], json!({"a": "example a", "b": 1}));
        assert_eq!(value["two"].as_array().unwrap().len(), 2);
        assert!(value.get("undescribed").is_some());
    }

    #[test]
    fn lookups_have_three_options() {
        let options = lookup_options("list_channels");
        let result = options["result"].as_array().unwrap();
        assert_eq!(result.len(), 3);
        assert_eq!(
            result[0],
            json!({"text": "Option 1", "value": "list_channels-1"})
        );
    }
}

#[cfg(test)]
mod sample_documents {
    use super::*;
    use crate::validate::InputValidator;

    const DOCUMENTS: &[&str] = &[
        include_str!("../../codegen/tests/fixtures/google-sheets.json"),
        include_str!("../../codegen/tests/fixtures/slack.json"),
        include_str!("../../codegen/tests/fixtures/github-legacy.json"),
        include_str!("../../codegen/tests/fixtures/cdk-tray-schema-fixtures.json"),
        include_str!("../tests/fixtures/twilio-operations.json"),
    ];

    fn elements() -> Vec<Value> {
        DOCUMENTS
            .iter()
            .flat_map(|text| {
                let document: Value = serde_json::from_str(text).unwrap();
                document["elements"].as_array().unwrap().clone()
            })
            .collect()
    }

    #[test]
    fn synthesised_inputs_pass_the_emulator_s_own_validation() {
        let mut checked = 0;
        for element in elements() {
            let schema = &element["inputSchema"];
            let validator = InputValidator::build(schema)
                .unwrap_or_else(|e| panic!("{}: {e}", element["name"]));
            let input = synthesise(schema);
            if let Err(message) = validator.check(&input) {
                panic!("{}: {input} -> {message}", element["name"]);
            }
            checked += 1;
        }
        assert_eq!(checked, 27);
    }

    #[test]
    fn synthesised_outputs_conform_to_the_normalised_output_schema() {
        for element in elements() {
            let schema = &element["outputSchema"];
            let Ok(validator) = InputValidator::build(schema) else {
                panic!("{}: output schema does not compile", element["name"]);
            };
            let output = synthesise(schema);
            if let Err(message) = validator.check(&output) {
                panic!("{}: {output} -> {message}", element["name"]);
            }
        }
    }
}
