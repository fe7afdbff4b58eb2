//! `tray-connect serve`: the emulator on the documents of a folder, until Ctrl-C.

use std::process::ExitCode;

use tray_connect_emulator::Emulator;

use crate::args::ServeArgs;
use crate::document_files;
use crate::failure::Failure;

/// Starts the emulator, prints how to reach it, and runs until Ctrl-C.
pub async fn run(args: ServeArgs, token: Option<String>) -> Result<ExitCode, Failure> {
    if !args.schemas.is_dir() {
        return Err(Failure::usage(format!(
            "{} is not a folder (--schemas names the folder of documents to serve)",
            args.schemas.display()
        )));
    }
    let files = document_files::expand_paths(std::slice::from_ref(&args.schemas))
        .map_err(Failure::usage)?;
    let mut builder = Emulator::builder();
    let mut loaded = Vec::new();
    for path in &files {
        match document_files::read(path) {
            Ok(document) => {
                loaded.push((
                    document.name,
                    document.version,
                    document.document.operations.len(),
                ));
                builder = builder.document(path);
            }
            Err(why) => errln!("skipping {}: {why}", path.display()),
        }
    }
    if loaded.is_empty() {
        return Err(Failure::usage(format!(
            "no operations document with a connector header in {}",
            args.schemas.display()
        )));
    }
    if let Some(token) = &token {
        builder = builder.token(token.trim());
    }
    if let Some(port) = args.port {
        builder = builder.port(port);
    }
    let emulator = builder
        .start()
        .await
        .map_err(|e| Failure::failed(format!("the emulator could not start: {e}")))?;
    let url = emulator.base_url();
    outln!("tray-connect emulator listening on {url}");
    for (name, version, operations) in &loaded {
        outln!("  {name} {version} ({operations} operations)");
    }
    outln!();
    match &token {
        Some(token) => {
            outln!("Point the client at it:");
            outln!("  TRAY_API_URL={url} TRAY_TOKEN={}", token.trim());
        }
        None => {
            outln!("Point the client at it (any non-empty token is accepted):");
            outln!("  TRAY_API_URL={url} TRAY_TOKEN=dev");
        }
    }
    outln!("Press Ctrl-C to stop.");
    // The emulator records every call for tests to inspect; nobody reads them here, so the
    // record is dropped every minute to keep a long session's memory flat.
    let mut forget = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        tokio::select! {
            stopped = tokio::signal::ctrl_c() => {
                stopped.map_err(|e| Failure::failed(format!("cannot wait for Ctrl-C: {e}")))?;
                break;
            }
            _ = forget.tick() => emulator.clear_calls(),
        }
    }
    drop(emulator);
    Ok(ExitCode::SUCCESS)
}
