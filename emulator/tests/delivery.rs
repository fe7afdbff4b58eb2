//! Deliveries to real receivers (axum servers on 127.0.0.1:0): signed as Tray signs, retried
//! until taken, and broken on purpose by `DeliveryFault`s.

mod support;

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::receiver::Receiver;
use support::{TOKEN, trigger_document};
use tray_connect::{SignatureError, SigningKey, Trigger, verify_event};
use tray_connect_emulator::{
    AttemptOutcome, DeliveryFault, Emulator, EmulatorBuilder, EmulatorError, Scope,
};

fn emulator() -> EmulatorBuilder {
    Emulator::builder()
        .token(TOKEN)
        .document(trigger_document("gosquared-trigger.json"))
        // Retries in milliseconds: the outage tests stay fast.
        .delivery_retries(4, Duration::from_millis(5))
}

/// Subscribes to `entered_smart_group_init`, delivering to `endpoint`; returns the id and key.
async fn subscribe(emulator: &Emulator, endpoint: &str) -> (String, SigningKey) {
    let response = support::http()
        .post(format!("{}/core/v1/subscriptions", emulator.base_url()))
        .bearer_auth(TOKEN)
        .json(&json!({
            "name": "VIPs",
            "trigger": {"name": "gosquared-trigger", "version": "1.0"},
            "operation": "entered_smart_group_init",
            "input": {"api_key": "k", "site_token": "GSN-1", "url": endpoint, "value": "vip"},
            "endpoint": endpoint,
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let created: Value = response.json().await.unwrap();
    let key = SigningKey::from_base64(created["signingKey"].as_str().unwrap()).unwrap();
    (created["id"].as_str().unwrap().to_owned(), key)
}

fn event(n: usize) -> Value {
    json!({"group": {"id": "vip", "name": "VIP"}, "boundary": "enter", "person": {"id": format!("p{n}")}})
}

#[tokio::test]
async fn an_event_is_posted_as_json_with_trays_signature_of_its_bytes() {
    let emulator = emulator().start().await.unwrap();
    let mut receiver = Receiver::taking().await;
    let (id, key) = subscribe(&emulator, &receiver.url).await;
    let delivery = emulator.deliver_json(&id, event(1)).await.unwrap();
    assert!(delivery.delivered());
    assert_eq!(delivery.attempts.len(), 1);
    assert_eq!(delivery.attempts[0].outcome, AttemptOutcome::Status(200));
    let arrived = receiver.arrived.recv().await.unwrap();
    assert_eq!(arrived.content_type.as_deref(), Some("application/json"));
    let signature = arrived.signature.unwrap();
    assert_eq!(verify_event(&key, &arrived.body, &signature), Ok(()));
    assert_eq!(
        serde_json::from_slice::<Value>(&arrived.body).unwrap(),
        event(1)
    );
    assert_eq!(arrived.body, delivery.body);
    assert_eq!(emulator.deliveries(), [delivery]);
}

#[tokio::test]
async fn a_receiver_outage_is_retried_until_the_event_is_taken() {
    let emulator = emulator().start().await.unwrap();
    let mut receiver = Receiver::start(|n| if n < 2 { 503 } else { 200 }).await;
    let (id, _) = subscribe(&emulator, &receiver.url).await;
    let delivery = emulator.deliver_json(&id, event(1)).await.unwrap();
    let outcomes: Vec<&AttemptOutcome> = delivery.attempts.iter().map(|a| &a.outcome).collect();
    assert_eq!(
        outcomes,
        [
            &AttemptOutcome::Status(503),
            &AttemptOutcome::Status(503),
            &AttemptOutcome::Status(200)
        ]
    );
    assert!(delivery.delivered());
    // The same bytes and signature every time.
    let arrived = receiver.drain();
    assert_eq!(arrived.len(), 3);
    assert!(
        arrived
            .iter()
            .all(|a| a.body == arrived[0].body && a.signature == arrived[0].signature)
    );
}

#[tokio::test]
async fn a_receiver_that_never_takes_it_uses_up_the_attempts_without_an_error() {
    let emulator = emulator().start().await.unwrap();
    let receiver = Receiver::start(|_| 500).await;
    let (id, _) = subscribe(&emulator, &receiver.url).await;
    let delivery = emulator.deliver_json(&id, event(1)).await.unwrap();
    assert!(!delivery.delivered());
    assert_eq!(delivery.attempts.len(), 4);
}

#[tokio::test]
async fn no_receiver_at_all_is_no_answer_each_attempt() {
    let emulator = emulator().start().await.unwrap();
    // A port nothing listens on: bound, then freed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (id, _) = subscribe(&emulator, &format!("http://127.0.0.1:{port}/x")).await;
    let delivery = emulator.deliver_json(&id, event(1)).await.unwrap();
    assert_eq!(delivery.attempts.len(), 4);
    for attempt in &delivery.attempts {
        let AttemptOutcome::NoAnswer(cause) = &attempt.outcome else {
            panic!("{attempt:?}");
        };
        assert!(cause.to_lowercase().contains("refused"), "{cause}");
    }
}

#[tokio::test]
async fn a_receiver_too_slow_to_answer_is_timed_out_and_retried() {
    let emulator = emulator()
        .delivery_timeout(Duration::from_millis(200))
        .delivery_retries(2, Duration::from_millis(1))
        .start()
        .await
        .unwrap();
    // Accepts connections, never answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/x", listener.local_addr().unwrap());
    let _held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            open.push(stream);
        }
    });
    let (id, _) = subscribe(&emulator, &url).await;
    let started = Instant::now();
    let delivery = emulator.deliver_json(&id, event(1)).await.unwrap();
    assert_eq!(delivery.attempts.len(), 2);
    assert_eq!(
        delivery.attempts[0].outcome,
        AttemptOutcome::NoAnswer("no answer within 0.2 s".into())
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_duplicate_is_delivered_again_after_it_was_taken() {
    let emulator = emulator().start().await.unwrap();
    let mut receiver = Receiver::taking().await;
    let (id, _) = subscribe(&emulator, &receiver.url).await;
    emulator.inject_delivery(DeliveryFault::Duplicate, Scope::Next(1));
    let delivery = emulator.deliver_json(&id, event(1)).await.unwrap();
    assert_eq!(delivery.times_taken(), 2);
    assert_eq!(delivery.fault, Some(DeliveryFault::Duplicate));
    assert!(delivery.attempts[1].redelivery);
    let arrived = receiver.drain();
    assert_eq!(arrived.len(), 2);
    assert_eq!(arrived[0].body, arrived[1].body);
    // The scope is used up: the next one arrives once.
    assert_eq!(
        emulator
            .deliver_json(&id, event(2))
            .await
            .unwrap()
            .times_taken(),
        1
    );
}

#[tokio::test]
async fn a_mis_signed_or_truncated_delivery_fails_verification() {
    let emulator = emulator()
        .delivery_retries(1, Duration::ZERO)
        .start()
        .await
        .unwrap();
    let mut receiver = Receiver::start(|_| 401).await;
    let (id, key) = subscribe(&emulator, &receiver.url).await;
    emulator.inject_delivery(DeliveryFault::MisSign, Scope::Next(1));
    emulator.inject_delivery(DeliveryFault::Truncate(10), Scope::Next(1));
    let mis_signed = emulator.deliver_json(&id, event(1)).await.unwrap();
    let truncated = emulator.deliver_json(&id, event(2)).await.unwrap();
    assert_eq!(truncated.body.len(), 10);
    let arrived = receiver.drain();
    assert_eq!(arrived.len(), 2);
    for arrived in &arrived {
        let signature = arrived.signature.as_deref().unwrap();
        assert_eq!(
            verify_event(&key, &arrived.body, signature),
            Err(SignatureError::Mismatch)
        );
    }
    assert_eq!(mis_signed.attempts[0].outcome, AttemptOutcome::Status(401));
    // The truncated one was signed whole: the signature of the full event.
    let full = serde_json::to_vec(&event(2)).unwrap();
    assert_eq!(verify_event(&key, &full, &truncated.signature), Ok(()));
}

#[tokio::test]
async fn a_delayed_delivery_waits_before_its_first_attempt() {
    let emulator = emulator().start().await.unwrap();
    let receiver = Receiver::taking().await;
    let (id, _) = subscribe(&emulator, &receiver.url).await;
    emulator.inject_delivery(
        DeliveryFault::Delay(Duration::from_millis(300)),
        Scope::Operation("entered_smart_group_init".into()),
    );
    let started = Instant::now();
    let delivery = emulator.deliver_json(&id, event(1)).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert!(delivery.delivered());
    emulator.clear_faults();
    assert_eq!(
        emulator.deliver_json(&id, event(2)).await.unwrap().fault,
        None
    );
}

#[tokio::test]
async fn deliveries_to_unknown_or_deleted_subscriptions_are_errors() {
    let emulator = emulator().start().await.unwrap();
    let err = emulator
        .deliver_json("no-such-id", event(1))
        .await
        .unwrap_err();
    assert!(
        matches!(err, EmulatorError::UnknownSubscription { .. }),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        "cannot deliver to subscription no-such-id: the emulator has no such subscription \
         (never created, or deleted)"
    );
    let receiver = Receiver::taking().await;
    let (id, _) = subscribe(&emulator, &receiver.url).await;
    let deleted = support::http()
        .delete(format!(
            "{}/core/v1/subscriptions/{id}",
            emulator.base_url()
        ))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    let err = emulator.deliver_json(&id, event(1)).await.unwrap_err();
    assert!(
        matches!(err, EmulatorError::UnknownSubscription { .. }),
        "{err}"
    );
}

#[derive(serde::Serialize)]
struct EnteredSmartGroup {
    value: String,
}

#[derive(Debug, serde::Serialize, serde::Deserialize, PartialEq)]
struct GroupEvent {
    boundary: String,
}

impl Trigger for EnteredSmartGroup {
    type Event = GroupEvent;
    const TRIGGER: &'static str = "gosquared-trigger";
    const VERSION: &'static str = "1.0";
    const NAME: &'static str = "entered_smart_group_init";
}

#[derive(serde::Serialize)]
struct ExitedSmartGroup;

impl Trigger for ExitedSmartGroup {
    type Event = GroupEvent;
    const TRIGGER: &'static str = "gosquared-trigger";
    const VERSION: &'static str = "1.0";
    const NAME: &'static str = "exited_smart_group_init";
}

#[tokio::test]
async fn typed_deliveries_name_the_operation_by_its_type() {
    let emulator = emulator().start().await.unwrap();
    let mut receiver = Receiver::taking().await;
    let (id, key) = subscribe(&emulator, &receiver.url).await;
    let event = GroupEvent {
        boundary: "enter".into(),
    };
    let delivery = emulator
        .deliver::<EnteredSmartGroup>(&id, &event)
        .await
        .unwrap();
    assert!(delivery.delivered());
    let arrived = receiver.arrived.recv().await.unwrap();
    let decoded = tray_connect::decode_event::<EnteredSmartGroup>(
        &key,
        &arrived.body,
        arrived.signature.as_deref().unwrap(),
    )
    .unwrap();
    assert_eq!(decoded, event);
    let err = emulator
        .deliver::<ExitedSmartGroup>(&id, &event)
        .await
        .unwrap_err();
    assert!(
        err.to_string().ends_with(
            "it is a subscription to gosquared-trigger 1.0 entered_smart_group_init, not to \
             gosquared-trigger 1.0 exited_smart_group_init"
        ),
        "{err}"
    );
}

#[tokio::test]
async fn the_emulator_route_delivers_the_bytes_it_is_given_with_the_token() {
    let emulator = emulator().start().await.unwrap();
    let mut receiver = Receiver::taking().await;
    let (id, key) = subscribe(&emulator, &receiver.url).await;
    let route = format!(
        "{}/_emulator/subscriptions/{id}/deliver",
        emulator.base_url()
    );
    // Sent byte for byte: its own spacing, which the signature covers.
    let body = "{ \"boundary\" : \"enter\" }\n";
    let answer = support::http()
        .post(&route)
        .bearer_auth(TOKEN)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let said: Value = answer.json().await.unwrap();
    assert_eq!(said["delivered"], true, "{said}");
    assert_eq!(said["subscriptionId"], id.as_str());
    assert_eq!(said["endpoint"], receiver.url.as_str());
    assert_eq!(said["attempts"][0]["status"], 200, "{said}");
    let arrived = receiver.arrived.recv().await.unwrap();
    assert_eq!(arrived.body, body.as_bytes());
    assert_eq!(
        verify_event(&key, &arrived.body, &arrived.signature.unwrap()),
        Ok(())
    );
    assert_eq!(emulator.deliveries().len(), 1);

    let post = |route: String, token: &'static str, body: &'static str| {
        support::http()
            .post(route)
            .bearer_auth(token)
            .body(body)
            .send()
    };
    // Like every route, it wants the token.
    let refused = post(route.clone(), "wrong", "{}").await.unwrap();
    assert_eq!(refused.status(), 401);
    let not_json = post(route.clone(), TOKEN, "nope").await.unwrap();
    assert_eq!(not_json.status(), 400);
    let unknown = format!(
        "{}/_emulator/subscriptions/1a71daf1-0000-4000-8000-dbb4ab325a55/deliver",
        emulator.base_url()
    );
    let unknown = post(unknown, TOKEN, "{}").await.unwrap();
    assert_eq!(unknown.status(), 404);
    let said: Value = unknown.json().await.unwrap();
    assert!(
        said["message"]
            .as_str()
            .unwrap()
            .contains("the emulator has no such subscription"),
        "{said}"
    );
    assert_eq!(emulator.deliveries().len(), 1, "nothing more was sent");
}
