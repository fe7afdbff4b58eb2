//! The client's trigger endpoints against the emulator, serving GoSquared's and a CDK Gmail
//! trigger document (`schemas/gosquared-trigger.json`,
//! `codegen/tests/fixtures/tom-gmail-trigger.json`): discovery,
//! subscribing (input validated as Tray does), paging, reading, deleting, and every refusal
//! as the error a caller sees.

mod support;

use serde_json::{Value, json};
use support::gosquared::{self, EnteredSmartGroup};
use tray_connect::{
    Client, Error, NewSubscription, RawSubscription, SubscriptionInfo, SubscriptionState, Trigger,
};
use tray_connect_emulator::{Emulator, EmulatorBuilder};

const TOKEN: &str = "emulator-token-5f3c9a1e";
const ENDPOINT: &str = "http://127.0.0.1:9/tray/groups";

fn entered(value: &str) -> EnteredSmartGroup {
    support::gosquared::entered(value, ENDPOINT)
}

/// The Gmail CDK trigger's `on_event`, whose `eventTypes` is an enum.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct OnEvent {
    event_types: String,
    #[serde(rename = "public_url")]
    public_url: String,
}

impl Trigger for OnEvent {
    type Event = Value;
    const TRIGGER: &'static str = "tom-gmail-trigger";
    const VERSION: &'static str = "1.0";
    const NAME: &'static str = "on_event";
}

/// The two trigger documents, each kept once in the repository.
fn triggers() -> EmulatorBuilder {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    Emulator::builder()
        .token(TOKEN)
        .document(format!("{root}/schemas/gosquared-trigger.json"))
        .document(format!(
            "{root}/codegen/tests/fixtures/tom-gmail-trigger.json"
        ))
}

fn client_of(emulator: &Emulator) -> Client {
    Client::builder()
        .token(TOKEN)
        .base_url(emulator.base_url())
        .build()
        .unwrap()
}

async fn list_all(client: &Client) -> Vec<SubscriptionInfo> {
    let mut all = Vec::new();
    let mut subscriptions = client.subscriptions();
    while let Some(subscription) = subscriptions.next().await {
        all.push(subscription.unwrap());
    }
    all
}

#[tokio::test]
async fn triggers_and_their_operations_are_listed_from_the_trigger_documents() {
    let emulator = triggers().start().await.unwrap();
    let client = client_of(&emulator);
    let listed = client.list_triggers().await.unwrap();
    let names: Vec<(&str, &str)> = listed
        .iter()
        .map(|t| (t.name.as_str(), t.version.as_str()))
        .collect();
    assert_eq!(
        names,
        [("gosquared-trigger", "1.0"), ("tom-gmail-trigger", "1.0")]
    );
    assert_eq!(listed[0].title, "GoSquared Trigger");
    let operations = client
        .list_trigger_operations("gosquared-trigger", "1.0")
        .await
        .unwrap();
    let names: Vec<&str> = operations.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(
        names,
        ["entered_smart_group_init", "exited_smart_group_init"]
    );
    assert_eq!(
        operations[0].input_schema["required"],
        json!(["api_key", "site_token", "url", "value"])
    );
    assert!(operations[0].output_schema["properties"]["person"].is_object());
    let gmail = client
        .list_trigger_operations("tom-gmail-trigger", "1.0")
        .await
        .unwrap();
    assert_eq!(gmail[1].name, "thread");
    // Triggers are not connectors.
    assert!(client.list_connectors().await.unwrap().is_empty());
    let err = client
        .list_operations("gosquared-trigger", "1.0")
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");
    let err = client
        .list_trigger_operations("gosquared-trigger", "9.9")
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Tray API error 404: Trigger 'gosquared-trigger' with version '9.9' not found"
    );
}

