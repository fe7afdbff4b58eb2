//! The fault matrix (issue 5, `docs/reliability.md`): every failure a server or network can
//! produce, against both kinds of request, with the error the caller gets and how often the
//! request was sent.
//!
//! Counting: calls are counted with `Emulator::calls()` (every call is recorded, faulted or
//! not). Reads are not recorded, so their attempts are pinned with fault scopes: a read that
//! fails under `Scope::Next(k)` but succeeds under `Scope::Next(k - 1)` made exactly `k`
//! attempts (a `k + 1`-th would have been answered normally).
//!
//! Every request runs under a hang guard: it must finish within 5 × the client's timeout.

mod support;

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::{AUTH_ID, SendMessageOutput, TOKEN, acme, client_of, fast, message};
use tray_connect::{Client, Error, RetryPolicy};
use tray_connect_emulator::{Emulator, Fault, Scope};

/// The default read attempts and call attempts of `RetryPolicy` (`docs/architecture.md`, "Calls that may have run are not retried").
const READ_ATTEMPTS: usize = 5;
const CALL_ATTEMPTS: usize = 4;
/// The timeout of clients that are not testing timeouts.
const LONG: Duration = Duration::from_secs(10);
/// The timeout of clients that are.
const SHORT: Duration = Duration::from_millis(400);

async fn emulator() -> Emulator {
    let emu = acme().start().await.expect("emulator starts");
    emu.respond("acme", "send_message", json!({"ok": true, "ts": "1.2"}));
    emu
}

fn client_with(emu: &Emulator, timeout: Duration, policy: RetryPolicy) -> Client {
    client_of(emu)
        .timeout(timeout)
        .retry(policy)
        .build()
        .unwrap()
}

fn client(emu: &Emulator) -> Client {
    client_with(emu, LONG, fast(RetryPolicy::default()))
}

/// Runs `fut` under the hang guard of `timeout`, returning its result.
async fn guarded<T>(timeout: Duration, fut: impl std::future::Future<Output = T>) -> T {
    let started = Instant::now();
    let out = tokio::time::timeout(timeout * 5, fut)
        .await
        .expect("hang guard: the client did not give up within 5 × its timeout");
    assert!(started.elapsed() < timeout * 5);
    out
}

async fn call(_emu: &Emulator, client: &Client) -> Result<SendMessageOutput, Error> {
    guarded(LONG, client.call(AUTH_ID, message())).await
}

/// Reads `list_operations` under `fault` scoped to the next `n` requests; the fault is then
/// removed so the next test starts clean.
async fn read_under(emu: &Emulator, client: &Client, fault: &Fault, n: usize) -> Result<(), Error> {
    emu.clear_faults();
    emu.inject(fault.clone(), Scope::Next(n));
    let result = guarded(LONG, client.list_operations("acme", "1.0")).await;
    emu.clear_faults();
    result.map(|_| ())
}

/// Asserts that a read under `fault` makes exactly `attempts` attempts, failing with the error
/// `check` accepts.
async fn assert_read_attempts(emu: &Emulator, fault: Fault, attempts: usize, check: fn(&Error)) {
    let client = client(emu);
    let err = read_under(emu, &client, &fault, attempts)
        .await
        .expect_err("the read gives up");
    check(&err);
    if attempts > 1 {
        read_under(emu, &client, &fault, attempts - 1)
            .await
            .unwrap_or_else(|e| panic!("{fault:?}: {} attempts should succeed: {e}", attempts));
    }
}

/// Asserts that a call under `fault` (on every request) is sent `attempts` times and fails with
/// the error `check` accepts.
async fn assert_call_attempts(
    emu: &Emulator,
    client: &Client,
    fault: Fault,
    attempts: usize,
) -> Error {
    emu.clear_calls();
    emu.inject(fault.clone(), Scope::Every(1));
    let err = call(emu, client).await.expect_err("the call fails");
    emu.clear_faults();
    assert_eq!(emu.calls().len(), attempts, "{fault:?}: {err}");
    err
}

fn tray_error(message: &str) -> Value {
    json!({"message": message, "code": null})
}

fn is_status(err: &Error, status: u16) -> bool {
    matches!(err, Error::Tray { status: s, .. } if *s == status)
}

// ---------------------------------------------------------------------------------------------
// 4xx: never retried.

