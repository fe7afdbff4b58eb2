//! The serde behaviour specified for generated types (the crate docs of `tray-connect`), checked on the dialect and
//! naming fixture documents (`codegen/tests/fixtures/dialect-*.json`, `naming-*.json`).

use serde_json::{Value, json};
use tray_connect::{Client, Secret};
use tray_connect_emulator::Emulator;
use tray_connect_tests::{
    dialect_lookups as lookups, dialect_objects as objects, dialect_presence as presence,
    dialect_refs as refs, dialect_scalars as scalars, dialect_type_arrays as type_arrays,
    naming_identifiers as identifiers, naming_keywords as keywords,
    naming_operations as operations, naming_setters as setters,
};

fn to_json<T: tray_connect::__private::serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("generated types serialise")
}

fn from_json<T: tray_connect::__private::serde::de::DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).expect("generated types deserialise")
}

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

#[test]
fn type_arrays_take_integers_strings_booleans_and_numbers_through_from() {
    let input = type_arrays::TypeArrays::builder()
        .value(3)
        .legacy("seven")
        .int_or_number(2.5)
        .list_or_string(vec!["a".to_owned()])
        .object_or_string("plain")
        .nullable_string("s")
        .build();
    assert_eq!(input.value, type_arrays::TypeArraysValue::Number(3.0));
    assert_eq!(
        to_json(&input),
        json!({
            "value": 3.0,
            "legacy": "seven",
            "nullable_string": "s",
            "int_or_number": 2.5,
            "list_or_string": ["a"],
            "object_or_string": "plain"
        })
    );
    let with_string = type_arrays::TypeArrays::builder().value("x").build();
    assert_eq!(to_json(&with_string), json!({"value": "x"}));
    let with_bool = type_arrays::TypeArrays::builder()
        .value(true)
        .legacy(4)
        .everything(false)
        .build();
    assert_eq!(
        to_json(&with_bool),
        json!({"value": true, "legacy": 4, "everything": false})
    );
    // Untagged decoding picks the first member that fits, integers before numbers.
    let back: type_arrays::TypeArrays =
        from_json(json!({"value": "x", "legacy": 4, "int_or_number": 4, "everything": null}));
    assert_eq!(back.legacy, Some(type_arrays::TypeArraysLegacy::Integer(4)));
    assert_eq!(
        back.int_or_number,
        Some(type_arrays::TypeArraysIntOrNumber::Integer(4))
    );
    assert_eq!(back.everything, Some(None));
    assert_eq!(back.nullable_string, None);
}

#[test]
fn secrets_are_hidden_from_debug_but_sent() {
    let input = scalars::Scalars::builder()
        .text("t")
        .secret("hunter2")
        .colour(scalars::ScalarsColour::DarkBlue)
        .build();
    let debug = format!("{input:?}");
    assert!(debug.contains("***"), "{debug}");
    assert!(!debug.contains("hunter2"), "{debug}");
    assert_eq!(input.secret, Secret::new("hunter2"));
    assert_eq!(
        to_json(&input),
        json!({"text": "t", "secret": "hunter2", "colour": "dark blue"})
    );
}

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
fn additional_properties_beside_properties_are_kept() {
    let out: objects::ObjectsOutput = from_json(json!({
        "labelled": {"name": "n", "one": "1", "two": "2"},
        "counts": {"a": 1},
        "free": {"x": [null]}
    }));
    let labelled = out.labelled.as_ref().expect("present");
    assert_eq!(labelled.name, "n");
    assert_eq!(
        labelled.additional.get("two").map(String::as_str),
        Some("2")
    );
    assert_eq!(
        to_json(&out),
        json!({
            "labelled": {"name": "n", "one": "1", "two": "2"},
            "counts": {"a": 1},
            "free": {"x": [null]}
        })
    );
    let wrong = serde_json::from_value::<objects::ObjectsOutput>(
        json!({"labelled": {"name": "n", "one": 1}}),
    );
    assert!(wrong.is_err(), "additionalProperties values are typed");
}

