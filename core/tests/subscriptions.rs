//! The client's trigger endpoints against a scripted stand-in for Tray (`support::docs_server`,
//! a plain HTTP server on 127.0.0.1 that records every request as it arrived): Tray's
//! published List Triggers examples, what goes on the wire, paging with both cursor
//! spellings, servers whose pages cannot be followed, and which failures are retried.
//! `triggers_emulator.rs` runs the same endpoints against the emulator.

mod support;

use serde_json::{Value, json};
use support::docs_server::{Answer, DocsServer, Received};
use support::fast;
use support::gosquared::entered;
use tray_connect::{
    Client, Error, NewSubscription, RetryPolicy, SubscriptionInfo, SubscriptionState,
};

const SUBSCRIPTION_ID: &str = "1a71daf1-0000-4000-8000-dbb4ab325a55";

fn client(server: &DocsServer, retry: RetryPolicy) -> Client {
    Client::builder()
        .token("3fd74d349xxxxxxxxxxxxxxxxxxxxxxxxd90df521")
        .base_url(server.base_url())
        .retry(fast(retry))
        .build()
        .unwrap()
}

fn subscription(id: &str) -> Value {
    json!({"id": id, "name": format!("sub {id}"),
           "trigger": {"name": "gosquared-trigger", "version": "1.0"},
           "operation": "entered_smart_group_init", "endpoint": format!("https://hooks.example/{id}"),
           "input": {"value": "vip"}, "state": "active"})
}

