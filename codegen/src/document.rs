//! The operations document: a Get Connector Operations response, optionally with the header
//! that `tray-connect pull` writes. Only its outline is checked here; schemas are read
//! tolerantly by the model.
//!
//! Besides the header, a vendored document may give a `hasDynamicOutput` operation the key
//! [`SAMPLED_OUTPUT_SCHEMA`] (`"sampledOutputSchema": {"schema": {..}, "sample": {..}}`,
//! written by `tray-connect pull --sample`): the output schema Tray returned for that sample
//! input, from which `connector!` types the operation's output.

use serde_json::{Map, Value};
use std::collections::HashMap;
use std::fmt;

/// What a document describes: a connector's operations (Get Connector Operations, header key
/// `connector`) or a trigger's (List Trigger Operations, header key `trigger`). The two answers
/// have the same shape; only the header says which one a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocumentKind {
    /// A connector: its operations are called (`connector!`, Call Connector).
    Connector,
    /// A trigger: its operations are subscribed to (`trigger!`, Create Subscription).
    Trigger,
}

impl DocumentKind {
    /// The header's key: `connector` or `trigger`.
    pub fn header_key(self) -> &'static str {
        match self {
            DocumentKind::Connector => "connector",
            DocumentKind::Trigger => "trigger",
        }
    }

    /// The macro that expands a document of this kind.
    pub fn macro_name(self) -> &'static str {
        match self {
            DocumentKind::Connector => "connector!",
            DocumentKind::Trigger => "trigger!",
        }
    }

    /// "connector" or "trigger", as prose says it.
    pub fn noun(self) -> &'static str {
        self.header_key()
    }
}

/// A parsed operations document.
#[derive(Debug, Clone)]
pub struct OperationsDocument {
    /// The header (`connector` or `trigger`), when the document has one.
    pub header: Option<ConnectorHeader>,
    /// What the header says the document describes; [`DocumentKind::Connector`] for a
    /// document without header (a raw API answer), which whoever reads it names.
    pub kind: DocumentKind,
    /// The operations, in document order.
    pub operations: Vec<OperationDoc>,
    /// The document's size in bytes of JSON: what its expansion's budget grows with.
    pub size: usize,
}

/// The header: which connector (or trigger) and version the document describes, and how Get
/// Connectors (or List Triggers) lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectorHeader {
    /// The connector's programmatic name, e.g. `twilio-output`.
    pub name: String,
    /// The connector version, e.g. `2.1` (a numeric `version` reads as its text).
    pub version: String,
    /// Its human title, if the header gives one.
    pub title: Option<String>,
    /// Its description, if the header gives one.
    pub description: Option<String>,
    /// The service it authenticates against, if the header gives one.
    pub service: Option<ServiceHeader>,
}

impl ConnectorHeader {
    /// A header with a name and version only.
    pub fn new(name: impl Into<String>, version: impl Into<String>) -> Self {
        ConnectorHeader {
            name: name.into(),
            version: version.into(),
            title: None,
            description: None,
            service: None,
        }
    }
}

/// `connector.service` in a header: each part is optional and read only when well-formed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceHeader {
    /// `service.id`.
    pub id: Option<String>,
    /// `service.name`.
    pub name: Option<String>,
    /// `service.version` (an integer, or a string of digits).
    pub version: Option<i64>,
}

/// The key of an operation that holds the output schema Tray returned for one sample input
/// (`tray-connect pull --sample OPERATION=input.json`), as
/// `{"schema": {..}, "sample": {..}}`. Only a `hasDynamicOutput` operation may have it;
/// `connector!` then types the output from `schema` instead of `Value`, the emulator answers
/// `returnOutputSchema` with it (and never serves the key: Tray's answers have no such key),
/// and `tray-connect check` keeps it out of the comparison with the live API.
pub const SAMPLED_OUTPUT_SCHEMA: &str = "sampledOutputSchema";

/// An operation's [`SAMPLED_OUTPUT_SCHEMA`]: the schema Tray returned and the input that
/// produced it.
#[derive(Debug, Clone, Copy)]
pub struct SampledOutput<'d> {
    /// The output schema (a JSON object).
    pub schema: &'d Value,
    /// The sample input it was returned for.
    pub sample: &'d Value,
}

