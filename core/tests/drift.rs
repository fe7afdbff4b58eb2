//! The client's decode as `Client::call` runs it (`DriftLog::watch` around
//! `decode_call_typed`): the same result as the decode alone, nothing noted for a clean answer,
//! and each unpromised place of a drifting one located by its JSON pointer, escapes included.

use serde_json::json;
use tray_connect::__wire::{DriftLog, decode_call_typed};

mod twilio {
    tray_connect::connector!(
        "twilio-output",
        "2.1",
        "schemas/twilio-output.json",
        operations = ["send_sms"]
    );
}

fn answer(output: serde_json::Value) -> Vec<u8> {
    serde_json::to_vec(&json!({"outcome": "success", "output": output})).unwrap()
}

#[test]
fn a_clean_answer_notes_nothing_and_a_drifting_one_is_located_by_pointer() {
    let mut output = json!({
        "sid": "SM1", "status": "queued", "to": "+15551234567", "from": "+15557654321",
        "body": "hi", "date_created": "Thu, 30 Jul 2015 20:12:31 +0000", "error_code": 30007,
        "subresource_uris": {"media": "/media"},
    });
    let clean = answer(output.clone());
    let log = DriftLog::default();
    let decode = |body: &[u8]| {
        decode_call_typed::<twilio::SendSmsOutput>(body, || "output".to_owned()).unwrap()
    };
    let watched = |body: &[u8]| {
        log.watch::<twilio::SendSmsOutput, _>("twilio-output", "2.1", "send_sms", body, || {
            decode(body)
        })
    };
    assert_eq!(watched(&clean), decode(&clean));
    assert!(log.report().is_empty());

    // Drift deep in the answer: located by pointer, the decode's result unchanged.
    output["subresource_uris"]["feedback~x/y"] = json!("/f");
    output["status"] = json!("held");
    let drifting = answer(output);
    assert_eq!(watched(&drifting), decode(&drifting));
    let places: Vec<(String, String)> = log
        .report()
        .observed
        .into_iter()
        .map(|o| (o.pointer, o.kind.to_string()))
        .collect();
    assert_eq!(
        places,
        [
            ("/status".to_owned(), "unknown_enum_value".to_owned()),
            (
                "/subresource_uris/feedback~0x~1y".to_owned(),
                "unlisted_member".to_owned()
            ),
        ]
    );
}

mod gosquared {
    tray_connect::trigger!(
        "gosquared-trigger",
        "1.0",
        "schemas/gosquared-trigger.json",
        operations = ["entered_smart_group_init"]
    );
}

#[test]
fn a_trigger_events_drift_is_kept_per_process_by_pointer() {
    let key = tray_connect::SigningKey::from_bytes(b"0123456789abcdef0123456789abcdef");
    let body = serde_json::to_vec(&json!({
        "group": {"id": "g1", "name": "VIPs", "colour": "gold"},
        "boundary": "enter",
        "person": {"smart_groups": ["vip"]},
    }))
    .unwrap();
    for _ in 0..3 {
        let event = tray_connect::decode_event::<gosquared::EnteredSmartGroupInit>(
            &key,
            &body,
            &key.sign(&body),
        )
        .unwrap();
        assert_eq!(event.group.unwrap().extra["colour"], "gold");
    }
    let report = tray_connect::event_drift_report();
    let mine: Vec<_> = report
        .observed
        .iter()
        .filter(|o| o.connector == "gosquared-trigger")
        .map(|o| {
            (
                o.version.as_str(),
                o.operation.as_str(),
                o.pointer.as_str(),
                o.kind.as_str(),
                o.count,
            )
        })
        .collect();
    assert_eq!(
        mine,
        [(
            "1.0",
            "entered_smart_group_init",
            "/group/colour",
            "unlisted_member",
            3
        )]
    );
}
