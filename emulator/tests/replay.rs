//! `EmulatorBuilder::replay`: answers from a folder of fixture files, the k-th identical call
//! the k-th recording; malformed, truncated or oversized files refused at start with an error
//! naming the file (never a panic); hostile names and contents answered as data.

mod support;

use std::path::Path;

use serde_json::{Value, json};
use support::TOKEN;
use tray_connect_emulator::{Emulator, EmulatorError, fixture::MAX_FIXTURE_BYTES};

/// A fixture of `operation` of `connector` 1.0 answering `output` to `input`.
fn fixture(connector: &str, operation: &str, input: Value, output: Value) -> String {
    let fixture = json!({
        "trayConnectFixture": 1,
        "connector": connector,
        "version": "1.0",
        "operation": operation,
        "request": {"authId": "<redacted>", "input": input},
        "response": {
            "status": 200,
            "headers": {"content-type": "application/json"},
            "body": {"outcome": "success", "output": output}
        },
        "outputCheck": {"result": "fits"}
    });
    serde_json::to_string_pretty(&fixture).unwrap() + "\n"
}

async fn call(emulator: &Emulator, connector: &str, body: Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!(
            "{}/core/v1/connectors/{connector}/versions/1.0/call",
            emulator.base_url()
        ))
        .bearer_auth(TOKEN)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

async fn start(folder: &Path) -> Result<Emulator, EmulatorError> {
    Emulator::builder()
        .token(TOKEN)
        .replay(folder)
        .start()
        .await
}

#[tokio::test]
async fn the_kth_identical_call_gets_the_kth_recording_and_redactions_match_anything() {
    let dir = tempfile::tempdir().unwrap();
    let input = json!({"name": "n", "password": "<redacted>"});
    for (n, output) in [(1, json!({"page": 1})), (2, json!({"page": 2}))] {
        let text = fixture("pager", "list", input.clone(), output);
        std::fs::write(dir.path().join(format!("pager-1.0-list-00{n}.json")), text).unwrap();
    }
    let emulator = start(dir.path()).await.unwrap();
    let body = json!({"operation": "list", "input": {"password": "anything", "name": "n"}});
    let mut pages = Vec::new();
    for _ in 0..3 {
        let (status, answer) = call(&emulator, "pager", body.clone()).await;
        assert_eq!(status, 200);
        pages.push(answer["output"]["page"].clone());
    }
    assert_eq!(pages, [json!(1), json!(2), json!(2)]);
    // Another operation of the connector: 404 naming what was recorded.
    let (status, answer) = call(&emulator, "pager", json!({"operation": "lst", "input": {}})).await;
    assert_eq!(status, 404);
    let message = answer["message"].as_str().unwrap();
    assert!(
        message.contains("the recorded operations of pager 1.0 are list; did you mean list?"),
        "{message}"
    );
    let (status, answer) = call(&emulator, "other", json!({"operation": "x", "input": {}})).await;
    assert_eq!(status, 404);
    assert!(
        answer["message"]
            .as_str()
            .unwrap()
            .contains("nothing of connector other 1.0 was recorded")
    );
}

