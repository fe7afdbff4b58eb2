//! End users and their authentications, end to end against the emulator's `embedded` surface:
//! user → user token → authorization code → auth dialog URL → authentication → listing with
//! paging → calls as the user, and every way that path fails.

use std::time::Duration;

use serde_json::json;
use tray_connect::{AuthDialogUrl, Client, Error, NewAuthentication, NewUser};
use tray_connect_emulator::{Emulator, EmulatorBuilder};
use tray_connect_tests::twilio;

const TWILIO: &str = include_str!("../schemas/twilio-output.json");
const MASTER: &str = "master-token";
/// A well-formed authId (a UUID) that no authentication has.
const UNKNOWN_AUTH_ID: &str = "497f6eca-6276-4993-bfeb-53cbbbba6f08";

/// A second connector of another service, for the 403 case.
const ECHO: &str = r#"{
    "connector": {"name": "echo", "version": "1.0",
                  "service": {"id": "svc-echo", "name": "echo", "version": 3}},
    "elements": [{"name": "ping", "authScopes": ["echo:ping"],
                  "inputSchema": {"type": "object"},
                  "outputSchema": {"type": "object", "properties": {"pong": {"type": "boolean"}}}}]
}"#;

fn emulator() -> EmulatorBuilder {
    Emulator::builder()
        .token(MASTER)
        .document_json(TWILIO)
        .document_json(ECHO)
}

fn master(emulator: &Emulator) -> Client {
    Client::builder()
        .token(MASTER)
        .base_url(emulator.base_url())
        .build()
        .expect("client builds")
}

fn sms() -> twilio::SendSms {
    twilio::SendSms::builder()
        .to("+15551234567")
        .from("+15557654321")
        .body("Your code is 1234")
        .build()
}

/// A user with a client acting as them.
async fn onboard(master: &Client, external_id: &str) -> (String, Client) {
    let user_id = master
        .create_user(&NewUser::new("Ada", external_id).test_user(true))
        .await
        .expect("user created");
    let token = master.user_token(&user_id).await.expect("user token");
    (user_id, master.as_user(token).expect("user client"))
}

async fn twilio_environment(client: &Client) -> String {
    let environments = client
        .service_environments("twilio", 1)
        .await
        .expect("environments");
    assert_eq!(environments.len(), 1);
    environments[0].id.clone()
}

#[tokio::test]
async fn the_whole_path_from_user_to_a_call_as_that_user() {
    let emulator = emulator().max_page_size(2).start().await.unwrap();
    let master = master(&emulator);
    assert_eq!(
        master.graphql_url(),
        format!("{}/graphql", emulator.base_url())
    );

    let (user_id, user) = onboard(&master, "ext-ada").await;
    let code = master.authorization_code(&user_id).await.expect("code");
    let environment = twilio_environment(&master).await;
    let url = AuthDialogUrl::new("acme", code.clone())
        .service_id("55d1154c-4fd8-4c2c-ba22-041deabfcbfd")
        .service_environment_id(&environment)
        .build()
        .unwrap();
    assert!(url.starts_with("https://embedded.tray.io/external/auth/create/acme?code="));
    assert!(url.contains(&format!("serviceEnvironmentId={environment}")));

    // The user completes the dialog once; the code is single use.
    let from_dialog = emulator
        .complete_auth_dialog(code.expose(), &environment, "Twilio (dialog)")
        .expect("code redeemed");
    assert_eq!(
        emulator.complete_auth_dialog(code.expose(), &environment, "again"),
        None
    );

    // More authentications through REST, as the user: five in all, three pages of two.
    let mut created = vec![from_dialog];
    for n in 0..4 {
        let id = user
            .create_authentication(
                &NewAuthentication::new(format!("Twilio {n}"), &environment)
                    .credentials(json!({"account_sid": "AC1", "auth_token": "t"}))
                    .scopes(["sms:send"]),
            )
            .await
            .expect("authentication created");
        created.push(id);
    }
    let info = user.authentication(&created[1]).await.unwrap();
    assert_eq!(info.name.as_deref(), Some("Twilio 0"));
    assert_eq!(
        info.service_environment_id.as_deref(),
        Some(environment.as_str())
    );
    assert_eq!(info.scopes, ["sms:send"]);

    let listed = user.list_authentications().await.expect("listed");
    let ids: Vec<&str> = listed.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, created.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(listed[0].name, "Twilio (dialog)");
    let service = listed[0].service.as_ref().unwrap();
    assert_eq!(
        (service.name.as_str(), service.version),
        ("twilio", Some(1))
    );
    assert_eq!(
        listed[0].service_environment.as_ref().unwrap().id,
        environment
    );

    // Calls as the user with their own authentication.
    let out = user.call(&listed[2].id, sms()).await.expect("call as user");
    assert!(!out.sid.is_empty());
    let call = emulator.calls().pop().unwrap();
    assert_eq!(call.auth_id.as_deref(), Some(listed[2].id.as_str()));

    // Deleted, it is gone for the user and for calls.
    user.delete_authentication(&created[4]).await.unwrap();
    assert_eq!(user.list_authentications().await.unwrap().len(), 4);
    let err = user.call(&created[4], sms()).await.unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");
}

