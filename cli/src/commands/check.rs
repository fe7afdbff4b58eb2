//! `tray-connect check`: vendored documents against the live API.
//!
//! Every document is reported, whatever happens to the others, and the exit code says the
//! worst: 3 when any document could not be checked (a CI job must not read "up to date" from
//! a run that checked nothing), else 1 on drift (`--fail-on breaking`: on breaking drift), else 0.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::{Value, json};
use tray_connect::{Client, DriftKind, DriftReport, ObservedDrift};
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
    /// Drift seen at run time (`--observed`) in answers of its connector and version.
    observed: Vec<ObservedDrift>,
}

impl Report {
    /// Whether the document was compared and differs, live or as production saw it.
    fn drifted(&self) -> bool {
        match &self.outcome {
            Outcome::Compared(changes) => !changes.is_empty() || !self.observed.is_empty(),
            Outcome::NotChecked { .. } => false,
        }
    }
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
    let mut observed = read_observed(&args.observed)?;
    let client = connection.client()?;
    // The client paces these reads below Tray's rate limit (its default `RateLimit`).
    let mut reports = Vec::new();
    for file in files {
        reports.push(check_one(&client, file).await);
    }
    // Each observed entry goes to the document of its connector and version; the rest are
    // listed apart (and still fail the run: production saw them).
    for report in &mut reports {
        if let Some((_, name, version)) = &report.header {
            let (mine, rest) = observed
                .into_iter()
                .partition(|o| &o.connector == name && &o.version == version);
            report.observed = mine;
            observed = rest;
        }
    }

    if args.json {
        let mut entries: Vec<Value> = reports.iter().map(report_json).collect();
        if !observed.is_empty() {
            entries.push(json!({
                "file": Value::Null,
                "kind": Value::Null,
                "connector": Value::Null,
                "version": Value::Null,
                "status": "observed",
                "changes": [],
                "breaking": [],
                "nonBreaking": [],
                "observed": observed.iter().map(observed_json).collect::<Vec<_>>(),
            }));
        }
        print_json(&Value::Array(entries));
    } else {
        for report in &reports {
            print_report(report);
        }
        if !observed.is_empty() {
            outln!(
                "seen at run time in documents not checked here ({}):",
                observed.len()
            );
            for entry in &observed {
                outln!(
                    "    - {} {}: {}",
                    entry.connector,
                    entry.version,
                    observed_text(entry)
                );
            }
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
    // What production saw decoded (it is kept in `extra`, `Unknown`, ...): not breaking.
    let observed_fails = args.fail_on == FailOn::Any;
    let drifted = reports.iter().any(|r| match &r.outcome {
        Outcome::Compared(changes) => {
            changes.iter().any(fails) || (observed_fails && !r.observed.is_empty())
        }
        Outcome::NotChecked { .. } => false,
    }) || (observed_fails && !observed.is_empty());
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
                observed: Vec::new(),
            };
        }
    };
    let outcome = compare_with_live(client, &read).await;
    Report {
        file,
        header: Some((read.kind, read.name, read.version)),
        outcome,
        observed: Vec::new(),
    }
}

/// Every entry of the `--observed` reports, in order. A file that cannot be read as a drift
/// report is a usage error: the run would otherwise pass without what production saw.
fn read_observed(files: &[PathBuf]) -> Result<Vec<ObservedDrift>, Failure> {
    let mut observed = Vec::new();
    for file in files {
        let text = std::fs::read(file).map_err(|e| {
            Failure::usage(format!("could not read --observed {}: {e}", file.display()))
        })?;
        let report: DriftReport = serde_json::from_slice(&text).map_err(|e| {
            Failure::usage(format!(
                "--observed {} is not a drift report (Client::drift_report() as JSON): {e}",
                file.display()
            ))
        })?;
        observed.extend(report.observed);
    }
    Ok(observed)
}

/// "send_sms: an enum value the document does not list at `/status` (seen in 3 answers)".
fn observed_text(entry: &ObservedDrift) -> String {
    let what = match entry.kind {
        DriftKind::UnlistedMember => "a member the document does not list",
        DriftKind::UnknownEnumValue => "an enum value the document does not list",
        DriftKind::TypeMismatch => "a value of another type than the document's",
        DriftKind::ValueFallback => "a value where the document gives no type (kept as JSON)",
        _ => "something the document does not promise",
    };
    let answers = if entry.count == 1 {
        "answer"
    } else {
        "answers"
    };
    format!(
        "{}: {what} at `{}` ({}; seen in {} {answers})",
        entry.operation, entry.pointer, entry.kind, entry.count
    )
}

fn observed_json(entry: &ObservedDrift) -> Value {
    json!({
        "connector": entry.connector,
        "version": entry.version,
        "operation": entry.operation,
        "pointer": entry.pointer,
        "kind": entry.kind,
        "count": entry.count,
        "text": observed_text(entry),
    })
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
        Outcome::Compared(changes) if changes.is_empty() && report.observed.is_empty() => {
            outln!("{title}: up to date");
            return;
        }
        Outcome::Compared(changes) if changes.is_empty() => {
            outln!("{title}: live document unchanged");
            print_observed(&report.observed);
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
    print_observed(&report.observed);
}

fn print_observed(observed: &[ObservedDrift]) {
    if observed.is_empty() {
        return;
    }
    outln!(
        "  seen at run time ({}, not in the vendored document):",
        observed.len()
    );
    for entry in observed {
        outln!("    - {}", observed_text(entry));
    }
}

/// "3 documents: 1 up to date, 1 with drift, 1 could not be checked".
fn summary(reports: &[Report]) -> String {
    let (mut equal, mut drift, mut not_checked) = (0, 0, 0);
    for report in reports {
        match &report.outcome {
            Outcome::Compared(_) if report.drifted() => drift += 1,
            Outcome::Compared(_) => equal += 1,
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
            entry["status"] = json!(if report.drifted() { "drift" } else { "equal" });
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
    entry["observed"] = report.observed.iter().map(observed_json).collect();
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
