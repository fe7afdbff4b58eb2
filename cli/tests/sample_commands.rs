//! `tray-connect pull --sample OPERATION=FILE` (typed dynamic outputs) run as the real binary
//! against an emulator on 127.0.0.1: the schema the emulator returns for
//! `returnOutputSchema: true` is vendored under the operation's `sampledOutputSchema`, re-pulls
//! stay byte-identical, `check` sees no drift in the key Tray never serves, and every bad answer
//! or flag is a clear error that leaves the document as it was.
//!
//! The emulator serves `codegen/tests/fixtures/shopify-sampled.json`, whose sampled schema is
//! Tray's published Shopify `get_location` answer; it answers `returnOutputSchema` from it and
//! serves the operations without the key. So pulling it back with the same sample must give
//! that very file, byte for byte: the file `tests/lib.rs` compiles under
//! `#![deny(warnings, missing_docs)]` and `tests/sampled_output.rs` decodes calls with.

mod support;

use std::path::Path;

use predicates::prelude::*;
use serde_json::{Value, json};
use support::{AUTH_ID, Api, text, workspace_file};
use tray_connect_emulator::{Emulator, Fault, Scope};

const FIXTURE: &str = "codegen/tests/fixtures/shopify-sampled.json";

fn api() -> Api {
    Api::with_documents(&[workspace_file(FIXTURE)])
}

fn write_input(dir: &Path) -> String {
    let input = dir.join("location.json");
    std::fs::write(&input, r#"{"location_id": "61098065993"}"#).unwrap();
    input.display().to_string()
}

fn pull(api: &Api, out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    api.command()
        .args(["pull", "shopify", "4.0", "-o"])
        .arg(out)
        .args(extra)
        .assert()
}

#[test]
fn pull_sample_vendors_the_returned_schema_byte_for_byte() {
    let api = api();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("shopify.json");
    let input = write_input(dir.path());
    let sample = format!("get_location={input}");
    let output = pull(&api, &out, &["--sample", &sample, "--auth-id", AUTH_ID]).success();
    let stderr = text(&output.get_output().stderr);
    assert!(stderr.contains("wrote"), "{stderr}");
    assert!(stderr.contains("sampled `get_location`"), "{stderr}");

    let expected = std::fs::read_to_string(workspace_file(FIXTURE)).unwrap();
    let written = std::fs::read_to_string(&out).unwrap();
    assert_eq!(written, expected, "the pulled document is the fixture");
    let document: Value = serde_json::from_str(&written).unwrap();
    let sampled = &document["elements"][0]["sampledOutputSchema"];
    assert_eq!(sampled["sample"], json!({"location_id": "61098065993"}));
    assert_eq!(
        sampled["schema"]["properties"]["location"]["properties"]["name"],
        json!({"type": "string"})
    );
    // The call really asked for the schema.
    let calls = api.emulator.calls();
    assert_eq!(calls.len(), 1);
    assert!(calls[0].return_output_schema);
    assert_eq!(calls[0].input, json!({"location_id": "61098065993"}));

    // Again with the sample, and without it: the file is left untouched.
    pull(&api, &out, &["--sample", &sample, "--auth-id", AUTH_ID])
        .success()
        .stderr(predicate::str::contains("unchanged"));
    pull(&api, &out, &[])
        .success()
        .stderr(predicate::str::contains("unchanged"));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), expected);

    // The live API has no `sampledOutputSchema`: that is no drift.
    api.command()
        .arg("check")
        .arg(&out)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("up to date"));
}

#[test]
fn check_still_reports_an_output_that_stopped_being_dynamic() {
    // The same connector, but its `get_location` now has a static output: the vendored
    // sampled type no longer stands, which `check` must say.
    let mut document: Value =
        serde_json::from_str(&std::fs::read_to_string(workspace_file(FIXTURE)).unwrap()).unwrap();
    let element = &mut document["elements"][0];
    element["hasDynamicOutput"] = json!(false);
    element
        .as_object_mut()
        .unwrap()
        .remove("sampledOutputSchema");
    let api = Api::with_builder(Emulator::builder().document_json(document.to_string()));
    api.command()
        .arg("check")
        .arg(workspace_file(FIXTURE))
        .assert()
        .code(1)
        .stdout(predicate::str::contains("get_location"));
}

