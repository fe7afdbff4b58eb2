//! Every fault and scope, as a client sees them.

mod support;

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::{AUTH_ID, TOKEN, call, call_url, get, http, samples};
use tray_connect_emulator::{Emulator, Fault, Scope};

fn send_sms(body: &str) -> Value {
    json!({"operation": "send_sms", "authId": AUTH_ID, "input": {"to": "+1", "body": body}})
}

async fn list_status(emulator: &Emulator) -> u16 {
    http()
        .get(format!("{}/core/v1/connectors", emulator.base_url()))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn status_fault_answers_its_json_and_the_call_is_still_recorded() {
    let emulator = samples().await;
    emulator.inject(
        Fault::Status(500, json!({"message": "Internal error", "code": null})),
        Scope::Next(1),
    );
    let (status, body) = call(&emulator, "twilio-output", "2.1", send_sms("1")).await;
    assert_eq!(status, 500);
    assert_eq!(body, json!({"message": "Internal error", "code": null}));
    let (status, _) = call(&emulator, "twilio-output", "2.1", send_sms("2")).await;
    assert_eq!(status, 200);
    let calls = emulator.calls();
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].input["body"], "1");
}

#[tokio::test]
async fn faults_apply_to_list_endpoints_too() {
    let emulator = samples().await;
    emulator.inject(
        Fault::RetryAfter(429, Duration::from_millis(1500)),
        Scope::Next(2),
    );
    let url = format!("{}/core/v1/connectors", emulator.base_url());
    for _ in 0..2 {
        let response = http().get(&url).bearer_auth(TOKEN).send().await.unwrap();
        assert_eq!(response.status(), 429);
        assert_eq!(response.headers()["retry-after"], "2");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["code"], Value::Null);
        assert!(body["message"].is_string());
    }
    let (status, _) = get(
        &emulator,
        "/core/v1/connectors/slack/versions/9.1/operations",
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn html_fault_answers_an_html_page() {
    let emulator = samples().await;
    emulator.inject(Fault::Html(502), Scope::Next(1));
    let response = http()
        .get(format!("{}/core/v1/connectors", emulator.base_url()))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 502);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let text = response.text().await.unwrap();
    assert!(
        text.contains("<html>") && text.contains("502 Bad Gateway"),
        "{text}"
    );
}

#[tokio::test]
async fn latency_delays_then_answers_normally() {
    let emulator = samples().await;
    emulator.inject(Fault::Latency(Duration::from_millis(300)), Scope::Next(1));
    let started = Instant::now();
    let (status, body) = call(&emulator, "twilio-output", "2.1", send_sms("x")).await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(status, 200);
    assert_eq!(body["outcome"], "success");
}

#[tokio::test]
async fn hang_never_answers_until_the_client_gives_up() {
    let emulator = samples().await;
    emulator.inject(Fault::Hang, Scope::Next(1));
    let started = Instant::now();
    let result = http()
        .post(call_url(&emulator, "twilio-output", "2.1"))
        .bearer_auth(TOKEN)
        .json(&send_sms("x"))
        .timeout(Duration::from_millis(300))
        .send()
        .await;
    let error = result.unwrap_err();
    assert!(error.is_timeout(), "{error}");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(emulator.calls().len(), 1, "a hung call is still recorded");
    // The emulator keeps serving others.
    let (status, _) = call(&emulator, "twilio-output", "2.1", send_sms("y")).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn truncate_sends_the_full_content_length_but_only_n_bytes() {
    let emulator = samples().await;
    // What the untruncated answer looks like.
    let full = http()
        .get(format!("{}/core/v1/connectors", emulator.base_url()))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    emulator.inject(Fault::Truncate(10), Scope::Next(1));
    let response = http()
        .get(format!("{}/core/v1/connectors", emulator.base_url()))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.content_length(), Some(full.len() as u64));
    assert!(response.bytes().await.is_err(), "the body must end early");
}

#[tokio::test]
async fn truncate_beyond_the_body_changes_nothing() {
    let emulator = samples().await;
    emulator.inject(Fault::Truncate(1_000_000), Scope::Next(1));
    let (status, body) = call(&emulator, "twilio-output", "2.1", send_sms("x")).await;
    assert_eq!(status, 200);
    assert_eq!(body["outcome"], "success");
}

