//! What every route shares, whichever surface serves it (`server` the Connectivity API,
//! `embedded` the Embedded API): the emulator's state, and how a request says who it is (its
//! bearer token, the 401 without one). Apart from `server.rs`, so
//! that `embedded_routes` needs nothing of the module that mounts its routes.

use std::sync::{Arc, Mutex};

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde_json::json;

use crate::delivery::Deliverer;
use crate::documents::Connector;
#[cfg(feature = "embedded")]
use crate::embedded::Surface;
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
