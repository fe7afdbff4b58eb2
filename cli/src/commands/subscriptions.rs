//! `tray-connect subscriptions`, `subscription ID` and `unsubscribe ID`: reading and deleting
//! subscriptions. None of them can show a signing key: Tray returns it only when the
//! subscription is created (`subscribe`).

use std::process::ExitCode;

use serde_json::{Value, json};
use tray_connect::SubscriptionInfo;

use super::{print_json, print_table};
use crate::connection::Connection;
use crate::failure::Failure;
use crate::trigger_args::{SubscriptionArgs, SubscriptionsArgs, UnsubscribeArgs};

/// Lists every subscription, following every page of List Subscriptions.
pub async fn list(connection: &Connection, args: SubscriptionsArgs) -> Result<ExitCode, Failure> {
    let client = connection.client()?;
    let mut all = Vec::new();
    let mut pages = client.subscriptions();
    while let Some(subscription) = pages.next().await {
        all.push(subscription?);
    }
    if args.json {
        print_json(&Value::Array(all.iter().map(subscription_json).collect()));
    } else {
        let rows: Vec<Vec<String>> = all
            .iter()
            .map(|s| {
                vec![
                    s.id.clone(),
                    s.name.clone(),
                    format!("{} {}", s.trigger, s.version),
                    s.operation.clone(),
                    s.state.to_string(),
                    s.endpoint.clone(),
                ]
            })
            .collect();
        print_table(
            &["ID", "NAME", "TRIGGER", "OPERATION", "STATE", "ENDPOINT"],
            &rows,
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Shows one subscription.
pub async fn show(connection: &Connection, args: SubscriptionArgs) -> Result<ExitCode, Failure> {
    let client = connection.client()?;
    let subscription = client.subscription(&args.id).await?;
    if args.json {
        print_json(&subscription_json(&subscription));
    } else {
        print_fields(&subscription);
    }
    Ok(ExitCode::SUCCESS)
}

/// Deletes one subscription.
pub async fn delete(connection: &Connection, args: UnsubscribeArgs) -> Result<ExitCode, Failure> {
    let client = connection.client()?;
    client.unsubscribe(&args.id).await?;
    outln!("deleted subscription {}", args.id);
    Ok(ExitCode::SUCCESS)
}

/// A subscription as Tray's API writes it (without a key, which only creation has).
pub fn subscription_json(subscription: &SubscriptionInfo) -> Value {
    let mut entry = json!({
        "id": subscription.id,
        "name": subscription.name,
        "trigger": {"name": subscription.trigger, "version": subscription.version},
        "operation": subscription.operation,
        "endpoint": subscription.endpoint,
        "input": subscription.input,
        "state": subscription.state.to_string(),
    });
    if let Some(id) = &subscription.auth_id {
        entry["authenticationId"] = json!(id);
    }
    if let Some(id) = &subscription.external_id {
        entry["externalId"] = json!(id);
    }
    if let Some(error) = &subscription.error {
        entry["error"] = json!({"code": error.code, "message": error.message});
    }
    entry
}

/// A subscription as `name: value` lines, its input as JSON.
pub fn print_fields(subscription: &SubscriptionInfo) {
    let mut lines = vec![
        ("id", subscription.id.clone()),
        ("name", subscription.name.clone()),
        (
            "trigger",
            format!("{} {}", subscription.trigger, subscription.version),
        ),
        ("operation", subscription.operation.clone()),
        ("endpoint", subscription.endpoint.clone()),
        ("state", subscription.state.to_string()),
    ];
    if let Some(id) = &subscription.auth_id {
        lines.push(("auth id", id.clone()));
    }
    if let Some(id) = &subscription.external_id {
        lines.push(("external id", id.clone()));
    }
    if let Some(error) = &subscription.error {
        lines.push(("error", format!("{} [code {}]", error.message, error.code)));
    }
    for (label, value) in lines {
        outln!("{:<13}{value}", format!("{label}:"));
    }
    outln!("input:");
    super::print_json(&subscription.input);
}
