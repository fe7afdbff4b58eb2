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

/// Calls in arrival order, uncapped, and their count for those waiting on it.
#[derive(Debug)]
pub(crate) struct CallLog {
    calls: Mutex<Vec<RecordedCall>>,
    /// How many calls `calls` holds, published to [`Self::wait_for`].
    count: tokio::sync::watch::Sender<usize>,
}

impl Default for CallLog {
    fn default() -> Self {
        CallLog {
            calls: Mutex::default(),
            count: tokio::sync::watch::Sender::new(0),
        }
    }
}

impl CallLog {
    pub(crate) fn push(&self, call: RecordedCall) {
        let mut calls = lock(&self.calls);
        calls.push(call);
        self.count.send_replace(calls.len());
    }

    /// Returns the calls once there are at least `n`.
    pub(crate) async fn wait_for(&self, n: usize) -> Vec<RecordedCall> {
        let mut count = self.count.subscribe();
        // The sender lives as long as `self`, so the wait ends only when the count is reached.
        let _ = count.wait_for(|&count| count >= n).await;
        self.snapshot()
    }

    pub(crate) fn snapshot(&self) -> Vec<RecordedCall> {
        lock(&self.calls).clone()
    }

    pub(crate) fn clear(&self) {
        let mut calls = lock(&self.calls);
        calls.clear();
        self.count.send_replace(0);
    }
}

/// Locks a mutex, ignoring poisoning: the emulator's state stays usable after a panicking test.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn call(operation: &str) -> RecordedCall {
        RecordedCall {
            connector: "acme".into(),
            version: "1.0".into(),
            operation: operation.into(),
            auth_id: None,
            input: Value::Null,
            return_output_schema: false,
        }
    }

    #[tokio::test]
    async fn a_waiter_wakes_at_the_nth_call_and_clear_starts_the_count_again() {
        let log = Arc::new(CallLog::default());
        let waiter = tokio::spawn({
            let log = log.clone();
            async move { log.wait_for(2).await }
        });
        log.push(call("first"));
        tokio::task::yield_now().await;
        assert!(!waiter.is_finished(), "woke with one call of two");
        log.push(call("second"));
        let calls = waiter.await.unwrap();
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[1].operation, "second");

        log.clear();
        assert!(log.wait_for(0).await.is_empty());
        let waiter = tokio::spawn({
            let log = log.clone();
            async move { log.wait_for(1).await }
        });
        tokio::task::yield_now().await;
        assert!(!waiter.is_finished(), "woke on the calls cleared");
        log.push(call("third"));
        assert_eq!(waiter.await.unwrap()[0].operation, "third");
    }
}
