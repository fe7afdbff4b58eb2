//! How the client meets Tray's GraphQL where it is loose: rate limiting reported in a 200,
//! paging arguments refused, errors next to partial data. Each behaviour against a scripted
//! server on 127.0.0.1.

mod support;

use std::time::Duration;

use serde_json::{Value, json};
use support::docs_server::{Answer, DocsServer};
use tray_connect::{Client, Error, NewUser, RetryPolicy};

fn client(server: &DocsServer) -> Client {
    Client::builder()
        .token("master")
        .base_url(server.base_url())
        .retry(
            RetryPolicy::new()
                .base_delay(Duration::from_millis(1))
                .max_delay(Duration::from_millis(5)),
        )
        .build()
        .unwrap()
}

fn rate_limited() -> Answer {
    Answer::json(
        200,
        &json!({"data": null, "errors": [{"message": "Rate limit exceeded"}]}),
    )
}

fn page(ids: &[&str], next: Option<&str>) -> Answer {
    let edges: Vec<Value> = ids
        .iter()
        .map(|id| {
            json!({"node": {"id": id, "name": format!("auth {id}"),
                   "service": {"id": "s", "name": "slack", "icon": null, "title": "Slack",
                               "version": "1"}}})
        })
        .collect();
    Answer::json(
        200,
        &json!({"data": {"viewer": {"authentications": {
            "edges": edges,
            "pageInfo": {"hasNextPage": next.is_some(), "hasPreviousPage": false,
                         "endCursor": next}}}}}),
    )
}

#[tokio::test]
async fn rate_limited_query_is_retried_and_keeps_fetched_pages() {
    let server = DocsServer::start(|_, index| match index {
        0 => page(&["a1", "a2"], Some("c1")),
        1 => rate_limited(),
        _ => page(&["a3"], None),
    });
    let listed = client(&server)
        .list_authentications()
        .await
        .expect("the rate-limited page is asked again");
    let ids: Vec<&str> = listed.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["a1", "a2", "a3"]);
    let sent = server.received();
    assert_eq!(sent.len(), 3);
    assert_eq!(sent[1].json()["variables"]["after"], "c1");
    assert_eq!(
        sent[2].json(),
        sent[1].json(),
        "the same page is asked again"
    );
}

#[tokio::test]
async fn rate_limited_query_reports_the_limit_once_the_attempts_are_spent() {
    let server = DocsServer::start(|_, _| rate_limited());
    let err = client(&server).list_authentications().await.unwrap_err();
    assert!(err.is_rate_limited(), "{err}");
    // The default read budget: 5 attempts.
    assert_eq!(server.received().len(), 5);
}

#[tokio::test]
async fn rate_limited_mutation_is_not_retried() {
    let server = DocsServer::start(|_, _| rate_limited());
    let client = client(&server);
    let err = client
        .create_user(&NewUser::new("Ada", "ext-ada"))
        .await
        .unwrap_err();
    assert!(err.is_rate_limited(), "{err}");
    let err = client.user_token("u-1").await.unwrap_err();
    assert!(err.is_rate_limited(), "{err}");
    let err = client.authorization_code("u-1").await.unwrap_err();
    assert!(err.is_rate_limited(), "{err}");
    assert_eq!(server.received().len(), 3, "one request per mutation");
}

#[tokio::test]
async fn raw_graphql_is_retried_only_when_the_document_is_a_query() {
    let server = DocsServer::start(|_, _| rate_limited());
    let client = client(&server);
    let err = client
        .graphql("query { viewer { id } }", json!({}))
        .await
        .unwrap_err();
    assert!(err.is_rate_limited());
    assert_eq!(server.received().len(), 5, "a query uses the read budget");

    let err = client
        .graphql(
            "mutation ($authenticationId: ID!){\n  removeAuthentication(input: { authenticationId: $authenticationId }) {\n    clientMutationId\n  }\n}",
            json!({"authenticationId": "a1"}),
        )
        .await
        .unwrap_err();
    assert!(err.is_rate_limited());
    assert_eq!(server.received().len(), 6, "a mutation is sent once");
}

