//! Lookups: the valid values of an input (a spreadsheet's worksheets, a worksheet's columns),
//! as Tray's dynamic dropdowns list them, then a call that uses them.
//!
//! ```text
//! cargo run --example lookups      # against the built-in emulator; no account needed
//! ```
//!
//! An input whose schema has a `lookup` gets a function `{Operation}::{input}_lookup(..)` whose
//! parameters are the other inputs the lookup needs; `Client::lookup` runs it and returns
//! `LookupOption { text, value }`s. Here the emulator answers; against Tray the options come
//! from the end user's Google account behind the authId.

use serde_json::json;
use tray_connect::Client;
use tray_connect_emulator::Emulator;

mod sheets {
    // In your crate: `tray-connect pull sheets 8.1` writes `schemas/sheets.json`, and the path
    // is "schemas/sheets.json". (`tray-connect connectors` shows the name and version Tray uses.)
    tray_connect::connector!(
        "sheets",
        "8.1",
        "examples/schemas/sheets.json",
        operations = ["get_rows"]
    );
}

/// An authId in the form Tray issues them (a UUID).
const AUTH_ID: &str = "fe6ce53d-b414-4f24-b0d5-16a0a75544a0";
const SPREADSHEET: &str = "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let emulator = Emulator::builder()
        .document_json(include_str!("schemas/sheets.json"))
        .start()
        .await?;
    let client = Client::builder()
        .token("emulator-token")
        .base_url(emulator.base_url())
        .build()?;
    // What the user's spreadsheet holds, scripted (without it the emulator makes up three
    // options per lookup).
    emulator.respond(
        "sheets",
        "list_worksheets_ddl_return_name",
        json!([{"text": "Customers", "value": "Customers"},
               {"text": "Orders", "value": "Orders"}]),
    );
    emulator.respond(
        "sheets",
        "list_worksheet_column_headers_ddl",
        json!([{"text": "Name", "value": "Name"}, {"text": "Plan", "value": "Plan"}]),
    );
    emulator.respond(
        "sheets",
        "get_rows",
        json!({"results": [["Name", "Plan"], ["Ada", "pro"]]}),
    );

    // 1. Which worksheets does the spreadsheet have? The lookup needs the spreadsheet id.
    let worksheets = client
        .lookup(AUTH_ID, sheets::GetRows::worksheet_name_lookup(SPREADSHEET))
        .await?;
    println!("worksheets:");
    for option in &worksheets {
        println!("  {} = {}", option.text, option.value);
    }
    let worksheet = worksheets[0]
        .value
        .as_str()
        .ok_or("a worksheet name is a string")?
        .to_owned();

    // 2. A nested input's lookup names inputs of the enclosing operation: the filter's column
    //    heading depends on the spreadsheet and the worksheet.
    let columns = client
        .lookup(
            AUTH_ID,
            sheets::GetRows::filter_column_heading_lookup(SPREADSHEET, worksheet.as_str()),
        )
        .await?;
    println!(
        "columns of {worksheet}: {:?}",
        columns.iter().map(|o| &o.text).collect::<Vec<_>>()
    );

    // 3. A call with the chosen values.
    let rows = client
        .call(
            AUTH_ID,
            sheets::GetRows::builder()
                .spreadsheet_id(SPREADSHEET)
                .worksheet_name(worksheet.as_str())
                .number_of_rows(10)
                .filter(
                    sheets::GetRowsFilter::builder()
                        .column_heading(columns[0].text.as_str())
                        .operator(sheets::GetRowsFilterOperator::EqualTo)
                        .value("Ada")
                        .build(),
                )
                .build(),
        )
        .await?;
    println!("rows: {}", serde_json::to_string(&rows.results)?);

    // The lookups are ordinary calls of the connector's lookup operations.
    let operations: Vec<String> = emulator.calls().into_iter().map(|c| c.operation).collect();
    println!("operations called: {operations:?}");
    Ok(())
}
