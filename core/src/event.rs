//! Turning a delivery into a typed event: verify the signature, then decode the body.
//!
//! Tray delivers each event of a subscription to its endpoint as the bare object the trigger
//! operation's `outputSchema` describes, signed with the subscription's key. It retries a
//! delivery the endpoint did not take, with exponential backoff, and sends no event id,
//! timestamp or delivery id (Tray's pages *Verifying subscription payloads* and *Rate
//! limiting*; `docs/fidelity.md`, *Triggers*): **the same event can arrive more than once**, and
//! events can arrive in any order.

use crate::signing::{SigningKey, verify_event};
use crate::wire::{Located, locate};
use crate::{SignatureError, Trigger};

/// The largest event body a receiver reads before refusing it (16 MiB), so that a sender
/// without the key cannot make a receiver buffer without bound. Tray publishes no maximum
/// event size; events are outputs of a trigger operation, far smaller in practice.
pub const MAX_EVENT_BYTES: usize = 16 * 1024 * 1024;

/// Why a delivery was not turned into an event.
///
/// The variants say who is at fault: [`Signature`](EventError::Signature) (not from Tray, or
/// verified with the wrong key), [`TooLarge`](EventError::TooLarge) and
/// [`Unreadable`](EventError::Unreadable) (the request), [`Decode`](EventError::Decode) (a
/// genuine event that does not fit the event type: the type, or the trigger, changed).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EventError {
    /// The signature is missing, malformed or does not match: the body was not read as an
    /// event.
    #[error("event refused: {0}")]
    Signature(#[from] SignatureError),

    /// The body is larger than the receiver's limit ([`MAX_EVENT_BYTES`] by default); it was
    /// not read whole.
    #[error("event body is larger than the limit of {limit} bytes")]
    #[non_exhaustive]
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },

    /// The body could not be read (the connection closed before its end, say).
    #[error("could not read the event body: {cause}")]
    #[non_exhaustive]
    Unreadable {
        /// What went wrong, on one line.
        cause: String,
    },

    /// The signature holds, but the body is not JSON or not the event's shape.
    #[error("could not decode {what} at {path}: {message}")]
    #[non_exhaustive]
    Decode {
        /// Which event, e.g. `event of gosquared-trigger entered_smart_group_init`.
        what: String,
        /// Where in the JSON it failed (a `.`-separated path), or the line and column of a
        /// body that is not JSON.
        path: String,
        /// The serde message (it may quote the offending value).
        message: String,
        /// The serde error: [`serde_json::Error::is_data`] tells a body of the wrong shape
        /// from one that is not JSON.
        #[source]
        source: serde_json::Error,
    },
}

impl EventError {
    /// Whether the body was signed with the key but is not the event's shape (valid JSON of
    /// another shape), as opposed to a body that is not JSON at all.
    pub fn is_wrong_shape(&self) -> bool {
        matches!(self, EventError::Decode { source, .. } if source.is_data())
    }
}

/// Verifies a delivery with the subscription's `key`, then decodes its body as `T`'s event.
///
/// `body` is the request body exactly as received and `signature` its `x-tray-signature`
/// header ([`SIGNATURE_HEADER`](crate::SIGNATURE_HEADER)). Nothing is parsed before the
/// signature holds. Works with any HTTP framework; with axum, the
/// `TrayEvent` extractor (feature `axum`) does this and the size limit for you.
///
/// ```
/// use tray_connect::{SigningKey, Trigger, decode_event};
///
/// #[derive(serde::Serialize)]
/// struct EnteredSmartGroup { value: String }
/// #[derive(Debug, serde::Deserialize)]
/// struct GroupEvent { boundary: String }
/// impl Trigger for EnteredSmartGroup {
///     type Event = GroupEvent;
///     const TRIGGER: &'static str = "gosquared-trigger";
///     const VERSION: &'static str = "1.0";
///     const NAME: &'static str = "entered_smart_group_init";
/// }
///
/// let key = SigningKey::from_base64("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")?;
/// let body = br#"{"group":{"id":"my-group","name":"My Group"},"boundary":"enter"}"#;
/// let signature = "Fn1gf/90NXwIvg+1pgKvdDBC7fK/4rvc0oJ683WCyHQ=";
/// let event = decode_event::<EnteredSmartGroup>(&key, body, signature)?;
/// assert_eq!(event.boundary, "enter");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Duplicates
///
/// Tray retries deliveries it does not see taken and publishes no event id, so the same event
/// can be delivered more than once: make what the handler does idempotent. Dedupe on a field
/// the event carries that identifies it (a message id, a record id and its update time), or,
/// failing one, on a digest of the body bytes (a retry resends the same bytes, but two
/// distinct events can also have equal bodies, so prefer a field):
///
/// ```
/// use std::collections::HashSet;
/// use std::sync::Mutex;
///
/// /// Ids seen recently; in production, a table with a unique key and an expiry.
/// struct Seen(Mutex<HashSet<String>>);
///
/// impl Seen {
///     /// `true` the first time an id is seen, `false` for a repeat delivery.
///     fn first_time(&self, id: &str) -> bool {
///         self.0.lock().unwrap().insert(id.to_owned())
///     }
/// }
///
/// let seen = Seen(Mutex::new(HashSet::new()));
/// for delivery in ["msg-1", "msg-2", "msg-1"] {
///     if seen.first_time(delivery) {
///         // act on the event, once
///     }
/// }
/// ```
///
/// # Errors
///
/// [`EventError::Signature`] when the signature does not hold (the body is then not looked at),
/// [`EventError::Decode`] when the body is not JSON or not `T::Event`'s shape, with the JSON
/// path of the first field that did not fit.
pub fn decode_event<T: Trigger>(
    key: &SigningKey,
    body: &[u8],
    signature: &str,
) -> Result<T::Event, EventError> {
    verify_event(key, body, signature)?;
    parse_event::<T>(body)
}

