//! What every route shares, whichever surface serves it (`server` the Connectivity API,
//! `embedded` the Embedded API): the emulator's state, and how a request says who it is (its
//! bearer token, the 401 without one, the UUIDs Tray's ids are). Apart from `server.rs`, so
//! that `embedded/` needs nothing of the module that mounts its routes.

use std::sync::{Arc, Mutex};

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde_json::json;

use crate::delivery::Deliverer;
use crate::documents::Connector;
#[cfg(feature = "embedded")]
use crate::embedded::surface::Surface;
use crate::faults::{FaultTable, Reply};
use crate::limits::Limits;
use crate::record::{CallLog, lock};
use crate::replay::Replay;
use crate::script::Scripts;
use crate::subscriptions::SubscriptionStore;

/// Everything the handlers of both surfaces and the test-side [`Emulator`](crate::Emulator) share.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) connectors: Vec<Connector>,
    /// The trigger documents (header key `trigger`), served on the trigger routes only.
    pub(crate) triggers: Vec<Connector>,
    pub(crate) subscriptions: SubscriptionStore,
    /// The size of a List Subscriptions page unless `first` asks for fewer.
    pub(crate) subscription_page_size: usize,
    /// Delivers events to subscriptions' endpoints.
    pub(crate) deliverer: Deliverer,
    /// `None`: any non-empty bearer token is accepted.
    pub(crate) token: Option<String>,
    pub(crate) calls: CallLog,
    /// Scripted outputs per `(connector, operation)`.
    pub(crate) scripts: Scripts,
    pub(crate) faults: Mutex<FaultTable>,
    /// Tray's limits (when enforced) and the traffic counters; an `Arc` of its own so the rate
    /// limit middleware holds just that.
    pub(crate) limits: Arc<Limits>,
    /// End users, their tokens and authentications.
    #[cfg(feature = "embedded")]
    pub(crate) embedded: Surface,
    /// The recorded exchanges Call Connector answers from
    /// ([`EmulatorBuilder::replay`](crate::EmulatorBuilder::replay)).
    pub(crate) replay: Option<Replay>,
}

impl Shared {
    pub(crate) fn connector(&self, name: &str, version: &str) -> Option<&Connector> {
        self.connectors
            .iter()
            .find(|c| c.name == name && c.version == version)
    }

    pub(crate) fn trigger(&self, name: &str, version: &str) -> Option<&Connector> {
        self.triggers
            .iter()
            .find(|t| t.name == name && t.version == version)
    }

    /// Whether the request's bearer token may use the emulator: a live user token it issued
    /// (`embedded`), or the master token.
    pub(crate) fn authorized(&self, headers: &HeaderMap) -> bool {
        let Some(token) = bearer(headers) else {
            return false;
        };
        // A user token the emulator issued is checked first: expired, it is refused even
        // when any token would do as the master token.
        #[cfg(feature = "embedded")]
        if let Some(valid) = self.embedded.user_token_valid(token) {
            return valid;
        }
        self.is_master_token(token)
    }

    /// The builder's token, or any non-empty one when none was set.
    pub(crate) fn is_master_token(&self, token: &str) -> bool {
        self.token
            .as_deref()
            .is_none_or(|expected| expected == token)
    }

    pub(crate) fn fault_for(&self, operation: Option<&str>) -> Option<crate::Fault> {
        lock(&self.faults).fault_for(operation)
    }
}

/// The non-empty token of an `Authorization: Bearer <token>` header.
pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Tray's answer to a request without a valid bearer token.
pub(crate) fn unauthorized() -> Response {
    Reply::with(
        StatusCode::UNAUTHORIZED,
        json!({"message": "The request is unauthorized"}),
    )
    .into_response()
}

/// Whether `id` is a UUID in its canonical text form (`8-4-4-4-12` hex digits, any case, any
/// version), as Tray's `authId`s are.
pub(crate) fn is_uuid(id: &str) -> bool {
    let bytes = id.as_bytes();
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// A random (version 4) UUID, the form of Tray's user ids, authIds and
/// subscription ids.
///
/// Made from `fastrand` rather than the `uuid` crate: the emulator needs unique, well-formed
/// ids, not unpredictable ones, and this keeps a dependency (and `getrandom`) out of the tree.
pub(crate) fn new_uuid() -> String {
    let mut bits = fastrand::u128(..);
    // Version 4 in the 13th hex digit, variant 10xx in the 17th (RFC 9562).
    bits = (bits & !(0xf << 76)) | (0x4 << 76);
    bits = (bits & !(0x3 << 62)) | (0x2 << 62);
    let hex = format!("{bits:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

#[cfg(test)]
mod tests {
    use super::{is_uuid, new_uuid};

    #[test]
    fn new_ids_are_version_4_uuids() {
        let ids: Vec<String> = (0..200).map(|_| new_uuid()).collect();
        for id in &ids {
            assert!(is_uuid(id), "{id}");
            assert_eq!(&id[14..15], "4", "{id}");
            assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"), "{id}");
        }
        let unique: std::collections::HashSet<_> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len());
    }

    #[test]
    fn only_canonical_uuids_are_auth_ids() {
        for good in [
            "fe6ce53d-b414-4f24-b0d5-16a0a75544a0",
            "123E4567-AAAA-AAAA-AAAA-AAAAAA614174",
            "00000000-0000-0000-0000-000000000000",
        ] {
            assert!(is_uuid(good), "{good}");
        }
        for bad in [
            "",
            "auth-1",
            "fe6ce53db4144f24b0d516a0a75544a0",
            "{fe6ce53d-b414-4f24-b0d5-16a0a75544a0}",
            "fe6ce53d-b414-4f24-b0d5-16a0a75544a",
            "fe6ce53d-b414-4f24-b0d5-16a0a75544a0 ",
            "ge6ce53d-b414-4f24-b0d5-16a0a75544a0",
            "fe6ce53d-b414-4f24-b0d516a-0a75544a0",
            "569xxxxxx-xxxxx-xxxx-7e829d2c56d",
            "fe6ce53d-b414-4f24-b0d5-16a0a75544é",
        ] {
            assert!(!is_uuid(bad), "{bad}");
        }
    }
}