/// One element of `elements`, kept whole as written (the emulator serves it back).
#[derive(Debug, Clone)]
pub struct OperationDoc {
    /// The operation's wire name.
    pub name: String,
    /// Its human title, if any.
    pub title: Option<String>,
    /// Its description, if any.
    pub description: Option<String>,
    /// Whether the output depends on the input (`hasDynamicOutput`).
    pub has_dynamic_output: bool,
    /// Index in `elements`, for JSON pointers in messages.
    pub index: usize,
    element: Map<String, Value>,
}

static NULL: Value = Value::Null;

impl OperationDoc {
    /// The JSON pointer of this operation in the document.
    pub fn pointer(&self) -> String {
        format!("/elements/{}", self.index)
    }

    /// The raw `inputSchema` (`null` when absent).
    pub fn input_schema(&self) -> &Value {
        self.element.get("inputSchema").unwrap_or(&NULL)
    }

    /// The raw `outputSchema` (`null` when absent).
    pub fn output_schema(&self) -> &Value {
        self.element.get("outputSchema").unwrap_or(&NULL)
    }

    /// The output schema Tray returned for a sample input, when the document vendored one
    /// ([`SAMPLED_OUTPUT_SCHEMA`]; checked when the document is read).
    pub fn sampled_output(&self) -> Option<SampledOutput<'_>> {
        let sampled = self.element.get(SAMPLED_OUTPUT_SCHEMA)?.as_object()?;
        Some(SampledOutput {
            schema: sampled.get("schema")?,
            sample: sampled.get("sample")?,
        })
    }

    /// The element exactly as the document writes it.
    pub fn element(&self) -> &Map<String, Value> {
        &self.element
    }
}

/// Why a document's header does not say which connector it describes (see
/// [`OperationsDocument::connector`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderError {
    /// No header, and no name and version given with the document.
    Missing,
    /// The header names another connector or version than the one given.
    Mismatch {
        /// Which header: `connector` or `trigger`.
        kind: DocumentKind,
        /// `name` or `version`.
        field: &'static str,
        /// What was given.
        expected: String,
        /// What the header says.
        found: String,
    },
}

impl fmt::Display for HeaderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HeaderError::Missing => f.write_str(
                "the document has no `connector` header saying which connector it describes; \
                 add `\"connector\": {\"name\": \"<name>\", \"version\": \"<version>\"}` at its top \
                 (`tray-connect pull` writes it), or give the name and version with the document",
            ),
            HeaderError::Mismatch {
                kind,
                field,
                expected,
                found,
            } => write!(
                f,
                "the document's header says {} {field} `{found}`, not `{expected}` \
                 (at /{}/{field})",
                kind.noun(),
                kind.header_key()
            ),
        }
    }
}

impl std::error::Error for HeaderError {}

impl OperationsDocument {
    /// The connector this document serves, by the one header rule every reader follows:
    /// a header is authoritative; `given` (the macro's literals, `document_as`, `--name`) must
    /// agree with it; a headerless document takes `given`, and without it is refused.
    pub fn connector(&self, given: Option<(&str, &str)>) -> Result<ConnectorHeader, HeaderError> {
        match (&self.header, given) {
            (Some(header), Some((name, version))) => {
                if header.name != name {
                    return Err(HeaderError::Mismatch {
                        kind: self.kind,
                        field: "name",
                        expected: name.to_owned(),
                        found: header.name.clone(),
                    });
                }
                if header.version != version {
                    return Err(HeaderError::Mismatch {
                        kind: self.kind,
                        field: "version",
                        expected: version.to_owned(),
                        found: header.version.clone(),
                    });
                }
                Ok(header.clone())
            }
            (Some(header), None) => Ok(header.clone()),
            (None, Some((name, version))) => Ok(ConnectorHeader::new(name, version)),
            (None, None) => Err(HeaderError::Missing),
        }
    }
}

