//! The commands that talk to the API (`connectors`, `operations`, `call`, `pull`, `check`),
//! run as the real binary against an emulator, with their exit codes and error lines.

mod support;

use predicates::prelude::*;
use serde_json::{Value, json};
use support::{AUTH_ID, Api, TOKEN, bare_command, fixture, text, workspace_file};

#[test]
fn connectors_shows_the_latest_version_of_each_name() {
    let api = Api::start();
    let output = api.command().arg("connectors").assert().success();
    let stdout = text(&output.get_output().stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with("NAME"), "{stdout}");
    assert_eq!(lines.len(), 3, "{stdout}");
    // 1.10 is newer than 1.2 when versions are compared by number.
    assert!(
        lines[1].starts_with("echo") && lines[1].contains("1.10"),
        "{stdout}"
    );
    assert!(
        lines[2].starts_with("twilio-output") && lines[2].contains("2.1"),
        "{stdout}"
    );
}

#[test]
fn connectors_all_json_lists_every_version() {
    let api = Api::start();
    let output = api
        .command()
        .args(["connectors", "--all", "--json"])
        .assert()
        .success();
    let list: Value = serde_json::from_slice(&output.get_output().stdout).unwrap();
    let versions: Vec<(&str, &str)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["name"].as_str().unwrap(), c["version"].as_str().unwrap()))
        .collect();
    assert_eq!(
        versions,
        [("echo", "1.2"), ("echo", "1.10"), ("twilio-output", "2.1")]
    );
    assert_eq!(list[2]["service"]["name"], "twilio");
}

#[test]
fn operations_lists_required_inputs() {
    let api = Api::start();
    api.command()
        .args(["operations", "twilio-output", "2.1"])
        .assert()
        .success()
        .stdout(predicate::str::contains("send_sms"))
        .stdout(predicate::str::contains("to, from, body"))
        .stdout(predicate::str::contains("message_sid"));
    let output = api
        .command()
        .args(["operations", "twilio-output", "2.1", "--json"])
        .assert()
        .success();
    let list: Value = serde_json::from_slice(&output.get_output().stdout).unwrap();
    assert_eq!(list[0]["name"], "send_sms");
    assert_eq!(list[0]["requiredInputs"], json!(["to", "from", "body"]));
}

#[test]
fn operations_of_an_unknown_version_fail_with_the_api_message() {
    let api = Api::start();
    api.command()
        .args(["operations", "twilio-output", "9.9"])
        .assert()
        .code(1)
        .stderr(predicate::str::starts_with("error: Tray API error 404"))
        // What the API does list, so the user need not run `connectors` to find out.
        .stderr(predicate::str::contains("twilio-output has version(s) 2.1"));
}

#[test]
fn operations_of_a_misspelt_connector_name_the_closest_listed_names() {
    let api = Api::start();
    api.command()
        .args(["operations", "twilio", "2.1"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("did you mean `twilio-output`?"));
}

#[test]
fn call_prints_the_output_as_json() {
    let api = Api::start();
    api.emulator.respond(
        "twilio-output",
        "send_sms",
        json!({"sid": "SM123", "status": "queued"}),
    );
    let output = api
        .command()
        .args([
            "call",
            "twilio-output",
            "2.1",
            "send_sms",
            "--auth-id",
            AUTH_ID,
        ])
        .args([
            "--input",
            r#"{"to": "+1555", "from": "+1666", "body": "hi"}"#,
        ])
        .assert()
        .success();
    let printed: Value = serde_json::from_slice(&output.get_output().stdout).unwrap();
    assert_eq!(printed, json!({"sid": "SM123", "status": "queued"}));
    let calls = api.emulator.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].auth_id.as_deref(), Some(AUTH_ID));
    assert_eq!(calls[0].input["body"], "hi");
}