#[tokio::test]
async fn unauthorized_401_is_not_retried() {
    let emu = emulator().await;
    // The real thing: a wrong token (not recorded by the emulator, so counted through a fault).
    let wrong = Client::builder()
        .token("wrong-token")
        .base_url(emu.base_url())
        .retry(fast(RetryPolicy::default()))
        .build()
        .unwrap();
    let err = guarded(LONG, wrong.list_connectors()).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "Tray API error 401: The request is unauthorized"
    );
    let err = guarded(LONG, wrong.call(AUTH_ID, message()))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Tray API error 401: The request is unauthorized"
    );

    let fault = Fault::Status(401, json!({"message": "The request is unauthorized"}));
    let err = assert_call_attempts(&emu, &client(&emu), fault.clone(), 1).await;
    assert!(is_status(&err, 401), "{err:?}");
    assert_read_attempts(&emu, fault, 1, |e| assert!(is_status(e, 401), "{e:?}")).await;
}

#[tokio::test]
async fn forbidden_403_keeps_its_code_and_is_not_retried() {
    let emu = emulator().await;
    let fault = Fault::Status(403, json!({"message": "Forbidden", "code": "E403"}));
    let err = assert_call_attempts(&emu, &client(&emu), fault.clone(), 1).await;
    assert_eq!(err.to_string(), "Tray API error 403: Forbidden [code E403]");
    assert_eq!(err.code(), Some("E403"));
    assert_read_attempts(&emu, fault, 1, |e| assert!(is_status(e, 403), "{e:?}")).await;
}

#[tokio::test]
async fn not_found_404_is_not_retried() {
    let emu = emulator().await;
    let client = client(&emu);
    let err = guarded(
        LONG,
        client.call_raw("acme", "9.9", "send_message", AUTH_ID, json!({})),
    )
    .await
    .unwrap_err();
    assert!(is_status(&err, 404), "{err:?}");
    assert!(err.to_string().starts_with("Tray API error 404: "), "{err}");
    assert_eq!(emu.calls().len(), 1);
    let err = guarded(LONG, client.list_operations("nope", "1.0"))
        .await
        .unwrap_err();
    assert!(is_status(&err, 404), "{err:?}");
    let fault = Fault::Status(404, tray_error("Not found"));
    assert_read_attempts(&emu, fault, 1, |e| assert!(is_status(e, 404), "{e:?}")).await;
}

#[tokio::test]
async fn validation_400_is_not_retried_even_when_idempotent() {
    let emu = emulator().await;
    let client = client_with(&emu, LONG, fast(RetryPolicy::calls_idempotent()));
    let err = guarded(
        LONG,
        client.call_raw(
            "acme",
            "1.0",
            "send_message",
            AUTH_ID,
            json!({"channel": "c"}),
        ),
    )
    .await
    .unwrap_err();
    assert!(is_status(&err, 400), "{err:?}");
    assert!(
        err.to_string()
            .starts_with("Tray API error 400: Connector input validation failed."),
        "{err}"
    );
    assert_eq!(emu.calls().len(), 1);
}

// ---------------------------------------------------------------------------------------------
// 429: Tray refused before running anything, so calls are retried too.

#[tokio::test]
async fn too_many_requests_429_is_retried_for_reads_and_calls() {
    let emu = emulator().await;
    let fault = Fault::Status(429, tray_error("Too many requests"));
    let client = client(&emu);

    // Two refusals, then success: three requests.
    emu.inject(fault.clone(), Scope::Next(2));
    let out = call(&emu, &client).await.unwrap();
    assert_eq!(out.ts, "1.2");
    assert_eq!(emu.calls().len(), 3);

    // Always refused: 4 attempts (3 retries), then the 429.
    let err = assert_call_attempts(&emu, &client, fault.clone(), CALL_ATTEMPTS).await;
    assert_eq!(err.to_string(), "Tray API error 429: Too many requests");
    assert!(err.is_retryable());

    assert_read_attempts(&emu, fault, READ_ATTEMPTS, |e| {
        assert!(is_status(e, 429), "{e:?}")
    })
    .await;
}

