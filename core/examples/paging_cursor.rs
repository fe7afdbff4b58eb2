//! Paging with a cursor: Slack's `list_conversations` takes `limit` and `cursor`, and each page
//! names the next one in `response_metadata.next_cursor` (empty on the last page).
//!
//! ```text
//! cargo run --example paging_cursor      # against the built-in emulator; no account needed
//! ```
//!
//! `Client::pages` calls the operation, yields each page, and asks a function of yours for the
//! next input: here the same input with the cursor the page gave, or `None` to stop. Generated
//! inputs have public fields, so "the same input with another cursor" is struct update syntax.

use serde_json::json;
use tray_connect::Client;
use tray_connect_emulator::Emulator;

mod slack {
    // In your crate: `tray-connect pull slack 9.1` and the path "schemas/slack.json".
    tray_connect::connector!(
        "slack",
        "9.1",
        "examples/schemas/slack-list-conversations.json"
    );
}

/// An authId in the form Tray issues them (a UUID).
const AUTH_ID: &str = "fe6ce53d-b414-4f24-b0d5-16a0a75544a0";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let emulator = Emulator::builder()
        .document_json(include_str!("schemas/slack-list-conversations.json"))
        .start()
        .await?;
    let client = Client::builder()
        .token("emulator-token")
        .base_url(emulator.base_url())
        .build()?;
    // Three pages, as Slack would answer them (each call takes the next one).
    emulator.respond_sequence(
        "slack",
        "list_conversations",
        [
            json!({"ok": true, "channels": [{"id": "C01", "name": "general"}, {"id": "C02", "name": "random"}],
                   "response_metadata": {"next_cursor": "dGVhbTpDMDM="}}),
            json!({"ok": true, "channels": [{"id": "C03", "name": "releases"}, {"id": "C04", "name": "support"}],
                   "response_metadata": {"next_cursor": "dGVhbTpDMDU="}}),
            json!({"ok": true, "channels": [{"id": "C05", "name": "design"}],
                   "response_metadata": {"next_cursor": ""}}),
        ],
    );

    let first = slack::ListConversations::builder()
        .limit(2)
        .exclude_archived(true)
        .build();
    let mut pages = client.pages(AUTH_ID, first, |input, page| {
        // No cursor, or an empty one: that was the last page.
        let cursor = page.response_metadata.as_ref()?.next_cursor.clone()?;
        if cursor.is_empty() {
            return None;
        }
        Some(slack::ListConversations {
            cursor: Some(cursor),
            ..input
        })
    });
    let mut names = Vec::new();
    while let Some(page) = pages.next().await {
        // The first error is the stream's last item: a failed call, a bad output, or a
        // cursor that loops back to a page already read (`Error::PageLoop`).
        let page = page?;
        names.extend(page.channels.into_iter().map(|c| c.name.unwrap_or(c.id)));
    }
    println!("{} conversations: {}", names.len(), names.join(", "));

    // What was sent: the same input each time, with the cursor of the page before.
    for call in emulator.calls() {
        println!("sent {}", call.input);
    }
    Ok(())
}
