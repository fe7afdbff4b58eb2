//! String enums: strict inputs, outputs that keep unknown values, wire values, legacy enum
//! objects.

use serde_json::json;
use tray_connect_tests::{dialect_lookups as lookups, dialect_scalars as scalars};

use crate::{from_json, to_json};

#[test]
fn input_enums_are_strict_and_output_enums_keep_unknown_values() {
    let bad = serde_json::from_value::<scalars::Scalars>(
        json!({"text": "t", "secret": "s", "colour": "purple"}),
    );
    assert!(
        bad.is_err(),
        "input enums reject values the document does not list"
    );

    let answer = json!({
        "status": "bounced",
        "state": "sideways",
        "level": 9,
        "extra": "named extra",
        "token": "tok",
        "not_in_schema": {"kept": true}
    });
    let out: scalars::ScalarsOutput = from_json(answer.clone());
    assert_eq!(
        out.status,
        scalars::ScalarsOutputStatus::Unknown("bounced".to_owned())
    );
    assert_eq!(
        out.state,
        Some(scalars::ScalarsOutputState::Unknown_("sideways".to_owned()))
    );
    // A property named `extra` keeps its name; the catch-all becomes `extra_`.
    assert_eq!(out.extra.as_deref(), Some("named extra"));
    assert_eq!(
        out.extra_.get("not_in_schema"),
        Some(&json!({"kept": true}))
    );
    assert_eq!(format!("{:?}", out.token).matches("tok").count(), 0);
    assert_eq!(to_json(&out), answer);

    // Listed values that sanitise to `Unknown` stay ordinary variants.
    let known: scalars::ScalarsOutput = from_json(json!({"status": "sent", "state": "unknown"}));
    assert_eq!(known.status, scalars::ScalarsOutputStatus::Sent);
    assert_eq!(known.state, Some(scalars::ScalarsOutputState::Unknown2));
    let capital: scalars::ScalarsOutput =
        from_json(json!({"status": "queued", "state": "Unknown"}));
    assert_eq!(capital.state, Some(scalars::ScalarsOutputState::Unknown));
}

#[test]
fn enums_convert_to_and_from_their_wire_values() {
    use scalars::{ScalarsColour as Colour, ScalarsOutputStatus as Status};
    use tray_connect_tests::google_sheets::GetRowsFilterOperator as Operator;

    assert_eq!(Colour::DarkBlue.as_str(), "dark blue");
    assert_eq!(Colour::DarkBlue.to_string(), "dark blue");
    assert_eq!(Colour::VALUES, ["red", "green", "dark blue"]);
    assert_eq!("green".parse::<Colour>(), Ok(Colour::Green));
    // A value the document does not list names the valid ones.
    let error = "purple".parse::<Colour>().unwrap_err();
    assert_eq!(error.value(), "purple");
    assert_eq!(
        error.to_string(),
        "`purple` is not a valid value; expected one of `red`, `green`, `dark blue`"
    );
    // Values with apostrophes and spaces read as words.
    assert_eq!(
        "Text doesn't contain".parse::<Operator>(),
        Ok(Operator::TextDoesntContain)
    );
    assert!("Equal".parse::<Operator>().is_err());

    // Outputs keep unknown values, also through `FromStr` and `Display`.
    let unknown: Status = "bounced".parse().unwrap();
    assert_eq!(unknown, Status::Unknown("bounced".to_owned()));
    assert_eq!(unknown.to_string(), "bounced");

    // Only strings are enum values: serde's derived enums also read `{"red": null}`.
    assert!(serde_json::from_value::<Colour>(json!({"red": null})).is_err());
    assert!(serde_json::from_value::<Status>(json!({"sent": null})).is_err());
    assert_eq!(
        serde_json::from_value::<Colour>(json!("red")).unwrap(),
        Colour::Red
    );
}

#[test]
fn legacy_enum_objects_are_a_labelled_string_enum() {
    let input = lookups::Find::builder()
        .spreadsheet_id("s")
        .sheet("t")
        .language(lookups::FindLanguage::French)
        .build();
    assert_eq!(to_json(&input)["language"], json!("french"));
}
