//! The subscriptions the emulator holds: created, read page by page, deleted; and the
//! creation failures a test scripts ([`Emulator::fail_next_subscription`](crate::Emulator::fail_next_subscription)).

use std::collections::VecDeque;
use std::sync::Mutex;

use serde_json::{Value, json};

use crate::record::lock;

/// A subscription as the emulator holds it, key included: what
/// [`Emulator::subscriptions`](crate::Emulator::subscriptions) lists.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RecordedSubscription {
    /// Its id (a UUID).
    pub id: String,
    /// The `name` it was created with.
    pub name: String,
    /// The trigger's name.
    pub trigger: String,
    /// The trigger's version.
    pub version: String,
    /// The trigger operation.
    pub operation: String,
    /// Where its events are delivered (a loopback URL).
    pub endpoint: String,
    /// The input it was created with (valid against the operation's `inputSchema`).
    pub input: Value,
    /// `active`, or `creation_failed` for one made to fail.
    pub state: String,
    /// Its `authenticationId`, if one was sent.
    pub auth_id: Option<String>,
    /// Its `externalId`, if one was sent.
    pub external_id: Option<String>,
    /// Why its creation failed, for one in state `creation_failed`.
    pub error: Option<CreationFailure>,
    /// The key its events are signed with, base64 (32 random bytes), as Create Subscription
    /// answered it.
    pub signing_key: String,
}

/// Why a subscription's creation failed: Tray's `error` (`code` is one of
/// `user_input_error`, `api_error`, `timeout_error`, `oauth_refresh`, `no_trigger`,
/// `internal_error`; the emulator does not check it, so a test can send others).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CreationFailure {
    /// Tray's `error.code`.
    pub code: String,
    /// Tray's `error.message`.
    pub message: String,
}

impl RecordedSubscription {
    /// The subscription as Tray writes it; the key only in the answer to its creation.
    pub(crate) fn to_json(&self, with_key: bool) -> Value {
        let mut body = json!({
            "id": self.id,
            "name": self.name,
            "trigger": {"name": self.trigger, "version": self.version},
            "operation": self.operation,
            "endpoint": self.endpoint,
            "input": self.input,
            "state": self.state,
        });
        let fields = body.as_object_mut().expect("an object");
        // Tray returns these only when they were sent.
        if let Some(id) = &self.auth_id {
            fields.insert("authenticationId".into(), json!(id));
        }
        if let Some(id) = &self.external_id {
            fields.insert("externalId".into(), json!(id));
        }
        if let Some(error) = &self.error {
            fields.insert(
                "error".into(),
                json!({"code": error.code, "message": error.message}),
            );
        }
        if with_key {
            fields.insert("signingKey".into(), json!(self.signing_key));
        }
        body
    }
}

/// One page of List Subscriptions: its subscriptions and its `pageInfo`.
pub(crate) struct Page {
    pub(crate) elements: Vec<RecordedSubscription>,
    pub(crate) page_info: Value,
}

/// Every live subscription in creation order, each with a sequence number its cursor names
/// (so a page's cursor stays valid when subscriptions before it are deleted).
#[derive(Debug, Default)]
pub(crate) struct SubscriptionStore {
    inner: Mutex<Store>,
}

#[derive(Debug, Default)]
struct Store {
    next_sequence: u64,
    subscriptions: Vec<(u64, RecordedSubscription)>,
    /// Failures scripted for the next creations, in order.
    failures: VecDeque<CreationFailure>,
}

/// A cursor is `sub-<sequence>`: opaque to clients, readable in a test's failure output.
const CURSOR_PREFIX: &str = "sub-";

impl SubscriptionStore {
    /// Scripts the next creation to fail (after those already scripted).
    pub(crate) fn fail_next(&self, failure: CreationFailure) {
        lock(&self.inner).failures.push_back(failure);
    }

    /// Adds a subscription, failed if a failure was scripted for it.
    pub(crate) fn create(&self, mut subscription: RecordedSubscription) -> RecordedSubscription {
        let mut store = lock(&self.inner);
        if let Some(failure) = store.failures.pop_front() {
            subscription.state = "creation_failed".to_owned();
            subscription.error = Some(failure);
        }
        let sequence = store.next_sequence;
        store.next_sequence += 1;
        store.subscriptions.push((sequence, subscription.clone()));
        subscription
    }

