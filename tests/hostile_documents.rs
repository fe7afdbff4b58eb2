//! Documents written to attack their readers (issue 22), through `connector!`: what each
//! generated item does at run time. (That they compile under `#![deny(warnings)]` is the
//! library's own build; `trybuild.rs` compiles what `tray-connect generate` writes for them.)

use serde_json::json;
use tray_connect::Operation;
use tray_connect_tests::hostile_text;

#[test]
fn lookup_templates_named_like_generated_locals_are_sent_as_given() {
    // A template `{{map}}` or `{{text}}` was captured by the generated function's own locals:
    // `{"search":"name:name:","sheet":{"search":"name:name:"}}`.
    let lookup = hostile_text::A::row_lookup("Ada", "Sheet1");
    assert_eq!(lookup.operation(), "D");
    assert_eq!(
        lookup.input(),
        &json!({"search": "Ada:Sheet1", "sheet": {"search": "Sheet1"}, "whole": "Ada"})
    );
}

#[test]
fn operations_named_like_generated_generics_round_trip() {
    // Operations `A`, `D`, `S` and `V` collided with `visit_map<A>`, `deserialize<D>` and
    // `serialize<S>` (E0574, E0053, E0401) once both serde directions were on.
    let input = hostile_text::S::builder()
        .a(hostile_text::SA::builder().d("x").build())
        .build();
    let sent = serde_json::to_value(&input).unwrap();
    assert_eq!(sent, json!({"a": {"d": "x"}}));
    let read: hostile_text::S = serde_json::from_value(sent).unwrap();
    assert_eq!(read, input);
    let output: hostile_text::VOutput = serde_json::from_value(json!({"a": 1, "b": 2})).unwrap();
    assert_eq!(output.a, 1);
    assert_eq!(output.extra.get("b"), Some(&json!(2)));
    assert_eq!(<hostile_text::D as Operation>::NAME, "D");
}

#[test]
fn hostile_names_and_versions_are_kept_exactly_as_data() {
    // The header's text is data: the constants hold it as written, escapes and all.
    assert!(hostile_text::CONNECTOR.starts_with("hostile\n#![allow(unused)]"));
    assert_eq!(hostile_text::VERSION, "1.0\u{202e}");
    let status: hostile_text::AStatus = "bad\u{1b}[31m".parse().unwrap();
    assert_eq!(status.as_str(), "bad\u{1b}[31m");
}

#[test]
fn a_hostile_sampled_output_schema_types_the_output_as_data() {
    // `sampled` has a dynamic output typed from its `sampledOutputSchema`, whose sample input,
    // description and property name try to break out of the docs and the code: the type holds
    // the property by its name, exactly as written.
    let name = "r\"#}; fn x() {}";
    let answer = json!({ name: "v" });
    let output: hostile_text::SampledOutput = serde_json::from_value(answer.clone()).unwrap();
    assert_eq!(serde_json::to_value(&output).unwrap(), answer);
    assert!(hostile_text::OPERATIONS.contains(&"sampled"));
}
