//! Testing your own code that calls Tray: against the emulator, with no account, no network
//! and no mock of your own.
//!
//! ```text
//! cargo test --example testing_with_the_emulator   # the tests below, as tests
//! cargo run --example testing_with_the_emulator    # the same checks, as a program
//! ```
//!
//! The code under test is `remind_customer`: it sends an SMS through Tray and returns the
//! message id. Its tests start an emulator serving the same vendored document the macro
//! reads, script Twilio's answer or a fault, and look at what was sent. In your crate, add the
//! emulator as a dev-dependency (`cargo add --dev tray-connect-emulator`) and put tests like
//! these under `#[cfg(test)]` or in `tests/`.

use tray_connect::Client;

mod twilio {
    tray_connect::connector!(
        "twilio-output",
        "2.1",
        "schemas/twilio-output.json",
        operations = ["send_sms"]
    );
}

// ---- the code under test ----

/// The number reminders are sent from.
const SENDER: &str = "+15557654321";

/// Sends an appointment reminder; returns Twilio's message id.
pub async fn remind_customer(
    client: &Client,
    auth_id: &str,
    phone: &str,
    when: &str,
) -> Result<String, tray_connect::Error> {
    let sms = twilio::SendSms::builder()
        .to(phone)
        .from(SENDER)
        .body(format!("Reminder: your appointment is at {when}."))
        .build();
    let sent = client.call(auth_id, sms).await?;
    Ok(sent.sid)
}

// ---- its tests ----

/// What the tests share: an emulator serving the vendored document, and a client pointed at it.
mod harness {
    use tray_connect::Client;
    use tray_connect_emulator::Emulator;

    /// Any authId in the form Tray issues them (a UUID) is accepted by the emulator.
    pub const AUTH_ID: &str = "fe6ce53d-b414-4f24-b0d5-16a0a75544a0";

    /// The emulator stops when dropped: keep it alive for the whole test.
    pub async fn start() -> (Emulator, Client) {
        let emulator = Emulator::builder()
            // The file the macro reads; tests run in the crate's directory, but a path from
            // CARGO_MANIFEST_DIR also works from anywhere.
            .document(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../schemas/twilio-output.json"
            ))
            .start()
            .await
            .expect("the emulator starts");
        let client = Client::builder()
            .token("test-token")
            .base_url(emulator.base_url())
            .build()
            .expect("the client builds");
        (emulator, client)
    }
}

/// The checks, written as `#[tokio::test]`s would be (see `tests` below, which runs them).
mod checks {
    use serde_json::json;
    use tray_connect_emulator::{Fault, Scope};

    use super::harness::{AUTH_ID, start};
    use super::{remind_customer, twilio};

    pub async fn the_reminder_goes_to_the_customer_with_the_time() {
        let (emulator, client) = start().await;
        // Script Twilio's answer (without it the emulator synthesises one from the schema);
        // `emulator.respond_to::<twilio::SendSms>(output)` takes a typed `SendSmsOutput`.
        emulator.respond(
            "twilio-output",
            "send_sms",
            json!({"sid": "SM42", "status": "queued", "to": "+15551234567",
                   "from": "+15557654321", "body": "..", "date_created": "today"}),
        );

        let id = remind_customer(&client, AUTH_ID, "+15551234567", "9:30")
            .await
            .expect("the reminder is sent");

        assert_eq!(id, "SM42");
        // What was sent, read back as the typed input (the emulator's `typed` feature, on by
        // default; `emulator.calls()` has the same calls as JSON, with their authIds).
        let sent = emulator
            .calls_to::<twilio::SendSms>()
            .expect("every send_sms input fits the type");
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].to, "+15551234567");
        assert_eq!(sent[0].body, "Reminder: your appointment is at 9:30.");
        assert_eq!(emulator.calls()[0].auth_id.as_deref(), Some(AUTH_ID));
    }

    pub async fn a_number_twilio_refuses_is_an_error_with_twilios_message() {
        let (emulator, client) = start().await;
        emulator.inject(
            Fault::ThirdPartyError(json!({
                "message": "The 'To' number is not a valid phone number.",
                "response": {"statusCode": 400},
            })),
            Scope::Next(1),
        );

        let error = remind_customer(&client, AUTH_ID, "+1000", "9:30")
            .await
            .expect_err("Twilio refuses");

        assert_eq!(error.third_party_status(), Some(400));
        assert_eq!(
            error.message(),
            Some("The 'To' number is not a valid phone number.")
        );
    }

    pub async fn a_tray_outage_is_reported_and_the_sms_is_not_sent_twice() {
        let (emulator, client) = start().await;
        emulator.inject(
            Fault::Status(503, json!({"message": "Service unavailable", "code": null})),
            Scope::Next(1),
        );

        let error = remind_customer(&client, AUTH_ID, "+15551234567", "9:30")
            .await
            .expect_err("Tray is down");

        assert_eq!(error.status(), Some(503));
        // A 5xx call may have run, so the client did not repeat it.
        assert_eq!(emulator.calls().len(), 1);
    }
}

#[tokio::main]
async fn main() {
    checks::the_reminder_goes_to_the_customer_with_the_time().await;
    println!("ok: the reminder goes to the customer with the time");
    checks::a_number_twilio_refuses_is_an_error_with_twilios_message().await;
    println!("ok: a number Twilio refuses is an error with Twilio's message");
    checks::a_tray_outage_is_reported_and_the_sms_is_not_sent_twice().await;
    println!("ok: a Tray outage is reported and the SMS is not sent twice");
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn the_reminder_goes_to_the_customer_with_the_time() {
        super::checks::the_reminder_goes_to_the_customer_with_the_time().await;
    }

    #[tokio::test]
    async fn a_number_twilio_refuses_is_an_error_with_twilios_message() {
        super::checks::a_number_twilio_refuses_is_an_error_with_twilios_message().await;
    }

    #[tokio::test]
    async fn a_tray_outage_is_reported_and_the_sms_is_not_sent_twice() {
        super::checks::a_tray_outage_is_reported_and_the_sms_is_not_sent_twice().await;
    }
}
