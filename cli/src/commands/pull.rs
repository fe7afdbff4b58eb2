//! `tray-connect pull`: vendor operations documents with their connector header, or with
//! `--trigger` trigger documents (List Trigger Operations' answer) with their trigger header.
//!
//! Key order: the API's own order is kept (serde_json's `preserve_order`), because codegen
//! reads optional fields in document order; an unchanged API therefore gives byte-identical
//! files. Files end with a newline and hold no timestamps.
//!
//! Writes are atomic (a temporary file in the same folder, renamed over the document), and an
//! answer that is not a usable document is refused unless `--force`: a vendored document is
//! what the build reads, so a bad pull must never replace a good one.
//!
//! `--sample OPERATION=FILE` calls a `hasDynamicOutput` operation with `returnOutputSchema:
//! true` and vendors the schema Tray returns, with the input, as the operation's
//! `sampledOutputSchema` (`{"schema": .., "sample": ..}`, the last key of the operation). A
//! later pull without `--sample` carries the previous one over while the output is still
//! dynamic, so re-pulling stays byte-identical.
//!
//! It never writes through a symbolic link: when the document, or a folder of its path below
//! the current directory, is a link, it refuses (exit 1) before asking the API anything, and
//! again just before writing; `--force` does not change that. The default file name,
//! `schemas/{name}.json`, is made only of a connector name that is a plain file name.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Map, Value};
use tray_connect::Client;
use tray_connect_codegen::DocumentKind;
use tray_connect_codegen::document::SAMPLED_OUTPUT_SCHEMA;

use super::read_json_arg;
use crate::args::PullArgs;
use crate::connection::Connection;
use crate::document_files;
use crate::drift;
use crate::failure::Failure;
use crate::sampled;
use crate::terminal;

/// One connector version to vendor.
#[derive(Debug)]
struct Target {
    name: String,
    version: String,
    file: PathBuf,
}

/// Pulls every target, then reports; the first failure stops the run.
pub async fn run(connection: &Connection, args: PullArgs) -> Result<ExitCode, Failure> {
    let targets = targets(&args)?;
    let samples = samples(&args, targets.len())?;
    for target in &targets {
        refuse_symlinks(&target.file)?;
    }
    let client = connection.client()?;
    let kind = if args.trigger {
        DocumentKind::Trigger
    } else {
        DocumentKind::Connector
    };
    // The client paces these reads below Tray's rate limit (its default `RateLimit`).
    let listed = match kind {
        DocumentKind::Connector => client.list_connectors().await?,
        DocumentKind::Trigger => client.list_triggers().await?,
    };

    let progress = (targets.len() > 1 && std::io::stderr().is_terminal()).then(|| {
        let bar = ProgressBar::new(targets.len() as u64);
        if let Ok(style) = ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}") {
            bar.set_style(style);
        }
        bar
    });
    for target in &targets {
        if let Some(bar) = &progress {
            bar.set_message(
                terminal::visible(&format!("{} {}", target.name, target.version)).into_owned(),
            );
        }
        let header = listed
            .iter()
            .find(|c| c.name == target.name && c.version == target.version)
            .ok_or_else(|| {
                let (noun, listing) = match kind {
                    DocumentKind::Connector => ("connector", "connectors"),
                    DocumentKind::Trigger => ("trigger", "triggers"),
                };
                Failure::failed(format!(
                    "{noun} {} version {} is not among the {listing} this token can use{} \
                     (see `tray-connect {listing} --all`)",
                    target.name,
                    target.version,
                    crate::listing::hint(&listed, &target.name, &target.version)
                ))
            })?;
        let lines = pull_one(&client, kind, header, target, args.force, &samples).await?;
        for line in lines {
            match &progress {
                Some(bar) => bar.println(terminal::visible(&line)),
                None => errln!("{line}"),
            }
        }
        if let Some(bar) = &progress {
            bar.inc(1);
        }
    }
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    Ok(ExitCode::SUCCESS)
}

