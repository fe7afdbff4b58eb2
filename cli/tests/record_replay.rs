//! `tray-connect record` and replay, end to end: calls recorded through the proxy against an
//! emulator as the upstream (on 127.0.0.1; nothing reaches the network), replayed with the
//! upstream gone, byte for byte; no recorded file holds the token, an authId or a password;
//! outputs that depart from the `outputSchema` reported with their JSON pointers when recording
//! and when replaying; text from the network escaped on the terminal.

mod support;

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use support::{AUTH_ID, Running};
use tray_connect_emulator::{Emulator, EmulatorBuilder, Fault, Scope};

/// The upstream's token: long and unlike any word a fixture holds, so a grep finds only it.
const TOKEN: &str = "tok-live-5f3a9c1e77d2b4";
/// A second authId, as a client with two authentications sends.
const OTHER_AUTH_ID: &str = "0d6d5ec4-9a1f-4f0a-8a4b-6a3e8f4f1c11";

/// A connector with password inputs (one nested, one through a `$ref`) and an output of
/// `id` (integer) and `name` (string), no other member.
const VAULT: &str = r##"{
  "connector": {"name": "vault", "version": "1.0"},
  "elements": [{
    "name": "store",
    "inputSchema": {
      "type": "object",
      "required": ["name"],
      "definitions": {"secret": {"type": "string", "format": "password"}},
      "properties": {
        "name": {"type": "string"},
        "password": {"type": "string", "format": "password"},
        "credentials": {"type": "object", "properties": {"api_key": {"$ref": "#/definitions/secret"}}}
      }
    },
    "outputSchema": {
      "type": "object",
      "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}
    }
  }]
}"##;

/// A folder (with a space in its path) holding the vault document and twilio-output's.
fn documents(root: &Path) -> PathBuf {
    let dir = root.join("vendored documents");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("vault.json"), VAULT).unwrap();
    std::fs::copy(
        support::workspace_file("schemas/twilio-output.json"),
        dir.join("twilio-output.json"),
    )
    .unwrap();
    dir
}

/// What a test starts from: a temporary folder (a space in its name) holding the documents,
/// the folder fixtures go to, and a runtime for the emulators and the HTTP client.
struct Setup {
    dir: tempfile::TempDir,
    documents: PathBuf,
    out: PathBuf,
    runtime: tokio::runtime::Runtime,
}

fn setup() -> Setup {
    let dir = tempfile::Builder::new()
        .prefix("record me ")
        .tempdir()
        .unwrap();
    let documents = documents(dir.path());
    let out = dir.path().join("recorded fixtures");
    Setup {
        dir,
        documents,
        out,
        runtime: runtime(),
    }
}

impl Setup {
    /// An emulator builder serving these documents of the folder.
    fn serving(&self, names: &[&str]) -> EmulatorBuilder {
        names.iter().fold(Emulator::builder(), |builder, name| {
            builder.document(self.documents.join(name))
        })
    }

    /// The upstream: an emulator wanting `TOKEN`, serving these documents.
    fn upstream(&self, names: &[&str]) -> Emulator {
        self.start(self.serving(names).token(TOKEN))
    }

    /// A replay of the recorded fixtures, serving these documents.
    fn replay(&self, names: &[&str]) -> Emulator {
        self.start(self.serving(names).replay(&self.out))
    }

    fn start(&self, builder: EmulatorBuilder) -> Emulator {
        self.runtime.block_on(builder.start()).unwrap()
    }
}

/// A runtime for the emulators and the HTTP client of a test.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap()
}

/// Starts `record` in front of `upstream`; returns it and its URL.
fn record(upstream: &str, out: &Path, documents: &Path) -> (Running, String) {
    record_with(upstream, out, documents, &[])
}

