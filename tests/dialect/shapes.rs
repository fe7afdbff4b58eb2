//! The shapes of generated types: type arrays, secrets, additional properties, cycles, `Value`
//! fallbacks, non-object roots and strict objects.

use serde_json::{Value, json};
use tray_connect::Secret;
use tray_connect_tests::{
    dialect_objects as objects, dialect_presence as presence, dialect_refs as refs,
    dialect_scalars as scalars, dialect_type_arrays as type_arrays, naming_setters as setters,
};

use crate::{from_json, to_json};

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
