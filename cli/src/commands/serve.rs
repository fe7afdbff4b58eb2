//! `tray-connect serve`: the emulator on the documents of a folder (connectors' and
//! triggers'), until Ctrl-C. For each trigger it says how to subscribe to it and make the
//! emulator deliver an event (`tray-connect deliver`, through the emulator's own route).

use std::process::ExitCode;

use serde_json::{Map, Value};
use tray_connect_codegen::DocumentKind;
use tray_connect_codegen::document::filled_by_tray;
use tray_connect_emulator::Emulator;

use crate::args::ServeArgs;
use crate::document_files::{self, DocumentFile};
use crate::failure::Failure;

/// Starts the emulator, prints how to reach it, and runs until Ctrl-C.
pub async fn run(args: ServeArgs, token: Option<String>) -> Result<ExitCode, Failure> {
    let replaying = args.replay.is_some();
    let files = if args.schemas.is_dir() {
        document_files::expand_paths(std::slice::from_ref(&args.schemas)).map_err(Failure::usage)?
    } else if replaying {
        // A replay answers calls without documents; they only check the outputs.
        errln!(
            "{} is not a folder: the replayed outputs are not checked against any outputSchema",
            args.schemas.display()
        );
        Vec::new()
    } else {
        return Err(Failure::usage(format!(
            "{} is not a folder (--schemas names the folder of documents to serve)",
            args.schemas.display()
        )));
    };
    let mut builder = Emulator::builder();
    let mut loaded = Vec::new();
    for path in &files {
        match document_files::read(path) {
            Ok(document) => {
                loaded.push(document);
                builder = builder.document(path);
            }
            Err(why) => errln!("skipping {}: {why}", path.display()),
        }
    }
    if loaded.is_empty() && !replaying {
        return Err(Failure::usage(format!(
            "no operations document with a connector or trigger header in {}",
            args.schemas.display()
        )));
    }
    if let Some(token) = &token {
        builder = builder.token(token.trim());
    }
    if let Some(port) = args.port {
        builder = builder.port(port);
    }
    if let Some(folder) = &args.replay {
        builder = builder.replay(folder);
    }
    // The emulator's warnings on stderr: which operation a refused call asked for. Their
    // text escapes what a request supplied.
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(tracing::Level::WARN)
        .with_target(false)
        .without_time()
        .try_init();
    let emulator = builder
        .start()
        .await
        .map_err(|e| Failure::failed(format!("the emulator could not start: {e}")))?;
    let url = emulator.base_url();
    outln!("tray-connect emulator listening on {url}");
    if let Some(folder) = &args.replay {
        // Each replayed output that departs from its outputSchema is logged on stderr (a
        // warning with the JSON pointer) the first time it is replayed.
        outln!(
            "  replaying {} recorded exchanges from {} (Call Connector answers only from them)",
            emulator.replay_len(),
            folder.display()
        );
    }
    for document in &loaded {
        let kind = match document.kind {
            DocumentKind::Connector => "",
            DocumentKind::Trigger => "trigger, ",
        };
        outln!(
            "  {} {} ({kind}{} operations)",
            document.name,
            document.version,
            document.document.operations.len()
        );
    }
    outln!();
    let token = token.as_deref().map(str::trim);
    match token {
        Some(token) => {
            outln!("Point the client at it:");
            outln!("  TRAY_API_URL={url} TRAY_TOKEN={token}");
        }
        None => {
            outln!("Point the client at it (any non-empty token is accepted):");
            outln!("  TRAY_API_URL={url} TRAY_TOKEN=dev");
        }
    }
    for document in loaded.iter().filter(|d| d.kind == DocumentKind::Trigger) {
        print_delivery_howto(document);
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

/// How to make the emulator deliver an event of `trigger`'s first operation: subscribe with a
/// local endpoint, listen there, deliver. Run with the `TRAY_API_URL` and `TRAY_TOKEN` above.
fn print_delivery_howto(trigger: &DocumentFile) {
    let Some(operation) = trigger.document.operations.first() else {
        return;
    };
    let input = Value::Object(example_input(operation.input_schema())).to_string();
    let (name, version, op) = (&trigger.name, &trigger.version, &operation.name);
    outln!();
    outln!("Make {name} {version} deliver an event (with the variables above):");
    outln!("  tray-connect subscribe {name} {version} {op} --name dev \\");
    outln!(
        "    --endpoint http://127.0.0.1:4242/tray --input '{input}' --signing-key-file dev.key"
    );
    outln!("  tray-connect listen --port 4242 --signing-key-file dev.key   # in another terminal");
    outln!("  tray-connect deliver SUBSCRIPTION_ID --event @event.json      # any JSON: the event");
}

/// An input with a placeholder for each required input Tray does not fill itself (what the
/// emulator requires of a subscription): the first `enum` value, else one of the `type`.
fn example_input(schema: &Value) -> Map<String, Value> {
    let properties = schema.get("properties").and_then(Value::as_object);
    super::required_inputs(schema)
        .into_iter()
        .filter_map(|name| {
            let property = properties
                .and_then(|p| p.get(&name))
                .and_then(Value::as_object);
            if property.and_then(filled_by_tray).is_some() {
                return None;
            }
            let example = property.map_or(Value::String("...".into()), |p| {
                if let Some(first) = p
                    .get("enum")
                    .and_then(Value::as_array)
                    .and_then(|e| e.first())
                {
                    return first.clone();
                }
                match p.get("type").and_then(Value::as_str) {
                    Some("integer" | "number") => Value::from(1),
                    Some("boolean") => Value::Bool(true),
                    Some("object") => Value::Object(Map::new()),
                    Some("array") => Value::Array(Vec::new()),
                    _ => Value::String("...".into()),
                }
            });
            Some((name, example))
        })
        .collect()
}