/// Decodes a verified body as `T`'s event: plain serde first, the JSON path only on failure.
pub(crate) fn parse_event<T: Trigger>(body: &[u8]) -> Result<T::Event, EventError> {
    let decoded = crate::drift::EVENTS.watch_in::<T::Event, _>(
        T::TRIGGER,
        T::VERSION,
        T::NAME,
        body,
        false,
        || serde_json::from_slice::<T::Event>(body),
    );
    let plain = match decoded {
        Ok(event) => return Ok(event),
        Err(plain) => plain,
    };
    let Located {
        path,
        message,
        source,
    } = locate::<T::Event>(body, plain);
    Err(EventError::Decode {
        what: format!("event of {} {}", T::TRIGGER, T::NAME),
        path,
        message,
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize)]
    struct Boundary;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct BoundaryEvent {
        group: Group,
        boundary: String,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Group {
        id: String,
    }

    impl Trigger for Boundary {
        type Event = BoundaryEvent;
        const TRIGGER: &'static str = "gosquared-trigger";
        const VERSION: &'static str = "1.0";
        const NAME: &'static str = "entered_smart_group_init";
    }

    fn key() -> SigningKey {
        SigningKey::from_bytes(b"0123456789abcdef0123456789abcdef")
    }

    #[test]
    fn a_signed_event_of_the_right_shape_decodes() {
        let body = br#"{"group":{"id":"g1"},"boundary":"enter","extra":1}"#;
        let event = decode_event::<Boundary>(&key(), body, &key().sign(body)).unwrap();
        assert_eq!(event.boundary, "enter");
    }

    #[test]
    fn the_signature_is_checked_before_the_body_is_parsed() {
        let body = b"not json at all";
        let err = decode_event::<Boundary>(&key(), body, &SigningKey::from_bytes(b"x").sign(body))
            .unwrap_err();
        assert!(
            matches!(err, EventError::Signature(SignatureError::Mismatch)),
            "{err}"
        );
        assert!(err.to_string().starts_with("event refused: "), "{err}");
    }

    #[test]
    fn a_body_of_another_shape_names_the_path() {
        let body = br#"{"group":{"id":7},"boundary":"enter"}"#;
        let err = decode_event::<Boundary>(&key(), body, &key().sign(body)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "could not decode event of gosquared-trigger entered_smart_group_init at group.id: \
             invalid type: integer `7`, expected a string"
        );
        assert!(err.is_wrong_shape());
    }

    #[test]
    fn a_body_that_is_not_json_names_line_and_column() {
        let body = b"{\"group\": {\"id\": \"g1\"},\n \"boundary\": ";
        let err = decode_event::<Boundary>(&key(), body, &key().sign(body)).unwrap_err();
        let text = err.to_string();
        assert!(text.contains(" at line 2 column "), "{text}");
        assert!(!err.is_wrong_shape());
    }

    #[test]
    fn event_error_is_send_sync_static() {
        fn assert<T: Send + Sync + 'static + std::error::Error>() {}
        assert::<EventError>();
        assert::<SignatureError>();
    }
}
