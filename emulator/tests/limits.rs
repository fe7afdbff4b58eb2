//! `EmulatorBuilder::tray_limits`: beyond 1,000 calls in progress, or beyond Tray's rate on
//! the other endpoints, the emulator answers 429 as Tray does; `Emulator::traffic` counts what
//! it saw, limits or not.

mod support;

use std::time::Duration;

use serde_json::{Value, json};
use support::{AUTH_ID, TOKEN, call_url, fixture, http};
use tray_connect_emulator::{Emulator, Fault, Scope, Traffic};

async fn twilio(limits: bool) -> Emulator {
    Emulator::builder()
        .token(TOKEN)
        .document(fixture("twilio-operations.json"))
        .tray_limits(limits)
        .start()
        .await
        .unwrap()
}

/// `n` Get Connectors requests sent at once; their statuses, bodies and whether a
/// `Retry-After` came with them.
async fn list_connectors_at_once(emulator: &Emulator, n: usize) -> Vec<(u16, Value, bool)> {
    let http = http();
    let url = format!("{}/core/v1/connectors", emulator.base_url());
    let requests = (0..n).map(|_| {
        let request = http.get(&url).bearer_auth(TOKEN).send();
        async move {
            let response = request.await.unwrap();
            let status = response.status().as_u16();
            let retry_after = response.headers().contains_key("retry-after");
            (status, response.json::<Value>().await.unwrap(), retry_after)
        }
    });
    futures_util::future::join_all(requests).await
}

fn send_sms() -> Value {
    json!({"operation": "send_sms", "authId": AUTH_ID,
           "input": {"to": "+15551234567", "from": "+15557654321", "body": "hi"}})
}

#[tokio::test]
async fn reads_beyond_fifty_in_a_second_are_answered_429_in_tray_s_shape() {
    let emulator = twilio(true).await;
    let answers = list_connectors_at_once(&emulator, 60).await;
    let refused: Vec<_> = answers
        .iter()
        .filter(|(status, ..)| *status == 429)
        .collect();
    // 60 within a second: 50 admitted, 10 refused.
    assert_eq!(refused.len(), 10, "{answers:?}");
    for (_, body, retry_after) in &refused {
        assert_eq!(body, &json!({"message": "Too many requests", "code": null}));
        assert!(!retry_after, "Tray documents no Retry-After");
    }
    assert!(
        answers
            .iter()
            .filter(|(status, ..)| *status == 200)
            .all(|(_, body, _)| body["elements"][0]["name"] == "twilio-output")
    );
    assert_eq!(emulator.traffic().rate_limited, 10);
    emulator.clear_calls();
    assert_eq!(emulator.traffic(), Traffic::default());
}

#[tokio::test]
async fn without_tray_limits_nothing_is_refused_but_traffic_is_counted() {
    let emulator = twilio(false).await;
    let answers = list_connectors_at_once(&emulator, 60).await;
    assert!(answers.iter().all(|(status, ..)| *status == 200));
    emulator.inject(Fault::Latency(Duration::from_millis(300)), Scope::Every(1));
    let http = http();
    let calls = (0..20).map(|_| {
        http.post(call_url(&emulator, "twilio-output", "2.1"))
            .bearer_auth(TOKEN)
            .json(&send_sms())
            .send()
    });
    for response in futures_util::future::join_all(calls).await {
        assert_eq!(response.unwrap().status(), 200);
    }
    let traffic = emulator.traffic();
    assert_eq!(traffic.rate_limited, 0);
    assert_eq!(traffic.calls_refused, 0);
    assert_eq!(traffic.calls_in_progress, 0);
    // Twenty calls each held 300 ms, sent at once: they overlapped.
    assert!(traffic.peak_calls_in_progress > 1, "{traffic:?}");
    assert!(traffic.peak_calls_in_progress <= 20, "{traffic:?}");
}

