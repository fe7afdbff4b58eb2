//! The README's Rust snippets, compiled: each one is written here verbatim between a `README
//! begin` and a `README end` line, inside what it needs to compile (the variables it uses, the
//! functions it calls), and `every_readme_snippet_is_compiled_here` fails when a snippet of
//! README.md and this file disagree. The testing snippet runs as the test it is.

// The snippets' own context: variables a snippet assumes, given here as parameters.
#![allow(clippy::needless_pass_by_value)]

use std::error::Error;

use tray_connect::{Client, RateLimit};

mod twilio {
    tray_connect::connector!(
        "twilio-output",
        "2.1",
        "schemas/twilio-output.json",
        operations = ["send_sms"]
    );
}

mod slack {
    tray_connect::connector!(
        "slack",
        "9.1",
        "core/examples/schemas/slack-list-conversations.json"
    );
}

/// The top of the README: one typed call.
#[rustfmt::skip]
#[allow(dead_code)]
async fn a_typed_call(auth_id: String) -> Result<(), Box<dyn Error>> {
    // README begin
    mod twilio {
        tray_connect::connector!("twilio-output", "2.1", "schemas/twilio-output.json");
    }

    let client = tray_connect::Client::from_env()?;        // TRAY_TOKEN, TRAY_REGION, TRAY_API_URL
    let sms = twilio::SendSms::builder()
        .to("+15551234567")
        .from("+15557654321")
        .body("Your code is 1234")
        .build();                                          // does not compile until to, from, body are set
    let out: twilio::SendSmsOutput = client.call(&auth_id, sms).await?;
    println!("{} is {:?}", out.sid, out.status);
    // README end
    Ok(())
}

/// "Your own crate talks to it the same way": the whole `src/main.rs`.
#[rustfmt::skip]
mod main_rs {
    // README begin
    mod twilio {
        // Read at compile time; the path is relative to your Cargo.toml.
        tray_connect::connector!("twilio-output", "2.1", "schemas/twilio-output.json", operations = ["send_sms"]);
    }

    #[tokio::main]
    async fn main() -> Result<(), Box<dyn std::error::Error>> {
        let client = tray_connect::Client::from_env()?;
        let auth_id = std::env::var("TRAY_AUTH_ID")
            .map_err(|_| "set TRAY_AUTH_ID to the authId of your Twilio authentication")?;
        let sms = twilio::SendSms::builder()
            .to("+15551234567")
            .from("+15557654321")
            .body("Hello from Rust")
            .build();
        let sent = client.call(&auth_id, sms).await?;
        println!("sent {} ({:?})", sent.sid, sent.status);
        Ok(())
    }
    // README end

    /// Named, so that the program is compiled as a program's `main` is (it is not run: it
    /// would call Tray when the developer's environment has a token).
    pub const MAIN: fn() -> Result<(), Box<dyn std::error::Error>> = main;
}

/// The testing section's "your code": sends a reminder and returns the message's sid.
async fn remind_customer(
    client: &Client,
    auth_id: &str,
    to: &str,
) -> Result<String, tray_connect::Error> {
    let sms = twilio::SendSms::builder()
        .to(to)
        .from("+15557654321")
        .body("Your appointment is tomorrow")
        .build();
    Ok(client.call(auth_id, sms).await?.sid)
}

const AUTH_ID: &str = "fe6ce53d-b414-4f24-b0d5-16a0a75544a0";

#[rustfmt::skip]
// README begin
#[tokio::test]
async fn the_reminder_goes_to_the_customer() {
    let emulator = tray_connect_emulator::Emulator::builder()
        .document("schemas/twilio-output.json")                 // found as connector! finds it
        .start()
        .await
        .unwrap();                                           // stops when dropped
    let client = tray_connect::Client::builder()
        .token("test")
        .base_url(emulator.base_url())
        .build()
        .unwrap();
    emulator                                                 // only the fields the test needs
        .respond_to::<twilio::SendSms>(twilio::SendSmsOutput { sid: "SM42".into(), ..Default::default() })
        .unwrap();

    let id = remind_customer(&client, AUTH_ID, "+15551234567").await.unwrap();   // your code

    assert_eq!(id, "SM42");
    let sent = emulator.calls_to::<twilio::SendSms>().unwrap();  // typed inputs, in call order
    assert_eq!(sent[0].to, "+15551234567");
}
// README end

/// "Paging and Tray's limits": every page of Slack's channels.
#[rustfmt::skip]
#[allow(dead_code)]
async fn every_page(client: Client, auth_id: String) -> Result<(), Box<dyn Error>> {
    // README begin
    let first = slack::ListConversations::builder().limit(200).build();
    let mut pages = client.pages(&auth_id, first, |input, page| {
        let cursor = page.response_metadata.as_ref()?.next_cursor.clone()?;
        // The same input with another cursor; None (no cursor, or an empty one) ends the stream.
        (!cursor.is_empty()).then_some(slack::ListConversations { cursor: Some(cursor), ..input })
    });
    while let Some(page) = pages.next().await {
        for channel in page?.channels {
            println!("{}", channel.id);
        }
    }
    // README end
    Ok(())
}

/// Changing the client's limits.
#[rustfmt::skip]
#[allow(dead_code)]
fn other_limits() -> Result<Client, Box<dyn Error>> {
    // README begin
    let client = Client::builder()
        .max_concurrent_calls(200)               // or None: no limit
        .rate_limit(RateLimit::new(10, 5))       // or None: no pacing
        .build()?;
    // README end
    Ok(client)
}