#[tokio::test]
async fn raw_graphql_query_succeeds_after_a_rate_limit() {
    let server = DocsServer::start(|_, index| match index {
        0 => rate_limited(),
        _ => Answer::json(200, &json!({"data": {"viewer": {"id": "v"}}})),
    });
    let data = client(&server)
        .graphql("{ viewer { id } }", json!({}))
        .await
        .unwrap();
    assert_eq!(data, json!({"viewer": {"id": "v"}}));
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn paging_fallback_when_tray_answers_http_400() {
    let server = DocsServer::start(|request, _| {
        if request.query().contains("$first") {
            Answer::json(
                400,
                &json!({"errors": [{"message": "Unknown argument \"after\" on field \"authentications\"."}]}),
            )
        } else {
            page(&["a1"], None)
        }
    });
    let listed = client(&server).list_authentications().await.unwrap();
    assert_eq!(listed.len(), 1);
    let sent = server.received();
    assert_eq!(
        sent.len(),
        2,
        "the 400 is not retried, the fallback follows"
    );
    assert!(!sent[1].query().contains("first"));
}

#[tokio::test]
async fn paging_fallback_when_tray_answers_a_validation_error_in_a_200() {
    let server = DocsServer::start(|request, _| {
        if request.query().contains("$first") {
            Answer::json(
                200,
                &json!({"errors": [{"message": "Unknown argument \"first\" on field \"Viewer.authentications\"."}]}),
            )
        } else {
            page(&["a1", "a2"], None)
        }
    });
    let listed = client(&server).list_authentications().await.unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn an_http_400_that_is_not_about_paging_is_an_error() {
    let server =
        DocsServer::start(|_, _| Answer::json(400, &json!({"message": "Bad token", "code": null})));
    let err = client(&server).list_authentications().await.unwrap_err();
    assert_eq!(err.status(), Some(400), "{err}");
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn create_user_keeps_the_user_id_when_the_answer_also_has_errors() {
    let server = DocsServer::start(|_, _| {
        Answer::json(
            200,
            &json!({"data": {"createExternalUser": {"userId": "fbb96559-0000-0000-0000-5552c2d2fca4"}},
                    "errors": [{"message": "audit log unavailable", "path": ["audit"]}]}),
        )
    });
    let user_id = client(&server)
        .create_user(&NewUser::new("Ada", "ext-ada"))
        .await
        .expect("the user was created: its id is not lost to an unrelated error");
    assert_eq!(user_id, "fbb96559-0000-0000-0000-5552c2d2fca4");
}

#[tokio::test]
async fn partial_data_stays_in_the_error_when_the_answer_is_not_whole() {
    let server = DocsServer::start(|_, _| {
        Answer::json(
            200,
            &json!({"data": {"viewer": null, "other": {"x": 1}},
                    "errors": [{"message": "viewer failed", "path": ["viewer"]}]}),
        )
    });
    let client = client(&server);
    let err = client.list_authentications().await.unwrap_err();
    assert!(matches!(err, Error::GraphQl { .. }), "{err:?}");
    assert_eq!(err.to_string(), "Tray GraphQL error: viewer failed");
    let err = client
        .graphql("{ viewer { id } other { x } }", json!({}))
        .await
        .unwrap_err();
    assert_eq!(
        err.partial_data(),
        Some(&json!({"viewer": null, "other": {"x": 1}}))
    );
}

#[tokio::test]
async fn an_edge_without_an_id_does_not_cost_the_page() {
    let server = DocsServer::start(|_, _| {
        Answer::json(
            200,
            &json!({"data": {"viewer": {"authentications": {
                "edges": [{"node": {"id": "a1", "name": null}}, {"node": {"name": "no id"}},
                          null, {"node": {"id": "a3", "service": {"version": 2}}}],
                "pageInfo": null}}}}),
        )
    });
    let listed = client(&server).list_authentications().await.unwrap();
    let ids: Vec<&str> = listed.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["a1", "a3"]);
    assert_eq!(listed[1].service.as_ref().unwrap().version, Some(2));
}