/// [`record`] with more arguments.
fn record_with(upstream: &str, out: &Path, documents: &Path, more: &[&str]) -> (Running, String) {
    let mut args: Vec<&std::ffi::OsStr> = vec![
        "record".as_ref(),
        "--upstream".as_ref(),
        upstream.as_ref(),
        "--out".as_ref(),
        out.as_os_str(),
        "--documents".as_ref(),
        documents.as_os_str(),
    ];
    args.extend(more.iter().map(std::ffi::OsStr::new));
    let recorder = Running::start(args);
    let lines = recorder.stdout_until("Press Ctrl-C");
    let url = lines[0]
        .split_whitespace()
        .find(|word| word.starts_with("http://127.0.0.1:"))
        .expect("the proxy's URL")
        .trim_end_matches(',')
        .to_owned();
    (recorder, url)
}

/// One Call Connector request: its path and body.
struct Call {
    path: &'static str,
    body: String,
}

/// 50 calls: 40 of vault (each with its own passwords, two authIds), 10 of twilio-output.
fn fifty_calls() -> Vec<Call> {
    let mut calls = Vec::new();
    for i in 0..40 {
        let auth_id = if i % 2 == 0 { AUTH_ID } else { OTHER_AUTH_ID };
        let body = json!({
            "operation": "store",
            "authId": auth_id,
            "input": {
                "name": format!("item-{i}"),
                "password": format!("pw-{i}-hunter2-secret"),
                "credentials": {"api_key": format!("key-{i}-0123456789")}
            }
        });
        calls.push(Call {
            path: "/core/v1/connectors/vault/versions/1.0/call",
            body: body.to_string(),
        });
    }
    for i in 0..10 {
        let body = json!({
            "operation": "send_sms",
            "authId": AUTH_ID,
            "input": {"to": format!("+1555000{i:04}"), "from": "+15557654321", "body": "hi"}
        });
        calls.push(Call {
            path: "/core/v1/connectors/twilio-output/versions/2.1/call",
            body: body.to_string(),
        });
    }
    calls
}

/// Sends `calls` in order to `base`; each answer's status and bytes.
fn send(runtime: &tokio::runtime::Runtime, base: &str, calls: &[Call]) -> Vec<(u16, Vec<u8>)> {
    runtime.block_on(async {
        let client = reqwest::Client::new();
        let mut answers = Vec::new();
        for call in calls {
            let response = client
                .post(format!("{base}{}", call.path))
                .header("authorization", format!("Bearer {TOKEN}"))
                .header("content-type", "application/json")
                .body(call.body.clone())
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            answers.push((status, response.bytes().await.unwrap().to_vec()));
        }
        answers
    })
}

/// The fixture files of `out`, by name.
fn fixture_files(out: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(out)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    files
}

#[test]
fn fifty_recorded_calls_replay_byte_identical_with_no_secret_in_any_file() {
    let setup = setup();
    let Setup {
        documents,
        out,
        runtime,
        ..
    } = &setup;
    let upstream = setup.upstream(&["vault.json", "twilio-output.json"]);
    upstream.respond_with(
        "vault",
        "store",
        |input| json!({"id": input["name"].as_str().map_or(0, str::len), "name": input["name"]}),
    );
    let (recorder, proxy) = record(&upstream.base_url(), out, documents);
    let calls = fifty_calls();
    let recorded = send(runtime, &proxy, &calls);
    assert!(recorded.iter().all(|(status, _)| *status == 200));
    // Each exchange prints a line once its file is written.
    for _ in 0..calls.len() {
        let line = recorder.stdout_until("recorded ").pop().unwrap();
        assert!(
            line.contains(" of vault 1.0, HTTP 200")
                || line.contains(" of twilio-output 2.1, HTTP 200"),
            "{line}"
        );
    }
    // The upstream saw what the client sent, the token passed through.
    assert_eq!(upstream.calls().len(), 50);
    assert_eq!(upstream.calls()[1].auth_id.as_deref(), Some(OTHER_AUTH_ID));
    drop(recorder);
    drop(upstream);

    let files = fixture_files(out);
    assert_eq!(files.len(), 50, "{files:?}");
    let mut secrets = vec![
        TOKEN.to_owned(),
        AUTH_ID.to_owned(),
        OTHER_AUTH_ID.to_owned(),
    ];
    for i in 0..40 {
        secrets.push(format!("pw-{i}-hunter2-secret"));
        secrets.push(format!("key-{i}-0123456789"));
    }
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for secret in &secrets {
            assert!(
                !text.contains(secret.as_str()),
                "{} holds {secret}",
                file.display()
            );
        }
        assert!(text.contains("\"outputCheck\""));
    }
    let last: Value = serde_json::from_str(&std::fs::read_to_string(&files[49]).unwrap()).unwrap();
    assert_eq!(last["request"]["authId"], "<redacted>");
    assert_eq!(last["request"]["input"]["password"], "<redacted>");
    assert_eq!(
        last["request"]["input"]["credentials"]["api_key"],
        "<redacted>"
    );
    assert_eq!(last["outputCheck"]["result"], "fits");

    // The upstream is gone: the replay answers alone, byte for byte.
    let replay = setup.replay(&["vault.json", "twilio-output.json"]);
    assert_eq!(replay.replay_len(), 50);
    let replayed = send(runtime, &replay.base_url(), &calls);
    for (i, (recorded, replayed)) in recorded.iter().zip(&replayed).enumerate() {
        assert_eq!(recorded, replayed, "call {i}");
    }
    assert!(replay.replay_mismatches().is_empty());

    // An input no recording has: a 404 naming the closest one and the difference.
    let other = Call {
        path: "/core/v1/connectors/vault/versions/1.0/call",
        body: json!({"operation": "store", "input": {"name": "item-999"}}).to_string(),
    };
    let (status, body) = send(runtime, &replay.base_url(), &[other]).remove(0);
    assert_eq!(status, 404);
    let body: Value = serde_json::from_slice(&body).unwrap();
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains("closest recording, vault-1.0-store-"),
        "{message}"
    );
    assert!(message.contains("at /name recorded \"item-"), "{message}");
}

