//! `tray-connect listen --port N --signing-key-file F`: a receiver of Tray's deliveries on
//! 127.0.0.1, for development (as `stripe listen` is used): every POST, on any path, is
//! verified with the subscription's key before anything reads it (core's `verify_event`);
//! what verifies is printed as JSON and answered 200, the rest answered 401 (413 when too
//! large, 405 when not a POST) with one line on stderr saying why. With `--trigger-document`
//! and `--operation`, each event is also checked against the operation's `outputSchema`.
//!
//! It runs until Ctrl-C.

use std::net::Ipv4Addr;
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use tray_connect::{MAX_EVENT_BYTES, SIGNATURE_HEADER, SignatureError, SigningKey, verify_event};
use tray_connect_codegen::DocumentKind;
use tray_connect_emulator::SchemaCheck;

use super::print_json;
use crate::document_files;
use crate::failure::Failure;
use crate::trigger_args::ListenArgs;

/// What every request reads.
struct Listener {
    key: SigningKey,
    expected: Option<Expected>,
    /// Events verified so far.
    events: AtomicUsize,
    /// Held while an event's lines are printed, so two events never interleave.
    printing: Mutex<()>,
}

/// The event `--trigger-document` and `--operation` name.
struct Expected {
    operation: String,
    /// What `trigger!` calls its event type, e.g. `EnteredSmartGroupInitEvent`.
    type_name: Option<String>,
    /// `None` when the operation's `outputSchema` cannot be checked against.
    check: Option<SchemaCheck>,
}

/// Binds 127.0.0.1:`--port`, says where, and receives until Ctrl-C.
pub async fn run(args: ListenArgs) -> Result<ExitCode, Failure> {
    let key = read_key(&args.signing_key_file)?;
    let expected = match (&args.trigger_document, &args.operation) {
        (Some(document), Some(operation)) => Some(expected(document, operation)?),
        _ => None,
    };
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, args.port))
        .await
        .map_err(|e| Failure::failed(format!("cannot listen on 127.0.0.1:{}: {e}", args.port)))?;
    let address = listener
        .local_addr()
        .map_err(|e| Failure::failed(format!("cannot listen: {e}")))?;
    outln!("tray-connect listen: receiving events on http://{address}/ (any path)");
    outln!(
        "  each x-tray-signature is verified with the key in {}",
        args.signing_key_file.display()
    );
    if let Some(expected) = &expected {
        let named = expected
            .type_name
            .as_deref()
            .map(|name| format!(" (`{name}`)"))
            .unwrap_or_default();
        match expected.check {
            Some(_) => outln!(
                "  each event is checked against the outputSchema of {}{named}",
                expected.operation
            ),
            None => outln!(
                "  {} has no outputSchema to check events against",
                expected.operation
            ),
        }
    }
    outln!("Subscribe with --endpoint http://{address}/tray (one path per subscription).");
    outln!("Press Ctrl-C to stop.");
    let state = Arc::new(Listener {
        key,
        expected,
        events: AtomicUsize::new(0),
        printing: Mutex::new(()),
    });
    let app = Router::new().fallback(receive).with_state(state);
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| Failure::failed(format!("the receiver stopped: {e}")))?;
    Ok(ExitCode::SUCCESS)
}

/// The key of `--signing-key-file`: its text, whitespace around it ignored.
fn read_key(file: &Path) -> Result<SigningKey, Failure> {
    let shown = file.display();
    let text = document_files::read_text(file)
        .map_err(|why| Failure::usage(format!("cannot read --signing-key-file {shown}: {why}")))?;
    SigningKey::from_base64(text.trim()).map_err(|e| {
        Failure::usage(format!(
            "--signing-key-file {shown} does not hold a signing key: {e}"
        ))
    })
}

