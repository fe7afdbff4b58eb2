//! `tray-connect record --upstream URL --out DIR`: a proxy on 127.0.0.1 that the user points
//! `TRAY_API_URL` at. Every request is forwarded to the upstream as it came (the bearer token
//! passed through, never written anywhere), and every Call Connector exchange is written to
//! `DIR` as a fixture file (`tray_connect_emulator::fixture`) that `serve --replay` and
//! `EmulatorBuilder::replay` answer from.
//!
//! What keeps secrets out of the files: no request header is recorded, the `authId` is written
//! as `<redacted>`, each input whose schema in the vendored document says `format: password` is
//! redacted (a call of a connector without a vendored document is forwarded but not recorded,
//! since its passwords cannot be known), and any of those values (the token too) is redacted
//! wherever the answer repeats it. Each recorded output is checked against the document's
//! `outputSchema`, and every mismatch printed with its JSON pointer.
//!
//! Files are numbered per operation from 001 in each run and replace files of the same name
//! (recording the same traffic again leaves `git diff` empty); record into a fresh folder to
//! keep an older recording whole. Every line printed goes through `outln!`/`errln!` (names,
//! messages and file names come from the network); file names are made by
//! `fixture::file_name`, which keeps them plain.

use std::collections::HashMap;
use std::io::Write as _;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Path as RoutePath, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::Response;
use axum::routing::post;
use serde_json::{Value, json};
use tray_connect_codegen::{DocumentKind, OperationsDocument};
use tray_connect_emulator::fixture::{
    self, FORMAT, Fixture, FixtureRequest, FixtureResponse, OutputCheck, OutputChecks, REDACTED,
    Redaction, Secrets,
};

use crate::args::RecordArgs;
use crate::document_files::{self, MAX_FILE_BYTES};
use crate::failure::Failure;

/// Headers that belong to one connection, not to the request or answer (RFC 9110 7.6.1), and
/// those the proxy sets itself: never forwarded. `accept-encoding` is dropped so the upstream
/// answers uncompressed bytes, which the fixture can hold as JSON.
const NOT_FORWARDED: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
    "content-length",
    "accept-encoding",
];

/// Vendored connector documents by `(name, version)`.
type Documents = HashMap<(String, String), OperationsDocument>;

/// What every request reads.
struct Proxy {
    upstream: String,
    client: reqwest::Client,
    out: PathBuf,
    documents: Documents,
    checks: OutputChecks,
    /// The last number given to each file-name stem; held while a file is written.
    numbers: Mutex<HashMap<String, usize>>,
}

/// Reads the documents, binds 127.0.0.1, says where, and forwards until Ctrl-C.
pub async fn run(args: RecordArgs) -> Result<ExitCode, Failure> {
    let upstream = upstream_url(&args.upstream)?;
    let (documents, checks) = read_documents(&args.documents)?;
    std::fs::create_dir_all(&args.out).map_err(|e| {
        Failure::failed(format!(
            "cannot create the folder {}: {e}",
            args.out.display()
        ))
    })?;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(args.timeout.max(1)))
        .connect_timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| Failure::failed(format!("cannot build the HTTP client: {e}")))?;
    let port = args.port.unwrap_or(0);
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port))
        .await
        .map_err(|e| Failure::failed(format!("cannot listen on 127.0.0.1:{port}: {e}")))?;
    let address = listener
        .local_addr()
        .map_err(|e| Failure::failed(format!("cannot listen: {e}")))?;
    let count = documents.len();
    let proxy = Arc::new(Proxy {
        upstream: upstream.clone(),
        client,
        out: args.out.clone(),
        documents,
        checks,
        numbers: Mutex::default(),
    });
    outln!("tray-connect record listening on http://{address}, forwarding to {upstream}");
    outln!(
        "  writing each Call Connector exchange to {} ({count} vendored documents from {})",
        args.out.display(),
        args.documents.display()
    );
    outln!("Point the client at it (with your real token):");
    outln!("  TRAY_API_URL=http://{address}");
    outln!("Press Ctrl-C to stop.");
    let app = Router::new()
        .route(
            "/core/v1/connectors/{name}/versions/{version}/call",
            post(call),
        )
        .fallback(pass)
        .layer(DefaultBodyLimit::max(MAX_FILE_BYTES as usize))
        .with_state(proxy);
    let stop = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    axum::serve(listener, app)
        .with_graceful_shutdown(stop)
        .await
        .map_err(|e| Failure::failed(format!("the proxy stopped: {e}")))?;
    Ok(ExitCode::SUCCESS)
}

