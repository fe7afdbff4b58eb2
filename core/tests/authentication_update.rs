//! The rest of Tray's authentication surface against the emulator: updating an authentication
//! (`PUT /core/v1/authentications/{id}`) and reading one with its credentials
//! (`GET /core/v1/authentications/{id}/full?forceRefresh=`), whose values never print.

mod support;

use serde_json::json;
use support::docs_server::{Answer, DocsServer};
use tray_connect::{AuthenticationUpdate, Client, Error, NewAuthentication, NewUser};
use tray_connect_emulator::Emulator;

const MASTER: &str = "master-token";
const ACCESS_TOKEN: &str = "xoxb-ACCESS-TOKEN-never-printed";
const NEW_ACCESS_TOKEN: &str = "xoxb-ROTATED-TOKEN-never-printed";
/// A well-formed authId that no authentication has.
const UNKNOWN_AUTH_ID: &str = "497f6eca-6276-4993-bfeb-53cbbbba6f08";

const SLACK: &str = r#"{
    "connector": {"name": "slack", "version": "9.0",
                  "service": {"id": "3e21b055-1597-40ae-bcc2-72af0843b283", "name": "slack", "version": 4}},
    "elements": [{"name": "send_message", "authScopes": ["chat:write"],
                  "inputSchema": {"type": "object"},
                  "outputSchema": {"type": "object"}}]
}"#;

async fn start() -> (Emulator, Client, Client, String) {
    let emulator = Emulator::builder()
        .token(MASTER)
        .document_json(SLACK)
        .start()
        .await
        .expect("emulator starts on 127.0.0.1");
    let master = Client::builder()
        .token(MASTER)
        .base_url(emulator.base_url())
        .build()
        .unwrap();
    let user_id = master
        .create_user(&NewUser::new("Ada", "ext-ada").test_user(true))
        .await
        .unwrap();
    let token = master.user_token(&user_id).await.unwrap();
    let user = master.as_user(token).unwrap();
    let environment = user.service_environments("slack", 4).await.unwrap()[0]
        .id
        .clone();
    let id = user
        .create_authentication(
            &NewAuthentication::new("Slack (Ada)", &environment)
                .user_data(json!({"region": "us"}))
                .credentials(json!({"accessToken": ACCESS_TOKEN, "tokenType": "Bearer",
                                    "expiresIn": 3600}))
                .scopes(["chat:write"]),
        )
        .await
        .unwrap();
    (emulator, master, user, id)
}

fn assert_no_credential(what: &str, text: &str) {
    for secret in [ACCESS_TOKEN, NEW_ACCESS_TOKEN] {
        assert!(!text.contains(secret), "a credential in {what}: {text}");
    }
}

#[tokio::test]
async fn full_authentication_reads_the_credentials_as_secrets_that_never_print() {
    let (_emulator, _master, user, id) = start().await;
    let full = user.full_authentication(&id, false).await.unwrap();
    assert_eq!(full.id, id);
    assert_eq!(full.name.as_deref(), Some("Slack (Ada)"));
    assert_eq!(full.user_data, json!({"region": "us"}));
    assert_eq!(full.scopes, ["chat:write"]);
    assert_eq!(
        full.credential("accessToken").map(|s| s.expose()),
        Some(ACCESS_TOKEN)
    );
    // A number is kept as its JSON text.
    assert_eq!(
        full.credential("expiresIn").map(|s| s.expose()),
        Some("3600")
    );
    let debug = format!("{full:?} {:#?}", full);
    assert_no_credential("Debug of FullAuthentication", &debug);
    assert!(debug.contains("accessToken"), "names show: {debug}");
    assert_eq!(full.credential("accessToken").unwrap().to_string(), "***");
}

