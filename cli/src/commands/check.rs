//! `tray-connect check`: vendored documents against the live API.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use serde_json::{Value, json};

use super::print_json;
use crate::args::CheckArgs;
use crate::connection::Connection;
use crate::document_files;
use crate::drift::{self, Change};
use crate::failure::Failure;

/// Tray rate-limits the list endpoints at 30 requests per second.
const REQUEST_INTERVAL: Duration = Duration::from_millis(1000 / 30 + 1);

/// The result for one vendored document.
struct Report {
    file: PathBuf,
    name: String,
    version: String,
    changes: Vec<Change>,
}

/// Checks every document; exit 0 when all are equal to the API, 1 on any drift.
pub async fn run(connection: &Connection, args: CheckArgs) -> Result<ExitCode, Failure> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from("schemas")]
    } else {
        args.paths.clone()
    };
    let files = document_files::expand_paths(&paths).map_err(Failure::usage)?;
    let mut documents = Vec::new();
    for path in &files {
        match document_files::read(path) {
            Ok(document) => documents.push(document),
            Err(why) => eprintln!("skipping {}: {why}", path.display()),
        }
    }
    if documents.is_empty() {
        return Err(Failure::usage(
            "no operations document with a connector header to check",
        ));
    }
    let client = connection.client()?;
    let mut pacing = tokio::time::interval(REQUEST_INTERVAL);
    pacing.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut reports = Vec::new();
    for document in documents {
        pacing.tick().await;
        let live = client
            .operations_document(&document.name, &document.version)
            .await
            .map_err(|e| {
                Failure::failed(format!(
                    "{} ({} {}): {e}",
                    document.path.display(),
                    document.name,
                    document.version
                ))
            })?;
        let changes = drift::compare(&document.elements, elements(&live));
        reports.push(Report {
            file: document.path,
            name: document.name,
            version: document.version,
            changes,
        });
    }
    let drifted = reports.iter().any(|r| !r.changes.is_empty());
    if args.json {
        print_json(&Value::Array(reports.iter().map(report_json).collect()));
    } else {
        for report in &reports {
            print_report(report);
        }
    }
    Ok(if drifted {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn elements(document: &Value) -> &[Value] {
    document
        .get("elements")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn print_report(report: &Report) {
    let title = format!(
        "{} {} ({})",
        report.name,
        report.version,
        report.file.display()
    );
    if report.changes.is_empty() {
        println!("{title}: up to date");
        return;
    }
    let breaking: Vec<&Change> = report.changes.iter().filter(|c| c.breaking).collect();
    let other: Vec<&Change> = report.changes.iter().filter(|c| !c.breaking).collect();
    println!(
        "{title}: drift ({} breaking, {} non-breaking)",
        breaking.len(),
        other.len()
    );
    if !breaking.is_empty() {
        println!("  breaking:");
        for change in breaking {
            println!("    - {}", change.text);
        }
    }
    if !other.is_empty() {
        println!("  non-breaking (additions, docs):");
        for change in other {
            println!("    - {}", change.text);
        }
    }
}

fn report_json(report: &Report) -> Value {
    let texts = |breaking: bool| -> Vec<&str> {
        report
            .changes
            .iter()
            .filter(|c| c.breaking == breaking)
            .map(|c| c.text.as_str())
            .collect()
    };
    json!({
        "file": report.file.display().to_string(),
        "connector": report.name,
        "version": report.version,
        "status": if report.changes.is_empty() { "equal" } else { "drift" },
        "breaking": texts(true),
        "nonBreaking": texts(false),
    })
}
