//! The client against the emulator: every endpoint, every error path, retries and timeouts.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::{Value, json};
use support::{AUTH_ID, SendMessage, SendMessageOutput, TOKEN, acme, client_of, fast, message};
use tray_connect::{Client, Error, Lookup, Operation, RetryPolicy};
use tray_connect_emulator::{Emulator, Fault, Scope};

const ODD: &str = r#"{
  "connector": {"name": "odd name/x?y", "version": "2.0 beta"},
  "elements": [{"name": "ping", "inputSchema": {"type": "object"},
                "outputSchema": {"type": "object", "properties": {"pong": {"type": "boolean"}}}}]
}"#;

#[derive(Debug, Serialize)]
struct GetRecord {
    id: String,
}

impl Operation for GetRecord {
    type Output = Value;
    const CONNECTOR: &'static str = "acme";
    const VERSION: &'static str = "1.0";
    const NAME: &'static str = "get_record";
}

async fn emulator() -> Emulator {
    acme()
        .document_json(ODD)
        .start()
        .await
        .expect("emulator starts")
}

fn client(emulator: &Emulator) -> Client {
    client_of(emulator)
        .retry(fast(RetryPolicy::default()))
        .build()
        .unwrap()
}

#[tokio::test]
async fn list_connectors_reads_the_document_headers() {
    let emu = emulator().await;
    let connectors = client(&emu).list_connectors().await.unwrap();
    let acme = connectors.iter().find(|c| c.name == "acme").unwrap();
    assert_eq!(acme.version, "1.0");
    assert_eq!(acme.title, "Acme");
    assert_eq!(acme.description, "Test connector");
    let service = acme.service.as_ref().unwrap();
    assert_eq!(service.id.as_deref(), Some("svc-1"));
    assert_eq!(service.version, 3);
    assert!(connectors.iter().any(|c| c.name == "odd name/x?y"));
}

#[tokio::test]
async fn list_operations_returns_schemas_and_flags() {
    let emu = emulator().await;
    let ops = client(&emu).list_operations("acme", "1.0").await.unwrap();
    let names: Vec<&str> = ops.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["send_message", "get_record"]);
    assert_eq!(ops[0].title, "Send message");
    assert_eq!(ops[0].input_schema["required"], json!(["channel", "text"]));
    assert!(!ops[0].has_dynamic_output);
    assert!(ops[1].has_dynamic_output);
    assert_eq!(
        ops[1].auth_scopes.as_deref(),
        Some(&["records:read".to_owned()][..])
    );
}

#[tokio::test]
async fn names_with_reserved_characters_stay_one_path_segment() {
    let emu = emulator().await;
    let client = client(&emu);
    let ops = client
        .list_operations("odd name/x?y", "2.0 beta")
        .await
        .unwrap();
    assert_eq!(ops.len(), 1);
    let out = client
        .call_raw("odd name/x?y", "2.0 beta", "ping", "", json!({}))
        .await
        .unwrap();
    assert!(out.is_object());
    let call = &emu.calls()[0];
    assert_eq!(call.connector, "odd name/x?y");
    assert_eq!(call.version, "2.0 beta");
}

#[tokio::test]
async fn unknown_connector_is_a_404_tray_error() {
    let emu = emulator().await;
    let err = client(&emu)
        .list_operations("nope", "1.0")
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404));
    assert_eq!(err.code(), None);
    assert!(err.to_string().starts_with("Tray API error 404: "), "{err}");
    let err = client(&emu)
        .call_raw("acme", "9.9", "send_message", "", json!({}))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");
}

#[tokio::test]
async fn typed_call_sends_the_input_and_decodes_the_output() {
    let emu = emulator().await;
    emu.respond("acme", "send_message", json!({"ok": true, "ts": "1.5"}));
    let out = client(&emu)
        .call(
            AUTH_ID,
            SendMessage {
                count: Some(2),
                ..message()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        out,
        SendMessageOutput {
            ok: true,
            ts: "1.5".into()
        }
    );
    let calls = emu.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].connector, "acme");
    assert_eq!(calls[0].version, "1.0");
    assert_eq!(calls[0].operation, "send_message");
    assert_eq!(calls[0].auth_id.as_deref(), Some(AUTH_ID));
    assert_eq!(
        calls[0].input,
        json!({"channel": "C1", "text": "hello", "count": 2})
    );
    assert!(!calls[0].return_output_schema);
}

#[tokio::test]
async fn synthesised_output_decodes_into_the_typed_output() {
    let emu = emulator().await;
    let out = client(&emu).call(AUTH_ID, message()).await.unwrap();
    // Whatever the emulator made up, it conforms to the schema the type mirrors.
    let _: SendMessageOutput = out;
}

