//! Configuring an emulator, and starting it: reading the documents and binding.

use std::net::Ipv4Addr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tray_connect_codegen::document::DocumentKind;

use crate::delivery::{Deliverer, DeliveryPolicy};
use crate::documents::{self, DocumentSource, Origin};
#[cfg(feature = "embedded")]
use crate::embedded;
use crate::limits::Limits;
use crate::record::CallLog;
use crate::shared::Shared;
use crate::triggers::DEFAULT_SUBSCRIPTION_PAGE_SIZE;
use crate::{Emulator, EmulatorError, fixture, replay, server};

/// Configures an [`Emulator`]; [`start`](Self::start) reads the documents and binds.
#[derive(Debug, Default)]
pub struct EmulatorBuilder {
    pub(crate) token: Option<String>,
    pub(crate) documents: Vec<DocumentSource>,
    pub(crate) inline_documents: usize,
    pub(crate) no_validation: bool,
    pub(crate) port: u16,
    pub(crate) header_read_timeout: Option<Duration>,
    pub(crate) body_read_timeout: Option<Duration>,
    pub(crate) tray_limits: bool,
    pub(crate) subscription_page_size: Option<usize>,
    pub(crate) delivery: DeliveryPolicy,
    #[cfg(feature = "embedded")]
    pub(crate) embedded: embedded::EmbeddedOptions,
    pub(crate) replay: Option<std::path::PathBuf>,
}

/// How long a connection may take to send a request's headers (see
/// [`EmulatorBuilder::header_read_timeout`]).
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a request's body may take to arrive whole, once its headers are in (see
/// [`EmulatorBuilder::body_read_timeout`]).
pub const DEFAULT_BODY_READ_TIMEOUT: Duration = Duration::from_secs(10);

impl EmulatorBuilder {
    /// Requires this bearer token. Without it, any non-empty bearer token is accepted.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// Adds an operations document file with a header (as `tray-connect pull` writes it). It
    /// is read in [`start`](Self::start), which reports any problem with it.
    ///
    /// A relative path is looked up from the current directory, then, when `cargo run` or
    /// `cargo test` runs the program (they set `CARGO_MANIFEST_DIR`), from the crate's directory
    /// and its parents up to the workspace root: the path written in `connector!` works here
    /// too. [`EmulatorError::NotFound`] lists every place tried and any similarly named
    /// document next to them.
    ///
    /// A `connector` header serves it on the connector routes; a `trigger` header (a List
    /// Trigger Operations answer, `{"trigger": {"name", "version"}, "elements": [..]}`) on the
    /// trigger routes, and its operations can be subscribed to.
    pub fn document(self, path: impl AsRef<std::path::Path>) -> Self {
        self.add(Origin::Path(path.as_ref().to_path_buf()), None)
    }

    /// Adds an operations document file served as connector `name` version `version`: for a
    /// raw Get Connector Operations answer without a header. A header, if the file has one,
    /// must agree.
    pub fn document_as(
        self,
        name: impl Into<String>,
        version: impl Into<String>,
        path: impl AsRef<std::path::Path>,
    ) -> Self {
        let given = Some((name.into(), version.into()));
        self.add(Origin::Path(path.as_ref().to_path_buf()), given)
    }

    /// Adds an operations document given as JSON text, with a `connector` or `trigger` header
    /// (see [`document`](Self::document)).
    pub fn document_json(mut self, json: impl Into<String>) -> Self {
        self.inline_documents += 1;
        let n = self.inline_documents;
        self.add(Origin::Json(json.into(), n), None)
    }

    /// Adds an operations document given as JSON text, served as connector `name` version
    /// `version` (see [`document_as`](Self::document_as)).
    pub fn document_json_as(
        mut self,
        name: impl Into<String>,
        version: impl Into<String>,
        json: impl Into<String>,
    ) -> Self {
        self.inline_documents += 1;
        let n = self.inline_documents;
        let given = Some((name.into(), version.into()));
        self.add(Origin::Json(json.into(), n), given)
    }