#[test]
fn a_pull_without_sample_drops_it_once_the_output_is_static() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("shopify.json");
    std::fs::copy(workspace_file(FIXTURE), &out).unwrap();
    let mut document: Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    document["elements"][0]["hasDynamicOutput"] = json!(false);
    document["elements"][0]
        .as_object_mut()
        .unwrap()
        .remove("sampledOutputSchema");
    let api = Api::with_builder(Emulator::builder().document_json(document.to_string()));
    pull(&api, &out, &[]).success();
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert!(written["elements"][0].get("sampledOutputSchema").is_none());
}

#[test]
fn bad_answers_are_clear_errors_that_leave_the_document_alone() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("shopify.json");
    std::fs::write(&out, "{\"previous\": true}\n").unwrap();
    let input = write_input(dir.path());
    let sample = format!("get_location={input}");
    let cases = [
        (
            Fault::Status(
                200,
                json!({"outcome": "success", "output": {"schema": {"type": "object"}}}),
            ),
            "output_schema",
        ),
        (
            Fault::Status(
                200,
                json!({"outcome": "success", "output": {"output_schema": "oops"}}),
            ),
            "not a JSON object (it is a string)",
        ),
        (
            Fault::Truncate(12),
            "returnOutputSchema call of `get_location`",
        ),
    ];
    for (fault, expected) in cases {
        let api = api();
        api.emulator
            .inject(fault.clone(), Scope::Operation("get_location".into()));
        let output = pull(&api, &out, &["--sample", &sample, "--auth-id", AUTH_ID]).code(1);
        let stderr = text(&output.get_output().stderr);
        assert!(stderr.contains(expected), "{fault:?}: {stderr}");
        assert!(stderr.contains("is left as it was"), "{fault:?}: {stderr}");
        assert_eq!(
            std::fs::read_to_string(&out).unwrap(),
            "{\"previous\": true}\n"
        );
    }
}

#[test]
fn bad_sample_flags_are_refused_before_or_without_writing() {
    let api = api();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("shopify.json");
    let input = write_input(dir.path());
    let not_json = dir.path().join("broken.json");
    std::fs::write(&not_json, "{\"location_id\": ").unwrap();
    let usage = [
        (
            vec!["--sample".to_owned(), format!("get_location={input}")],
            "--auth-id",
        ),
        (
            vec![
                "--sample".to_owned(),
                "get_location".to_owned(),
                "--auth-id".into(),
                AUTH_ID.into(),
            ],
            "expected OPERATION=FILE",
        ),
        (
            vec![
                "--sample".to_owned(),
                format!("get_location={}", not_json.display()),
                "--auth-id".into(),
                AUTH_ID.into(),
            ],
            "is not valid JSON",
        ),
        (
            vec![
                "--sample".to_owned(),
                format!("get_location={}", dir.path().join("missing.json").display()),
                "--auth-id".into(),
                AUTH_ID.into(),
            ],
            "cannot read --sample file",
        ),
    ];
    for (args, expected) in usage {
        let output = api
            .command()
            .args(["pull", "shopify", "4.0", "-o"])
            .arg(&out)
            .args(&args)
            .assert()
            .code(2);
        let stderr = text(&output.get_output().stderr);
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
    // Operations that are not there, or whose output is not dynamic.
    for (operation, expected) in [
        ("count_locations", "does not have a dynamic output"),
        ("get_locaton", "has no operation `get_locaton`"),
    ] {
        let sample = format!("{operation}={input}");
        let output = pull(&api, &out, &["--sample", &sample, "--auth-id", AUTH_ID]).code(1);
        let stderr = text(&output.get_output().stderr);
        assert!(stderr.contains(expected), "{stderr}");
    }
    assert!(!out.exists(), "nothing was written");
    assert!(api.emulator.calls().is_empty(), "no call was made");
}
