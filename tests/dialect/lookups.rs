//! Lookup functions: templates filled, constants kept, options from the emulator.

use serde_json::json;
use tray_connect::Client;
use tray_connect_emulator::Emulator;
use tray_connect_tests::dialect_lookups as lookups;

#[test]
fn lookup_functions_fill_templates_and_keep_constants() {
    let lookup = lookups::Find::sheet_lookup("sheet-1");
    assert_eq!(lookup.connector(), "dialect-lookups");
    assert_eq!(lookup.version(), "1.0");
    assert_eq!(lookup.operation(), "list_sheets");
    assert_eq!(
        lookup.input(),
        &json!({"spreadsheet_id": "sheet-1", "limit": 50, "options": {"deep": ["x", {"y": true}]}})
    );
    let legacy = lookups::Find::legacy_lookup("s");
    assert_eq!(legacy.operation(), "list_sheets");
    assert_eq!(legacy.input(), &json!({"spreadsheet_id": "s"}));
    // Siblings first (`mode`), then ancestors (`spreadsheet_id`, `sheet`, `page`).
    let nested =
        lookups::Find::filter_column_lookup("s", "Sheet 1", 2, lookups::FindFilterMode::Fuzzy);
    assert_eq!(nested.operation(), "list_columns");
    assert_eq!(
        nested.input(),
        &json!({"spreadsheet_id": "s", "sheet": "Sheet 1", "page": 2, "mode": "fuzzy"})
    );
    // An unresolved name is a `Value` parameter; a template inside text is written into it.
    let unresolved = lookups::Find::filter_missing_lookup(json!([1]), "s-9");
    assert_eq!(unresolved.input()["who"], json!([1]));
    assert_eq!(unresolved.input()["text"], json!("before s-9 after"));
    assert_eq!(lookups::Find::no_input_lookup().operation(), "list_all");
    // Legacy `connectors.json` lookups (`lookup.body.message`, `step_settings`): the same
    // function, `{{{properties.x}}}` naming the input `x`.
    let street = lookups::Find::street_lookup("sw1");
    assert_eq!(street.operation(), "list_street_addresses_ddl");
    assert_eq!(
        street.input(),
        &json!({"postcode": "sw1", "service": {"name": "maps", "version": 1}})
    );
}

#[tokio::test]
async fn client_lookup_returns_the_emulators_options() {
    let emulator = Emulator::builder()
        .document_json(include_str!(
            "../../codegen/tests/fixtures/dialect-lookups.json"
        ))
        .start()
        .await
        .expect("emulator starts");
    let client = Client::builder()
        .token("t")
        .base_url(emulator.base_url())
        .build()
        .expect("client builds");
    let synthesised = client
        .lookup(
            "fe6ce53d-b414-4f24-b0d5-16a0a75544a0",
            lookups::Find::sheet_lookup("s-1"),
        )
        .await
        .expect("lookup succeeds");
    assert_eq!(synthesised.len(), 3);

    emulator.respond(
        "dialect-lookups",
        "list_columns",
        json!({"result": [{"text": "Name", "value": "A"}, {"text": "Age", "value": 2}]}),
    );
    let options = client
        .lookup(
            "fe6ce53d-b414-4f24-b0d5-16a0a75544a0",
            lookups::Find::filter_column_lookup("s-1", "Sheet", 1, lookups::FindFilterMode::Exact),
        )
        .await
        .expect("lookup succeeds");
    assert_eq!(options.len(), 2);
    assert_eq!(options[0].text, "Name");
    assert_eq!(options[1].value, json!(2));
    let calls = emulator.calls();
    assert_eq!(calls.last().unwrap().operation, "list_columns");
    assert_eq!(
        calls.last().unwrap().input,
        json!({"spreadsheet_id": "s-1", "sheet": "Sheet", "page": 1, "mode": "exact"})
    );
}
