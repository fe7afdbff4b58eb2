//! The trigger routes: List Triggers and List Trigger Operations from the trigger documents,
//! and Create, List, Get and Delete Subscription over the emulator's subscriptions.
//!
//! Shapes and statuses from Tray's published OpenAPI (`docs/fidelity.md`, *Triggers*); where
//! Tray is silent (its error wording, unknown triggers) the emulator answers as it does for
//! connectors.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use serde_json::{Map, Value, json};

use crate::delivery::{check_endpoint, new_signing_key};
use crate::documents::{Connector, Validation};
use crate::faults::{Reply, answer};
use crate::ids::{is_uuid, new_uuid};
use crate::shared::Shared;
use crate::subscriptions::RecordedSubscription;

type AppState = State<Arc<Shared>>;

/// How many subscriptions a page of List Subscriptions holds unless the request asks for
/// fewer with `first` (see [`EmulatorBuilder::subscription_page_size`](crate::EmulatorBuilder::subscription_page_size)).
/// Tray publishes no default: an assumption.
pub const DEFAULT_SUBSCRIPTION_PAGE_SIZE: usize = 100;

/// Adds the trigger routes to `router`.
pub(crate) fn routes(router: Router<Arc<Shared>>) -> Router<Arc<Shared>> {
    router
        .route("/core/v1/triggers", get(list_triggers))
        .route(
            "/core/v1/triggers/{name}/versions/{version}/operations",
            get(list_trigger_operations),
        )
        .route(
            "/core/v1/subscriptions",
            get(list_subscriptions).post(create_subscription),
        )
        .route(
            "/core/v1/subscriptions/{id}",
            get(get_subscription).delete(delete_subscription),
        )
}

async fn list_triggers(State(shared): AppState) -> Response {
    let fault = shared.fault_for(None);
    answer(fault, || {
        let elements: Vec<Value> = shared.triggers.iter().map(|t| t.listing.clone()).collect();
        Reply::ok(json!({ "elements": elements }))
    })
    .await
}

async fn list_trigger_operations(
    State(shared): AppState,
    Path((name, version)): Path<(String, String)>,
) -> Response {
    let fault = shared.fault_for(None);
    answer(fault, || match shared.trigger(&name, &version) {
        Some(trigger) => Reply::ok(json!({ "elements": trigger.elements })),
        None => trigger_not_found(&name, &version),
    })
    .await
}

fn trigger_not_found(name: &str, version: &str) -> Reply {
    Reply::tray_error(
        StatusCode::NOT_FOUND,
        format!("Trigger '{name}' with version '{version}' not found"),
    )
}

fn subscription_not_found(id: &str) -> Reply {
    Reply::tray_error(
        StatusCode::NOT_FOUND,
        format!("Subscription '{id}' not found"),
    )
}

/// A Create Subscription body, checked field by field.
struct NewSubscription {
    name: String,
    trigger: String,
    version: String,
    operation: String,
    input: Value,
    endpoint: String,
    auth_id: Option<String>,
    external_id: Option<String>,
}

impl NewSubscription {
    /// The body's fields, or the 400's message naming every problem.
    fn parse(body: &[u8]) -> Result<NewSubscription, String> {
        let parsed: Value = serde_json::from_slice(body)
            .map_err(|e| format!("The request body is not valid JSON: {e}"))?;
        let Value::Object(mut body) = parsed else {
            return Err("The request body must be a JSON object".into());
        };
        let mut problems = Vec::new();
        let name = take_text(&mut body, "name", true, &mut problems);
        let operation = take_text(&mut body, "operation", true, &mut problems);
        let endpoint = take_text(&mut body, "endpoint", true, &mut problems);
        let auth_id = take_text(&mut body, "authenticationId", false, &mut problems);
        let external_id = take_text(&mut body, "externalId", false, &mut problems);
        let (trigger, version) = match body.remove("trigger") {
            Some(Value::Object(mut trigger)) => (
                take_text(&mut trigger, "name", true, &mut problems),
                take_text(&mut trigger, "version", true, &mut problems),
            ),
            _ => {
                problems.push(
                    "\"trigger\" must be an object with a \"name\" and a \"version\"".to_owned(),
                );
                (None, None)
            }
        };
        let input = match body.remove("input") {
            Some(input @ Value::Object(_)) => Some(input),
            Some(_) => {
                problems.push("\"input\" must be a JSON object".to_owned());
                None
            }
            None => {
                problems.push("\"input\" is required".to_owned());
                None
            }
        };
        // Tray's schema declares `authenticationId` as `format: uuid`.
        if auth_id.as_deref().is_some_and(|id| !is_uuid(id)) {
            problems.push("\"authenticationId\" must be a UUID".to_owned());
        }
        match (name, trigger, version, operation, input, endpoint) {
            (
                Some(name),
                Some(trigger),
                Some(version),
                Some(operation),
                Some(input),
                Some(endpoint),
            ) if problems.is_empty() => Ok(NewSubscription {
                name,
                trigger,
                version,
                operation,
                input,
                endpoint,
                auth_id,
                external_id,
            }),
            _ => Err(format!("Invalid request body: {}", problems.join("; "))),
        }
    }
}

