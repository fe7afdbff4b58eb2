//! The client against a server that answers exactly with Tray's published examples
//! (`fixtures/embedded/published-examples.json`, each with its source): every documented
//! answer goes through the client's own decoders, and every request the client sends is
//! compared with the documented one.

mod support;

use serde_json::{Value, json};
use support::docs_server::{
    Answer, DocsServer, Received, documented_answer, documented_request, example,
};
use tray_connect::{
    AuthDialogUrl, AuthenticationUpdate, Client, NewAuthentication, NewUser, Region, RetryPolicy,
};

/// A Tray stand-in: each GraphQL operation and REST endpoint answered with its documented
/// example. `list` answers `viewer.authentications`.
fn tray(list: impl Fn(&Received) -> Answer + Send + Sync + 'static) -> DocsServer {
    DocsServer::start(move |request, _| {
        let query = request.query();
        match (request.method.as_str(), request.path.as_str()) {
            ("POST", "/graphql") if query.contains("createExternalUser") => {
                documented_answer("graphql_create_billable_user")
            }
            ("POST", "/graphql") if query.contains("generateAuthorizationCode") => {
                documented_answer("graphql_generate_authorization_code")
            }
            ("POST", "/graphql") if query.contains("authorize") => {
                documented_answer("graphql_authorize")
            }
            ("POST", "/graphql") if query.contains("authentications") => list(request),
            ("POST", "/core/v1/authentications") => documented_answer("rest_create_authentication"),
            ("GET", path) if path.starts_with("/core/v1/authentications/") => {
                documented_answer("rest_get_authentication")
            }
            ("DELETE", path) if path.starts_with("/core/v1/authentications/") => {
                documented_answer("rest_delete_authentication")
            }
            ("GET", path) if path.starts_with("/core/v1/services/") => {
                let samples: Value = serde_json::from_str(include_str!(
                    "fixtures/service-environments-examples.json"
                ))
                .unwrap();
                let key = match path {
                    "/core/v1/services/slack/versions/4/environments" => "slack_v4",
                    "/core/v1/services/netsuite/versions/1/environments" => "netsuite_v1",
                    _ => "older_docs_api_key_service",
                };
                Answer::json(200, &samples[key])
            }
            _ => Answer::json(404, &json!({"message": "Not found", "code": null})),
        }
    })
}

