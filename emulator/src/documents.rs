//! Operations documents: read, checked and indexed once, at start.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use tray_connect_codegen::document::{
    self as reader, ConnectorHeader, DocumentError, DocumentKind, HeaderError,
};
use tray_connect_codegen::{locate, untrusted};

use crate::error::EmulatorError;
use crate::validate::InputValidator;

/// Where a document comes from, and the name and version to serve it under when it has no
/// header of its own.
#[derive(Debug, Clone)]
pub(crate) struct DocumentSource {
    pub(crate) origin: Origin,
    pub(crate) given: Option<(String, String)>,
}

/// A document file or inline JSON.
#[derive(Debug, Clone)]
pub(crate) enum Origin {
    /// A file, read in `start()`.
    Path(PathBuf),
    /// Inline JSON and its 1-based position among inline documents.
    Json(String, usize),
}

impl DocumentSource {
    fn label(&self) -> String {
        match &self.origin {
            Origin::Path(path) => path.display().to_string(),
            Origin::Json(_, n) => format!("<inline document {n}>"),
        }
    }
}

/// One connector version served by the emulator, or one trigger version: a trigger document
/// (header key `trigger`) has the shape of a connector's, and is served on the trigger routes.
#[derive(Debug)]
pub(crate) struct Connector {
    /// Which routes serve it.
    pub(crate) kind: DocumentKind,
    pub(crate) name: String,
    pub(crate) version: String,
    /// The Get Connectors element for it.
    pub(crate) listing: Value,
    /// `elements` exactly as written in the document.
    pub(crate) elements: Value,
    pub(crate) operations: HashMap<String, Operation>,
    /// Operations named by a `lookup` anywhere in an `inputSchema`.
    pub(crate) lookups: BTreeSet<String>,
    /// Where it was loaded from, for messages.
    pub(crate) document: String,
}

/// One operation, with its validator compiled.
#[derive(Debug)]
pub(crate) struct Operation {
    pub(crate) validation: Validation,
    pub(crate) output_schema: Value,
    pub(crate) has_dynamic_output: bool,
    /// Whether `output_schema` is the vendored `sampledOutputSchema` of a dynamic output, which
    /// promises that shape as a static output does.
    pub(crate) sampled: bool,
}

/// How an operation's inputs are checked.
#[derive(Debug)]
pub(crate) enum Validation {
    /// Validation is off ([`EmulatorBuilder::validate`](crate::EmulatorBuilder::validate)),
    /// or the `inputSchema` is not an object (Tray's `{}` or none).
    Off,
    /// Against the compiled `inputSchema`.
    Checked(InputValidator),
    /// The `inputSchema` does not compile even after normalising (the compiler's message):
    /// every call is refused with a 500 rather than served unvalidated.
    Refused(String),
}

/// Where a document file is: an absolute path as it is; a relative one from the current
/// directory, then from `CARGO_MANIFEST_DIR` (set when `cargo run` or `cargo test` runs the
/// program) and its parents up to the workspace root, as `connector!` looks.
fn locate(path: &Path) -> Result<PathBuf, EmulatorError> {
    if path.is_absolute() || path.is_file() {
        return Ok(path.to_path_buf());
    }
    let mut tried = Vec::new();
    match std::env::current_dir() {
        Ok(dir) => tried.push(dir.join(path)),
        // No current directory (it was deleted): the read names the path as given.
        Err(_) => return Ok(path.to_path_buf()),
    }
    if let Some(manifest_dir) = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from) {
        let stop = locate::workspace_root_of(&manifest_dir).unwrap_or_else(|| manifest_dir.clone());
        if let Some(found) = locate::search_up(&manifest_dir, path, Some(&stop), &mut tried) {
            return Ok(found);
        }
    }
    let show = |p: &PathBuf| p.display().to_string();
    Err(EmulatorError::NotFound {
        document: path.display().to_string(),
        similar: locate::similar_documents(&tried).iter().map(show).collect(),
        tried: tried.iter().map(show).collect(),
    })
}

