//! `tray-connect operations NAME VERSION`: the operations of one connector version.

use std::process::ExitCode;

use serde_json::{Value, json};
use tray_connect::OperationInfo;
use tray_connect_codegen::DocumentKind;
use tray_connect_codegen::document::filled_by_tray;

use super::{print_json, print_table, required_inputs};
use crate::args::OperationsArgs;
use crate::connection::Connection;
use crate::failure::Failure;

/// Lists the operations with their required inputs.
pub async fn run(connection: &Connection, args: OperationsArgs) -> Result<ExitCode, Failure> {
    let client = connection.client()?;
    let operations = match client.list_operations(&args.name, &args.version).await {
        Ok(operations) => operations,
        // A wrong name or version: say what the API does list.
        Err(error) if error.status() == Some(404) => {
            let hint = match client.list_connectors().await {
                Ok(listed) => crate::listing::hint(&listed, &args.name, &args.version),
                Err(_) => String::new(),
            };
            return Err(Failure::failed(format!("{error}{hint}")));
        }
        Err(error) => return Err(error.into()),
    };
    print(&operations, args.json, DocumentKind::Connector);
    Ok(ExitCode::SUCCESS)
}

/// Prints operations (a connector's or a trigger's) with their required inputs. For a
/// trigger, the inputs Tray fills itself (`document::filled_by_tray`, the rule `trigger!` and
/// the emulator follow) are listed apart: a subscription need not give them.
pub fn print(operations: &[OperationInfo], json: bool, kind: DocumentKind) {
    let inputs = |op: &OperationInfo| -> (Vec<String>, Vec<String>) {
        let required = required_inputs(&op.input_schema);
        if kind == DocumentKind::Connector {
            return (required, Vec::new());
        }
        let properties = op.input_schema.get("properties");
        required.into_iter().partition(|name| {
            properties
                .and_then(|p| p.get(name))
                .and_then(Value::as_object)
                .and_then(filled_by_tray)
                .is_none()
        })
    };
    if json {
        let list: Vec<Value> = operations
            .iter()
            .map(|op| {
                let (required, filled) = inputs(op);
                let mut entry = json!({
                    "name": op.name,
                    "title": op.title,
                    "description": op.description,
                    "requiredInputs": required,
                    "hasDynamicOutput": op.has_dynamic_output,
                });
                if kind == DocumentKind::Trigger {
                    entry["filledByTray"] = json!(filled);
                }
                entry
            })
            .collect();
        print_json(&Value::Array(list));
    } else {
        let dash = |names: Vec<String>| {
            if names.is_empty() {
                "-".to_owned()
            } else {
                names.join(", ")
            }
        };
        let rows: Vec<Vec<String>> = operations
            .iter()
            .map(|op| {
                let (required, filled) = inputs(op);
                let mut row = vec![op.name.clone(), op.title.clone(), dash(required)];
                if kind == DocumentKind::Trigger {
                    row.push(dash(filled));
                }
                row
            })
            .collect();
        match kind {
            DocumentKind::Connector => {
                print_table(&["OPERATION", "TITLE", "REQUIRED INPUTS"], &rows);
            }
            DocumentKind::Trigger => print_table(
                &["OPERATION", "TITLE", "REQUIRED INPUTS", "FILLED BY TRAY"],
                &rows,
            ),
        }
    }
}