#[tokio::test]
async fn retry_after_is_waited_for_when_within_the_cap() {
    let emu = emulator().await;
    let client = client_with(
        &emu,
        LONG,
        RetryPolicy::default()
            .base_delay(Duration::from_millis(1))
            .max_delay(Duration::from_secs(2)),
    );
    emu.inject(
        Fault::RetryAfter(429, Duration::from_secs(1)),
        Scope::Next(1),
    );
    let started = Instant::now();
    call(&emu, &client).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After honoured"
    );
    assert_eq!(emu.calls().len(), 2);
}

#[tokio::test]
async fn retry_after_beyond_the_cap_is_returned_at_once() {
    let emu = emulator().await;
    // Cap 20 ms, server asks 1 s: the caller gets the error and the wait.
    let client = client(&emu);
    let fault = Fault::RetryAfter(429, Duration::from_secs(1));
    let started = Instant::now();
    let err = assert_call_attempts(&emu, &client, fault.clone(), 1).await;
    assert!(started.elapsed() < Duration::from_secs(1));
    match &err {
        Error::Tray {
            status: 429,
            retry_after,
            ..
        } => assert_eq!(*retry_after, Some(Duration::from_secs(1))),
        other => panic!("{other:?}"),
    }
    assert_read_attempts(&emu, fault, 1, |e| assert!(is_status(e, 429), "{e:?}")).await;
}

// ---------------------------------------------------------------------------------------------
// 5xx: reads retry; calls only when the caller says they are idempotent.

#[tokio::test]
async fn server_errors_500_502_503_retry_reads_but_not_calls() {
    let emu = emulator().await;
    let faults = [
        (
            Fault::Status(500, tray_error("Internal error")),
            500,
            "Tray API error 500: Internal error",
        ),
        (Fault::Html(502), 502, "Tray API error 502: Bad Gateway"),
        (
            Fault::Status(503, tray_error("Unavailable")),
            503,
            "Tray API error 503: Unavailable",
        ),
        (
            Fault::Html(503),
            503,
            "Tray API error 503: Service Unavailable",
        ),
    ];
    let default = client(&emu);
    let idempotent = client_with(&emu, LONG, fast(RetryPolicy::calls_idempotent()));
    for (fault, status, display) in faults {
        let err = assert_call_attempts(&emu, &default, fault.clone(), 1).await;
        assert!(is_status(&err, status), "{err:?}");
        assert!(err.to_string().starts_with(display), "{err}");
        assert!(!err.to_string().contains('\n'), "{err}");

        // Opted in: 5 attempts, and a transient one recovers.
        let err = assert_call_attempts(&emu, &idempotent, fault.clone(), 5).await;
        assert!(is_status(&err, status), "{err:?}");
        emu.clear_calls();
        emu.inject(fault.clone(), Scope::Next(2));
        call(&emu, &idempotent).await.unwrap();
        assert_eq!(emu.calls().len(), 3);

        assert_read_attempts(&emu, fault, READ_ATTEMPTS, |e| {
            assert!(
                matches!(
                    e,
                    Error::Tray {
                        status: 500..=599,
                        ..
                    }
                ),
                "{e:?}"
            )
        })
        .await;
    }
}

// ---------------------------------------------------------------------------------------------
// outcome: "error" (HTTP 200): the connector ran; never retried, whatever the policy.

#[tokio::test]
async fn every_recorded_outcome_error_shape_is_a_connector_error() {
    let examples: Vec<Value> =
        serde_json::from_str(include_str!("fixtures/call-connector-examples.json")).unwrap();
    let mut shapes = 0;
    let emu = emulator().await;
    let idempotent = client_with(&emu, LONG, fast(RetryPolicy::calls_idempotent()));
    for example in &examples {
        let response = &example["response"];
        let output = if response["body"]["outcome"] == "error" {
            response["body"]["output"].clone()
        } else if let Some(fragment) = response.get("bodyFragment") {
            fragment.clone()
        } else {
            continue;
        };
        shapes += 1;
        let id = example["id"].as_str().unwrap();
        let err =
            assert_call_attempts(&emu, &idempotent, Fault::ThirdPartyError(output.clone()), 1)
                .await;
        assert!(matches!(err, Error::Connector { .. }), "{id}: {err:?}");
        let message = output["message"].as_str().unwrap();
        let mut display = format!("connector returned outcome \"error\": {message}");
        if let Some(status) = output["response"]["statusCode"].as_u64() {
            display.push_str(&format!(" (third-party HTTP {status})"));
            assert_eq!(err.third_party_status(), Some(status as u16), "{id}");
        }
        assert_eq!(err.to_string(), display, "{id}");
        assert_eq!(
            err.output(),
            Some(&output),
            "{id}: the output is kept whole"
        );
        assert!(!err.is_retryable(), "{id}");
    }
    assert_eq!(shapes, 5, "every outcome:error example was exercised");

    // On a read endpoint the same body is not a connector list: a decode error.
    let err =
        assert_read_attempts_returning(&emu, Fault::ThirdPartyError(json!({"message": "x"}))).await;
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
}