/// `--upstream` as a base URL without a trailing slash: http or https, no query.
fn upstream_url(given: &str) -> Result<String, Failure> {
    let url = reqwest::Url::parse(given.trim()).map_err(|e| {
        Failure::usage(format!(
            "--upstream {given} is not a URL ({e}); give Tray's base URL, e.g. https://api.tray.io"
        ))
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.query().is_some() {
        return Err(Failure::usage(format!(
            "--upstream {given} must be an http(s) base URL without a query, e.g. https://api.tray.io"
        )));
    }
    let local = url.host_str().is_some_and(|h| {
        h == "localhost"
            || h.parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    });
    if url.scheme() == "http" && !local {
        errln!("warning: --upstream {given} is plain http: the token travels unencrypted");
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// The connector documents of `folder`: which inputs are passwords, and the output checks.
fn read_documents(folder: &Path) -> Result<(Documents, OutputChecks), Failure> {
    if !folder.is_dir() {
        return Err(Failure::usage(format!(
            "{} is not a folder: --documents names the folder of vendored operations documents \
             (`tray-connect pull` writes them), which say which inputs are passwords to redact",
            folder.display()
        )));
    }
    let files = document_files::expand_paths(&[folder.to_path_buf()]).map_err(Failure::usage)?;
    let mut documents = HashMap::new();
    let mut checks = OutputChecks::new();
    for path in &files {
        match document_files::read(path) {
            Ok(file) if file.kind == DocumentKind::Connector => {
                checks.add_document(&file.name, &file.version, &file.document);
                documents.insert((file.name, file.version), file.document);
            }
            Ok(_) => {}
            Err(why) => errln!("skipping {}: {why}", path.display()),
        }
    }
    Ok((documents, checks))
}

/// Any request but Call Connector: forwarded, not recorded.
async fn pass(
    State(proxy): State<Arc<Proxy>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match proxy.forward(method, &uri, &headers, body).await {
        Ok(answer) => answer.response(),
        Err(refused) => refused,
    }
}

/// Call Connector: forwarded, and the exchange written as a fixture.
async fn call(
    State(proxy): State<Arc<Proxy>>,
    RoutePath((name, version)): RoutePath<(String, String)>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let answer = match proxy
        .forward(Method::POST, &uri, &headers, body.clone())
        .await
    {
        Ok(answer) => answer,
        Err(refused) => return refused,
    };
    let recorded =
        tokio::task::block_in_place(|| proxy.record(&name, &version, &headers, &body, &answer));
    match recorded {
        Ok((path, check)) => {
            let operation = operation_of(&body).unwrap_or_default();
            outln!(
                "recorded {}: {operation} of {name} {version}, HTTP {}",
                path.display(),
                answer.status.as_u16()
            );
            match &check {
                OutputCheck::Mismatches { mismatches } => {
                    outln!(
                        "  the output departs from the outputSchema in {} place(s) (Tray gave vs the document promised):",
                        mismatches.len()
                    );
                    for mismatch in mismatches {
                        outln!("    {mismatch}");
                    }
                }
                OutputCheck::Unchecked { reason } if answer.status == StatusCode::OK => {
                    outln!("  output not checked: {reason}");
                }
                _ => {}
            }
        }
        Err(why) => errln!("not recorded: a call to {name} {version}: {why}"),
    }
    answer.response()
}

fn operation_of(body: &[u8]) -> Option<String> {
    let value: Value = serde_json::from_slice(body).ok()?;
    value.get("operation")?.as_str().map(str::to_owned)
}

/// The upstream's whole answer.
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl Answer {
    fn response(self) -> Response {
        let mut response = Response::new(Body::from(self.body));
        *response.status_mut() = self.status;
        *response.headers_mut() = self.headers;
        response
    }
}

/// Tray's flat error body, from the proxy itself.
fn refusal(status: StatusCode, message: String) -> Response {
    errln!("{message}");
    let body = json!({"message": format!("tray-connect record: {message}"), "code": null});
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// `error` and its causes, one after another.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

impl Proxy {
    /// Sends the request to the upstream and reads its whole answer, at most
    /// [`MAX_FILE_BYTES`]. `Err`: the 502 (504 on a timeout) that says why there is none.
    async fn forward(
        &self,
        method: Method,
        uri: &Uri,
        headers: &HeaderMap,
        body: Bytes,
    ) -> Result<Answer, Response> {
        let path = uri.path_and_query().map_or("/", |p| p.as_str());
        let url = format!("{}{path}", self.upstream);
        let mut forwarded = HeaderMap::new();
        for (name, value) in headers {
            if !NOT_FORWARDED.contains(&name.as_str()) {
                forwarded.append(name.clone(), value.clone());
            }
        }
        let failed = |e: reqwest::Error| {
            let status = if e.is_timeout() {
                StatusCode::GATEWAY_TIMEOUT
            } else {
                StatusCode::BAD_GATEWAY
            };
            refusal(
                status,
                format!(
                    "no answer from the upstream to {method} {path}: {}",
                    chain(&e)
                ),
            )
        };
        let mut response = self
            .client
            .request(method.clone(), &url)
            .headers(forwarded)
            .body(body)
            .send()
            .await
            .map_err(failed)?;
        let status = response.status();
        let mut headers = HeaderMap::new();
        for (name, value) in response.headers() {
            if !NOT_FORWARDED.contains(&name.as_str()) {
                headers.append(name.clone(), value.clone());
            }
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(failed)? {
            if (bytes.len() + chunk.len()) as u64 > MAX_FILE_BYTES {
                return Err(refusal(
                    StatusCode::BAD_GATEWAY,
                    format!(
                        "the upstream's answer to {method} {path} is larger than \
                         {MAX_FILE_BYTES} bytes; it was not forwarded"
                    ),
                ));
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(Answer {
            status,
            headers,
            body: Bytes::from(bytes),
        })
    }

    /// Writes one Call Connector exchange as a fixture: the path written and the output's
    /// check. `Err`: why it was not recorded.
    fn record(
        &self,
        connector: &str,
        version: &str,
        headers: &HeaderMap,
        body: &[u8],
        answer: &Answer,
    ) -> Result<(PathBuf, OutputCheck), String> {
        let Ok(Value::Object(mut call)) = serde_json::from_slice::<Value>(body) else {
            return Err("its body is not a JSON object".to_owned());
        };
        let Some(Value::String(operation)) = call.remove("operation") else {
            return Err("its body has no \"operation\"".to_owned());
        };
        let key = (connector.to_owned(), version.to_owned());
        let Some(document) = self.documents.get(&key) else {
            return Err(format!(
                "no vendored document of {connector} {version} says which of its inputs are \
                 passwords (`tray-connect pull {connector} {version}` writes one into --documents)"
            ));
        };
        let mut secrets = Secrets::new();
        if let Some(token) = bearer(headers) {
            secrets.add(token);
        }
        let auth_id = match call.remove("authId") {
            None | Some(Value::Null) => None,
            Some(id) => {
                if let Value::String(id) = &id {
                    secrets.add(id.clone());
                }
                Some(REDACTED.to_owned())
            }
        };
        let mut input = call.remove("input").unwrap_or(Value::Null);
        Redaction::for_operation(document, &operation).redact(&mut input, &mut secrets);
        secrets.redact_in_input(&mut input);
        let return_output_schema = call
            .remove("returnOutputSchema")
            .and_then(|flag| flag.as_bool())
            .unwrap_or(false);
        let answer_headers = answer
            .headers
            .iter()
            .filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?)));
        let mut fixture = Fixture {
            tray_connect_fixture: FORMAT,
            connector: connector.to_owned(),
            version: version.to_owned(),
            operation,
            request: FixtureRequest {
                auth_id,
                return_output_schema,
                input,
            },
            response: FixtureResponse::recorded(
                answer.status.as_u16(),
                answer_headers,
                &answer.body,
                &secrets,
            ),
            output_check: OutputCheck::Fits,
        };
        fixture.output_check = self.checks.check(&fixture);
        let text = fixture
            .to_text()
            .map_err(|e| format!("cannot write it as JSON: {e}"))?;
        if text.len() as u64 > fixture::MAX_FIXTURE_BYTES {
            return Err(format!(
                "its fixture would be {} bytes, over the {} a replay reads",
                text.len(),
                fixture::MAX_FIXTURE_BYTES
            ));
        }
        let path = self.write(&fixture, &text)?;
        Ok((path, fixture.output_check))
    }

    /// Writes `text` under the next number of the fixture's name in this run (from 001, so
    /// recording the same traffic again gives the same files), through a hidden temporary
    /// file renamed into place (replay skips hidden files): a file is whole or absent.
    fn write(&self, fixture: &Fixture, text: &str) -> Result<PathBuf, String> {
        let name =
            |n| fixture::file_name(&fixture.connector, &fixture.version, &fixture.operation, n);
        let mut numbers = self
            .numbers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let number = numbers.entry(name(0)).or_insert(0);
        let shown = self.out.display();
        let mut file = tempfile::Builder::new()
            .prefix(".recording-")
            .suffix(".tmp")
            .tempfile_in(&self.out)
            .map_err(|e| format!("cannot write in {shown}: {e}"))?;
        file.write_all(text.as_bytes())
            .and_then(|()| file.flush())
            .map_err(|e| format!("cannot write in {shown}: {e}"))?;
        *number += 1;
        let path = self.out.join(name(*number));
        file.persist(&path)
            .map_err(|e| format!("cannot write {}: {}", path.display(), e.error))?;
        Ok(path)
    }
}

/// The credential of the request's `Authorization: Bearer` header.
fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}