#[tokio::test]
async fn a_subscription_is_created_read_listed_and_deleted() {
    let emulator = triggers().start().await.unwrap();
    let client = client_of(&emulator);
    let new = NewSubscription::new("VIPs", ENDPOINT, entered("vip"))
        .auth_id("fe6ce53d-b414-4f24-b0d5-16a0a75544a0")
        .external_id("acme-vip");
    let created = client.subscribe(new).await.unwrap();
    let subscription = &created.subscription;
    assert_eq!(subscription.state, SubscriptionState::Active);
    assert_eq!(
        (subscription.trigger.as_str(), subscription.version.as_str()),
        ("gosquared-trigger", "1.0")
    );
    assert_eq!(subscription.operation, "entered_smart_group_init");
    assert_eq!(subscription.endpoint, ENDPOINT);
    assert_eq!(subscription.input["value"], "vip");
    assert_eq!(
        subscription.auth_id.as_deref(),
        Some("fe6ce53d-b414-4f24-b0d5-16a0a75544a0")
    );
    assert_eq!(subscription.external_id.as_deref(), Some("acme-vip"));
    // The key the client read is the one the emulator signs with.
    let recorded = emulator.subscriptions();
    assert_eq!(created.signing_key.expose_base64(), recorded[0].signing_key);

    let got = client.subscription(&subscription.id).await.unwrap();
    assert_eq!(&got, subscription);
    assert_eq!(list_all(&client).await, [got]);

    client.unsubscribe(&subscription.id).await.unwrap();
    let err = client.subscription(&subscription.id).await.unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");
    assert!(err.to_string().contains("not found"), "{err}");
    let err = client.unsubscribe(&subscription.id).await.unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");
    assert!(list_all(&client).await.is_empty());
}

#[tokio::test]
async fn every_subscription_is_listed_across_small_pages() {
    // Pages of 2: seven subscriptions take four pages, each asked for with the cursor of the
    // one before (the client sends it as `cursor` and as `after`; the emulator reads either).
    let emulator = triggers().subscription_page_size(2).start().await.unwrap();
    let client = client_of(&emulator);
    let mut created = Vec::new();
    for n in 0..7 {
        let new = NewSubscription::new(format!("s{n}"), ENDPOINT, entered(&format!("g{n}")));
        created.push(client.subscribe(new).await.unwrap().subscription.id);
    }
    client.unsubscribe(&created[2]).await.unwrap();
    created.remove(2);
    let listed: Vec<String> = list_all(&client).await.into_iter().map(|s| s.id).collect();
    assert_eq!(listed, created);
}

#[tokio::test]
async fn an_input_the_schema_refuses_is_trays_400_and_creates_nothing() {
    let emulator = triggers().start().await.unwrap();
    let client = client_of(&emulator);
    let gmail = OnEvent {
        event_types: "messageSent".into(),
        public_url: ENDPOINT.into(),
    };
    let err = client
        .subscribe(NewSubscription::new("g", ENDPOINT, gmail))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400), "{err}");
    assert!(
        err.to_string().starts_with(
            "Tray API error 400: Connector input validation failed. Schema validation errors: \
             [ 1 - #/eventTypes: "
        ),
        "{err}"
    );
    let valid = OnEvent {
        event_types: "messageAdded".into(),
        public_url: ENDPOINT.into(),
    };
    client
        .subscribe(NewSubscription::new("g", ENDPOINT, valid))
        .await
        .unwrap();
    assert_eq!(emulator.subscriptions().len(), 1);
}

#[tokio::test]
async fn creation_failed_is_an_error_that_keeps_the_id_of_what_to_delete() {
    let emulator = triggers().start().await.unwrap();
    let client = client_of(&emulator);
    emulator.fail_next_subscription("oauth_refresh", "The GoSquared authentication expired");
    let err = client
        .subscribe(NewSubscription::new("VIPs", ENDPOINT, entered("vip")))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::SubscriptionFailed { .. }), "{err}");
    let id = err.subscription_id().unwrap().to_owned();
    assert_eq!(
        err.to_string(),
        format!(
            "Tray could not create subscription {id}: The GoSquared authentication expired \
             [code oauth_refresh]; it exists in state creation_failed and delivers nothing, so \
             delete it (Client::unsubscribe)"
        )
    );
    let left = client.subscription(&id).await.unwrap();
    assert_eq!(left.state, SubscriptionState::CreationFailed);
    assert_eq!(left.error.as_ref().unwrap().code, "oauth_refresh");
    client.unsubscribe(&id).await.unwrap();
    assert!(emulator.subscriptions().is_empty());
}

#[tokio::test]
async fn an_endpoint_off_this_machine_is_refused_by_the_emulator() {
    let emulator = triggers().start().await.unwrap();
    let client = client_of(&emulator);
    let err = client
        .subscribe(NewSubscription::new(
            "VIPs",
            "https://hooks.example.com/tray/groups",
            entered("vip"),
        ))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400), "{err}");
    assert!(
        err.to_string()
            .contains("delivers events only to this machine"),
        "{err}"
    );
}

