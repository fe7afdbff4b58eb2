//! Presence: optional inputs left out, nullable ones sent as `null`, and outputs that read
//! absent, `null` and a value apart.

use serde_json::{Value, json};
use tray_connect_tests::dialect_presence as presence;

use crate::{from_json, to_json};

/// A `Presence` builder with every required input set.
type PresenceComplete = presence::PresenceBuilder<
    tray_connect::__private::Set<String>,
    tray_connect::__private::Set<Option<String>>,
    tray_connect::__private::Set<Option<String>>,
    tray_connect::__private::Set<Option<presence::PresenceRequiredNullableObject>>,
>;

fn presence_builder() -> PresenceComplete {
    presence::Presence::builder()
        .required_plain("p")
        .required_nullable("n")
        .required_null_type("t")
        .required_nullable_object(presence::PresenceRequiredNullableObject::builder().build())
}

/// The setters of required nullable inputs take the value itself (they have no
/// `maybe_` setter), so `null` is sent by clearing the public field after `build()`.
fn presence_input() -> presence::Presence {
    let mut input = presence_builder().build();
    input.required_nullable = None;
    input.required_nullable_object = None;
    input
}

#[test]
fn optional_inputs_are_left_out_and_required_nullable_ones_are_sent_as_null() {
    let input = presence_input();
    assert_eq!(
        to_json(&input),
        json!({
            "required_plain": "p",
            "required_nullable": null,
            "required_null_type": "t",
            "required_nullable_object": null
        })
    );
}

#[test]
fn optional_nullable_inputs_are_absent_null_or_a_value() {
    let input = presence_builder()
        .optional_nullable("v")
        .maybe_optional_null_type(None)
        .optional_plain("o")
        .maybe_optional_nullable_int(Some(7))
        .build();
    assert_eq!(
        presence_builder().build().required_nullable_object,
        Some(presence::PresenceRequiredNullableObject {
            a: None,
            extra: Default::default()
        })
    );
    assert_eq!(input.optional_nullable, Some(Some("v".to_owned())));
    assert_eq!(input.optional_null_type, Some(None));
    let sent = to_json(&input);
    assert_eq!(sent["optional_nullable"], json!("v"));
    assert_eq!(sent["optional_null_type"], Value::Null);
    assert!(sent.as_object().unwrap().contains_key("optional_null_type"));
    assert_eq!(sent["optional_plain"], json!("o"));
    assert_eq!(sent["optional_nullable_int"], json!(7));
    assert!(!sent.as_object().unwrap().contains_key("nullable_false"));

    // Absent, null and a value read back as three different states.
    let back: presence::Presence = from_json(sent);
    assert_eq!(back, input);
    let absent: presence::Presence = from_json(json!({
        "required_plain": "p", "required_nullable": null, "required_null_type": null,
        "required_nullable_object": null
    }));
    assert_eq!(absent.optional_nullable, None);
    assert_eq!(absent.optional_plain, None);
}

#[test]
fn outputs_read_absent_null_and_values_apart_and_reject_a_missing_required_field() {
    let out: presence::PresenceOutput = from_json(json!({
        "required_plain": "p",
        "required_nullable": null,
        "required_null_type": "x",
        "required_nullable_object": {"a": "b", "z": 1},
        "optional_nullable": null,
        "optional_null_type": "v",
        "unlisted": [1, 2]
    }));
    assert_eq!(out.required_nullable, None);
    assert_eq!(out.optional_nullable, Some(None));
    assert_eq!(out.optional_null_type, Some(Some("v".to_owned())));
    assert_eq!(out.optional_plain, None);
    let object = out
        .required_nullable_object
        .as_ref()
        .expect("object present");
    assert_eq!(object.a.as_deref(), Some("b"));
    assert_eq!(object.extra.get("z"), Some(&json!(1)));
    assert_eq!(out.extra.get("unlisted"), Some(&json!([1, 2])));
    let back = to_json(&out);
    assert_eq!(back["optional_nullable"], Value::Null);
    assert_eq!(back["unlisted"], json!([1, 2]));
    assert_eq!(back["required_nullable_object"], json!({"a": "b", "z": 1}));

    let missing = serde_json::from_value::<presence::PresenceOutput>(json!({
        "required_nullable": null, "required_null_type": null, "required_nullable_object": null
    }));
    assert!(
        missing.is_err(),
        "a missing required output field is an error"
    );
    let null = serde_json::from_value::<presence::PresenceOutput>(json!({
        "required_plain": null, "required_nullable": null, "required_null_type": null,
        "required_nullable_object": null
    }));
    assert!(
        null.is_err(),
        "null in a required, non-nullable output field is an error"
    );
}