/// One read attempt under `fault`, returning its error.
async fn assert_read_attempts_returning(emu: &Emulator, fault: Fault) -> Error {
    let client = client(emu);
    read_under(emu, &client, &fault, 1).await.unwrap_err()
}

// ---------------------------------------------------------------------------------------------
// Broken bodies and silent servers: may have run, never retried.

#[tokio::test]
async fn html_error_page_is_one_readable_line() {
    let emu = emulator().await;
    let err = assert_call_attempts(&emu, &client(&emu), Fault::Html(404), 1).await;
    assert_eq!(
        err.to_string(),
        "Tray API error 404: Not Found (HTML page: 404 Not Found)"
    );
    assert_read_attempts(&emu, Fault::Html(404), 1, |e| {
        assert!(is_status(e, 404), "{e:?}")
    })
    .await;
}

fn is_lost_connection(err: &Error) -> bool {
    matches!(err, Error::Transport { connect: false, summary, .. }
        if *summary == "connection lost while reading the response from")
}

#[tokio::test]
async fn truncated_body_is_a_lost_connection_not_retried() {
    let emu = emulator().await;
    let idempotent = client_with(&emu, LONG, fast(RetryPolicy::calls_idempotent()));
    let err = assert_call_attempts(&emu, &idempotent, Fault::Truncate(10), 1).await;
    assert!(is_lost_connection(&err), "{err:?}");
    let text = err.to_string();
    assert!(
        text.starts_with(&format!(
            "connection lost while reading the response from {} (POST /core/v1/connectors/acme/versions/1.0/call): ",
            emu.local_addr()
        )),
        "{text}"
    );
    assert!(!text.contains('\n'), "{text}");
    assert_read_attempts(&emu, Fault::Truncate(10), 1, |e| {
        assert!(is_lost_connection(e), "{e:?}")
    })
    .await;
}

#[tokio::test]
async fn connection_dropped_mid_body_is_a_lost_connection_not_retried() {
    let emu = emulator().await;
    let idempotent = client_with(&emu, LONG, fast(RetryPolicy::calls_idempotent()));
    let err = assert_call_attempts(&emu, &idempotent, Fault::DropMidBody, 1).await;
    assert!(is_lost_connection(&err), "{err:?}");
    assert_read_attempts(&emu, Fault::DropMidBody, 1, |e| {
        assert!(is_lost_connection(e), "{e:?}")
    })
    .await;
}

#[tokio::test]
async fn body_over_the_size_cap_is_refused_not_retried() {
    let emu = emulator().await;
    let capped = client_of(&emu)
        .retry(fast(RetryPolicy::calls_idempotent()))
        .max_response_bytes(16)
        .build()
        .unwrap();
    let err = call(&emu, &capped).await.unwrap_err();
    assert!(
        matches!(err, Error::ResponseTooLarge { limit: 16, .. }),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "response to POST /core/v1/connectors/acme/versions/1.0/call is larger than the limit of 16 bytes"
    );
    assert_eq!(emu.calls().len(), 1);
    let err = guarded(LONG, capped.list_connectors()).await.unwrap_err();
    assert!(matches!(err, Error::ResponseTooLarge { .. }), "{err:?}");
    // An error answer over the cap still reports its status.
    emu.inject(
        Fault::Status(500, json!({"message": "x".repeat(100)})),
        Scope::Every(1),
    );
    let err = call(&emu, &capped).await.unwrap_err();
    emu.clear_faults();
    assert!(is_status(&err, 500), "{err:?}");
}

fn is_timeout_of(err: &Error, method: &str) -> bool {
    matches!(err, Error::Timeout { after, method: m, .. } if *after == SHORT && *m == method)
}

