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

fn compare_operation(name: &str, old: &Value, new: &Value, changes: &mut Vec<Change>) {
    let before = changes.len();
    let empty = Value::Object(Map::new());
    let old_input = old.get("inputSchema").unwrap_or(&empty);
    let new_input = new.get("inputSchema").unwrap_or(&empty);
    let old_required = required(old_input);
    let new_required = required(new_input);
    for field in new_required.difference(&old_required) {
        changes.push(breaking(format!("{name}: required input `{field}` added")));
    }
    for field in old_required.difference(&new_required) {
        changes.push(additive(format!(
            "{name}: input `{field}` is no longer required"
        )));
    }
    compare_schema(name, "input", "", old_input, new_input, changes);
    let old_output = old.get("outputSchema").unwrap_or(&empty);
    let new_output = new.get("outputSchema").unwrap_or(&empty);
    compare_schema(name, "output", "", old_output, new_output, changes);
    if old.get("hasDynamicOutput") != new.get("hasDynamicOutput") {
        changes.push(breaking(format!("{name}: hasDynamicOutput changed")));
    }
    if changes.len() == before && old != new {
        let keys = changed_keys(old, new);
        changes.push(additive(format!(
            "{name}: documentation or other non-type changes ({})",
            keys.join(", ")
        )));
    }
}

/// Type changes, removed and added properties of one schema node and its sub-schemas.
fn compare_schema(
    op: &str,
    side: &str,
    path: &str,
    old: &Value,
    new: &Value,
    changes: &mut Vec<Change>,
) {
    let shown = |path: &str| {
        if path.is_empty() {
            format!("{side} root")
        } else {
            format!("{side} `{path}`")
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
    let no_props = Map::new();
    let old_props = old
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&no_props);
    let new_props = new
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&no_props);
    let join = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    for (key, old_child) in old_props {
        match new_props.get(key) {
            Some(new_child) => compare_schema(op, side, &join(key), old_child, new_child, changes),
            None if side == "output" => changes.push(breaking(format!(
                "{op}: output field `{}` removed",
                join(key)
            ))),
            None => changes.push(breaking(format!("{op}: input `{}` removed", join(key)))),
        }
    }
    for key in new_props.keys().filter(|k| !old_props.contains_key(*k)) {
        changes.push(additive(format!("{op}: {side} `{}` added", join(key))));
    }
    if let (Some(old_items), Some(new_items)) = (
        old.get("items").filter(|i| i.is_object()),
        new.get("items").filter(|i| i.is_object()),
    ) {
        compare_schema(op, side, &join("[]"), old_items, new_items, changes);
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

/// The top-level keys of an operation whose values differ.
fn changed_keys(old: &Value, new: &Value) -> Vec<String> {
    let keys: BTreeSet<&String> = old
        .as_object()
        .into_iter()
        .chain(new.as_object())
        .flat_map(Map::keys)
        .collect();
    keys.into_iter()
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
}