/// The operation `operation` of the trigger document `document`, and its event's schema.
fn expected(document: &Path, operation: &str) -> Result<Expected, Failure> {
    let shown = document.display();
    let read = document_files::read(document)
        .map_err(|why| Failure::usage(format!("--trigger-document {shown}: {why}")))?;
    if read.kind != DocumentKind::Trigger {
        return Err(Failure::usage(format!(
            "--trigger-document {shown} is a connector's document; a trigger's has a \
             `\"trigger\"` header (`tray-connect pull --trigger` writes one)"
        )));
    }
    let Some(op) = read
        .document
        .operations
        .iter()
        .find(|op| op.name == operation)
    else {
        let names = read.document.operations.iter().map(|op| op.name.as_str());
        let closest = tray_connect_codegen::suggest::closest(operation, names);
        let hint = match closest.first() {
            Some(name) => format!("; did you mean `{name}`?"),
            None => String::new(),
        };
        return Err(Failure::usage(format!(
            "{} {} has no operation `{operation}`{hint}",
            read.name, read.version
        )));
    };
    let schema = op.output_schema();
    let checkable = !op.has_dynamic_output && schema.as_object().is_some_and(|s| !s.is_empty());
    let check = if checkable {
        match SchemaCheck::new(schema) {
            Ok(check) => Some(check),
            Err(why) => {
                errln!(
                    "the outputSchema of {operation} does not compile ({why}): events are not checked"
                );
                None
            }
        }
    } else {
        None
    };
    // The name `trigger!` gives the event type, from the expansion's surface.
    let type_name = tray_connect_codegen::surface(
        &read.document,
        DocumentKind::Trigger,
        &read.name,
        &read.version,
        None,
    )
    .ok()
    .and_then(|surface| {
        let op = surface.operation(operation)?;
        op.items
            .values()
            .find_map(|item| item.ty.strip_prefix("Event = ").map(str::to_owned))
    });
    Ok(Expected {
        operation: operation.to_owned(),
        type_name,
        check,
    })
}

/// One request: verified, printed and taken, or refused.
async fn receive(State(state): State<Arc<Listener>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let what = format!("{} {}", parts.method, parts.uri);
    if parts.method != Method::POST {
        return refuse(
            StatusCode::METHOD_NOT_ALLOWED,
            &what,
            "Tray delivers events with POST",
        );
    }
    // Nothing is read before the request says it is signed.
    let Some(signature) = parts
        .headers
        .get(SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .filter(|s| !s.trim().is_empty())
    else {
        return refuse(
            StatusCode::UNAUTHORIZED,
            &what,
            &SignatureError::Missing.to_string(),
        );
    };
    let too_large = format!("the body is larger than the limit of {MAX_EVENT_BYTES} bytes");
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_EVENT_BYTES as u64) {
        return refuse(StatusCode::PAYLOAD_TOO_LARGE, &what, &too_large);
    }
    let body = match axum::body::to_bytes(Body::new(body), MAX_EVENT_BYTES).await {
        Ok(body) => body,
        Err(_) => return refuse(StatusCode::PAYLOAD_TOO_LARGE, &what, &too_large),
    };
    if let Err(refused) = verify_event(&state.key, &body, &signature) {
        return refuse(StatusCode::UNAUTHORIZED, &what, &refused.to_string());
    }
    let event: Value = match serde_json::from_slice(&body) {
        Ok(event) => event,
        Err(e) => {
            let why = format!("it is signed with the key, but it is not JSON: {e}");
            return refuse(StatusCode::BAD_REQUEST, &what, &why);
        }
    };
    let n = state.events.fetch_add(1, Ordering::Relaxed) + 1;
    let _printing = state
        .printing
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    outln!(
        "event {n}: {what} ({} bytes, signature verified)",
        body.len()
    );
    print_json(&event);
    if let Some(Expected {
        operation,
        check: Some(check),
        ..
    }) = &state.expected
    {
        let problems = check.problems(&event);
        if problems.is_empty() {
            outln!("  fits the outputSchema of {operation}");
        }
        for problem in problems {
            outln!("  does not fit the outputSchema of {operation}: {problem}");
        }
    }
    (StatusCode::OK, "ok").into_response()
}

/// Answers `status` and says why on one line of stderr.
fn refuse(status: StatusCode, what: &str, why: &str) -> Response {
    errln!("refused {what} ({}): {why}", status.as_u16());
    (status, why.to_owned()).into_response()
}