/// Reads, checks and indexes one document with codegen's reader, so the emulator, `serve`,
/// `check`, `generate` and `connector!` agree on every document.
pub(crate) fn load(source: &DocumentSource, validate: bool) -> Result<Connector, EmulatorError> {
    let document = source.label();
    let text = match &source.origin {
        Origin::Path(path) => {
            let path = locate(path)?;
            std::fs::read_to_string(&path).map_err(|source| EmulatorError::Read {
                document: document.clone(),
                source,
            })?
        }
        Origin::Json(json, _) => json.clone(),
    };
    let root: Value = serde_json::from_str(&text).map_err(|source| EmulatorError::Json {
        document: document.clone(),
        line: source.line(),
        column: source.column(),
        source,
    })?;
    let parsed = reader::from_value(root).map_err(|e| EmulatorError::Document {
        document: document.clone(),
        reason: match e {
            DocumentError::Structure { pointer, message } if pointer.is_empty() => message,
            DocumentError::Structure { pointer, message } => format!("{message} (at {pointer})"),
            DocumentError::Json { message, .. } => message,
        },
    })?;
    let given = source
        .given
        .as_ref()
        .map(|(name, version)| (name.as_str(), version.as_str()));
    let header = parsed.connector(given).map_err(|e| match e {
        HeaderError::Missing => EmulatorError::MissingHeader {
            document: document.clone(),
        },
        mismatch @ HeaderError::Mismatch { .. } => EmulatorError::HeaderMismatch {
            document: document.clone(),
            reason: mismatch.to_string(),
        },
    })?;

    let mut operations = HashMap::new();
    let mut lookups = BTreeSet::new();
    let mut elements = Vec::with_capacity(parsed.operations.len());
    for op in &parsed.operations {
        let input_schema = op.input_schema();
        collect_lookups(input_schema, &mut lookups);
        let checked_schema = match parsed.kind {
            DocumentKind::Connector => Cow::Borrowed(input_schema),
            DocumentKind::Trigger => Cow::Owned(subscription_schema(input_schema)),
        };
        let validation = if validate && input_schema.is_object() {
            match InputValidator::build(&checked_schema) {
                Ok(validator) => Validation::Checked(validator),
                Err(reason) => {
                    tracing::warn!(
                        document = %document,
                        operation = op.name,
                        "inputSchema does not compile even after normalising; \
                         its calls are refused with a 500: {}",
                        untrusted::visible(&reason)
                    );
                    Validation::Refused(reason)
                }
            }
        } else {
            Validation::Off
        };
        // A dynamic output with a vendored sample (`pull --sample`) is answered, and
        // synthesised, from the schema Tray returned for it; the key itself is never served,
        // as Tray's Get Connector Operations has no such key.
        let sampled = op.sampled_output().map(|sampled| sampled.schema.clone());
        let mut element = op.element().clone();
        element.remove(tray_connect_codegen::document::SAMPLED_OUTPUT_SCHEMA);
        operations.insert(
            op.name.clone(),
            Operation {
                validation,
                sampled: sampled.is_some(),
                output_schema: sampled.unwrap_or_else(|| op.output_schema().clone()),
                has_dynamic_output: op.has_dynamic_output,
            },
        );
        elements.push(Value::Object(element));
    }

    Ok(Connector {
        kind: parsed.kind,
        listing: listing(&header),
        name: header.name,
        version: header.version,
        elements: Value::Array(elements),
        operations,
        lookups,
        document,
    })
}

/// A trigger operation's `inputSchema` as a subscription's input is checked against it: the
/// inputs Tray fills itself (`document::filled_by_tray`, the rule by which `trigger!` makes
/// them optional) are not required of the caller, in the root object or any object below it.
fn subscription_schema(schema: &Value) -> Value {
    let mut schema = schema.clone();
    release_tray_filled(&mut schema);
    schema
}

fn release_tray_filled(node: &mut Value) {
    let Value::Object(map) = node else {
        return;
    };
    if let (Some(Value::Object(properties)), Some(Value::Array(required))) =
        (map.get("properties"), map.get("required"))
    {
        let kept: Vec<Value> = required
            .iter()
            .filter(|name| {
                let property = name
                    .as_str()
                    .and_then(|name| properties.get(name))
                    .and_then(Value::as_object);
                property.and_then(reader::filled_by_tray).is_none()
            })
            .cloned()
            .collect();
        map.insert("required".to_owned(), Value::Array(kept));
    }
    if let Some(Value::Object(properties)) = map.get_mut("properties") {
        properties.values_mut().for_each(release_tray_filled);
    }
    if let Some(items) = map.get_mut("items") {
        release_tray_filled(items);
    }
}

/// The Get Connectors element of a connector: the header's parts, with defaults for what it
/// leaves out.
fn listing(header: &ConnectorHeader) -> Value {
    let title = header
        .title
        .clone()
        .unwrap_or_else(|| title_from_name(&header.name));
    // Nothing invented that `pull` would vendor as if Tray had said it: a missing description
    // is empty. (The service is filled in: the auth dialog and authentications need its id.)
    let description = header.description.clone().unwrap_or_default();
    let service = header.service.clone().unwrap_or_default();
    let service_name = service.name.unwrap_or_else(|| header.name.clone());
    let service_id = service.id.unwrap_or_else(|| stable_id(&service_name));
    json!({
        "name": header.name,
        "version": header.version,
        "title": title,
        "description": description,
        "service": {"id": service_id, "name": service_name, "version": service.version.unwrap_or(1)},
    })
}

