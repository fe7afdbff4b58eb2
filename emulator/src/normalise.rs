//! Tray's schemas as plain draft-04. Tray's are draft-04 with extras and quirks (empty
//! `required`, `""` in type arrays, Tray keywords, `$schema` URLs that are not metaschemas);
//! they are normalised so that a real document compiles and validates (`validate.rs`) instead
//! of failing to compile, and so that synthesis (`synth.rs`) reads the same schema.

use serde_json::{Map, Value, json};

/// Deeper than this a schema is replaced by `{}`: guards the recursion against absurd nesting.
const MAX_DEPTH: usize = 128;

/// Keywords that only Tray's UI reads; dropped so the validator never sees them.
const TRAY_KEYWORDS: &[&str] = &[
    "advanced",
    "lookup",
    "enumLabels",
    "default_jsonpath",
    "format",
    "nullable",
];

/// Turns a Tray schema into plain draft-04 that `jsonschema` compiles: strips `$schema` and `id`,
/// drops empty or non-array `required`, drops `""` and unknown names from `type`, replaces
/// dangling or remote `$ref`s with `{}`, drops Tray keywords, turns legacy `enum` objects
/// (`{"text","value"}`) into their values, `const` into a one-value `enum`, draft-06 numeric
/// `exclusiveMinimum`/`exclusiveMaximum` into the draft-04 form, and drops keywords of the wrong
/// shape. Only schema positions are walked, so a property named like a keyword is left alone.
pub(crate) fn normalise(schema: &Value) -> Value {
    let mut out = schema.clone();
    normalise_node(&mut out, schema, 0);
    out
}

fn normalise_node(node: &mut Value, root: &Value, depth: usize) {
    if depth > MAX_DEPTH {
        *node = json!({});
        return;
    }
    let map = match node {
        Value::Object(map) => map,
        // Draft-04 has no boolean schemas.
        Value::Bool(false) => {
            *node = json!({"not": {}});
            return;
        }
        _ => {
            *node = json!({});
            return;
        }
    };

    if let Some(reference) = map.get("$ref") {
        let resolvable = reference
            .as_str()
            .is_some_and(|r| resolve_local_ref(root, r).is_some());
        if resolvable {
            // Draft-04 ignores a `$ref`'s siblings; keep just the reference.
            map.retain(|k, _| k == "$ref");
        } else {
            *node = json!({});
        }
        return;
    }

    map.remove("$schema");
    map.remove("id");
    for keyword in TRAY_KEYWORDS {
        map.remove(*keyword);
    }
    normalise_required(map);
    normalise_type(map);
    normalise_enum(map);
    normalise_numeric_keywords(map);

    for keyword in ["properties", "patternProperties", "definitions"] {
        match map.get_mut(keyword) {
            Some(Value::Object(children)) => {
                for child in children.values_mut() {
                    normalise_node(child, root, depth + 1);
                }
            }
            Some(_) => {
                map.remove(keyword);
            }
            None => {}
        }
    }
    match map.get_mut("items") {
        Some(Value::Array(items)) => {
            for item in items {
                normalise_node(item, root, depth + 1);
            }
        }
        Some(Value::Bool(true)) => {
            map.remove("items");
        }
        Some(items) => normalise_node(items, root, depth + 1),
        None => {}
    }
    for keyword in ["additionalProperties", "additionalItems"] {
        match map.get_mut(keyword) {
            Some(Value::Bool(_)) | None => {}
            Some(child @ Value::Object(_)) => normalise_node(child, root, depth + 1),
            Some(_) => {
                map.remove(keyword);
            }
        }
    }
    match map.get_mut("not") {
        Some(child @ Value::Object(_)) => normalise_node(child, root, depth + 1),
        Some(_) => {
            map.remove("not");
        }
        None => {}
    }
    for keyword in ["allOf", "anyOf", "oneOf"] {
        match map.get_mut(keyword) {
            Some(Value::Array(parts)) if !parts.is_empty() => {
                for part in parts {
                    normalise_node(part, root, depth + 1);
                }
            }
            Some(_) => {
                map.remove(keyword);
            }
            None => {}
        }
    }
    if let Some(Value::Object(dependencies)) = map.get_mut("dependencies") {
        for dependency in dependencies.values_mut() {
            match dependency {
                Value::Array(names) => {
                    names.retain(Value::is_string);
                    dedup(names);
                    if names.is_empty() {
                        *dependency = json!({});
                    }
                }
                other => normalise_node(other, root, depth + 1),
            }
        }
    } else {
        map.remove("dependencies");
    }
}