/// The `--sample` requests of a pull: the authId they call with, and per operation the input
/// (read before anything is asked of the API).
#[derive(Debug, Default)]
struct Samples {
    auth_id: String,
    inputs: Vec<Sample>,
}

/// One `--sample OPERATION=FILE`.
#[derive(Debug)]
struct Sample {
    operation: String,
    file: String,
    input: Value,
}

/// Reads the `--sample` flags: each `OPERATION=FILE` once, with `--auth-id` and one connector.
fn samples(args: &PullArgs, targets: usize) -> Result<Samples, Failure> {
    if args.sample.is_empty() {
        if args.auth_id.is_some() {
            return Err(Failure::usage("--auth-id is only used with --sample"));
        }
        return Ok(Samples::default());
    }
    if args.trigger {
        return Err(Failure::usage(
            "--sample is for connectors: a trigger's operations are not called",
        ));
    }
    if targets != 1 {
        return Err(Failure::usage("--sample needs exactly one connector"));
    }
    let Some(auth_id) = args.auth_id.clone().filter(|id| !id.is_empty()) else {
        return Err(Failure::usage(
            "--sample calls the operation: pass the authId to call with as --auth-id",
        ));
    };
    let mut inputs: Vec<Sample> = Vec::new();
    for item in &args.sample {
        let Some((operation, file)) = item
            .split_once('=')
            .filter(|(op, file)| !op.is_empty() && !file.is_empty())
        else {
            return Err(Failure::usage(format!(
                "--sample `{item}`: expected OPERATION=FILE (a JSON input)"
            )));
        };
        if inputs.iter().any(|s| s.operation == operation) {
            return Err(Failure::usage(format!(
                "--sample names operation `{operation}` twice"
            )));
        }
        let (_, input) = read_json_arg("--sample", &format!("@{file}"))?;
        inputs.push(Sample {
            operation: operation.to_owned(),
            file: file.to_owned(),
            input,
        });
    }
    Ok(Samples { auth_id, inputs })
}

/// Asks Tray for each sampled operation's output schema and sets it as the operation's
/// `sampledOutputSchema`; then carries over the previous document's for the other dynamic
/// operations. Returns the lines that say what was sampled.
async fn sample_outputs(
    client: &Client,
    target: &Target,
    elements: &mut [Value],
    samples: &Samples,
    previous: Option<&str>,
) -> Result<Vec<String>, Failure> {
    let file = target.file.display();
    let mut lines = Vec::new();
    for sample in &samples.inputs {
        let Some(element) = elements
            .iter_mut()
            .find(|e| e.get("name").and_then(Value::as_str) == Some(sample.operation.as_str()))
        else {
            return Err(Failure::failed(format!(
                "--sample: {} {} has no operation `{}` (`tray-connect operations {} {}` lists \
                 them); {file} is left as it was",
                target.name, target.version, sample.operation, target.name, target.version
            )));
        };
        if !sampled::is_dynamic(element) {
            return Err(Failure::failed(format!(
                "--sample: operation `{}` does not have a dynamic output (`hasDynamicOutput` is \
                 not true), so its outputSchema already types it; {file} is left as it was",
                sample.operation
            )));
        }
        let schema = client
            .output_schema_raw(
                &target.name,
                &target.version,
                &sample.operation,
                &samples.auth_id,
                sample.input.clone(),
            )
            .await
            .map_err(|error| {
                Failure::failed(format!(
                    "--sample: the returnOutputSchema call of `{}` with {} failed: {error}; \
                     {file} is left as it was",
                    sample.operation, sample.file
                ))
            })?;
        if !schema.is_object() {
            return Err(Failure::failed(format!(
                "--sample: Tray's answer for `{}` with {} holds an `output_schema` that is not \
                 a JSON object (it is {}); {file} is left as it was",
                sample.operation,
                sample.file,
                json_kind(&schema)
            )));
        }
        let mut sampled = Map::new();
        sampled.insert("schema".to_owned(), schema);
        sampled.insert("sample".to_owned(), sample.input.clone());
        if let Some(map) = element.as_object_mut() {
            map.insert(SAMPLED_OUTPUT_SCHEMA.to_owned(), Value::Object(sampled));
        }
        lines.push(format!(
            "  sampled `{}`: its output is typed from the schema Tray returned for {}",
            sample.operation, sample.file
        ));
    }
    // The previous document's samples, for the operations not sampled now.
    let before = previous
        .and_then(|text| serde_json::from_str::<Value>(text).ok())
        .map(|document| sampled::of_elements(&document["elements"]))
        .unwrap_or_default();
    sampled::carry_over(elements, |name| {
        before
            .iter()
            .find(|(op, _)| op == name)
            .map(|(_, sampled)| sampled.clone())
    });
    Ok(lines)
}