    fn add(mut self, origin: Origin, given: Option<(String, String)>) -> Self {
        self.documents.push(DocumentSource { origin, given });
        self
    }

    /// Validates call inputs against `inputSchema` (`true`, the default). Turn it off for
    /// benchmarks that measure the client, not the emulator's validator.
    pub fn validate(mut self, yes: bool) -> Self {
        self.no_validation = !yes;
        self
    }

    /// Listens on this port of 127.0.0.1 instead of a free one (for `tray-connect serve
    /// --port`); tests should keep the default, so that they never collide.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// How long a connection may take to send the headers of a request, counted from when
    /// it opened or got its previous answer (default [`DEFAULT_HEADER_READ_TIMEOUT`], 10 s).
    /// A connection over it is closed, so clients that open connections and send half a
    /// request cannot hold the emulator's descriptors; an idle kept-alive connection closes
    /// after the same time (clients reconnect as they would with Tray).
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = Some(timeout);
        self
    }

    /// How long a request's body may take to arrive whole, counted from when its headers were
    /// read (default [`DEFAULT_BODY_READ_TIMEOUT`], 10 s). A body still incomplete then is
    /// answered 408 `{"message": "The request body was not received within .. s", "code":
    /// null}` and its connection closed, so a client with a valid token that stalls after its
    /// headers cannot hold a connection. Bodies that are never read (a request refused for its
    /// token or the rate limit) are not timed.
    pub fn body_read_timeout(mut self, timeout: Duration) -> Self {
        self.body_read_timeout = Some(timeout);
        self
    }

    /// Enforces Tray's limits (`false` by default), so that a client's own limiting is tested
    /// against a server that really refuses:
    ///
    /// - **Call Connector**: at most 1,000 calls in progress at once; one more is answered 429
    ///   `{"message": "Too many requests", "code": null}` (and still recorded in
    ///   [`Emulator::calls`]).
    /// - **Every other endpoint**: a request is answered 429 with the same body (the GraphQL
    ///   endpoint: HTTP 200 with `{"errors": [{"message": "Rate limit exceeded"}]}`) when
    ///   admitting it would break any reading of Tray's "30 requests per second or 1800 per
    ///   minute, bursts up to 50 per second": a token bucket of 50 refilled at 30 per second,
    ///   more than 50 in one second, or more than 1,800 in one minute. No `Retry-After` is
    ///   sent, as Tray documents none.
    ///
    /// The limits are checked after the token and before any [`Fault`](crate::Fault); a refused
    /// request is not counted by fault scopes. [`Emulator::traffic`] counts refusals and the peak of calls
    /// in progress, with or without the limits.
    pub fn tray_limits(mut self, yes: bool) -> Self {
        self.tray_limits = yes;
        self
    }

    /// How many subscriptions a page of List Subscriptions holds (default
    /// [`DEFAULT_SUBSCRIPTION_PAGE_SIZE`], 100; `0` counts as `1`): small, to test a client's
    /// paging. A request's `first` asks for fewer or more.
    pub fn subscription_page_size(mut self, size: usize) -> Self {
        self.subscription_page_size = Some(size.max(1));
        self
    }

    /// Answers Call Connector from the exchanges recorded in `folder` (the fixture files
    /// `tray-connect record` writes; see [`fixture`]) instead of validating, scripting
    /// ([`Emulator::respond`] and friends are not consulted) and synthesising:
    /// a call gets the recorded answer of the same connector, version, operation,
    /// `returnOutputSchema` and input (equal as JSON; a recorded `"<redacted>"` matches any
    /// value), byte for byte, with its status and `content-type`. The k-th identical call
    /// gets the k-th such recording (the last one again once all are used), so a replay is
    /// deterministic. A call no recording matches is answered 404 `{"message", "code": null,
    /// "replay": {"closest", "differences"}}` naming the closest recording and where its
    /// input differs.
    ///
    /// Each replayed output is checked against the `outputSchema` of the emulator's
    /// documents; [`Emulator::replay_mismatches`] lists what departs from it (also logged
    /// as a `tracing` warning). The other endpoints are served from the documents as usual.
    /// The folder is read in [`start`](Self::start): a missing folder, or a fixture file
    /// that is malformed or larger than [`fixture::MAX_FIXTURE_BYTES`], fails it with
    /// [`EmulatorError::Replay`] naming the file.
    pub fn replay(mut self, folder: impl AsRef<std::path::Path>) -> Self {
        self.replay = Some(folder.as_ref().to_path_buf());
        self
    }

    /// Reads and checks the documents, binds `127.0.0.1:0` (or [`port`](Self::port)) and starts serving on the current
    /// tokio runtime.
    ///
    /// # Errors
    ///
    /// [`EmulatorError`] naming the document for an unreadable file, invalid JSON (with line and
    /// column), a missing header (or one that disagrees with `document_as`), a malformed document
    /// or a connector declared twice; or a bind
    /// failure.
    pub async fn start(self) -> Result<Emulator, EmulatorError> {
        let mut connectors: Vec<documents::Connector> = Vec::with_capacity(self.documents.len());
        let mut triggers: Vec<documents::Connector> = Vec::new();
        for source in &self.documents {
            let served = documents::load(source, !self.no_validation)?;
            // A connector and a trigger may share a name and version: they are served apart.
            let kind = served.kind;
            let same_kind = match kind {
                DocumentKind::Connector => &mut connectors,
                DocumentKind::Trigger => &mut triggers,
            };
            if let Some(first) = same_kind
                .iter()
                .find(|c| c.name == served.name && c.version == served.version)
            {
                let (name, version, first, second) = (
                    served.name,
                    served.version,
                    first.document.clone(),
                    served.document,
                );
                return Err(match kind {
                    DocumentKind::Connector => EmulatorError::DuplicateConnector {
                        name,
                        version,
                        first,
                        second,
                    },
                    DocumentKind::Trigger => EmulatorError::DuplicateTrigger {
                        name,
                        version,
                        first,
                        second,
                    },
                });
            }
            same_kind.push(served);
        }
        let replay = match &self.replay {
            Some(folder) => {
                let mut checks = fixture::OutputChecks::new();
                for connector in &connectors {
                    for (name, operation) in &connector.operations {
                        checks.add_operation(
                            &connector.name,
                            &connector.version,
                            name,
                            operation.output_schema.clone(),
                            // A sampled dynamic output promises its sampled schema.
                            operation.has_dynamic_output && !operation.sampled,
                        );
                    }
                }
                Some(replay::load(folder, &checks)?)
            }
            None => None,
        };
        let listener = server::listen((Ipv4Addr::LOCALHOST, self.port).into())
            .map_err(|source| EmulatorError::Bind { source })?;
        let address = listener
            .local_addr()
            .map_err(|source| EmulatorError::Bind { source })?;
        #[cfg(feature = "embedded")]
        let embedded = embedded::Surface::new(&connectors, self.embedded);
        let shared = Arc::new(Shared {
            connectors,
            triggers,
            subscriptions: Default::default(),
            subscription_page_size: self
                .subscription_page_size
                .unwrap_or(DEFAULT_SUBSCRIPTION_PAGE_SIZE),
            deliverer: Deliverer::new(self.delivery),
            token: self.token,
            calls: CallLog::default(),
            scripts: Default::default(),
            faults: Mutex::default(),
            limits: Arc::new(Limits::new(self.tray_limits)),
            #[cfg(feature = "embedded")]
            embedded,
            replay,
        });
        let server = tokio::spawn(server::serve(
            listener,
            server::router(
                shared.clone(),
                self.body_read_timeout.unwrap_or(DEFAULT_BODY_READ_TIMEOUT),
            ),
            self.header_read_timeout
                .unwrap_or(DEFAULT_HEADER_READ_TIMEOUT),
        ));
        Ok(Emulator {
            shared,
            address,
            server,
        })
    }
}
