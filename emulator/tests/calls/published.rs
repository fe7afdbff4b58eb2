//! Tray's published examples of Call Connector answers, reproduced.

use serde_json::{Value, json};
use tray_connect_emulator::Emulator;

use crate::support::{TOKEN, call, samples};

/// The published examples in `core/tests/fixtures/call-connector-examples.json`, by id.
fn example(id: &str) -> Value {
    serde_json::from_str::<Value>(include_str!(
        "../../../core/tests/fixtures/call-connector-examples.json"
    ))
    .unwrap()
    .as_array()
    .unwrap()
    .iter()
    .find(|e| e["id"] == id)
    .unwrap()
    .clone()
}

#[tokio::test]
async fn tray_s_published_400_is_reproduced_byte_for_byte() {
    let example = example("tray_400_missing_required_input");
    let document = json!({
        "connector": {"name": "slack", "version": "9.1"},
        "elements": [{"name": "send_message", "inputSchema": {"type": "object",
            "properties": {"channel": {"type": "string"}, "text": {"type": "string"},
                           "as_user": {"type": "boolean"}},
            "required": ["channel", "text"]}}]
    });
    let emulator = Emulator::builder()
        .token(TOKEN)
        .document_json(document.to_string())
        .start()
        .await
        .unwrap();
    // The published authId is redacted ("af75xxxx-..."): its hidden hex digits are filled
    // with 0 so that it is a UUID again, as the one Tray answered was.
    let mut request = example["request"].clone();
    let redacted = request["authId"].as_str().unwrap().to_owned();
    request["authId"] = json!(redacted.replace('x', "0"));
    let (status, body) = call(&emulator, "slack", "9.1", request).await;
    assert_eq!(status, 400);
    assert_eq!(body, example["response"]["body"]);
}

#[tokio::test]
async fn tray_s_published_401_and_unknown_operation_shapes_are_reproduced() {
    let emulator = samples().await;
    let unauthorized = reqwest::Client::new()
        .get(format!("{}/core/v1/connectors", emulator.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(unauthorized.status(), 401);
    let body: Value = unauthorized.json().await.unwrap();
    assert_eq!(
        body,
        example("tray_401_unauthorized_probe")["response"]["body"]
    );

    let published = example("connector_unexpectedly_failed_wrong_operation_name");
    let published = published["response"]["body"]["output"]["message"]
        .as_str()
        .unwrap();
    let (_, body) = call(
        &emulator,
        "slack",
        "9.1",
        json!({"operation": "no_such_operation", "input": {}}),
    )
    .await;
    let ours = body["output"]["message"].as_str().unwrap();
    assert_eq!(ours.len(), published.len());
    assert_eq!(ours[..ours.len() - 10], published[..published.len() - 10]);
}

#[tokio::test]
async fn the_published_lookup_answer_shape_is_reproduced() {
    let published = example("slack_list_users_ddl_success");
    let emulator = samples().await;
    let (_, body) = call(
        &emulator,
        "slack",
        "9.1",
        json!({"operation": "list_workspaces_ddl", "input": {}}),
    )
    .await;
    assert_eq!(body["outcome"], published["response"]["body"]["outcome"]);
    let keys = |v: &Value| {
        let mut keys: Vec<String> = v["output"]["result"][0]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        keys.sort();
        keys
    };
    assert_eq!(keys(&body), keys(&published["response"]["body"]));
}
