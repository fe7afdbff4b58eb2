//! `connector!` + `Client` + the emulator, end to end: typed inputs go out exactly as the
//! schema wants them, typed outputs come back, and nothing a call returned is lost.

use serde_json::json;
use tray_connect::{Client, Error};
use tray_connect_emulator::Emulator;
use tray_connect_tests::twilio;

/// An authId as Tray issues them (a UUID; the emulator refuses anything else with a 400):
/// the one of the "Slack Send Message" example in Tray's published Call Connector payload.
const AUTH_ID: &str = "fe6ce53d-b414-4f24-b0d5-16a0a75544a0";

const TWILIO: &str = include_str!("../schemas/twilio-output.json");

async fn twilio_emulator() -> (Emulator, Client) {
    let emulator = Emulator::builder()
        .document_json(TWILIO)
        .start()
        .await
        .expect("emulator starts");
    let client = Client::builder()
        .token("test-token")
        .base_url(emulator.base_url())
        .build()
        .expect("client builds");
    (emulator, client)
}

fn sms() -> twilio::SendSms {
    twilio::SendSms::builder()
        .to("+15551234567")
        .from("+15557654321")
        .body("Your code is 1234")
        .build()
}

#[tokio::test]
async fn send_sms_sends_exactly_the_inputs_that_were_set() {
    let (emulator, client) = twilio_emulator().await;
    let out = client.call(AUTH_ID, sms()).await.expect("call succeeds");
    assert!(!out.sid.is_empty());

    let calls = emulator.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].connector, "twilio-output");
    assert_eq!(calls[0].version, "2.1");
    assert_eq!(calls[0].operation, "send_sms");
    assert_eq!(calls[0].auth_id.as_deref(), Some(AUTH_ID));
    // Optional inputs that were not set are left out, not sent as null.
    assert_eq!(
        calls[0].input,
        json!({"to": "+15551234567", "from": "+15557654321", "body": "Your code is 1234"})
    );
}

#[tokio::test]
async fn unknown_enum_values_and_unlisted_fields_survive_a_round_trip() {
    let (emulator, client) = twilio_emulator().await;
    let answer = json!({
        "sid": "SM123",
        "status": "paused",
        "to": "+15551234567",
        "from": "+15557654321",
        "body": "hi",
        "date_created": "Thu, 26 Nov 2026 10:00:00 +0000",
        "error_code": null,
        "messaging_service_sid": "MG9"
    });
    emulator.respond("twilio-output", "send_sms", answer.clone());
    let out = client.call(AUTH_ID, sms()).await.expect("call succeeds");
    assert_eq!(
        out.status,
        twilio::SendSmsOutputStatus::Unknown("paused".to_owned())
    );
    assert_eq!(out.error_code, None);
    assert_eq!(out.extra.get("messaging_service_sid"), Some(&json!("MG9")));

    // Serialising gives back everything that came in (null fields aside).
    let mut back = serde_json::to_value(&out).expect("serialises");
    let mut expected = answer;
    expected.as_object_mut().unwrap().remove("error_code");
    back.as_object_mut().unwrap().remove("error_code");
    assert_eq!(back, expected);
}

#[tokio::test]
async fn a_missing_required_output_field_is_a_decode_error_that_keeps_the_output() {
    let (emulator, client) = twilio_emulator().await;
    let answer = json!({"sid": "SM1", "to": "a", "from": "b", "body": "c", "date_created": "d"});
    emulator.respond("twilio-output", "send_sms", answer.clone());
    let err = client.call(AUTH_ID, sms()).await.unwrap_err();
    let message = err.to_string();
    assert!(message.starts_with("could not decode"), "{message}");
    assert!(message.contains("status"), "{message}");
    assert_eq!(err.output(), Some(&answer));
}

#[tokio::test]
async fn list_messages_types_enum_filters_and_arrays_of_objects() {
    let (emulator, client) = twilio_emulator().await;
    let input = twilio::ListMessages::builder()
        .status(twilio::ListMessagesStatus::Delivered)
        .page_size(2)
        .build();
    emulator.respond(
        "twilio-output",
        "list_messages",
        json!({
            "messages": [
                {"sid": "SM1", "status": "delivered", "to": "a", "from": "b", "date_created": "d"},
                {"sid": "SM2", "status": "delivered", "to": "a", "from": "b", "date_created": "d",
                 "subresource_uris": {"media": "/media"}}
            ],
            "page": 0,
            "page_size": 2
        }),
    );
    let out = client.call(AUTH_ID, input).await.expect("call succeeds");
    assert_eq!(out.messages.len(), 2);
    assert_eq!(
        out.messages[1]
            .subresource_uris
            .as_ref()
            .and_then(|s| s.media.as_deref()),
        Some("/media")
    );
    assert_eq!(out.next_page_token, None);
    assert_eq!(
        emulator.calls()[0].input,
        json!({"status": "delivered", "page_size": 2})
    );
}

