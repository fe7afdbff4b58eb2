//! Readers of single keywords (`type`, `title`, `description`, `enum`, `advanced`, `default`,
//! `lookup`) that take any shape: a keyword of an unexpected shape is ignored.

use super::ir::*;
use serde_json::{Map, Value};

/// The member types a `type` keyword lists, with `""` dropped and `"null"` split off.
pub(super) struct TypeSet {
    pub(super) members: Vec<String>,
    /// `"null"` is listed, or Tray's `nullable: true` is set.
    pub(super) nullable: bool,
    /// `"null"` is listed in `type` itself (`{"type": "null"}` is `()`; `nullable` alone is not).
    pub(super) lists_null: bool,
}

pub(super) fn type_set(schema: &Map<String, Value>) -> TypeSet {
    let mut members = Vec::new();
    let mut nullable = schema.get("nullable").and_then(Value::as_bool) == Some(true);
    let mut lists_null = false;
    let mut push = |t: &str| match t {
        "" => {}
        "null" => {
            nullable = true;
            lists_null = true;
        }
        other => {
            if !members.iter().any(|m: &String| m == other) {
                members.push(other.to_owned());
            }
        }
    };
    match schema.get("type") {
        Some(Value::String(t)) => push(t),
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).for_each(push),
        _ => {}
    }
    TypeSet {
        members,
        nullable,
        lists_null,
    }
}

pub(super) fn text(schema: &Map<String, Value>, key: &str) -> Option<String> {
    schema
        .get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// An `enum`'s members with their labels: `enumLabels` runs parallel to `enum`; legacy
/// `connectors.json` documents write each member as `{"text", "value"}` (the emulator reads
/// them the same way).
pub(super) fn enum_members(
    schema: &Map<String, Value>,
    values: &[Value],
) -> Vec<(Value, Option<String>)> {
    let legacy = values.iter().all(|v| {
        v.as_object().is_some_and(|o| {
            o.contains_key("value") && o.keys().all(|k| k == "value" || k == "text")
        })
    });
    let labels = schema.get("enumLabels").and_then(Value::as_array);
    values
        .iter()
        .enumerate()
        .map(|(i, v)| match v {
            Value::Object(o) if legacy => (
                o["value"].clone(),
                o.get("text").and_then(Value::as_str).map(str::to_owned),
            ),
            other => (
                other.clone(),
                labels
                    .and_then(|l| l.get(i))
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            ),
        })
        .collect()
}

pub(super) fn advanced_list(schema: &Map<String, Value>) -> Vec<&str> {
    schema
        .get("advanced")
        .and_then(Value::as_array)
        .map(|list| list.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

pub(super) fn node_docs(schema: &Map<String, Value>) -> Docs {
    Docs {
        title: text(schema, "title"),
        description: text(schema, "description"),
        notes: Vec::new(),
    }
}

/// Notes every property carries: its default and its lookup.
pub(super) fn field_notes(property: &Map<String, Value>, docs: &mut Docs) {
    if let Some(default) = property.get("default") {
        docs.notes.push(Note::Default(default.clone()));
    }
    if let Some(lookup) = crate::document::lookup_of(property) {
        docs.notes.push(Note::Lookup(lookup.operation));
    }
}
