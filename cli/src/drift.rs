//! What changed between a vendored operations document and the live one, and whether it can
//! break code generated from the vendored one.
//!
//! Two comparisons, each of what it can judge (`docs/architecture.md`, "check"):
//!
//! - **The generated surface** (`tray_connect_codegen::surface`): what `connector!` (or
//!   `trigger!`) defines for each document, item by item, matched by the schema node each
//!   comes from. Every name, type and presence is the model's, so this module restates no
//!   typing rule: a field renamed because a sibling took its name, or a required input made
//!   optional, is seen in the Rust it changes.
//! - **Documentation** (titles, descriptions, enum labels, defaults, ...), which the surface
//!   does not show, compared as JSON keyword by keyword: never breaking.

use serde_json::{Map, Value};
use tray_connect_codegen::surface::{self, Surface};
use tray_connect_codegen::{DocumentKind, OperationsDocument};

/// One difference: structured for scripts (`check --json`), worded for a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The operation's wire name.
    pub operation: String,
    /// The Rust path code names (`SendSms.to`, `SendSmsOutputStatus::Queued`), when the change
    /// concerns one.
    pub path: Option<String>,
    /// What changed: a `surface::ChangeKind` key (`renamed`, `now_optional`, ...) or `docs`.
    pub kind: &'static str,
    /// Whether code generated from the vendored document can stop compiling, or compile and
    /// mean something else.
    pub breaking: bool,
    /// What changed, e.g. "send_sms: required input `channel` added: ...".
    pub text: String,
}

/// The changes from the `vendored` document to the `live` one (both read as `kind` named
/// `name` at `version`): breaking first, each group in document order. The error says which
/// document could not be expanded (over its budget, say).
pub fn compare(
    kind: DocumentKind,
    name: &str,
    version: &str,
    vendored: &OperationsDocument,
    live: &OperationsDocument,
) -> Result<Vec<Change>, String> {
    let surface_of = |document: &OperationsDocument, which: &str| {
        tray_connect_codegen::surface(document, kind, name, version, None)
            .map_err(|e| format!("the {which} document cannot be expanded: {e}"))
    };
    let old = surface_of(vendored, "vendored")?;
    let new = surface_of(live, "live")?;
    let mut changes: Vec<Change> = surface::diff(&old, &new)
        .into_iter()
        .map(|change| Change {
            operation: change.operation,
            path: Some(change.path),
            kind: change.kind.key(),
            breaking: change.breaking,
            text: change.text,
        })
        .collect();
    let docs = Docs {
        kind,
        surface: &new,
        changes: &mut changes,
    };
    docs.compare(vendored, live);
    // Stable: each group keeps the order it was found in.
    changes.sort_by_key(|c| !c.breaking);
    Ok(changes)
}

/// Keys of an operation compared by the surface; the rest are documentation or metadata.
const OPERATION_KEYS: &[&str] = &["name", "inputSchema", "outputSchema", "hasDynamicOutput"];

/// Schema keywords that shape the generated types, which the surface compares; a change of
/// any other keyword (`title`, `description`, `enumLabels`, `default`, `advanced`, `format`,
/// `lookup`, unknown keys) only changes documentation, except where noted in [`Docs::node`].
const SHAPING_KEYS: &[&str] = &[
    "type",
    "enum",
    "properties",
    "items",
    "additionalItems",
    "required",
    "oneOf",
    "anyOf",
    "allOf",
    "$ref",
    "definitions",
    "additionalProperties",
    "patternProperties",
    "nullable",
    "const",
    "not",
    "$schema",
];

/// The documentation changes of the operations both documents have.
struct Docs<'a> {
    kind: DocumentKind,
    /// The live surface, to name the Rust item a change documents.
    surface: &'a Surface,
    changes: &'a mut Vec<Change>,
}

