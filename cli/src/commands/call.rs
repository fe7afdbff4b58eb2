//! `tray-connect call NAME VERSION OPERATION`: one Call Connector request.

use std::process::ExitCode;

use serde_json::Value;

use super::print_json;
use crate::args::CallArgs;
use crate::connection::Connection;
use crate::failure::Failure;

/// Calls the operation and prints its output as JSON; any failure exits 1 with the error.
pub async fn run(connection: &Connection, args: CallArgs) -> Result<ExitCode, Failure> {
    let input = read_input(&args.input)?;
    let client = connection.client()?;
    let output = client
        .call_raw(
            &args.name,
            &args.version,
            &args.operation,
            &args.auth_id,
            input,
        )
        .await
        // A rejected call is a call failure (1) whatever its kind, bad names included.
        .map_err(|e| Failure::failed(e.to_string()))?;
    print_json(&output);
    Ok(ExitCode::SUCCESS)
}

/// `--input`: JSON text, or `@FILE`.
fn read_input(input: &str) -> Result<Value, Failure> {
    let (text, origin) = match input.strip_prefix('@') {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| Failure::usage(format!("cannot read --input file {path}: {e}")))?;
            (text, format!("--input file {path}"))
        }
        None => (input.to_owned(), "--input".to_owned()),
    };
    serde_json::from_str(&text)
        .map_err(|e| Failure::usage(format!("{origin} is not valid JSON: {e}")))
}
