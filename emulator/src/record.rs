//! The log of Call Connector requests, read synchronously by tests.

use std::sync::Mutex;

use serde_json::Value;

/// One Call Connector request as the emulator received it.
///
/// Every request to `POST .../call` that passed the bearer-token check is recorded, in arrival
/// order, whatever its answer was (a 400, a 404, an injected fault). Fields of a malformed body
/// are recorded as far as they could be read: a missing `operation` is `""`, a missing `input`
/// is `null`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RecordedCall {
    /// The connector name from the path.
    pub connector: String,
    /// The connector version from the path.
    pub version: String,
    /// The body's `operation`.
    pub operation: String,
    /// The body's `authId`, when it was a string.
    pub auth_id: Option<String>,
    /// The body's `input`, as sent.
    pub input: Value,
    /// The body's `returnOutputSchema` (`false` when absent).
    pub return_output_schema: bool,
}

/// Calls in arrival order, uncapped.
#[derive(Debug, Default)]
pub(crate) struct CallLog {
    calls: Mutex<Vec<RecordedCall>>,
}

impl CallLog {
    pub(crate) fn push(&self, call: RecordedCall) {
        lock(&self.calls).push(call);
    }

    pub(crate) fn snapshot(&self) -> Vec<RecordedCall> {
        lock(&self.calls).clone()
    }

    pub(crate) fn clear(&self) {
        lock(&self.calls).clear();
    }
}

/// Locks a mutex, ignoring poisoning: the emulator's state stays usable after a panicking test.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