#[test]
fn cycles_are_boxed_and_round_trip() {
    let tree = json!({
        "home": {"street": "1 Main St"},
        "tree": {
            "value": "root",
            "children": [{"value": "a"}, {"value": "b", "children": [{"value": "c"}]}],
            "parent": {"value": "up"}
        },
        "ping": {"pong": {"ping": {"pong": {}}}},
        "slashed": 1,
        "tilded": true,
        "percent": 0.5
    });
    let input: refs::Refs = from_json(tree.clone());
    let node = input.tree.as_ref().expect("tree");
    let parent: &refs::RefsNode = node.parent.as_deref().expect("parent");
    assert_eq!(parent.value, "up");
    assert_eq!(to_json(&input), tree);

    let list = json!({"list": {"value": "1", "next": {"value": "2", "next": {"value": "3"}}}});
    let out: refs::RefsOutput = from_json(list.clone());
    assert_eq!(to_json(&out), list);
}

#[test]
fn value_fallbacks_list_exactly_the_untyped_nodes() {
    assert_eq!(
        scalars::VALUE_FALLBACKS,
        ["/elements/0/inputSchema/properties/mixed: the `enum` mixes value types"]
    );
    let pointers = |list: &[&str]| -> Vec<String> {
        let mut pointers: Vec<String> = list
            .iter()
            .map(|entry| entry.split(": ").next().unwrap().to_owned())
            .collect();
        pointers.dedup();
        pointers
    };
    let fallbacks = pointers(tray_connect_tests::dialect_fallbacks::VALUE_FALLBACKS);
    let expected: Vec<String> = [
        "inputSchema/properties/constant",
        "inputSchema/properties/negated",
        "inputSchema/properties/anything",
        "inputSchema/properties/untyped",
        "inputSchema/properties/strange",
        "inputSchema/properties/typo",
        "inputSchema/properties/weird_type",
        "inputSchema/properties/pattern",
        "outputSchema/properties/anything",
        "outputSchema/properties/constant",
    ]
    .iter()
    .map(|p| format!("/elements/0/{p}"))
    .collect();
    assert_eq!(fallbacks, expected);
    let alternatives = pointers(tray_connect_tests::dialect_alternatives::VALUE_FALLBACKS);
    assert_eq!(
        alternatives,
        [
            // Every node typed as `Value` is listed, alternatives included (and the node that
            // keeps them in `Other`), and so are untyped nodes inside a typed alternative.
            "/elements/0/inputSchema/properties/partly/oneOf/1",
            "/elements/0/inputSchema/properties/partly/oneOf/2",
            "/elements/0/inputSchema/properties/partly",
            "/elements/0/inputSchema/properties/untypeable/oneOf/0",
            "/elements/0/inputSchema/properties/untypeable/oneOf/1",
            "/elements/0/inputSchema/properties/untypeable",
            "/elements/0/inputSchema/properties/all_of_mixed",
            "/elements/0/inputSchema/properties/empty_one_of",
            "/elements/0/outputSchema/properties/nested_fallback/oneOf/0/properties/raw",
        ]
    );
    assert!(presence::VALUE_FALLBACKS.is_empty());
    assert!(type_arrays::VALUE_FALLBACKS.is_empty());
    assert!(objects::VALUE_FALLBACKS.is_empty());
    assert!(setters::VALUE_FALLBACKS.is_empty());
    let roots = pointers(tray_connect_tests::dialect_roots::VALUE_FALLBACKS);
    assert_eq!(
        roots,
        [
            "/elements/0/outputSchema",
            "/elements/2/outputSchema",
            "/elements/3/outputSchema",
            "/elements/6/outputSchema",
        ]
    );
    for entry in refs::VALUE_FALLBACKS {
        assert!(
            [
                "dangling",
                "remote",
                "loop_b",
                "self_loop",
                "/d23",
                "deep_objects"
            ]
            .iter()
            .any(|name| entry.contains(name)),
            "unexpected fallback {entry}"
        );
    }
}

