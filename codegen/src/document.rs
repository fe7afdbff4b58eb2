//! The operations document: a Get Connector Operations response, optionally with the header
//! that `tray-connect pull` writes. Only its outline is checked here; schemas are read
//! tolerantly by the model.

use serde_json::{Map, Value};
use std::collections::HashMap;
use std::fmt;

/// A parsed operations document.
#[derive(Debug, Clone)]
pub struct OperationsDocument {
    /// The `connector` header, when the document has one.
    pub header: Option<ConnectorHeader>,
    /// The operations, in document order.
    pub operations: Vec<OperationDoc>,
}

/// The `connector` header: which connector and version the document describes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectorHeader {
    /// The connector's programmatic name, e.g. `twilio-output`.
    pub name: String,
    /// The connector version, e.g. `2.1`.
    pub version: String,
}

/// One element of `elements`.
#[derive(Debug, Clone)]
pub struct OperationDoc {
    /// The operation's wire name.
    pub name: String,
    /// Its human title, if any.
    pub title: Option<String>,
    /// Its description, if any.
    pub description: Option<String>,
    /// The raw `inputSchema` (`Value::Null` when absent).
    pub input_schema: Value,
    /// The raw `outputSchema` (`Value::Null` when absent).
    pub output_schema: Value,
    /// Whether the output depends on the input (`hasDynamicOutput`).
    pub has_dynamic_output: bool,
    /// Index in `elements`, for JSON pointers in messages.
    pub index: usize,
}

impl OperationDoc {
    /// The JSON pointer of this operation in the document.
    pub fn pointer(&self) -> String {
        format!("/elements/{}", self.index)
    }
}

/// Why a document cannot be read at all (the only hard errors, DESIGN §3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocumentError {
    /// Not valid JSON.
    Json {
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// What serde_json says.
        message: String,
    },
    /// Valid JSON, but not the shape of an operations document.
    Structure {
        /// Where, as a JSON pointer (`""` is the root).
        pointer: String,
        /// What is wrong.
        message: String,
    },
}

impl fmt::Display for DocumentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DocumentError::Json {
                line,
                column,
                message,
            } => write!(f, "invalid JSON at line {line}, column {column}: {message}"),
            DocumentError::Structure { pointer, message } => {
                let at = if pointer.is_empty() {
                    "the root"
                } else {
                    pointer
                };
                write!(f, "not an operations document: {message} (at {at})")
            }
        }
    }
}

impl std::error::Error for DocumentError {}

fn structure(pointer: impl Into<String>, message: impl Into<String>) -> DocumentError {
    DocumentError::Structure {
        pointer: pointer.into(),
        message: message.into(),
    }
}

fn string_field(map: &Map<String, Value>, key: &str) -> Option<String> {
    map.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// Reads an operations document from its JSON text.
pub fn parse(text: &str) -> Result<OperationsDocument, DocumentError> {
    let root: Value = serde_json::from_str(text).map_err(|e| {
        let message = strip_position(&e.to_string());
        let message = if message == "recursion limit exceeded" {
            "the document nests deeper than the 128 levels tray-connect reads".to_owned()
        } else {
            message
        };
        DocumentError::Json {
            line: e.line(),
            column: e.column(),
            message,
        }
    })?;
    from_value(root)
}

/// serde_json appends " at line L column C"; we report the position in our own words.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// Reads an operations document from parsed JSON.
pub fn from_value(root: Value) -> Result<OperationsDocument, DocumentError> {
    let Value::Object(mut root) = root else {
        return Err(structure("", "the root must be a JSON object"));
    };
    let header = match root.get("connector") {
        None | Some(Value::Null) => None,
        Some(Value::Object(h)) => {
            let name = string_field(h, "name")
                .ok_or_else(|| structure("/connector/name", "the header needs a string `name`"))?;
            let version = match h.get("version") {
                Some(Value::String(v)) => v.clone(),
                Some(Value::Number(n)) => n.to_string(),
                _ => {
                    return Err(structure(
                        "/connector/version",
                        "the header needs a string `version`",
                    ));
                }
            };
            Some(ConnectorHeader { name, version })
        }
        Some(_) => return Err(structure("/connector", "the header must be an object")),
    };
    let elements = match root.remove("elements") {
        Some(Value::Array(elements)) => elements,
        Some(_) => return Err(structure("/elements", "`elements` must be an array")),
        None => return Err(structure("", "missing the `elements` array")),
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut operations = Vec::with_capacity(elements.len());
    for (index, element) in elements.into_iter().enumerate() {
        let Value::Object(mut element) = element else {
            return Err(structure(
                format!("/elements/{index}"),
                "an operation must be a JSON object",
            ));
        };
        let name = string_field(&element, "name").ok_or_else(|| {
            structure(
                format!("/elements/{index}/name"),
                "an operation needs a string `name`",
            )
        })?;
        if let Some(first) = seen.insert(name.clone(), index) {
            return Err(structure(
                format!("/elements/{index}/name"),
                format!("operation `{name}` is defined twice (first at /elements/{first})"),
            ));
        }
        operations.push(OperationDoc {
            title: string_field(&element, "title"),
            description: string_field(&element, "description"),
            input_schema: element.remove("inputSchema").unwrap_or(Value::Null),
            output_schema: element.remove("outputSchema").unwrap_or(Value::Null),
            has_dynamic_output: element
                .get("hasDynamicOutput")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            name,
            index,
        });
    }
    Ok(OperationsDocument { header, operations })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_json_reports_line_and_column() {
        let err = parse("{\n  \"elements\": [\n    {,}\n  ]\n}").unwrap_err();
        match err {
            DocumentError::Json { line, column, .. } => assert_eq!((line, column), (3, 6)),
            other => panic!("expected a JSON error, got {other:?}"),
        }
    }

    #[test]
    fn element_without_name_is_a_structure_error_with_pointer() {
        let err = parse(r#"{"elements":[{"name":"a"},{"title":"b"}]}"#).unwrap_err();
        assert_eq!(
            err.to_string(),
            "not an operations document: an operation needs a string `name` (at /elements/1/name)"
        );
    }

    #[test]
    fn duplicate_operation_names_are_refused() {
        let err = parse(r#"{"elements":[{"name":"a"},{"name":"a"}]}"#).unwrap_err();
        assert!(
            err.to_string()
                .contains("defined twice (first at /elements/0)")
        );
    }

    #[test]
    fn root_must_be_an_object_with_elements() {
        assert!(parse("[]").unwrap_err().to_string().contains("the root"));
        assert!(parse("{}").unwrap_err().to_string().contains("`elements`"));
        assert!(
            parse(r#"{"elements":{}}"#)
                .unwrap_err()
                .to_string()
                .contains("/elements")
        );
    }

    #[test]
    fn header_is_optional_and_read_when_present() {
        let doc = parse(r#"{"connector":{"name":"x","version":"1.0"},"elements":[]}"#).unwrap();
        assert_eq!(
            doc.header,
            Some(ConnectorHeader {
                name: "x".into(),
                version: "1.0".into()
            })
        );
        assert!(parse(r#"{"elements":[]}"#).unwrap().header.is_none());
    }
}
