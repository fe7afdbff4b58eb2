//! The trigger commands as the real binary, against an emulator serving
//! `schemas/gosquared-trigger.json`: listing triggers, vendoring their documents, subscribing
//! (the key shown once and never again), listing and deleting subscriptions. Receiving events
//! is `event_commands.rs`.

mod support;

use predicates::prelude::*;
use serde_json::{Value, json};
use support::{Api, text, workspace_file};
use tray_connect_emulator::Emulator;

const OPERATION: &str = "entered_smart_group_init";

/// `subscribe gosquared-trigger 1.0 entered_smart_group_init` to `endpoint` with `extra` flags.
fn subscribe(api: &Api, endpoint: &str, extra: &[&str]) -> assert_cmd::assert::Assert {
    api.command()
        .args(["subscribe", "gosquared-trigger", "1.0", OPERATION])
        .args(["--name", "VIPs", "--endpoint", endpoint])
        .args(["--input", r#"{"value": "vip"}"#])
        .args(extra)
        .assert()
}

#[test]
fn triggers_and_their_operations_are_listed_apart_from_connectors() {
    let api = Api::start();
    let output = api.command().arg("triggers").assert().success();
    let stdout = text(&output.get_output().stdout);
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    assert!(
        stdout.contains("gosquared-trigger  1.0      GoSquared Trigger"),
        "{stdout}"
    );
    let output = api
        .command()
        .args(["triggers", "--all", "--json"])
        .assert()
        .success();
    let listed: Value = serde_json::from_slice(&output.get_output().stdout).unwrap();
    assert_eq!(listed[0]["name"], "gosquared-trigger");
    assert_eq!(listed.as_array().unwrap().len(), 1);
    api.command()
        .arg("connectors")
        .assert()
        .success()
        .stdout(predicate::str::contains("gosquared").not());

    // What a subscription must give, apart from what Tray fills itself.
    api.command()
        .args(["trigger-operations", "gosquared-trigger", "1.0"])
        .assert()
        .success()
        .stdout(predicate::str::contains("REQUIRED INPUTS  FILLED BY TRAY"))
        .stdout(predicate::str::contains(
            "value            api_key, site_token, url",
        ));
    let output = api
        .command()
        .args(["trigger-operations", "gosquared-trigger", "1.0", "--json"])
        .assert()
        .success();
    let operations: Value = serde_json::from_slice(&output.get_output().stdout).unwrap();
    assert_eq!(operations[0]["name"], OPERATION);
    assert_eq!(operations[0]["requiredInputs"], json!(["value"]));
    assert_eq!(
        operations[0]["filledByTray"],
        json!(["api_key", "site_token", "url"])
    );
    api.command()
        .args(["trigger-operations", "gosquared-trigger", "9.9"])
        .assert()
        .code(1)
        .stderr(predicate::str::starts_with(
            "error: Tray API error 404: Trigger 'gosquared-trigger' with version '9.9' not found",
        ));
}

#[test]
fn pull_trigger_writes_the_document_with_its_trigger_header() {
    let api = Api::start();
    let dir = tempfile::tempdir().unwrap();
    api.command()
        .current_dir(dir.path())
        .args(["pull", "--trigger", "gosquared-trigger", "1.0"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "wrote schemas/gosquared-trigger.json (gosquared-trigger 1.0, 2 operations): new file",
        ));
    let file = dir.path().join("schemas/gosquared-trigger.json");
    let written: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    // The elements the emulator serves, from schemas/gosquared-trigger.json, as they are.
    let served: Value = serde_json::from_slice(
        &std::fs::read(workspace_file("schemas/gosquared-trigger.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(written["elements"], served["elements"]);
    let keys: Vec<&String> = written.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["trigger", "elements"]);
    assert_eq!(written["trigger"]["name"], "gosquared-trigger");
    assert_eq!(written["trigger"]["title"], "GoSquared Trigger");
    // Every key of the answer kept: `default_jsonpath` is not in Tray's published schema.
    assert_eq!(
        written["elements"][0]["inputSchema"]["properties"]["url"]["default_jsonpath"],
        "$.env.public_url"
    );
    // A trigger document reads as one, and checks against the API as up to date.
    let read =
        tray_connect_codegen::document::parse(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(read.kind, tray_connect_codegen::DocumentKind::Trigger);
    api.command()
        .arg("check")
        .arg(&file)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("up to date"));
    // Pulled again: unchanged, left alone.
    api.command()
        .current_dir(dir.path())
        .args(["pull", "--trigger", "gosquared-trigger", "1.0"])
        .assert()
        .success()
        .stderr(predicate::str::starts_with("unchanged "));
    // A connector is not a trigger.
    api.command()
        .current_dir(dir.path())
        .args(["pull", "--trigger", "twilio-output", "2.1"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "trigger twilio-output version 2.1 is not among the triggers this token can use \
             (see `tray-connect triggers --all`)",
        ));
}

#[test]
fn subscribe_prints_the_key_once_and_the_listings_never_show_it() {
    let api = Api::start();
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("vip.key");
    let output = api
        .command()
        .args(["subscribe", "gosquared-trigger", "1.0", OPERATION])
        .args(["--name", "VIPs", "--endpoint", "http://127.0.0.1:9/tray"])
        .args([
            "--input",
            r#"{"value": "vip"}"#,
            "--external-id",
            "acme-vip",
        ])
        .arg("--signing-key-file")
        .arg(&key_file)
        .assert()
        .success();
    let recorded = api.emulator.subscriptions();
    let created = recorded.last().unwrap();
    let key = created.signing_key.clone();
    let stdout = text(&output.get_output().stdout);
    assert!(
        stdout.starts_with(&format!("created subscription {}\n", created.id)),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("signing key: {key}\n")),
        "{stdout}"
    );
    assert!(
        stdout.contains("Tray shows this key only now: it cannot be read back"),
        "{stdout}"
    );
    assert!(stdout.contains("external id: acme-vip"), "{stdout}");
    assert_eq!(
        std::fs::read_to_string(&key_file).unwrap(),
        format!("{key}\n")
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "{mode:o}");
    }

    // Never again: not in the listing nor in the subscription, as text or JSON.
    for args in [
        vec!["subscriptions"],
        vec!["subscriptions", "--json"],
        vec!["subscription", &created.id],
        vec!["subscription", &created.id, "--json"],
    ] {
        let output = api.command().args(&args).assert().success();
        let shown = text(&output.get_output().stdout);
        assert!(shown.contains(&created.id), "{args:?}: {shown}");
        assert!(!shown.contains(&key), "{args:?} shows the key: {shown}");
        assert!(!shown.contains("signingKey"), "{args:?}: {shown}");
    }
    let output = api
        .command()
        .args(["subscription", &created.id, "--json"])
        .assert()
        .success();
    let shown: Value = serde_json::from_slice(&output.get_output().stdout).unwrap();
    assert_eq!(
        shown["trigger"],
        json!({"name": "gosquared-trigger", "version": "1.0"})
    );
    assert_eq!(shown["state"], "active");
    assert_eq!(shown["externalId"], "acme-vip");

    // `--json` is Tray's own answer, key included; the line about it goes to stderr.
    let output = subscribe(&api, "http://127.0.0.1:9/other", &["--json"]).success();
    let answer: Value = serde_json::from_slice(&output.get_output().stdout).unwrap();
    let second = api.emulator.subscriptions().last().unwrap().clone();
    assert_eq!(answer["id"], second.id.as_str());
    assert_eq!(answer["signingKey"], second.signing_key.as_str());
    assert!(
        text(&output.get_output().stderr).contains("Tray shows this key only now"),
        "{output:?}"
    );

    // A key file is never written over: refused before anything is created.
    let before = api.emulator.subscriptions().len();
    api.command()
        .args(["subscribe", "gosquared-trigger", "1.0", OPERATION])
        .args(["--name", "x", "--endpoint", "http://127.0.0.1:9/x"])
        .args(["--input", r#"{"value": "vip"}"#])
        .arg("--signing-key-file")
        .arg(&key_file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "exists; --signing-key-file writes a new file",
        ));
    assert_eq!(api.emulator.subscriptions().len(), before);
}

#[test]
fn a_subscription_that_failed_or_was_refused_exits_1_with_what_to_do() {
    let api = Api::start();
    api.emulator
        .fail_next_subscription("api_error", "401 from GoSquared");
    let output = subscribe(&api, "http://127.0.0.1:9/tray", &[]).code(1);
    let id = api.emulator.subscriptions()[0].id.clone();
    assert_eq!(text(&output.get_output().stdout), "");
    assert_eq!(
        text(&output.get_output().stderr),
        format!(
            "error: Tray could not create subscription {id}: 401 from GoSquared [code \
             api_error]; it exists in state creation_failed and delivers nothing: delete it \
             with `tray-connect unsubscribe {id}`\n"
        )
    );
    api.command()
        .args(["unsubscribe", &id])
        .assert()
        .success()
        .stdout(format!("deleted subscription {id}\n"));

    // Tray's 400 for an input the schema refuses, as the call command reports its own.
    api.command()
        .args(["subscribe", "gosquared-trigger", "1.0", OPERATION])
        .args(["--name", "x", "--endpoint", "http://127.0.0.1:9/x"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "error: Tray API error 400: Connector input validation failed",
        ))
        .stderr(predicate::str::contains("required key [value] not found"));
    api.command()
        .args(["subscribe", "gosquared-trigger", "1.0", OPERATION])
        .args(["--name", "x", "--endpoint", "http://127.0.0.1:9/x"])
        .args(["--input", "{not json"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "error: --input is not valid JSON",
        ));
    assert!(api.emulator.subscriptions().is_empty());
}

#[test]
fn unsubscribe_then_subscription_is_404() {
    let api = Api::start();
    subscribe(&api, "http://127.0.0.1:9/tray", &[]).success();
    let id = api.emulator.subscriptions()[0].id.clone();
    api.command().args(["unsubscribe", &id]).assert().success();
    api.command()
        .args(["subscription", &id])
        .assert()
        .code(1)
        .stderr(format!(
            "error: Tray API error 404: Subscription '{id}' not found\n"
        ));
    api.command()
        .args(["unsubscribe", &id])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("404"));
    api.command()
        .args(["subscriptions", "--json"])
        .assert()
        .success()
        .stdout("[]\n");
}

#[test]
fn subscriptions_lists_every_page() {
    let builder = Emulator::builder()
        .document(workspace_file("schemas/gosquared-trigger.json"))
        .subscription_page_size(2);
    let api = Api::with_builder(builder);
    for n in 0..5 {
        subscribe(&api, &format!("http://127.0.0.1:9/tray/{n}"), &[]).success();
    }
    let output = api
        .command()
        .args(["subscriptions", "--json"])
        .assert()
        .success();
    let listed: Value = serde_json::from_slice(&output.get_output().stdout).unwrap();
    let endpoints: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["endpoint"].as_str().unwrap())
        .collect();
    assert_eq!(
        endpoints,
        (0..5)
            .map(|n| format!("http://127.0.0.1:9/tray/{n}"))
            .collect::<Vec<_>>()
    );
    let output = api.command().arg("subscriptions").assert().success();
    let stdout = text(&output.get_output().stdout);
    let header: Vec<&str> = stdout.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(
        header,
        ["ID", "NAME", "TRIGGER", "OPERATION", "STATE", "ENDPOINT"]
    );
    assert_eq!(stdout.lines().count(), 6, "{stdout}");
}
