//! 1,000 concurrent calls (Tray's concurrency ceiling) through one cloned `Client`: every call
//! completes, the emulator records each exactly once, and under faults on 10% of requests the
//! outcome is exactly what the seeded fault schedule and the retry rules (`docs/architecture.md`) predict.
//!
//! File descriptors: 1,000 in-flight HTTP/1 calls hold 1,000 client sockets and, since the
//! emulator runs in the same process, 1,000 server sockets too: about 2,100 descriptors. With a
//! soft `ulimit -n` below that (1,024 is a common default) the calls are bounded to what fits,
//! and the test says so on stderr. Raise it with `ulimit -n 4096`. A real application talking
//! to Tray needs one descriptor per in-flight call.

mod support;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use support::{AUTH_ID, SendMessage, SendMessageOutput, acme, client_of, fast, message};
use tokio::sync::Semaphore;
use tray_connect::{Client, Error, RetryPolicy};
use tray_connect_emulator::{Emulator, Fault, Scope};

const CALLS: usize = 1_000;
const SEED: u64 = 0x5eed;

async fn emulator() -> Emulator {
    let emu = acme().start().await.unwrap();
    emu.respond("acme", "send_message", json!({"ok": true, "ts": "1"}));
    emu
}

fn client(emu: &Emulator, policy: RetryPolicy) -> Client {
    client_of(emu)
        .timeout(Duration::from_secs(30))
        .retry(fast(policy))
        .build()
        .unwrap()
}

/// How many calls may be in flight: all 1,000 unless the descriptor limit forbids it.
fn in_flight() -> usize {
    let limits = std::fs::read_to_string("/proc/self/limits").unwrap_or_default();
    let soft = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .and_then(|l| l.split_whitespace().nth(3))
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(usize::MAX);
    let fit = soft.saturating_sub(100) / 2;
    if fit < CALLS {
        eprintln!(
            "ulimit -n is {soft}: bounding in-flight calls to {fit} (raise it to 2,200 for all {CALLS})"
        );
    }
    fit.clamp(1, CALLS)
}

/// Sends `CALLS` calls at once through clones of `client`, with unique texts `id-{i}`.
async fn fire(client: &Client) -> Vec<(usize, Result<SendMessageOutput, Error>)> {
    let gate = Arc::new(Semaphore::new(in_flight()));
    let tasks: Vec<_> = (0..CALLS)
        .map(|i| {
            let client = client.clone();
            let gate = gate.clone();
            tokio::spawn(async move {
                let _permit = gate.acquire_owned().await.unwrap();
                let input = SendMessage {
                    text: format!("id-{i}"),
                    ..message()
                };
                (i, client.call(AUTH_ID, input).await)
            })
        })
        .collect();
    let mut results = Vec::with_capacity(CALLS);
    for task in tasks {
        results.push(task.await.expect("no call panics"));
    }
    results
}

/// How many times the emulator received each id.
fn received(emu: &Emulator) -> HashMap<usize, usize> {
    let mut counts = HashMap::new();
    for call in emu.calls() {
        let text = call.input["text"].as_str().unwrap();
        let id: usize = text.strip_prefix("id-").unwrap().parse().unwrap();
        *counts.entry(id).or_default() += 1;
    }
    counts
}

/// How many of the first `requests` requests a `Scope::Fraction(p, seed)` rule faults (the
/// emulator draws one number per request from a generator seeded with `seed`).
fn faulted_among(requests: usize, p: f64, seed: u64) -> usize {
    let mut rng = fastrand::Rng::with_seed(seed);
    (0..requests).filter(|_| rng.f64() < p).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_calls_are_each_recorded_once() {
    let emu = emulator().await;
    let client = client(&emu, RetryPolicy::default());
    let results = fire(&client).await;
    for (i, result) in &results {
        assert!(result.as_ref().is_ok_and(|o| o.ok), "call {i}: {result:?}");
    }
    let counts = received(&emu);
    assert_eq!(counts.len(), CALLS, "every call arrived");
    assert!(counts.values().all(|n| *n == 1), "none was sent twice");
    assert_eq!(emu.calls().len(), CALLS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_500_on_ten_percent_exactly_the_faulted_calls_fail_and_none_is_retried() {
    let emu = emulator().await;
    emu.inject(
        Fault::Status(500, json!({"message": "boom", "code": null})),
        Scope::Fraction(0.1, SEED),
    );
    let client = client(&emu, RetryPolicy::default());
    let results = fire(&client).await;
    let failed: Vec<&Error> = results
        .iter()
        .filter_map(|(_, r)| r.as_ref().err())
        .collect();
    for err in &failed {
        assert_eq!(err.status(), Some(500), "{err:?}");
    }
    let counts = received(&emu);
    assert_eq!(counts.len(), CALLS);
    assert!(
        counts.values().all(|n| *n == 1),
        "a 500 call is never repeated"
    );
    let expected = faulted_among(CALLS, 0.1, SEED);
    assert!(expected > 50 && expected < 150, "{expected}");
    assert_eq!(failed.len(), expected, "exactly the faulted calls fail");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_429_on_ten_percent_the_refused_calls_are_retried_until_they_succeed() {
    let emu = emulator().await;
    emu.inject(
        Fault::Status(429, json!({"message": "Too many requests", "code": null})),
        Scope::Fraction(0.1, SEED),
    );
    let client = client(&emu, RetryPolicy::default());
    let results = fire(&client).await;
    let counts = received(&emu);
    assert_eq!(counts.len(), CALLS, "every call arrived");
    let requests = emu.calls().len();
    let faulted = faulted_among(requests, 0.1, SEED);
    let mut succeeded = 0;
    for (i, result) in &results {
        let sent = counts[i];
        match result {
            Ok(_) => {
                succeeded += 1;
                assert!(sent <= 4, "call {i} sent {sent} times");
            }
            // Refused four times in a row: the 429 is returned after 3 retries.
            Err(err) => {
                assert_eq!(err.status(), Some(429), "{err:?}");
                assert_eq!(sent, 4, "call {i}");
            }
        }
    }
    // Each unfaulted request is one success; each faulted one was retried or given up on.
    assert_eq!(succeeded, requests - faulted);
    assert!(faulted > 0 && requests > CALLS);
    let retried = counts.values().filter(|n| **n > 1).count();
    assert!(retried > 50, "{retried} calls were retried");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_500_on_ten_percent_idempotent_calls_are_retried() {
    let emu = emulator().await;
    emu.inject(
        Fault::Status(500, json!({"message": "boom", "code": null})),
        Scope::Fraction(0.1, SEED),
    );
    let client = client(&emu, RetryPolicy::calls_idempotent());
    let results = fire(&client).await;
    let requests = emu.calls().len();
    let succeeded = results.iter().filter(|(_, r)| r.is_ok()).count();
    assert_eq!(succeeded, requests - faulted_among(requests, 0.1, SEED));
    let counts = received(&emu);
    assert_eq!(counts.len(), CALLS);
    // Giving up takes five faulted attempts in a row (about 1 in 100,000 per call).
    for (i, result) in &results {
        if let Err(err) = result {
            assert_eq!(err.status(), Some(500), "{err:?}");
            assert_eq!(counts[i], 5, "call {i}");
        }
    }
    assert!(counts.values().filter(|n| **n > 1).count() > 50);
}
