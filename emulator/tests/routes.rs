//! The three endpoints, auth, errors and the call log, over real HTTP.

mod support;

use serde_json::{Value, json};
use support::{AUTH_ID, TOKEN, call, call_url, get, http, sample, samples};
use tray_connect_emulator::Emulator;

#[tokio::test]
async fn base_url_is_loopback_without_trailing_slash() {
    let emulator = Emulator::builder().start().await.unwrap();
    let url = emulator.base_url();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert!(!url.ends_with('/'));
    assert_eq!(emulator.token(), None);
}

#[tokio::test]
async fn get_connectors_lists_every_document_header_with_defaults() {
    let emulator = samples().await;
    let (status, body) = get(&emulator, "/core/v1/connectors").await;
    assert_eq!(status, 200);
    let elements = body["elements"].as_array().unwrap();
    let names: Vec<&str> = elements
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["sheets", "slack", "github", "cdk-fixtures", "twilio-output"]
    );
    let twilio = &elements[4];
    assert_eq!(twilio["version"], "2.1");
    assert_eq!(twilio["title"], "Twilio");
    assert_eq!(twilio["description"], "Send SMS and MMS messages.");
    assert_eq!(twilio["service"]["name"], "twilio-output");
    assert_eq!(twilio["service"]["version"], 1);
    assert!(twilio["service"]["id"].is_string());
    // A service given in the header is kept.
    assert_eq!(
        elements[1]["service"],
        json!({"id": "c0d7b5a2-1f3e-4b8a-9a5d-2e6f8b9c0d1e", "name": "slack", "version": 4})
    );
    // Defaults: title from the name, a stable service id, and an empty description (none
    // is invented: `pull` from the emulator would write it into the vendored file).
    assert_eq!(elements[2]["title"], "Github");
    assert_eq!(elements[2]["description"], "");
}

#[tokio::test]
async fn get_operations_returns_the_elements_as_written() {
    let emulator = samples().await;
    let (status, body) = get(
        &emulator,
        "/core/v1/connectors/sheets/versions/8.1/operations",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"elements": sample("google-sheets")["elements"]})
    );
}

#[tokio::test]
async fn unknown_connector_or_version_is_404_in_tray_format() {
    let emulator = samples().await;
    for path in [
        "/core/v1/connectors/nope/versions/1.0/operations",
        "/core/v1/connectors/sheets/versions/9.9/operations",
    ] {
        let (status, body) = get(&emulator, path).await;
        assert_eq!(status, 404, "{path}");
        assert!(body["message"].as_str().unwrap().contains("not found"));
        assert_eq!(body["code"], Value::Null);
        assert!(body.as_object().unwrap().contains_key("code"));
    }
    let (status, body) = call(
        &emulator,
        "sheets",
        "9.9",
        json!({"operation": "get_rows", "input": {}}),
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(body["code"], Value::Null);
    let (status, _) = get(&emulator, "/core/v1/elsewhere").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn bad_or_missing_token_is_401_without_code() {
    let emulator = samples().await;
    let url = format!("{}/core/v1/connectors", emulator.base_url());
    let attempts = [
        http().get(&url),
        http().get(&url).bearer_auth("wrong"),
        http().get(&url).header("Authorization", TOKEN),
        http().get(&url).header("Authorization", "Basic dGVzdA=="),
        http()
            .post(call_url(&emulator, "sheets", "8.1"))
            .json(&json!({"operation": "get_rows", "input": {}})),
    ];
    for request in attempts {
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 401);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body, json!({"message": "The request is unauthorized"}));
    }
    assert!(
        emulator.calls().is_empty(),
        "unauthorized calls are not recorded"
    );
}

#[tokio::test]
async fn without_a_configured_token_any_non_empty_bearer_token_works() {
    let emulator = Emulator::builder().start().await.unwrap();
    let url = format!("{}/core/v1/connectors", emulator.base_url());
    let ok = http()
        .get(&url)
        .bearer_auth("anything")
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let empty = http()
        .get(&url)
        .header("Authorization", "Bearer ")
        .send()
        .await
        .unwrap();
    assert_eq!(empty.status(), 401);
}