fn created() -> Answer {
    let mut answer = subscription(SUBSCRIPTION_ID);
    answer["signingKey"] = json!("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
    Answer::json(200, &answer)
}

fn status(status: u16, message: &str) -> Answer {
    Answer::json(status, &json!({"message": message, "code": null}))
}

/// Reads the whole stream: the subscriptions before the first error, and that error.
async fn list_all(client: &Client) -> (Vec<SubscriptionInfo>, Option<Error>) {
    let mut listed = Vec::new();
    let mut subscriptions = client.subscriptions();
    while let Some(item) = subscriptions.next().await {
        match item {
            Ok(subscription) => listed.push(subscription),
            Err(error) => {
                assert!(
                    subscriptions.next().await.is_none(),
                    "the stream ends after an error"
                );
                return (listed, Some(error));
            }
        }
    }
    (listed, None)
}

fn ids(listed: &[SubscriptionInfo]) -> Vec<&str> {
    listed.iter().map(|s| s.id.as_str()).collect()
}

#[tokio::test]
async fn list_triggers_reads_trays_published_examples() {
    let server = DocsServer::start(|request, index| {
        assert_eq!(
            (request.method.as_str(), request.path.as_str()),
            ("GET", "/core/v1/triggers")
        );
        let example = match index {
            0 => include_str!("fixtures/triggers/triggers-list.json"),
            _ => include_str!("fixtures/triggers/triggers-list-guide.json"),
        };
        Answer::json(200, &serde_json::from_str(example).unwrap())
    });
    let client = client(&server, RetryPolicy::none());
    let published = client.list_triggers().await.unwrap();
    let listed: Vec<(&str, &str)> = published
        .iter()
        .map(|t| (t.name.as_str(), t.version.as_str()))
        .collect();
    assert_eq!(
        listed,
        [("slack-trigger", "7.0"), ("shopify-trigger", "4.1")]
    );
    let service = published[0].service.as_ref().unwrap();
    assert_eq!((service.name.as_str(), service.version), ("slack", 4));
    let guide = client.list_triggers().await.unwrap();
    assert_eq!(guide[0].name, "calendly-trigger");
    assert_eq!(
        guide[1].service.as_ref().unwrap().id.as_deref(),
        Some("668f2ac5-2b44-41c5-a751-4a9773982c3e")
    );
}

#[tokio::test]
async fn subscribe_sends_the_documented_fields() {
    let server = DocsServer::start(|_, _| created());
    let client = client(&server, RetryPolicy::none());
    let new = NewSubscription::new(
        "VIPs",
        "https://hooks.example/vip",
        entered("vip", "https://hooks.example/vip"),
    )
    .auth_id("fe6ce53d-b414-4f24-b0d5-16a0a75544a0")
    .external_id("acme-vip");
    let created = client.subscribe(new).await.unwrap();
    assert_eq!(created.subscription.id, SUBSCRIPTION_ID);
    assert_eq!(created.subscription.state, SubscriptionState::Active);
    let sent = &server.received()[0];
    assert_eq!(
        (sent.method.as_str(), sent.path.as_str()),
        ("POST", "/core/v1/subscriptions")
    );
    assert_eq!(
        sent.json(),
        json!({"name": "VIPs", "trigger": {"name": "gosquared-trigger", "version": "1.0"},
               "operation": "entered_smart_group_init",
               "input": {"api_key": "k", "site_token": "GSN-1",
                         "url": "https://hooks.example/vip", "value": "vip"},
               "endpoint": "https://hooks.example/vip",
               "authenticationId": "fe6ce53d-b414-4f24-b0d5-16a0a75544a0",
               "externalId": "acme-vip"})
    );
}

/// Three pages of two; each later page is answered only when asked for with the cursor of the
/// page before in **both** parameters.
fn three_pages(request: &Received) -> Answer {
    let page = |ids: [&str; 2], next: Option<&str>| {
        Answer::json(
            200,
            &json!({"elements": ids.map(subscription),
                    "pageInfo": {"hasNextPage": next.is_some(), "endCursor": next,
                                 "hasPreviousPage": false}}),
        )
    };
    match request.path.as_str() {
        "/core/v1/subscriptions" => page(["s1", "s2"], Some("c/1+")),
        "/core/v1/subscriptions?cursor=c%2F1%2B&after=c%2F1%2B" => page(["s3", "s4"], Some("c2")),
        "/core/v1/subscriptions?cursor=c2&after=c2" => page(["s5", "s6"], None),
        other => status(400, &format!("unexpected request {other}")),
    }
}

#[tokio::test]
async fn subscriptions_follow_the_end_cursor_sent_as_cursor_and_as_after() {
    let server = DocsServer::start(|request, _| three_pages(request));
    let client = client(&server, RetryPolicy::none());
    let (listed, error) = list_all(&client).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(ids(&listed), ["s1", "s2", "s3", "s4", "s5", "s6"]);
    assert_eq!(server.received().len(), 3);
}

#[tokio::test]
async fn nothing_is_asked_for_until_the_stream_is_read_and_pages_come_one_at_a_time() {
    let server = DocsServer::start(|request, _| three_pages(request));
    let client = client(&server, RetryPolicy::none());
    let mut subscriptions = client.subscriptions();
    assert!(server.received().is_empty());
    assert_eq!(subscriptions.next().await.unwrap().unwrap().id, "s1");
    assert_eq!(subscriptions.next().await.unwrap().unwrap().id, "s2");
    assert_eq!(server.received().len(), 1);
    assert_eq!(subscriptions.next().await.unwrap().unwrap().id, "s3");
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn a_server_that_ignores_the_cursor_ends_the_listing_with_an_error_not_a_loop() {
    let server = DocsServer::start(|_, _| {
        Answer::json(
            200,
            &json!({"elements": [subscription("s1"), subscription("s2")],
                    "pageInfo": {"hasNextPage": true, "endCursor": "c1"}}),
        )
    });
    let client = client(&server, RetryPolicy::none());
    let (listed, error) = list_all(&client).await;
    // The first page once, not the repeat.
    assert_eq!(ids(&listed), ["s1", "s2"]);
    let error = error.expect("an error, not an endless stream");
    assert!(matches!(error, Error::Paging { page: 2, .. }), "{error}");
    assert_eq!(
        error.to_string(),
        "listing subscriptions stopped at page 2: its endCursor is the one page 1 gave, as if \
         the server ignored the cursor sent (as `cursor` and `after`); following it would read \
         the same pages for ever"
    );
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn more_pages_without_a_cursor_is_an_error_after_the_page_is_yielded() {
    let server = DocsServer::start(|_, _| {
        Answer::json(
            200,
            &json!({"elements": [subscription("s1")], "pageInfo": {"hasNextPage": true}}),
        )
    });
    let client = client(&server, RetryPolicy::none());
    let (listed, error) = list_all(&client).await;
    assert_eq!(ids(&listed), ["s1"]);
    let error = error.unwrap();
    assert!(
        error
            .to_string()
            .starts_with("listing subscriptions stopped at page 1: it reports more"),
        "{error}"
    );
}

#[tokio::test]
async fn a_page_that_fails_is_retried_like_a_read_and_the_listing_goes_on() {
    let server = DocsServer::start(|request, index| match index {
        1 => status(503, "busy"),
        _ => three_pages(request),
    });
    let client = client(&server, RetryPolicy::default());
    let (listed, error) = list_all(&client).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(listed.len(), 6);
    assert_eq!(server.received().len(), 4);
}

#[tokio::test]
async fn create_is_not_retried_once_it_may_have_reached_tray() {
    // A 5xx may come after the subscription was created: never retried, even for callers whose
    // calls are idempotent.
    for policy in [RetryPolicy::default(), RetryPolicy::calls_idempotent()] {
        let server = DocsServer::start(|_, _| status(503, "Service unavailable"));
        let client = client(&server, policy);
        let new = NewSubscription::new("s", "https://e", entered("v", "https://e"));
        let error = client.subscribe(new).await.unwrap_err();
        assert_eq!(error.status(), Some(503), "{error}");
        assert_eq!(server.received().len(), 1);
    }
}

#[tokio::test]
async fn create_is_retried_after_a_429_which_created_nothing() {
    let server = DocsServer::start(|_, index| match index {
        0 => status(429, "Too many requests"),
        _ => created(),
    });
    let client = client(&server, RetryPolicy::default());
    let new = NewSubscription::new("s", "https://e", entered("v", "https://e"));
    let created = client.subscribe(new).await.unwrap();
    assert_eq!(created.subscription.id, SUBSCRIPTION_ID);
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn unsubscribe_takes_trays_empty_204_and_a_404_as_an_error() {
    let server = DocsServer::start(|request, index| {
        assert_eq!(request.method, "DELETE");
        match index {
            0 => Answer::text(204, "text/html", ""),
            _ => status(404, "Subscription not found"),
        }
    });
    let client = client(&server, RetryPolicy::default());
    client.unsubscribe(SUBSCRIPTION_ID).await.unwrap();
    assert_eq!(
        server.received()[0].path,
        format!("/core/v1/subscriptions/{SUBSCRIPTION_ID}")
    );
    let error = client.unsubscribe(SUBSCRIPTION_ID).await.unwrap_err();
    assert_eq!(error.status(), Some(404));
    assert_eq!(server.received().len(), 2, "a 404 is not retried");
}

#[tokio::test]
async fn a_delete_retried_after_a_5xx_that_finds_nothing_is_done() {
    // The 503 may have come after the deletion: the retry's 404 then means it is gone.
    let server = DocsServer::start(|_, index| match index {
        0 => status(503, "Service unavailable"),
        _ => status(404, "Subscription not found"),
    });
    let client = client(&server, RetryPolicy::default());
    client.unsubscribe(SUBSCRIPTION_ID).await.unwrap();
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn get_subscription_reads_it_without_a_key() {
    let server = DocsServer::start(|_, _| Answer::json(200, &subscription(SUBSCRIPTION_ID)));
    let client = client(&server, RetryPolicy::none());
    let got = client.subscription(SUBSCRIPTION_ID).await.unwrap();
    assert_eq!(got.trigger, "gosquared-trigger");
    assert_eq!(got.version, "1.0");
    assert_eq!(got.input, json!({"value": "vip"}));
    assert_eq!(
        server.received()[0].path,
        format!("/core/v1/subscriptions/{SUBSCRIPTION_ID}")
    );
}
