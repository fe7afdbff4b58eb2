//! The `authId` of a call: any UUID or none, anything else Tray's 400.

use serde_json::{Value, json};

use crate::support::{AUTH_ID, call, samples};
use crate::valid_get_rows;

#[tokio::test]
async fn any_uuid_auth_id_or_none_is_accepted() {
    let emulator = samples().await;
    for auth in [
        json!(AUTH_ID),
        json!("123E4567-AAAA-AAAA-AAAA-AAAAAA614174"),
        Value::Null,
    ] {
        let (status, body) = call(
            &emulator,
            "sheets",
            "8.1",
            json!({"operation": "get_rows", "authId": auth, "input": valid_get_rows()}),
        )
        .await;
        assert_eq!(status, 200, "{auth}");
        assert_eq!(body["outcome"], "success");
    }
}

#[tokio::test]
async fn non_uuid_auth_id_is_a_tray_style_400() {
    let emulator = samples().await;
    for auth in [
        json!("auth-1"),
        json!(""),
        json!("x"),
        json!(5),
        json!({"id": AUTH_ID}),
    ] {
        let (status, body) = call(
            &emulator,
            "sheets",
            "8.1",
            json!({"operation": "get_rows", "authId": auth, "input": valid_get_rows()}),
        )
        .await;
        assert_eq!(status, 400, "{auth}");
        let mut keys: Vec<&String> = body.as_object().unwrap().keys().collect();
        keys.sort();
        assert_eq!(keys, ["code", "message"], "{body}");
        assert_eq!(body["code"], Value::Null);
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .contains("\"authId\" must be a UUID"),
            "{body}"
        );
    }
    // Refused, but recorded as sent.
    assert_eq!(emulator.calls()[0].auth_id.as_deref(), Some("auth-1"));
}