#[tokio::test]
async fn another_users_auth_id_is_404_and_another_services_is_403() {
    let emulator = emulator().start().await.unwrap();
    let master = master(&emulator);
    let (_, ada) = onboard(&master, "ext-ada").await;
    let (_, bob) = onboard(&master, "ext-bob").await;
    let environment = twilio_environment(&master).await;
    let adas = ada
        .create_authentication(&NewAuthentication::new("Ada's Twilio", &environment))
        .await
        .unwrap();

    let err = bob.call(&adas, sms()).await.unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");
    assert!(err.to_string().contains("not found"), "{err}");
    assert_eq!(
        bob.authentication(&adas).await.unwrap_err().status(),
        Some(404)
    );
    assert_eq!(
        bob.delete_authentication(&adas).await.unwrap_err().status(),
        Some(404)
    );
    assert!(bob.list_authentications().await.unwrap().is_empty());

    // Tray: with the master token "authID must belong to your account": not Ada's, nor a
    // made-up one once authentications exist; one the master token created works.
    let err = master.call(&adas, sms()).await.unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");
    let err = master.call(UNKNOWN_AUTH_ID, sms()).await.unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");
    let own = master
        .create_authentication(&NewAuthentication::new("Account Twilio", &environment))
        .await
        .unwrap();
    master
        .call(&own, sms())
        .await
        .expect("master uses its own auth");

    // Ada's Twilio authentication cannot call the echo connector.
    let err = ada
        .call_raw("echo", "1.0", "ping", &adas, json!({}))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(403), "{err}");
}

#[tokio::test]
async fn without_created_auths_the_master_token_takes_any_uuid_auth_id() {
    let emulator = emulator().start().await.unwrap();
    let master = master(&emulator);
    master
        .call(UNKNOWN_AUTH_ID, sms())
        .await
        .expect("first-slice behaviour kept for UUIDs");
    // Not a UUID: Tray's 400, whoever calls.
    let err = master.call("auth-1", sms()).await.unwrap_err();
    assert_eq!(err.status(), Some(400), "{err}");
    // A user token is checked even then.
    let (_, user) = onboard(&master, "ext-ada").await;
    let err = user.call(UNKNOWN_AUTH_ID, sms()).await.unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");
}

#[tokio::test]
async fn an_expired_user_token_is_401_everywhere() {
    let emulator = emulator().start().await.unwrap();
    let master = master(&emulator);
    let (_, user) = onboard(&master, "ext-ada").await;
    user.list_authentications()
        .await
        .expect("fresh token works");

    emulator.advance_clock(Duration::from_secs(2 * 24 * 60 * 60 + 1));
    let err = user.list_authentications().await.unwrap_err();
    assert_eq!(err.status(), Some(401), "{err}");
    assert_eq!(
        err.to_string(),
        "Tray API error 401: The request is unauthorized"
    );
    let err = user.call("", sms()).await.unwrap_err();
    assert_eq!(err.status(), Some(401), "{err}");
    // The master token is unaffected.
    master.list_connectors().await.unwrap();
}

