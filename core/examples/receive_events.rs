//! Listens to a trigger: subscribes to GoSquared's "entered a smart group" events, receives a
//! signed, typed event on an axum endpoint, refuses a forged one, and unsubscribes.
//!
//! ```text
//! cargo run --example receive_events
//! ```
//! It runs against the built-in emulator, which delivers events to 127.0.0.1 as Tray delivers
//! them to your endpoint: a POST of the event, signed with the subscription's key in
//! `x-tray-signature`. With Tray itself, the endpoint must be a public HTTPS URL that reaches
//! your service; everything else is the same code.

use std::time::Duration;

use axum::{Router, routing::post};
use tokio::sync::mpsc;
use tray_connect::{Client, NewSubscription, TrayEvent};
use tray_connect_emulator::{DeliveryFault, Emulator, Scope};

mod gosquared {
    tray_connect::trigger!("gosquared-trigger", "1.0", "schemas/gosquared-trigger.json");
}

use gosquared::{EnteredSmartGroupInit, EnteredSmartGroupInitEvent};

/// The same document the macro reads, for the emulator to serve.
const GOSQUARED_DOCUMENT: &str = include_str!("../../schemas/gosquared-trigger.json");

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // A refused delivery is retried; two attempts are enough to show it.
    let emulator = Emulator::builder()
        .document_json(GOSQUARED_DOCUMENT)
        .delivery_retries(2, Duration::from_millis(50))
        .start()
        .await?;
    println!("Tray emulator at {}", emulator.base_url());
    let client = Client::builder()
        .token("emulator-token")
        .base_url(emulator.base_url())
        .build()?;

    // The endpoint's address comes first: the subscription names it.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let endpoint = format!("http://{}/tray/gosquared/entered", listener.local_addr()?);

    // The smart group to watch; `url`, `api_key` and `site_token` are filled in by Tray.
    let input = EnteredSmartGroupInit::builder()
        .value("vip-customers")
        .build();
    let created = client
        .subscribe(NewSubscription::new("VIP entered", &endpoint, input))
        .await?;
    let id = created.subscription.id.clone();
    println!(
        "subscribed: {id} ({}), events go to {endpoint}",
        created.subscription.state
    );
    // Tray shows the signing key once, in this answer: keep it with the endpoint's config.
    let key = created.signing_key;

    // The receiver: `TrayEvent` verifies the signature over the raw body with the key in the
    // router's state, then decodes the typed event; the handler never sees a forged one.
    let (events, mut received) = mpsc::unbounded_channel::<EnteredSmartGroupInitEvent>();
    let app = Router::new()
        .route(
            "/tray/gosquared/entered",
            post(move |event: TrayEvent<EnteredSmartGroupInit>| async move {
                // Tray may deliver an event twice: a real handler dedupes (see the docs).
                let _ = events.send(event.into_event());
                "taken"
            }),
        )
        .with_state(key);
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    // Tray delivers an event when a person enters the group; the emulator does it on demand.
    let event = serde_json::json!({
        "group": {"id": "vip-customers", "name": "VIP customers"},
        "boundary": "enter",
        "person": {"id": "ada", "name": "Ada Lovelace", "email": "ada@example.com"}
    });
    let delivery = emulator.deliver_json(&id, event).await?;
    let typed = received.recv().await.ok_or("the receiver stopped")?;
    println!(
        "received: {:?} {} the group {:?} (delivered after {} attempt(s))",
        typed.person.as_ref().and_then(|p| p.name.as_deref()),
        typed.boundary.as_deref().unwrap_or("?"),
        typed.group.as_ref().and_then(|g| g.name.as_deref()),
        delivery.attempts.len()
    );

    // A forger without the key: the same event signed with another key is refused (401).
    emulator.inject_delivery(DeliveryFault::MisSign, Scope::Next(1));
    let forged = emulator
        .deliver_json(&id, serde_json::json!({"boundary": "enter"}))
        .await?;
    println!(
        "forged delivery refused: {} (answers: {:?})",
        !forged.delivered(),
        forged
            .attempts
            .iter()
            .map(|a| a.outcome.clone())
            .collect::<Vec<_>>()
    );
    assert!(!forged.delivered() && received.try_recv().is_err());

    client.unsubscribe(&id).await?;
    println!("unsubscribed: {id}");
    server.abort();
    Ok(())
}
