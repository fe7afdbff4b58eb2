//! What changed between a vendored operations document and the live one, and whether it can
//! break code generated from the vendored one.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

/// One difference, worded for a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Whether code generated from the vendored document can stop compiling or working.
    pub breaking: bool,
    /// What changed, e.g. "send_sms: required input `channel` added".
    pub text: String,
}

/// The changes from the `vendored` elements to the `live` ones, breaking first, each group in
/// document order.
pub fn compare(vendored: &[Value], live: &[Value]) -> Vec<Change> {
    let mut changes = Vec::new();
    for old in vendored {
        let Some(name) = op_name(old) else { continue };
        match find(live, name) {
            None => changes.push(breaking(format!("operation `{name}` removed"))),
            Some(new) => compare_operation(name, old, new, &mut changes),
        }
    }
    for new in live {
        let Some(name) = op_name(new) else { continue };
        if find(vendored, name).is_none() {
            changes.push(additive(format!("operation `{name}` added")));
        }
    }
    changes.sort_by_key(|c| !c.breaking);
    changes
}

fn find<'a>(list: &'a [Value], name: &str) -> Option<&'a Value> {
    list.iter().find(|op| op_name(op) == Some(name))
}

fn op_name(op: &Value) -> Option<&str> {
    op.get("name").and_then(Value::as_str)
}

fn breaking(text: String) -> Change {
    Change {
        breaking: true,
        text,
    }
}

fn additive(text: String) -> Change {
    Change {
        breaking: false,
        text,
    }
}

/// Keys of an operation compared on their own; the rest are documentation or metadata.
const OPERATION_KEYS: &[&str] = &["name", "inputSchema", "outputSchema", "hasDynamicOutput"];

