//! Operations documents: read, checked and indexed once, at start.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use serde_json::{Map, Value, json};

use crate::error::EmulatorError;
use crate::validate::InputValidator;

/// Where a document comes from.
#[derive(Debug, Clone)]
pub(crate) enum DocumentSource {
    /// A file, read in `start()`.
    Path(PathBuf),
    /// Inline JSON and its 1-based position among inline documents.
    Json(String, usize),
}

impl DocumentSource {
    fn label(&self) -> String {
        match self {
            DocumentSource::Path(path) => path.display().to_string(),
            DocumentSource::Json(_, n) => format!("<inline document {n}>"),
        }
    }
}

/// One connector version served by the emulator.
#[derive(Debug)]
pub(crate) struct Connector {
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
    /// `None` when validation is off, or the schema could not be compiled even after normalising.
    pub(crate) validator: Option<InputValidator>,
    pub(crate) output_schema: Value,
    pub(crate) has_dynamic_output: bool,
}

/// Reads, checks and indexes one document.
pub(crate) fn load(source: &DocumentSource, validate: bool) -> Result<Connector, EmulatorError> {
    let document = source.label();
    let text = match source {
        DocumentSource::Path(path) => {
            std::fs::read_to_string(path).map_err(|source| EmulatorError::Read {
                document: document.clone(),
                source,
            })?
        }
        DocumentSource::Json(json, _) => json.clone(),
    };
    let root: Value = serde_json::from_str(&text).map_err(|source| EmulatorError::Json {
        document: document.clone(),
        line: source.line(),
        column: source.column(),
        source,
    })?;
    let invalid = |reason: String| EmulatorError::Document {
        document: document.clone(),
        reason,
    };
    let Value::Object(root) = root else {
        return Err(invalid("the root is not a JSON object".into()));
    };
    let (name, version, listing) =
        header(&root).map_err(|reason| EmulatorError::MissingHeader {
            document: document.clone(),
            reason,
        })?;
    let Some(Value::Array(elements)) = root.get("elements") else {
        return Err(invalid("\"elements\" is missing or not an array".into()));
    };

    let mut operations = HashMap::new();
    let mut lookups = BTreeSet::new();
    for (index, element) in elements.iter().enumerate() {
        let Value::Object(element) = element else {
            return Err(invalid(format!("/elements/{index} is not an object")));
        };
        let Some(op_name) = element.get("name").and_then(Value::as_str) else {
            return Err(invalid(format!("/elements/{index} has no string \"name\"")));
        };
        let input_schema = element.get("inputSchema").unwrap_or(&Value::Null);
        collect_lookups(input_schema, &mut lookups);
        let validator = if validate && input_schema.is_object() {
            match InputValidator::build(input_schema) {
                Ok(validator) => Some(validator),
                Err(reason) => {
                    tracing::warn!(
                        document = %document,
                        operation = op_name,
                        "inputSchema does not compile even after normalising; \
                         serving the operation unvalidated: {reason}"
                    );
                    None
                }
            }
        } else {
            None
        };
        let operation = Operation {
            validator,
            output_schema: element.get("outputSchema").cloned().unwrap_or(Value::Null),
            has_dynamic_output: element.get("hasDynamicOutput") == Some(&Value::Bool(true)),
        };
        if operations.insert(op_name.to_owned(), operation).is_some() {
            return Err(invalid(format!(
                "two operations are named \"{op_name}\" (the second at /elements/{index})"
            )));
        }
    }

    Ok(Connector {
        name,
        version,
        listing,
        elements: Value::Array(elements.clone()),
        operations,
        lookups,
        document,
    })
}