/// Takes `key` out of `body` as a non-empty string; a missing or `null` optional one is
/// `None`, anything else a problem.
fn take_text(
    body: &mut Map<String, Value>,
    key: &str,
    required: bool,
    problems: &mut Vec<String>,
) -> Option<String> {
    match body.remove(key) {
        Some(Value::String(text)) if !text.is_empty() => Some(text),
        None | Some(Value::Null) if !required => None,
        _ => {
            problems.push(format!("\"{key}\" must be a non-empty string"));
            None
        }
    }
}

async fn create_subscription(State(shared): AppState, body: Bytes) -> Response {
    let fault = shared.fault_for(None);
    answer(fault, || create_reply(&shared, &body)).await
}

/// The unfaulted answer to Create Subscription: checked in the order a caller fixes things
/// (the body, what it names, where it delivers, the input), then created.
fn create_reply(shared: &Shared, body: &[u8]) -> Reply {
    let new = match NewSubscription::parse(body) {
        Ok(new) => new,
        Err(message) => return Reply::tray_error(StatusCode::BAD_REQUEST, message),
    };
    let Some(trigger) = shared.trigger(&new.trigger, &new.version) else {
        return trigger_not_found(&new.trigger, &new.version);
    };
    if let Some(refused) = input_refused(trigger, &new) {
        return refused;
    }
    let created = shared.subscriptions.create(RecordedSubscription {
        id: new_uuid(),
        name: new.name,
        trigger: new.trigger,
        version: new.version,
        operation: new.operation,
        endpoint: new.endpoint,
        input: new.input,
        state: "active".to_owned(),
        auth_id: new.auth_id,
        external_id: new.external_id,
        error: None,
        signing_key: new_signing_key(),
    });
    // A failed creation is still HTTP 200, with its `error` (Tray's published examples).
    Reply::ok(created.to_json(true))
}

/// Why `new` cannot be created for `trigger`: no such operation, an endpoint off this machine,
/// or an input its `inputSchema` refuses.
fn input_refused(trigger: &Connector, new: &NewSubscription) -> Option<Reply> {
    let Some(operation) = trigger.operations.get(&new.operation) else {
        return Some(Reply::tray_error(
            StatusCode::NOT_FOUND,
            format!(
                "Operation '{}' not found for trigger '{}' with version '{}'",
                new.operation, trigger.name, trigger.version
            ),
        ));
    };
    if let Err(message) = check_endpoint(&new.endpoint) {
        return Some(Reply::tray_error(StatusCode::BAD_REQUEST, message));
    }
    match &operation.validation {
        Validation::Checked(validator) => validator
            .check(&new.input)
            .err()
            .map(|message| Reply::tray_error(StatusCode::BAD_REQUEST, message)),
        // Never created unvalidated: the document's schema is at fault, not the caller's input.
        Validation::Refused(reason) => Some(Reply::tray_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!(
                "The emulator cannot validate the input of operation '{}' of trigger '{}' {}: \
                 its inputSchema does not compile ({reason}), so subscriptions to it are refused",
                new.operation, trigger.name, trigger.version
            ),
        )),
        Validation::Off => None,
    }
}

