//! `tray-connect connectors`: Get Connectors as a table or JSON.

use std::process::ExitCode;

use serde_json::Value;
use tray_connect::Connector;

use super::{print_json, print_table};
use crate::args::ConnectorsArgs;
use crate::connection::Connection;
use crate::failure::Failure;
use crate::versions;

/// Lists connectors, the latest version of each name unless `--all`.
pub async fn run(connection: &Connection, args: ConnectorsArgs) -> Result<ExitCode, Failure> {
    let client = connection.client()?;
    print(client.list_connectors().await?, &args);
    Ok(ExitCode::SUCCESS)
}

/// Prints a listing of connectors (or triggers, which List Triggers gives in the same shape)
/// as `connectors` does.
pub fn print(mut connectors: Vec<Connector>, args: &ConnectorsArgs) {
    if !args.all {
        connectors = latest_versions(connectors);
    }
    connectors.sort_by(|a, b| {
        a.name
            .cmp(&b.name)
            .then_with(|| versions::compare(&a.version, &b.version))
    });
    if args.json {
        let list: Vec<Value> = connectors
            .iter()
            .map(|c| serde_json::to_value(c).unwrap_or(Value::Null))
            .collect();
        print_json(&Value::Array(list));
    } else {
        let rows: Vec<Vec<String>> = connectors
            .iter()
            .map(|c| vec![c.name.clone(), c.version.clone(), c.title.clone()])
            .collect();
        print_table(&["NAME", "VERSION", "TITLE"], &rows);
    }
}

/// Keeps one connector per name: its highest version, compared segment by segment.
fn latest_versions(connectors: Vec<Connector>) -> Vec<Connector> {
    let mut latest: Vec<Connector> = Vec::new();
    for connector in connectors {
        match latest.iter_mut().find(|c| c.name == connector.name) {
            Some(seen) => {
                if versions::compare(&connector.version, &seen.version).is_gt() {
                    *seen = connector;
                }
            }
            None => latest.push(connector),
        }
    }
    latest
}
