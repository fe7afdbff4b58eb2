//! Every sample answer of Tray's docs (tests/fixtures, copied from shared/tray-samples) goes
//! through the client's own decoding functions and comes out as the right value or error.

use serde::Deserialize;
use serde_json::{Value, json};
use tray_connect::__wire::{
    decode_call_response, decode_connectors, decode_lookup, decode_output, decode_output_schema,
    encode_call,
};
use tray_connect::Error;

const CALL_EXAMPLES: &str = include_str!("fixtures/call-connector-examples.json");
const CONNECTORS: &str = include_str!("fixtures/connectors-list.json");
const CONNECTORS_OLDER: &str = include_str!("fixtures/connectors-list-older-docs.json");

fn examples() -> Vec<Value> {
    serde_json::from_str::<Vec<Value>>(CALL_EXAMPLES).unwrap()
}

fn example(id: &str) -> Value {
    examples()
        .into_iter()
        .find(|e| e["id"] == id)
        .unwrap_or_else(|| panic!("no example {id}"))
}

/// The answer of an example as the client would see it: status (200 when the source does not
/// say) and body bytes. A bare `bodyFragment` is the `output` of an `outcome: "error"` answer.
fn answer(example: &Value) -> (u16, Vec<u8>) {
    let response = &example["response"];
    let status = response["status"].as_u64().unwrap_or(200) as u16;
    let body = match (response.get("body"), response.get("bodyFragment")) {
        (Some(body), _) => body.clone(),
        (None, Some(fragment)) => json!({"outcome": "error", "output": fragment}),
        (None, None) => panic!("example {} has no body", example["id"]),
    };
    (status, serde_json::to_vec(&body).unwrap())
}

fn decode(id: &str) -> Result<Value, Error> {
    let (status, body) = answer(&example(id));
    decode_call_response(status, &body)
}

#[test]
fn every_example_with_an_answer_is_checked_here() {
    let checked = [
        "slack_send_message_success",
        "slack_list_users_ddl_success",
        "google_sheets_get_rows_success",
        "trello_get_boards_ddl_success",
        "shopify_get_location_returnOutputSchema",
        "trello_get_board_by_id_third_party_404",
        "google_sheets_get_rows_third_party_404",
        "slack_send_message_third_party_channel_not_found",
        "third_party_rate_limited_fragment",
        "connector_unexpectedly_failed_wrong_operation_name",
        "tray_400_missing_required_input",
        "tray_401_unauthorized_probe",
    ];
    for e in examples() {
        let id = e["id"].as_str().unwrap();
        if !e["response"].is_null() {
            assert!(
                checked.contains(&id),
                "example {id} is not checked by a test"
            );
        }
    }
}

#[test]
fn successes_return_the_output_unchanged() {
    for id in [
        "slack_send_message_success",
        "slack_list_users_ddl_success",
        "google_sheets_get_rows_success",
        "trello_get_boards_ddl_success",
    ] {
        let expected = example(id)["response"]["body"]["output"].clone();
        assert_eq!(decode(id).unwrap(), expected, "{id}");
    }
}

#[derive(Debug, Deserialize, PartialEq)]
struct GetRowsOutput {
    results: Vec<Row>,
}

#[derive(Debug, Deserialize, PartialEq)]
struct Row {
    row_number: i64,
    result: Vec<String>,
}

