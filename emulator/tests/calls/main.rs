//! Call Connector: validation, synthesised and scripted outputs, lookups, dynamic output.

#[path = "../support/mod.rs"]
mod support;

mod auth_ids;
mod dynamic_output;
mod lookups;
mod outputs;
mod published;
mod validation;

use serde_json::{Value, json};

fn valid_get_rows() -> Value {
    json!({"spreadsheet_id": "sheet", "worksheet_name": "Sheet1", "number_of_rows": 100})
}