/// Limits shared through Redis (feature `redis`).
#[rustfmt::skip]
#[allow(dead_code)]
async fn shared_limits(token: String) -> Result<Client, Box<dyn Error>> {
    // README begin
    let limits = tray_connect::RedisLimits::connect("redis://127.0.0.1:6379/", "acme-prod").await?;
    let client = Client::builder().token(token).shared_limits(limits).build()?;
    // README end
    Ok(client)
}

/// "Triggers: listening to Tray" (the extractor: feature `axum`).
#[rustfmt::skip]
#[allow(dead_code)]
async fn listening(client: Client, endpoint: String) -> Result<(), Box<dyn Error>> {
    // README begin
    mod gosquared {
        tray_connect::trigger!("gosquared-trigger", "1.0", "schemas/gosquared-trigger.json");
    }

    let input = gosquared::EnteredSmartGroupInit::builder().value("vip-customers").build();
    let created = client
        .subscribe(tray_connect::NewSubscription::new("VIP entered", endpoint, input))
        .await?;
    let key = created.signing_key; // shown once: keep it with the endpoint's config

    // axum (feature `axum`): verified, then decoded, before the handler runs
    async fn entered(event: tray_connect::TrayEvent<gosquared::EnteredSmartGroupInit>) -> &'static str {
        println!("{:?} entered", event.person.as_ref().and_then(|p| p.name.as_deref()));
        "taken"
    }
    // README end
    let _ = (key, entered);
    Ok(())
}

/// "Updating an authentication, reading its credentials".
#[rustfmt::skip]
#[allow(dead_code)]
async fn update_and_read_credentials(
    client: Client,
    auth_id: String,
    new_token: String,
) -> Result<(), Box<dyn Error>> {
    use tray_connect::AuthenticationUpdate;
    // README begin
    let update = AuthenticationUpdate::new()
        .name("Slack (rotated)")
        .credentials(serde_json::json!({"token": new_token}));   // Debug shows credentials: "***"
    client.update_authentication(&auth_id, &update).await?;

    let full = client.full_authentication(&auth_id, false).await?; // true: refresh them first
    println!("{full:?}");                                          // credentials: {"token": ***}
    let token: &str = full.credential("token").map(|s| s.expose()).unwrap_or_default();
    // README end
    let _ = token;
    Ok(())
}

/// A fenced block of Rust, with its first line in README.md, its lines cut to their common
/// indentation and stripped of trailing spaces.
fn rust_blocks(
    text: &str,
    opening: fn(&str) -> bool,
    closing: fn(&str) -> bool,
) -> Vec<(usize, String)> {
    let mut blocks = Vec::new();
    let mut current: Option<(usize, Vec<&str>)> = None;
    for (number, line) in text.lines().enumerate() {
        match &mut current {
            None if opening(line.trim()) => current = Some((number + 2, Vec::new())),
            None => {}
            Some(_) if closing(line.trim()) => {
                let (first, lines) = current.take().unwrap();
                blocks.push((first, dedent(&lines)));
            }
            Some((_, lines)) => lines.push(line),
        }
    }
    assert!(
        current.is_none(),
        "a block opened at line {:?} is never closed",
        current.map(|c| c.0)
    );
    blocks
}

fn dedent(lines: &[&str]) -> String {
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let cut: Vec<&str> = lines
        .iter()
        .map(|l| l.get(indent..).unwrap_or("").trim_end())
        .collect();
    cut.join("\n").trim_matches('\n').to_owned()
}

/// "Drift seen at run time": the report written for `check --observed`.
#[rustfmt::skip]
#[allow(dead_code)]
fn drift_report_to_a_file(client: Client) -> Result<(), Box<dyn Error>> {
    // README begin
    // After a batch of calls, or at shutdown: what Tray's answers held that schemas/ does not promise.
    let report = client.drift_report();
    if !report.is_empty() {
        report.write_json("drift-observed.json")?;
    }
    // README end
    Ok(())
}

/// "Your own HTTP client, and spans".
#[rustfmt::skip]
#[allow(dead_code)]
fn own_http_client() -> Result<Client, Box<dyn Error>> {
    // README begin
    let http = reqwest::Client::builder()
        .proxy(reqwest::Proxy::https("http://proxy.internal:3128")?)
        .redirect(reqwest::redirect::Policy::none())   // as the SDK's own client
        .connect_timeout(std::time::Duration::from_secs(10))
        .build()?;
    let client = tray_connect::Client::builder()
        .token(std::env::var("TRAY_TOKEN")?)
        .http_client(http)
        .build()?;
    // README end
    Ok(client)
}

#[test]
fn every_readme_snippet_is_compiled_here() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let readme = std::fs::read_to_string(format!("{root}/README.md")).unwrap();
    let here = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/readme.rs")).unwrap();
    let snippets = rust_blocks(&readme, |l| l.starts_with("```rust"), |l| l == "```");
    let compiled = rust_blocks(&here, |l| l == "// README begin", |l| l == "// README end");
    assert!(
        snippets.len() >= 7,
        "{} Rust blocks in README.md",
        snippets.len()
    );
    for (line, snippet) in &snippets {
        assert!(
            compiled.iter().any(|(_, c)| c == snippet),
            "README.md line {line}: this snippet is not compiled in tests/readme.rs (copy it \
             there between `// README begin` and `// README end`):\n{snippet}"
        );
    }
    for (line, copy) in &compiled {
        assert!(
            snippets.iter().any(|(_, s)| s == copy),
            "tests/readme.rs line {line}: this copy is no longer in README.md:\n{copy}"
        );
    }
    // The fences say the snippets are Rust that compiles, not `ignore`d text.
    assert!(
        !readme.contains("```rust,ignore"),
        "README.md still marks a snippet `ignore`"
    );
    let _ = main_rs::MAIN;
}
