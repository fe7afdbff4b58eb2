//! The real documents (Google Sheets, GitHub legacy, the CDK fixtures) called end to end against
//! the emulator: typed inputs out, typed outputs back, lookups, and unlisted output fields that
//! survive a round trip. The documents are Tray's answers as kept in `codegen/tests/fixtures`
//! (without header): the modules here expand them, and the emulator serves them, under the same
//! names and versions.

use serde_json::json;
use tray_connect::Client;
use tray_connect_emulator::Emulator;

/// An authId as Tray issues them (a UUID; the emulator refuses anything else with a 400):
/// the one of the "Slack Send Message" example in Tray's published Call Connector payload.
const AUTH_ID: &str = "fe6ce53d-b414-4f24-b0d5-16a0a75544a0";

/// Google Sheets, as the emulator serves it.
mod sheets {
    tray_connect::connector!("sheets", "8.1", "codegen/tests/fixtures/google-sheets.json");
}

/// Tray's legacy GitHub connector, as the emulator serves it.
mod github {
    tray_connect::connector!("github", "1.2", "codegen/tests/fixtures/github-legacy.json");
}

/// The same GitHub document expanded in parts of at most 8 KiB of source, each by its own call
/// of the macro (what a document too big for rust-analyzer's token limit gets, at 2 MiB).
mod github_in_parts {
    tray_connect::connector!(
        "github",
        "1.2",
        "codegen/tests/fixtures/github-legacy.json",
        __part_bytes = 8192
    );
}

/// The CDK schema fixtures, as the emulator serves them.
mod cdk {
    tray_connect::connector!(
        "cdk-fixtures",
        "1.0",
        "codegen/tests/fixtures/cdk-tray-schema-fixtures.json"
    );
}