fn normalise_required(map: &mut Map<String, Value>) {
    let keep = match map.get_mut("required") {
        Some(Value::Array(names)) => {
            names.retain(Value::is_string);
            dedup(names);
            !names.is_empty()
        }
        _ => false,
    };
    if !keep {
        map.remove("required");
    }
}

const TYPE_NAMES: &[&str] = &[
    "array", "boolean", "integer", "null", "number", "object", "string",
];

fn normalise_type(map: &mut Map<String, Value>) {
    let keep = match map.get_mut("type") {
        Some(Value::String(name)) => TYPE_NAMES.contains(&name.as_str()),
        Some(Value::Array(names)) => {
            names.retain(|n| n.as_str().is_some_and(|n| TYPE_NAMES.contains(&n)));
            dedup(names);
            !names.is_empty()
        }
        _ => false,
    };
    if !keep {
        map.remove("type");
    }
}

fn normalise_enum(map: &mut Map<String, Value>) {
    if let Some(value) = map.remove("const") {
        map.entry("enum").or_insert_with(|| json!([value]));
    }
    let keep = match map.get_mut("enum") {
        Some(Value::Array(values)) => {
            // Legacy connectors.json form: [{"text": "English", "value": "english"}].
            for value in values.iter_mut() {
                if let Some(inner) = value.as_object().and_then(|o| o.get("value")) {
                    *value = inner.clone();
                }
            }
            dedup(values);
            !values.is_empty()
        }
        _ => false,
    };
    if !keep {
        map.remove("enum");
    }
}

fn normalise_numeric_keywords(map: &mut Map<String, Value>) {
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(limit) = map.get(exclusive).filter(|v| v.is_number()).cloned() {
            map.insert(bound.to_owned(), limit);
            map.insert(exclusive.to_owned(), Value::Bool(true));
        }
    }
    for count in [
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
        "minProperties",
        "maxProperties",
    ] {
        if map.get(count).is_some_and(|v| v.as_u64().is_none()) {
            map.remove(count);
        }
    }
    for number in ["minimum", "maximum"] {
        if map.get(number).is_some_and(|v| !v.is_number()) {
            map.remove(number);
        }
    }
    if map
        .get("multipleOf")
        .is_some_and(|v| v.as_f64().is_none_or(|f| f <= 0.0))
    {
        map.remove("multipleOf");
    }
    for flag in ["exclusiveMinimum", "exclusiveMaximum", "uniqueItems"] {
        if map.get(flag).is_some_and(|v| !v.is_boolean()) {
            map.remove(flag);
        }
    }
    if map.get("pattern").is_some_and(|v| !v.is_string()) {
        map.remove("pattern");
    }
}

/// Removes repeated values, keeping the first of each (draft-04 wants unique `required`,
/// `type` and `enum` arrays).
fn dedup(values: &mut Vec<Value>) {
    let mut seen: Vec<Value> = Vec::with_capacity(values.len());
    values.retain(|v| {
        if seen.contains(v) {
            false
        } else {
            seen.push(v.clone());
            true
        }
    });
}

/// The target of a local `$ref` (`#`, `#/definitions/x`, with `~0`/`~1` and percent-encoding),
/// or `None` for remote or dangling references: codegen's resolver, so both read a document's
/// references alike.
pub(crate) use tray_connect_codegen::pointer::resolve_ref as resolve_local_ref;