fn compare_operation(name: &str, old: &Value, new: &Value, changes: &mut Vec<Change>) {
    let empty = Value::Object(Map::new());
    let old_input = old.get("inputSchema").unwrap_or(&empty);
    let new_input = new.get("inputSchema").unwrap_or(&empty);
    compare_schema(name, Side::Input, "", old_input, new_input, changes);
    let old_output = old.get("outputSchema").unwrap_or(&empty);
    let new_output = new.get("outputSchema").unwrap_or(&empty);
    compare_schema(name, Side::Output, "", old_output, new_output, changes);
    if old.get("hasDynamicOutput") != new.get("hasDynamicOutput") {
        changes.push(breaking(format!("{name}: hasDynamicOutput changed")));
    }
    // Listed whatever else changed in the operation: a breaking change elsewhere does not
    // hide a new description.
    let keys = changed_keys(old, new, OPERATION_KEYS);
    if !keys.is_empty() {
        changes.push(additive(format!(
            "{name}: documentation or other non-type changes ({})",
            keys.join(", ")
        )));
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Side {
    Input,
    Output,
}

/// Schema keywords compared one by one below; a change of any other keyword is listed as a
/// documentation change (`title`, `description`, `enumLabels`, `default`, `advanced`, unknown
/// keys), except `$schema`, which nobody reads.
const COMPARED_KEYS: &[&str] = &[
    "type",
    "enum",
    "properties",
    "items",
    "required",
    "lookup",
    "format",
    "$schema",
];
/// Keywords that shape generated types: a change may break generated code.
const TYPE_KEYS: &[&str] = &[
    "oneOf",
    "anyOf",
    "allOf",
    "$ref",
    "definitions",
    "additionalProperties",
    "nullable",
    "const",
    "not",
];

/// Type changes, removed and added properties, required inputs, and documentation changes of
/// one schema node and its sub-schemas.
fn compare_schema(
    op: &str,
    side: Side,
    path: &str,
    old: &Value,
    new: &Value,
    changes: &mut Vec<Change>,
) {
    let side_name = match side {
        Side::Input => "input",
        Side::Output => "output",
    };
    let shown = |path: &str| {
        if path.is_empty() {
            format!("{side_name} root")
        } else {
            format!("{side_name} `{path}`")
        }
    };
    let join = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    if old.get("type") != new.get("type") {
        changes.push(breaking(format!(
            "{op}: type of {} changed: {} -> {}",
            shown(path),
            type_text(old.get("type")),
            type_text(new.get("type"))
        )));
    }
    if old.get("enum") != new.get("enum") && old.get("enum").is_some() {
        changes.push(breaking(format!(
            "{op}: allowed values of {} changed",
            shown(path)
        )));
    }
    let (old_required, new_required) = (required(old), required(new));
    for field in new_required.difference(&old_required) {
        changes.push(match side {
            Side::Input => breaking(format!("{op}: required input `{}` added", join(field))),
            // Generated outputs type optional fields as Option<T>: either way the type changes.
            Side::Output => breaking(format!(
                "{op}: output field `{}` is now required",
                join(field)
            )),
        });
    }
    for field in old_required.difference(&new_required) {
        changes.push(match side {
            Side::Input => additive(format!(
                "{op}: input `{}` is no longer required",
                join(field)
            )),
            Side::Output => breaking(format!(
                "{op}: output field `{}` is no longer required",
                join(field)
            )),
        });
    }
    let no_props = Map::new();
    let old_props = old
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&no_props);
    let new_props = new
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&no_props);
    for (key, old_child) in old_props {
        match new_props.get(key) {
            Some(new_child) => compare_schema(op, side, &join(key), old_child, new_child, changes),
            None if side == Side::Output => changes.push(breaking(format!(
                "{op}: output field `{}` removed",
                join(key)
            ))),
            None => changes.push(breaking(format!("{op}: input `{}` removed", join(key)))),
        }
    }
    for key in new_props.keys().filter(|k| !old_props.contains_key(*k)) {
        changes.push(additive(format!("{op}: {side_name} `{}` added", join(key))));
    }
    match (old.get("items"), new.get("items")) {
        (Some(old_items), Some(new_items)) if old_items.is_object() && new_items.is_object() => {
            compare_schema(op, side, &join("[]"), old_items, new_items, changes);
        }
        (old_items, new_items) if old_items != new_items => {
            changes.push(breaking(format!("{op}: items of {} changed", shown(path))))
        }
        _ => {}
    }
    if old.get("lookup") != new.get("lookup") {
        // A lookup adds a `{path}_lookup` function; changing or removing it changes or
        // removes that function.
        changes.push(if old.get("lookup").is_none() {
            additive(format!("{op}: lookup added to {}", shown(path)))
        } else {
            breaking(format!(
                "{op}: lookup of {} changed or removed",
                shown(path)
            ))
        });
    }
    if old.get("format") != new.get("format") {
        // `format: password` types a string as `Secret`; other formats only document.
        let password = |v: &Value| v.get("format").and_then(Value::as_str) == Some("password");
        changes.push(if password(old) || password(new) {
            breaking(format!("{op}: format of {} changed", shown(path)))
        } else {
            additive(format!("{op}: format of {} changed", shown(path)))
        });
    }
    let shaping: Vec<String> = changed_keys(old, new, COMPARED_KEYS)
        .into_iter()
        .filter(|k| TYPE_KEYS.contains(&k.as_str()))
        .collect();
    if !shaping.is_empty() {
        changes.push(breaking(format!(
            "{op}: schema of {} changed ({})",
            shown(path),
            shaping.join(", ")
        )));
    }
    let not_docs: Vec<&str> = COMPARED_KEYS.iter().chain(TYPE_KEYS).copied().collect();
    let docs = changed_keys(old, new, &not_docs);
    if !docs.is_empty() {
        changes.push(additive(format!(
            "{op}: documentation of {} changed ({})",
            shown(path),
            docs.join(", ")
        )));
    }
}

