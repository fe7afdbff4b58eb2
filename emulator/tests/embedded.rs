//! The `embedded` surface where Tray is strict: authIds are UUIDs, the master token calls only
//! with its own, Tray's documented GraphQL texts are accepted verbatim, `service.version` is
//! text, and a deletion answers 204 with an empty body.
#![cfg(feature = "embedded")]

mod support;

use serde_json::{Value, json};
use support::{AUTH_ID, TOKEN, call, http, samples};
use tray_connect_emulator::Emulator;

/// Tray's published examples (see `core/tests/fixtures/embedded/SOURCES.md`).
fn published(id: &str) -> Value {
    let all: Value = serde_json::from_str(include_str!(
        "../../core/tests/fixtures/embedded/published-examples.json"
    ))
    .unwrap();
    all["examples"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == id)
        .unwrap_or_else(|| panic!("no published example {id}"))["request"]["body"]
        .clone()
}

async fn graphql(emulator: &Emulator, token: &str, body: &Value) -> Value {
    let response = http()
        .post(format!("{}/graphql", emulator.base_url()))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

/// A published request with its variables (the example ids are placeholders) replaced.
fn with_variables(id: &str, variables: Value) -> Value {
    let mut body = published(id);
    for (key, value) in variables.as_object().unwrap() {
        body["variables"][key] = value.clone();
    }
    body
}

fn is_uuid(id: &str) -> bool {
    let parts: Vec<&str> = id.split('-').collect();
    parts.iter().map(|p| p.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        && parts
            .iter()
            .all(|p| p.chars().all(|c| c.is_ascii_hexdigit()))
}

/// A user created with Tray's documented mutation, and their token from the documented one.
async fn documented_user(emulator: &Emulator) -> (String, String) {
    let created = graphql(emulator, TOKEN, &published("graphql_create_billable_user")).await;
    assert_eq!(created.get("errors"), None, "{created}");
    let user_id = created["data"]["createExternalUser"]["userId"]
        .as_str()
        .unwrap()
        .to_owned();
    let token = graphql(
        emulator,
        TOKEN,
        &with_variables("graphql_authorize", json!({"userId": user_id})),
    )
    .await;
    assert_eq!(token.get("errors"), None, "{token}");
    let token = token["data"]["authorize"]["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    (user_id, token)
}

async fn environment_of(emulator: &Emulator, service: &str, version: u32) -> String {
    let answer: Value = http()
        .get(format!(
            "{}/core/v1/services/{service}/versions/{version}/environments",
            emulator.base_url()
        ))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    answer["elements"][0]["id"].as_str().unwrap().to_owned()
}

async fn create_authentication(emulator: &Emulator, token: &str, environment: &str) -> String {
    let answer: Value = http()
        .post(format!("{}/core/v1/authentications", emulator.base_url()))
        .bearer_auth(token)
        .json(&json!({"name": "Slack", "serviceEnvironmentId": environment}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    answer["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn documented_graphql_texts_are_accepted_verbatim() {
    let emulator = samples().await;
    let (user_id, user_token) = documented_user(&emulator).await;
    assert!(is_uuid(&user_id), "{user_id}");

    for id in [
        "graphql_create_test_user",
        "graphql_create_user_inline",
        "graphql_generate_authorization_code",
        "graphql_generate_authorization_code_with_client_mutation_id",
        "graphql_authorize_with_client_mutation_id",
    ] {
        let body = with_variables(id, json!({"userId": user_id}));
        let answer = graphql(&emulator, TOKEN, &body).await;
        assert_eq!(answer.get("errors"), None, "{id}: {answer}");
    }
    let answer = graphql(
        &emulator,
        TOKEN,
        &with_variables(
            "graphql_generate_authorization_code_with_client_mutation_id",
            json!({"userId": user_id}),
        ),
    )
    .await;
    assert_eq!(
        answer["data"]["generateAuthorizationCode"]["clientMutationId"],
        "my-mutation-id"
    );
    // Documents with the user id written inline: valid, the placeholder user is unknown.
    for id in [
        "graphql_authorize_inline",
        "graphql_generate_authorization_code_inline",
    ] {
        let answer = graphql(&emulator, TOKEN, &published(id)).await;
        let message = answer["errors"][0]["message"].as_str().unwrap();
        assert!(message.starts_with("User not found"), "{id}: {answer}");
    }

    for id in [
        "graphql_get_authentications",
        "graphql_get_authentications_spec_request",
    ] {
        let answer = graphql(&emulator, &user_token, &published(id)).await;
        assert_eq!(answer.get("errors"), None, "{id}: {answer}");
        assert_eq!(
            answer["data"]["viewer"]["authentications"]["edges"],
            json!([])
        );
    }

    let environment = environment_of(&emulator, "slack", 4).await;
    for id in [
        "graphql_remove_authentication",
        "graphql_remove_authentication_with_client_mutation_id",
    ] {
        let auth = create_authentication(&emulator, &user_token, &environment).await;
        let body = with_variables(id, json!({"authenticationId": auth}));
        let answer = graphql(&emulator, &user_token, &body).await;
        assert_eq!(answer.get("errors"), None, "{id}: {answer}");
    }
}

#[tokio::test]
async fn service_version_is_text_in_graphql() {
    let emulator = samples().await;
    let (_, user_token) = documented_user(&emulator).await;
    let environment = environment_of(&emulator, "slack", 4).await;
    create_authentication(&emulator, &user_token, &environment).await;
    let answer = graphql(
        &emulator,
        &user_token,
        &published("graphql_get_authentications"),
    )
    .await;
    let service = &answer["data"]["viewer"]["authentications"]["edges"][0]["node"]["service"];
    assert_eq!(service["name"], "slack");
    assert_eq!(service["version"], "4");
}

#[tokio::test]
async fn auth_ids_are_uuids() {
    let emulator = samples().await;
    let (user_id, user_token) = documented_user(&emulator).await;
    let environment = environment_of(&emulator, "slack", 4).await;
    let by_rest = create_authentication(&emulator, &user_token, &environment).await;
    assert!(is_uuid(&by_rest), "{by_rest}");
    let code = graphql(
        &emulator,
        TOKEN,
        &with_variables(
            "graphql_generate_authorization_code",
            json!({"userId": user_id}),
        ),
    )
    .await;
    let code = code["data"]["generateAuthorizationCode"]["authorizationCode"]
        .as_str()
        .unwrap();
    let by_dialog = emulator
        .complete_auth_dialog(code, &environment, "Slack")
        .unwrap();
    assert!(is_uuid(&by_dialog), "{by_dialog}");
    assert_ne!(by_rest, by_dialog);
}

#[tokio::test]
async fn master_token_calls_only_with_its_own_auth_ids() {
    let emulator = samples().await;
    let send = |auth: &str| {
        json!({"operation": "send_message", "authId": auth,
               "input": {"channel_id": "C1", "message": "hi", "time": "now"}})
    };
    // No authentication yet: any UUID is taken (the emulator's crate docs).
    let (status, _) = call(&emulator, "slack", "9.1", send(AUTH_ID)).await;
    assert_eq!(status, 200);

    let (_, user_token) = documented_user(&emulator).await;
    let environment = environment_of(&emulator, "slack", 4).await;
    let users = create_authentication(&emulator, &user_token, &environment).await;
    let masters = create_authentication(&emulator, TOKEN, &environment).await;

    // Tray: "If master token is used [...] authID must belong to your account."
    let (status, body) = call(&emulator, "slack", "9.1", send(&users)).await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(body["code"], Value::Null);
    let (status, _) = call(&emulator, "slack", "9.1", send(AUTH_ID)).await;
    assert_eq!(status, 404);
    let (status, body) = call(&emulator, "slack", "9.1", send(&masters)).await;
    assert_eq!(status, 200, "{body}");

    // The user, in turn, only with theirs.
    let as_user = |auth: &str| {
        let emulator = &emulator;
        let body = send(auth);
        let token = user_token.clone();
        async move {
            http()
                .post(support::call_url(emulator, "slack", "9.1"))
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(as_user(&users).await, 200);
    assert_eq!(as_user(&masters).await, 404);
}

#[tokio::test]
async fn deleting_an_authentication_answers_204_with_an_empty_text_html_body() {
    let emulator = samples().await;
    let (_, user_token) = documented_user(&emulator).await;
    let environment = environment_of(&emulator, "slack", 4).await;
    let auth = create_authentication(&emulator, &user_token, &environment).await;
    let url = format!("{}/core/v1/authentications/{auth}", emulator.base_url());
    let response = http()
        .delete(&url)
        .bearer_auth(&user_token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    // As Tray's published answer: an empty `text/html` body.
    assert_eq!(response.headers()["content-type"], "text/html");
    assert!(response.bytes().await.unwrap().is_empty());
    let again = http()
        .delete(&url)
        .bearer_auth(&user_token)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 404);
}

/// A fragment bomb of `levels` levels: each fragment spreads the next one twice, so the
/// document selects 2^`levels` fields once expanded.
fn fragment_bomb(levels: usize) -> String {
    let mut query = String::from("query { viewer { ...F0 } }\n");
    for i in 0..levels {
        query.push_str(&format!(
            "fragment F{i} on Viewer {{ ...F{next} ...F{next} }}\n",
            next = i + 1
        ));
    }
    query.push_str(&format!(
        "fragment F{levels} on Viewer {{ authentications {{ edges {{ node {{ id name }} }} }} }}\n"
    ));
    query
}

#[tokio::test]
async fn a_fragment_bomb_is_refused_with_a_graphql_error() {
    // The red team's bomb, about 1.9 KB: 2^45 fields once expanded. Before the limits, 20
    // levels took 21 s (×4 every 2 levels), and async-graphql's own depth and complexity
    // limits do not help: they expand fragments to count. The client's 5 s timeout is the
    // hang guard.
    let emulator = samples().await;
    let query = fragment_bomb(45);
    assert!((1_800..2_100).contains(&query.len()), "{}", query.len());
    let started = std::time::Instant::now();
    let answer = graphql(&emulator, TOKEN, &json!({ "query": query })).await;
    println!(
        "a fragment bomb of {} bytes, 45 levels: answered in {:?}",
        query.len(),
        started.elapsed()
    );
    assert_eq!(answer["data"], Value::Null, "{answer}");
    assert_eq!(
        answer["errors"][0]["message"],
        "Query is too complex: more than 1000 selections once its fragments are expanded, or \
         nested more than 64 deep",
        "{answer}"
    );
    // A fragment that spreads itself is the validator's to report, at once too.
    let cycle = "query { viewer { ...A } } fragment A on Viewer { ...A ...A }";
    let answer = graphql(&emulator, TOKEN, &json!({ "query": cycle })).await;
    assert_eq!(answer["data"], Value::Null, "{answer}");
    assert!(answer["errors"][0]["message"].is_string(), "{answer}");
    // A small bomb within the limits is still answered.
    let answer = graphql(&emulator, TOKEN, &json!({ "query": fragment_bomb(3) })).await;
    assert_eq!(answer.get("errors"), None, "{answer}");
}

#[tokio::test]
async fn graphiql_s_introspection_query_is_within_the_limits() {
    // The deepest and largest document a GraphQL tool sends (graphql-js'
    // `getIntrospectionQuery()`): the limits leave room for it, and so for every document of
    // the SDK (`core/src/embedded.rs`; its tests run against the emulator).
    let emulator = samples().await;
    let answer = graphql(&emulator, TOKEN, &json!({ "query": INTROSPECTION })).await;
    assert_eq!(answer.get("errors"), None, "{answer}");
    assert!(answer["data"]["__schema"]["types"].is_array(), "{answer}");
}

/// graphql-js' `getIntrospectionQuery()`, default options.
const INTROSPECTION: &str = "
    query IntrospectionQuery {
      __schema {
        queryType { name }
        mutationType { name }
        subscriptionType { name }
        types { ...FullType }
        directives { name description locations args { ...InputValue } }
      }
    }
    fragment FullType on __Type {
      kind name description
      fields(includeDeprecated: true) {
        name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason
      }
      inputFields { ...InputValue }
      interfaces { ...TypeRef }
      enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
      possibleTypes { ...TypeRef }
    }
    fragment InputValue on __InputValue {
      name description type { ...TypeRef } defaultValue
    }
    fragment TypeRef on __Type {
      kind name
      ofType { kind name ofType { kind name ofType { kind name ofType { kind name
        ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }
    }
";
