//! The handle of a running emulator: what a test scripts, injects and reads through it.

use std::net::SocketAddr;
use std::sync::Arc;

use serde_json::Value;
use tokio::task::JoinHandle;

use crate::record::{RecordedCall, lock};
use crate::shared::Shared;
use crate::subscriptions::{CreationFailure, RecordedSubscription};
use crate::{EmulatorBuilder, Fault, ReplayedMismatch, Scope, Traffic, replay};

/// A running emulator. The server stops, and every open connection closes, when it is dropped:
/// dropping aborts the server's task, which the runtime frees (with the documents it holds) the
/// next time it runs, i.e. at the next `.await` that yields.
#[derive(Debug)]
pub struct Emulator {
    pub(crate) shared: Arc<Shared>,
    pub(crate) address: SocketAddr,
    pub(crate) server: JoinHandle<()>,
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl Emulator {
    /// Starts configuring an emulator.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash: the client's base URL.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The address the emulator listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.address
    }

    /// The token the emulator requires, or `None` when it accepts any non-empty bearer token.
    pub fn token(&self) -> Option<&str> {
        self.shared.token.as_deref()
    }

    /// Every Call Connector request since start or the last [`clear_calls`](Self::clear_calls),
    /// in arrival order, including those answered with an error or a fault.
    pub fn calls(&self) -> Vec<RecordedCall> {
        self.shared.calls.snapshot()
    }

    /// Waits until the emulator has received at least `n` Call Connector requests (counted as
    /// [`calls`](Self::calls) counts them), then returns them: a test waits for the calls it
    /// expects instead of sleeping. It waits as long as it takes; bound it with
    /// `tokio::time::timeout` as a hang guard. Runs on any runtime, not only the emulator's.
    pub async fn wait_for_calls(&self, n: usize) -> Vec<RecordedCall> {
        self.shared.calls.wait_for(n).await
    }

    /// What departs from the documents' `outputSchema` in the recorded outputs replayed so
    /// far ([`EmulatorBuilder::replay`]), in the order they were first replayed, each once:
    /// the fixture file, its operation and the [`Mismatch`](crate::Mismatch) with its JSON
    /// pointer in the call's `output`. Empty without a replay.
    pub fn replay_mismatches(&self) -> Vec<ReplayedMismatch> {
        self.shared
            .replay
            .as_ref()
            .map(replay::Replay::mismatches)
            .unwrap_or_default()
    }

    /// How many recorded exchanges the emulator replays ([`EmulatorBuilder::replay`]); `0`
    /// without a replay.
    pub fn replay_len(&self) -> usize {
        self.shared.replay.as_ref().map_or(0, replay::Replay::len)
    }

    /// Forgets the recorded calls and starts the [`traffic`](Self::traffic) counters again.
    pub fn clear_calls(&self) {
        self.shared.calls.clear();
        self.shared.limits.reset();
    }

    /// The load the emulator has seen since start or the last
    /// [`clear_calls`](Self::clear_calls): calls in progress now and at most, and requests
    /// refused for Tray's limits ([`EmulatorBuilder::tray_limits`]).
    pub fn traffic(&self) -> Traffic {
        self.shared.limits.traffic()
    }

    /// Scripts the `output` of `operation` of `connector` (any version) for every call; the
    /// latest script of an operation wins (`respond`, [`respond_sequence`](Self::respond_sequence)
    /// or [`respond_with`](Self::respond_with)).
    ///
    /// Input is still validated first. A scripted operation answers even when the document does
    /// not define it. For a lookup, give the whole output (`{"result": [..]}`) or just the array
    /// of options.
    pub fn respond(&self, connector: &str, operation: &str, output: Value) {
        self.shared.scripts.fixed(connector, operation, output);
    }

