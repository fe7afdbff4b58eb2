//! Secrets and hostile names (`docs/reliability.md`, "Secrets and paths"): the token and `Secret` inputs never show
//! in `Debug`/`Display`, error messages or `tracing` output, whatever fails; `http://` is only
//! accepted for loopback hosts unless allowed; and no connector name, version or operation can
//! change the request path: it is refused before sending, or arrives exactly as given.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;
use serde_json::json;
use support::AUTH_ID;
use tray_connect::{Client, Error, Operation, RetryPolicy, Secret};
use tray_connect_emulator::{Emulator, Fault, Scope};

const TOKEN: &str = "tok-9f8e7d6c5b4a-SECRET";
const PASSWORD: &str = "hunter2-pa55w0rd-SECRET";

const VAULT: &str = r#"{
  "connector": {"name": "vault", "version": "1.0"},
  "elements": [
    {"name": "login",
     "inputSchema": {"type": "object", "required": ["user", "password"],
                     "properties": {"user": {"type": "string"},
                                    "password": {"type": "string", "format": "password"}}},
     "outputSchema": {"type": "object", "required": ["session"],
                      "properties": {"session": {"type": "integer"}}}}
  ]
}"#;

#[derive(Debug, Serialize)]
struct Login {
    user: String,
    password: Secret,
}

#[derive(Debug, serde::Deserialize)]
struct LoginOutput {
    #[allow(dead_code)]
    session: i64,
}

impl Operation for Login {
    type Output = LoginOutput;
    const CONNECTOR: &'static str = "vault";
    const VERSION: &'static str = "1.0";
    const NAME: &'static str = "login";
}

fn login() -> Login {
    Login {
        user: "ann".into(),
        password: Secret::new(PASSWORD),
    }
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

fn assert_clean(what: &str, text: &str) {
    assert!(!text.contains(TOKEN), "token in {what}: {text}");
    assert!(!text.contains(PASSWORD), "password in {what}: {text}");
}

/// Every kind of failure, with a token and a `Secret` input in play, at TRACE level (the
/// client's events and those of the HTTP stack under it), on one thread so the subscriber sees
/// the client and the emulator alike.
#[tokio::test(flavor = "current_thread")]
async fn token_and_secret_inputs_never_leak_whatever_fails() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    // A second live dispatcher. With only one registered, tracing computes the interest of a
    // callsite first reached on another thread (another test of this binary, without a
    // subscriber) from that thread's default alone, caches "never" for every thread, and this
    // subscriber then sees none of the client's spans: whether it did depended on which test
    // reached `tray.request` first.
    let _second = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());

    let emu = Emulator::builder()
        .token(TOKEN)
        .document_json(VAULT)
        .start()
        .await
        .unwrap();
    let client = Client::builder()
        .token(TOKEN)
        .base_url(emu.base_url())
        .timeout(Duration::from_millis(300))
        .retry(
            RetryPolicy::calls_idempotent()
                .base_delay(Duration::from_millis(1))
                .max_delay(Duration::from_millis(5)),
        )
        .build()
        .unwrap();
    let mut rendered = format!(
        "{client:?} {:?} {:?} {} {}",
        Client::builder().token(TOKEN),
        login(),
        login().password,
        login().password
    );
    assert!(rendered.contains("***"));

    let mut errors = Vec::new();
    // The output does not match (`session` should be an integer): Decode, carrying the output.
    emu.respond("vault", "login", json!({"session": "abc"}));
    errors.push(client.call(AUTH_ID, login()).await.unwrap_err());
    emu.respond("vault", "login", json!({"session": 1}));
    client.call(AUTH_ID, login()).await.unwrap();
    let faults = [
        Fault::Status(500, json!({"message": "boom", "code": null})),
        Fault::Status(429, json!({"message": "slow", "code": null})),
        Fault::Html(502),
        Fault::Hang,
        Fault::Truncate(5),
        Fault::DropMidBody,
        Fault::Trickle { bytes_per_sec: 0 },
        Fault::ThirdPartyError(json!({"message": "denied", "response": {"statusCode": 401}})),
    ];
    for fault in faults {
        emu.inject(fault, Scope::Every(1));
        errors.push(client.call(AUTH_ID, login()).await.unwrap_err());
        errors.push(client.list_connectors().await.unwrap_err());
        emu.clear_faults();
    }
    // Tray's own refusals: a wrong token, an unknown connector, an invalid input.
    let wrong = Client::builder()
        .token(format!("{TOKEN}-wrong"))
        .base_url(emu.base_url())
        .build()
        .unwrap();
    errors.push(wrong.call(AUTH_ID, login()).await.unwrap_err());
    errors.push(client.list_operations("nope", "1").await.unwrap_err());
    errors.push(
        client
            .call_raw("vault", "1.0", "login", AUTH_ID, json!({"user": "ann"}))
            .await
            .unwrap_err(),
    );
    // Nothing listening.
    let closed = Client::builder()
        .token(TOKEN)
        .base_url("http://127.0.0.1:9")
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    errors.push(closed.call(AUTH_ID, login()).await.unwrap_err());

    for err in &errors {
        rendered.push_str(&format!("{err} | {err:?}"));
        let mut source = std::error::Error::source(err);
        while let Some(cause) = source {
            rendered.push_str(&format!(" | {cause} | {cause:?}"));
            source = cause.source();
        }
    }
    assert_clean("Debug/Display of errors", &rendered);

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("tray.request"), "nothing captured");
    assert_clean("tracing output", &log);
    // The emulator did receive the password: it is sent, just never shown.
    assert!(emu.calls().iter().any(|c| c.input["password"] == PASSWORD));
}

