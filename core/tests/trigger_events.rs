//! Receiving Tray's deliveries with the `TrayEvent` extractor (feature `axum`), in real axum
//! servers on 127.0.0.1:0: what reaches the handler and what is refused before it; and the
//! whole chain, `Client::subscribe` → the emulator's signed deliveries → `TrayEvent`, for 1,000
//! events.
//!
//! Run with `cargo test -p tray-connect --features axum --test trigger_events`.

mod support;

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{FromRef, State};
use axum::http::StatusCode;
use axum::routing::post;
use futures_util::StreamExt;
use support::gosquared::{EnteredSmartGroup, GroupEvent, entered, event};
use tokio::sync::mpsc;
use tray_connect::{Client, NewSubscription, SIGNATURE_HEADER, SigningKey, TrayEvent};
use tray_connect_emulator::{AttemptOutcome, Delivery, DeliveryFault, Emulator, Scope};

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

async fn take_event(
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
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    serve_on(listener, key)
}

/// As [`serve`], on a listener bound already (its URL is needed to subscribe, before the key
/// exists).
fn serve_on(listener: tokio::net::TcpListener, key: SigningKey) -> Running {
    let (sender, events) = mpsc::unbounded_channel();
    let handled = Arc::new(AtomicUsize::new(0));
    let service = Service {
        key,
        events: sender,
        handled: handled.clone(),
    };
    let app = Router::new()
        .route("/tray/groups", post(take_event))
        .with_state(service);
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

/// The service of the end-to-end test: during an outage it answers 503 before acting; then it
/// acts once per event, deduplicating on the event's person id (a field that identifies it:
/// Tray sends no event id).
#[derive(Clone)]
struct Idempotent {
    key: SigningKey,
    /// How many more deliveries the outage refuses.
    outage: Arc<AtomicUsize>,
    /// The events acted on, by person id.
    acted: Arc<Mutex<HashSet<String>>>,
    /// Deliveries of an event already acted on.
    repeats: Arc<AtomicUsize>,
}

impl FromRef<Idempotent> for SigningKey {
    fn from_ref(service: &Idempotent) -> SigningKey {
        service.key.clone()
    }
}

async fn act_once(
    State(service): State<Idempotent>,
    event: TrayEvent<EnteredSmartGroup>,
) -> StatusCode {
    let down = service
        .outage
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| {
            left.checked_sub(1)
        })
        .is_ok();
    if down {
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    let first_time = service
        .acted
        .lock()
        .unwrap()
        .insert(event.person.id.clone());
    if !first_time {
        service.repeats.fetch_add(1, Ordering::SeqCst);
    }
    StatusCode::OK
}

/// The issue's target: 1,000 events through the whole chain.
const EVENTS: usize = 1_000;
/// Deliveries in flight at once (Tray delivers "as fast as it can").
const IN_FLIGHT: usize = 50;
/// Deliveries the receiver's outage refuses with a 503 before it recovers.
const OUTAGE: usize = 150;

#[tokio::test]
async fn a_thousand_events_arrive_verified_once_each_through_an_outage_duplicates_and_forgeries() {
    let started = Instant::now();
    let emulator = Emulator::builder()
        .document(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../schemas/gosquared-trigger.json"
        ))
        // Enough attempts to outlast the outage; millisecond backoff keeps the run short.
        .delivery_retries(10, Duration::from_millis(1))
        .start()
        .await
        .unwrap();
    let client = Client::builder()
        .token("token")
        .base_url(emulator.base_url())
        .build()
        .unwrap();

    // The service's endpoint exists before its key: subscribe, then serve with the key.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}/tray/groups", listener.local_addr().unwrap());
    let created = client
        .subscribe(NewSubscription::new(
            "VIPs",
            &endpoint,
            entered("vip", &endpoint),
        ))
        .await
        .unwrap();
    let service = Idempotent {
        key: created.signing_key.clone(),
        outage: Arc::new(AtomicUsize::new(OUTAGE)),
        acted: Arc::default(),
        repeats: Arc::default(),
    };
    let app = Router::new()
        .route("/tray/groups", post(act_once))
        .with_state(service.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    // Every 25th delivery forged, every 10th other one delivered twice.
    emulator.inject_delivery(DeliveryFault::MisSign, Scope::Every(25));
    emulator.inject_delivery(DeliveryFault::Duplicate, Scope::Every(10));
    let id = created.subscription.id.as_str();
    let deliveries: Vec<Delivery> = tokio::time::timeout(
        Duration::from_secs(120),
        futures_util::stream::iter(0..EVENTS)
            .map(|n| {
                let event = event(&format!("p{n}"));
                let emulator = &emulator;
                async move {
                    let delivery = emulator.deliver::<EnteredSmartGroup>(id, &event).await;
                    (event.person.id, delivery.unwrap())
                }
            })
            .buffer_unordered(IN_FLIGHT)
            .map(|(person, delivery)| {
                assert_eq!(delivery.subscription_id, id);
                (person, delivery)
            })
            .collect::<Vec<_>>(),
    )
    .await
    .expect("the deliveries finish")
    .into_iter()
    .map(|(person, delivery)| {
        let acted = service.acted.lock().unwrap().contains(&person);
        let forged = delivery.fault == Some(DeliveryFault::MisSign);
        // Every genuine event acted on, no forged one.
        assert_eq!(acted, !forged, "{person}: {delivery:?}");
        assert_eq!(delivery.delivered(), !forged, "{person}");
        delivery
    })
    .collect();
    let elapsed = started.elapsed();

    let count = |fault: DeliveryFault| {
        deliveries
            .iter()
            .filter(|d| d.fault == Some(fault.clone()))
            .count()
    };
    let (forged, duplicated) = (
        count(DeliveryFault::MisSign),
        count(DeliveryFault::Duplicate),
    );
    assert_eq!(forged, EVENTS / 25);
    assert_eq!(duplicated, EVENTS / 10 - EVENTS / 50);
    assert_eq!(service.acted.lock().unwrap().len(), EVENTS - forged);
    // Each duplicate reached the handler a second time, and was not acted on again.
    assert_eq!(service.repeats.load(Ordering::SeqCst), duplicated);
    let statuses = |status: u16| {
        deliveries
            .iter()
            .flat_map(|d| &d.attempts)
            .filter(|a| a.outcome == AttemptOutcome::Status(status))
            .count()
    };
    // The outage was retried through; forged deliveries were refused at every attempt.
    assert_eq!(statuses(503), OUTAGE);
    assert_eq!(statuses(401), forged * 10);
    assert_eq!(
        statuses(200),
        EVENTS - forged + duplicated,
        "every genuine event taken once, every duplicate twice"
    );
    eprintln!(
        "{EVENTS} events ({forged} forged, {duplicated} duplicated, {OUTAGE} refused by the \
         outage), {} attempts in {elapsed:.2?}",
        deliveries.iter().map(|d| d.attempts.len()).sum::<usize>()
    );
}
