//! Onboards an end user: creates them, prints the auth-dialog URL where they connect Twilio,
//! lists their authentications and sends an SMS as them.
//!
//! ```text
//! cargo run --example onboard_user                     # against the built-in emulator
//! TRAY_TOKEN=... TRAY_PARTNER=... [TRAY_REGION=eu] cargo run --example onboard_user   # Tray
//! ```
//! With Tray, open the printed URL, connect Twilio, then press Enter; `SMS_TO` and `SMS_FROM`
//! set the phone numbers.

use tray_connect::{AuthDialogUrl, Client, NewUser};
use tray_connect_emulator::Emulator;

mod twilio {
    tray_connect::connector!("twilio-output", "2.1", "schemas/twilio-output.json");
}

/// The same document the macro reads, for the emulator to serve.
const TWILIO_DOCUMENT: &str = include_str!("../../schemas/twilio-output.json");

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Kept alive until the end of main: the emulator stops when dropped.
    let mut emulator = None;
    let (master, partner) = if std::env::var_os("TRAY_TOKEN").is_some() {
        let partner = std::env::var("TRAY_PARTNER")
            .map_err(|_| "TRAY_TOKEN is set, so TRAY_PARTNER must name your Tray partner")?;
        (Client::from_env()?, partner)
    } else {
        let started = Emulator::builder()
            .document_json(TWILIO_DOCUMENT)
            .start()
            .await?;
        println!(
            "No TRAY_TOKEN set: using the built-in Tray emulator at {}",
            started.base_url()
        );
        let client = Client::builder()
            .token("emulator-master-token")
            .base_url(started.base_url())
            .build()?;
        emulator = Some(started);
        (client, "acme".to_owned())
    };

    // 1. The end user, and a client acting as them.
    let user_id = master
        .create_user(&NewUser::new("Ada Lovelace", "ada-42"))
        .await?;
    let user = master.as_user(master.user_token(&user_id).await?)?;
    println!("created user {user_id}");

    // 2. Where they connect their Twilio account.
    let service = master
        .list_connectors()
        .await?
        .into_iter()
        .find(|c| c.name == "twilio-output" && c.version == "2.1")
        .and_then(|c| c.service)
        .ok_or("twilio-output 2.1 has no service")?;
    let environment = master
        .service_environments(&service.name, service.version)
        .await?
        .into_iter()
        .next()
        .ok_or("the Twilio service has no environment")?;
    let code = master.authorization_code(&user_id).await?;
    let mut dialog =
        AuthDialogUrl::new(&partner, code.clone()).service_environment_id(&environment.id);
    if let Some(id) = &service.id {
        dialog = dialog.service_id(id);
    }
    println!("auth dialog: {}", dialog.build()?);
    match &emulator {
        // The emulator plays the user finishing the dialog.
        Some(emulator) => {
            emulator
                .complete_auth_dialog(code.expose(), &environment.id, "Ada's Twilio")
                .ok_or("the emulator refused the authorization code")?;
        }
        None => {
            println!("open it, connect Twilio, then press Enter");
            std::io::stdin().read_line(&mut String::new())?;
        }
    }

    // 3. Their authentications.
    let auths = user.list_authentications().await?;
    for auth in &auths {
        println!("authentication {} ({})", auth.id, auth.name);
    }
    let twilio_auth = auths
        .iter()
        .find(|a| a.service.as_ref().is_some_and(|s| s.name == service.name))
        .ok_or("the user has no Twilio authentication")?;

    // 4. A call as the user, through their authentication.
    let to = std::env::var("SMS_TO").unwrap_or_else(|_| "+15551234567".to_owned());
    let from = std::env::var("SMS_FROM").unwrap_or_else(|_| "+15557654321".to_owned());
    let sms = twilio::SendSms::builder()
        .to(to)
        .from(from)
        .body("Welcome aboard!")
        .build();
    let sent: twilio::SendSmsOutput = user.call(&twilio_auth.id, sms).await?;
    println!("sent message {} as {user_id}", sent.sid);
    Ok(())
}