/// The path Tray fills a trigger input from, when the property says it does: legacy documents
/// write `default_jsonpath: "$.env.public_url"` (or `"$.auth.api_key"`), CDK documents a
/// `default` of `"{$.env.public_url}"`. Tray's sources advise against making callers fill
/// them (`docs/fidelity.md`, *Triggers*): `trigger!` makes them optional to set, and the
/// emulator does not require them of a subscription, by this one rule.
pub fn filled_by_tray(property: &Map<String, Value>) -> Option<String> {
    let path = |text: &str| text.starts_with("$.").then(|| text.to_owned());
    if let Some(Value::String(jsonpath)) = property.get("default_jsonpath") {
        return path(jsonpath);
    }
    match property.get("default") {
        Some(Value::String(default)) => default
            .strip_prefix('{')
            .and_then(|d| d.strip_suffix('}'))
            .and_then(path),
        _ => None,
    }
}

/// A property's `lookup`, in Tray's current form whatever form the document writes.
#[derive(Debug, Clone, PartialEq)]
pub struct LookupRef {
    /// The lookup operation's wire name.
    pub operation: String,
    /// Its input, templates (`{{x}}`, `{{{x}}}`) included.
    pub input: Value,
    /// Whether it needs an authentication (`authRequired`).
    pub auth_required: bool,
}

/// The `lookup` of a property schema, in any of the forms Tray has published: the current
/// `{"operation", "input", "authRequired"}`; the same with the key `message` (a published doc
/// quirk); and the legacy `{"url", "body": {"message", "step_settings", "auth_id"}}`, whose
/// `step_settings` (`{"x": {"type", "value"}}`, objects nesting `value`s) become the input and
/// whose `{{{properties.x}}}` templates name the input `x`.
pub fn lookup_of(property: &Map<String, Value>) -> Option<LookupRef> {
    let lookup = property.get("lookup")?.as_object()?;
    let named = |map: &Map<String, Value>| {
        map.get("operation")
            .or_else(|| map.get("message"))
            .and_then(Value::as_str)
            .filter(|o| !o.is_empty())
            .map(str::to_owned)
    };
    if let Some(operation) = named(lookup) {
        return Some(LookupRef {
            operation,
            input: lookup
                .get("input")
                .cloned()
                .unwrap_or_else(|| Value::Object(Map::new())),
            auth_required: lookup.get("authRequired").and_then(Value::as_bool) == Some(true),
        });
    }
    let body = lookup.get("body")?.as_object()?;
    let operation = named(body)?;
    let input = match body.get("step_settings") {
        Some(Value::Object(settings)) => Value::Object(
            settings
                .iter()
                .map(|(k, v)| (k.clone(), legacy_setting(v)))
                .collect(),
        ),
        _ => Value::Object(Map::new()),
    };
    Some(LookupRef {
        operation,
        input,
        auth_required: body.get("auth_id").is_some_and(|a| !a.is_null()),
    })
}

/// A legacy `step_settings` entry (`{"type", "value"}`) as a plain input value.
fn legacy_setting(setting: &Value) -> Value {
    let Some(value) = setting.as_object().and_then(|s| s.get("value")) else {
        return setting.clone();
    };
    match value {
        Value::Object(fields) if setting.get("type") == Some(&Value::from("object")) => {
            Value::Object(
                fields
                    .iter()
                    .map(|(k, v)| (k.clone(), legacy_setting(v)))
                    .collect(),
            )
        }
        Value::String(text) => Value::String(
            text.replace("{{{properties.", "{{{")
                .replace("{{properties.", "{{"),
        ),
        other => other.clone(),
    }
}

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
    fn inputs_tray_fills_are_told_by_a_jsonpath_default_in_either_form() {
        let filled = |property: Value| filled_by_tray(property.as_object().unwrap());
        let legacy = serde_json::json!({"type": "string", "default_jsonpath": "$.env.public_url"});
        assert_eq!(filled(legacy).as_deref(), Some("$.env.public_url"));
        let cdk = serde_json::json!({"type": "string", "default": "{$.env.public_url}"});
        assert_eq!(filled(cdk).as_deref(), Some("$.env.public_url"));
        for caller_fills in [
            serde_json::json!({"type": "string", "default": "Tray webhook"}),
            serde_json::json!({"type": "string", "default_jsonpath": "env.public_url"}),
            serde_json::json!({"type": "string", "default": "{not a path}"}),
            serde_json::json!({"type": "string"}),
        ] {
            assert_eq!(filled(caller_fills.clone()), None, "{caller_fills}");
        }
    }

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