    pub(crate) fn get(&self, id: &str) -> Option<RecordedSubscription> {
        lock(&self.inner)
            .subscriptions
            .iter()
            .find(|(_, s)| s.id == id)
            .map(|(_, s)| s.clone())
    }

    /// Removes subscription `id`; `false` if there was none.
    pub(crate) fn delete(&self, id: &str) -> bool {
        let mut store = lock(&self.inner);
        let before = store.subscriptions.len();
        store.subscriptions.retain(|(_, s)| s.id != id);
        store.subscriptions.len() < before
    }

    pub(crate) fn snapshot(&self) -> Vec<RecordedSubscription> {
        lock(&self.inner)
            .subscriptions
            .iter()
            .map(|(_, s)| s.clone())
            .collect()
    }

    /// The page of at most `size` subscriptions after `cursor` (from the first without one).
    ///
    /// # Errors
    ///
    /// A message for a cursor the emulator never gave.
    pub(crate) fn page(&self, cursor: Option<&str>, size: usize) -> Result<Page, String> {
        let after = match cursor {
            None => None,
            Some(cursor) => Some(
                cursor
                    .strip_prefix(CURSOR_PREFIX)
                    .and_then(|n| n.parse::<u64>().ok())
                    .ok_or_else(|| format!("Invalid cursor '{cursor}'"))?,
            ),
        };
        let store = lock(&self.inner);
        let start = match after {
            None => 0,
            Some(after) => store
                .subscriptions
                .partition_point(|(seq, _)| *seq <= after),
        };
        let rest = &store.subscriptions[start..];
        let taken = &rest[..size.min(rest.len())];
        let cursor_of = |(sequence, _): &(u64, RecordedSubscription)| {
            Value::String(format!("{CURSOR_PREFIX}{sequence}"))
        };
        let page_info = json!({
            "startCursor": taken.first().map_or(Value::Null, cursor_of),
            "endCursor": taken.last().map_or(Value::Null, cursor_of),
            "hasNextPage": rest.len() > taken.len(),
            "hasPreviousPage": start > 0,
        });
        Ok(Page {
            elements: taken.iter().map(|(_, s)| s.clone()).collect(),
            page_info,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subscription(id: &str) -> RecordedSubscription {
        RecordedSubscription {
            id: id.to_owned(),
            name: format!("sub {id}"),
            trigger: "t".into(),
            version: "1.0".into(),
            operation: "op".into(),
            endpoint: "http://127.0.0.1:1/".into(),
            input: json!({}),
            state: "active".into(),
            auth_id: None,
            external_id: None,
            error: None,
            signing_key: "AAEC".into(),
        }
    }

    fn ids(page: &Page) -> Vec<&str> {
        page.elements.iter().map(|s| s.id.as_str()).collect()
    }

    #[test]
    fn pages_follow_cursors_and_survive_deletions_before_them() {
        let store = SubscriptionStore::default();
        for id in ["a", "b", "c", "d", "e"] {
            store.create(subscription(id));
        }
        let first = store.page(None, 2).unwrap();
        assert_eq!(ids(&first), ["a", "b"]);
        assert_eq!(first.page_info["hasNextPage"], true);
        assert_eq!(first.page_info["hasPreviousPage"], false);
        let cursor = first.page_info["endCursor"].as_str().unwrap().to_owned();
        assert!(store.delete("a") && store.delete("b"));
        let second = store.page(Some(&cursor), 2).unwrap();
        assert_eq!(ids(&second), ["c", "d"]);
        let third = store
            .page(second.page_info["endCursor"].as_str(), 2)
            .unwrap();
        assert_eq!(ids(&third), ["e"]);
        assert_eq!(third.page_info["hasNextPage"], false);
        assert!(store.page(Some("nope"), 2).is_err());
        let empty = SubscriptionStore::default().page(None, 2).unwrap();
        assert_eq!(empty.page_info["endCursor"], Value::Null);
    }

    #[test]
    fn scripted_failures_apply_to_the_next_creations_in_order() {
        let store = SubscriptionStore::default();
        store.fail_next(CreationFailure {
            code: "api_error".into(),
            message: "no".into(),
        });
        let failed = store.create(subscription("a"));
        assert_eq!(failed.state, "creation_failed");
        assert_eq!(failed.to_json(true)["error"]["code"], "api_error");
        let fine = store.create(subscription("b"));
        assert_eq!(fine.state, "active");
        assert!(fine.to_json(true).get("error").is_none());
        assert!(fine.to_json(false).get("signingKey").is_none());
    }
}
