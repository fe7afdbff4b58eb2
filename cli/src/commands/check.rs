//! `tray-connect check`: vendored documents against the live API.
//!
//! Every document is reported, whatever happens to the others, and the exit code says the
//! worst: 3 when any document could not be checked (a CI job must not read "up to date" from
//! a run that checked nothing), else 1 on drift (`--fail-on breaking`: on breaking drift), else 0.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::{Value, json};
use tray_connect::Client;

use super::print_json;
use crate::args::{CheckArgs, FailOn};
use crate::connection::Connection;
use crate::document_files::{self, DocumentProblem};
use crate::drift::{self, Change};
use crate::failure::Failure;

/// Exit code when a document could not be checked.
const COULD_NOT_CHECK: u8 = 3;

/// The result for one vendored document.
struct Report {
    file: PathBuf,
    /// The connector and version its header names, when it could be read.
    connector: Option<(String, String)>,
    outcome: Outcome,
}

enum Outcome {
    /// Compared with the live document: these changes (none when up to date).
    Compared(Vec<Change>),
    /// Not compared, and why.
    NotChecked { reason: Reason, message: String },
}

/// Why a document could not be checked.
#[derive(Clone, Copy)]
enum Reason {
    /// Not readable as an operations document.
    Unreadable,
    /// No header naming its connector.
    Headerless,
    /// The API does not serve its connector and version (404).
    NotUpstream,
    /// The API refused the token, or failed.
    Api,
}

impl Reason {
    fn key(self) -> &'static str {
        match self {
            Reason::Unreadable => "unreadable",
            Reason::Headerless => "headerless",
            Reason::NotUpstream => "not_upstream",
            Reason::Api => "api",
        }
    }
}

/// Checks every document and reports each; see the module docs for the exit code.
pub async fn run(connection: &Connection, args: CheckArgs) -> Result<ExitCode, Failure> {
    let paths = if args.paths.is_empty() {
        let default = PathBuf::from("schemas");
        if !default.is_dir() {
            return Err(Failure::usage(
                "no schemas folder here: pass the documents or folders to check",
            ));
        }
        vec![default]
    } else {
        args.paths.clone()
    };
    let files = document_files::expand_paths(&paths).map_err(Failure::usage)?;
    if files.is_empty() {
        return Err(Failure::usage(format!(
            "no .json documents in {}",
            shown_paths(&paths)
        )));
    }
    let client = connection.client()?;
    // The client paces these reads below Tray's rate limit (its default `RateLimit`).
    let mut reports = Vec::new();
    for file in files {
        reports.push(check_one(&client, file).await);
    }

    if args.json {
        print_json(&Value::Array(reports.iter().map(report_json).collect()));
    } else {
        for report in &reports {
            print_report(report);
        }
        outln!("{}", summary(&reports));
    }
    let not_checked = reports
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::NotChecked { .. }))
        .count();
    if not_checked > 0 {
        errln!(
            "error: {not_checked} of {} document(s) could not be checked",
            reports.len()
        );
        return Ok(ExitCode::from(COULD_NOT_CHECK));
    }
    let fails = |change: &Change| args.fail_on == FailOn::Any || change.breaking;
    let drifted = reports.iter().any(|r| match &r.outcome {
        Outcome::Compared(changes) => changes.iter().any(fails),
        Outcome::NotChecked { .. } => false,
    });
    Ok(if drifted {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

async fn check_one(client: &Client, file: PathBuf) -> Report {
    let document = match document_files::read(&file) {
        Ok(document) => document,
        Err(problem) => {
            let reason = match problem {
                DocumentProblem::Unreadable(_) => Reason::Unreadable,
                DocumentProblem::Headerless => Reason::Headerless,
            };
            return Report {
                file,
                connector: None,
                outcome: Outcome::NotChecked {
                    reason,
                    message: problem.to_string(),
                },
            };
        }
    };
    let outcome = match client
        .operations_document(&document.name, &document.version)
        .await
    {
        Ok(live) => Outcome::Compared(drift::compare(&document.elements, elements(&live))),
        Err(error) if error.status() == Some(404) => Outcome::NotChecked {
            reason: Reason::NotUpstream,
            message: format!(
                "the API does not serve {} {} ({error}); see `tray-connect connectors --all`",
                document.name, document.version
            ),
        },
        Err(error) => Outcome::NotChecked {
            reason: Reason::Api,
            message: error.to_string(),
        },
    };
    Report {
        file,
        connector: Some((document.name, document.version)),
        outcome,
    }
}

fn elements(document: &Value) -> &[Value] {
    document
        .get("elements")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn shown_paths(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn title(file: &Path, connector: Option<&(String, String)>) -> String {
    match connector {
        Some((name, version)) => format!("{name} {version} ({})", file.display()),
        None => file.display().to_string(),
    }
}

fn print_report(report: &Report) {
    let title = title(&report.file, report.connector.as_ref());
    let changes = match &report.outcome {
        Outcome::NotChecked { message, .. } => {
            outln!(
                "{title}: could not check: {}",
                message.replace(['\n', '\r'], " ")
            );
            return;
        }
        Outcome::Compared(changes) if changes.is_empty() => {
            outln!("{title}: up to date");
            return;
        }
        Outcome::Compared(changes) => changes,
    };
    let breaking: Vec<&Change> = changes.iter().filter(|c| c.breaking).collect();
    let other: Vec<&Change> = changes.iter().filter(|c| !c.breaking).collect();
    outln!(
        "{title}: drift ({} breaking, {} non-breaking)",
        breaking.len(),
        other.len()
    );
    if !breaking.is_empty() {
        outln!("  breaking:");
        for change in breaking {
            outln!("    - {}", change.text);
        }
    }
    if !other.is_empty() {
        outln!("  non-breaking (additions, docs):");
        for change in other {
            outln!("    - {}", change.text);
        }
    }
}

/// "3 documents: 1 up to date, 1 with drift, 1 could not be checked".
fn summary(reports: &[Report]) -> String {
    let (mut equal, mut drift, mut not_checked) = (0, 0, 0);
    for report in reports {
        match &report.outcome {
            Outcome::Compared(changes) if changes.is_empty() => equal += 1,
            Outcome::Compared(_) => drift += 1,
            Outcome::NotChecked { .. } => not_checked += 1,
        }
    }
    format!(
        "{} document(s): {equal} up to date, {drift} with drift, {not_checked} could not be checked",
        reports.len()
    )
}

fn report_json(report: &Report) -> Value {
    let (name, version) = report
        .connector
        .as_ref()
        .map_or((Value::Null, Value::Null), |(n, v)| (json!(n), json!(v)));
    let mut entry = json!({
        "file": report.file.display().to_string(),
        "connector": name,
        "version": version,
    });
    match &report.outcome {
        Outcome::Compared(changes) => {
            let texts = |breaking: bool| -> Vec<&str> {
                changes
                    .iter()
                    .filter(|c| c.breaking == breaking)
                    .map(|c| c.text.as_str())
                    .collect()
            };
            entry["status"] = json!(if changes.is_empty() { "equal" } else { "drift" });
            entry["breaking"] = json!(texts(true));
            entry["nonBreaking"] = json!(texts(false));
        }
        Outcome::NotChecked { reason, message } => {
            entry["status"] = json!("error");
            entry["reason"] = json!(reason.key());
            entry["error"] = json!(message);
            entry["breaking"] = json!([]);
            entry["nonBreaking"] = json!([]);
        }
    }
    entry
}