#[tokio::test]
async fn empty_auth_id_sends_no_auth_id() {
    let emu = emulator().await;
    client(&emu).call("", message()).await.unwrap();
    assert_eq!(emu.calls()[0].auth_id, None);
}

#[tokio::test]
async fn call_raw_returns_the_output() {
    let emu = emulator().await;
    emu.respond(
        "acme",
        "send_message",
        json!({"ok": true, "ts": "9", "extra": [1]}),
    );
    let out = client(&emu)
        .call_raw(
            "acme",
            "1.0",
            "send_message",
            AUTH_ID,
            json!({"channel": "c", "text": "t"}),
        )
        .await
        .unwrap();
    assert_eq!(out, json!({"ok": true, "ts": "9", "extra": [1]}));
}

#[tokio::test]
async fn output_not_matching_the_type_is_a_decode_error_keeping_the_output() {
    let emu = emulator().await;
    emu.respond("acme", "send_message", json!({"ok": true}));
    let err = client(&emu).call(AUTH_ID, message()).await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "could not decode output of acme send_message at .: missing field `ts`"
    );
    assert_eq!(err.output(), Some(&json!({"ok": true})));
}

#[tokio::test]
async fn bad_token_is_a_401_without_code() {
    let emu = emulator().await;
    let client = Client::builder()
        .token("wrong-token")
        .base_url(emu.base_url())
        .build()
        .unwrap();
    let err = client.list_connectors().await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "Tray API error 401: The request is unauthorized"
    );
    assert_eq!(err.status(), Some(401));
    assert!(!err.is_retryable());
    let err = client.call(AUTH_ID, message()).await.unwrap_err();
    assert_eq!(err.status(), Some(401));
}

#[tokio::test]
async fn invalid_input_is_a_400_validation_error() {
    let emu = emulator().await;
    let err = client(&emu)
        .call_raw(
            "acme",
            "1.0",
            "send_message",
            AUTH_ID,
            json!({"channel": "c"}),
        )
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400), "{err}");
    let text = err.to_string();
    assert!(
        text.starts_with("Tray API error 400: Connector input validation failed."),
        "{text}"
    );
    assert!(text.contains("text"), "{text}");
}

#[tokio::test]
async fn unknown_operation_is_a_connector_error() {
    let emu = emulator().await;
    let err = client(&emu)
        .call_raw("acme", "1.0", "no_such_op", AUTH_ID, json!({}))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Connector { .. }), "{err:?}");
    assert!(err.to_string().contains("unexpectedly failed"), "{err}");
    assert_eq!(err.third_party_status(), None);
}

#[tokio::test]
async fn third_party_error_keeps_message_status_and_output() {
    let emu = emulator().await;
    let output = json!({"message": "Invalid response.",
                        "response": {"statusCode": 404, "body": {"ok": false}}});
    emu.inject(Fault::ThirdPartyError(output.clone()), Scope::Next(1));
    let err = client(&emu).call(AUTH_ID, message()).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "connector returned outcome \"error\": Invalid response. (third-party HTTP 404)"
    );
    assert_eq!(err.message(), Some("Invalid response."));
    assert_eq!(err.third_party_status(), Some(404));
    assert_eq!(err.output(), Some(&output));
    assert_eq!(emu.calls().len(), 1, "a connector error is never retried");
}

#[tokio::test]
async fn list_retries_a_429_then_succeeds() {
    let emu = emulator().await;
    emu.inject(
        Fault::Status(429, json!({"message": "Too many requests", "code": null})),
        Scope::Next(1),
    );
    let connectors = client(&emu).list_connectors().await.unwrap();
    assert!(!connectors.is_empty());
}

#[tokio::test]
async fn list_gives_up_after_five_attempts() {
    let emu = emulator().await;
    emu.inject(
        Fault::Status(503, json!({"message": "Unavailable", "code": null})),
        Scope::Next(5),
    );
    let client = client(&emu);
    let err = client.list_connectors().await.unwrap_err();
    assert_eq!(err.to_string(), "Tray API error 503: Unavailable");
    // All five faults were used up by the five attempts: the next request succeeds.
    client.list_connectors().await.unwrap();
}

#[tokio::test]
async fn list_honours_retry_after() {
    let emu = emulator().await;
    emu.inject(
        Fault::RetryAfter(429, Duration::from_secs(1)),
        Scope::Next(1),
    );
    // The default policy: a 1 s Retry-After is within its 10 s cap.
    let client = client_of(&emu).build().unwrap();
    let started = Instant::now();
    client.list_connectors().await.unwrap();
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(900), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
}

