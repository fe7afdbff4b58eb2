//! `tray-connect pull`: vendor operations documents with their connector header.
//!
//! Key order: the API's own order is kept (serde_json's `preserve_order`), because codegen
//! reads optional fields in document order; an unchanged API therefore gives byte-identical
//! files. Files end with a newline and hold no timestamps.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Map, Value};
use tray_connect::Client;

use crate::args::PullArgs;
use crate::connection::Connection;
use crate::failure::Failure;

/// Tray rate-limits the list endpoints at 30 requests per second.
const REQUEST_INTERVAL: Duration = Duration::from_millis(1000 / 30 + 1);

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
    let client = connection.client()?;
    let mut pacing = tokio::time::interval(REQUEST_INTERVAL);
    pacing.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    pacing.tick().await;
    let connectors = client.list_connectors().await?;

    let progress = (targets.len() > 1 && std::io::stderr().is_terminal()).then(|| {
        let bar = ProgressBar::new(targets.len() as u64);
        if let Ok(style) = ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}") {
            bar.set_style(style);
        }
        bar
    });
    for target in &targets {
        if let Some(bar) = &progress {
            bar.set_message(format!("{} {}", target.name, target.version));
        }
        let header = connectors
            .iter()
            .find(|c| c.name == target.name && c.version == target.version)
            .ok_or_else(|| {
                Failure::failed(format!(
                    "connector {} version {} is not among the connectors this token can use \
                     (see `tray-connect connectors --all`)",
                    target.name, target.version
                ))
            })?;
        pacing.tick().await;
        let count = pull_one(&client, header, target).await?;
        let line = format!(
            "wrote {} ({} {}, {count} operations)",
            target.file.display(),
            target.name,
            target.version
        );
        match &progress {
            Some(bar) => {
                bar.println(line);
                bar.inc(1);
            }
            None => eprintln!("{line}"),
        }
    }
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    Ok(ExitCode::SUCCESS)
}

async fn pull_one(
    client: &Client,
    header: &tray_connect::Connector,
    target: &Target,
) -> Result<usize, Failure> {
    let answer = client
        .operations_document(&target.name, &target.version)
        .await?;
    let elements = answer
        .get("elements")
        .cloned()
        .unwrap_or(Value::Array(Vec::new()));
    let count = elements.as_array().map_or(0, Vec::len);
    let mut document = Map::new();
    document.insert(
        "connector".to_owned(),
        serde_json::to_value(header).map_err(|e| Failure::failed(e.to_string()))?,
    );
    document.insert("elements".to_owned(), elements);
    let mut text = serde_json::to_string_pretty(&Value::Object(document))
        .map_err(|e| Failure::failed(e.to_string()))?;
    text.push('\n');
    if let Some(parent) = target.file.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| Failure::failed(format!("cannot create {}: {e}", parent.display())))?;
    }
    std::fs::write(&target.file, text)
        .map_err(|e| Failure::failed(format!("cannot write {}: {e}", target.file.display())))?;
    Ok(count)
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
    if args.output.is_none() {
        // The default file name comes from the connector name: keep it inside schemas/.
        if let Some((name, _)) = pairs
            .iter()
            .find(|(name, _)| name.contains(['/', '\\']) || name.starts_with('.'))
        {
            return Err(Failure::usage(format!(
                "connector name `{name}` cannot be a file name under schemas/: pass -o FILE"
            )));
        }
    }
    Ok(pairs
        .into_iter()
        .map(|(name, version)| Target {
            file: args
                .output
                .clone()
                .unwrap_or_else(|| PathBuf::from("schemas").join(format!("{name}.json"))),
            name,
            version,
        })
        .collect())
}