/// The CDK's `raw_http_request` output `body` (objects, arrays, or any scalar or `null`) once
/// expanded to code that did not compile; every kind of body now reads and writes back.
#[test]
fn a_cdk_raw_http_body_takes_every_json_kind() {
    use tray_connect_tests::dialect_alternatives::AlternativesOutputCdkBody as Body;
    for body in [
        json!({"a": [1, {"b": null}]}),
        json!([1, "two", null]),
        json!("text"),
        json!(2.5),
        json!(true),
        Value::Null,
    ] {
        let out: tray_connect_tests::dialect_alternatives::AlternativesOutput =
            from_json(json!({ "cdk_body": body }));
        assert_eq!(to_json(&out), json!({ "cdk_body": body }), "{body}");
    }
    let text: Body = from_json(json!("text"));
    assert!(matches!(text, Body::StringOrNumberOrBoolean(_)), "{text:?}");
}

#[test]
fn non_object_roots_are_transparent_maps_and_dynamic_outputs_are_values() {
    use tray_connect_tests::dialect_roots as roots;
    let input = roots::FreeRoot::builder()
        .insert("a", json!(1))
        .insert("b", json!("two"))
        .build();
    assert_eq!(to_json(&input), json!({"a": 1, "b": "two"}));
    let mut map = serde_json::Map::new();
    map.insert("k".to_owned(), json!(null));
    assert_eq!(to_json(&roots::ArrayRoot::from(map)), json!({"k": null}));
    let dynamic: roots::DynamicOutput = json!({"anything": [1]});
    let free: roots::FreeRootOutput = json!("any JSON");
    assert_ne!(dynamic, free);
    let _: &dyn Fn() -> roots::NoSchemas = &|| roots::NoSchemas::builder().build();
    assert_eq!(
        roots::OPERATIONS,
        [
            "free_root",
            "array_root",
            "no_schemas",
            "dynamic",
            "string_root",
            "empty_properties",
            "null_schemas"
        ]
    );
}

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

#[test]
fn legacy_enum_objects_are_a_labelled_string_enum() {
    let input = lookups::Find::builder()
        .spreadsheet_id("s")
        .sheet("t")
        .language(lookups::FindLanguage::French)
        .build();
    assert_eq!(to_json(&input)["language"], json!("french"));
}

#[tokio::test]
async fn client_lookup_returns_the_emulators_options() {
    let emulator = Emulator::builder()
        .document_json(include_str!(
            "../codegen/tests/fixtures/dialect-lookups.json"
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

#[test]
fn structs_read_objects_only_and_refuse_a_member_given_twice() {
    use tray_connect_tests::twilio::SendSmsOutputSubresourceUris as Uris;

    let read = serde_json::from_str::<Uris>(r#"{"media": "/m", "feedback": null, "x": 1}"#)
        .expect("an object with an unlisted member");
    assert_eq!(read.media.as_deref(), Some("/m"));
    assert_eq!(read.feedback, None);
    assert_eq!(read.extra.get("x"), Some(&serde_json::json!(1)));

    // Serde's derived structs also read an array as their fields in order.
    let err = serde_json::from_str::<Uris>(r#"["/m", "/f"]"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid type: sequence, expected an object (SendSmsOutputSubresourceUris) at line 1 column 0"
    );
    let err = serde_json::from_str::<Uris>(r#"{"media": "/a", "media": "/b"}"#).unwrap_err();
    assert!(
        err.to_string().starts_with("duplicate field `media`"),
        "{err}"
    );
    // Borrowed, escaped and owned member names all read (from text, and from a `Value`).
    let escaped = serde_json::from_str::<Uris>(r#"{"medi\u0061": "/m"}"#).expect("escaped");
    assert_eq!(escaped.media.as_deref(), Some("/m"));
    let from_value =
        serde_json::from_value::<Uris>(serde_json::json!({"media": "/m"})).expect("from a Value");
    assert_eq!(from_value.media.as_deref(), Some("/m"));
}
