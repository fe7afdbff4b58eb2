//! The emulator's own routes, under `/_emulator` (Tray has none of them): what a test does with
//! [`Emulator`](crate::Emulator)'s methods, for a process that only has the emulator's URL
//! and token (`tray-connect serve` and `tray-connect deliver`). Like every route, they want the
//! bearer token.
//!
//! - `POST /_emulator/subscriptions/{id}/deliver`: the body (any JSON, sent byte for byte) is
//!   delivered to subscription `id` as [`Emulator::deliver_json`](crate::Emulator::deliver_json)
//!   delivers it: signed with the subscription's key, retried while the receiver refuses it.
//!   Answers 200 with how the delivery went (whether or not the receiver took it), 400 for a
//!   body that is not JSON, 404 for an unknown subscription, 409 for one that takes no events.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use serde_json::{Value, json};

use crate::delivery::{AttemptOutcome, Delivery, deliverable};
use crate::error::EmulatorError;
use crate::faults::Reply;
use crate::shared::Shared;

/// Adds the `/_emulator` routes to `router`.
pub(crate) fn routes(router: Router<Arc<Shared>>) -> Router<Arc<Shared>> {
    router.route("/_emulator/subscriptions/{id}/deliver", post(deliver))
}

async fn deliver(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    if let Err(e) = serde_json::from_slice::<Value>(&body) {
        let message = format!("The event is not JSON: {e}");
        return Reply::tray_error(StatusCode::BAD_REQUEST, message).into_response();
    }
    let delivered = match deliverable(&shared.subscriptions, &id) {
        Ok(subscription) => shared.deliverer.deliver(subscription, body.to_vec()).await,
        Err(e) => Err(e),
    };
    match delivered {
        Ok(delivery) => Reply::ok(delivery_json(&delivery)).into_response(),
        Err(e @ EmulatorError::UnknownSubscription { .. }) => {
            Reply::tray_error(StatusCode::NOT_FOUND, e.to_string()).into_response()
        }
        Err(e) => Reply::tray_error(StatusCode::CONFLICT, e.to_string()).into_response(),
    }
}

/// A delivery as the route answers it: `{"subscriptionId", "endpoint", "delivered",
/// "attempts": [{"status": 200, "durationMs": 3, "redelivery": false} | {"error": "..", ..}]}`.
pub(crate) fn delivery_json(delivery: &Delivery) -> Value {
    let attempts: Vec<Value> = delivery
        .attempts
        .iter()
        .map(|attempt| {
            let mut entry = match &attempt.outcome {
                AttemptOutcome::Status(status) => json!({ "status": status }),
                AttemptOutcome::NoAnswer(why) => json!({ "error": why }),
            };
            entry["durationMs"] = json!(attempt.duration.as_millis() as u64);
            entry["redelivery"] = json!(attempt.redelivery);
            entry
        })
        .collect();
    json!({
        "subscriptionId": delivery.subscription_id,
        "endpoint": delivery.endpoint,
        "delivered": delivery.delivered(),
        "attempts": attempts,
    })
}