impl Docs<'_> {
    fn compare(mut self, vendored: &OperationsDocument, live: &OperationsDocument) {
        for old in &vendored.operations {
            let Some(new) = live.operations.iter().find(|op| op.name == old.name) else {
                continue;
            };
            let (old_element, new_element) = (old.element(), new.element());
            let keys = changed_keys(old_element, new_element, OPERATION_KEYS);
            if !keys.is_empty() {
                let path = self.surface.operation(&old.name).map(|op| op.input.clone());
                self.push(
                    &old.name,
                    path,
                    format!(
                        "documentation or other non-type changes ({})",
                        keys.join(", ")
                    ),
                );
            }
            let output = match self.kind {
                DocumentKind::Connector => "output",
                DocumentKind::Trigger => "event",
            };
            for (key, side) in [("inputSchema", "input"), ("outputSchema", output)] {
                if let (Some(Value::Object(a)), Some(Value::Object(b))) =
                    (old_element.get(key), new_element.get(key))
                {
                    self.node(&old.name, side, "", a, b);
                }
            }
        }
    }

    fn push(&mut self, operation: &str, path: Option<String>, text: String) {
        self.changes.push(Change {
            operation: operation.to_owned(),
            path,
            kind: "docs",
            breaking: false,
            text: format!("{operation}: {text}"),
        });
    }

    /// The documentation keywords of one schema node, then of its properties and items.
    fn node(
        &mut self,
        op: &str,
        side: &str,
        wire: &str,
        old: &Map<String, Value>,
        new: &Map<String, Value>,
    ) {
        let keys: Vec<String> = changed_keys(old, new, SHAPING_KEYS)
            .into_iter()
            .filter(|key| match key.as_str() {
                // `format: password` types a string as `Secret`: the surface says that one.
                "format" => !is_password(old) && !is_password(new),
                // A lookup added or removed adds or removes a function: the surface again.
                "lookup" => old.contains_key("lookup") && new.contains_key("lookup"),
                _ => true,
            })
            .collect();
        if !keys.is_empty() {
            let shown = if wire.is_empty() {
                format!("{side} root")
            } else {
                format!("{side} `{wire}`")
            };
            let path = self.path_of(op, side, wire);
            self.push(
                op,
                path,
                format!("documentation of {shown} changed ({})", keys.join(", ")),
            );
        }
        if let (Some(Value::Object(a)), Some(Value::Object(b))) =
            (old.get("properties"), new.get("properties"))
        {
            for (key, old_child) in a {
                if let (Value::Object(x), Some(Value::Object(y))) = (old_child, b.get(key)) {
                    let child = if wire.is_empty() {
                        key.clone()
                    } else {
                        format!("{wire}.{key}")
                    };
                    self.node(op, side, &child, x, y);
                }
            }
        }
        if let (Some(Value::Object(a)), Some(Value::Object(b))) =
            (old.get("items"), new.get("items"))
        {
            self.node(op, side, &format!("{wire}[]"), a, b);
        }
    }

    /// The Rust item generated for the node at `wire`: a field, else a type (whose node
    /// reads the same), else the operation's type for its root.
    fn path_of(&self, op: &str, side: &str, wire: &str) -> Option<String> {
        let surface = self.surface.operation(op)?;
        let node = if wire.is_empty() {
            format!("the {side} of `{op}`")
        } else {
            format!("{side} `{wire}`")
        };
        let mut matching = surface.items.values().filter(|item| item.node == node);
        let first = matching.next()?;
        let field = std::iter::once(first)
            .chain(matching)
            .find(|item| item.kind == surface::ItemKind::Field);
        Some(field.unwrap_or(first).path.clone())
    }
}

fn is_password(schema: &Map<String, Value>) -> bool {
    schema.get("format").and_then(Value::as_str) == Some("password")
}

