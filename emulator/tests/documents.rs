//! Loading documents: the real samples load, broken ones give a clear error.

mod support;

use serde_json::json;
use support::{SAMPLE_DOCUMENTS, fixture, get, with_sample};
use tray_connect_emulator::{Emulator, EmulatorError};

#[tokio::test]
async fn every_sample_document_loads_on_its_own() {
    for name in SAMPLE_DOCUMENTS {
        let emulator = with_sample(Emulator::builder(), name)
            .start()
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let (status, body) = get(&emulator, "/core/v1/connectors").await;
        assert_eq!(status, 200);
        assert_eq!(body["elements"].as_array().unwrap().len(), 1, "{name}");
    }
}

#[tokio::test]
async fn an_emulator_without_documents_lists_nothing() {
    let emulator = Emulator::builder().start().await.unwrap();
    let (status, body) = get(&emulator, "/core/v1/connectors").await;
    assert_eq!(status, 200);
    assert_eq!(body, json!({"elements": []}));
}

#[tokio::test]
async fn invalid_json_reports_document_line_and_column() {
    let error = Emulator::builder()
        .document_json(r#"{"connector": {"name": "a", "version": "1"}, "elements": []}"#)
        .document_json("{\n  \"connector\": {\"name\": \"b\", \"version\": \"1\"},\n  \"elements\": [\n    {\"name\": \"x\",}\n  ]\n}")
        .start()
        .await
        .unwrap_err();
    let EmulatorError::Json { document, line, .. } = &error else {
        panic!("{error:?}");
    };
    assert_eq!(document, "<inline document 2>");
    assert_eq!(*line, 4);
    let message = error.to_string();
    assert!(message.contains("line 4, column"), "{message}");
}

#[tokio::test]
async fn a_document_without_header_is_refused_naming_the_file() {
    let path = std::env::temp_dir().join(format!(
        "tray-emulator-no-header-{}.json",
        std::process::id()
    ));
    std::fs::write(&path, r#"{"elements": []}"#).unwrap();
    let error = Emulator::builder()
        .document(&path)
        .start()
        .await
        .unwrap_err();
    std::fs::remove_file(&path).unwrap();
    assert!(
        matches!(error, EmulatorError::MissingHeader { .. }),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(message.contains("\"connector\""), "{message}");
}

#[tokio::test]
async fn an_unreadable_file_is_a_read_error() {
    let error = Emulator::builder()
        .document(fixture("does-not-exist.json"))
        .start()
        .await
        .unwrap_err();
    assert!(matches!(error, EmulatorError::Read { .. }), "{error:?}");
    assert!(error.to_string().contains("does-not-exist.json"));
    assert!(std::error::Error::source(&error).is_some());
}

#[tokio::test]
async fn a_relative_path_is_found_from_the_crate_up_to_the_workspace_root_as_the_macro_finds_it() {
    // `cargo test` runs this in the emulator's directory; the document is in the workspace's
    // `schemas/`, where `connector!("…", "schemas/twilio-output.json")` finds it too.
    let emulator = Emulator::builder()
        .document("schemas/twilio-output.json")
        .start()
        .await
        .unwrap();
    let (status, _) = get(
        &emulator,
        "/core/v1/connectors/twilio-output/versions/2.1/operations",
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_relative_path_not_found_says_where_it_looked_and_what_lies_there() {
    let error = Emulator::builder()
        .document("schemas/twilio.json")
        .start()
        .await
        .unwrap_err();
    let EmulatorError::NotFound { tried, .. } = &error else {
        panic!("{error:?}");
    };
    let current = std::env::current_dir().unwrap().join("schemas/twilio.json");
    assert_eq!(tried[0], current.display().to_string(), "{error}");
    let message = error.to_string();
    assert!(message.contains("from the current directory"), "{message}");
    assert!(
        message.contains("twilio-output.json`?"),
        "suggests the file `pull` writes: {message}"
    );
}

#[tokio::test]
async fn structural_problems_are_document_errors() {
    for (json, expected) in [
        (r#"[]"#, "the root must be a JSON object"),
        (
            r#"{"connector": {"name": "a", "version": "1"}, "elements": {}}"#,
            "`elements` must be an array",
        ),
        (
            r#"{"connector": {"name": "a", "version": "1"}, "elements": [3]}"#,
            "/elements/0",
        ),
        (
            r#"{"connector": {"name": "a", "version": "1"}, "elements": [{"name": "x"}, {"name": "x"}]}"#,
            "operation `x` is defined twice",
        ),
    ] {
        let error = Emulator::builder()
            .document_json(json)
            .start()
            .await
            .unwrap_err();
        assert!(error.to_string().contains(expected), "{error}");
    }
}

#[tokio::test]
async fn a_raw_get_connector_operations_answer_is_served_under_the_name_given_with_it() {
    // Tray's own answer has no header: `document_json_as` names it, as `connector!`'s
    // literals do.
    let answer = r#"{"elements": [{"name": "ping", "inputSchema": {"type": "object",
        "properties": {"message": {"type": "string"}}, "required": ["message"]}}]}"#;
    let emulator = Emulator::builder()
        .document_json_as("echo", "1.0", answer)
        .start()
        .await
        .unwrap();
    let (_, body) = get(&emulator, "/core/v1/connectors").await;
    assert_eq!(body["elements"][0]["name"], "echo");
    assert_eq!(body["elements"][0]["version"], "1.0");
    let (_, body) = get(
        &emulator,
        "/core/v1/connectors/echo/versions/1.0/operations",
    )
    .await;
    assert_eq!(body["elements"][0]["name"], "ping");

    // A header that disagrees is refused, naming both.
    let error = Emulator::builder()
        .document_json_as(
            "echo",
            "1.0",
            r#"{"connector": {"name": "echo", "version": "2.0"}, "elements": []}"#,
        )
        .start()
        .await
        .unwrap_err();
    assert!(
        matches!(error, EmulatorError::HeaderMismatch { .. }),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .contains("connector version `2.0`, not `1.0`"),
        "{error}"
    );
}

#[tokio::test]
async fn the_same_connector_version_twice_is_refused() {
    let document = r#"{"connector": {"name": "a", "version": "1"}, "elements": []}"#;
    let error = Emulator::builder()
        .document_json(document)
        .document_json(document)
        .start()
        .await
        .unwrap_err();
    assert!(
        matches!(error, EmulatorError::DuplicateConnector { .. }),
        "{error:?}"
    );
    // Two versions of one connector are fine.
    let emulator = Emulator::builder()
        .document_json(document)
        .document_json(r#"{"connector": {"name": "a", "version": "2"}, "elements": []}"#)
        .start()
        .await
        .unwrap();
    let (_, body) = get(&emulator, "/core/v1/connectors").await;
    assert_eq!(body["elements"].as_array().unwrap().len(), 2);
}