/// "an array", "a string", ...: a JSON value's kind, for messages.
fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Pulls one document and writes it unless it is unusable (and not `force`d); returns the
/// lines that say what was written and what changed.
async fn pull_one(
    client: &Client,
    kind: DocumentKind,
    header: &tray_connect::Connector,
    target: &Target,
    force: bool,
    samples: &Samples,
) -> Result<Vec<String>, Failure> {
    let answer = match kind {
        DocumentKind::Connector => {
            client
                .operations_document(&target.name, &target.version)
                .await?
        }
        DocumentKind::Trigger => {
            client
                .trigger_operations_document(&target.name, &target.version)
                .await?
        }
    };
    let mut elements = answer
        .get("elements")
        .cloned()
        .unwrap_or(Value::Array(Vec::new()));
    // The document there now, if it is a regular file (never read through a link).
    let previous = match std::fs::symlink_metadata(&target.file) {
        Ok(meta) if meta.is_file() => document_files::read_text(&target.file).ok(),
        _ => None,
    };
    let mut sample_lines = Vec::new();
    if kind == DocumentKind::Connector
        && let Value::Array(list) = &mut elements
    {
        sample_lines = sample_outputs(client, target, list, samples, previous.as_deref()).await?;
    }
    let mut document = Map::new();
    document.insert(
        kind.header_key().to_owned(),
        serde_json::to_value(header).map_err(|e| Failure::failed(e.to_string()))?,
    );
    document.insert("elements".to_owned(), elements);
    let document = Value::Object(document);
    let file = target.file.display();
    if !force && let Err(why) = usable(&document) {
        return Err(Failure::failed(format!(
            "the API's answer for {} {} is not a usable operations document ({why}); \
             {file} is left as it was (pass --force to write the answer anyway)",
            target.name, target.version
        )));
    }
    let mut text =
        serde_json::to_string_pretty(&document).map_err(|e| Failure::failed(e.to_string()))?;
    text.push('\n');

    let new_elements = document["elements"]
        .as_array()
        .map_or(&[][..], Vec::as_slice);
    let count = new_elements.len();
    let title = format!(
        "{file} ({} {}, {count} operations)",
        target.name, target.version
    );
    // Again, now that the answer is here: the run may have taken a while.
    refuse_symlinks(&target.file)?;
    let destination = &target.file;
    // `symlink_metadata`: never what a link points to (one made since is not a regular file).
    let previous = match std::fs::symlink_metadata(destination) {
        Err(_) => None,
        // Renaming over a device or a FIFO (`-o /dev/null`) would replace it.
        Ok(meta) if !meta.is_file() => {
            return Err(Failure::failed(format!(
                "{file} is not a regular file; pull only replaces documents"
            )));
        }
        Ok(_) => Some(document_files::read_text(destination)),
    };
    if let Some(Ok(previous)) = &previous
        && previous.as_bytes() == text.as_bytes()
    {
        // Not rewritten, so its modification time (and cargo's rebuild) is left alone.
        let mut lines = vec![format!("unchanged {title}")];
        lines.extend(sample_lines);
        return Ok(lines);
    }
    let before = previous.map(|read| {
        read.ok()
            .and_then(|text| tray_connect_codegen::document::parse(&text).ok())
    });
    write_atomically(destination, &text)?;

    let mut lines = vec![format!("wrote {title}")];
    let sampled_at = lines.len();
    let compared = |old: &tray_connect_codegen::OperationsDocument| {
        let new = tray_connect_codegen::document::from_value(document.clone())
            .map_err(|e| e.to_string())?;
        drift::compare(kind, &target.name, &target.version, old, &new)
    };
    match before {
        None => lines[0].push_str(": new file"),
        Some(None) => lines[0].push_str(": replaced a file that was not a readable document"),
        Some(Some(old)) if old.kind != kind => lines[0].push_str(&format!(
            ": replaced a {} document with a {} document",
            old.kind.noun(),
            kind.noun()
        )),
        Some(Some(old)) => match compared(&old) {
            Err(why) => lines[0].push_str(&format!(": could not say what changed ({why})")),
            Ok(changes) if changes.is_empty() => {
                lines[0].push_str(": operations unchanged (header or formatting changed)");
            }
            Ok(changes) => {
                let breaking = changes.iter().filter(|c| c.breaking).count();
                lines[0].push_str(&format!(
                    ": {} change(s), {breaking} of them breaking",
                    changes.len()
                ));
                lines.extend(changes.iter().map(|c| {
                    let kind = if c.breaking {
                        "breaking"
                    } else {
                        "non-breaking"
                    };
                    format!("  - {kind}: {}", c.text)
                }));
            }
        },
    }
    for (i, line) in sample_lines.into_iter().enumerate() {
        lines.insert(sampled_at + i, line);
    }
    Ok(lines)
}

