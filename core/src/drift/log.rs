//! The drift one client has seen, and the drift of the trigger events decoded in this process.

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::collector::{Found, watch};
use super::tracked::locate;
use super::{DriftReport, ObservedDrift};

/// The drift one client (and its clones and `as_user` clients) has seen: one entry per
/// connector, version, operation and pointer pattern (array indices as `*`). Public only
/// through `__wire`, for the benches.
#[doc(hidden)]
#[derive(Default)]
pub struct DriftLog {
    seen: Mutex<BTreeMap<(String, String, String, String), ObservedDrift>>,
}

impl DriftLog {
    /// Notes the drift found in one answer, logging each place the first time it is seen
    /// (after the lock is released: a subscriber may ask for the report).
    fn observe(&self, connector: &str, version: &str, operation: &str, found: Vec<Found>) {
        let mut new = Vec::new();
        {
            let Ok(mut seen) = self.seen.lock() else {
                return;
            };
            for found in found {
                let key = (
                    connector.to_owned(),
                    version.to_owned(),
                    operation.to_owned(),
                    found.pattern,
                );
                if let Some(entry) = seen.get_mut(&key) {
                    entry.count = entry.count.saturating_add(1);
                    continue;
                }
                new.push((found.pointer.clone(), found.kind));
                seen.insert(
                    key,
                    ObservedDrift {
                        connector: connector.to_owned(),
                        version: version.to_owned(),
                        operation: operation.to_owned(),
                        pointer: found.pointer,
                        kind: found.kind,
                        count: 1,
                    },
                );
            }
        }
        for (pointer, kind) in new {
            tracing::warn!(
                target: "tray_connect::drift",
                connector,
                version,
                operation,
                pointer = pointer.as_str(),
                kind = kind.as_str(),
                "an answer holds what the vendored document does not promise"
            );
        }
    }

    /// What was seen so far.
    pub fn report(&self) -> DriftReport {
        let observed = match self.seen.lock() {
            Ok(seen) => seen.values().cloned().collect(),
            Err(_) => Vec::new(),
        };
        DriftReport { observed }
    }

    /// Decodes with `decode` (an answer of `connector` `version` `operation` in `body`), and
    /// when the decode kept something unpromised, finds where in the answer's `output` and
    /// notes it.
    pub fn watch<T: DeserializeOwned, R>(
        &self,
        connector: &str,
        version: &str,
        operation: &str,
        body: &[u8],
        decode: impl FnOnce() -> R,
    ) -> R {
        self.watch_in::<T, R>(connector, version, operation, body, true, decode)
    }

    /// Like [`watch`](Self::watch), the decoded value being the answer's `output` member
    /// (`in_output`) or the whole body (a trigger event).
    pub(crate) fn watch_in<T: DeserializeOwned, R>(
        &self,
        connector: &str,
        version: &str,
        operation: &str,
        body: &[u8],
        in_output: bool,
        decode: impl FnOnce() -> R,
    ) -> R {
        let (result, drifted) = watch(decode);
        if drifted && let Ok(mut value) = serde_json::from_slice::<Value>(body) {
            let decoded = match (&mut value, in_output) {
                (Value::Object(answer), true) => answer.remove("output"),
                (_, true) => None,
                (_, false) => Some(value),
            };
            if let Some(decoded) = decoded {
                let found = locate::<T>(&decoded);
                if !found.is_empty() {
                    self.observe(connector, version, operation, found);
                }
            }
        }
        result
    }
}

/// The drift of trigger events decoded in this process ([`decode_event`](crate::decode_event),
/// `TrayEvent`): no client decodes them, so they are kept per process.
pub(crate) static EVENTS: DriftLog = DriftLog {
    seen: Mutex::new(BTreeMap::new()),
};

/// What the trigger events decoded in this process ([`decode_event`](crate::decode_event) and
/// the `TrayEvent` extractor) held that their documents did not promise: members the document
/// does not list (kept in `extra`), enum values it does not list (kept in `Unknown`), numbers
/// or booleans sent as text.
///
/// The same report as [`Client::drift_report`](crate::Client::drift_report) (`connector` is
/// the trigger's name, `operation` the trigger operation's), and each entry is logged once
/// the same way, as a `tracing` event with target `tray_connect::drift`. Kept per process
/// rather than per client, because no client decodes an event.
pub fn event_drift_report() -> DriftReport {
    EVENTS.report()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::drift::fixtures::Out;

    #[test]
    fn the_log_counts_sightings_and_reports_in_order() {
        let log = DriftLog::default();
        for _ in 0..3 {
            let found = locate::<Out>(&json!({"items": [{"n": "1"}], "flag": true}));
            log.observe("acme", "1.0", "op", found);
        }
        let report = log.report();
        assert_eq!(report.observed.len(), 1);
        assert_eq!(report.observed[0].count, 3);
        assert_eq!(report.observed[0].pointer, "/items/0/n");
        let text = serde_json::to_string(&report).unwrap();
        assert!(text.contains(r#""kind":"type_mismatch""#), "{text}");
        let back: DriftReport = serde_json::from_str(&text).unwrap();
        assert_eq!(back, report);
    }
}
