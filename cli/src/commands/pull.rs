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

use crate::args::PullArgs;
use crate::connection::Connection;
use crate::document_files;
use crate::drift;
use crate::failure::Failure;
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
        let lines = pull_one(&client, kind, header, target, args.force).await?;
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

/// Pulls one document and writes it unless it is unusable (and not `force`d); returns the
/// lines that say what was written and what changed.
async fn pull_one(
    client: &Client,
    kind: DocumentKind,
    header: &tray_connect::Connector,
    target: &Target,
    force: bool,
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
    let elements = answer
        .get("elements")
        .cloned()
        .unwrap_or(Value::Array(Vec::new()));
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
        return Ok(vec![format!("unchanged {title}")]);
    }
    let before = previous.map(|read| {
        read.ok()
            .and_then(|text| tray_connect_codegen::document::parse(&text).ok())
    });
    write_atomically(destination, &text)?;

    let mut lines = vec![format!("wrote {title}")];
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