#[tokio::test]
async fn retry_after_longer_than_the_cap_is_returned_not_waited() {
    let emu = emulator().await;
    emu.inject(
        Fault::RetryAfter(429, Duration::from_secs(30)),
        Scope::Next(1),
    );
    let started = Instant::now();
    let err = client(&emu).list_connectors().await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(err.status(), Some(429));
    match err {
        Error::Tray { retry_after, .. } => assert_eq!(retry_after, Some(Duration::from_secs(30))),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn call_retries_tray_429_but_not_500() {
    let emu = emulator().await;
    let client = client(&emu);
    emu.inject(
        Fault::Status(429, json!({"message": "Too many", "code": null})),
        Scope::Next(1),
    );
    client.call(AUTH_ID, message()).await.unwrap();
    assert_eq!(emu.calls().len(), 2, "the 429 was retried once");

    emu.clear_calls();
    emu.inject(
        Fault::Status(500, json!({"message": "boom", "code": null})),
        Scope::Next(1),
    );
    let err = client.call(AUTH_ID, message()).await.unwrap_err();
    assert_eq!(err.to_string(), "Tray API error 500: boom");
    assert_eq!(emu.calls().len(), 1, "a 500 call may have run: not retried");
}

#[tokio::test]
async fn idempotent_policy_retries_calls_on_500() {
    let emu = emulator().await;
    let client = client_of(&emu)
        .retry(fast(RetryPolicy::calls_idempotent()))
        .build()
        .unwrap();
    emu.inject(
        Fault::Status(500, json!({"message": "boom", "code": null})),
        Scope::Next(2),
    );
    client.call(AUTH_ID, message()).await.unwrap();
    assert_eq!(emu.calls().len(), 3);
}

#[tokio::test]
async fn no_retry_policy_makes_one_attempt() {
    let emu = emulator().await;
    let client = client_of(&emu).retry(RetryPolicy::none()).build().unwrap();
    emu.inject(
        Fault::Status(429, json!({"message": "Too many", "code": null})),
        Scope::Next(1),
    );
    let err = client.call(AUTH_ID, message()).await.unwrap_err();
    assert_eq!(err.status(), Some(429));
    assert_eq!(emu.calls().len(), 1);
}

#[tokio::test]
async fn html_error_page_gives_a_readable_tray_error() {
    let emu = emulator().await;
    emu.inject(Fault::Html(502), Scope::Next(1));
    let err = client(&emu).call(AUTH_ID, message()).await.unwrap_err();
    assert_eq!(err.status(), Some(502));
    let text = err.to_string();
    assert!(
        text.starts_with("Tray API error 502: Bad Gateway"),
        "{text}"
    );
    assert!(!text.contains('\n') && text.len() < 300, "{text}");
    // A read retries it.
    emu.inject(Fault::Html(502), Scope::Next(1));
    client(&emu).list_connectors().await.unwrap();
}

#[tokio::test]
async fn hanging_server_times_out() {
    let emu = emulator().await;
    let timeout = Duration::from_millis(300);
    let client = client_of(&emu)
        .timeout(timeout)
        .retry(fast(RetryPolicy::default()))
        .build()
        .unwrap();
    emu.inject(Fault::Hang, Scope::Next(1));
    let started = Instant::now();
    let err = client.list_connectors().await.unwrap_err();
    let elapsed = started.elapsed();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(
        err.to_string(),
        "request timed out after 0.3s (GET /core/v1/connectors)"
    );
    assert!(elapsed < timeout * 5, "{elapsed:?}");

    emu.inject(Fault::Hang, Scope::Next(1));
    let started = Instant::now();
    let err = client.call(AUTH_ID, message()).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(started.elapsed() < timeout * 5);
    assert_eq!(emu.calls().len(), 1, "a timed-out call is never retried");
}

#[tokio::test]
async fn trickling_body_times_out() {
    let emu = emulator().await;
    let timeout = Duration::from_millis(400);
    let client = client_of(&emu).timeout(timeout).build().unwrap();
    emu.inject(Fault::Trickle { bytes_per_sec: 0 }, Scope::Next(1));
    let started = Instant::now();
    let err = client.list_operations("acme", "1.0").await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(started.elapsed() < timeout * 5);

    emu.inject(Fault::Trickle { bytes_per_sec: 20 }, Scope::Next(1));
    let err = client.list_operations("acme", "1.0").await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
}

#[tokio::test]
async fn truncated_or_dropped_bodies_are_clear_errors() {
    let emu = emulator().await;
    let client = client(&emu);
    for fault in [Fault::Truncate(10), Fault::DropMidBody] {
        emu.inject(fault.clone(), Scope::Next(1));
        let err = client.list_operations("acme", "1.0").await.unwrap_err();
        assert!(
            matches!(err, Error::Transport { .. } | Error::Decode { .. }),
            "{fault:?}: {err:?}"
        );
        let text = err.to_string();
        eprintln!("{fault:?} on a read: {text}");
        assert!(!text.contains('\n'), "{text}");

        emu.inject(fault.clone(), Scope::Next(1));
        let err = client.call(AUTH_ID, message()).await.unwrap_err();
        assert!(
            matches!(err, Error::Transport { .. } | Error::Decode { .. }),
            "{fault:?}: {err:?}"
        );
    }
}

#[tokio::test]
async fn body_over_the_cap_is_refused() {
    let emu = emulator().await;
    let client = client_of(&emu).max_response_bytes(64).build().unwrap();
    let err = client.list_operations("acme", "1.0").await.unwrap_err();
    assert!(
        matches!(err, Error::ResponseTooLarge { limit: 64, .. }),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "response to GET /core/v1/connectors/acme/versions/1.0/operations is larger than the limit of 64 bytes"
    );
    // Also without a Content-Length (chunked, cut short by the cap before the drop).
    emu.inject(Fault::DropMidBody, Scope::Next(1));
    let err = client.list_operations("acme", "1.0").await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::ResponseTooLarge { .. } | Error::Transport { .. }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn output_schema_asks_for_and_returns_the_schema() {
    let emu = emulator().await;
    let schema = client(&emu)
        .output_schema(AUTH_ID, GetRecord { id: "r1".into() })
        .await
        .unwrap();
    assert_eq!(schema["properties"]["name"]["type"], "string");
    let calls = emu.calls();
    assert!(calls[0].return_output_schema);
    assert_eq!(calls[0].input, json!({"id": "r1"}));

    let err = client(&emu)
        .output_schema(AUTH_ID, message())
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400), "{err}");
}

#[tokio::test]
async fn lookup_returns_the_options() {
    let emu = emulator().await;
    let client = client(&emu);
    let lookup = Lookup::new("acme", "1.0", "list_channels_ddl", json!({"team": "T1"}));
    let synthesised = client.lookup(AUTH_ID, lookup.clone()).await.unwrap();
    assert_eq!(synthesised.len(), 3);

    emu.respond(
        "acme",
        "list_channels_ddl",
        json!([{"text": "General", "value": "C1"}, {"text": "Random", "value": "C2"}]),
    );
    let options = client.lookup(AUTH_ID, lookup).await.unwrap();
    assert_eq!(options.len(), 2);
    assert_eq!(options[0].text, "General");
    assert_eq!(options[1].value, json!("C2"));
    let last = emu.calls().pop().unwrap();
    assert_eq!(last.operation, "list_channels_ddl");
    assert_eq!(last.input, json!({"team": "T1"}));
}

#[tokio::test]
async fn connection_refused_is_a_transport_error() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = Client::builder()
        .token(TOKEN)
        .base_url(format!("http://127.0.0.1:{port}"))
        .retry(fast(RetryPolicy::default()))
        .build()
        .unwrap();
    let err = client.list_connectors().await.unwrap_err();
    match &err {
        Error::Transport { connect, .. } => assert!(connect),
        other => panic!("{other:?}"),
    }
    let text = err.to_string();
    eprintln!("{text}");
    assert!(
        text.starts_with(&format!(
            "could not connect to 127.0.0.1:{port} (GET /core/v1/connectors): "
        )),
        "{text}"
    );
    assert!(std::error::Error::source(&err).is_some());
    assert!(!text.contains(TOKEN) && !format!("{err:?}").contains(TOKEN));
}