#[test]
fn bad_tokens_are_refused_without_being_echoed() {
    for token in [format!("{TOKEN}\n{TOKEN}"), format!("{TOKEN}\u{7f}")] {
        let err = Client::new(&token).unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{err:?}");
        assert_clean("a config error", &format!("{err} {err:?}"));
    }
}

#[test]
fn plain_http_is_refused_for_non_loopback_hosts_unless_allowed() {
    let build = |url: &str, allow: bool| {
        Client::builder()
            .token(TOKEN)
            .base_url(url)
            .allow_insecure_http(allow)
            .build()
    };
    for url in [
        "http://example.com",
        "http://api.tray.io",
        "http://10.0.0.1:8080",
        "http://192.168.1.1",
        "http://[::2]",
        "http://localhost.evil.example",
        "http://127.0.0.1.nip.io",
        "http://0.0.0.0",
    ] {
        let err = build(url, false).unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{url}: {err:?}");
        assert!(err.to_string().contains("http://"), "{url}: {err}");
        build(url, true).unwrap_or_else(|e| panic!("{url} allowed: {e}"));
    }
    for url in [
        "http://127.0.0.1:1234",
        "http://127.1.2.3",
        "http://[::1]:80",
        "http://localhost:8080",
        "https://example.com",
    ] {
        build(url, false).unwrap_or_else(|e| panic!("{url}: {e}"));
    }
    for url in ["ftp://example.com", "file:///etc/passwd", "example.com", ""] {
        assert!(build(url, true).is_err(), "{url}");
    }
    // Credentials in the URL are refused and not echoed.
    let err = build("https://user:hunter2-pa55w0rd-SECRET@example.com", false).unwrap_err();
    assert_clean("a base URL error", &format!("{err} {err:?}"));
}

/// Names that would change the path if pasted into it unencoded.
const HOSTILE: &[&str] = &[
    "",
    ".",
    "..",
    "../..",
    "a/b",
    "/",
    "vault/versions/1.0/call",
    "../../connectors/vault",
    "x?y=1",
    "x#frag",
    "?",
    "#",
    "a b",
    " ",
    "%2e%2e",
    "%2F",
    "a\nb",
    "a\rb",
    "a\tb",
    "\0",
    "\u{7f}",
    "\u{85}",
    "é/ü",
    "a\\b",
    "..\\..",
    "...",
];

/// Whether a name must be refused before sending (`core/src/path.rs`).
fn refused(name: &str) -> bool {
    name.is_empty() || name == "." || name == ".." || name.chars().any(char::is_control)
}

#[tokio::test]
async fn hostile_names_and_versions_are_refused_or_arrive_exactly_as_given() {
    let emu = Emulator::builder()
        .token(TOKEN)
        .document_json(VAULT)
        .start()
        .await
        .unwrap();
    let client = Client::builder()
        .token(TOKEN)
        .base_url(emu.base_url())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    for &hostile in HOSTILE {
        for (name, version) in [(hostile, "1.0"), ("vault", hostile)] {
            emu.clear_calls();
            let result = client
                .call_raw(name, version, "login", AUTH_ID, json!({}))
                .await;
            if refused(hostile) {
                let err = result.unwrap_err();
                assert!(
                    matches!(err, Error::Config { .. }),
                    "{name:?} {version:?}: {err:?}"
                );
                assert!(emu.calls().is_empty(), "{name:?} {version:?} was sent");
                let err = client.list_operations(name, version).await.unwrap_err();
                assert!(matches!(err, Error::Config { .. }), "{err:?}");
                continue;
            }
            // Sent: one call, to exactly this connector and version (unknown, so a 404).
            let err = result.unwrap_err();
            assert_eq!(err.status(), Some(404), "{name:?} {version:?}: {err}");
            let calls = emu.calls();
            assert_eq!(calls.len(), 1, "{name:?} {version:?}");
            assert_eq!(
                calls[0].connector, name,
                "connector of {name:?} {version:?}"
            );
            assert_eq!(calls[0].version, version, "version of {name:?} {version:?}");
            assert_eq!(calls[0].operation, "login");
            // Reads reach the same (unknown) connector: a 404 naming it, never vault's list.
            let err = client.list_operations(name, version).await.unwrap_err();
            assert_eq!(
                err.message(),
                Some(format!("Connector '{name}' with version '{version}' not found").as_str()),
                "{name:?} {version:?}"
            );
        }
    }
}

#[tokio::test]
async fn hostile_operation_names_travel_in_the_body_only() {
    let emu = Emulator::builder()
        .token(TOKEN)
        .document_json(VAULT)
        .start()
        .await
        .unwrap();
    let client = Client::builder()
        .token(TOKEN)
        .base_url(emu.base_url())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    for &operation in HOSTILE {
        emu.clear_calls();
        let result = client
            .call_raw("vault", "1.0", operation, AUTH_ID, json!({}))
            .await;
        if operation.is_empty() {
            assert!(matches!(result, Err(Error::Config { .. })), "{result:?}");
            assert!(emu.calls().is_empty());
            continue;
        }
        // Unknown operation: the connector "fails", but the path was vault 1.0's.
        let err = result.unwrap_err();
        assert!(
            matches!(err, Error::Connector { .. }),
            "{operation:?}: {err:?}"
        );
        let calls = emu.calls();
        assert_eq!(calls.len(), 1);
        assert_eq!(
            (calls[0].connector.as_str(), calls[0].version.as_str()),
            ("vault", "1.0")
        );
        assert_eq!(calls[0].operation, operation);
    }
}