#[tokio::test]
async fn update_authentication_changes_what_it_sets_and_keeps_the_rest() {
    let (_emulator, _master, user, id) = start().await;
    let update = AuthenticationUpdate::new()
        .name("Slack (Ada, rotated)")
        .credentials(json!({"accessToken": NEW_ACCESS_TOKEN}))
        .scopes(["chat:write", "channels:read"]);
    assert_no_credential("Debug of AuthenticationUpdate", &format!("{update:?}"));
    let updated = user.update_authentication(&id, &update).await.unwrap();
    assert_eq!(updated.id, id);
    assert_eq!(updated.name.as_deref(), Some("Slack (Ada, rotated)"));
    assert_eq!(updated.scopes, ["chat:write", "channels:read"]);

    let info = user.authentication(&id).await.unwrap();
    assert_eq!(info.name.as_deref(), Some("Slack (Ada, rotated)"));
    let full = user.full_authentication(&id, false).await.unwrap();
    assert_eq!(
        full.credential("accessToken").map(|s| s.expose()),
        Some(NEW_ACCESS_TOKEN)
    );
    // Not sent: kept.
    assert_eq!(full.user_data, json!({"region": "us"}));
}

#[tokio::test]
async fn force_refresh_gets_a_new_access_token() {
    let (_emulator, _master, user, id) = start().await;
    let before = user.full_authentication(&id, false).await.unwrap();
    let again = user.full_authentication(&id, false).await.unwrap();
    assert_eq!(before, again);
    let after = user.full_authentication(&id, true).await.unwrap();
    assert_ne!(
        before.credential("accessToken"),
        after.credential("accessToken")
    );
}

/// A full authentication whose answer cannot be decoded: the error says where, and carries
/// no credential (they are taken out before the rest is decoded).
#[tokio::test]
async fn a_broken_full_answer_is_an_error_without_the_credentials() {
    let server = DocsServer::start(|_, index| match index {
        0 => Answer::json(
            200,
            &json!({"id": null, "credentials": {"accessToken": ACCESS_TOKEN}}),
        ),
        _ => Answer::text(
            200,
            "application/json",
            &format!("{{\"credentials\": {{\"accessToken\": \"{ACCESS_TOKEN}"),
        ),
    });
    let client = Client::builder()
        .token("user-token")
        .base_url(server.base_url())
        .build()
        .unwrap();
    for _ in 0..2 {
        let error = client
            .full_authentication(UNKNOWN_AUTH_ID, false)
            .await
            .unwrap_err();
        assert!(matches!(error, Error::Decode { .. }), "{error:?}");
        let text = format!("{error} {error:?}");
        assert!(text.contains("full authentication"), "{text}");
        assert_no_credential("the decode error", &text);
    }
}

#[tokio::test]
async fn a_wrong_id_is_a_clear_404_without_credentials() {
    let (_emulator, master, user, id) = start().await;
    for result in [
        user.full_authentication(UNKNOWN_AUTH_ID, false)
            .await
            .map(drop),
        user.update_authentication(
            UNKNOWN_AUTH_ID,
            &AuthenticationUpdate::new().credentials(json!({"accessToken": NEW_ACCESS_TOKEN})),
        )
        .await
        .map(drop),
        // The master token did not create it, so it cannot read its credentials.
        master.full_authentication(&id, false).await.map(drop),
    ] {
        let error = result.expect_err("refused");
        assert_eq!(error.status(), Some(404), "{error:?}");
        let text = format!("{error} {error:?}");
        assert!(text.contains("not found"), "{text}");
        assert_no_credential("the error", &text);
    }
    // An id cannot change the path: it arrives as one segment, exactly as given.
    let error = user.full_authentication("a/../b", false).await.unwrap_err();
    assert_eq!(error.status(), Some(404), "{error:?}");
    assert!(error.to_string().contains("'a/../b' not found"), "{error}");
}

#[tokio::test]
async fn a_bad_update_is_a_400_that_names_fields_not_values() {
    let (_emulator, _master, user, id) = start().await;
    let error = user
        .update_authentication(
            &id,
            &AuthenticationUpdate::new()
                .name(" ")
                .credentials(json!({"accessToken": NEW_ACCESS_TOKEN}))
                .user_data(json!({"region": "us"})),
        )
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(400), "{error:?}");
    assert!(format!("{error}").contains("\"name\""), "{error}");
    assert_no_credential("the error", &format!("{error} {error:?}"));
    // Nothing changed.
    let full = user.full_authentication(&id, false).await.unwrap();
    assert_eq!(
        full.credential("accessToken").map(|s| s.expose()),
        Some(ACCESS_TOKEN)
    );
}
