//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod receiver;

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{Value, json};
use tray_connect_emulator::{Emulator, EmulatorBuilder};

/// An authId as Tray issues them (a UUID; the emulator refuses anything else with a 400):
/// the one of the "Slack Send Message" example in Tray's published Call Connector payload.
pub const AUTH_ID: &str = "fe6ce53d-b414-4f24-b0d5-16a0a75544a0";

pub const TOKEN: &str = "test-token";

/// A file of `emulator/tests/fixtures`.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A trigger document, each kept once in the repository (see
/// `codegen/tests/fixtures/README.md`): `gosquared-trigger.json` (in `schemas/`) or
/// `tom-gmail-trigger.json` (in `codegen/tests/fixtures/`).
pub fn trigger_document(name: &str) -> PathBuf {
    let folder = match name {
        "gosquared-trigger.json" => "../schemas",
        _ => "../codegen/tests/fixtures",
    };
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(folder)
        .join(name)
}

pub fn fixture_json(name: &str) -> Value {
    read_json(&fixture(name))
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The sample documents. Tray's real ones are kept once, as Tray answers them (no header), in
/// `codegen/tests/fixtures/NAME.json`, and served under the headers of [`sample`]; Tray's
/// published Twilio example (`tests/fixtures/twilio-operations.json`) has its own header.
pub const SAMPLE_DOCUMENTS: &[&str] = &[
    "google-sheets",
    "slack",
    "github-legacy",
    "cdk-tray-schema-fixtures",
    "twilio",
];

/// Sample document `name` (one of [`SAMPLE_DOCUMENTS`]) with its `connector` header, as the
/// emulator serves it.
pub fn sample(name: &str) -> Value {
    // Made up where the source does not give a name or version (`sheets` 8.1, `github` 1.2,
    // `cdk-fixtures` 1.0); a title and a service, so the listing tests see both given and
    // defaulted ones.
    let header = match name {
        "twilio" => return fixture_json("twilio-operations.json"),
        "google-sheets" => json!({"name": "sheets", "version": "8.1", "title": "Google Sheets"}),
        "slack" => json!({
            "name": "slack", "version": "9.1", "title": "Slack",
            "service": {"id": "c0d7b5a2-1f3e-4b8a-9a5d-2e6f8b9c0d1e", "name": "slack", "version": 4}
        }),
        "github-legacy" => json!({"name": "github", "version": "1.2"}),
        "cdk-tray-schema-fixtures" => json!({"name": "cdk-fixtures", "version": "1.0"}),
        other => panic!("no sample document {other}"),
    };
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../codegen/tests/fixtures")
        .join(format!("{name}.json"));
    let mut document = read_json(&path);
    let elements = document["elements"].take();
    json!({"connector": header, "elements": elements})
}

/// `builder` with sample document `name` added.
pub fn with_sample(builder: EmulatorBuilder, name: &str) -> EmulatorBuilder {
    builder.document_json(sample(name).to_string())
}

/// An emulator serving every sample document, requiring [`TOKEN`].
pub async fn samples() -> Emulator {
    let mut builder = Emulator::builder().token(TOKEN);
    for name in SAMPLE_DOCUMENTS {
        builder = with_sample(builder, name);
    }
    builder.start().await.unwrap()
}

/// A client without connection reuse surprises: short timeout so hang tests stay fast.
pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

pub fn call_url(emulator: &Emulator, name: &str, version: &str) -> String {
    format!(
        "{}/core/v1/connectors/{name}/versions/{version}/call",
        emulator.base_url()
    )
}

/// POSTs a Call Connector body with the right token; returns status and JSON body.
pub async fn call(emulator: &Emulator, name: &str, version: &str, body: Value) -> (u16, Value) {
    let response = http()
        .post(call_url(emulator, name, version))
        .bearer_auth(TOKEN)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// GETs a path under the base URL with the right token; returns status and JSON body.
pub async fn get(emulator: &Emulator, path: &str) -> (u16, Value) {
    let response = http()
        .get(format!("{}{path}", emulator.base_url()))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// Validates `instance` against a Tray schema the simple way: `$schema` dropped, draft-04.
pub fn conformance_errors(schema: &Value, instance: &Value) -> Vec<String> {
    let mut schema = schema.clone();
    if let Some(map) = schema.as_object_mut() {
        map.remove("$schema");
    }
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .build(&schema)
        .unwrap();
    validator
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path().as_str()))
        .collect()
}