#[tokio::test]
async fn calls_have_no_rate_limit_and_unauthorized_requests_do_not_count() {
    let emulator = twilio(true).await;
    let http = http();
    let calls = (0..80).map(|_| {
        http.post(call_url(&emulator, "twilio-output", "2.1"))
            .bearer_auth(TOKEN)
            .json(&send_sms())
            .send()
    });
    for response in futures_util::future::join_all(calls).await {
        assert_eq!(response.unwrap().status(), 200);
    }
    let unauthorized = (0..60).map(|_| {
        http.get(format!("{}/core/v1/connectors", emulator.base_url()))
            .bearer_auth("wrong")
            .send()
    });
    for response in futures_util::future::join_all(unauthorized).await {
        assert_eq!(response.unwrap().status(), 401);
    }
    // The rate limit is still whole: 50 reads go through.
    let answers = list_connectors_at_once(&emulator, 50).await;
    assert!(answers.iter().all(|(status, ..)| *status == 200));
    assert_eq!(emulator.traffic().rate_limited, 0);
}

/// How many descriptors the process may open (`ulimit -n`, soft).
fn descriptor_limit() -> usize {
    let limits = std::fs::read_to_string("/proc/self/limits").unwrap_or_default();
    limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .and_then(|l| l.split_whitespace().nth(3))
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(usize::MAX)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_one_thousand_and_first_call_in_progress_is_refused() {
    // 1,000 hung calls and 10 more hold ~2,020 sockets in this process (both ends).
    let soft = descriptor_limit();
    if soft < 2_200 {
        eprintln!(
            "ulimit -n is {soft}: this test needs 2,200 descriptors; raise it with ulimit -n 4096"
        );
        return;
    }
    let emulator = twilio(true).await;
    // The first 1,000 calls admitted never answer: they stay in progress.
    emulator.inject(Fault::Hang, Scope::Next(1_000));
    let url = call_url(&emulator, "twilio-output", "2.1");
    let client = reqwest::Client::new();
    let hung: Vec<_> = (0..1_000)
        .map(|_| {
            let request = client
                .post(&url)
                .bearer_auth(TOKEN)
                .json(&send_sms())
                .send();
            tokio::spawn(request)
        })
        .collect();
    let guard = tokio::time::Instant::now() + Duration::from_secs(30);
    while emulator.traffic().calls_in_progress < 1_000 {
        assert!(
            tokio::time::Instant::now() < guard,
            "{:?}",
            emulator.traffic()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    for _ in 0..10 {
        let response = client
            .post(&url)
            .bearer_auth(TOKEN)
            .json(&send_sms())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 429);
        assert!(!response.headers().contains_key("retry-after"));
        let body: Value = response.json().await.unwrap();
        assert_eq!(body, json!({"message": "Too many requests", "code": null}));
    }
    let traffic = emulator.traffic();
    assert_eq!(traffic.peak_calls_in_progress, 1_000);
    assert_eq!(traffic.calls_refused, 10);
    // Refused calls are recorded like any other.
    assert_eq!(emulator.calls().len(), 1_010);

    // The hung calls' connections close; their slots come back and calls are admitted again.
    for task in &hung {
        task.abort();
    }
    while emulator.traffic().calls_in_progress > 0 {
        assert!(
            tokio::time::Instant::now() < guard,
            "{:?}",
            emulator.traffic()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let response = client
        .post(&url)
        .bearer_auth(TOKEN)
        .json(&send_sms())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[cfg(feature = "embedded")]
#[tokio::test]
async fn graphql_beyond_the_rate_answers_as_tray_s_graphql_api() {
    let emulator = twilio(true).await;
    let http = http();
    let query = json!({"query": "query { viewer { authentications { edges { node { id } } } } }"});
    let requests = (0..55).map(|_| {
        http.post(format!("{}/graphql", emulator.base_url()))
            .bearer_auth(TOKEN)
            .json(&query)
            .send()
    });
    let mut limited = 0;
    for response in futures_util::future::join_all(requests).await {
        let response = response.unwrap();
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        if body["errors"][0]["message"] == "Rate limit exceeded" {
            assert_eq!(body["data"], Value::Null);
            limited += 1;
        }
    }
    assert_eq!(limited, 5);
    assert_eq!(emulator.traffic().rate_limited, 5);
}