/// Collects everything a `fmt` subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn token_never_appears_in_tracing_errors_or_debug() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    // Current-thread runtime: the guard covers the client and the emulator alike.
    let _guard = tracing::subscriber::set_default(subscriber);

    let emu = emulator().await;
    let client = client(&emu);
    let mut rendered = format!("{client:?}");
    client.list_connectors().await.unwrap();
    client.call(AUTH_ID, message()).await.unwrap();
    emu.inject(
        Fault::Status(429, json!({"message": "Too many", "code": null})),
        Scope::Next(1),
    );
    client.list_operations("acme", "1.0").await.unwrap();
    let errors = [
        client.list_operations("nope", "1").await.unwrap_err(),
        client
            .call_raw("acme", "1.0", "nope", AUTH_ID, json!({}))
            .await
            .unwrap_err(),
        client
            .call_raw("acme", "1.0", "send_message", AUTH_ID, json!({}))
            .await
            .unwrap_err(),
    ];
    for err in &errors {
        rendered.push_str(&format!("{err} {err:?}"));
    }

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        log.contains("tray.request") && log.contains("tray.call"),
        "no client spans captured:\n{log}"
    );
    assert!(log.contains("attempt=2"), "the retry is traced:\n{log}");
    assert!(log.contains("status=200"), "{log}");
    assert!(!log.contains(TOKEN), "token in tracing output:\n{log}");
    assert!(
        !rendered.contains(TOKEN),
        "token in Debug/Display: {rendered}"
    );
}