#[tokio::test]
async fn malformed_truncated_and_oversized_fixtures_are_refused_naming_the_file() {
    let good = fixture("c", "o", json!({}), json!({"a": 1}));
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "not json.json",
            b"{\"trayConnectFixture\": 1,".to_vec(),
            "not valid JSON (line 1",
        ),
        (
            "truncated.json",
            good.as_bytes()[..good.len() / 2].to_vec(),
            "not valid JSON (line",
        ),
        (
            "other.json",
            b"{\"elements\": []}".to_vec(),
            "it is not a tray-connect fixture",
        ),
        (
            "future.json",
            b"{\"trayConnectFixture\": 2}".to_vec(),
            "fixture format 2",
        ),
        (
            "missing.json",
            b"{\"trayConnectFixture\": 1, \"connector\": \"c\"}".to_vec(),
            "missing field `version`",
        ),
        ("latin1.json", vec![b'{', 0xff, b'}'], "not UTF-8 text"),
        (
            "two bodies.json",
            good.replace("\"status\": 200,", "\"status\": 200, \"bodyText\": \"\",")
                .into_bytes(),
            "more than one of \"body\", \"bodyText\" and \"bodyBase64\"",
        ),
        (
            "bad header.json",
            good.replace("\"content-type\": \"application/json\"", "\"x\\ny\": \"v\"")
                .into_bytes(),
            "is not a header an HTTP answer can carry",
        ),
    ];
    for (name, bytes, expected) in cases {
        let dir = tempfile::Builder::new()
            .prefix("replay dir ")
            .tempdir()
            .unwrap();
        std::fs::write(dir.path().join("c-1.0-o-001.json"), &good).unwrap();
        std::fs::write(dir.path().join(name), bytes).unwrap();
        let error = start(dir.path()).await.unwrap_err().to_string();
        assert!(error.starts_with("cannot replay "), "{error}");
        assert!(error.contains(name), "{name}: {error}");
        assert!(error.contains(expected), "{name}: {error}");
    }

    // Larger than the budget: refused from its size, without reading it (a sparse file).
    let dir = tempfile::tempdir().unwrap();
    let file = std::fs::File::create(dir.path().join("huge.json")).unwrap();
    file.set_len(MAX_FIXTURE_BYTES + 1).unwrap();
    let error = start(dir.path()).await.unwrap_err().to_string();
    assert!(
        error.contains("huge.json") && error.contains("larger than the limit"),
        "{error}"
    );

    // A folder named like a fixture, and a folder that is not there.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("folder.json")).unwrap();
    let error = start(dir.path()).await.unwrap_err().to_string();
    assert!(error.contains("folder.json: not a regular file"), "{error}");
    let error = start(&dir.path().join("absent"))
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("absent: cannot read the folder"), "{error}");

    // Hidden files (a recording's temporary ones) and other extensions are not fixtures.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".recording-1.tmp"), "{").unwrap();
    std::fs::write(dir.path().join(".half.json"), "{").unwrap();
    std::fs::write(dir.path().join("notes.txt"), "{").unwrap();
    assert_eq!(start(dir.path()).await.unwrap().replay_len(), 0);
}

#[tokio::test]
async fn hostile_names_and_contents_are_data() {
    let dir = tempfile::tempdir().unwrap();
    let connector = "../../etc\u{1b}]0;owned\u{7}";
    let operation = "op\u{202e}\nfn main() {}";
    // Written under a file name the fixture did not make: replay reads any `*.json`.
    let text = fixture(
        connector,
        operation,
        json!({"k": "\u{1b}[2J"}),
        json!({"v": "\u{0}"}),
    );
    std::fs::write(dir.path().join("\u{1b}[31mred.json"), text).unwrap();
    let emulator = start(dir.path()).await.unwrap();
    let encoded = "..%2F..%2Fetc%1B%5D0%3Bowned%07";
    let body = json!({"operation": operation, "input": {"k": "\u{1b}[2J"}});
    let (status, answer) = call(&emulator, encoded, body).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["output"]["v"], "\u{0}");
    let body = json!({"operation": operation, "input": {"k": "other"}});
    let (status, answer) = call(&emulator, encoded, body).await;
    assert_eq!(status, 404);
    assert_eq!(answer["replay"]["closest"], "\u{1b}[31mred.json");
    assert_eq!(answer["replay"]["differences"][0]["pointer"], "/k");

    // The names a fixture makes stay in their folder, whatever the request said.
    let name = tray_connect_emulator::fixture::file_name(connector, "1.0", operation, 1);
    assert_eq!(name, "_._.._etc__0_owned_-1.0-op__fn_main_____-001.json");
}

#[tokio::test]
async fn a_sampled_dynamic_output_is_checked_against_its_sampled_schema() {
    // `get_location` has a dynamic output typed from its vendored `sampledOutputSchema`
    // (`tray-connect pull --sample`): a replayed output is checked against that schema, the
    // shape the generated type reads, instead of being left unchecked.
    let dir = tempfile::tempdir().unwrap();
    let mut text = fixture(
        "shopify",
        "get_location",
        json!({"location_id": "61098065993"}),
        json!({"location": {"id": "61098065993", "name": "Main"}}),
    );
    text = text.replace("\"version\": \"1.0\"", "\"version\": \"4.0\"");
    std::fs::write(dir.path().join("shopify-4.0-get_location-001.json"), text).unwrap();
    let emulator = Emulator::builder()
        .token(TOKEN)
        .document_json(include_str!(
            "../../codegen/tests/fixtures/shopify-sampled.json"
        ))
        .replay(dir.path())
        .start()
        .await
        .unwrap();
    let response = reqwest::Client::new()
        .post(format!(
            "{}/core/v1/connectors/shopify/versions/4.0/call",
            emulator.base_url()
        ))
        .bearer_auth(TOKEN)
        .json(&json!({"operation": "get_location", "input": {"location_id": "61098065993"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let found = emulator.replay_mismatches();
    let pointers: Vec<&str> = found.iter().map(|m| m.mismatch.pointer.as_str()).collect();
    assert_eq!(pointers, ["/location/id"], "{found:?}");
}
