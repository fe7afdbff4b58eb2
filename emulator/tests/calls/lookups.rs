//! Lookup operations: three synthesised options, or scripted ones.

use serde_json::json;

use crate::support::{AUTH_ID, call, samples};

#[tokio::test]
async fn lookup_operations_answer_three_synthesised_options() {
    let emulator = samples().await;
    for (connector, version, operation) in [
        ("sheets", "8.1", "list_worksheets_ddl_return_name"),
        ("sheets", "8.1", "list_worksheet_column_headers_ddl"),
        // Named with the legacy `message` key.
        ("slack", "9.1", "list_channels_ddl"),
        ("cdk-fixtures", "1.0", "list_users_actual_ddl"),
    ] {
        let (status, body) = call(
            &emulator,
            connector,
            version,
            json!({"operation": operation, "authId": AUTH_ID,
                   "input": {"spreadsheet_id": "s"}}),
        )
        .await;
        assert_eq!(status, 200, "{operation}");
        assert_eq!(body["outcome"], "success");
        let result = body["output"]["result"].as_array().unwrap();
        assert_eq!(result.len(), 3, "{operation}");
        for option in result {
            assert!(option["text"].is_string() && option["value"].is_string());
        }
    }
    // A lookup of another connector is not served here.
    let (_, body) = call(
        &emulator,
        "twilio-output",
        "2.1",
        json!({"operation": "list_channels_ddl", "input": {}}),
    )
    .await;
    assert_eq!(body["outcome"], "error");
}

#[tokio::test]
async fn lookups_can_be_scripted_as_output_or_as_options() {
    let emulator = samples().await;
    let options = json!([{"text": "Sheet One", "value": "Sheet1"}]);
    emulator.respond("sheets", "list_worksheets_ddl_return_name", options.clone());
    let (_, body) = call(
        &emulator,
        "sheets",
        "8.1",
        json!({"operation": "list_worksheets_ddl_return_name", "input": {}}),
    )
    .await;
    assert_eq!(body["output"], json!({"result": options}));

    let whole = json!({"result": [{"text": "General", "value": "C1"}]});
    emulator.respond("slack", "list_channels_ddl", whole.clone());
    let (_, body) = call(
        &emulator,
        "slack",
        "9.1",
        json!({"operation": "list_channels_ddl", "input": {}}),
    )
    .await;
    assert_eq!(body["output"], whole);
}
