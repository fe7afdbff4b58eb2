//! `returnOutputSchema` on dynamic and static operations.

use serde_json::{Value, json};
use tray_connect_emulator::Emulator;

use crate::support::{AUTH_ID, call};

fn dynamic_document() -> String {
    json!({
        "connector": {"name": "shopify", "version": "4.0"},
        "elements": [
            {"name": "get_location", "hasDynamicOutput": true,
             "inputSchema": {"type": "object", "required": ["location_id"],
                             "properties": {"location_id": {"type": "string"}}},
             "outputSchema": {"type": "object",
                              "properties": {"location": {"type": "object"}}}},
            {"name": "get_anything", "hasDynamicOutput": true,
             "inputSchema": {"type": "object"}, "outputSchema": {}},
            {"name": "get_shop", "hasDynamicOutput": false,
             "inputSchema": {"type": "object"},
             "outputSchema": {"type": "object", "properties": {"id": {"type": "integer"}}}}
        ]
    })
    .to_string()
}

#[tokio::test]
async fn return_output_schema_on_a_dynamic_operation_answers_the_schema() {
    let emulator = Emulator::builder()
        .document_json(dynamic_document())
        .start()
        .await
        .unwrap();
    let request = |operation: &str| {
        json!({"operation": operation, "authId": AUTH_ID, "input": {"location_id": "61098065993"},
               "returnOutputSchema": true})
    };
    let (status, body) = call(&emulator, "shopify", "4.0", request("get_location")).await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"outcome": "success", "output": {"output_schema":
            {"type": "object", "properties": {"location": {"type": "object"}}}}})
    );
    let (_, body) = call(&emulator, "shopify", "4.0", request("get_anything")).await;
    assert_eq!(body["output"]["output_schema"], json!({"type": "object"}));
    // Without the flag a dynamic operation answers a normal output.
    let (_, body) = call(
        &emulator,
        "shopify",
        "4.0",
        json!({"operation": "get_location", "input": {"location_id": "1"}}),
    )
    .await;
    assert!(body["output"]["location"].is_object());
    assert!(emulator.calls()[0].return_output_schema);
}

#[tokio::test]
async fn return_output_schema_on_a_static_operation_is_400() {
    let emulator = Emulator::builder()
        .document_json(dynamic_document())
        .start()
        .await
        .unwrap();
    let (status, body) = call(
        &emulator,
        "shopify",
        "4.0",
        json!({"operation": "get_shop", "input": {}, "returnOutputSchema": true}),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("returnOutputSchema")
    );
    assert_eq!(body["code"], Value::Null);
}
