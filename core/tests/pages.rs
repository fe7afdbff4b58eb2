//! `Client::pages` against scripted pages: 200 pages read in order, each asked for with the
//! cursor the one before gave; a looping cursor stopped with `Error::PageLoop`; an error
//! mid-way yielded, then the end.

mod support;

use futures_util::StreamExt;
use futures_util::stream::FusedStream;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use support::AUTH_ID;
use tray_connect::{Client, Error, Operation};
use tray_connect_emulator::{Emulator, Fault, Scope};

/// Slack's `list_conversations` as far as paging goes: `limit` and `cursor` in,
/// `response_metadata.next_cursor` out (`""` on the last page).
const SLACK: &str = r#"{
  "connector": {"name": "slack", "version": "10.0"},
  "elements": [
    {"name": "list_conversations",
     "inputSchema": {"type": "object", "required": ["limit"], "additionalProperties": false,
                     "properties": {"limit": {"type": "integer"}, "cursor": {"type": "string"}}},
     "outputSchema": {"type": "object", "required": ["channels", "response_metadata"],
                      "properties": {
                        "channels": {"type": "array", "items": {"type": "object",
                                     "required": ["id"], "properties": {"id": {"type": "string"}}}},
                        "response_metadata": {"type": "object",
                                              "properties": {"next_cursor": {"type": "string"}}}}}}
  ]
}"#;

