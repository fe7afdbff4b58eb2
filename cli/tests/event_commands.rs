//! Events as a developer meets them: `listen` receiving what the emulator delivers (asked by
//! `deliver`, through a served emulator's own route, or in-process), printing what verifies
//! and refusing what does not; `serve` saying how to make a trigger deliver.

mod support;

use std::path::Path;

use predicates::prelude::*;
use serde_json::{Value, json};
use support::{Api, Running, TOKEN, bare_command, text, workspace_file};
use tray_connect_emulator::{DeliveryFault, Scope};

const OPERATION: &str = "entered_smart_group_init";

/// A port of 127.0.0.1 free a moment ago, for a receiver whose URL a subscription names
/// before it starts.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Subscribes (through `api`) to a `listen` started on a free port; returns the listener,
/// the subscription's id and its key file.
fn listening(api: &Api, dir: &Path) -> (Running, String) {
    let port = free_port();
    let key = dir.join("vip.key");
    api.command()
        .args(["subscribe", "gosquared-trigger", "1.0", OPERATION])
        .args(["--name", "VIPs"])
        .arg("--endpoint")
        .arg(format!("http://127.0.0.1:{port}/tray"))
        .args(["--input", r#"{"value": "vip"}"#])
        .arg("--signing-key-file")
        .arg(&key)
        .assert()
        .success();
    let id = api.emulator.subscriptions().last().unwrap().id.clone();
    let listener = Running::start([
        "listen".as_ref(),
        "--port".as_ref(),
        port.to_string().as_ref(),
        "--signing-key-file".as_ref(),
        key.as_os_str(),
        "--trigger-document".as_ref(),
        workspace_file("schemas/gosquared-trigger.json").as_os_str(),
        "--operation".as_ref(),
        OPERATION.as_ref(),
    ]);
    let started = listener.stdout_until("Press Ctrl-C");
    assert_eq!(
        started[0],
        format!("tray-connect listen: receiving events on http://127.0.0.1:{port}/ (any path)")
    );
    assert!(
        started.iter().any(|l| l.contains(
            "checked against the outputSchema of entered_smart_group_init \
             (`EnteredSmartGroupInitEvent`)"
        )),
        "{started:?}"
    );
    (listener, id)
}

/// The next event `listener` prints: its first line and its JSON.
fn next_event(listener: &Running) -> (String, Value) {
    let heading = listener.stdout_line();
    let mut json = String::new();
    loop {
        let line = listener.stdout_line();
        json.push_str(&line);
        json.push('\n');
        if line == "}" {
            break;
        }
    }
    (heading, serde_json::from_str(&json).unwrap())
}

#[test]
fn listen_prints_signed_deliveries_and_refuses_forged_ones() {
    let api = Api::start();
    let dir = tempfile::tempdir().unwrap();
    let (listener, id) = listening(&api, dir.path());
    let url = api.emulator.subscriptions()[0].endpoint.clone();

    // `deliver` asks the emulator, which signs the bytes with the subscription's key.
    let event = r#"{"group": {"id": "vip", "name": "VIP \u001b[2J"}, "boundary": "enter"}"#;
    api.command()
        .args(["deliver", &id, "--event", event])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(format!(
            "delivered to {url} (subscription {id})\n  attempt 1: 200 in "
        )));
    let (heading, printed) = next_event(&listener);
    assert_eq!(
        heading,
        format!(
            "event 1: POST /tray ({} bytes, signature verified)",
            event.len()
        )
    );
    assert_eq!(printed, serde_json::from_str::<Value>(event).unwrap());
    assert_eq!(
        listener.stdout_line(),
        "  fits the outputSchema of entered_smart_group_init"
    );

    // The emulator's own delivery; this event does not fit the operation's schema.
    let delivered = api
        .block_on(api.emulator.deliver_json(&id, json!({"boundary": 7})))
        .unwrap();
    assert!(delivered.delivered());
    let (heading, printed) = next_event(&listener);
    assert!(heading.starts_with("event 2: POST /tray"), "{heading}");
    assert_eq!(printed, json!({"boundary": 7}));
    assert_eq!(
        listener.stdout_line(),
        "  does not fit the outputSchema of entered_smart_group_init: #/boundary: expected \
         type: String, found: Integer"
    );

    // Forged: signed with another key, unsigned, not a POST. Each is refused with one line.
    let http = Http::new();
    let body = br#"{"boundary": "enter"}"#.to_vec();
    let forged = tray_connect::SigningKey::from_bytes(&[7; 32]).sign(&body);
    let status = http.post(&url, Some(&forged), body.clone());
    assert_eq!(status, 401);
    assert_eq!(
        listener.stderr_line(),
        "refused POST /tray (401): the x-tray-signature header does not match the body: the \
         body was changed, or it was signed with another key than this subscription's"
    );
    assert_eq!(http.post(&url, None, body.clone()), 401);
    assert_eq!(
        listener.stderr_line(),
        "refused POST /tray (401): the event has no x-tray-signature header"
    );
    // A body changed on the way, with the signature of the original.
    let genuine =
        tray_connect::SigningKey::from_base64(&api.emulator.subscriptions()[0].signing_key)
            .unwrap()
            .sign(&body);
    let mut changed = body.clone();
    changed.push(b' ');
    assert_eq!(http.post(&url, Some(&genuine), changed), 401);
    assert!(
        listener
            .stderr_line()
            .starts_with("refused POST /tray (401): the x-tray-signature header does not match"),
    );
    assert_eq!(http.post(&url, Some(&genuine), body), 200);
    let (heading, _) = next_event(&listener);
    assert!(heading.starts_with("event 3: "), "{heading}");

    // A delivery the emulator mis-signs is refused every time: `deliver` exits 1 saying so.
    api.emulator
        .inject_delivery(DeliveryFault::MisSign, Scope::Next(1));
    let output = api
        .command()
        .args(["deliver", &id, "--event", "{}"])
        .assert()
        .code(1);
    let stderr = text(&output.get_output().stderr);
    assert!(
        stderr.starts_with(&format!(
            "error: the receiver at {url} did not take the event (subscription {id}): \
             attempt 1: 401 in "
        )),
        "{stderr}"
    );
    assert!(
        listener
            .stderr_line()
            .starts_with("refused POST /tray (401): the x-tray-signature header does not match"),
    );
}

#[test]
fn listen_and_deliver_refuse_what_they_cannot_use() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("bad.key");
    std::fs::write(&key, "not a key!").unwrap();
    bare_command()
        .args(["listen", "--port", "0", "--signing-key-file"])
        .arg(&key)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("does not hold a signing key"));
    std::fs::write(&key, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n").unwrap();
    bare_command()
        .args(["listen", "--port", "0", "--signing-key-file"])
        .arg(&key)
        .arg("--trigger-document")
        .arg(workspace_file("schemas/twilio-output.json"))
        .args(["--operation", "send_sms"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is a connector's document"));
    bare_command()
        .args(["listen", "--port", "0", "--signing-key-file"])
        .arg(&key)
        .arg("--trigger-document")
        .arg(workspace_file("schemas/gosquared-trigger.json"))
        .args(["--operation", "entered_smart_group"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "has no operation `entered_smart_group`; did you mean `entered_smart_group_init`?",
        ));
    // --operation without --trigger-document.
    bare_command()
        .args([
            "listen",
            "--port",
            "0",
            "--operation",
            "x",
            "--signing-key-file",
        ])
        .arg(&key)
        .assert()
        .code(2);

    let api = Api::start();
    // `deliver` asks an emulator on this machine, never Tray.
    bare_command()
        .args(["--token", TOKEN, "deliver", "s1", "--event", "{}"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "pass --api-url or set TRAY_API_URL",
        ));
    bare_command()
        .args(["--token", TOKEN, "--api-url", "https://api.tray.io"])
        .args(["deliver", "s1", "--event", "{}"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "is not an emulator on this machine",
        ));
    api.command()
        .args([
            "deliver",
            "1a71daf1-0000-4000-8000-dbb4ab325a55",
            "--event",
            "{}",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "the emulator refused the delivery (404): cannot deliver to subscription \
             1a71daf1-0000-4000-8000-dbb4ab325a55: the emulator has no such subscription",
        ));
    bare_command()
        .args(["--token", "wrong", "--api-url", &api.emulator.base_url()])
        .args(["deliver", "s1", "--event", "{}"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("(401)"));
    api.command()
        .args(["deliver", "s1", "--event", "{oops"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "error: --event is not valid JSON",
        ));
}

#[test]
fn serve_serves_triggers_and_says_how_to_make_them_deliver() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        workspace_file("schemas/gosquared-trigger.json"),
        dir.path().join("gosquared-trigger.json"),
    )
    .unwrap();
    let served = Running::start([
        "serve".as_ref(),
        "--token".as_ref(),
        "dev".as_ref(),
        "--schemas".as_ref(),
        dir.path().as_os_str(),
    ]);
    let lines = served.stdout_until("Press Ctrl-C");
    let url = lines[0]
        .strip_prefix("tray-connect emulator listening on ")
        .unwrap_or_else(|| panic!("{lines:?}"))
        .to_owned();
    assert!(
        lines.contains(&"  gosquared-trigger 1.0 (trigger, 2 operations)".to_owned()),
        "{lines:?}"
    );
    assert!(
        lines.iter().any(|l| l
            == "  tray-connect subscribe gosquared-trigger 1.0 entered_smart_group_init --name dev \\"),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains(r#"--input '{"value":"..."}'"#)),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("  tray-connect deliver SUBSCRIPTION_ID --event")),
        "{lines:?}"
    );

    // The walk-through, with the served emulator in its own process: subscribe, listen,
    // deliver (through the emulator's own route).
    let served_command = || {
        let mut command = bare_command();
        command.env("TRAY_API_URL", &url).env("TRAY_TOKEN", "dev");
        command
    };
    served_command()
        .arg("triggers")
        .assert()
        .success()
        .stdout(predicate::str::contains("gosquared-trigger"));
    let port = free_port();
    let key = dir.path().join("dev.key");
    served_command()
        .args([
            "subscribe",
            "gosquared-trigger",
            "1.0",
            OPERATION,
            "--name",
            "dev",
        ])
        .arg("--endpoint")
        .arg(format!("http://127.0.0.1:{port}/tray"))
        .args(["--input", r#"{"value":"..."}"#, "--signing-key-file"])
        .arg(&key)
        .assert()
        .success();
    let output = served_command()
        .args(["subscriptions", "--json"])
        .assert()
        .success();
    let listed: Value = serde_json::from_slice(&output.get_output().stdout).unwrap();
    let id = listed[0]["id"].as_str().unwrap().to_owned();
    let listener = Running::start([
        "listen".as_ref(),
        "--port".as_ref(),
        port.to_string().as_ref(),
        "--signing-key-file".as_ref(),
        key.as_os_str(),
    ]);
    listener.stdout_until("Press Ctrl-C");
    let event = dir.path().join("event.json");
    std::fs::write(&event, br#"{"boundary": "exit"}"#).unwrap();
    served_command()
        .args(["deliver", &id, "--event"])
        .arg(format!("@{}", event.display()))
        .assert()
        .success();
    let heading = listener.stdout_line();
    assert_eq!(
        heading,
        "event 1: POST /tray (20 bytes, signature verified)"
    );
    assert_eq!(listener.stdout_line(), "{");
    assert_eq!(listener.stdout_line(), r#"  "boundary": "exit""#);
}

/// The few raw requests the tests send a receiver themselves: a POST with or without a
/// signature, answered by its status. A tokio runtime of its own keeps the tests synchronous.
struct Http {
    runtime: tokio::runtime::Runtime,
    client: reqwest::Client,
}

impl Http {
    fn new() -> Http {
        Http {
            runtime: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap(),
            client: reqwest::Client::builder().no_proxy().build().unwrap(),
        }
    }

    /// POSTs `body` to `url` with `signature` as its `x-tray-signature`.
    fn post(&self, url: &str, signature: Option<&str>, body: Vec<u8>) -> u16 {
        let mut request = self.client.post(url).body(body);
        if let Some(signature) = signature {
            request = request.header(tray_connect::SIGNATURE_HEADER, signature);
        }
        self.runtime
            .block_on(request.send())
            .unwrap()
            .status()
            .as_u16()
    }
}