/// A master-token client of `server` (GraphQL on `{base}/graphql`, as for any loopback host).
fn client(server: &DocsServer) -> Client {
    Client::builder()
        .token("3fd74d349xxxxxxxxxxxxxxxxxxxxxxxxd90df521")
        .base_url(server.base_url())
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

/// Asserts the client sent exactly the documented body: the same JSON, and the GraphQL
/// document byte for byte.
fn assert_sent_as_documented(sent: &Received, id: &str) {
    let documented = documented_request(id);
    assert_eq!(sent.json(), documented, "{id}: body");
    if let Some(query) = documented["query"].as_str() {
        assert_eq!(sent.query(), query, "{id}: GraphQL document");
    }
}

#[tokio::test]
async fn create_user_sends_trays_documented_body_and_reads_its_answer() {
    let server = tray(|_| unreachable!());
    let client = client(&server);
    let user_id = client
        .create_user(&NewUser::new(
            "Dwight Schrute",
            "my-apps-user-id-for-dwight",
        ))
        .await
        .expect("the documented answer decodes");
    assert_eq!(user_id, "fbb96559-xxxx-xxxx-xxxx-5552c2d2fca4");
    client
        .create_user(&NewUser::new("Dwight Schrute", "my-apps-user-id-for-dwight").test_user(true))
        .await
        .unwrap();
    let sent = server.received();
    assert_sent_as_documented(&sent[0], "graphql_create_billable_user");
    assert_sent_as_documented(&sent[1], "graphql_create_test_user");
    assert_eq!(sent[0].path, "/graphql");
    assert_eq!(
        sent[0].authorization.as_deref(),
        Some("Bearer 3fd74d349xxxxxxxxxxxxxxxxxxxxxxxxd90df521")
    );
}

#[tokio::test]
async fn user_token_sends_trays_documented_body_and_reads_its_answer() {
    let server = tray(|_| unreachable!());
    let token = client(&server)
        .user_token("d869ec65-XXXX-XXXX-XXXX-ac5c1a3958b6")
        .await
        .expect("the documented answer decodes");
    assert_eq!(
        token.expose(),
        "0c8c8e16e39e4xxxxxxxxxxxxxxxxxxxxxx49545b584e307063710d1ee"
    );
    assert_sent_as_documented(&server.received()[0], "graphql_authorize");
}

#[tokio::test]
async fn authorization_code_sends_trays_documented_body_and_reads_its_answer() {
    let server = tray(|_| unreachable!());
    let code = client(&server)
        .authorization_code("d869ec65-XXXX-XXXX-XXXX-ac5c1a3958b6")
        .await
        .expect("the documented answer (with clientMutationId: null) decodes");
    assert_eq!(code.expose(), "b8aab26cxxxxxxxxxxxxxxxxxxxx776c7bba7977");
    assert_sent_as_documented(&server.received()[0], "graphql_generate_authorization_code");
}

fn assert_documented_authentications(listed: &[tray_connect::Authentication]) {
    let expected = &example("graphql_get_authentications")["response"]["body"]["data"]["viewer"]["authentications"]
        ["edges"];
    assert_eq!(listed.len(), expected.as_array().unwrap().len());
    for (auth, edge) in listed.iter().zip(expected.as_array().unwrap()) {
        let node = &edge["node"];
        assert_eq!(auth.id, node["id"].as_str().unwrap());
        assert_eq!(auth.name, node["name"].as_str().unwrap());
        let service = auth.service.as_ref().expect("service decoded");
        assert_eq!(service.id, node["service"]["id"].as_str().unwrap());
        assert_eq!(service.name, node["service"]["name"].as_str().unwrap());
        assert_eq!(service.title.as_deref(), node["service"]["title"].as_str());
        assert_eq!(service.icon.as_deref(), node["service"]["icon"].as_str());
        // Published as the text "1".
        assert_eq!(service.version, Some(1));
        assert_eq!(auth.service_environment, None);
    }
}

#[tokio::test]
async fn list_authentications_reads_the_documented_answer() {
    // A server that answers any authentications query with the documented example (which has
    // no pageInfo: one page).
    let server = tray(|_| documented_answer("graphql_get_authentications"));
    let listed = client(&server)
        .as_user("0c8c8e16e39e4xxxxxxxxxxxxxxxxxxxxxx49545b584e307063710d1ee")
        .unwrap()
        .list_authentications()
        .await
        .expect("the documented answer decodes");
    assert_documented_authentications(&listed);
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn list_authentications_falls_back_to_the_documented_query_verbatim() {
    // A server that knows only the documented query, and refuses paging arguments as a GraphQL
    // server validating the document does, with HTTP 400.
    let documented = documented_request("graphql_get_authentications");
    let server = tray(move |request| {
        if request.json() == documented {
            documented_answer("graphql_get_authentications")
        } else {
            Answer::json(
                400,
                &json!({"errors": [{"message":
                    "Unknown argument \"first\" on field \"authentications\" of type \"Viewer\"."}]}),
            )
        }
    });
    let listed = client(&server)
        .list_authentications()
        .await
        .expect("falls back");
    assert_documented_authentications(&listed);
    let sent = server.received();
    assert_eq!(sent.len(), 2);
    assert!(sent[0].query().contains("first: $first"));
    assert_sent_as_documented(&sent[1], "graphql_get_authentications");
}

#[tokio::test]
async fn rest_authentication_endpoints_match_the_published_examples() {
    let server = tray(|_| unreachable!());
    let client = client(&server);
    let documented = documented_request("rest_create_authentication");
    let new = NewAuthentication::new(
        documented["name"].as_str().unwrap(),
        documented["serviceEnvironmentId"].as_str().unwrap(),
    )
    .user_data(documented["userData"].clone())
    .credentials(documented["credentials"].clone())
    .scopes(["read", "write"])
    .on_prem_agent_group_id(documented["onPremAgentGroupId"].as_str().unwrap());
    let id = client.create_authentication(&new).await.unwrap();
    assert_eq!(id, "123e4567-aaaa-aaaa-aaaa-aaaaaa614174");

    let info = client.authentication(&id).await.unwrap();
    assert_eq!(info.name.as_deref(), Some("Example authentication"));
    assert_eq!(
        info.service_environment_id.as_deref(),
        Some("123e4567-aaaa-aaaa-aaaa-aaaaaa614174")
    );
    assert_eq!(info.scopes, ["read", "write"]);

    // 204 with an empty text/html body.
    client.delete_authentication(&id).await.unwrap();

    let sent = server.received();
    assert_eq!(sent[0].json(), documented);
    assert_eq!(
        (sent[1].method.as_str(), sent[1].path.as_str()),
        (
            "GET",
            "/core/v1/authentications/123e4567-aaaa-aaaa-aaaa-aaaaaa614174"
        )
    );
    assert_eq!(sent[2].method, "DELETE");
}

#[tokio::test]
async fn published_service_environments_decode() {
    let server = tray(|_| unreachable!());
    let client = client(&server);
    let slack = client.service_environments("slack", 4).await.unwrap();
    assert_eq!(slack[0].id, "228axxxx-xxxx-xxxx-xxxx-xxxxxxa244c1");
    assert_eq!(slack[0].scopes.len(), 5);
    assert_eq!(slack[0].scopes[4].scope, "chat:write:bot");
    assert_eq!(
        slack[0].scopes[4].description.as_deref(),
        Some("Send messages as tray.io")
    );
    let netsuite = client.service_environments("netsuite", 1).await.unwrap();
    assert_eq!(netsuite[0].authentication_type.as_deref(), Some("token"));
    assert!(netsuite[0].scopes.is_empty());
    assert_eq!(
        netsuite[0].credentials_schema["properties"]["account"]["tytpe"],
        "string"
    );
    let older = client.service_environments("older", 1).await.unwrap();
    assert!(!older.is_empty());
}

#[tokio::test]
async fn auth_dialog_url_matches_the_documented_url_per_region() {
    let server = tray(|_| unreachable!());
    let code = client(&server)
        .authorization_code("fbb96559-xxxx-xxxx-xxxx-5552c2d2fca4")
        .await
        .unwrap();
    let template = example("auth_dialog_url_template")["template"]
        .as_str()
        .unwrap()
        .to_owned();
    let hosts = example("auth_dialog_hosts")["hosts"].clone();
    let graphql = example("graphql_endpoints")["hosts"].clone();
    for (region, key) in [(Region::Us, "us"), (Region::Eu, "eu"), (Region::Ap, "ap")] {
        let host = hosts[key].as_str().unwrap();
        assert_eq!(region.auth_dialog_url(), host);
        let url = AuthDialogUrl::new("acme", code.clone())
            .region(region)
            .service_id("55d1154c-4fd8-4c2c-ba22-041deabfcbfd")
            .service_environment_id("228axxxx-xxxx-xxxx-xxxx-xxxxxxa244c1")
            .scopes(["channels:read", "chat:write:bot"])
            .build()
            .unwrap();
        // The documented template on the region's host, each scope one `scopes[]`.
        let documented = template
            .replace("https://embedded.tray.io", host)
            .replace("{partnerName}", "acme")
            .replace("{authorizationCode}", code.expose())
            .replace("{serviceId}", "55d1154c-4fd8-4c2c-ba22-041deabfcbfd")
            .replace(
                "{serviceEnvironmentId}",
                "228axxxx-xxxx-xxxx-xxxx-xxxxxxa244c1",
            )
            .replace("{scopes}", "channels:read&scopes[]=chat:write:bot");
        assert_eq!(parsed(&url), parsed(&documented), "{region:?}");

        // The Embedded API of the same region.
        let client = Client::builder().token("t").region(region).build().unwrap();
        assert_eq!(client.graphql_url(), graphql[key].as_str().unwrap());
    }
}

/// Scheme, host, path and the decoded query pairs in order.
fn parsed(url: &str) -> (String, Vec<(String, String)>) {
    let url = reqwest::Url::parse(url).unwrap();
    let pairs = url.query_pairs().into_owned().collect();
    (
        format!(
            "{}://{}{}",
            url.scheme(),
            url.host_str().unwrap(),
            url.path()
        ),
        pairs,
    )
}

/// Tray's published examples, through a server that answers exactly with them: the request
/// the client sends and the answers it decodes.
#[tokio::test]
async fn update_and_full_authentication_match_the_published_examples() {
    let server = DocsServer::start(|request, _| match request.method.as_str() {
        "PUT" => documented_answer("rest_update_authentication"),
        _ => documented_answer("rest_get_full_authentication"),
    });
    let client = Client::builder()
        .token("user-token")
        .base_url(server.base_url())
        .build()
        .unwrap();
    let id = "123e4567-aaaa-aaaa-aaaa-aaaaaa614174";
    let documented = documented_request("rest_update_authentication");
    let update = AuthenticationUpdate::new()
        .name("Example authentication")
        .user_data(json!({"region": "us"}))
        .credentials(json!({"token": "example_token"}))
        .scopes(["read", "write"])
        .on_prem_agent_group_id("123e4567-aaaa-aaaa-aaaa-aaaaaa614174");
    let updated = client.update_authentication(id, &update).await.unwrap();
    assert_eq!(updated.name.as_deref(), Some("Example authentication"));
    assert_eq!(updated.scopes, ["read", "write"]);
    let full = client.full_authentication(id, true).await.unwrap();
    assert_eq!(full.credential("accessToken").unwrap().expose(), "XXXXX");
    assert_eq!(full.credential("tokenType").unwrap().expose(), "Bearer");
    assert_eq!(full.credential("expiresIn").unwrap().expose(), "3600");
    assert_eq!(
        full.user_data,
        json!({"userId": "123e4567-aaaa-aaaa-aaaa-aaaaaa614174"})
    );
    assert_eq!(
        full.on_prem_agent_group_id.as_deref(),
        Some("123e4567-aaaa-aaaa-aaaa-aaaaaa614174")
    );
    let received = server.received();
    assert_eq!(received[0].method, "PUT");
    assert_eq!(received[0].path, format!("/core/v1/authentications/{id}"));
    assert_eq!(received[0].json(), documented);
    assert_eq!(received[1].method, "GET");
    assert_eq!(
        received[1].path,
        format!("/core/v1/authentications/{id}/full?forceRefresh=true")
    );
}

#[tokio::test]
async fn every_published_answer_is_replayed_here() {
    // Every example with an answer is served by `tray` above and decoded in a test of this
    // file; this keeps a new example from being added without one.
    let all: Value =
        serde_json::from_str(include_str!("fixtures/embedded/published-examples.json")).unwrap();
    let replayed = [
        "graphql_create_billable_user",
        "graphql_create_user_inline",
        "graphql_authorize",
        "graphql_authorize_inline",
        "graphql_generate_authorization_code",
        "graphql_generate_authorization_code_inline",
        "graphql_get_authentications",
        "rest_create_authentication",
        "rest_get_authentication",
        "rest_delete_authentication",
        "rest_update_authentication",
        "rest_get_full_authentication",
    ];
    for example in all["examples"].as_array().unwrap() {
        let id = example["id"].as_str().unwrap();
        let has_answer = !example["response"].is_null();
        assert_eq!(
            has_answer,
            replayed.contains(&id),
            "{id}: every published answer is replayed, and only those"
        );
        let sourced = |part: &Value| part.is_null() || part["source"].as_str().is_some();
        assert!(
            sourced(&example["request"]) && sourced(&example["response"]),
            "{id}: each part names its source"
        );
    }
    // The inline variants answer like the ones with variables: the same documented bodies.
    assert_eq!(
        example("graphql_create_user_inline")["response"],
        example("graphql_create_billable_user")["response"]
    );
    assert_eq!(
        example("graphql_authorize_inline")["response"],
        example("graphql_authorize")["response"]
    );
    assert_eq!(
        example("graphql_generate_authorization_code_inline")["response"],
        example("graphql_generate_authorization_code")["response"]
    );
}
