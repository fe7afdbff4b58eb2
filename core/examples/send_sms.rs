//! Sends one SMS through Twilio's `send_sms` operation with typed input and output.
//!
//! ```text
//! cargo run --example send_sms                       # against the built-in emulator
//! TRAY_TOKEN=... TRAY_AUTH_ID=... [TRAY_REGION=eu] cargo run --example send_sms   # against Tray
//! ```
//! With Tray, `SMS_TO` and `SMS_FROM` set the phone numbers.

use tray_connect::Client;
use tray_connect_emulator::Emulator;

mod twilio {
    tray_connect::connector!("twilio-output", "2.1", "schemas/twilio-output.json");
}

/// The same document the macro reads, for the emulator to serve.
const TWILIO_DOCUMENT: &str = include_str!("../../schemas/twilio-output.json");

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Kept alive until the end of main: the emulator stops when dropped.
    let mut _emulator = None;
    let (client, auth_id) = if std::env::var_os("TRAY_TOKEN").is_some() {
        let auth_id = std::env::var("TRAY_AUTH_ID").map_err(
            |_| "TRAY_TOKEN is set, so TRAY_AUTH_ID must name the Twilio authentication to use",
        )?;
        (Client::from_env()?, auth_id)
    } else {
        let emulator = Emulator::builder()
            .document_json(TWILIO_DOCUMENT)
            .start()
            .await?;
        println!(
            "No TRAY_TOKEN set: calling the built-in Tray emulator at {}",
            emulator.base_url()
        );
        let client = Client::builder()
            .token("emulator-token")
            .base_url(emulator.base_url())
            .build()?;
        _emulator = Some(emulator);
        // Any authId in UUID form (as Tray issues them) is accepted by the emulator.
        (client, "fe6ce53d-b414-4f24-b0d5-16a0a75544a0".to_owned())
    };

    let to = std::env::var("SMS_TO").unwrap_or_else(|_| "+15551234567".to_owned());
    let from = std::env::var("SMS_FROM").unwrap_or_else(|_| "+15557654321".to_owned());
    let sms = twilio::SendSms::builder()
        .to(to)
        .from(from)
        .body("Your code is 1234")
        .build();

    let sent: twilio::SendSmsOutput = client.call(&auth_id, sms).await?;
    println!("sent message {} ({:?})", sent.sid, sent.status);
    println!("{sent:#?}");
    Ok(())
}
