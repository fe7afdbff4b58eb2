//! `tray-connect operations NAME VERSION`: the operations of one connector version.

use std::process::ExitCode;

use serde_json::{Value, json};

use super::{print_json, print_table, required_inputs};
use crate::args::OperationsArgs;
use crate::connection::Connection;
use crate::failure::Failure;

/// Lists the operations with their required inputs.
pub async fn run(connection: &Connection, args: OperationsArgs) -> Result<ExitCode, Failure> {
    let client = connection.client()?;
    let operations = client.list_operations(&args.name, &args.version).await?;
    if args.json {
        let list: Vec<Value> = operations
            .iter()
            .map(|op| {
                json!({
                    "name": op.name,
                    "title": op.title,
                    "description": op.description,
                    "requiredInputs": required_inputs(&op.input_schema),
                    "hasDynamicOutput": op.has_dynamic_output,
                })
            })
            .collect();
        print_json(&Value::Array(list));
    } else {
        let rows: Vec<Vec<String>> = operations
            .iter()
            .map(|op| {
                let required = required_inputs(&op.input_schema);
                vec![
                    op.name.clone(),
                    op.title.clone(),
                    if required.is_empty() {
                        "-".to_owned()
                    } else {
                        required.join(", ")
                    },
                ]
            })
            .collect();
        print_table(&["OPERATION", "TITLE", "REQUIRED INPUTS"], &rows);
    }
    Ok(ExitCode::SUCCESS)
}