#[tokio::test]
async fn unknown_operation_is_a_200_outcome_error_with_an_error_id() {
    let emulator = samples().await;
    let (status, body) = call(
        &emulator,
        "sheets",
        "8.1",
        json!({"operation": "delete_everything", "authId": AUTH_ID, "input": {}}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["outcome"], "error");
    let message = body["output"]["message"].as_str().unwrap();
    let prefix = "Unfortunately, the connector unexpectedly failed. Please contact support if \
                  this persists. Error ID: ";
    let id = message.strip_prefix(prefix).unwrap();
    assert_eq!(id.len(), 10);
    assert!(id.chars().all(|c| c.is_ascii_hexdigit()), "{id}");
}

#[tokio::test]
async fn malformed_call_bodies_are_400_in_tray_format() {
    let emulator = samples().await;
    let url = call_url(&emulator, "sheets", "8.1");
    let bodies = [
        "not json".to_owned(),
        "[1, 2]".to_owned(),
        json!({"input": {}}).to_string(),
        json!({"operation": "get_rows"}).to_string(),
        json!({"operation": "get_rows", "input": "x"}).to_string(),
        json!({"operation": "get_rows", "input": {}, "authId": 5}).to_string(),
        json!({"operation": "get_rows", "input": {}, "returnOutputSchema": "yes"}).to_string(),
    ];
    for body in &bodies {
        let response = http()
            .post(&url)
            .bearer_auth(TOKEN)
            .header("Content-Type", "application/json")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{body}");
        let answer: Value = response.json().await.unwrap();
        assert!(answer["message"].is_string(), "{answer}");
        assert_eq!(answer["code"], Value::Null);
    }
    // Even malformed calls are recorded, as far as they could be read.
    let calls = emulator.calls();
    assert_eq!(calls.len(), bodies.len());
    assert_eq!(calls[0].operation, "");
    assert_eq!(calls[0].input, Value::Null);
    assert_eq!(calls[3].operation, "get_rows");
    assert_eq!(calls[4].input, json!("x"));
}

#[tokio::test]
async fn calls_are_recorded_in_order_and_cleared() {
    let emulator = samples().await;
    call(
        &emulator,
        "twilio-output",
        "2.1",
        json!({"operation": "send_sms", "authId": AUTH_ID, "input": {"to": "+1"}}),
    )
    .await;
    call(
        &emulator,
        "sheets",
        "8.1",
        json!({"operation": "get_rows", "input": {}, "returnOutputSchema": false}),
    )
    .await;
    call(
        &emulator,
        "nope",
        "1",
        json!({"operation": "x", "input": {"a": 1}, "returnOutputSchema": true}),
    )
    .await;
    let calls = emulator.calls();
    assert_eq!(calls.len(), 3);
    assert_eq!(calls[0].connector, "twilio-output");
    assert_eq!(calls[0].version, "2.1");
    assert_eq!(calls[0].operation, "send_sms");
    assert_eq!(calls[0].auth_id.as_deref(), Some(AUTH_ID));
    assert_eq!(calls[0].input, json!({"to": "+1"}));
    assert!(!calls[0].return_output_schema);
    assert_eq!(calls[1].operation, "get_rows");
    assert_eq!(calls[1].auth_id, None);
    assert_eq!(calls[2].connector, "nope");
    assert!(calls[2].return_output_schema);

    emulator.clear_calls();
    assert!(emulator.calls().is_empty());
    call(
        &emulator,
        "twilio-output",
        "2.1",
        json!({"operation": "send_sms", "input": {}}),
    )
    .await;
    assert_eq!(emulator.calls().len(), 1);
}

#[tokio::test]
async fn list_requests_are_not_recorded_as_calls() {
    let emulator = samples().await;
    get(&emulator, "/core/v1/connectors").await;
    get(
        &emulator,
        "/core/v1/connectors/slack/versions/9.1/operations",
    )
    .await;
    assert!(emulator.calls().is_empty());
}

#[tokio::test]
async fn many_concurrent_calls_are_all_recorded() {
    let emulator = samples().await;
    let futures = (0..50).map(|i| {
        call(
            &emulator,
            "twilio-output",
            "2.1",
            json!({"operation": "send_sms", "input": {"body": i.to_string()}}),
        )
    });
    let answers = futures_util::future::join_all(futures).await;
    assert!(answers.iter().all(|(status, _)| *status == 200));
    let mut bodies: Vec<i64> = emulator
        .calls()
        .iter()
        .map(|c| c.input["body"].as_str().unwrap().parse().unwrap())
        .collect();
    bodies.sort_unstable();
    assert_eq!(bodies, (0..50).collect::<Vec<_>>());
}

#[tokio::test]
async fn dropping_the_emulator_stops_the_server_and_its_connections() {
    let emulator = samples().await;
    let client = http();
    let url = format!("{}/core/v1/connectors", emulator.base_url());
    // Open a pooled keep-alive connection first.
    let first = client.get(&url).bearer_auth(TOKEN).send().await.unwrap();
    assert_eq!(first.status(), 200);
    first.bytes().await.unwrap();
    drop(emulator);
    // The server task is freed the next time the runtime runs: wait for that event (no
    // answer to a request any more), within a hang guard.
    let guard = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while client.get(&url).bearer_auth(TOKEN).send().await.is_ok() {
        assert!(
            std::time::Instant::now() < guard,
            "the dropped emulator still answers after 5 s"
        );
        tokio::task::yield_now().await;
    }
}

/// Found by the `emulator_schema` fuzz target (see `fuzz/RUNS.md`): on a current-thread runtime
/// the aborted server task, and the documents it holds, are freed only when the runtime runs
/// again. One yield is enough; after it nothing listens on the port any more.
#[test]
fn a_dropped_emulator_is_gone_after_one_yield_on_a_current_thread_runtime() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let address = runtime.block_on(async {
        let emulator = samples().await;
        let address = emulator.local_addr();
        drop(emulator);
        tokio::task::yield_now().await;
        address
    });
    assert!(
        std::net::TcpStream::connect(address).is_err(),
        "{address} still accepts connections after the emulator was dropped"
    );
}
