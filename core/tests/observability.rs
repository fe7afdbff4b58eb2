//! Every request in an OpenTelemetry-friendly `tracing` span, with no secret in it; and a
//! caller's own `reqwest::Client` (`ClientBuilder::http_client`) carrying every request.

mod support;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use serde_json::json;
use support::{AUTH_ID, SendMessage, TOKEN, acme, client_of, fast};
use tracing::span::{Attributes, Id, Record};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tray_connect::{Client, RetryPolicy};
use tray_connect_emulator::{Fault, Scope};

/// A span as captured: its name and its fields' text.
type Captured = (String, BTreeMap<String, String>);

/// Every span (in creation order) and every event's fields.
#[derive(Clone, Default)]
struct Capture {
    spans: Arc<Mutex<Vec<Captured>>>,
    index: Arc<Mutex<HashMap<u64, usize>>>,
    events: Arc<Mutex<Vec<BTreeMap<String, String>>>>,
}

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl tracing::field::Visit for Fields<'_> {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }

    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
}

impl<S: tracing::Subscriber> Layer<S> for Capture {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, _: Context<'_, S>) {
        let mut fields = BTreeMap::new();
        attrs.record(&mut Fields(&mut fields));
        let mut spans = self.spans.lock().unwrap();
        self.index
            .lock()
            .unwrap()
            .insert(id.into_u64(), spans.len());
        spans.push((attrs.metadata().name().to_owned(), fields));
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, _: Context<'_, S>) {
        let Some(&at) = self.index.lock().unwrap().get(&id.into_u64()) else {
            return;
        };
        values.record(&mut Fields(&mut self.spans.lock().unwrap()[at].1));
    }

    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        self.events.lock().unwrap().push(fields);
    }
}

impl Capture {
    fn named(&self, name: &str) -> Vec<BTreeMap<String, String>> {
        self.spans
            .lock()
            .unwrap()
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, f)| f.clone())
            .collect()
    }
}

const CHANNEL: &str = "chan-private-4711";
const TEXT: &str = "input-text-never-traced";

fn private_message() -> SendMessage {
    SendMessage {
        channel: CHANNEL.into(),
        text: TEXT.into(),
        count: None,
    }
}

#[tokio::test]
async fn every_request_has_an_open_telemetry_span_and_no_secret_is_in_one() {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::registry().with(capture.clone());
    // Current-thread runtime: the guard covers every request of the test.
    let _guard = tracing::subscriber::set_default(subscriber);
    // A second live dispatcher, so a callsite first reached by another test's thread (without
    // a subscriber) is not cached as "never" for this one (see tests/secrets.rs).
    let _second = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());

    let emu = acme().start().await.unwrap();
    let port = emu.local_addr().port().to_string();
    let client = client_of(&emu)
        .retry(fast(RetryPolicy::default()))
        .build()
        .unwrap();
    // A call refused once with 429 (retried), then answered.
    emu.inject(
        Fault::Status(429, json!({"message": "Too many", "code": null})),
        Scope::Next(1),
    );
    client.call(AUTH_ID, private_message()).await.unwrap();
    client.list_connectors().await.unwrap();
    // A path with an authId in it: the emulator does not know it (404).
    client.delete_authentication(AUTH_ID).await.unwrap_err();

    let calls = capture.named("tray.call");
    assert_eq!(calls.len(), 2, "{calls:#?}");
    for (attempt, span) in calls.iter().enumerate() {
        let expected = [
            ("otel.kind", "client"),
            ("http.request.method", "POST"),
            ("url.path", "/core/v1/connectors/acme/versions/1.0/call"),
            ("server.address", "127.0.0.1"),
            ("server.port", port.as_str()),
            ("tray.connector", "acme"),
            ("tray.version", "1.0"),
            ("tray.operation", "send_message"),
        ];
        for (field, value) in expected {
            assert_eq!(
                span.get(field).map(String::as_str),
                Some(value),
                "{field}: {span:#?}"
            );
        }
        assert_eq!(span["http.request.resend_count"], attempt.to_string());
    }
    assert_eq!(calls[0]["http.response.status_code"], "429");
    assert_eq!(calls[0]["error.type"], "http_status");
    assert_eq!(calls[0]["otel.status_code"], "ERROR");
    assert_eq!(calls[1]["http.response.status_code"], "200");
    assert!(!calls[1].contains_key("error.type"), "{:#?}", calls[1]);

    let requests = capture.named("tray.request");
    let paths: Vec<(&str, &str, &str)> = requests
        .iter()
        .map(|s| {
            (
                s["http.request.method"].as_str(),
                s["url.path"].as_str(),
                s["http.response.status_code"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        paths,
        [
            ("GET", "/core/v1/connectors", "200"),
            ("DELETE", "/core/v1/authentications/{id}", "404"),
        ]
    );
    assert!(requests.iter().all(|s| s["otel.kind"] == "client"));
    assert!(requests.iter().all(|s| !s.contains_key("tray.operation")));

    // No token, authId or input anywhere: spans or events.
    let everything = format!(
        "{:?} {:?}",
        capture.spans.lock().unwrap(),
        capture.events.lock().unwrap()
    );
    for secret in [TOKEN, AUTH_ID, CHANNEL, TEXT] {
        assert!(
            !everything.contains(secret),
            "{secret} traced:\n{everything}"
        );
    }
}

#[tokio::test]
async fn the_callers_own_http_client_carries_every_request() {
    let emu = acme().start().await.unwrap();
    // Only this client knows where `tray.invalid` is: the SDK's own would not resolve it.
    let http = reqwest::Client::builder()
        .resolve("tray.invalid", emu.local_addr())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let client = Client::builder()
        .token(TOKEN)
        .base_url(format!("http://tray.invalid:{}", emu.local_addr().port()))
        .allow_insecure_http(true)
        .http_client(http)
        .build()
        .unwrap();
    assert!(format!("{client:?}").contains("tray.invalid"));
    let connectors = client.list_connectors().await.unwrap();
    assert!(connectors.iter().any(|c| c.name == "acme"));
    let sent = client.call(AUTH_ID, private_message()).await.unwrap();
    assert!(sent.ok);
    assert_eq!(emu.calls()[0].input["channel"], CHANNEL);
}