/// Refuses to write `file` through a symbolic link (see the module docs); exit code 1, as for
/// the other files `pull` will not replace.
fn refuse_symlinks(file: &Path) -> Result<(), Failure> {
    match document_files::symlink_on_the_way(file) {
        Some(link) => Err(Failure::failed(document_files::symlink_refusal(
            "pull", file, &link,
        ))),
        None => Ok(()),
    }
}

/// Why `document` cannot be vendored: codegen's reader refuses it, it has no operations, or
/// an operation's schema is not a JSON object (an absent or `null` schema is fine).
fn usable(document: &Value) -> Result<(), String> {
    let read =
        tray_connect_codegen::document::from_value(document.clone()).map_err(|e| e.to_string())?;
    if read.operations.is_empty() {
        return Err("it has no operations".to_owned());
    }
    for operation in &read.operations {
        for key in ["inputSchema", "outputSchema"] {
            match operation.element().get(key) {
                None | Some(Value::Null | Value::Object(_)) => {}
                Some(_) => {
                    return Err(format!(
                        "the {key} of operation `{}` is not a JSON object",
                        operation.name
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Writes `text` to a temporary file in `file`'s folder, then renames it over `file`: a write
/// that fails midway (disk full, file-size limit) leaves the previous document in place. The
/// temporary file is created new (never opened through a link), and a rename replaces the
/// name `file` itself, never what a link there would point to.
fn write_atomically(file: &Path, text: &str) -> Result<(), Failure> {
    let cannot =
        |e: std::io::Error| Failure::failed(format!("cannot write {}: {e}", file.display()));
    let folder = match file.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(parent) => {
            std::fs::create_dir_all(parent)
                .map_err(|e| Failure::failed(format!("cannot create {}: {e}", parent.display())))?;
            parent
        }
        None => Path::new("."),
    };
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        // As `std::fs::write` would create it (the umask applies), not tempfile's 0600.
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut temporary = builder.tempfile_in(folder).map_err(cannot)?;
    if let Ok(existing) = std::fs::symlink_metadata(file) {
        // A re-pulled document keeps the permissions it had.
        temporary
            .as_file()
            .set_permissions(existing.permissions())
            .map_err(cannot)?;
    }
    temporary.write_all(text.as_bytes()).map_err(cannot)?;
    temporary.as_file().sync_all().map_err(cannot)?;
    temporary.persist(file).map_err(|e| cannot(e.error))?;
    Ok(())
}

/// `NAME VERSION` or `NAME@VERSION ...`, with their files.
fn targets(args: &PullArgs) -> Result<Vec<Target>, Failure> {
    let pairs: Vec<(String, String)> = match args.targets.as_slice() {
        [name, version] if !name.contains('@') && !version.contains('@') => {
            vec![(name.clone(), version.clone())]
        }
        list => list
            .iter()
            .map(|item| match item.split_once('@') {
                Some((name, version)) if !name.is_empty() && !version.is_empty() => {
                    Ok((name.to_owned(), version.to_owned()))
                }
                _ => Err(Failure::usage(format!(
                    "`{item}`: expected NAME VERSION or NAME@VERSION ..."
                ))),
            })
            .collect::<Result<_, _>>()?,
    };
    if args.output.is_some() && pairs.len() > 1 {
        return Err(Failure::usage("-o/--output needs exactly one connector"));
    }
    pairs
        .into_iter()
        .map(|(name, version)| {
            let file = match &args.output {
                Some(output) => output.clone(),
                None => default_file(&name)?,
            };
            Ok(Target {
                name,
                version,
                file,
            })
        })
        .collect()
}

/// `schemas/{name}.json`, when `name` is a plain file name: ASCII letters, digits, `-`, `_`
/// and `.` (not first), at most 200 bytes, and not a name Windows keeps for a device. Anything
/// else (separators, `..`, NUL and other controls, a drive's `C:`) could name a file outside
/// `schemas/`, or none; the user names the file with `-o` instead.
fn default_file(name: &str) -> Result<PathBuf, Failure> {
    let plain = !name.is_empty()
        && name.len() <= 200
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    let stem = name
        .split('.')
        .next()
        .unwrap_or_default()
        .to_ascii_uppercase();
    let device = matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || (stem.len() == 4
            && (stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.ends_with(|c: char| c.is_ascii_digit()));
    if !plain || device {
        return Err(Failure::usage(format!(
            "connector name `{name}` cannot be a file name under schemas/ (a default file name \
             is made of ASCII letters, digits, `-`, `_` and `.`): pass -o FILE"
        )));
    }
    Ok(PathBuf::from("schemas").join(format!("{name}.json")))
}

#[cfg(test)]
mod tests {
    use super::default_file;
    use std::path::Path;

    #[test]
    fn connector_names_that_are_plain_file_names_give_the_default_file() {
        for name in ["twilio-output", "slack", "google_sheets", "csv.v2", "A1"] {
            assert_eq!(
                default_file(name).unwrap(),
                Path::new("schemas").join(format!("{name}.json"))
            );
        }
    }

    #[test]
    fn names_that_could_leave_the_schemas_folder_are_refused() {
        let long = "a".repeat(201);
        for name in [
            "",
            ".",
            "..",
            "../../x",
            "../x",
            "a/b",
            "/etc/x",
            "a\\b",
            "..\\x",
            "C:x",
            "x\0y",
            "x\u{1b}[2J",
            "x\ny",
            "x y",
            ".hidden",
            "con",
            "NUL",
            "com1",
            "lpt9.x",
            "caf\u{e9}",
            "a\u{2215}b",
            long.as_str(),
        ] {
            let refused = default_file(name).unwrap_err();
            assert_eq!(refused.code, 2, "{name:?}");
            assert!(refused.message.contains("pass -o FILE"), "{name:?}");
        }
    }
}
