//! The oracle (the `jsonschema` crate's draft-04 validator over Tray's dialect read as draft 04)
//! and the rules it is held to: equality, and which constraints a type carries.

use serde_json::{Map, Value, json};

pub(crate) struct Oracle {
    validator: jsonschema::Validator,
}

impl Oracle {
    pub(crate) fn new(schema: &Value) -> Result<Oracle, String> {
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft4)
            .build(&to_draft4(schema))
            .map_err(|e| e.to_string())?;
        Ok(Oracle { validator })
    }

    pub(crate) fn accepts(&self, value: &Value) -> bool {
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
pub(crate) fn same(a: &Value, b: &Value) -> bool {
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
pub(crate) fn carried_by_types(schema: &Value) -> bool {
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