#[tokio::test]
async fn server_that_never_answers_times_out_once() {
    let emu = emulator().await;
    let client = client_with(&emu, SHORT, fast(RetryPolicy::calls_idempotent()));
    emu.clear_calls();
    emu.inject(Fault::Hang, Scope::Every(1));
    let started = Instant::now();
    let err = guarded(SHORT, client.call(AUTH_ID, message()))
        .await
        .unwrap_err();
    emu.clear_faults();
    assert!(started.elapsed() >= SHORT);
    assert!(is_timeout_of(&err, "POST"), "{err:?}");
    assert_eq!(
        err.to_string(),
        "request timed out after 0.4s (POST /core/v1/connectors/acme/versions/1.0/call)"
    );
    assert_eq!(emu.calls().len(), 1, "a timed-out call may have run");

    // Reads: one attempt too (reads retry 429, 5xx and connect errors only).
    emu.inject(Fault::Hang, Scope::Next(1));
    let err = guarded(SHORT, client.list_operations("acme", "1.0"))
        .await
        .unwrap_err();
    assert!(is_timeout_of(&err, "GET"), "{err:?}");
    guarded(SHORT, client.list_operations("acme", "1.0"))
        .await
        .expect("the Next(1) hang was the only attempt");
}

#[tokio::test]
async fn slow_trickle_times_out_once() {
    let emu = emulator().await;
    let client = client_with(&emu, SHORT, fast(RetryPolicy::calls_idempotent()));
    for fault in [
        Fault::Trickle { bytes_per_sec: 0 },
        Fault::Trickle { bytes_per_sec: 20 },
    ] {
        emu.clear_calls();
        emu.inject(fault.clone(), Scope::Every(1));
        let err = guarded(SHORT, client.call(AUTH_ID, message()))
            .await
            .unwrap_err();
        emu.clear_faults();
        assert!(is_timeout_of(&err, "POST"), "{fault:?}: {err:?}");
        assert_eq!(emu.calls().len(), 1);

        emu.inject(fault.clone(), Scope::Next(1));
        let err = guarded(SHORT, client.list_operations("acme", "1.0"))
            .await
            .unwrap_err();
        assert!(is_timeout_of(&err, "GET"), "{fault:?}: {err:?}");
        emu.clear_faults();
    }
}

#[tokio::test]
async fn latency_within_the_timeout_is_no_error() {
    let emu = emulator().await;
    let client = client_with(&emu, SHORT, fast(RetryPolicy::none()));
    emu.inject(Fault::Latency(SHORT / 4), Scope::Next(1));
    guarded(SHORT, client.call(AUTH_ID, message()))
        .await
        .unwrap();
    assert_eq!(emu.calls().len(), 1);
}

#[tokio::test]
async fn connection_refused_is_retried_and_reported_as_connect() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = Client::builder()
        .token(TOKEN)
        .base_url(format!("http://127.0.0.1:{port}"))
        .timeout(SHORT)
        .retry(fast(RetryPolicy::default()))
        .build()
        .unwrap();
    let err = guarded(SHORT, client.call(AUTH_ID, message()))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Transport { connect: true, .. }),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .starts_with(&format!("could not connect to 127.0.0.1:{port} (POST /core/v1/connectors/acme/versions/1.0/call): ")),
        "{err}"
    );
    let err = guarded(SHORT, client.list_connectors()).await.unwrap_err();
    assert!(
        matches!(err, Error::Transport { connect: true, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn the_client_recovers_after_every_fault() {
    let emu = emulator().await;
    let client = client_with(&emu, SHORT, fast(RetryPolicy::none()));
    let faults = [
        Fault::Hang,
        Fault::DropMidBody,
        Fault::Truncate(3),
        Fault::Trickle { bytes_per_sec: 0 },
        Fault::Html(502),
        Fault::Status(500, json!({})),
        Fault::ThirdPartyError(json!({})),
    ];
    for fault in faults {
        emu.inject(fault.clone(), Scope::Next(1));
        assert!(
            guarded(SHORT, client.call(AUTH_ID, message()))
                .await
                .is_err(),
            "{fault:?}"
        );
        guarded(SHORT, client.call(AUTH_ID, message()))
            .await
            .unwrap_or_else(|e| panic!("after {fault:?}: {e}"));
    }
}
