//! `tray-connect check`: vendored documents against the live API.
//!
//! Every document is reported, whatever happens to the others, and the exit code says the
//! worst: 3 when any document could not be checked (a CI job must not read "up to date" from
//! a run that checked nothing), else 1 on drift (`--fail-on breaking`: on breaking drift), else 0.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::{Value, json};
use tray_connect::Client;
use tray_connect_codegen::DocumentKind;
use tray_connect_codegen::document::SAMPLED_OUTPUT_SCHEMA;

use super::print_json;
use crate::args::{CheckArgs, FailOn};
use crate::connection::Connection;
use crate::document_files::{self, DocumentFile, DocumentProblem};
use crate::drift::{self, Change};
use crate::failure::Failure;
use crate::sampled;

/// Exit code when a document could not be checked.
const COULD_NOT_CHECK: u8 = 3;

/// The result for one vendored document.
struct Report {
    file: PathBuf,
    /// Whether it is a connector's or a trigger's, and the name and version its header gives,
    /// when it could be read.
    header: Option<(DocumentKind, String, String)>,
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
    /// A document, vendored or live, that codegen cannot expand (over its budget, say).
    Unexpandable,
}

impl Reason {
    fn key(self) -> &'static str {
        match self {
            Reason::Unreadable => "unreadable",
            Reason::Headerless => "headerless",
            Reason::NotUpstream => "not_upstream",
            Reason::Api => "api",
            Reason::Unexpandable => "unexpandable",
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
    let read = match document_files::read(&file) {
        Ok(read) => read,
        Err(problem) => {
            let reason = match problem {
                DocumentProblem::Unreadable(_) => Reason::Unreadable,
                DocumentProblem::Headerless => Reason::Headerless,
            };
            return Report {
                file,
                header: None,
                outcome: Outcome::NotChecked {
                    reason,
                    message: problem.to_string(),
                },
            };
        }
    };
    let outcome = compare_with_live(client, &read).await;
    Report {
        file,
        header: Some((read.kind, read.name, read.version)),
        outcome,
    }
}

/// Compares a vendored document with what the API serves for its header: Get Connector
/// Operations for a connector, List Trigger Operations for a trigger (a trigger is never
/// looked up among connectors).
async fn compare_with_live(client: &Client, read: &DocumentFile) -> Outcome {
    let (name, version) = (&read.name, &read.version);
    let (answer, listing) = match read.kind {
        DocumentKind::Connector => (
            client.operations_document(name, version).await,
            "tray-connect connectors --all",
        ),
        DocumentKind::Trigger => (
            client.trigger_operations_document(name, version).await,
            "tray-connect triggers --all",
        ),
    };
    let live = match answer {
        Ok(live) => live,
        Err(error) if error.status() == Some(404) => {
            return Outcome::NotChecked {
                reason: Reason::NotUpstream,
                message: format!(
                    "the API does not serve {name} {version} ({error}); see `{listing}`"
                ),
            };
        }
        Err(error) => {
            return Outcome::NotChecked {
                reason: Reason::Api,
                message: error.to_string(),
            };
        }
    };
    let mut elements = live.get("elements").cloned().unwrap_or(Value::Null);
    // Tray never serves the vendored sampled output schemas (`pull --sample`): lend them to
    // the live operations whose output is still dynamic, so that only a real change shows.
    if let Value::Array(live_elements) = &mut elements {
        sampled::carry_over(live_elements, |name| {
            read.document
                .operations
                .iter()
                .find(|op| op.name == name)
                .and_then(|op| op.element().get(SAMPLED_OUTPUT_SCHEMA).cloned())
        });
    }
    let live = match tray_connect_codegen::document::from_value(json!({ "elements": elements })) {
        Ok(live) => live,
        Err(e) => {
            return Outcome::NotChecked {
                reason: Reason::Api,
                message: format!("the API's answer is not an operations document: {e}"),
            };
        }
    };
    match drift::compare(read.kind, name, version, &read.document, &live) {
        Ok(changes) => Outcome::Compared(changes),
        Err(message) => Outcome::NotChecked {
            reason: Reason::Unexpandable,
            message,
        },
    }
}

fn shown_paths(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn title(file: &Path, header: Option<&(DocumentKind, String, String)>) -> String {
    match header {
        Some((_, name, version)) => format!("{name} {version} ({})", file.display()),
        None => file.display().to_string(),
    }
}

fn print_report(report: &Report) {
    let title = title(&report.file, report.header.as_ref());
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
    let mut entry = json!({ "file": report.file.display().to_string() });
    match &report.header {
        // `connector` or `trigger`: the name under the key its header has.
        Some((kind, name, version)) => {
            entry["kind"] = json!(kind.header_key());
            entry[kind.header_key()] = json!(name);
            entry["version"] = json!(version);
        }
        None => {
            entry["kind"] = Value::Null;
            entry["connector"] = Value::Null;
            entry["version"] = Value::Null;
        }
    }
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
            entry["changes"] = changes.iter().map(change_json).collect();
            entry["breaking"] = json!(texts(true));
            entry["nonBreaking"] = json!(texts(false));
        }
        Outcome::NotChecked { reason, message } => {
            entry["status"] = json!("error");
            entry["reason"] = json!(reason.key());
            entry["error"] = json!(message);
            entry["changes"] = json!([]);
            entry["breaking"] = json!([]);
            entry["nonBreaking"] = json!([]);
        }
    }
    entry
}

/// One change as data a CI script can filter (`jq '.[].changes[] | select(.breaking)'`).
fn change_json(change: &Change) -> Value {
    json!({
        "operation": change.operation,
        "path": change.path,
        "kind": change.kind,
        "breaking": change.breaking,
        "text": change.text,
    })
}