fn required(schema: &Value) -> BTreeSet<String> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .map(|names| {
            names
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn type_text(ty: Option<&Value>) -> String {
    match ty {
        None => "(none)".to_owned(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// The keys of two objects whose values differ, except `skip`, sorted.
fn changed_keys(old: &Value, new: &Value, skip: &[&str]) -> Vec<String> {
    let keys: BTreeSet<&String> = old
        .as_object()
        .into_iter()
        .chain(new.as_object())
        .flat_map(Map::keys)
        .collect();
    keys.into_iter()
        .filter(|k| !skip.contains(&k.as_str()))
        .filter(|k| old.get(k.as_str()) != new.get(k.as_str()))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn op(input: Value, output: Value) -> Value {
        json!({"name": "send_sms", "title": "Send", "inputSchema": input, "outputSchema": output})
    }

    #[test]
    fn equal_documents_have_no_changes() {
        let a = vec![op(json!({"type": "object"}), json!({}))];
        assert!(compare(&a, &a.clone()).is_empty());
    }

    #[test]
    fn new_required_input_and_removed_output_field_are_breaking() {
        let old = vec![op(
            json!({"type": "object", "properties": {"to": {"type": "string"}}, "required": ["to"]}),
            json!({"type": "object", "properties": {"sid": {"type": "string"}}}),
        )];
        let new = vec![op(
            json!({"type": "object", "properties": {"to": {"type": "integer"},
                   "channel": {"type": "string"}}, "required": ["to", "channel"]}),
            json!({"type": "object", "properties": {}}),
        )];
        let texts: Vec<(bool, String)> = compare(&old, &new)
            .into_iter()
            .map(|c| (c.breaking, c.text))
            .collect();
        assert!(texts.contains(&(true, "send_sms: required input `channel` added".into())));
        assert!(texts.contains(&(true, "send_sms: output field `sid` removed".into())));
        assert!(texts.contains(&(
            true,
            "send_sms: type of input `to` changed: string -> integer".into()
        )));
        assert!(texts.contains(&(false, "send_sms: input `channel` added".into())));
    }

    #[test]
    fn description_change_is_docs_only() {
        let old = vec![op(json!({}), json!({}))];
        let mut new = old.clone();
        new[0]["title"] = json!("Send an SMS");
        let changes = compare(&old, &new);
        assert_eq!(changes.len(), 1);
        assert!(!changes[0].breaking);
        assert!(changes[0].text.contains("title"), "{}", changes[0].text);
    }

    #[test]
    fn operations_added_and_removed() {
        let old = vec![json!({"name": "a"})];
        let new = vec![json!({"name": "b"})];
        let changes = compare(&old, &new);
        assert_eq!(changes[0], breaking("operation `a` removed".into()));
        assert_eq!(changes[1], additive("operation `b` added".into()));
    }

    fn texts(old: Value, new: Value) -> Vec<(bool, String)> {
        compare(&[old], &[new])
            .into_iter()
            .map(|c| (c.breaking, c.text))
            .collect()
    }

    #[test]
    fn nested_required_inputs_and_output_optionality_are_breaking() {
        let old = op(
            json!({"properties": {"filter": {"type": "object", "properties": {"a": {}, "b": {}},
                   "required": ["a"]}}}),
            json!({"properties": {"id": {}, "url": {}}, "required": ["id"]}),
        );
        let new = op(
            json!({"properties": {"filter": {"type": "object", "properties": {"a": {}, "b": {}},
                   "required": ["a", "b"]}}}),
            json!({"properties": {"id": {}, "url": {}}, "required": ["url"]}),
        );
        let texts = texts(old, new);
        assert!(texts.contains(&(true, "send_sms: required input `filter.b` added".into())));
        assert!(texts.contains(&(
            true,
            "send_sms: output field `id` is no longer required".into()
        )));
        assert!(texts.contains(&(true, "send_sms: output field `url` is now required".into())));
    }

    #[test]
    fn keywords_that_shape_types_are_breaking_and_documentation_is_not() {
        let old = op(
            json!({"properties": {"key": {"type": "string", "description": "old"},
                   "when": {"format": "datetime"},
                   "value": {"oneOf": [{"type": "string"}]},
                   "channel": {"type": "string"}}}),
            json!({}),
        );
        let new = op(
            json!({"properties": {"key": {"type": "string", "format": "password"},
                   "when": {"format": "text"},
                   "value": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
                   "channel": {"type": "string", "lookup": {"operation": "list_channels"}}}}),
            json!({}),
        );
        let forward = texts(old.clone(), new.clone());
        assert!(forward.contains(&(true, "send_sms: format of input `key` changed".into())));
        assert!(forward.contains(&(
            false,
            "send_sms: documentation of input `key` changed (description)".into()
        )));
        assert!(forward.contains(&(false, "send_sms: format of input `when` changed".into())));
        assert!(forward.contains(&(
            true,
            "send_sms: schema of input `value` changed (oneOf)".into()
        )));
        assert!(forward.contains(&(false, "send_sms: lookup added to input `channel`".into())));
        // The other way, the lookup function generated for `channel` disappears.
        let back = texts(new, old);
        assert!(back.contains(&(
            true,
            "send_sms: lookup of input `channel` changed or removed".into()
        )));
    }

    #[test]
    fn schema_dialect_keyword_alone_is_no_change() {
        let old = op(
            json!({"$schema": "http://json-schema.org/draft-04/schema#"}),
            json!({}),
        );
        let new = op(json!({}), json!({}));
        assert!(compare(&[old], &[new]).is_empty());
    }
}