#[test]
fn mismatches_are_printed_by_record_and_reported_by_replay_with_their_pointers() {
    let setup = setup();
    let Setup {
        documents,
        out,
        runtime,
        ..
    } = &setup;
    let upstream = setup.start(setup.serving(&["vault.json"]).token(TOKEN).validate(false));
    // What Tray really gave: a string where the document promises an integer, and a member
    // the document does not list.
    upstream.respond(
        "vault",
        "store",
        json!({"id": "12", "name": "n", "region": "eu"}),
    );
    let (recorder, proxy) = record(&upstream.base_url(), out, documents);
    let call = Call {
        path: "/core/v1/connectors/vault/versions/1.0/call",
        body: json!({"operation": "store", "input": {"name": "n"}}).to_string(),
    };
    let recorded = send(runtime, &proxy, std::slice::from_ref(&call));
    let mut printed = recorder.stdout_until("recorded ");
    printed.extend(recorder.stdout_until("    at /region"));
    let printed = printed.join("\n");
    assert!(
        printed.contains("departs from the outputSchema in 2 place(s)"),
        "{printed}"
    );
    assert!(printed.contains("    at /id: "), "{printed}");
    assert!(
        printed.contains("(the schema says \"type\": \"integer\")"),
        "{printed}"
    );
    drop(recorder);
    // Recording the same traffic again gives the same file, byte for byte.
    let first = std::fs::read(&fixture_files(out)[0]).unwrap();
    let (again, proxy) = record(&upstream.base_url(), out, documents);
    send(runtime, &proxy, std::slice::from_ref(&call));
    again.stdout_until("recorded ");
    drop(again);
    assert_eq!(fixture_files(out).len(), 1);
    assert_eq!(std::fs::read(&fixture_files(out)[0]).unwrap(), first);
    drop(upstream);

    let files = fixture_files(out);
    let fixture: Value =
        serde_json::from_str(&std::fs::read_to_string(&files[0]).unwrap()).unwrap();
    let mismatches = &fixture["outputCheck"]["mismatches"];
    assert_eq!(fixture["outputCheck"]["result"], "mismatches");
    assert_eq!(mismatches[0]["pointer"], "/id");
    assert_eq!(mismatches[0]["promised"], "integer");
    assert_eq!(mismatches[0]["found"], "12");
    assert_eq!(mismatches[1]["pointer"], "/region");

    // Replayed in-process: the same answer, and the mismatches available.
    let replay = setup.replay(&["vault.json"]);
    assert_eq!(
        send(runtime, &replay.base_url(), std::slice::from_ref(&call)),
        recorded
    );
    let found = replay.replay_mismatches();
    let pointers: Vec<&str> = found.iter().map(|m| m.mismatch.pointer.as_str()).collect();
    assert_eq!(pointers, ["/id", "/region"]);
    assert_eq!(found[0].mismatch.keyword, "type");
    assert_eq!(found[0].mismatch.found, Some(json!("12")));
    assert_eq!(found[0].operation, "store");
    assert!(found[0].file.starts_with("vault-1.0-store-"));
    drop(replay);

    // `serve --replay` logs them on stderr when the output is replayed.
    let served = Running::start([
        "serve".as_ref(),
        "--schemas".as_ref(),
        documents.as_os_str(),
        "--replay".as_ref(),
        out.as_os_str(),
    ]);
    let lines = served.stdout_until("Press Ctrl-C");
    assert!(
        lines[1].contains("replaying 1 recorded exchanges"),
        "{lines:?}"
    );
    let url = lines[0].rsplit(' ').next().unwrap().to_owned();
    assert_eq!(send(runtime, &url, std::slice::from_ref(&call)), recorded);
    let warning = served.stderr_line();
    assert!(
        warning.contains("does not fit its outputSchema at /id"),
        "{warning}"
    );
    let warning = served.stderr_line();
    assert!(warning.contains("at /region"), "{warning}");
}