#[derive(Debug, Clone, Serialize)]
struct ListConversations {
    limit: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    cursor: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ListConversationsOutput {
    channels: Vec<Channel>,
    response_metadata: ResponseMetadata,
}

#[derive(Debug, Deserialize)]
struct Channel {
    id: String,
}

#[derive(Debug, Deserialize)]
struct ResponseMetadata {
    #[serde(default)]
    next_cursor: String,
}

impl Operation for ListConversations {
    type Output = ListConversationsOutput;
    const CONNECTOR: &'static str = "slack";
    const VERSION: &'static str = "10.0";
    const NAME: &'static str = "list_conversations";
}

/// Page `n` (from 1): one channel `C{n}`, and the cursor `next`.
fn page(n: usize, next: &str) -> Value {
    json!({"channels": [{"id": format!("C{n}")}],
           "response_metadata": {"next_cursor": next}})
}

async fn setup() -> (Emulator, Client) {
    let emulator = Emulator::builder()
        .document_json(SLACK)
        .start()
        .await
        .unwrap();
    let client = Client::builder()
        .token("pages-token")
        .base_url(emulator.base_url())
        .build()
        .unwrap();
    (emulator, client)
}

fn first() -> ListConversations {
    ListConversations {
        limit: 1,
        cursor: None,
    }
}

/// Slack's rule: follow `next_cursor` until it is empty.
fn follow_cursor(
    input: ListConversations,
    output: &ListConversationsOutput,
) -> Option<ListConversations> {
    let next = &output.response_metadata.next_cursor;
    (!next.is_empty()).then(|| ListConversations {
        cursor: Some(next.clone()),
        ..input
    })
}

/// The cursor each recorded call sent (`None` for the first page).
fn cursors_sent(emulator: &Emulator) -> Vec<Option<String>> {
    emulator
        .calls()
        .iter()
        .map(|call| {
            call.input
                .get("cursor")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .collect()
}

#[tokio::test]
async fn two_hundred_pages_are_read_in_order_each_with_the_cursor_the_one_before_gave() {
    let (emulator, client) = setup().await;
    // The page depends on the cursor sent, so a client that sent the wrong one would read
    // the wrong page: cursor `c{n}` asks for page n.
    emulator.respond_with("slack", "list_conversations", |input| {
        let n: usize = input["cursor"]
            .as_str()
            .map_or(1, |c| c.trim_start_matches('c').parse().unwrap());
        let next = if n < 200 {
            format!("c{}", n + 1)
        } else {
            String::new()
        };
        page(n, &next)
    });
    let pages: Vec<_> = client
        .pages(AUTH_ID, first(), follow_cursor)
        .collect()
        .await;
    assert_eq!(pages.len(), 200);
    let ids: Vec<String> = pages
        .into_iter()
        .map(|page| page.unwrap().channels.into_iter().next().unwrap().id)
        .collect();
    let expected: Vec<String> = (1..=200).map(|n| format!("C{n}")).collect();
    assert_eq!(ids, expected);
    let mut expected_cursors = vec![None];
    expected_cursors.extend((2..=200).map(|n| Some(format!("c{n}"))));
    assert_eq!(cursors_sent(&emulator), expected_cursors);
    // Every page keeps the rest of the input.
    assert!(emulator.calls().iter().all(|c| c.input["limit"] == 1));
}

#[tokio::test]
async fn a_cursor_that_loops_back_stops_the_stream_with_a_clear_error() {
    let (emulator, client) = setup().await;
    // 200 pages, and the last one points back to page 2's cursor.
    let pages = (1..=200).map(|n| {
        let next = if n < 200 { n + 1 } else { 2 };
        page(n, &format!("c{next}"))
    });
    emulator.respond_sequence("slack", "list_conversations", pages);
    let mut stream = client.pages(AUTH_ID, first(), follow_cursor);
    for n in 1..=200 {
        let page = stream.next().await.unwrap().unwrap();
        assert_eq!(page.channels[0].id, format!("C{n}"));
    }
    let error = stream.next().await.unwrap().unwrap_err();
    assert!(
        matches!(
            error,
            Error::PageLoop {
                connector: "slack",
                operation: "list_conversations",
                page: 201,
                repeats: 2,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "paging list_conversations of slack stopped before page 201: its input repeats the \
         input of page 2, so the pages loop"
    );
    assert!(stream.next().await.is_none());
    assert!(stream.is_terminated());
    assert!(stream.next().await.is_none());
    // Nothing was sent for the repeated page.
    assert_eq!(emulator.calls().len(), 200);
}

#[tokio::test]
async fn a_server_that_gives_back_the_same_cursor_is_stopped_at_once() {
    let (emulator, client) = setup().await;
    emulator.respond_sequence(
        "slack",
        "list_conversations",
        [page(1, "c2"), page(2, "c2"), page(3, "")],
    );
    let results: Vec<_> = client
        .pages(AUTH_ID, first(), follow_cursor)
        .collect()
        .await;
    assert_eq!(results.len(), 3);
    assert!(results[0].is_ok() && results[1].is_ok());
    assert!(matches!(
        results[2],
        Err(Error::PageLoop {
            page: 3,
            repeats: 2,
            ..
        })
    ));
    assert_eq!(emulator.calls().len(), 2);
}

#[tokio::test]
async fn an_error_mid_way_is_yielded_and_ends_the_stream() {
    let (emulator, client) = setup().await;
    let pages = (1..=200).map(|n| {
        page(
            n,
            &if n < 200 {
                format!("c{}", n + 1)
            } else {
                String::new()
            },
        )
    });
    emulator.respond_sequence("slack", "list_conversations", pages);
    let mut stream = client.pages(AUTH_ID, first(), follow_cursor);
    for _ in 0..120 {
        assert!(stream.next().await.unwrap().is_ok());
    }
    // Page 121 fails at the third party (as Slack's rate limit does, inside a 200).
    emulator.inject(
        Fault::ThirdPartyError(json!({
            "message": "Too many requests have been made in the given timeframe.",
            "response": {"statusCode": 429, "body": {"ok": false, "error": "ratelimited"}}
        })),
        Scope::Next(1),
    );
    let error = stream.next().await.unwrap().unwrap_err();
    assert!(matches!(error, Error::Connector { .. }), "{error:?}");
    assert_eq!(error.third_party_status(), Some(429));
    assert!(stream.next().await.is_none());
    // 121 calls: nothing after the failed page (whose output stays unread in the sequence).
    assert_eq!(emulator.calls().len(), 121);
    assert_eq!(
        emulator.calls()[120].input["cursor"],
        "c121",
        "the failed page was asked for with its cursor"
    );
}

#[tokio::test]
async fn an_output_that_does_not_decode_ends_the_stream_with_the_output_kept() {
    let (emulator, client) = setup().await;
    emulator.respond_sequence(
        "slack",
        "list_conversations",
        [
            page(1, "c2"),
            json!({"channels": "not a list", "response_metadata": {}}),
        ],
    );
    let results: Vec<_> = client
        .pages(AUTH_ID, first(), follow_cursor)
        .collect()
        .await;
    assert_eq!(results.len(), 2);
    let error = results[1].as_ref().unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error}");
    assert_eq!(error.output().unwrap()["channels"], "not a list");
}

#[tokio::test]
async fn the_stream_is_lazy_asks_for_one_page_at_a_time_and_stops_when_dropped() {
    let (emulator, client) = setup().await;
    let pages = (1..=10).map(|n| page(n, &format!("c{}", n + 1)));
    emulator.respond_sequence("slack", "list_conversations", pages);
    let mut stream = client.pages(AUTH_ID, first(), follow_cursor);
    tokio::task::yield_now().await;
    assert!(
        emulator.calls().is_empty(),
        "nothing is sent before the first poll"
    );
    for _ in 0..3 {
        stream.next().await.unwrap().unwrap();
    }
    assert_eq!(emulator.calls().len(), 3);
    drop(stream);
    assert_eq!(emulator.calls().len(), 3);

    // A `next` that returns None at once: one page.
    let mut one = client.pages(AUTH_ID, first(), |_, _| None);
    assert!(one.next().await.unwrap().is_ok());
    assert!(one.next().await.is_none());
    assert_eq!(emulator.calls().len(), 4);
}
