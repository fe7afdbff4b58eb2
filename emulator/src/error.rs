//! Why an emulator could not start.

/// An error from [`EmulatorBuilder::start`](crate::EmulatorBuilder::start), from the typed
/// scripting methods, or from delivering an event
/// ([`Emulator::deliver_json`](crate::Emulator::deliver_json)).
///
/// Every document error names the document: its path, or `<inline document N>` (1-based, in the
/// order of [`EmulatorBuilder::document_json`](crate::EmulatorBuilder::document_json) calls).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EmulatorError {
    /// The document file could not be read.
    #[error("cannot read operations document {document}: {source}")]
    Read {
        /// The document's path.
        document: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// No file at a document's path. A relative path is looked up from the current directory,
    /// then (under `cargo run` and `cargo test`, which set `CARGO_MANIFEST_DIR`) from the
    /// crate's directory and its parents up to the workspace root, as `connector!` looks.
    #[error(
        "operations document `{document}` not found; a relative path is looked up from the \
         current directory, then from the crate's directory (CARGO_MANIFEST_DIR) and its parents \
         up to the workspace root. Tried: {}.{}",
        tried.join(", "),
        tray_connect_codegen::locate::did_you_mean(similar)
    )]
    NotFound {
        /// The path as given.
        document: String,
        /// Every place looked, absolute.
        tried: Vec<String>,
        /// Documents with a similar name next to a place looked.
        similar: Vec<String>,
    },
    /// The document is not valid JSON.
    #[error(
        "operations document {document} is not valid JSON (line {line}, column {column}): {source}"
    )]
    Json {
        /// The document's path or inline label.
        document: String,
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// The parser's error.
        #[source]
        source: serde_json::Error,
    },
    /// The document has no `{"connector": {"name", "version"}}` header and was not given a
    /// name and version to be served under.
    #[error(
        "operations document {document} has no connector header saying which connector it \
         describes: add \"connector\": {{\"name\": \"...\", \"version\": \"...\"}} next to \
         \"elements\" (`tray-connect pull` writes it; \"trigger\" instead of \"connector\" for a \
         trigger's operations), or load it with `EmulatorBuilder::document_as(name, version, path)`"
    )]
    MissingHeader {
        /// The document's path or inline label.
        document: String,
    },
    /// The document's header names another connector or version than the one it was given
    /// with ([`EmulatorBuilder::document_as`](crate::EmulatorBuilder::document_as)).
    #[error("operations document {document}: {reason}")]
    HeaderMismatch {
        /// The document's path or inline label.
        document: String,
        /// Which part differs, and how.
        reason: String,
    },
    /// The document is JSON but not an operations document (root not an object, `elements` not
    /// an array, an operation without a string `name`, two operations with the same name, a
    /// header without a non-empty `name` and `version`).
    #[error("operations document {document} is invalid: {reason}")]
    Document {
        /// The document's path or inline label.
        document: String,
        /// What is wrong, with a JSON pointer where it helps.
        reason: String,
    },
    /// Two documents declare the same connector name and version.
    #[error("connector {name} version {version} is declared by both {first} and {second}")]
    DuplicateConnector {
        /// Connector name.
        name: String,
        /// Connector version.
        version: String,
        /// The document loaded first.
        first: String,
        /// The document that repeats it.
        second: String,
    },
    /// Two documents declare the same trigger name and version.
    #[error("trigger {name} version {version} is declared by both {first} and {second}")]
    DuplicateTrigger {
        /// Trigger name.
        name: String,
        /// Trigger version.
        version: String,
        /// The document loaded first.
        first: String,
        /// The document that repeats it.
        second: String,
    },
    /// An event was to be delivered to a subscription the emulator does not have (never
    /// created, or deleted).
    #[error(
        "cannot deliver to subscription {id}: the emulator has no such subscription (never created, or deleted)"
    )]
    UnknownSubscription {
        /// The id given.
        id: String,
    },
    /// An event was to be delivered to a subscription that takes none: one whose creation
    /// failed, or (typed delivery) one of another trigger operation.
    #[error("cannot deliver to subscription {id}: {reason}")]
    NotDeliverable {
        /// The subscription's id.
        id: String,
        /// Why.
        reason: String,
    },
    /// A typed event could not be written as JSON.
    #[error("cannot deliver an event of {operation}: it cannot be written as JSON: {source}")]
    Event {
        /// `trigger version operation`.
        operation: String,
        /// serde_json's error.
        #[source]
        source: serde_json::Error,
    },
    /// [`Emulator::respond_to`](crate::Emulator::respond_to) was given an operation that no
    /// document of the emulator describes.
    #[error("cannot script {operation}: {reason}")]
    NotServed {
        /// `connector version operation`.
        operation: String,
        /// What is missing.
        reason: String,
    },
    /// A scripted output could not be written as JSON.
    #[error("cannot script {operation}: its output cannot be written as JSON: {source}")]
    Script {
        /// `connector version operation`.
        operation: String,
        /// serde_json's error.
        #[source]
        source: serde_json::Error,
    },
    /// A recorded input could not be read as the operation's input type
    /// ([`Emulator::calls_to`](crate::Emulator::calls_to)).
    #[error("call {} to {operation} (counting from 1) sent an input its type cannot hold: {source}", index + 1)]
    RecordedInput {
        /// `connector version operation`.
        operation: String,
        /// The call's position among the calls to this operation, from 0.
        index: usize,
        /// serde_json's error, with the path of the field that did not fit.
        #[source]
        source: serde_json::Error,
    },
    /// The listening socket could not be bound on `127.0.0.1:0`.
    #[error("cannot bind the emulator to 127.0.0.1: {source}")]
    Bind {
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A folder given to [`EmulatorBuilder::replay`](crate::EmulatorBuilder::replay), or a
    /// fixture file in it, could not be read: which one, and why (with line and column for
    /// a malformed file).
    #[error("cannot replay {path}: {reason}")]
    Replay {
        /// The folder or the fixture file, as given.
        path: String,
        /// What is wrong.
        reason: String,
    },
}