async fn list_subscriptions(State(shared): AppState, RawQuery(query): RawQuery) -> Response {
    let fault = shared.fault_for(None);
    answer(fault, || {
        let page = PageRequest::parse(query.as_deref().unwrap_or_default()).and_then(|asked| {
            let size = asked.first.unwrap_or(shared.subscription_page_size);
            shared.subscriptions.page(asked.cursor.as_deref(), size)
        });
        match page {
            Ok(page) => {
                let elements: Vec<Value> = page.elements.iter().map(|s| s.to_json(false)).collect();
                Reply::ok(json!({"elements": elements, "pageInfo": page.page_info}))
            }
            Err(message) => Reply::tray_error(StatusCode::BAD_REQUEST, message),
        }
    })
    .await
}

/// The query of List Subscriptions.
#[derive(Debug)]
struct PageRequest {
    /// The cursor, given as `cursor` (Tray's OpenAPI) or `after` (its reference page).
    cursor: Option<String>,
    /// `first`: the page size asked for.
    first: Option<usize>,
}

impl PageRequest {
    fn parse(query: &str) -> Result<PageRequest, String> {
        let (mut cursor, mut after, mut first) = (None, None, None);
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            match key.as_ref() {
                "cursor" => cursor = Some(value.into_owned()),
                "after" => after = Some(value.into_owned()),
                "first" => {
                    first = Some(
                        value
                            .parse::<usize>()
                            .ok()
                            .filter(|n| *n > 0)
                            .ok_or_else(|| {
                                format!("Invalid query parameter first '{value}': expected a positive integer")
                            })?,
                    );
                }
                // `last` has no documented meaning; other parameters are ignored, as Tray's are.
                _ => {}
            }
        }
        let cursor = match (cursor, after) {
            (Some(cursor), Some(after)) if cursor != after => {
                return Err(format!(
                    "The query parameters cursor ('{cursor}') and after ('{after}') disagree"
                ));
            }
            (cursor, after) => cursor.or(after),
        };
        Ok(PageRequest { cursor, first })
    }
}

async fn get_subscription(State(shared): AppState, Path(id): Path<String>) -> Response {
    let fault = shared.fault_for(None);
    answer(fault, || match shared.subscriptions.get(&id) {
        Some(subscription) => Reply::ok(subscription.to_json(false)),
        None => subscription_not_found(&id),
    })
    .await
}

async fn delete_subscription(State(shared): AppState, Path(id): Path<String>) -> Response {
    let fault = shared.fault_for(None);
    answer(fault, || {
        if shared.subscriptions.delete(&id) {
            Reply::no_content()
        } else {
            subscription_not_found(&id)
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cursor_reads_under_either_name() {
        for query in ["cursor=sub-3", "after=sub-3", "cursor=sub-3&after=sub-3"] {
            let asked = PageRequest::parse(query).unwrap();
            assert_eq!(asked.cursor.as_deref(), Some("sub-3"), "{query}");
        }
        let err = PageRequest::parse("cursor=sub-3&after=sub-4").unwrap_err();
        assert!(err.contains("disagree"), "{err}");
        assert_eq!(PageRequest::parse("first=2").unwrap().first, Some(2));
        assert!(PageRequest::parse("first=0").is_err());
        assert_eq!(PageRequest::parse("").unwrap().cursor, None);
        assert_eq!(
            PageRequest::parse("cursor=c%2F1%2B")
                .unwrap()
                .cursor
                .as_deref(),
            Some("c/1+")
        );
    }

    #[test]
    fn a_create_body_names_every_problem() {
        let err = NewSubscription::parse(
            br#"{"name": "", "trigger": {"name": "t"}, "input": [], "authenticationId": "x"}"#,
        )
        .err()
        .unwrap();
        for says in [
            "\"name\" must be a non-empty string",
            "\"operation\" must be a non-empty string",
            "\"endpoint\" must be a non-empty string",
            "\"version\" must be a non-empty string",
            "\"input\" must be a JSON object",
            "\"authenticationId\" must be a UUID",
        ] {
            assert!(err.contains(says), "{says}: {err}");
        }
        assert!(err.starts_with("Invalid request body: "), "{err}");
        let ok = NewSubscription::parse(
            br#"{"name": "n", "trigger": {"name": "t", "version": "1.0"}, "operation": "op",
                 "input": {}, "endpoint": "http://127.0.0.1:1/", "externalId": null}"#,
        )
        .ok()
        .unwrap();
        assert_eq!((ok.trigger.as_str(), ok.version.as_str()), ("t", "1.0"));
        assert_eq!(ok.external_id, None);
    }
}