/// An emulator serving `codegen/tests/fixtures/{file}` as connector `name` version `version`,
/// and a client of it.
async fn emulator(name: &str, version: &str, file: &str) -> (Emulator, Client) {
    let path = format!(
        "{}/../codegen/tests/fixtures/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    let emulator = Emulator::builder()
        .document_as(name, version, path)
        .start()
        .await
        .expect("emulator starts");
    let client = Client::builder()
        .token("test-token")
        .base_url(emulator.base_url())
        .build()
        .expect("client builds");
    (emulator, client)
}

#[tokio::test]
async fn google_sheets_get_rows_with_a_lookup_and_a_scripted_answer() {
    let (emulator, client) = emulator("sheets", "8.1", "google-sheets.json").await;
    let options = client
        .lookup(AUTH_ID, sheets::GetRows::worksheet_name_lookup("sheet-1"))
        .await
        .expect("lookup succeeds");
    assert_eq!(options.len(), 3);

    let input = sheets::GetRows::builder()
        .spreadsheet_id("sheet-1")
        .worksheet_name("Sheet1")
        .number_of_rows(5)
        .filter(
            sheets::GetRowsFilter::builder()
                .column_heading("Name")
                .operator(sheets::GetRowsFilterOperator::EqualTo)
                .value("Ada")
                .build(),
        )
        .build();
    // A synthesised answer decodes into the typed output.
    let synthesised: sheets::GetRowsOutput = client
        .call(AUTH_ID, input.clone())
        .await
        .expect("call succeeds");
    let _ = synthesised.results;

    let answer = json!({"results": [["Ada", 36], ["Grace", null]], "next_page": "p2"});
    emulator.respond("sheets", "get_rows", answer.clone());
    let out = client.call(AUTH_ID, input).await.expect("call succeeds");
    assert_eq!(out.results.as_ref().map(Vec::len), Some(2));
    assert_eq!(out.extra.get("next_page"), Some(&json!("p2")));
    assert_eq!(serde_json::to_value(&out).unwrap(), answer);

    let calls = emulator.calls();
    assert_eq!(calls[0].operation, "list_worksheets_ddl_return_name");
    assert_eq!(calls[0].input, json!({"spreadsheet_id": "sheet-1"}));
    assert_eq!(
        calls[1].input,
        json!({
            "spreadsheet_id": "sheet-1",
            "worksheet_name": "Sheet1",
            "number_of_rows": 5,
            "filter": {"column_heading": "Name", "operator": "Equal to", "value": "Ada"}
        })
    );
}

#[tokio::test]
async fn github_legacy_get_repository_keeps_unlisted_fields() {
    let (emulator, client) = emulator("github", "1.2", "github-legacy.json").await;
    let input = github::GetRepository::builder()
        .access_token("ghp_x")
        .username("octocat")
        .repository("hello-world")
        .build();
    let synthesised = client
        .call(AUTH_ID, input.clone())
        .await
        .expect("call succeeds");
    let _ = synthesised.owner;

    let answer = json!({
        "id": 1296269.0,
        "owner": {"login": "octocat", "id": 1.0, "site_admin": false, "brand_new_field": [1]},
        "topics_v2": {"unlisted": true}
    });
    emulator.respond("github", "get_repository", answer.clone());
    let out = client.call(AUTH_ID, input).await.expect("call succeeds");
    assert_eq!(out.id, Some(1296269.0));
    let owner = out.owner.as_ref().expect("owner");
    assert_eq!(owner.login.as_deref(), Some("octocat"));
    assert_eq!(owner.extra.get("brand_new_field"), Some(&json!([1])));
    assert_eq!(out.extra.get("topics_v2"), Some(&json!({"unlisted": true})));
    assert_eq!(serde_json::to_value(&out).unwrap(), answer);
    assert_eq!(
        emulator.calls()[1].input,
        json!({"access_token": "ghp_x", "username": "octocat", "repository": "hello-world"})
    );
}

#[tokio::test]
async fn cdk_fixture_ddl_lookup_and_call() {
    let (emulator, client) = emulator("cdk-fixtures", "1.0", "cdk-tray-schema-fixtures.json").await;
    let lookup = cdk::FixtureDdl::emails_lookup("workspace-9");
    let operation = lookup.operation().to_owned();
    emulator.respond(
        "cdk-fixtures",
        &operation,
        json!({"result": [{"text": "ada@example.com", "value": "u1"}]}),
    );
    let options = client
        .lookup(AUTH_ID, lookup)
        .await
        .expect("lookup succeeds");
    assert_eq!(options.len(), 1);
    assert_eq!(options[0].value, json!("u1"));

    let out: cdk::FixtureDdlOutput = client
        .call(AUTH_ID, cdk::FixtureDdl::builder().emails("u1").build())
        .await
        .expect("call succeeds");
    // The CDK gives this operation no output schema: the output is the raw JSON.
    let _: &serde_json::Value = &out;
    let calls = emulator.calls();
    assert_eq!(calls[0].input["workspace_id"], json!("workspace-9"));
    assert_eq!(calls[1].operation, "fixture_ddl");
    assert_eq!(calls[1].input, json!({"emails": "u1"}));
}

/// An expansion cut into parts defines what the whole one does: the same constants, and types
/// from the last parts that call and decode as the first part's do.
#[tokio::test]
async fn a_document_expanded_in_parts_defines_the_same_items() {
    assert_eq!(github_in_parts::OPERATIONS, github::OPERATIONS);
    assert_eq!(github_in_parts::VALUE_FALLBACKS, github::VALUE_FALLBACKS);
    assert_eq!(github_in_parts::CONNECTOR, github::CONNECTOR);
    let (emulator, client) = emulator("github", "1.2", "github-legacy.json").await;
    let answer = json!({"id": 7.0, "owner": {"login": "octocat", "new_field": true}});
    emulator.respond("github", "get_repository", answer.clone());
    let whole = client
        .call(
            AUTH_ID,
            github::GetRepository::builder()
                .access_token("ghp_x")
                .username("octocat")
                .repository("hello-world")
                .build(),
        )
        .await
        .expect("call succeeds");
    let in_parts = client
        .call(
            AUTH_ID,
            github_in_parts::GetRepository::builder()
                .access_token("ghp_x")
                .username("octocat")
                .repository("hello-world")
                .build(),
        )
        .await
        .expect("call succeeds");
    assert_eq!(
        serde_json::to_value(&in_parts).unwrap(),
        serde_json::to_value(&whole).unwrap()
    );
    assert_eq!(serde_json::to_value(&in_parts).unwrap(), answer);
    // The document's last operation, in the last part.
    let forks = github_in_parts::ListRepositoryForks::builder()
        .access_token("ghp_x")
        .username("octocat")
        .repository("hello-world")
        .page(1)
        .per_page(30)
        .build();
    client.call(AUTH_ID, forks).await.expect("call succeeds");
    let calls = emulator.calls();
    assert_eq!(calls[0].input, calls[1].input);
    assert_eq!(calls[2].operation, "list_repository_forks");
}
