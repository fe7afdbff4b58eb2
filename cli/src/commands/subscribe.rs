//! `tray-connect subscribe TRIGGER VERSION OPERATION`: Create Subscription, and the one chance
//! to see the subscription's signing key.
//!
//! Tray returns the key only in this answer (List and Get Subscription never show it), so it
//! is printed here, with a line that says so, and `--signing-key-file` can keep it in a new
//! file (mode 0600 on Unix; never one that exists, nor through a link) for `listen`.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use tray_connect::{CreatedSubscription, Error, RawSubscription};

use super::subscriptions::{print_fields, subscription_json};
use super::{print_json, read_json_arg};
use crate::connection::Connection;
use crate::failure::Failure;
use crate::trigger_args::SubscribeArgs;

/// Said with every key printed.
const ONCE: &str = "Tray shows this key only now: it cannot be read back (`tray-connect \
                    subscription` and `subscriptions` never show it). Store it with your secrets.";

/// Creates the subscription and prints it with its key; a failed creation exits 1 naming the
/// subscription to delete.
pub async fn run(connection: &Connection, args: SubscribeArgs) -> Result<ExitCode, Failure> {
    let (_, input) = read_json_arg("--input", &args.input)?;
    if let Some(file) = &args.signing_key_file
        && std::fs::symlink_metadata(file).is_ok()
    {
        return Err(Failure::usage(format!(
            "{} exists; --signing-key-file writes a new file (a key is never written over \
             another, nor through a link)",
            file.display()
        )));
    }
    let client = connection.client()?;
    let mut new = RawSubscription::new(&args.name, &args.endpoint, input);
    if let Some(id) = &args.auth_id {
        new = new.auth_id(id);
    }
    if let Some(id) = &args.external_id {
        new = new.external_id(id);
    }
    let created = client
        .subscribe_raw(&args.trigger, &args.version, &args.operation, new)
        .await
        .map_err(failure)?;
    // Printed first: whatever happens to the file, the key is not lost.
    print_created(&created, args.json);
    if let Some(file) = &args.signing_key_file {
        save_key(file, &created).map_err(|why| {
            Failure::failed(format!(
                "subscription {} was created, but its key could not be written to {}: {why} \
                 (it is printed above)",
                created.subscription.id,
                file.display()
            ))
        })?;
        errln!("signing key written to {}", file.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn print_created(created: &CreatedSubscription, json: bool) {
    let key = created.signing_key.expose_base64();
    if json {
        // Tray's own answer: the subscription with its `signingKey`.
        let mut answer = subscription_json(&created.subscription);
        answer["signingKey"] = serde_json::json!(key);
        print_json(&answer);
        errln!("{ONCE}");
        return;
    }
    outln!("created subscription {}", created.subscription.id);
    print_fields(&created.subscription);
    outln!();
    outln!("signing key: {key}");
    outln!("{ONCE}");
}

/// What a failed creation says: Tray's refusal, or for a subscription that exists but failed
/// (`creation_failed`), or whose key could not be read, the id to delete.
fn failure(error: Error) -> Failure {
    let exists = match &error {
        Error::SubscriptionFailed { id, .. } => Some(id.clone()),
        _ => error
            .output()
            .and_then(|answer| answer.get("id"))
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned),
    };
    match (&error, exists) {
        (
            Error::SubscriptionFailed {
                id, code, message, ..
            },
            _,
        ) => {
            let code = if code.is_empty() {
                String::new()
            } else {
                format!(" [code {code}]")
            };
            let message = if message.is_empty() {
                "no reason given"
            } else {
                message
            };
            Failure::failed(format!(
                "Tray could not create subscription {id}: {message}{code}; it exists in state \
                 creation_failed and delivers nothing: delete it with `tray-connect unsubscribe \
                 {id}`"
            ))
        }
        (_, Some(id)) => Failure::failed(format!(
            "{error}; subscription {id} exists: delete it with `tray-connect unsubscribe {id}`"
        )),
        (_, None) => Failure::from(error),
    }
}

/// Writes the key to `file`, a new file only this user can read.
fn save_key(file: &Path, created: &CreatedSubscription) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    // `create_new` fails on anything already there, a link included (O_EXCL).
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut opened = options.open(file)?;
    writeln!(opened, "{}", created.signing_key.expose_base64())?;
    opened.sync_all()
}