#[test]
fn sheets_rows_decode_into_a_typed_output() {
    let output = decode("google_sheets_get_rows_success").unwrap();
    let rows: GetRowsOutput = decode_output(output, "output of sheets get_rows").unwrap();
    assert_eq!(rows.results.len(), 2);
    assert_eq!(rows.results[1].row_number, 2);
    assert_eq!(rows.results[1].result, ["value2.1", "value2.2"]);
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct SendMessageOutput {
    ok: bool,
    channel: String,
    message: SlackMessage,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct SlackMessage {
    text: String,
    /// Not in the sample: a typed output that requires it must fail with the path.
    permalink: String,
}

#[test]
fn a_typed_output_mismatch_names_the_path_and_keeps_the_output() {
    let output = decode("slack_send_message_success").unwrap();
    let err = decode_output::<SendMessageOutput>(output.clone(), "output of slack send_message")
        .unwrap_err();
    assert!(matches!(err, Error::Decode { .. }));
    assert_eq!(
        err.to_string(),
        "could not decode output of slack send_message at message: missing field `permalink`"
    );
    assert_eq!(err.output(), Some(&output));
}

#[test]
fn ddl_answers_decode_as_lookup_options() {
    let options = decode_lookup(
        decode("trello_get_boards_ddl_success").unwrap(),
        "lookup result of trello get_boards_ddl",
    )
    .unwrap();
    let texts: Vec<&str> = options.iter().map(|o| o.text.as_str()).collect();
    assert_eq!(texts, ["Customer Success", "HR", "Marketing", "Sales"]);
    assert_eq!(options[0].value, json!("6294cd45bb83f36eae2db4b0"));

    let users = decode_lookup(
        decode("slack_list_users_ddl_success").unwrap(),
        "lookup result of slack list_users_and_conversations_ddl",
    )
    .unwrap();
    assert_eq!(users.len(), 2);
    assert_eq!(users[1].text, "Another User Name");
    assert_eq!(users[1].value, json!("<anotherUserId>"));

    // A non-lookup output is a decode error pointing at `result`.
    let err = decode_lookup(
        decode("google_sheets_get_rows_success").unwrap(),
        "lookup result of sheets get_rows",
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "could not decode lookup result of sheets get_rows at .: missing field `result`"
    );
}

#[test]
fn return_output_schema_answer_gives_the_schema() {
    let schema = decode_output_schema(
        decode("shopify_get_location_returnOutputSchema").unwrap(),
        "output schema of shopify get_location",
    )
    .unwrap();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-04/schema#");
    assert_eq!(
        schema["properties"]["location"]["properties"]["legacy"]["type"],
        "boolean"
    );
    let err = decode_output_schema(json!({"ok": true}), "output schema of x y").unwrap_err();
    assert_eq!(
        err.to_string(),
        "could not decode output schema of x y at output_schema: missing field `output_schema`"
    );
    assert_eq!(err.output(), Some(&json!({"ok": true})));
}

#[test]
fn third_party_failures_in_a_200_are_connector_errors() {
    let cases = [
        (
            "trello_get_board_by_id_third_party_404",
            "connector returned outcome \"error\": Not found. Looks like this has been removed. (third-party HTTP 404)",
            Some(404),
        ),
        (
            "google_sheets_get_rows_third_party_404",
            "connector returned outcome \"error\": Not found. Looks like this has been removed. (third-party HTTP 404)",
            Some(404),
        ),
        (
            "slack_send_message_third_party_channel_not_found",
            "connector returned outcome \"error\": Invalid response. (third-party HTTP 200)",
            Some(200),
        ),
        (
            "third_party_rate_limited_fragment",
            "connector returned outcome \"error\": Too many requests have been made in the given timeframe. (third-party HTTP 429)",
            Some(429),
        ),
    ];
    for (id, display, status) in cases {
        let err = decode(id).unwrap_err();
        assert!(matches!(err, Error::Connector { .. }), "{id}: {err:?}");
        assert_eq!(err.to_string(), display, "{id}");
        assert_eq!(err.third_party_status(), status, "{id}");
        // The whole output is kept, including the third party's body.
        assert!(err.output().unwrap()["response"]["body"].is_object() || id.starts_with("trello"));
        assert_eq!(err.status(), None, "{id}: not a Tray HTTP error");
        assert!(!err.is_retryable(), "{id}: the call ran");
    }
    let err = decode("google_sheets_get_rows_third_party_404").unwrap_err();
    assert_eq!(
        err.output().unwrap()["response"]["body"]["error"]["status"],
        "NOT_FOUND"
    );
}

#[test]
fn a_wrong_operation_name_is_a_connector_error_without_third_party_status() {
    let err = decode("connector_unexpectedly_failed_wrong_operation_name").unwrap_err();
    assert_eq!(
        err.to_string(),
        "connector returned outcome \"error\": Unfortunately, the connector unexpectedly failed. Please contact support if this persists. Error ID: d3e9899adc"
    );
    assert_eq!(err.third_party_status(), None);
    assert!(err.message().unwrap().contains("unexpectedly failed"));
}

#[test]
fn tray_errors_render_status_and_message() {
    let err = decode("tray_400_missing_required_input").unwrap_err();
    assert_eq!(
        err.to_string(),
        "Tray API error 400: Connector input validation failed. Schema validation errors: [ 1 - #: required key [channel] not found ]"
    );
    assert_eq!(err.status(), Some(400));
    assert_eq!(err.code(), None, "code: null is no code");

    let err = decode("tray_401_unauthorized_probe").unwrap_err();
    assert_eq!(
        err.to_string(),
        "Tray API error 401: The request is unauthorized"
    );
    assert_eq!(err.status(), Some(401));
}

#[test]
fn request_bodies_match_the_documented_ones() {
    for e in examples() {
        let request = &e["request"];
        let Some(operation) = request.get("operation").and_then(Value::as_str) else {
            continue;
        };
        let auth_id = request["authId"].as_str().unwrap_or("");
        let schema = request["returnOutputSchema"].as_bool().unwrap_or(false);
        let body = encode_call(operation, auth_id, &request["input"], schema).unwrap();
        let mut expected = request.clone();
        // `returnOutputSchema: false` is the default: the client leaves it out.
        if expected["returnOutputSchema"] == json!(false) {
            expected
                .as_object_mut()
                .unwrap()
                .remove("returnOutputSchema");
        }
        assert_eq!(
            serde_json::from_slice::<Value>(&body).unwrap(),
            expected,
            "{}",
            e["id"]
        );
    }
}

#[test]
fn connectors_list_decodes_with_services() {
    let list = decode_connectors(CONNECTORS.as_bytes()).unwrap();
    let names: Vec<(&str, &str)> = list
        .iter()
        .map(|c| (c.name.as_str(), c.version.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("slack", "9.0"),
            ("twilio-output", "2.1"),
            ("shopify", "4.1")
        ]
    );
    let twilio = &list[1];
    assert_eq!(twilio.title, "Twilio");
    assert_eq!(
        twilio.description,
        "Cloud communication platform for developers"
    );
    let service = twilio.service.as_ref().unwrap();
    assert_eq!(
        service.id.as_deref(),
        Some("55d1154c-4fd8-4c2c-ba22-041deabfcbfd")
    );
    assert_eq!(service.name, "twilio");
    assert_eq!(service.version, 1);
    assert_eq!(list[0].service.as_ref().unwrap().version, 4);
}

#[test]
fn older_connectors_list_without_service_id_decodes() {
    let list = decode_connectors(CONNECTORS_OLDER.as_bytes()).unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].name, "outreach");
    assert_eq!(list[0].version, "3.3");
    assert_eq!(list[0].description, "");
    let service = list[0].service.as_ref().unwrap();
    assert_eq!(service.id, None);
    assert_eq!(service.name, "outreach");
    assert_eq!(service.version, 2);
}

#[test]
fn connectors_round_trip_through_serialize_in_wire_format() {
    let list = decode_connectors(CONNECTORS_OLDER.as_bytes()).unwrap();
    let json = serde_json::to_value(&list[1]).unwrap();
    assert_eq!(
        json,
        json!({"name": "twilio-output", "version": "2.1", "title": "Twilio",
               "description": "Cloud communication platform for developers",
               "service": {"name": "twilio", "version": 1}})
    );
}