/// `twilio-output` → `Twilio Output`.
fn title_from_name(name: &str) -> String {
    name.split(['-', '_', ' '])
        .filter(|w| !w.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect()
            })
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A UUID-shaped id derived from `seed` (FNV-1a), so the same service always gets the same id.
pub(crate) fn stable_id(seed: &str) -> String {
    let hash = |salt: u64| {
        seed.bytes().fold(0xcbf2_9ce4_8422_2325_u64 ^ salt, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
    };
    let (a, b) = (hash(0), hash(0x9e37_79b9_7f4a_7c15));
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        b >> 52,
        b & 0xffff_ffff_ffff
    )
}

/// Every operation a `lookup` names, in any form codegen reads (`operation`, the published
/// doc quirk `message`, and the legacy `body.message`).
fn collect_lookups(node: &Value, into: &mut BTreeSet<String>) {
    match node {
        Value::Object(map) => {
            if let Some(lookup) = reader::lookup_of(map) {
                into.insert(lookup.operation);
            }
            for child in map.values() {
                collect_lookups(child, into);
            }
        }
        Value::Array(items) => {
            for item in items {
                collect_lookups(item, into);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inline(json: &str) -> Result<Connector, EmulatorError> {
        let source = DocumentSource {
            origin: Origin::Json(json.to_owned(), 1),
            given: None,
        };
        load(&source, true)
    }

    #[test]
    fn header_defaults_are_filled_in() {
        let c =
            inline(r#"{"connector": {"name": "twilio-output", "version": "2.1"}, "elements": []}"#)
                .unwrap();
        assert_eq!(c.listing["title"], "Twilio Output");
        assert_eq!(c.listing["description"], "");
        assert_eq!(c.listing["service"]["name"], "twilio-output");
        assert_eq!(c.listing["service"]["version"], 1);
        let id = c.listing["service"]["id"].as_str().unwrap().to_owned();
        assert_eq!(id.len(), 36);
        let again =
            inline(r#"{"connector": {"name": "twilio-output", "version": "3.0"}, "elements": []}"#)
                .unwrap();
        assert_eq!(again.listing["service"]["id"], id.as_str());
    }

    #[test]
    fn lookups_are_found_in_every_form() {
        let c = inline(
            r#"{"connector": {"name": "x", "version": "1"}, "elements": [
              {"name": "a", "inputSchema": {"properties": {
                 "p": {"lookup": {"operation": "op_ddl", "input": {}}},
                 "q": {"items": {"lookup": {"message": "legacy_ddl"}}},
                 "r": {"lookup": {"url": "{{{step.ephemeral_url}}}", "body": {"message": "older_ddl"}}}}}}]}"#,
        )
        .unwrap();
        assert_eq!(
            c.lookups.into_iter().collect::<Vec<_>>(),
            ["legacy_ddl", "older_ddl", "op_ddl"]
        );
    }

    #[test]
    fn hard_errors_name_the_problem() {
        let err = inline(
            "{\n  \"connector\": {\"name\": \"x\", \"version\": \"1\"},\n  \"elements\": [,]\n}",
        )
        .unwrap_err();
        assert!(matches!(err, EmulatorError::Json { line: 3, .. }), "{err}");
        assert!(err.to_string().contains("<inline document 1>"), "{err}");
        let err = inline(r#"{"elements": []}"#).unwrap_err();
        assert!(matches!(err, EmulatorError::MissingHeader { .. }), "{err}");
        let err = inline(r#"{"connector": {"name": "x"}, "elements": []}"#).unwrap_err();
        assert!(err.to_string().contains("/connector/version"), "{err}");
        let err = inline(r#"[]"#).unwrap_err();
        assert!(
            err.to_string().contains("the root must be a JSON object"),
            "{err}"
        );
        let err = inline(r#"{"connector": {"name": "x", "version": "1"}}"#).unwrap_err();
        assert!(err.to_string().contains("`elements`"), "{err}");
        let err =
            inline(r#"{"connector": {"name": "x", "version": "1"}, "elements": [{"title": "t"}]}"#)
                .unwrap_err();
        assert!(err.to_string().contains("/elements/0"), "{err}");
        let err = inline(
            r#"{"connector": {"name": "x", "version": "1"}, "elements": [{"name": "a"}, {"name": "a"}]}"#,
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("operation `a` is defined twice (first at /elements/0)"),
            "{err}"
        );
    }

    fn inline_as(json: &str, name: &str, version: &str) -> Result<Connector, EmulatorError> {
        let source = DocumentSource {
            origin: Origin::Json(json.to_owned(), 1),
            given: Some((name.to_owned(), version.to_owned())),
        };
        load(&source, true)
    }

    #[test]
    fn the_header_rule_is_codegens() {
        // A numeric version reads as its text, as in `connector!` and the CLI.
        let c = inline(r#"{"connector": {"name": "x", "version": 2.1}, "elements": []}"#).unwrap();
        assert_eq!((c.name.as_str(), c.version.as_str()), ("x", "2.1"));
        // An empty name is refused everywhere.
        let err =
            inline(r#"{"connector": {"name": "", "version": "1"}, "elements": []}"#).unwrap_err();
        assert!(err.to_string().contains("/connector/name"), "{err}");
        // A headerless document is served under the name and version given with it.
        let c = inline_as(r#"{"elements": [{"name": "a"}]}"#, "echo", "1.0").unwrap();
        assert_eq!((c.name.as_str(), c.version.as_str()), ("echo", "1.0"));
        assert_eq!(c.listing["title"], "Echo");
        // A header must agree with them.
        let err = inline_as(
            r#"{"connector": {"name": "x", "version": "1"}, "elements": []}"#,
            "y",
            "1",
        )
        .unwrap_err();
        assert!(matches!(err, EmulatorError::HeaderMismatch { .. }), "{err}");
        assert!(
            err.to_string().contains("connector name `x`, not `y`"),
            "{err}"
        );
        // Without them, the error says how to add the header or give them.
        let err = inline(r#"{"elements": []}"#).unwrap_err();
        assert!(err.to_string().contains("document_as"), "{err}");
    }

    #[test]
    fn header_parts_are_served_as_written() {
        let c = inline(
            r#"{"connector": {"name": "x", "version": "1", "title": "X!", "description": "d",
                "service": {"id": "s-1", "name": "xs", "version": "3"}}, "elements": []}"#,
        )
        .unwrap();
        assert_eq!(
            c.listing,
            json!({"name": "x", "version": "1", "title": "X!", "description": "d",
                   "service": {"id": "s-1", "name": "xs", "version": 3}})
        );
    }

    #[test]
    fn a_trigger_header_makes_a_trigger_document() {
        let t = inline(
            r#"{"trigger": {"name": "gosquared-trigger", "version": "1.0"},
                "elements": [{"name": "entered_smart_group_init"}]}"#,
        )
        .unwrap();
        assert_eq!(t.kind, DocumentKind::Trigger);
        assert_eq!(t.listing["title"], "Gosquared Trigger");
        let c = inline(r#"{"connector": {"name": "x", "version": "1"}, "elements": []}"#).unwrap();
        assert_eq!(c.kind, DocumentKind::Connector);
    }

    #[test]
    fn inputs_tray_fills_are_not_required_of_a_subscription_but_are_of_a_call() {
        let elements = r#""elements": [{"name": "op", "inputSchema": {"type": "object",
            "required": ["url", "value", "public_url"],
            "properties": {"url": {"type": "string", "default_jsonpath": "$.env.public_url"},
                           "public_url": {"type": "string", "default": "{$.env.public_url}"},
                           "value": {"type": "string"}}}}]"#;
        let check = |header: &str, input: Value| {
            let served = inline(&format!("{{{header}, {elements}}}")).unwrap();
            match &served.operations["op"].validation {
                Validation::Checked(validator) => validator.check(&input),
                other => panic!("{other:?}"),
            }
        };
        let trigger = r#""trigger": {"name": "t", "version": "1"}"#;
        assert_eq!(check(trigger, json!({"value": "v"})), Ok(()));
        let err = check(trigger, json!({"url": "x"})).unwrap_err();
        assert!(err.contains("required key [value] not found"), "{err}");
        assert!(!err.contains("[url]"), "{err}");
        let connector = r#""connector": {"name": "c", "version": "1"}"#;
        let err = check(connector, json!({"value": "v"})).unwrap_err();
        assert!(err.contains("required key [url] not found"), "{err}");
    }

    #[test]
    fn unreadable_file_is_a_read_error() {
        let source = DocumentSource {
            origin: Origin::Path("/nonexistent/x.json".into()),
            given: None,
        };
        let err = load(&source, true).unwrap_err();
        assert!(matches!(err, EmulatorError::Read { .. }));
        assert!(err.to_string().contains("/nonexistent/x.json"), "{err}");
    }
}
