//! Paging with a page token: Twilio's `list_messages` takes `page_size` and `page_token`, and
//! each page but the last gives `next_page_token`.
//!
//! ```text
//! cargo run --example paging_token       # against the built-in emulator; no account needed
//! ```
//!
//! Also shows what happens when a server's tokens go round in a circle: the stream notices
//! that the next input is one it already sent, and ends with `Error::PageLoop` instead of
//! reading the same pages for ever.

use serde_json::{Value, json};
use tray_connect::{Client, Error};
use tray_connect_emulator::Emulator;

mod twilio {
    tray_connect::connector!(
        "twilio-output",
        "2.1",
        "schemas/twilio-output.json",
        operations = ["list_messages"]
    );
}

/// An authId in the form Tray issues them (a UUID).
const AUTH_ID: &str = "fe6ce53d-b414-4f24-b0d5-16a0a75544a0";

/// Page `n` of messages, with `next` as its `next_page_token`.
fn page(n: i64, next: Option<&str>) -> Value {
    let messages: Vec<Value> = (0..2)
        .map(|i| {
            json!({"sid": format!("SM{n}{i}"), "status": "delivered", "to": "+15551234567",
                   "from": "+15557654321", "body": format!("message {n}.{i}"),
                   "date_created": "Thu, 26 Nov 2026 10:00:00 +0000"})
        })
        .collect();
    json!({"messages": messages, "page": n, "page_size": 2, "next_page_token": next})
}

/// Twilio's rule: follow `next_page_token` while there is one.
fn next_token(
    input: twilio::ListMessages,
    page: &twilio::ListMessagesOutput,
) -> Option<twilio::ListMessages> {
    let token = page.next_page_token.clone()?;
    Some(twilio::ListMessages {
        page_token: Some(token),
        ..input
    })
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let emulator = Emulator::builder()
        .document_json(include_str!("../../schemas/twilio-output.json"))
        .start()
        .await?;
    let client = Client::builder()
        .token("emulator-token")
        .base_url(emulator.base_url())
        .build()?;

    emulator.respond_sequence(
        "twilio-output",
        "list_messages",
        [page(0, Some("PA1")), page(1, Some("PA2")), page(2, None)],
    );
    let first = twilio::ListMessages::builder().page_size(2).build();
    let mut pages = client.pages(AUTH_ID, first.clone(), next_token);
    while let Some(page) = pages.next().await {
        let page = page?;
        let sids: Vec<&str> = page.messages.iter().map(|m| m.sid.as_str()).collect();
        println!("page {}: {}", page.page, sids.join(" "));
    }

    // A server whose third page points back to the second.
    emulator.respond_sequence(
        "twilio-output",
        "list_messages",
        [
            page(0, Some("PA1")),
            page(1, Some("PA2")),
            page(2, Some("PA1")),
        ],
    );
    let mut pages = client.pages(AUTH_ID, first, next_token);
    while let Some(page) = pages.next().await {
        match page {
            Ok(page) => println!("page {}", page.page),
            Err(error @ Error::PageLoop { .. }) => println!("stopped: {error}"),
            Err(other) => return Err(other.into()),
        }
    }
    Ok(())
}
