//! Drift seen at run time, end to end: the upstream (an emulator) answers with a member the
//! document lacks, an enum value it does not list and a string where it says integer; the
//! client reports each once (in `drift_report()` and as one `tracing` event), and
//! `check --observed` lists them and exits 1.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use serde_json::json;
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tray_connect::{Client, DriftKind, DriftReport};

use crate::support::{AUTH_ID, Api, TOKEN, text, workspace_file};

mod twilio {
    tray_connect::connector!(
        "twilio-output",
        "2.1",
        "schemas/twilio-output.json",
        operations = ["send_sms"]
    );
}

/// The events of one target, each as its fields' text.
#[derive(Clone, Default)]
struct Events(Arc<Mutex<Vec<BTreeMap<String, String>>>>);

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl tracing::field::Visit for Fields<'_> {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }

    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
}

impl<S: tracing::Subscriber> Layer<S> for Events {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        if event.metadata().target() != "tray_connect::drift" {
            return;
        }
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        fields.insert("level".into(), event.metadata().level().to_string());
        self.0.lock().unwrap().push(fields);
    }
}

#[test]
fn drift_seen_at_run_time_is_reported_once_logged_once_and_fails_check() {
    let api = Api::start();
    api.emulator.respond(
        "twilio-output",
        "send_sms",
        json!({
            "sid": "SM1",
            "status": "scheduled_for_later",        // not one of the document's values
            "to": "+15551234567",
            "from": "+15557654321",
            "body": "hi",
            "date_created": "Thu, 30 Jul 2015 20:12:31 +0000",
            "error_code": "30007",                  // the document says integer
            "carrier_lookup": {"carrier": "Acme"},  // a member the document lacks
        }),
    );
    let events = Events::default();
    let subscriber = tracing_subscriber::registry().with(events.clone());
    let _default = tracing::subscriber::set_default(subscriber);
    let client = Client::builder()
        .token(TOKEN)
        .base_url(api.emulator.base_url())
        .build()
        .unwrap();

    for _ in 0..4 {
        let sms = twilio::SendSms::builder()
            .to("+15551234567")
            .from("+15557654321")
            .body("hi")
            .build();
        // `block_on` runs the call on this thread, under the subscriber set above.
        let sent = api.block_on(client.call(AUTH_ID, sms)).unwrap();
        assert_eq!(
            sent.status,
            twilio::SendSmsOutputStatus::Unknown("scheduled_for_later".into())
        );
        assert_eq!(sent.error_code, Some(30007));
        assert_eq!(sent.extra["carrier_lookup"], json!({"carrier": "Acme"}));
    }

    // Each place once in the report, seen in all four answers.
    let report = client.drift_report();
    let seen: Vec<(&str, &str, DriftKind, u64)> = report
        .observed
        .iter()
        .map(|o| (o.operation.as_str(), o.pointer.as_str(), o.kind, o.count))
        .collect();
    assert_eq!(
        seen,
        [
            ("send_sms", "/carrier_lookup", DriftKind::UnlistedMember, 4),
            ("send_sms", "/error_code", DriftKind::TypeMismatch, 4),
            ("send_sms", "/status", DriftKind::UnknownEnumValue, 4),
        ]
    );
    assert!(
        report
            .observed
            .iter()
            .all(|o| o.connector == "twilio-output" && o.version == "2.1")
    );

    // Each place once as an event, with its fields and no value of the answer.
    let logged = events.0.lock().unwrap().clone();
    let mut places: Vec<(String, String)> = logged
        .iter()
        .map(|e| (e["pointer"].clone(), e["kind"].clone()))
        .collect();
    places.sort();
    assert_eq!(
        places,
        [
            ("/carrier_lookup".to_owned(), "unlisted_member".to_owned()),
            ("/error_code".to_owned(), "type_mismatch".to_owned()),
            ("/status".to_owned(), "unknown_enum_value".to_owned()),
        ]
    );
    for event in &logged {
        assert_eq!(event["connector"], "twilio-output");
        assert_eq!(event["version"], "2.1");
        assert_eq!(event["operation"], "send_sms");
        assert_eq!(event["level"], "WARN");
        let all = format!("{event:?}");
        for value in ["scheduled_for_later", "30007", "Acme", AUTH_ID, TOKEN] {
            assert!(!all.contains(value), "{value} in {all}");
        }
    }

    // Written to a file, read back, and merged into `check`'s drift report: exit 1.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("drift-observed.json");
    report.write_json(&file).unwrap();
    let back: DriftReport = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(back, report);
    let output = api
        .command()
        .arg("check")
        .arg(workspace_file("schemas/twilio-output.json"))
        .arg("--observed")
        .arg(&file)
        .assert()
        .code(1);
    let stdout = text(&output.get_output().stdout);
    for line in [
        "seen at run time (3, not in the vendored document)",
        "send_sms: a member the document does not list at `/carrier_lookup` (unlisted_member; seen in 4 answers)",
        "send_sms: a value of another type than the document's at `/error_code` (type_mismatch; seen in 4 answers)",
        "send_sms: an enum value the document does not list at `/status` (unknown_enum_value; seen in 4 answers)",
        "1 document(s): 0 up to date, 1 with drift, 0 could not be checked",
    ] {
        assert!(stdout.contains(line), "{line}\n---\n{stdout}");
    }

    // As JSON, for scripts; and `--fail-on breaking` lets it pass (it all decoded).
    let output = api
        .command()
        .args(["check", "--json", "--observed"])
        .arg(&file)
        .arg(workspace_file("schemas/twilio-output.json"))
        .assert()
        .code(1);
    let json: serde_json::Value = serde_json::from_slice(&output.get_output().stdout).unwrap();
    assert_eq!(json[0]["status"], "drift");
    assert_eq!(json[0]["observed"][2]["pointer"], "/status");
    assert_eq!(json[0]["observed"][2]["kind"], "unknown_enum_value");
    api.command()
        .args(["check", "--fail-on", "breaking", "--observed"])
        .arg(&file)
        .arg(workspace_file("schemas/twilio-output.json"))
        .assert()
        .code(0);
}

#[test]
fn an_unreadable_observed_report_is_a_usage_error() {
    let api = Api::start();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-report.json");
    std::fs::write(&file, "{\"observed\": 3}").unwrap();
    let output = api
        .command()
        .arg("check")
        .arg(workspace_file("schemas/twilio-output.json"))
        .arg("--observed")
        .arg(&file)
        .assert()
        .code(2);
    let stderr = text(&output.get_output().stderr);
    assert!(stderr.contains("is not a drift report"), "{stderr}");
}