/// The keys of two objects whose values differ, except `skip`, sorted.
fn changed_keys(old: &Map<String, Value>, new: &Map<String, Value>, skip: &[&str]) -> Vec<String> {
    let mut keys: Vec<&String> = old.keys().chain(new.keys()).collect();
    keys.sort();
    keys.dedup();
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

    fn document(elements: Value) -> OperationsDocument {
        tray_connect_codegen::document::from_value(json!({ "elements": elements })).unwrap()
    }

    fn op(input: Value, output: Value) -> Value {
        json!([{"name": "send_sms", "title": "Send", "inputSchema": input, "outputSchema": output}])
    }

    fn changes(old: Value, new: Value) -> Vec<(bool, &'static str, String)> {
        let kind = DocumentKind::Connector;
        compare(kind, "twilio", "2.1", &document(old), &document(new))
            .unwrap()
            .into_iter()
            .map(|c| (c.breaking, c.kind, c.text))
            .collect()
    }

    #[test]
    fn equal_documents_have_no_changes() {
        let a = op(json!({"type": "object"}), json!({}));
        assert!(changes(a.clone(), a).is_empty());
    }

    #[test]
    fn documentation_is_listed_as_docs_only_with_the_item_it_documents() {
        let old = op(
            json!({"type": "object", "properties": {"to": {"type": "string", "title": "To"},
                   "rows": {"type": "array", "items": {"type": "object",
                            "properties": {"n": {"type": "string"}}}}}}),
            json!({"type": "object", "properties": {"status": {"type": "string",
                   "enum": ["a"], "enumLabels": ["A"]}}}),
        );
        let mut new = old.clone();
        new[0]["title"] = json!("Send an SMS");
        new[0]["inputSchema"]["properties"]["to"]["title"] = json!("Recipient");
        new[0]["inputSchema"]["properties"]["rows"]["items"]["properties"]["n"]["default"] =
            json!("1");
        new[0]["outputSchema"]["properties"]["status"]["enumLabels"] = json!(["Ah"]);
        let kind = DocumentKind::Connector;
        let found = compare(kind, "twilio", "2.1", &document(old), &document(new)).unwrap();
        let found: Vec<(bool, &str, Option<&str>, &str)> = found
            .iter()
            .map(|c| (c.breaking, c.kind, c.path.as_deref(), c.text.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    false,
                    "docs",
                    Some("SendSms"),
                    "send_sms: documentation or other non-type changes (title)"
                ),
                (
                    false,
                    "docs",
                    Some("SendSms.to"),
                    "send_sms: documentation of input `to` changed (title)"
                ),
                (
                    false,
                    "docs",
                    Some("SendSmsRowsItem.n"),
                    "send_sms: documentation of input `rows[].n` changed (default)"
                ),
                (
                    false,
                    "docs",
                    Some("SendSmsOutput.status"),
                    "send_sms: documentation of output `status` changed (enumLabels)"
                ),
            ]
        );
    }

    #[test]
    fn a_password_format_or_a_lookup_added_is_the_surfaces_to_say() {
        let old = op(
            json!({"type": "object", "properties": {"key": {"type": "string"},
                   "channel": {"type": "string"}, "when": {"type": "string", "format": "datetime"}}}),
            json!({}),
        );
        let new = op(
            json!({"type": "object", "properties": {"key": {"type": "string", "format": "password"},
                   "channel": {"type": "string", "lookup": {"operation": "list_channels"}},
                   "when": {"type": "string", "format": "text"}}}),
            json!({}),
        );
        let found = changes(old, new);
        assert!(
            found.contains(&(
                true,
                "type_changed",
                "send_sms: `SendSms.key` (input `key`) is `Option<Secret>`, was `Option<String>`"
                    .into()
            ))
        );
        assert!(found.contains(&(
            false,
            "added",
            "send_sms: lookup `SendSms::channel_lookup` added".into()
        )));
        assert!(found.contains(&(
            false,
            "docs",
            "send_sms: documentation of input `when` changed (format)".into()
        )));
        assert_eq!(found.len(), 3, "{found:#?}");
    }

    #[test]
    fn schema_dialect_keyword_alone_is_no_change() {
        let old = op(
            json!({"$schema": "http://json-schema.org/draft-04/schema#"}),
            json!({}),
        );
        assert!(changes(old, op(json!({}), json!({}))).is_empty());
    }
}
