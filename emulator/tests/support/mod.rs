//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;
use std::time::Duration;

use serde_json::Value;
use tray_connect_emulator::Emulator;

/// An authId as Tray issues them (a UUID; the emulator refuses anything else with a 400):
/// the one of the "Slack Send Message" example in Tray's published Call Connector payload.
pub const AUTH_ID: &str = "fe6ce53d-b414-4f24-b0d5-16a0a75544a0";

pub const TOKEN: &str = "test-token";

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn fixture_json(name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(fixture(name)).unwrap()).unwrap()
}

pub const SAMPLE_DOCUMENTS: &[&str] = &[
    "google-sheets-operations.json",
    "slack-operations.json",
    "github-legacy-operations.json",
    "cdk-tray-schema-fixtures-operations.json",
    "twilio-operations.json",
];

/// An emulator serving every sample document, requiring [`TOKEN`].
pub async fn samples() -> Emulator {
    let mut builder = Emulator::builder().token(TOKEN);
    for name in SAMPLE_DOCUMENTS {
        builder = builder.document(fixture(name));
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