#[tokio::test]
async fn drop_mid_body_breaks_the_body() {
    let emulator = samples().await;
    emulator.inject(Fault::DropMidBody, Scope::Next(1));
    let response = http()
        .post(call_url(&emulator, "twilio-output", "2.1"))
        .bearer_auth(TOKEN)
        .json(&send_sms("x"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.bytes().await.is_err());
    assert_eq!(emulator.calls().len(), 1);
}

#[tokio::test]
async fn trickle_sends_the_real_body_slowly() {
    let emulator = samples().await;
    // The connectors list is roughly 800 bytes: at 2,000 B/s that is about 0.4 s.
    emulator.inject(
        Fault::Trickle {
            bytes_per_sec: 2_000,
        },
        Scope::Next(1),
    );
    let started = Instant::now();
    let (status, body) = get(&emulator, "/core/v1/connectors").await;
    let elapsed = started.elapsed();
    assert_eq!(status, 200);
    assert_eq!(body["elements"].as_array().unwrap().len(), 5);
    let size = serde_json::to_vec(&body).unwrap().len() as f64;
    assert!(
        elapsed >= Duration::from_secs_f64(size / 2_000.0 * 0.7),
        "{elapsed:?} for {size} bytes"
    );
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
}

#[tokio::test]
async fn third_party_error_is_a_200_outcome_error() {
    let emulator = samples().await;
    let output = json!({"message": "Not found. Looks like this has been removed.",
                        "response": {"statusCode": 404, "body": "Board not found"},
                        "expects": {"statusCode": [200]}});
    emulator.inject(Fault::ThirdPartyError(output.clone()), Scope::Next(1));
    let (status, body) = call(&emulator, "twilio-output", "2.1", send_sms("x")).await;
    assert_eq!(status, 200);
    assert_eq!(body, json!({"outcome": "error", "output": output}));
}

#[tokio::test]
async fn every_scope_hits_each_nth_request_of_all_endpoints() {
    let emulator = samples().await;
    emulator.inject(
        Fault::Status(503, json!({"message": "down"})),
        Scope::Every(3),
    );
    let mut statuses = Vec::new();
    for i in 0..6 {
        if i % 2 == 0 {
            statuses.push(list_status(&emulator).await);
        } else {
            statuses.push(
                call(&emulator, "twilio-output", "2.1", send_sms("x"))
                    .await
                    .0,
            );
        }
    }
    assert_eq!(statuses, [200, 200, 503, 200, 200, 503]);
}

#[tokio::test]
async fn fraction_scope_is_reproducible_with_its_seed() {
    async fn run(seed: u64) -> Vec<u16> {
        let emulator = samples().await;
        emulator.inject(Fault::Status(500, json!({})), Scope::Fraction(0.5, seed));
        let mut statuses = Vec::new();
        for _ in 0..20 {
            statuses.push(list_status(&emulator).await);
        }
        statuses
    }
    let first = run(42).await;
    assert_eq!(first, run(42).await);
    let failures = first.iter().filter(|s| **s == 500).count();
    assert!((3..=17).contains(&failures), "{first:?}");
}

#[tokio::test]
async fn operation_scope_faults_only_that_operation() {
    let emulator = samples().await;
    emulator.inject(
        Fault::Status(500, json!({"message": "boom", "code": null})),
        Scope::Operation("send_sms".into()),
    );
    for _ in 0..2 {
        let (status, _) = call(&emulator, "twilio-output", "2.1", send_sms("x")).await;
        assert_eq!(status, 500);
    }
    let (status, _) = call(
        &emulator,
        "sheets",
        "8.1",
        json!({"operation": "get_rows", "input": {"spreadsheet_id": "s",
               "worksheet_name": "w", "number_of_rows": 1}}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(list_status(&emulator).await, 200);
}

#[tokio::test]
async fn clear_faults_removes_every_fault() {
    let emulator = samples().await;
    emulator.inject(Fault::Status(500, json!({})), Scope::Every(1));
    emulator.inject(Fault::Hang, Scope::Operation("send_sms".into()));
    assert_eq!(list_status(&emulator).await, 500);
    emulator.clear_faults();
    assert_eq!(list_status(&emulator).await, 200);
    let (status, _) = call(&emulator, "twilio-output", "2.1", send_sms("x")).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_client_retry_after_a_429_succeeds() {
    let emulator = samples().await;
    emulator.inject(
        Fault::RetryAfter(429, Duration::from_secs(0)),
        Scope::Next(1),
    );
    let mut attempts = 0;
    let status = loop {
        attempts += 1;
        let status = list_status(&emulator).await;
        if status != 429 || attempts == 3 {
            break status;
        }
    };
    assert_eq!((status, attempts), (200, 2));
}