#[test]
fn hostile_names_from_the_network_are_escaped_and_never_a_path() {
    let setup = setup();
    let Setup {
        dir,
        documents,
        out,
        runtime,
    } = &setup;
    let upstream = setup.upstream(&["vault.json"]);
    let (recorder, proxy) = record(&upstream.base_url(), out, documents);
    // ESC ] 0 ; ... BEL retitles a terminal; `../` would climb out of the folder.
    let call = Call {
        path: "/core/v1/connectors/..%2F..%2Fowned%1B%5D0%3Bpwned%07/versions/1.0/call",
        body: json!({"operation": "store", "input": {"name": "n"}}).to_string(),
    };
    let (status, _) = send(runtime, &proxy, std::slice::from_ref(&call)).remove(0);
    assert_eq!(status, 404, "the upstream's answer, passed through");
    let line = recorder.stderr_line();
    assert!(
        line.starts_with("not recorded: a call to ../../owned\\u{1b}]0;pwned\\u{7} 1.0"),
        "{line}"
    );
    assert!(!line.contains('\u{1b}') && !line.contains('\u{7}'));
    assert!(fixture_files(out).is_empty());
    assert!(!dir.path().join("owned").exists());
}

#[test]
fn an_unreachable_upstream_is_a_502_saying_so_and_nothing_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let documents = documents(dir.path());
    let out = dir.path().join("out");
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (recorder, proxy) = record(&format!("http://127.0.0.1:{port}"), &out, &documents);
    let runtime = runtime();
    let call = Call {
        path: "/core/v1/connectors/vault/versions/1.0/call",
        body: json!({"operation": "store", "input": {"name": "n"}}).to_string(),
    };
    let (status, body) = send(&runtime, &proxy, &[call]).remove(0);
    assert_eq!(status, 502);
    let body: Value = serde_json::from_slice(&body).unwrap();
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains("no answer from the upstream to POST /core/v1/connectors/vault"),
        "{message}"
    );
    assert!(
        recorder
            .stderr_line()
            .contains("no answer from the upstream")
    );
    assert!(fixture_files(&out).is_empty());
}

#[test]
fn serve_replay_names_a_malformed_fixture_escaped_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let documents = documents(dir.path());
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(
        out.join("\u{1b}]0;owned\u{7}.json"),
        "{\"trayConnectFixture\": 1,",
    )
    .unwrap();
    let output = support::bare_command()
        .arg("serve")
        .arg("--schemas")
        .arg(&documents)
        .arg("--replay")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = support::text(&output.stderr);
    assert!(stderr.contains("cannot replay "), "{stderr}");
    assert!(
        stderr.contains("\\u{1b}]0;owned\\u{7}.json: not valid JSON (line 1"),
        "{stderr}"
    );
    assert!(
        !stderr.contains('\u{1b}') && !stderr.contains('\u{7}'),
        "{stderr}"
    );
}

