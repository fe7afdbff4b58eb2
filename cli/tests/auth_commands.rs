//! `users create`, `auths list` and `auth-url`, run as the real binary against an emulator
//! with end users (the emulator's `embedded` feature).

mod support;

use predicates::prelude::*;
use serde_json::Value;
use support::{Api, TOKEN, bare_command, text};
use tray_connect::Client;

/// Runs `future` on a runtime of its own (the emulator's runtime lives inside `Api`).
fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

fn create_user(api: &Api) -> (String, String) {
    let output = api
        .command()
        .args([
            "users",
            "create",
            "Ada Lovelace",
            "ada-42",
            "--test",
            "--user-token",
            "--json",
        ])
        .assert()
        .success();
    let created: Value = serde_json::from_slice(&output.get_output().stdout).unwrap();
    (
        created["userId"].as_str().unwrap().to_owned(),
        created["accessToken"].as_str().unwrap().to_owned(),
    )
}

#[test]
fn users_create_prints_the_new_user_id() {
    let api = Api::start();
    let output = api
        .command()
        .args(["users", "create", "Ada", "ada-1"])
        .assert()
        .success();
    let stdout = text(&output.get_output().stdout);
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    // User ids are UUIDs, as on Tray.
    let id = stdout.trim();
    assert_eq!(id.len(), 36, "{stdout}");
    assert_eq!(id.matches('-').count(), 4, "{stdout}");
}

#[test]
fn a_user_onboarded_through_the_dialog_shows_up_in_auths_list() {
    let api = Api::start();
    let (user_id, user_token) = create_user(&api);

    let output = api
        .command()
        .args([
            "auth-url",
            "acme",
            "--user-id",
            &user_id,
            "--scope",
            "sms:send",
        ])
        .assert()
        .success();
    let url = text(&output.get_output().stdout);
    let code = url
        .trim()
        .split_once("code=")
        .and_then(|(_, rest)| rest.split('&').next())
        .unwrap()
        .to_owned();
    assert!(
        url.starts_with("https://embedded.tray.io/external/auth/create/acme?code="),
        "{url}"
    );
    assert!(url.trim().ends_with("&scopes%5B%5D=sms%3Asend"), "{url}");

    let environment = block_on(async {
        let client = Client::builder()
            .token(TOKEN)
            .base_url(api.emulator.base_url())
            .build()
            .unwrap();
        client.service_environments("twilio", 1).await.unwrap()[0]
            .id
            .clone()
    });
    let auth_id = api
        .emulator
        .complete_auth_dialog(&code, &environment, "Ada's Twilio")
        .expect("code from auth-url is valid");

    // With the master token and --user-id ...
    let output = api
        .command()
        .args(["auths", "list", "--user-id", &user_id])
        .assert()
        .success();
    let table = text(&output.get_output().stdout);
    assert!(table.starts_with("AUTH ID"), "{table}");
    assert!(
        table.contains(&auth_id) && table.contains("twilio v1"),
        "{table}"
    );
    assert!(table.contains("Ada's Twilio"), "{table}");

    // ... or with the user's own token.
    let output = bare_command()
        .args([
            "--api-url",
            &api.emulator.base_url(),
            "--token",
            &user_token,
        ])
        .args(["auths", "list", "--json"])
        .assert()
        .success();
    let list: Value = serde_json::from_slice(&output.get_output().stdout).unwrap();
    assert_eq!(list[0]["id"], auth_id.as_str());
    assert_eq!(list[0]["service"]["name"], "twilio");
}

#[test]
fn auth_url_with_a_code_needs_no_token_and_encodes_the_query() {
    bare_command()
        .args([
            "auth-url",
            "acme",
            "--code",
            "c/1+2",
            "--service-id",
            "svc",
            "--service-environment-id",
            "env",
            "--scope",
            "channels:read",
            "--scope",
            "chat:write",
        ])
        .assert()
        .success()
        .stdout(
            "https://embedded.tray.io/external/auth/create/acme?code=c%2F1%2B2&serviceId=svc\
             &serviceEnvironmentId=env&scopes%5B%5D=channels%3Aread&scopes%5B%5D=chat%3Awrite\n",
        );
    bare_command()
        .args(["auth-url", "acme"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--user-id or --code"));
}

#[test]
fn auth_url_uses_the_regions_dialog_host() {
    for (flag, env, host) in [
        (Some("eu"), None, "https://embedded.eu1.tray.io"),
        (None, Some("ap"), "https://embedded.ap1.tray.io"),
        (Some("us"), Some("eu"), "https://embedded.tray.io"),
    ] {
        let mut command = bare_command();
        if let Some(region) = flag {
            command.args(["--region", region]);
        }
        if let Some(region) = env {
            command.env("TRAY_REGION", region);
        }
        command
            .args(["auth-url", "acme", "--code", "c0de"])
            .assert()
            .success()
            .stdout(format!("{host}/external/auth/create/acme?code=c0de\n"));
    }
    // A white-label host still wins over the region's.
    bare_command()
        .args(["--region", "eu", "auth-url", "acme", "--code", "c"])
        .args([
            "--dialog-url",
            "https://acme.eu1.integration-authentication.com",
        ])
        .assert()
        .success()
        .stdout(
            "https://acme.eu1.integration-authentication.com/external/auth/create/acme?code=c\n",
        );
    bare_command()
        .args(["--region", "mars", "auth-url", "acme", "--code", "c"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown region"));
}

#[test]
fn failures_are_one_line_with_exit_1() {
    let api = Api::start();
    api.command()
        .args(["auths", "list", "--user-id", "no-such-user"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("User not found"));
    bare_command()
        .args(["--api-url", &api.emulator.base_url(), "--token", "wrong"])
        .args(["users", "create", "Ada", "ada-1"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("401"));
}