/// Name, version and the Get Connectors element from the `connector` header, with defaults for
/// everything but name and version.
fn header(root: &Map<String, Value>) -> Result<(String, String, Value), String> {
    let Some(header) = root.get("connector") else {
        return Err("there is no \"connector\" key".into());
    };
    let Value::Object(header) = header else {
        return Err("\"connector\" is not an object".into());
    };
    let name = match header.get("name") {
        Some(Value::String(name)) if !name.is_empty() => name.clone(),
        _ => return Err("\"connector.name\" is missing or not a non-empty string".into()),
    };
    let version = match header.get("version") {
        Some(Value::String(version)) if !version.is_empty() => version.clone(),
        // A bare number is a common slip (`"version": 2.1`); keep its text.
        Some(Value::Number(version)) => version.to_string(),
        _ => return Err("\"connector.version\" is missing or not a string".into()),
    };
    let title = header
        .get("title")
        .and_then(Value::as_str)
        .map_or_else(|| title_from_name(&name), str::to_owned);
    let description = header
        .get("description")
        .and_then(Value::as_str)
        .map_or_else(
            || format!("{title} (served by tray-connect-emulator)"),
            str::to_owned,
        );
    let given = header.get("service").and_then(Value::as_object);
    let service_name = given
        .and_then(|s| s.get("name"))
        .and_then(Value::as_str)
        .unwrap_or(&name)
        .to_owned();
    let service_version = given
        .and_then(|s| s.get("version"))
        .filter(|v| v.is_i64() || v.is_u64())
        .cloned()
        .unwrap_or(json!(1));
    let service_id = given
        .and_then(|s| s.get("id"))
        .and_then(Value::as_str)
        .map_or_else(|| stable_id(&service_name), str::to_owned);
    let listing = json!({
        "name": name,
        "version": version,
        "title": title,
        "description": description,
        "service": {"id": service_id, "name": service_name, "version": service_version},
    });
    Ok((name, version, listing))
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

/// Every operation a `lookup` names: `lookup.operation`, the published doc quirk
/// `lookup.message`, and the legacy `lookup.body.message`.
fn collect_lookups(node: &Value, into: &mut BTreeSet<String>) {
    match node {
        Value::Object(map) => {
            if let Some(Value::Object(lookup)) = map.get("lookup") {
                let named = lookup
                    .get("operation")
                    .or_else(|| lookup.get("message"))
                    .or_else(|| lookup.get("body").and_then(|b| b.get("message")))
                    .and_then(Value::as_str);
                if let Some(operation) = named.filter(|o| !o.is_empty()) {
                    into.insert(operation.to_owned());
                }
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
        load(&DocumentSource::Json(json.to_owned(), 1), true)
    }

    #[test]
    fn header_defaults_are_filled_in() {
        let c =
            inline(r#"{"connector": {"name": "twilio-output", "version": "2.1"}, "elements": []}"#)
                .unwrap();
        assert_eq!(c.listing["title"], "Twilio Output");
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
        assert!(err.to_string().contains("connector.version"), "{err}");
        let err = inline(r#"[]"#).unwrap_err();
        assert!(
            err.to_string().contains("root is not a JSON object"),
            "{err}"
        );
        let err = inline(r#"{"connector": {"name": "x", "version": "1"}}"#).unwrap_err();
        assert!(err.to_string().contains("\"elements\""), "{err}");
        let err =
            inline(r#"{"connector": {"name": "x", "version": "1"}, "elements": [{"title": "t"}]}"#)
                .unwrap_err();
        assert!(err.to_string().contains("/elements/0"), "{err}");
        let err = inline(
            r#"{"connector": {"name": "x", "version": "1"}, "elements": [{"name": "a"}, {"name": "a"}]}"#,
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("two operations are named \"a\""),
            "{err}"
        );
    }

    #[test]
    fn unreadable_file_is_a_read_error() {
        let err = load(&DocumentSource::Path("/nonexistent/x.json".into()), true).unwrap_err();
        assert!(matches!(err, EmulatorError::Read { .. }));
        assert!(err.to_string().contains("/nonexistent/x.json"), "{err}");
    }
}
