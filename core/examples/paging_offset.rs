//! Paging with an offset: a Salesforce-style `find_records` takes `batch_size` and
//! `page_offset` (how many records to skip). No page names the next one: the client counts
//! what it has read, and a page shorter than the batch is the last.
//!
//! ```text
//! cargo run --example paging_offset      # against the built-in emulator; no account needed
//! ```

use serde_json::{Value, json};
use tray_connect::Client;
use tray_connect_emulator::Emulator;

mod salesforce {
    tray_connect::connector!(
        "salesforce",
        "8.5",
        "examples/schemas/salesforce-find-records.json"
    );
}

/// An authId in the form Tray issues them (a UUID).
const AUTH_ID: &str = "fe6ce53d-b414-4f24-b0d5-16a0a75544a0";
const BATCH: i64 = 200;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let emulator = Emulator::builder()
        .document_json(include_str!("schemas/salesforce-find-records.json"))
        .start()
        .await?;
    let client = Client::builder()
        .token("emulator-token")
        .base_url(emulator.base_url())
        .build()?;
    // 523 accounts; each call answers the batch its offset asks for (computed from the input,
    // so a wrong offset would read the wrong records).
    emulator.respond_with("salesforce", "find_records", |input: &Value| {
        let offset = input["page_offset"].as_u64().unwrap_or(0);
        let size = input["batch_size"].as_u64().unwrap_or(200);
        let records: Vec<Value> = (offset..523.min(offset + size))
            .map(|i| json!({"Id": format!("001{i:012}"), "Name": format!("Account {i}")}))
            .collect();
        json!({"total": 523, "records": records})
    });

    let first = salesforce::FindRecords::builder()
        .object("Account")
        .fields(vec!["Id".to_owned(), "Name".to_owned()])
        .conditions_type(salesforce::FindRecordsConditionsType::MatchAnyConditions)
        .batch_size(BATCH)
        .page_offset(0)
        .build();
    let mut pages = client.pages(AUTH_ID, first, |mut input, page| {
        // A short page is the last; otherwise skip what has been read.
        if (page.records.len() as i64) < BATCH {
            return None;
        }
        input.page_offset = Some(input.page_offset.unwrap_or(0) + BATCH);
        Some(input)
    });
    let mut read = 0;
    while let Some(page) = pages.next().await {
        let page = page?;
        read += page.records.len();
        println!(
            "page of {:>3}, last {}",
            page.records.len(),
            page.records.last().map_or("-", |r| r.id.as_str())
        );
    }
    println!("{read} records in {} calls", emulator.calls().len());
    Ok(())
}