#[tokio::test]
async fn a_short_token_ttl_from_the_builder_expires_by_itself() {
    let emulator = emulator()
        .user_token_ttl(Duration::from_millis(50))
        .start()
        .await
        .unwrap();
    let master = master(&emulator);
    let (_, user) = onboard(&master, "ext-ada").await;
    tokio::time::sleep(Duration::from_millis(80)).await;
    let err = user.list_connectors().await.unwrap_err();
    assert_eq!(err.status(), Some(401), "{err}");
}

#[tokio::test]
async fn graphql_errors_become_errors() {
    let emulator = emulator().start().await.unwrap();
    let master = master(&emulator);

    // Rate limiting: HTTP 200 with an `errors` array.
    emulator.rate_limit_graphql(1);
    let err = master
        .create_user(&NewUser::new("Ada", "ext-ada"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::GraphQl { .. }), "{err:?}");
    assert!(err.is_rate_limited() && err.is_retryable());
    assert_eq!(err.to_string(), "Tray GraphQL error: Rate limit exceeded");

    // A resolver error: no such user.
    let err = master.user_token("no-such-user").await.unwrap_err();
    assert!(matches!(err, Error::GraphQl { .. }), "{err:?}");
    assert!(err.to_string().contains("User not found"), "{err}");
    assert!(!err.is_rate_limited());

    // A user token cannot create users.
    let (_, user) = onboard(&master, "ext-ada").await;
    let err = user
        .create_user(&NewUser::new("Eve", "ext-eve"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("master token"), "{err}");

    // A query the schema refuses.
    let err = master.graphql("{ nope }", json!({})).await.unwrap_err();
    assert!(matches!(err, Error::GraphQl { .. }), "{err:?}");

    // Rate limiting while listing is not mistaken for refused paging arguments: the query is
    // retried (the default policy: 5 attempts), and reported once the attempts are spent.
    emulator.rate_limit_graphql(1);
    user.list_authentications()
        .await
        .expect("a rate-limited query is retried");
    emulator.rate_limit_graphql(5);
    let err = user.list_authentications().await.unwrap_err();
    assert!(err.is_rate_limited(), "{err}");
}

#[tokio::test]
async fn a_rate_limited_mutation_is_never_sent_twice() {
    let emulator = emulator().start().await.unwrap();
    let master = master(&emulator);
    // Two refusals queued: had the first mutation been retried, the second would succeed.
    emulator.rate_limit_graphql(2);
    for _ in 0..2 {
        let err = master
            .create_user(&NewUser::new("Ada", "ext-ada"))
            .await
            .unwrap_err();
        assert!(err.is_rate_limited(), "{err}");
    }
    master
        .create_user(&NewUser::new("Ada", "ext-ada"))
        .await
        .expect("the limit is over");
}

#[tokio::test]
async fn refused_paging_arguments_fall_back_to_one_page() {
    let emulator = emulator()
        .graphql_paging(false)
        .max_page_size(2)
        .start()
        .await
        .unwrap();
    let master = master(&emulator);
    let (_, user) = onboard(&master, "ext-ada").await;
    let environment = twilio_environment(&user).await;
    for n in 0..3 {
        user.create_authentication(&NewAuthentication::new(format!("T{n}"), &environment))
            .await
            .unwrap();
    }
    // The paged query fails validation; the unpaged one answers its one page.
    let listed = user.list_authentications().await.expect("one page");
    let names: Vec<&str> = listed.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["T0", "T1"]);
}

#[tokio::test]
async fn unknown_services_and_environments_are_404() {
    let emulator = emulator().start().await.unwrap();
    let master = master(&emulator);
    let err = master.service_environments("twilio", 9).await.unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");
    let err = master
        .create_authentication(&NewAuthentication::new("x", "no-such-environment"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");
    let echo = master.service_environments("echo", 3).await.unwrap();
    assert_eq!(echo[0].scopes[0].scope, "echo:ping");
    assert_eq!(echo[0].title, "Production");
}
