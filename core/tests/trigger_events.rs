//! Receiving Tray's deliveries with the `TrayEvent` extractor (feature `axum`), in real axum
//! servers on 127.0.0.1:0: what reaches the handler and what is refused before it.
//!
//! Run with `cargo test -p tray-connect --features axum --test trigger_events`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::extract::{FromRef, State};
use axum::routing::post;
use tokio::sync::mpsc;
use tray_connect::{SIGNATURE_HEADER, SigningKey, TrayEvent, Trigger};

/// GoSquared's `entered_smart_group_init`, hand-written (the `trigger!` macro will generate it).
#[derive(Debug, Clone, serde::Serialize)]
struct EnteredSmartGroup {
    api_key: String,
    site_token: String,
    url: String,
    value: String,
}

/// The part of its event (`outputSchema`) the service reads.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
struct GroupEvent {
    group: Group,
    boundary: String,
    person: Person,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
struct Group {
    id: String,
    name: String,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
struct Person {
    id: String,
}

impl Trigger for EnteredSmartGroup {
    type Event = GroupEvent;
    const TRIGGER: &'static str = "gosquared-trigger";
    const VERSION: &'static str = "1.0";
    const NAME: &'static str = "entered_smart_group_init";
}

/// The receiving service's state: its subscription's key, and where verified events go.
#[derive(Clone)]
struct Service {
    key: SigningKey,
    events: mpsc::UnboundedSender<GroupEvent>,
    handled: Arc<AtomicUsize>,
}

impl FromRef<Service> for SigningKey {
    fn from_ref(service: &Service) -> SigningKey {
        service.key.clone()
    }
}

async fn entered(
    State(service): State<Service>,
    event: TrayEvent<EnteredSmartGroup>,
) -> &'static str {
    service.handled.fetch_add(1, Ordering::SeqCst);
    let _ = service.events.send(event.into_event());
    "taken"
}

/// A service listening on a free loopback port: its URL, the events its handler saw, and how
/// many times the handler ran.
struct Running {
    url: String,
    events: mpsc::UnboundedReceiver<GroupEvent>,
    handled: Arc<AtomicUsize>,
}

async fn serve(key: SigningKey) -> Running {
    let (sender, events) = mpsc::unbounded_channel();
    let handled = Arc::new(AtomicUsize::new(0));
    let service = Service {
        key,
        events: sender,
        handled: handled.clone(),
    };
    let app = Router::new()
        .route("/tray/groups", post(entered))
        .with_state(service);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/tray/groups", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Running {
        url,
        events,
        handled,
    }
}

fn event_json(person: &str) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "group": {"id": "vip", "name": "VIP"}, "boundary": "enter", "person": {"id": person},
        "unlisted": "kept out of the typed event"
    }))
    .unwrap()
}

fn http() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

async fn post_event(url: &str, body: Vec<u8>, signature: Option<String>) -> (u16, String) {
    let mut request = http()
        .post(url)
        .header("content-type", "application/json")
        .body(body);
    if let Some(signature) = signature {
        request = request.header(SIGNATURE_HEADER, signature);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test]
async fn a_signed_delivery_reaches_the_handler_decoded() {
    let key = SigningKey::from_bytes(&[7; 32]);
    let mut service = serve(key.clone()).await;
    let body = event_json("p1");
    let (status, text) = post_event(&service.url, body.clone(), Some(key.sign(&body))).await;
    assert_eq!((status, text.as_str()), (200, "taken"));
    let event = service.events.recv().await.unwrap();
    assert_eq!(event.person.id, "p1");
    assert_eq!(event.group.name, "VIP");
}

#[tokio::test]
async fn unsigned_forged_oversized_and_misshapen_deliveries_never_reach_the_handler() {
    let key = SigningKey::from_bytes(&[7; 32]);
    let service = serve(key.clone()).await;
    let body = event_json("p1");
    let forged = SigningKey::from_bytes(&[8; 32]).sign(&body);
    let misshapen =
        br#"{"group": {"id": "vip", "name": 7}, "boundary": "enter", "person": {"id": "p"}}"#
            .to_vec();
    let not_json = b"<event/>".to_vec();
    let cases = [
        (
            body.clone(),
            None,
            401,
            "event refused: the event has no x-tray-signature header",
        ),
        (
            body.clone(),
            Some(forged),
            401,
            "event refused: the x-tray-signature header does not match the body",
        ),
        (
            body.clone(),
            Some("not base64!".to_owned()),
            401,
            "is not a base64 HMAC-SHA256",
        ),
        (
            misshapen.clone(),
            Some(key.sign(&misshapen)),
            422,
            "at group.name: invalid type: integer `7`, expected a string",
        ),
        (
            not_json.clone(),
            Some(key.sign(&not_json)),
            400,
            "at line 1 column 1",
        ),
    ];
    for (body, signature, expected, says) in cases {
        let (status, text) = post_event(&service.url, body, signature).await;
        assert_eq!(status, expected, "{text}");
        assert!(text.contains(says), "{expected}: {text}");
    }
    let (status, text) = announce_oversized(&service.url).await;
    assert_eq!(status, 413, "{text}");
    assert!(
        text.ends_with("event body is larger than the limit of 16777216 bytes"),
        "{text}"
    );
    assert_eq!(service.handled.load(Ordering::SeqCst), 0);
}

/// Sends the headers of a signed delivery announcing one byte more than `MAX_EVENT_BYTES`, and
/// no body at all: the answer can only come from the announced length, before any reading.
async fn announce_oversized(url: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = url.trim_start_matches("http://").split('/').next().unwrap();
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let head = format!(
        "POST /tray/groups HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n\
         {SIGNATURE_HEADER}: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        SigningKey::from_bytes(&[7; 32]).sign(b"{}"),
        tray_connect::MAX_EVENT_BYTES + 1
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    // The server closes after its answer (the body it did not read makes the connection unusable).
    stream.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8(answer).unwrap();
    let status = answer[9..12].parse().unwrap();
    (status, answer.trim_end().to_owned())
}
