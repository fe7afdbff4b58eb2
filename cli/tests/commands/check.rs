//! `tray-connect check` as CI uses it: every document reported whatever happens to the
//! others, and an exit code for each outcome (0 up to date, 1 drift, 2 usage, 3 could not check).

use std::path::{Path, PathBuf};

use crate::support::{Api, bare_command, fixture, text, workspace_file};
use predicates::prelude::*;
use serde_json::{Value, json};

fn twilio() -> Value {
    serde_json::from_slice(&std::fs::read(workspace_file("schemas/twilio-output.json")).unwrap())
        .unwrap()
}

fn write(dir: &Path, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

fn write_json(dir: &Path, name: &str, document: &Value) -> PathBuf {
    write(dir, name, serde_json::to_vec_pretty(document).unwrap())
}

/// The `--json` report of `check` with these arguments, and its exit code.
fn json_report(api: &Api, args: &[&std::ffi::OsStr]) -> (Value, i32) {
    let output = api
        .command()
        .arg("check")
        .args(args)
        .arg("--json")
        .output()
        .unwrap();
    let report = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", text(&output.stdout)));
    (report, output.status.code().unwrap())
}

#[test]
fn exit_0_when_every_document_is_up_to_date() {
    let api = Api::start();
    api.command()
        .arg("check")
        .arg(workspace_file("schemas"))
        .arg(fixture("echo-1.2.json"))
        .assert()
        .code(0)
        .stdout(predicate::str::contains("twilio-output 2.1"))
        .stdout(predicate::str::contains("echo 1.2"))
        // A trigger document is compared with List Trigger Operations.
        .stdout(predicate::str::contains("gosquared-trigger 1.0"))
        .stdout(predicate::str::contains(
            "3 document(s): 3 up to date, 0 with drift, 0 could not be checked",
        ))
        .stderr("");
}

#[test]
fn exit_3_reports_every_document_when_some_cannot_be_checked() {
    let api = Api::start();
    let dir = tempfile::tempdir().unwrap();
    let text_of_twilio =
        std::fs::read_to_string(workspace_file("schemas/twilio-output.json")).unwrap();
    // The files are checked in name order: a good one among broken ones, and a drifted one.
    write(dir.path(), "a-good.json", &text_of_twilio);
    write(
        dir.path(),
        "b-truncated.json",
        &text_of_twilio[..text_of_twilio.len() / 2],
    );
    write(dir.path(), "c-binary.json", [0u8, 159, 146, 150, 255, 1, 2]);
    std::fs::copy(
        fixture("headerless.json"),
        dir.path().join("d-headerless.json"),
    )
    .unwrap();
    write(
        dir.path(),
        "e-gone.json",
        r#"{"connector": {"name": "gone", "version": "1"}, "elements": [{"name": "x"}]}"#,
    );
    let mut drifted = twilio();
    drifted["elements"][0]["inputSchema"]["required"] = json!(["to", "body"]);
    write_json(dir.path(), "f-drifted.json", &drifted);

    let output = api.command().arg("check").arg(dir.path()).assert().code(3);
    let stdout = text(&output.get_output().stdout);
    let lines: Vec<&str> = stdout.lines().filter(|l| !l.starts_with(' ')).collect();
    assert_eq!(lines.len(), 7, "{stdout}");
    assert!(lines[0].ends_with("a-good.json): up to date"), "{stdout}");
    assert!(
        lines[1].contains("b-truncated.json: could not check: invalid JSON"),
        "{stdout}"
    );
    assert!(
        lines[2].contains("c-binary.json: could not check: cannot read it"),
        "{stdout}"
    );
    assert!(
        lines[3].contains("d-headerless.json: could not check: no connector header"),
        "{stdout}"
    );
    assert!(
        lines[4].contains("e-gone.json): could not check: the API does not serve gone 1"),
        "{stdout}"
    );
    assert!(
        lines[5].contains("f-drifted.json): drift (1 breaking, 0 non-breaking)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("send_sms: input `from` is now required"),
        "{stdout}"
    );
    assert_eq!(
        lines[6],
        "6 document(s): 1 up to date, 1 with drift, 4 could not be checked"
    );
    assert_eq!(
        text(&output.get_output().stderr),
        "error: 4 of 6 document(s) could not be checked\n"
    );

    let (report, code) = json_report(&api, &[dir.path().as_os_str()]);
    assert_eq!(code, 3);
    let statuses: Vec<(&str, &str)> = report
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["status"].as_str().unwrap(),
                d["reason"].as_str().unwrap_or("-"),
            )
        })
        .collect();
    assert_eq!(
        statuses,
        [
            ("equal", "-"),
            ("error", "unreadable"),
            ("error", "unreadable"),
            ("error", "headerless"),
            ("error", "not_upstream"),
            ("drift", "-"),
        ]
    );
    assert_eq!(report[4]["connector"], "gone");
    assert!(
        report[1]["error"].as_str().unwrap().contains("line"),
        "{report}"
    );
}

