//! What can go wrong with a call, how each failure reads, and what the client retries for you.
//!
//! ```text
//! cargo run --example errors_and_retries      # against the built-in emulator; no account needed
//! ```
//!
//! Each step injects one fault into the emulator and shows the error the call returns. The
//! rule behind the retries: Tray has no idempotency keys, so a call is retried only when it
//! cannot have run (connection refused, Tray's own 429) unless you say your operations are
//! idempotent (`RetryPolicy::calls_idempotent()`).

use std::time::{Duration, Instant};

use serde_json::json;
use tray_connect::{Client, Error, RetryPolicy};
use tray_connect_emulator::{Emulator, Fault, Scope};

mod twilio {
    tray_connect::connector!(
        "twilio-output",
        "2.1",
        "schemas/twilio-output.json",
        operations = ["send_sms"]
    );
}

/// An authId in the form Tray issues them (a UUID).
const AUTH_ID: &str = "fe6ce53d-b414-4f24-b0d5-16a0a75544a0";
const TOKEN: &str = "the-right-token";

fn sms() -> twilio::SendSms {
    twilio::SendSms::builder()
        .to("+15551234567")
        .from("+15557654321")
        .body("Your code is 1234")
        .build()
}

/// What to do about an error, decided from its kind: the usual `match` of a caller.
fn advice(error: &Error) -> &'static str {
    match error {
        Error::Tray {
            status: 401 | 403, ..
        } => "check the token (and that it can use this authId)",
        Error::Tray { status: 400, .. } => "fix the input: Tray's message names the field",
        Error::Tray { status: 404, .. } => "check the connector name, version and authId",
        Error::Tray { .. } if error.is_rate_limited() => "slow down",
        Error::Tray { .. } => {
            "Tray failed; the call may have run, so retry only if it is idempotent"
        }
        Error::Connector { .. } => "the third-party API refused: see its message and status",
        Error::Timeout { .. } => "no answer in time; the call may still have run",
        Error::Decode { .. } => "the output did not match the document: err.output() has it whole",
        _ => "see the message",
    }
}

fn show(step: &str, error: &Error) {
    println!("{step}\n  error:  {error}\n  advice: {}\n", advice(error));
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let emulator = Emulator::builder()
        .token(TOKEN)
        .document_json(include_str!("../../schemas/twilio-output.json"))
        .start()
        .await?;
    let client = Client::builder()
        .token(TOKEN)
        .base_url(emulator.base_url())
        .build()?;

    // 1. Tray refuses the request itself: `Error::Tray`, with the HTTP status.
    let wrong_token = Client::builder()
        .token("a-wrong-token")
        .base_url(emulator.base_url())
        .build()?;
    let error = wrong_token.call(AUTH_ID, sms()).await.unwrap_err();
    assert_eq!(error.status(), Some(401));
    show("1. A wrong token", &error);

    // 2. Tray validates the input against the document. The typed builder cannot leave out a
    //    required input, so this goes through `call_raw`, which takes any JSON.
    let error = client
        .call_raw(
            "twilio-output",
            "2.1",
            "send_sms",
            AUTH_ID,
            json!({"to": "+1555"}),
        )
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(400));
    show("2. Input the schema refuses (through call_raw)", &error);

    // 3. The third-party API failed: Tray answers HTTP 200 with `outcome: "error"`, which is
    //    `Error::Connector`; the whole output is kept, as its shape differs per connector.
    emulator.inject(
        Fault::ThirdPartyError(json!({
            "message": "The 'To' number +15551234567 is not a valid phone number.",
            "response": {"statusCode": 400, "body": {"code": 21211}},
        })),
        Scope::Next(1),
    );
    let error = client.call(AUTH_ID, sms()).await.unwrap_err();
    assert_eq!(error.third_party_status(), Some(400));
    show("3. Twilio refused the number", &error);
    println!("  the whole output: {}\n", error.output().unwrap());

    // 4. The answer does not match the document (a required output field is missing):
    //    `Error::Decode`, which still carries the output you were billed for.
    emulator.respond("twilio-output", "send_sms", json!({"status": "queued"}));
    let error = client.call(AUTH_ID, sms()).await.unwrap_err();
    assert!(error.output().is_some());
    show("4. An output without its required `sid`", &error);
    emulator.respond(
        "twilio-output",
        "send_sms",
        json!({"sid": "SM1", "status": "queued", "to": "+15551234567",
               "from": "+15557654321", "body": "Your code is 1234",
               "date_created": "Thu, 30 Jul 2015 20:12:31 +0000"}),
    );

    // 5. Tray's rate limit (429): nothing ran, so the client waits (here the 1 s Retry-After
    //    the emulator sends) and tries again. The caller only sees the success.
    emulator.inject(
        Fault::RetryAfter(429, Duration::from_secs(1)),
        Scope::Next(1),
    );
    let started = Instant::now();
    let sent = client.call(AUTH_ID, sms()).await?;
    println!(
        "5. A 429 first: retried after Retry-After, sent {} in {:.1} s\n",
        sent.sid,
        started.elapsed().as_secs_f64()
    );

    // 6. A 5xx may come after the SMS went out: by default it is returned, not retried...
    emulator.inject(
        Fault::Status(502, json!({"message": "Bad gateway", "code": null})),
        Scope::Next(1),
    );
    let error = client.call(AUTH_ID, sms()).await.unwrap_err();
    assert_eq!(error.status(), Some(502));
    show(
        "6. A 502 on a call (not retried: the SMS may have been sent)",
        &error,
    );

    // ...unless the operation is idempotent and you say so.
    let idempotent = Client::builder()
        .token(TOKEN)
        .base_url(emulator.base_url())
        .retry(RetryPolicy::calls_idempotent().base_delay(Duration::from_millis(50)))
        .build()?;
    emulator.inject(
        Fault::Status(502, json!({"message": "Bad gateway", "code": null})),
        Scope::Next(1),
    );
    let sent = idempotent.call(AUTH_ID, sms()).await?;
    println!(
        "   With RetryPolicy::calls_idempotent() the 502 is retried: sent {}\n",
        sent.sid
    );

    // 7. No answer: `Error::Timeout` after the call timeout (150 s by default), never retried.
    emulator.inject(Fault::Hang, Scope::Next(1));
    let impatient = Client::builder()
        .token(TOKEN)
        .base_url(emulator.base_url())
        .timeout(Duration::from_millis(300))
        .build()?;
    let error = impatient.call(AUTH_ID, sms()).await.unwrap_err();
    assert!(error.is_timeout());
    show("7. No answer within the timeout", &error);

    // Every call reached the emulator's record, the faulted ones included.
    println!("The emulator recorded {} calls.", emulator.calls().len());
    Ok(())
}
