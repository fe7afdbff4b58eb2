//! A typed dynamic output end to end: `codegen/tests/fixtures/shopify-sampled.json` (what
//! `tray-connect pull --sample get_location=..` writes; `cli/tests/sample_commands.rs` checks
//! that byte for byte) expands under `#![deny(warnings, missing_docs)]` in `tests/lib.rs`, and
//! the emulator's answers, the `returnOutputSchema` one included, decode into its types.

use serde_json::{Value, json};
use tray_connect::Client;
use tray_connect_emulator::Emulator;
use tray_connect_tests::shopify_sampled::{
    GetLocation, GetLocationOutput, GetLocationOutputLocation,
};

const AUTH_ID: &str = "fe6ce53d-b414-4f24-b0d5-16a0a75544a0";
const DOCUMENT: &str = include_str!("../codegen/tests/fixtures/shopify-sampled.json");

async fn start() -> (Emulator, Client) {
    let emulator = Emulator::builder()
        .document_json(DOCUMENT)
        .start()
        .await
        .expect("emulator starts on 127.0.0.1");
    let client = Client::builder()
        .token("test-token")
        .base_url(emulator.base_url())
        .build()
        .unwrap();
    (emulator, client)
}

fn sample() -> GetLocation {
    GetLocation::builder().location_id("61098065993").build()
}

#[tokio::test]
async fn a_location_decodes_into_the_sampled_types() {
    let (emulator, client) = start().await;
    // The shape of Shopify's location (the schema's properties), as the connector returns it.
    emulator.respond(
        "shopify",
        "get_location",
        json!({"location": {"id": 61098065993_u64, "name": "Main warehouse", "city": "Ottawa",
                            "active": true, "legacy": false, "country_code": "CA"}}),
    );
    let out: GetLocationOutput = client.call(AUTH_ID, sample()).await.expect("typed output");
    let location: GetLocationOutputLocation = out.location.expect("location");
    assert_eq!(location.id, Some(61098065993.0));
    assert_eq!(location.name.as_deref(), Some("Main warehouse"));
    assert_eq!(location.city.as_deref(), Some("Ottawa"));
    assert_eq!(location.active, Some(true));
    assert_eq!(location.country_code.as_deref(), Some("CA"));
}

#[tokio::test]
async fn the_emulator_synthesises_from_and_answers_with_the_sampled_schema() {
    let (emulator, client) = start().await;
    // Unscripted: synthesised from the sampled schema, so it decodes too.
    let _: GetLocationOutput = client.call(AUTH_ID, sample()).await.expect("typed output");
    // `returnOutputSchema: true` answers the vendored schema.
    let schema = client.output_schema(AUTH_ID, sample()).await.unwrap();
    let document: Value = serde_json::from_str(DOCUMENT).unwrap();
    assert_eq!(
        schema,
        document["elements"][0]["sampledOutputSchema"]["schema"]
    );
    let calls = emulator.calls();
    assert!(!calls[0].return_output_schema && calls[1].return_output_schema);
    // And Get Connector Operations never serves the key: Tray has no such key.
    let operations = client.operations_document("shopify", "4.0").await.unwrap();
    assert!(
        operations["elements"][0]
            .get("sampledOutputSchema")
            .is_none()
    );
    assert_eq!(operations["elements"][0]["hasDynamicOutput"], true);
}
