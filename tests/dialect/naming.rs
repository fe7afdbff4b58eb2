//! Names: renamed fields keep their wire names; prelude and method names stay distinct.

use serde_json::json;
use tray_connect_tests::{
    naming_identifiers as identifiers, naming_keywords as keywords,
    naming_operations as operations, naming_setters as setters,
};

use crate::{from_json, to_json};

#[test]
fn renamed_fields_keep_their_wire_names() {
    let input = setters::Setters::builder()
        .build_("b")
        .x("x")
        .maybe_x("mx")
        .maybe_y(None)
        .maybe_y_("my")
        .maybe_build(3)
        .extra("e")
        .additional("a")
        .builder("bd")
        .build();
    assert_eq!(
        to_json(&input),
        json!({"build": "b", "x": "x", "maybe_x": "mx", "maybe_y": "my", "maybe_build": 3,
               "extra": "e", "additional": "a", "builder": "bd"})
    );
    let out: setters::SettersOutput =
        from_json(json!({"extra": "1", "extra_": "2", "additional": "3", "other": 4}));
    assert_eq!(out.extra, "1");
    // Properties keep their names (`extra`, `extra_`); the catch-all takes the next free one.
    assert_eq!(out.extra_.as_deref(), Some("2"));
    assert_eq!(out.extra_2.get("other"), Some(&json!(4)));

    let kw = keywords::Keywords::builder()
        .type_("t")
        .self_("s")
        .self_2("S")
        .gen_("g")
        .empty("underscore")
        .build();
    let sent = to_json(&kw);
    assert_eq!(sent["type"], json!("t"));
    assert_eq!(sent["self"], json!("s"));
    assert_eq!(sent["Self"], json!("S"));
    assert_eq!(sent["gen"], json!("g"));
    assert_eq!(sent["_"], json!("underscore"));

    let ids = identifiers::Identifiers::builder()
        .x1st_place_2("1")
        .x1st_place("x")
        .with_space("w")
        .empty_2("e")
        .camel_case("a")
        .camel_case_2("b")
        .camel_case_3("C")
        .camel_case_4("c")
        .build();
    let sent = to_json(&ids);
    // `x1st_place` is already its own sanitised form, so it keeps the name.
    assert_eq!(sent["1st_place"], json!("1"));
    assert_eq!(sent["x1st_place"], json!("x"));
    assert_eq!(sent["with space"], json!("w"));
    assert_eq!(sent[""], json!("e"));
    assert_eq!(sent["camel_case"], json!("a"));
    assert_eq!(sent["CAMEL_CASE"], json!("b"));
    // Twins are numbered in the sorted order of their originals.
    assert_eq!(sent["CamelCase"], json!("C"));
    assert_eq!(sent["camelCase"], json!("c"));
    assert_eq!(
        <operations::SendSms as tray_connect::Operation>::NAME,
        "send_sms"
    );
    assert_eq!(
        <operations::SendSms2 as tray_connect::Operation>::NAME,
        "Send SMS"
    );
}

/// Properties named like prelude items and like the builder's own methods each get a setter,
/// and catch-all variants step past names the document took.
#[test]
fn prelude_and_method_names_stay_distinct() {
    use tray_connect_tests::naming_prelude as prelude;
    let input = prelude::Send::builder()
        .from("1")
        .into("2")
        .option("3")
        .result("4")
        .some("5")
        .none("6")
        .ok("7")
        .err("8")
        .vec("9")
        .string("10")
        .box_("11")
        .default("12")
        .clone("13")
        .t("14")
        .unset("15")
        .set("16")
        .is_unset("17")
        .send_state("18")
        .send("19")
        .send_builder("20")
        .build_2("21")
        .build_("22")
        .insert_additional_("23")
        .additional("24")
        .insert_additional("more", "25")
        .build();
    let sent = to_json(&input);
    assert_eq!(sent["from"], json!("1"));
    assert_eq!(sent["send"], json!("19"));
    assert_eq!(sent["build"], json!("21"));
    assert_eq!(sent["build_"], json!("22"));
    assert_eq!(sent["insert_additional"], json!("23"));
    assert_eq!(sent["additional"], json!("24"));
    assert_eq!(sent["more"], json!("25"));
    let result = prelude::Result::builder().option("o").from(1).build();
    assert_eq!(to_json(&result), json!({"option": "o", "from": 1}));

    let out: prelude::SendOutput = from_json(json!({"status": "unknown \u{e9}", "choice": 3}));
    assert_eq!(out.status, Some(prelude::SendOutputStatus::Unknown_));
    assert_eq!(out.choice, Some(prelude::SendOutputChoice::Other_(3)));
    let out: prelude::SendOutput = from_json(json!({"status": "new", "choice": [true]}));
    assert_eq!(
        out.status,
        Some(prelude::SendOutputStatus::Unknown2("new".to_owned()))
    );
    assert_eq!(
        out.choice,
        Some(prelude::SendOutputChoice::Other2(json!([true])))
    );
}
