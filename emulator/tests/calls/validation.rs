//! Validating a call's input against its `inputSchema`, in Tray's wording, and refusing the
//! calls of an operation whose schema does not compile.

use serde_json::{Value, json};
use tray_connect_emulator::Emulator;

use crate::support::{self, AUTH_ID, call, sample, samples};
use crate::valid_get_rows;

#[tokio::test]
async fn missing_required_input_is_tray_s_400() {
    let emulator = samples().await;
    let (status, body) = call(
        &emulator,
        "slack",
        "9.1",
        json!({"operation": "send_message", "authId": AUTH_ID,
               "input": {"message": "Hello", "time": "now"}}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"message": "Connector input validation failed. Schema validation errors: \
                           [ 1 - #: required key [channel_id] not found ]",
               "code": null})
    );
}

#[tokio::test]
async fn several_errors_are_numbered_with_tray_type_wording() {
    let emulator = samples().await;
    let (status, body) = call(
        &emulator,
        "sheets",
        "8.1",
        json!({"operation": "get_rows",
               "input": {"worksheet_name": "Sheet1", "number_of_rows": "100"}}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body["message"],
        "Connector input validation failed. Schema validation errors: [ 1 - #: required key \
         [spreadsheet_id] not found, 2 - #/number_of_rows: expected type: Integer, found: String ]"
    );
    assert_eq!(body["code"], Value::Null);
}

#[tokio::test]
async fn nested_and_enum_errors_name_their_location() {
    let emulator = samples().await;
    let mut input = valid_get_rows();
    input["filter"] = json!({"operator": "Roughly", "unknown": 1});
    let (status, body) = call(
        &emulator,
        "sheets",
        "8.1",
        json!({"operation": "get_rows", "input": input}),
    )
    .await;
    assert_eq!(status, 400);
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains("#/filter: extraneous key [unknown] is not permitted"),
        "{message}"
    );
    assert!(
        message.contains("#/filter/operator: \"Roughly\" is not a valid enum value"),
        "{message}"
    );
}

#[tokio::test]
async fn validation_can_be_switched_off() {
    let emulator = Emulator::builder()
        .validate(false)
        .document_json(sample("slack").to_string())
        .start()
        .await
        .unwrap();
    let response = reqwest::Client::new()
        .post(support::call_url(&emulator, "slack", "9.1"))
        .bearer_auth("any")
        .json(&json!({"operation": "send_message", "input": {"nonsense": 1}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

/// An emulator serving the connector `odd` 1, whose operation `op` has `input_schema` and
/// whose operation `plain` takes `{"n": integer}`.
async fn odd(input_schema: Value) -> Emulator {
    let document = json!({
        "connector": {"name": "odd", "version": "1"},
        "elements": [
            {"name": "op", "inputSchema": input_schema},
            {"name": "plain", "inputSchema": {"type": "object",
                "properties": {"n": {"type": "integer"}}}}
        ]
    });
    Emulator::builder()
        .document_json(document.to_string())
        .start()
        .await
        .expect("a document with one odd schema still starts")
}

/// Calls `op` of [`odd`] with `input`: status and body.
async fn call_odd(emulator: &Emulator, operation: &str, input: Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(support::call_url(emulator, "odd", "1"))
        .bearer_auth("any")
        .json(&json!({"operation": operation, "input": input}))
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

/// `op` is refused whatever its input, with a 500 that says why; `plain`, in the same
/// document, is served and validated.
async fn assert_refused(emulator: &Emulator, inputs: &[Value], why: &str) {
    for input in inputs {
        let (status, body) = call_odd(emulator, "op", input.clone()).await;
        assert_eq!(status, 500, "{input}: {body}");
        let message = body["message"].as_str().unwrap();
        assert!(
            message.starts_with(
                "The emulator cannot validate the input of operation 'op' of connector 'odd' 1: \
                 its inputSchema does not compile ("
            ),
            "{message}"
        );
        assert!(message.contains(why), "{message}");
        assert_eq!(body["code"], Value::Null);
    }
    assert_eq!(call_odd(emulator, "plain", json!({"n": 1})).await.0, 200);
    assert_eq!(call_odd(emulator, "plain", json!({"n": "x"})).await.0, 400);
}

#[tokio::test]
async fn a_schema_that_cannot_compile_refuses_its_calls() {
    // An invalid regex survives normalisation and fails to compile: the operation is not
    // served unvalidated.
    let emulator = odd(json!({"type": "object",
        "properties": {"p": {"type": "string", "pattern": "(unclosed"}}, "required": ["p"]}))
    .await;
    assert_refused(&emulator, &[json!({}), json!({"p": "x"})], "(unclosed").await;
}

#[tokio::test]
async fn a_remote_ref_smuggled_past_the_normaliser_is_never_served_unvalidated() {
    // `#/smuggle` resolves locally, into a keyword the normaliser does not walk, which holds
    // a remote `$ref`. It used to make the validator fail to build, and the operation then
    // accepted `{"n": "not a number"}`.
    let emulator = odd(json!({"type": "object",
        "properties": {"n": {"$ref": "#/smuggle"}},
        "smuggle": {"$ref": "https://evil.invalid/x.json"}}))
    .await;
    assert_refused(
        &emulator,
        &[json!({"n": "not a number"}), json!({"n": 1})],
        "the emulator fetches no schema, so the reference to https://evil.invalid/x.json is \
         refused",
    )
    .await;
}

#[tokio::test]
async fn a_file_ref_is_never_read() {
    // The file holds a schema that accepts the bad input: had the emulator read it, the call
    // would pass. (Checked: with jsonschema's `resolve-file` feature on and no retriever of
    // the emulator's own, it is read.)
    struct Removed(std::path::PathBuf);
    impl Drop for Removed {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }
    let file = Removed(std::env::temp_dir().join(format!(
        "tray-emulator-smuggled-{}.json",
        std::process::id()
    )));
    std::fs::write(&file.0, r#"{"type": "string"}"#).unwrap();
    let url = format!("file://{}", file.0.display());
    let emulator = odd(json!({"type": "object",
        "properties": {"n": {"$ref": "#/smuggle"}},
        "smuggle": {"$ref": url}}))
    .await;
    assert_refused(
        &emulator,
        &[json!({"n": "not a number"})],
        &format!("the emulator fetches no schema, so the reference to {url} is refused"),
    )
    .await;
}