#[tokio::test]
async fn synthesised_outputs_decode_into_the_generated_types() {
    let (_emulator, client) = twilio_emulator().await;
    client.call(AUTH_ID, sms()).await.expect("send_sms");
    let get = twilio::GetMessage::builder().message_sid("SM1").build();
    client.call(AUTH_ID, get).await.expect("get_message");
    let list = twilio::ListMessages::builder().build();
    client.call(AUTH_ID, list).await.expect("list_messages");
}

#[tokio::test]
async fn invalid_input_sent_raw_is_refused_with_trays_validation_message() {
    let (_emulator, client) = twilio_emulator().await;
    let err = client
        .call_raw(
            "twilio-output",
            "2.1",
            "send_sms",
            AUTH_ID,
            json!({"to": "x"}),
        )
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
    let message = err.to_string();
    assert!(
        message.starts_with("Tray API error 400: Connector input validation failed."),
        "{message}"
    );
    assert!(
        message.contains("required key [from] not found"),
        "{message}"
    );
}

#[tokio::test]
async fn the_operations_subset_calls_the_same_operation() {
    let (emulator, client) = twilio_emulator().await;
    let input = tray_connect_tests::twilio_send_only::SendSms::builder()
        .to("a")
        .from("b")
        .body("c")
        .build();
    client.call(AUTH_ID, input).await.expect("call succeeds");
    assert_eq!(emulator.calls()[0].operation, "send_sms");
    assert_eq!(
        tray_connect_tests::twilio_send_only::OPERATIONS,
        ["send_sms"]
    );
}

#[tokio::test]
async fn a_wrong_token_is_a_401_that_does_not_echo_the_token() {
    let emulator = Emulator::builder()
        .token("the-right-token")
        .document_json(TWILIO)
        .start()
        .await
        .expect("emulator starts");
    let client = Client::builder()
        .token("a-wrong-token-123")
        .base_url(emulator.base_url())
        .build()
        .expect("client builds");
    let err: Error = client.call(AUTH_ID, sms()).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "Tray API error 401: The request is unauthorized"
    );
    assert!(!format!("{err:?}").contains("a-wrong-token-123"));
}

#[tokio::test]
async fn typed_scripting_answers_the_output_and_reads_the_inputs_back() {
    let (emulator, client) = twilio_emulator().await;
    let mut scripted = client.call(AUTH_ID, sms()).await.expect("synthesised");
    scripted.sid = "SM-scripted".to_owned();
    scripted.status = twilio::SendSmsOutputStatus::Delivered;
    emulator.clear_calls();

    emulator
        .respond_to::<twilio::SendSms>(scripted.clone())
        .expect("twilio-output 2.1 is served");
    let first = client.call(AUTH_ID, sms()).await.expect("first call");
    assert_eq!(first, scripted);
    let second = twilio::SendSms::builder()
        .to("+15550000000")
        .from("+15557654321")
        .body("Second")
        .build();
    client
        .call(AUTH_ID, second.clone())
        .await
        .expect("second call");
    // Calls to another operation are not read as send_sms inputs.
    client
        .call(AUTH_ID, twilio::ListMessages::builder().build())
        .await
        .expect("list_messages");

    let sent = emulator
        .calls_to::<twilio::SendSms>()
        .expect("typed inputs");
    assert_eq!(sent, vec![sms(), second]);
    assert_eq!(emulator.calls().len(), 3, "the Value form keeps every call");
}

#[tokio::test]
async fn typed_scripting_names_what_the_emulator_does_not_serve() {
    let (emulator, _client) = twilio_emulator().await;
    let output: tray_connect_tests::slack::SendMessageOutput =
        serde_json::from_value(json!({"ok": true})).expect("a minimal slack answer");
    let err = emulator
        .respond_to::<tray_connect_tests::slack::SendMessage>(output)
        .unwrap_err();
    let message = err.to_string();
    assert!(
        message.starts_with("cannot script slack 9.1 send_message: no document describes"),
        "{message}"
    );
    assert!(message.contains("(served: twilio-output 2.1)"), "{message}");
}

#[tokio::test]
async fn a_recorded_input_its_type_cannot_hold_is_an_error_naming_the_call() {
    let (emulator, client) = twilio_emulator().await;
    client.call(AUTH_ID, sms()).await.expect("typed call");
    // Refused by the emulator's validation, but recorded all the same.
    let _ = client
        .call_raw(
            "twilio-output",
            "2.1",
            "send_sms",
            AUTH_ID,
            json!({"to": 7}),
        )
        .await;
    let err = emulator.calls_to::<twilio::SendSms>().unwrap_err();
    let message = err.to_string();
    assert!(
        message.starts_with("call 2 to twilio-output 2.1 send_sms (counting from 1) sent an input"),
        "{message}"
    );
}