#[test]
fn call_reads_input_from_a_file() {
    let api = Api::start();
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("input.json");
    std::fs::write(&input, r#"{"message_sid": "SM1"}"#).unwrap();
    api.command()
        .args([
            "call",
            "twilio-output",
            "2.1",
            "get_message",
            "--auth-id",
            AUTH_ID,
        ])
        .arg("--input")
        .arg(format!("@{}", input.display()))
        .assert()
        .success();
    assert_eq!(api.emulator.calls()[0].input, json!({"message_sid": "SM1"}));
}

#[test]
fn rejected_call_exits_1_with_the_error_message() {
    let api = Api::start();
    let output = api
        .command()
        .args([
            "call",
            "twilio-output",
            "2.1",
            "send_sms",
            "--auth-id",
            AUTH_ID,
        ])
        .args(["--input", r#"{"to": "+1555"}"#])
        .assert()
        .code(1)
        .stdout("");
    let stderr = text(&output.get_output().stderr);
    assert!(
        stderr.starts_with("error: Tray API error 400: Connector input validation failed"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn misspelt_operation_names_the_closest_operations() {
    let api = Api::start();
    let call = |operation: &str| {
        let output = api
            .command()
            .args([
                "call",
                "twilio-output",
                "2.1",
                operation,
                "--auth-id",
                AUTH_ID,
            ])
            .assert()
            .code(1)
            .stdout("");
        text(&output.get_output().stderr)
    };
    // Tray's answer to an unknown operation is a generic "connector unexpectedly failed";
    // the CLI lists the connector's operations to say what was meant.
    let stderr = call("sned_sms");
    assert_eq!(
        stderr,
        "error: twilio-output 2.1 has no operation `sned_sms`; did you mean `send_sms`? \
         (`tray-connect operations twilio-output 2.1` lists them)\n"
    );
    let stderr = call("zzz");
    assert_eq!(
        stderr,
        "error: twilio-output 2.1 has no operation `zzz`; \
         `tray-connect operations twilio-output 2.1` lists them\n"
    );
}

#[test]
fn third_party_failure_of_a_real_operation_is_reported_as_is() {
    let api = Api::start();
    api.emulator.inject(
        tray_connect_emulator::Fault::ThirdPartyError(json!({"message": "Number blocked"})),
        tray_connect_emulator::Scope::Next(1),
    );
    api.command()
        .args([
            "call",
            "twilio-output",
            "2.1",
            "send_sms",
            "--auth-id",
            AUTH_ID,
        ])
        .args([
            "--input",
            r#"{"to": "+1555", "from": "+1666", "body": "hi"}"#,
        ])
        .assert()
        .code(1)
        .stderr("error: connector returned outcome \"error\": Number blocked\n");
}

#[test]
fn invalid_input_json_is_a_usage_error() {
    let api = Api::start();
    api.command()
        .args([
            "call",
            "twilio-output",
            "2.1",
            "send_sms",
            "--auth-id",
            AUTH_ID,
        ])
        .args(["--input", "{not json"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "error: --input is not valid JSON",
        ));
    assert!(api.emulator.calls().is_empty());
}

#[test]
fn missing_token_is_a_usage_error() {
    let api = Api::start();
    bare_command()
        .arg("--api-url")
        .arg(api.emulator.base_url())
        .arg("connectors")
        .assert()
        .code(2)
        .stderr("error: no token: pass --token or set TRAY_TOKEN\n");
}

#[test]
fn wrong_token_is_reported_as_the_api_says() {
    let api = Api::start();
    bare_command()
        .arg("--api-url")
        .arg(api.emulator.base_url())
        .args(["--token", "wrong", "connectors"])
        .assert()
        .code(1)
        .stderr("error: Tray API error 401: The request is unauthorized\n");
}

#[test]
fn token_and_url_come_from_the_environment() {
    let api = Api::start();
    bare_command()
        .env("TRAY_API_URL", api.emulator.base_url())
        .env("TRAY_TOKEN", TOKEN)
        .arg("connectors")
        .assert()
        .success()
        .stdout(predicate::str::contains("twilio-output"));
}

#[test]
fn bad_region_and_bad_flags_are_usage_errors() {
    bare_command()
        .args(["--token", "t", "--region", "mars", "connectors"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown region `mars`"));
    bare_command()
        .args(["connectors", "--no-such-flag"])
        .assert()
        .code(2);
    bare_command()
        .args(["operations", "only-a-name"])
        .assert()
        .code(2);
    bare_command().arg("frobnicate").assert().code(2);
    // A plain-http URL on a public host would send the token in clear text.
    bare_command()
        .args([
            "--token",
            "t",
            "--api-url",
            "http://example.com",
            "connectors",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with("error: invalid configuration"));
}

#[test]
fn every_subcommand_has_help_with_an_example() {
    for subcommand in [
        "connectors",
        "operations",
        "call",
        "generate",
        "serve",
        "pull",
        "check",
        "triggers",
        "trigger-operations",
        "subscriptions",
        "subscription",
        "subscribe",
        "unsubscribe",
        "deliver",
        "listen",
    ] {
        bare_command()
            .args([subcommand, "--help"])
            .assert()
            .success()
            .stdout(predicate::str::contains("Example"))
            .stdout(predicate::str::contains(format!(
                "tray-connect {subcommand}"
            )));
    }
}

#[test]
fn pull_writes_the_document_with_its_header_byte_identical_on_repull() {
    let api = Api::start();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("vendor/twilio.json");
    api.command()
        .args(["pull", "twilio-output", "2.1", "-o"])
        .arg(&file)
        .assert()
        .success()
        .stderr(predicate::str::contains("3 operations"));
    let first = std::fs::read(&file).unwrap();
    // The emulator serves schemas/twilio-output.json, itself a pulled document: same bytes back.
    assert_eq!(
        first,
        std::fs::read(workspace_file("schemas/twilio-output.json")).unwrap()
    );
    api.command()
        .args(["pull", "twilio-output", "2.1", "-o"])
        .arg(&file)
        .assert()
        .success();
    assert_eq!(first, std::fs::read(&file).unwrap());
}

#[test]
fn pull_several_writes_default_files_with_plain_progress_lines() {
    let api = Api::start();
    let dir = tempfile::tempdir().unwrap();
    let output = api
        .command()
        .current_dir(dir.path())
        .args(["pull", "twilio-output@2.1", "echo@1.2"])
        .assert()
        .success();
    let stderr = text(&output.get_output().stderr);
    assert_eq!(stderr.lines().count(), 2, "{stderr}");
    assert!(
        stderr.contains("wrote schemas/twilio-output.json"),
        "{stderr}"
    );
    let echo: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("schemas/echo.json")).unwrap())
            .unwrap();
    assert_eq!(echo["connector"]["version"], "1.2");
    assert_eq!(echo["connector"]["title"], "Echo (old)");
    let keys: Vec<&String> = echo.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["connector", "elements"]);
}

#[test]
fn pull_of_an_unknown_connector_fails_and_writes_nothing() {
    let api = Api::start();
    let dir = tempfile::tempdir().unwrap();
    api.command()
        .current_dir(dir.path())
        .args(["pull", "nope", "1.0"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "connector nope version 1.0 is not among",
        ));
    assert!(!dir.path().join("schemas").exists());
}

#[test]
fn pull_of_an_unlisted_version_names_the_versions_that_are_listed() {
    let api = Api::start();
    let dir = tempfile::tempdir().unwrap();
    api.command()
        .current_dir(dir.path())
        .args(["pull", "echo", "2.0"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("echo has version(s) 1.2, 1.10"));
    assert!(!dir.path().join("schemas").exists());
}

#[test]
fn pull_arguments_are_checked() {
    bare_command()
        .args(["--token", "t", "pull", "a@1", "b@2", "-o", "x.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("needs exactly one connector"));
    bare_command()
        .args(["--token", "t", "pull", "a", "b", "c"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "expected NAME VERSION or NAME@VERSION",
        ));
}

#[test]
fn check_of_unchanged_documents_exits_0() {
    let api = Api::start();
    api.command()
        .arg("check")
        .arg(workspace_file("schemas"))
        .arg(fixture("echo-1.2.json"))
        .assert()
        .success()
        .stdout(predicate::str::contains("twilio-output 2.1"))
        .stdout(predicate::str::contains("up to date"));
}

#[test]
fn check_reports_drift_on_a_modified_document() {
    let api = Api::start();
    let dir = tempfile::tempdir().unwrap();
    let mut document: Value = serde_json::from_slice(
        &std::fs::read(workspace_file("schemas/twilio-output.json")).unwrap(),
    )
    .unwrap();
    let elements = document["elements"].as_array_mut().unwrap();
    // The vendored copy lacks `from` as a required input and has an operation the API dropped,
    // and its get_message has an older title.
    let send_sms = &mut elements[0];
    send_sms["inputSchema"]["required"] = json!(["to", "body"]);
    elements.push(json!({"name": "old_operation", "inputSchema": {}}));
    elements[1]["title"] = json!("Old title");
    let file = dir.path().join("twilio.json");
    std::fs::write(&file, serde_json::to_string_pretty(&document).unwrap()).unwrap();

    let output = api.command().arg("check").arg(&file).assert().code(1);
    let stdout = text(&output.get_output().stdout);
    assert!(
        stdout.contains("drift (2 breaking, 1 non-breaking)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("send_sms: input `from` is now required"),
        "{stdout}"
    );
    assert!(
        stdout.contains("operation `old_operation` removed"),
        "{stdout}"
    );
    assert!(
        stdout.contains("get_message: documentation or other non-type changes (title)"),
        "{stdout}"
    );

    let output = api
        .command()
        .arg("check")
        .arg(&file)
        .arg("--json")
        .assert()
        .code(1);
    let report: Value = serde_json::from_slice(&output.get_output().stdout).unwrap();
    assert_eq!(report[0]["status"], "drift");
    assert_eq!(report[0]["breaking"].as_array().unwrap().len(), 2);
}

#[test]
fn check_of_a_connector_the_api_no_longer_serves_could_not_check() {
    let api = Api::start();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("gone.json");
    std::fs::write(
        &file,
        r#"{"connector": {"name": "gone", "version": "1"}, "elements": []}"#,
    )
    .unwrap();
    api.command()
        .arg("check")
        .arg(&file)
        .assert()
        .code(3)
        .stdout(predicate::str::contains(
            "could not check: the API does not serve gone 1 (Tray API error 404",
        ))
        .stderr("error: 1 of 1 document(s) could not be checked\n");
}

#[test]
fn check_of_a_headerless_file_could_not_check_and_says_how_to_add_the_header() {
    let api = Api::start();
    api.command()
        .arg("check")
        .arg(fixture("headerless.json"))
        .assert()
        .code(3)
        .stdout(predicate::str::contains(
            "headerless.json: could not check: no connector header",
        ))
        .stdout(predicate::str::contains("\"connector\": {\"name\""));
}