#[test]
fn a_hostile_document_name_makes_a_plain_file_name_and_an_escaped_line() {
    let dir = tempfile::tempdir().unwrap();
    let documents = dir.path().join("documents");
    std::fs::create_dir(&documents).unwrap();
    let hostile = json!({
        "connector": {"name": "../../up\u{1b}]0;t\u{7}", "version": "1/0"},
        "elements": [{"name": "op/../x",
            "inputSchema": {"type": "object",
                            "properties": {"p": {"type": "string", "format": "password"}}},
            "outputSchema": {"type": "object", "properties": {"a": {"type": "string"}}}}]
    });
    let path = documents.join("hostile.json");
    std::fs::write(&path, hostile.to_string()).unwrap();
    let out = dir.path().join("out");
    let runtime = runtime();
    let upstream = runtime
        .block_on(Emulator::builder().token(TOKEN).document(&path).start())
        .unwrap();
    let (recorder, proxy) = record(&upstream.base_url(), &out, &documents);
    let call = Call {
        path: "/core/v1/connectors/..%2F..%2Fup%1B%5D0%3Bt%07/versions/1%2F0/call",
        body: json!({"operation": "op/../x", "input": {"p": "s3cret-value"}}).to_string(),
    };
    let recorded = send(&runtime, &proxy, std::slice::from_ref(&call));
    assert_eq!(recorded[0].0, 200);
    let line = recorder.stdout_until("recorded ").pop().unwrap();
    assert!(
        !line.contains('\u{1b}') && !line.contains('\u{7}'),
        "{line}"
    );
    assert!(
        line.contains("op/../x of ../../up\\u{1b}]0;t\\u{7} 1/0"),
        "{line}"
    );
    drop(recorder);
    drop(upstream);
    let files = fixture_files(&out);
    let names: Vec<String> = files
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["_._.._up__0_t_-1_0-op_.._x-001.json"]);
    assert!(
        !std::fs::read_to_string(&files[0])
            .unwrap()
            .contains("s3cret-value")
    );
    let replay = runtime
        .block_on(Emulator::builder().document(&path).replay(&out).start())
        .unwrap();
    assert_eq!(send(&runtime, &replay.base_url(), &[call]), recorded);
}

#[test]
fn a_truncated_or_late_upstream_answer_is_a_502_or_504_saying_so_and_nothing_is_recorded() {
    let setup = setup();
    let Setup {
        documents,
        out,
        runtime,
        ..
    } = &setup;
    let upstream = setup.upstream(&["vault.json"]);
    let (recorder, proxy) = record_with(&upstream.base_url(), out, documents, &["--timeout", "1"]);
    let call = || Call {
        path: "/core/v1/connectors/vault/versions/1.0/call",
        body: json!({"operation": "store", "input": {"name": "n"}}).to_string(),
    };
    // The body stops after 5 of the bytes its Content-Length promised.
    upstream.inject(Fault::Truncate(5), Scope::Next(1));
    let (status, body) = send(runtime, &proxy, &[call()]).remove(0);
    assert_eq!(status, 502);
    let message: Value = serde_json::from_slice(&body).unwrap();
    let message = message["message"].as_str().unwrap();
    assert!(
        message.starts_with("tray-connect record: no answer from the upstream to POST"),
        "{message}"
    );
    assert!(
        recorder
            .stderr_line()
            .contains("no answer from the upstream")
    );
    // No answer within --timeout: the proxy gives up with a 504.
    upstream.inject(Fault::Hang, Scope::Next(1));
    let (status, body) = send(runtime, &proxy, &[call()]).remove(0);
    assert_eq!(status, 504);
    let message: Value = serde_json::from_slice(&body).unwrap();
    assert!(
        message["message"].as_str().unwrap().contains("timed out"),
        "{message}"
    );
    assert!(fixture_files(out).is_empty());
    // The next answer is whole again, and recorded.
    assert_eq!(send(runtime, &proxy, &[call()]).remove(0).0, 200);
    recorder.stdout_until("recorded ");
    assert_eq!(fixture_files(out).len(), 1);
}