#[test]
fn exit_3_when_the_api_refuses_the_token_and_every_document_says_so() {
    let api = Api::start();
    let output = bare_command()
        .arg("--api-url")
        .arg(api.emulator.base_url())
        .args(["--token", "wrong", "check"])
        .arg(workspace_file("schemas/twilio-output.json"))
        .arg(fixture("echo-1.2.json"))
        .assert()
        .code(3);
    let stdout = text(&output.get_output().stdout);
    assert_eq!(
        stdout
            .matches("could not check: Tray API error 401")
            .count(),
        2,
        "{stdout}"
    );
}

#[test]
fn exit_1_on_drift_and_fail_on_breaking_lets_documentation_changes_pass() {
    let api = Api::start();
    let dir = tempfile::tempdir().unwrap();
    let mut docs_only = twilio();
    docs_only["elements"][0]["description"] = json!("An older description");
    docs_only["elements"][0]["inputSchema"]["properties"]["body"]["title"] = json!("Text");
    let docs_only = write_json(dir.path(), "docs-only.json", &docs_only);

    for fail_on in [None, Some("any")] {
        let mut command = api.command();
        command.arg("check").arg(&docs_only);
        if let Some(fail_on) = fail_on {
            command.args(["--fail-on", fail_on]);
        }
        command.assert().code(1);
    }
    let output = api
        .command()
        .arg("check")
        .arg(&docs_only)
        .args(["--fail-on", "breaking"])
        .assert()
        .code(0);
    let stdout = text(&output.get_output().stdout);
    // Passing does not mean silent: the changes are still listed.
    assert!(
        stdout.contains("drift (0 breaking, 2 non-breaking)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("send_sms: documentation or other non-type changes (description)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("send_sms: documentation of input `body` changed (title)"),
        "{stdout}"
    );

    let mut breaking = twilio();
    breaking["elements"][0]["inputSchema"]["required"] = json!(["to", "body"]);
    let breaking = write_json(dir.path(), "breaking.json", &breaking);
    api.command()
        .arg("check")
        .arg(&breaking)
        .args(["--fail-on", "breaking"])
        .assert()
        .code(1);
}

#[test]
fn documentation_changes_are_listed_next_to_breaking_changes_of_the_same_operation() {
    let api = Api::start();
    let dir = tempfile::tempdir().unwrap();
    let mut document = twilio();
    let send_sms = &mut document["elements"][0];
    send_sms["inputSchema"]["required"] = json!(["to", "body"]);
    send_sms["title"] = json!("Send a text");
    send_sms["inputSchema"]["properties"]["to"]["description"] = json!("Who gets it");
    let file = write_json(dir.path(), "twilio.json", &document);

    let output = api.command().arg("check").arg(&file).assert().code(1);
    let stdout = text(&output.get_output().stdout);
    assert!(
        stdout.contains("drift (1 breaking, 2 non-breaking)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("send_sms: input `from` is now required"),
        "{stdout}"
    );
    assert!(
        stdout.contains("send_sms: documentation or other non-type changes (title)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("send_sms: documentation of input `to` changed (description)"),
        "{stdout}"
    );

    let (report, code) = json_report(&api, &[file.as_os_str()]);
    assert_eq!(code, 1);
    assert_eq!(report[0]["status"], "drift");
    let breaking = report[0]["breaking"].as_array().unwrap();
    assert_eq!(breaking.len(), 1, "{report}");
    assert!(
        breaking[0]
            .as_str()
            .unwrap()
            .starts_with("send_sms: input `from` is now required: `.build()` compiles only once"),
        "{report}"
    );
    assert_eq!(
        report[0]["nonBreaking"].as_array().unwrap().len(),
        2,
        "{report}"
    );
    // The same changes as data: what a CI script filters on.
    assert_eq!(
        report[0]["changes"][0],
        json!({"operation": "send_sms", "path": "SendSms.from", "kind": "now_required",
               "breaking": true, "text": breaking[0]})
    );
    let docs: Vec<(&str, &str)> = report[0]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .skip(1)
        .map(|c| (c["kind"].as_str().unwrap(), c["path"].as_str().unwrap()))
        .collect();
    assert_eq!(docs, [("docs", "SendSms"), ("docs", "SendSms.to")]);
}

#[test]
fn exit_2_on_usage_problems() {
    let api = Api::start();
    let empty = tempfile::tempdir().unwrap();
    // No token.
    bare_command()
        .arg("--api-url")
        .arg(api.emulator.base_url())
        .arg("check")
        .arg(workspace_file("schemas"))
        .assert()
        .code(2)
        .stderr("error: no token: pass --token or set TRAY_TOKEN\n");
    // No documents to check.
    api.command()
        .arg("check")
        .arg(empty.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no .json documents in"));
    // No schemas folder where it runs, and no paths given.
    api.command()
        .current_dir(empty.path())
        .arg("check")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no schemas folder here"));
    // A bad flag value.
    api.command()
        .args(["check", "--fail-on", "sometimes"])
        .assert()
        .code(2);
}

/// One drift case: the vendored elements, the live ones, and the change `check` must report.
struct Case {
    vendored: Value,
    live: Value,
    kind: &'static str,
    breaking: bool,
    path: &'static str,
    text: &'static str,
}

fn send_sms(input: Value, output: Value) -> Value {
    json!([{"name": "send_sms", "inputSchema": input, "outputSchema": output}])
}

fn object(properties: Value, required: &[&str]) -> Value {
    json!({"type": "object", "properties": properties, "required": required})
}

#[test]
fn each_drift_is_classified_by_what_it_does_to_the_generated_code() {
    let string = json!({"type": "string"});
    let status = |values: Value| {
        send_sms(
            json!({}),
            object(json!({"status": {"type": "string", "enum": values}}), &[]),
        )
    };
    let get_rows = json!({"name": "get_rows", "inputSchema": object(
        json!({"filter": {"type": "object", "properties": {"column": {"type": "string"}}}}), &[])});
    let cases = [
        // `CAMEL_CASE` sorts first, so it takes `camel_case`: the JSON only gained a sibling.
        Case {
            vendored: send_sms(object(json!({"camelCase": string}), &[]), json!({})),
            live: send_sms(
                object(json!({"camelCase": string, "CAMEL_CASE": string}), &[]),
                json!({}),
            ),
            kind: "renamed",
            breaking: true,
            path: "SendSms.camel_case",
            text: "send_sms: `SendSms.camel_case` (input `camelCase`) is renamed \
                   `SendSms.camel_case_2`; `SendSms.camel_case` now stands for input `CAMEL_CASE`",
        },
        // An operation named `get_rows_filter` takes `GetRowsFilter` from the nested type.
        Case {
            vendored: json!([get_rows]),
            live: json!([get_rows, {"name": "get_rows_filter"}]),
            kind: "renamed",
            breaking: true,
            path: "GetRowsFilter",
            text: "get_rows: type `GetRowsFilter` (input `filter`) is renamed `GetRowsFilter2`",
        },
        Case {
            vendored: send_sms(object(json!({"to": string}), &["to"]), json!({})),
            live: send_sms(
                object(json!({"to": string, "channel": string}), &["to", "channel"]),
                json!({}),
            ),
            kind: "required_input_added",
            breaking: true,
            path: "SendSms.channel",
            text: "send_sms: required input `channel` added: `.build()` compiles only once \
                   `.channel(..)` is set",
        },
        Case {
            vendored: send_sms(object(json!({"to": string}), &["to"]), json!({})),
            live: send_sms(object(json!({"to": string}), &[]), json!({})),
            kind: "now_optional",
            breaking: true,
            path: "SendSms.to",
            text: "send_sms: input `to` is no longer required: `SendSms.to` is `Option<String>`, \
                   was `String`",
        },
        Case {
            vendored: send_sms(
                json!({}),
                object(json!({"sid": string, "uri": string}), &[]),
            ),
            live: send_sms(json!({}), object(json!({"uri": string}), &[])),
            kind: "removed",
            breaking: true,
            path: "SendSmsOutput.sid",
            text: "send_sms: output `sid` removed (`SendSmsOutput.sid`)",
        },
        Case {
            vendored: status(json!(["queued", "sent"])),
            live: status(json!(["queued"])),
            kind: "variant_removed",
            breaking: true,
            path: "SendSmsOutputStatus::Sent",
            text: "send_sms: value \"sent\" of output `status` removed",
        },
        Case {
            vendored: status(json!(["queued"])),
            live: status(json!(["queued", "failed"])),
            kind: "variant_added",
            breaking: true,
            path: "SendSmsOutputStatus::Failed",
            text: "generated enums are exhaustive, so a `match` on `SendSmsOutputStatus` \
                   without a `_` arm stops compiling",
        },
        Case {
            vendored: send_sms(
                object(json!({"to": {"type": "string", "title": "To"}}), &[]),
                json!({}),
            ),
            live: send_sms(
                object(json!({"to": {"type": "string", "title": "Recipient"}}), &[]),
                json!({}),
            ),
            kind: "docs",
            breaking: false,
            path: "SendSms.to",
            text: "send_sms: documentation of input `to` changed (title)",
        },
    ];
    // One emulator serves each case's live document as connector `case-N`; the vendored
    // documents, one file each, are checked in one run.
    let served = tempfile::tempdir().unwrap();
    let vendored = tempfile::tempdir().unwrap();
    let mut live_files = Vec::new();
    for (n, case) in cases.iter().enumerate() {
        let header = json!({"name": format!("case-{n}"), "version": "1.0"});
        live_files.push(write_json(
            served.path(),
            &format!("case-{n}.json"),
            &json!({"connector": header, "elements": case.live}),
        ));
        write_json(
            vendored.path(),
            &format!("case-{n}.json"),
            &json!({"connector": header, "elements": case.vendored}),
        );
    }
    let api = Api::with_documents(&live_files);
    let (report, code) = json_report(&api, &[vendored.path().as_os_str()]);
    assert_eq!(code, 1, "{report}");
    let output = api
        .command()
        .arg("check")
        .arg(vendored.path())
        .assert()
        .code(1);
    let stdout = text(&output.get_output().stdout);
    for (n, case) in cases.iter().enumerate() {
        let entry = &report[n];
        assert_eq!(entry["connector"], format!("case-{n}"), "{report}");
        let changes = entry["changes"].as_array().unwrap();
        let change = changes
            .iter()
            .find(|c| c["kind"] == case.kind && c["path"] == case.path)
            .unwrap_or_else(|| panic!("case {n}: no {} of {}: {entry:#}", case.kind, case.path));
        assert_eq!(change["breaking"], case.breaking, "case {n}: {change}");
        let said = change["text"].as_str().unwrap();
        assert!(said.contains(case.text), "case {n}: {said}");
        // Listed under the heading of its class in the text report too.
        let list = if case.breaking {
            "breaking"
        } else {
            "nonBreaking"
        };
        assert!(
            entry[list].as_array().unwrap().contains(&json!(said)),
            "case {n}"
        );
        assert!(stdout.contains(said), "case {n}: {stdout}");
        // Nothing breaking where the case is not.
        if !case.breaking {
            assert_eq!(entry["breaking"], json!([]), "case {n}: {entry:#}");
        }
    }
    // A required input made optional fails `--fail-on breaking` (it used to pass).
    api.command()
        .arg("check")
        .arg(vendored.path().join("case-3.json"))
        .args(["--fail-on", "breaking"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "drift (1 breaking, 0 non-breaking)",
        ));
    // Only the documentation change passes `--fail-on breaking`.
    let docs_only = vendored
        .path()
        .join(format!("case-{}.json", cases.len() - 1));
    api.command()
        .arg("check")
        .arg(&docs_only)
        .args(["--fail-on", "breaking"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "drift (0 breaking, 1 non-breaking)",
        ));
}

#[test]
fn a_trigger_document_is_checked_against_list_trigger_operations() {
    let api = Api::start();
    let trigger = workspace_file("schemas/gosquared-trigger.json");
    api.command()
        .arg("check")
        .arg(&trigger)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("gosquared-trigger 1.0 ("))
        .stdout(predicate::str::contains("): up to date"));
    let (report, code) = json_report(&api, &[trigger.as_os_str()]);
    assert_eq!(code, 0);
    assert_eq!(report[0]["kind"], "trigger");
    assert_eq!(report[0]["trigger"], "gosquared-trigger");
    assert_eq!(report[0]["status"], "equal");

    // Vendored before `value` was required, and before the event had `boundary`.
    let dir = tempfile::tempdir().unwrap();
    let mut older: Value = serde_json::from_slice(&std::fs::read(&trigger).unwrap()).unwrap();
    let entered = &mut older["elements"][0];
    entered["inputSchema"]["required"] = json!(["api_key", "site_token", "url"]);
    entered["outputSchema"]["properties"]
        .as_object_mut()
        .unwrap()
        .remove("boundary");
    let older = write_json(dir.path(), "gosquared-trigger.json", &older);
    let output = api.command().arg("check").arg(&older).assert().code(1);
    let stdout = text(&output.get_output().stdout);
    assert!(
        stdout.contains("drift (1 breaking, 1 non-breaking)"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "entered_smart_group_init: input `value` is now required: `.build()` compiles only \
             once `.value(..)` is set"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "entered_smart_group_init: event `boundary` added \
             (`EnteredSmartGroupInitEvent.boundary: Option<String>`)"
        ),
        "{stdout}"
    );
    // A trigger the API does not serve is not looked for among connectors.
    let gone = write(
        dir.path(),
        "gone.json",
        r#"{"trigger": {"name": "twilio-output", "version": "2.1"}, "elements": [{"name": "x"}]}"#,
    );
    api.command()
        .arg("check")
        .arg(&gone)
        .assert()
        .code(3)
        .stdout(predicate::str::contains(
            "could not check: the API does not serve twilio-output 2.1 (Tray API error 404: \
             Trigger 'twilio-output' with version '2.1' not found); see `tray-connect triggers --all`",
        ));
}