    /// Scripts one output per call of `operation` of `connector`, in order: the first call
    /// answers the first output, the second the second, and so on (pages of a listing, say).
    /// Once every output has been answered, the operation answers as if it had never been
    /// scripted (a synthesised output, or "the connector unexpectedly failed" for an operation
    /// the document does not define), so a client that asks for one page too many notices.
    ///
    /// Only answers that carry an output take one: a call refused by validation, a
    /// `returnOutputSchema` call, or one answered by a [`Fault`] that replaces the answer
    /// (a status, a third-party error, a hang) leaves the sequence where it was. Concurrent
    /// calls take outputs in the order they reach the script. The latest script of an operation
    /// wins, as with [`respond`](Self::respond); an empty sequence removes the script.
    ///
    /// ```
    /// # use serde_json::json;
    /// # async fn run(emulator: tray_connect_emulator::Emulator) {
    /// emulator.respond_sequence("slack", "list_conversations", [
    ///     json!({"channels": [{"id": "C1"}], "response_metadata": {"next_cursor": "c2"}}),
    ///     json!({"channels": [{"id": "C2"}], "response_metadata": {"next_cursor": ""}}),
    /// ]);
    /// # }
    /// ```
    pub fn respond_sequence(
        &self,
        connector: &str,
        operation: &str,
        outputs: impl IntoIterator<Item = Value>,
    ) {
        self.shared
            .scripts
            .sequence(connector, operation, outputs.into_iter().collect());
    }

    /// Scripts the output of `operation` of `connector` as a function of each call's `input`
    /// (validated first): a listing whose page depends on the cursor sent, an echo, ...
    ///
    /// The function may run for several calls at once. If it panics, that call answers 500
    /// `{"message": .., "code": null}` naming the operation, and the script stays in place.
    /// The latest script of an operation wins, as with [`respond`](Self::respond).
    ///
    /// ```
    /// # use serde_json::{json, Value};
    /// # async fn run(emulator: tray_connect_emulator::Emulator) {
    /// // Offsets 0, 2, 4 of five records, two a page.
    /// emulator.respond_with("salesforce", "find_records", |input: &Value| {
    ///     let offset = input["page_offset"].as_u64().unwrap_or(0);
    ///     let ids: Vec<Value> = (offset..5.min(offset + 2)).map(|i| json!({"Id": i})).collect();
    ///     json!({"records": ids})
    /// });
    /// # }
    /// ```
    pub fn respond_with(
        &self,
        connector: &str,
        operation: &str,
        output: impl Fn(&Value) -> Value + Send + Sync + 'static,
    ) {
        self.shared
            .scripts
            .computed(connector, operation, std::sync::Arc::new(output));
    }

    /// Injects a fault for subsequent requests, on all endpoints, that match `scope`.
    ///
    /// Faults are checked in injection order and the first matching one applies; each
    /// [`Scope::Every`] and [`Scope::Fraction`] counts every request, faulted by another rule or
    /// not. Faulted Call Connector requests are still recorded in [`calls`](Self::calls).
    pub fn inject(&self, fault: Fault, scope: Scope) {
        lock(&self.shared.faults).inject(fault, scope);
    }

    /// Removes every injected fault, those of deliveries
    /// ([`inject_delivery`](Self::inject_delivery)) included.
    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
        self.shared.deliverer.clear_faults();
    }

    /// Every subscription created and not deleted, in creation order, with its key.
    pub fn subscriptions(&self) -> Vec<RecordedSubscription> {
        self.shared.subscriptions.snapshot()
    }

    /// Makes the next Create Subscription (after any failures already scripted) fail as a
    /// third party's refusal does on Tray: HTTP 200 with `state: "creation_failed"` and
    /// `error: {code, message}`. The subscription exists afterwards (listed, readable,
    /// deletable) but takes no deliveries. Requests refused before creation (a 400, a 404, a
    /// fault) do not use it up.
    ///
    /// `code` is one of Tray's `user_input_error`, `api_error`, `timeout_error`,
    /// `oauth_refresh`, `no_trigger` or `internal_error` (not checked).
    pub fn fail_next_subscription(&self, code: impl Into<String>, message: impl Into<String>) {
        self.shared.subscriptions.fail_next(CreationFailure {
            code: code.into(),
            message: message.into(),
        });
    }
}
