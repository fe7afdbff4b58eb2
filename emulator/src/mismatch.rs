//! Where an answer departs from what its document promised: each [`Mismatch`] names the JSON
//! pointer of the value, the schema keyword it breaks and what that keyword says, next to
//! what was found. Schema errors come from the validator (`validate.rs`); members an
//! `outputSchema` does not list are found here, by walking the value with its schema.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::schema_walk::{self, MAX_DEPTH};

/// A value found in an answer larger than this (as compact JSON) is not copied into a
/// [`Mismatch`]; its message still says what it is.
pub const MAX_FOUND_BYTES: usize = 200;

/// One way a value departs from its schema: the value Tray really gave, next to what the
/// document promised.
///
/// ```
/// use serde_json::json;
/// use tray_connect_emulator::SchemaCheck;
///
/// let schema = json!({"type": "object", "properties": {"count": {"type": "integer"}}});
/// let check = SchemaCheck::new(&schema).unwrap();
/// let found = check.mismatches(&json!({"count": "12", "extra": true}));
/// assert_eq!(found[0].pointer, "/count");
/// assert_eq!(found[0].keyword, "type");
/// assert_eq!(found[0].promised, Some(json!("integer")));
/// assert_eq!(found[0].found, Some(json!("12")));
/// assert_eq!(found[1].pointer, "/extra");
/// assert_eq!(found[1].keyword, "properties"); // a member the schema does not list
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Mismatch {
    /// The JSON pointer of the value in what was checked (`""` is the whole value; for a
    /// missing required member, where it should have been).
    pub pointer: String,
    /// The schema keyword the value breaks (`type`, `enum`, `required`, ...), or `properties`
    /// for a member the schema does not list.
    pub keyword: String,
    /// What the keyword says in the schema (`"integer"`, the list of an `enum`), when it
    /// could be read; `None` for an unlisted member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promised: Option<Value>,
    /// The value found, when there is one and it is at most [`MAX_FOUND_BYTES`] as JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub found: Option<Value>,
    /// One sentence saying what is wrong, in the validator's words (Tray's, for inputs).
    pub message: String,
}

impl Mismatch {
    pub(crate) fn new(
        pointer: String,
        keyword: &str,
        promised: Option<Value>,
        found: Option<&Value>,
        message: String,
    ) -> Mismatch {
        Mismatch {
            pointer,
            keyword: keyword.to_owned(),
            promised,
            found: found.filter(|value| small(value)).cloned(),
            message,
        }
    }
}

impl std::fmt::Display for Mismatch {
    /// `at /count: expected type: Integer, found: String (the schema says "type": "integer")`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.pointer.is_empty() {
            f.write_str("at the root")?;
        } else {
            write!(f, "at {}", self.pointer)?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(promised) = &self.promised {
            let mut shown = promised.to_string();
            if shown.len() > MAX_FOUND_BYTES {
                let mut end = MAX_FOUND_BYTES;
                while !shown.is_char_boundary(end) {
                    end -= 1;
                }
                shown.truncate(end);
                shown.push('…');
            }
            write!(f, " (the schema says \"{}\": {shown})", self.keyword)?;
        }
        Ok(())
    }
}

/// Whether `value` is small enough to copy into a mismatch.
fn small(value: &Value) -> bool {
    match value {
        Value::Array(items) if items.len() > MAX_FOUND_BYTES / 2 => false,
        Value::Object(members) if members.len() > MAX_FOUND_BYTES / 2 => false,
        _ => serde_json::to_string(value).is_ok_and(|text| text.len() <= MAX_FOUND_BYTES),
    }
}

/// The members of `value` that `schema` (normalised, the root of its references) does not
/// list, at any depth the schema describes.
pub(crate) fn undocumented(schema: &Value, value: &Value) -> Vec<Mismatch> {
    let mut found = Vec::new();
    walk(schema, schema, value, &mut String::new(), 0, &mut found);
    found
}

fn walk(
    root: &Value,
    schema: &Value,
    value: &Value,
    pointer: &mut String,
    depth: usize,
    found: &mut Vec<Mismatch>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    let nodes = schema_walk::applicable(root, schema);
    match value {
        Value::Object(members) => {
            for (key, member) in members {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&tray_connect_codegen::pointer::escape(key));
                if schema_walk::undocumented_member(&nodes, key) {
                    found.push(Mismatch::new(
                        pointer.clone(),
                        "properties",
                        None,
                        Some(member),
                        "a member the schema does not list".to_owned(),
                    ));
                } else {
                    for child in schema_walk::member_schemas(&nodes, key) {
                        walk(root, child, member, pointer, depth + 1, found);
                    }
                }
                pointer.truncate(len);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&index.to_string());
                for child in schema_walk::item_schemas(&nodes, index) {
                    walk(root, child, item, pointer, depth + 1, found);
                }
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}
