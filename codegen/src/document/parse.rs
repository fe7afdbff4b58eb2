//! Reading a document: its JSON, its outline and its header, and why it cannot be read.

use serde_json::{Map, Value};
use std::collections::HashMap;
use std::fmt;

use super::{
    ConnectorHeader, DocumentKind, OperationDoc, OperationsDocument, SAMPLED_OUTPUT_SCHEMA,
    ServiceHeader,
};

/// Why a document cannot be read at all (the only hard errors: `docs/architecture.md`, "One reader").
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

/// A [`SAMPLED_OUTPUT_SCHEMA`] is `{"schema": <object>, "sample": <any JSON>}` on an
/// operation with `hasDynamicOutput: true`; anything else is an error that says where.
fn check_sampled_output(
    element: &Map<String, Value>,
    index: usize,
    has_dynamic_output: bool,
) -> Result<(), DocumentError> {
    let at = format!("/elements/{index}/{SAMPLED_OUTPUT_SCHEMA}");
    let sampled = match element.get(SAMPLED_OUTPUT_SCHEMA) {
        None => return Ok(()),
        Some(Value::Object(sampled)) => sampled,
        Some(_) => {
            return Err(structure(
                at,
                "`sampledOutputSchema` must be an object `{\"schema\": {..}, \"sample\": ..}`",
            ));
        }
    };
    if !has_dynamic_output {
        return Err(structure(
            at,
            "only an operation with `hasDynamicOutput: true` may have a `sampledOutputSchema` \
             (pull the document again: `tray-connect pull` drops it when the operation's output \
             stopped being dynamic)",
        ));
    }
    match sampled.get("schema") {
        Some(Value::Object(_)) => {}
        None => {
            return Err(structure(
                at,
                "`sampledOutputSchema` has no `schema` (the output schema Tray returned)",
            ));
        }
        Some(_) => {
            return Err(structure(
                format!("{at}/schema"),
                "the sampled output schema must be a JSON object",
            ));
        }
    }
    if !sampled.contains_key("sample") {
        return Err(structure(
            at,
            "`sampledOutputSchema` has no `sample` (the input the schema was returned for)",
        ));
    }
    Ok(())
}

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
    let mut document = read(root)?;
    document.size = text.len();
    Ok(document)
}

/// serde_json appends " at line L column C"; we report the position in our own words.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// The header's name and version (required: non-empty; a numeric version reads as its text)
/// and its optional parts, each read only when well-formed.
fn header(h: &Map<String, Value>, key: &str) -> Result<ConnectorHeader, DocumentError> {
    let name = string_field(h, "name")
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| {
            structure(
                format!("/{key}/name"),
                "the header needs a non-empty string `name`",
            )
        })?;
    let version = match h.get("version") {
        Some(Value::String(v)) if !v.trim().is_empty() => v.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => {
            return Err(structure(
                format!("/{key}/version"),
                "the header needs a non-empty string `version` (or a number)",
            ));
        }
    };
    let service = h
        .get("service")
        .and_then(Value::as_object)
        .map(|s| ServiceHeader {
            id: string_field(s, "id"),
            name: string_field(s, "name"),
            version: match s.get("version") {
                Some(Value::Number(n)) => n.as_i64(),
                Some(Value::String(v)) => v.trim().parse().ok(),
                _ => None,
            },
        });
    Ok(ConnectorHeader {
        name,
        version,
        title: string_field(h, "title"),
        description: string_field(h, "description"),
        service,
    })
}

/// Reads an operations document from parsed JSON.
pub fn from_value(root: Value) -> Result<OperationsDocument, DocumentError> {
    // The text it was read from is gone: its size is that of the compact form.
    let size = serde_json::to_vec(&root).map_or(0, |text| text.len());
    let mut document = read(root)?;
    document.size = size;
    Ok(document)
}

fn read(root: Value) -> Result<OperationsDocument, DocumentError> {
    let Value::Object(mut root) = root else {
        return Err(structure("", "the root must be a JSON object"));
    };
    let present = |key: &str| !matches!(root.get(key), None | Some(Value::Null));
    let kind = match (present("connector"), present("trigger")) {
        (true, true) => {
            return Err(structure(
                "/trigger",
                "the document has both a `connector` and a `trigger` header; a document \
                 describes one or the other",
            ));
        }
        (false, true) => DocumentKind::Trigger,
        _ => DocumentKind::Connector,
    };
    let key = kind.header_key();
    let header = match root.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::Object(h)) => Some(header(h, key)?),
        Some(_) => return Err(structure(format!("/{key}"), "the header must be an object")),
    };
    let elements = match root.remove("elements") {
        Some(Value::Array(elements)) => elements,
        Some(_) => return Err(structure("/elements", "`elements` must be an array")),
        None => return Err(structure("", "missing the `elements` array")),
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut operations = Vec::with_capacity(elements.len());
    for (index, element) in elements.into_iter().enumerate() {
        let Value::Object(element) = element else {
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
        let has_dynamic_output = element
            .get("hasDynamicOutput")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        check_sampled_output(&element, index, has_dynamic_output)?;
        operations.push(OperationDoc {
            title: string_field(&element, "title"),
            description: string_field(&element, "description"),
            has_dynamic_output,
            name,
            index,
            element,
        });
    }
    Ok(OperationsDocument {
        header,
        kind,
        operations,
        size: 0,
    })
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
        assert_eq!(doc.header, Some(ConnectorHeader::new("x", "1.0")));
        assert!(parse(r#"{"elements":[]}"#).unwrap().header.is_none());
    }

    #[test]
    fn a_malformed_sampled_output_schema_is_an_error_that_says_where() {
        let with = |op: &str| {
            from_value(
                serde_json::from_str(&format!(
                    r#"{{"connector": {{"name": "x", "version": "1"}}, "elements": [{op}]}}"#
                ))
                .unwrap(),
            )
        };
        let ok = with(
            r#"{"name": "a", "hasDynamicOutput": true,
                "sampledOutputSchema": {"schema": {"type": "object"}, "sample": {"id": 1}}}"#,
        )
        .unwrap();
        let sampled = ok.operations[0].sampled_output().unwrap();
        assert_eq!(sampled.sample, &serde_json::json!({"id": 1}));
        for (op, pointer, words) in [
            (
                r#"{"name": "a", "hasDynamicOutput": true, "sampledOutputSchema": "oops"}"#,
                "/elements/0/sampledOutputSchema",
                "must be an object",
            ),
            (
                r#"{"name": "a", "sampledOutputSchema": {"schema": {}, "sample": {}}}"#,
                "/elements/0/sampledOutputSchema",
                "hasDynamicOutput: true",
            ),
            (
                r#"{"name": "a", "hasDynamicOutput": true, "sampledOutputSchema": {"sample": {}}}"#,
                "/elements/0/sampledOutputSchema",
                "has no `schema`",
            ),
            (
                r#"{"name": "a", "hasDynamicOutput": true,
                    "sampledOutputSchema": {"schema": [1], "sample": {}}}"#,
                "/elements/0/sampledOutputSchema/schema",
                "must be a JSON object",
            ),
            (
                r#"{"name": "a", "hasDynamicOutput": true,
                    "sampledOutputSchema": {"schema": {}}}"#,
                "/elements/0/sampledOutputSchema",
                "has no `sample`",
            ),
        ] {
            let error = with(op).unwrap_err();
            let DocumentError::Structure {
                pointer: at,
                message,
            } = &error
            else {
                panic!("{error:?}");
            };
            assert_eq!(at, pointer, "{op}");
            assert!(message.contains(words), "{op}: {message}");
        }
    }
}