#[tokio::test]
async fn unknown_triggers_and_operations_are_404() {
    #[derive(serde::Serialize)]
    struct GroupBoundary {}
    impl Trigger for GroupBoundary {
        type Event = Value;
        const TRIGGER: &'static str = "gosquared-trigger";
        const VERSION: &'static str = "1.0";
        const NAME: &'static str = "group_boundary";
    }
    let emulator = triggers().start().await.unwrap();
    let client = client_of(&emulator);
    let err = client
        .subscribe(NewSubscription::new("b", ENDPOINT, GroupBoundary {}))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Tray API error 404: Operation 'group_boundary' not found for trigger \
         'gosquared-trigger' with version '1.0'"
    );
    let err = client
        .unsubscribe("1a71daf1-0000-4000-8000-dbb4ab325a55")
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404));
}

#[tokio::test]
async fn a_raw_subscription_names_its_trigger_and_sends_json_as_the_typed_one_does() {
    let emulator = triggers().start().await.unwrap();
    let client = client_of(&emulator);
    let input = serde_json::to_value(entered("vip")).unwrap();
    let new = RawSubscription::new("VIPs", ENDPOINT, input.clone())
        .auth_id("fe6ce53d-b414-4f24-b0d5-16a0a75544a0")
        .external_id("acme-vip");
    let created = client
        .subscribe_raw("gosquared-trigger", "1.0", "entered_smart_group_init", new)
        .await
        .unwrap();
    let subscription = &created.subscription;
    assert_eq!(subscription.operation, "entered_smart_group_init");
    assert_eq!(subscription.input, input);
    assert_eq!(subscription.external_id.as_deref(), Some("acme-vip"));
    assert_eq!(
        created.signing_key.expose_base64(),
        emulator.subscriptions()[0].signing_key
    );
    // The same refusals as `subscribe`: the schema's, and a creation that failed.
    let err = client
        .subscribe_raw(
            "gosquared-trigger",
            "1.0",
            "entered_smart_group_init",
            RawSubscription::new("x", ENDPOINT, json!({})),
        )
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400), "{err}");
    assert!(
        err.to_string().contains("required key [value] not found"),
        "{err}"
    );
    emulator.fail_next_subscription("api_error", "401 from GoSquared");
    let err = client
        .subscribe_raw(
            "gosquared-trigger",
            "1.0",
            "entered_smart_group_init",
            RawSubscription::new("y", ENDPOINT, input),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::SubscriptionFailed { .. }), "{err}");
    assert!(err.subscription_id().is_some());
}

#[tokio::test]
async fn the_raw_trigger_operations_document_keeps_every_key() {
    let emulator = triggers().start().await.unwrap();
    let client = client_of(&emulator);
    let document = client
        .trigger_operations_document("gosquared-trigger", "1.0")
        .await
        .unwrap();
    let served: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../schemas/gosquared-trigger.json"
        ))
        .unwrap(),
    )
    .unwrap();
    assert_eq!(document["elements"], served["elements"]);
    let api_key = &document["elements"][0]["inputSchema"]["properties"]["api_key"];
    assert_eq!(api_key["default_jsonpath"], "$.auth.api_key");
    let err = client
        .trigger_operations_document("gosquared-trigger", "9.9")
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");
}

#[tokio::test]
async fn a_trigger_generated_input_subscribes_and_its_events_decode() {
    // `trigger!` leaves out the inputs Tray fills itself (`api_key`, `site_token`, `url`), and
    // the emulator takes the subscription without them, by the same rule.
    let emulator = triggers().start().await.unwrap();
    let client = client_of(&emulator);
    let input = gosquared::EnteredSmartGroupInit::builder()
        .value("vip")
        .build();
    let created = client
        .subscribe(NewSubscription::new("VIPs", ENDPOINT, input))
        .await
        .unwrap();
    assert_eq!(emulator.subscriptions()[0].input, json!({"value": "vip"}));
    let body = br#"{"group": {"id": "vip", "name": "VIP"}, "boundary": "enter", "x": 1}"#;
    let signature = created.signing_key.sign(body);
    let event = tray_connect::decode_event::<gosquared::EnteredSmartGroupInit>(
        &created.signing_key,
        body,
        &signature,
    )
    .unwrap();
    assert_eq!(event.boundary.as_deref(), Some("enter"));
    assert_eq!(event.extra["x"], 1);
}
