//! The `embedded` feature: end users, their tokens and authentications.
//!
//! - `POST /graphql`: Tray's Embedded API (`createExternalUser`, `authorize`,
//!   `generateAuthorizationCode` with the master token; `viewer { authentications }` with a
//!   user token), served by `async-graphql`.
//! - `GET /core/v1/services/{name}/versions/{version}/environments`: one `Production`
//!   environment per service of the loaded documents, its scopes the operations' `authScopes`.
//! - `POST /core/v1/authentications`, `GET`/`PUT`/`DELETE /core/v1/authentications/{id}`,
//!   `GET /core/v1/authentications/{id}/full?forceRefresh=` (with the credentials).
//!
//! User ids and authIds are UUIDs, as on Tray. User tokens are accepted on every route until
//! they expire (2 days, or [`EmulatorBuilder::user_token_ttl`]; the clock moves with
//! [`Emulator::advance_clock`]), then answer 401. Call Connector checks the `authId` (after the
//! server refused any that is not a UUID with a 400): a user token may only use its own
//! authentications, the master token only those created with it ("authID must belong to your
//! account"), 404 otherwise; as long as no authentication was created, the master token may
//! use any UUID. An authentication of another service answers 403.
//!
//! The GraphQL operations accept Tray's documented texts verbatim (`$userId: ID!`, inline
//! `input` objects, `clientMutationId`), and `service.version` is a string (`"1"`), as in
//! Tray's example answers. Deleting an authentication answers `204` with an empty body.
//!
//! A GraphQL document of more than 1,000 selections once its fragments are expanded (or
//! nested more than 64 deep, fragment spreads included), with fields more than 16 deep, or
//! with more than 8 directives on a field, is refused with a GraphQL error (HTTP 200): a
//! 1.9 KB fragment bomb is refused at once, where each level of it used to double the time
//! (20 levels: 21 s).

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, RawQuery, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::{Value, json};

use crate::faults::{Reply, answer};
use crate::shared::{Shared, bearer, unauthorized};
use crate::{Emulator, EmulatorBuilder};

use crate::embedded::{Auth, Caller};

impl EmulatorBuilder {
    /// How long the user tokens `authorize` issues stay valid (default 2 days, as on Tray).
    pub fn user_token_ttl(mut self, ttl: Duration) -> Self {
        self.embedded.user_token_ttl = ttl;
        self
    }

    /// Whether `viewer.authentications` takes the paging arguments `first`/`after` and reports
    /// `pageInfo.endCursor` (default `true`). With `false`, the schema has neither, as in
    /// Tray's published description, and a query using them fails validation.
    pub fn graphql_paging(mut self, yes: bool) -> Self {
        self.embedded.paging = yes;
        self
    }

    /// The most authentications one page of `viewer.authentications` holds (default 50).
    pub fn max_page_size(mut self, size: usize) -> Self {
        self.embedded.max_page_size = size.max(1);
        self
    }
}

impl Emulator {
    /// Moves the emulator's clock forward, so user tokens and authorization codes expire.
    pub fn advance_clock(&self, by: Duration) {
        self.shared.embedded.state.advance_clock(by);
    }

    /// Answers the next `requests` GraphQL requests as Tray's rate limit does: HTTP 200 with
    /// `{"errors": [{"message": "Rate limit exceeded"}]}`.
    pub fn rate_limit_graphql(&self, requests: usize) {
        self.shared
            .embedded
            .state
            .rate_limited
            .store(requests, Ordering::SeqCst);
    }

    /// Does what the end user does in the auth dialog: redeems `authorization_code` (single
    /// use, 5 minutes) and creates an authentication named `name` in
    /// `service_environment_id` for the code's user. Returns its `authId`, or `None` for a
    /// used, expired or unknown code or an unknown environment.
    pub fn complete_auth_dialog(
        &self,
        authorization_code: &str,
        service_environment_id: &str,
        name: &str,
    ) -> Option<String> {
        let state = &self.shared.embedded.state;
        let environment = state.environment(service_environment_id)?.clone();
        let user = state.redeem_code(authorization_code)?;
        let id = crate::ids::new_uuid();
        state.add_auth(Auth {
            id: id.clone(),
            name: name.to_owned(),
            owner: Some(user),
            scopes: environment.scopes.clone(),
            environment,
            custom_fields: json!({}),
            user_data: json!({}),
            // What an OAuth dialog leaves, in the shape of Tray's Get Full Authentication example.
            credentials: json!({
                "accessToken": crate::ids::new_uuid(),
                "tokenType": "Bearer",
                "expiresIn": 3600,
            }),
        });
        Some(id)
    }
}

/// Adds the `embedded` routes.
pub(crate) fn routes(router: Router<Arc<Shared>>) -> Router<Arc<Shared>> {
    router
        .route("/graphql", post(graphql_endpoint))
        .route(
            "/core/v1/services/{name}/versions/{version}/environments",
            get(service_environments),
        )
        .route("/core/v1/authentications", post(create_authentication))
        .route(
            "/core/v1/authentications/{id}",
            get(get_authentication)
                .put(update_authentication)
                .delete(delete_authentication),
        )
        .route(
            "/core/v1/authentications/{id}/full",
            get(get_full_authentication),
        )
}

/// The caller of an Embedded API route, from its bearer token: a user token (until it
/// expires) or the master token. A request with neither is answered 401 before its handler
/// runs (and before its body is read).
struct Authorized(Caller);

impl FromRequestParts<Arc<Shared>> for Authorized {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        shared: &Arc<Shared>,
    ) -> Result<Self, Self::Rejection> {
        caller(shared, &parts.headers)
            .map(Authorized)
            .ok_or_else(unauthorized)
    }
}

/// Who sent the request, or `None` (answer 401).
fn caller(shared: &Shared, headers: &HeaderMap) -> Option<Caller> {
    let token = bearer(headers)?;
    match shared.embedded.state.user_of_token(token) {
        Some(Ok(user)) => Some(Caller::User(user)),
        Some(Err(())) => None,
        None => shared.is_master_token(token).then_some(Caller::Master),
    }
}

/// Call Connector's check of `authId`: `Some(reply)` refuses the call.
pub(crate) fn check_auth_id(
    shared: &Shared,
    headers: &HeaderMap,
    connector: &str,
    version: &str,
    auth_id: Option<&str>,
) -> Option<Reply> {
    let auth_id = auth_id?;
    let caller = caller(shared, headers)?;
    let state = &shared.embedded.state;
    if caller == Caller::Master && !state.any_auths() {
        return None;
    }
    let Some(auth) = state.auth_for_call(&caller, auth_id) else {
        return Some(Reply::tray_error(
            StatusCode::NOT_FOUND,
            format!("Authentication '{auth_id}' not found"),
        ));
    };
    let service = shared
        .connectors
        .iter()
        .find(|c| c.name == connector && c.version == version)
        .and_then(|c| c.listing["service"]["name"].as_str());
    match service {
        Some(service) if service != auth.environment.service_name() => Some(Reply::tray_error(
            StatusCode::FORBIDDEN,
            format!(
                "Authentication '{auth_id}' is for service '{}', not '{service}'",
                auth.environment.service_name()
            ),
        )),
        _ => None,
    }
}

async fn graphql_endpoint(
    State(shared): State<Arc<Shared>>,
    Authorized(caller): Authorized,
    body: Bytes,
) -> Response {
    let fault = shared.fault_for(None);
    let surface = &shared.embedded;
    let limited = surface
        .state
        .rate_limited
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok();
    let reply = if limited {
        Reply::ok(json!({"data": null, "errors": [{"message": "Rate limit exceeded"}]}))
    } else {
        match serde_json::from_slice::<async_graphql::Request>(&body) {
            Ok(request) => {
                let response = surface.schema.execute(request.data(caller)).await;
                Reply::ok(serde_json::to_value(&response).unwrap_or(Value::Null))
            }
            Err(e) => Reply::with(
                StatusCode::BAD_REQUEST,
                json!({"errors": [{"message": format!("Invalid GraphQL request: {e}")}]}),
            ),
        }
    };
    answer(fault, || reply).await
}

async fn service_environments(
    State(shared): State<Arc<Shared>>,
    Path((name, version)): Path<(String, String)>,
    _: Authorized,
) -> Response {
    let fault = shared.fault_for(None);
    let wanted = version.parse::<i64>().ok();
    answer(fault, || {
        let elements: Vec<Value> = shared
            .embedded
            .state
            .environments
            .iter()
            .filter(|e| e.service_name() == name && e.service["version"].as_i64() == wanted)
            .map(|e| e.to_json())
            .collect();
        if elements.is_empty() {
            Reply::tray_error(
                StatusCode::NOT_FOUND,
                format!("Service '{name}' with version '{version}' not found"),
            )
        } else {
            Reply::ok(json!({ "elements": elements }))
        }
    })
    .await
}

async fn create_authentication(
    State(shared): State<Arc<Shared>>,
    Authorized(caller): Authorized,
    body: Bytes,
) -> Response {
    let fault = shared.fault_for(None);
    answer(fault, || {
        let state = &shared.embedded.state;
        let body: Value = match serde_json::from_slice(&body) {
            Ok(body @ Value::Object(_)) => body,
            _ => {
                return Reply::tray_error(
                    StatusCode::BAD_REQUEST,
                    "The request body must be a JSON object",
                );
            }
        };
        let name = body["name"].as_str().filter(|n| !n.trim().is_empty());
        let environment_id = body["serviceEnvironmentId"].as_str();
        let scopes: Option<Vec<String>> = match &body["scopes"] {
            Value::Null => Some(Vec::new()),
            Value::Array(items) => items
                .iter()
                .map(|s| s.as_str().map(str::to_owned))
                .collect(),
            _ => None,
        };
        let (Some(name), Some(environment_id), Some(scopes)) = (name, environment_id, scopes)
        else {
            return Reply::tray_error(
                StatusCode::BAD_REQUEST,
                "Invalid request body: \"name\" and \"serviceEnvironmentId\" must be non-empty \
                 strings and \"scopes\" an array of strings",
            );
        };
        let Some(environment) = state.environment(environment_id) else {
            return Reply::tray_error(
                StatusCode::NOT_FOUND,
                format!("Service environment '{environment_id}' not found"),
            );
        };
        let id = crate::ids::new_uuid();
        state.add_auth(Auth {
            id: id.clone(),
            name: name.to_owned(),
            owner: match &caller {
                Caller::Master => None,
                Caller::User(user) => Some(user.clone()),
            },
            environment: environment.clone(),
            scopes,
            custom_fields: json!({}),
            user_data: object_or_empty(&body["userData"]),
            credentials: object_or_empty(&body["credentials"]),
        });
        Reply::ok(json!({ "id": id }))
    })
    .await
}

fn auth_not_found(id: &str) -> Reply {
    Reply::tray_error(
        StatusCode::NOT_FOUND,
        format!("Authentication '{id}' not found"),
    )
}

async fn get_authentication(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    Authorized(caller): Authorized,
) -> Response {
    let fault = shared.fault_for(None);
    answer(fault, || {
        match shared.embedded.state.auth_for(&caller, &id) {
            Some(auth) => Reply::ok(auth_json(&auth)),
            None => auth_not_found(&id),
        }
    })
    .await
}

/// `userData` or `credentials` as stored: the object sent, else `{}`.
fn object_or_empty(value: &Value) -> Value {
    match value {
        Value::Object(_) => value.clone(),
        _ => json!({}),
    }
}

/// The answer of Get and Update Authentication (trayapi `GetUserAuthenticationResult`,
/// `UpdatePublicUserAuthenticationResult`): never the credentials.
fn auth_json(auth: &Auth) -> Value {
    let mut answer = json!({
        "id": auth.id,
        "name": auth.name,
        "serviceEnvironmentId": auth.environment.id,
        "service": auth.environment.service,
        "scopes": auth.scopes,
    });
    if let Some(group) = auth.custom_fields.get("onPremAgentGroupId") {
        answer["onPremAgentGroupId"] = group.clone();
    }
    answer
}

/// What an Update Authentication body changes, checked field by field; the problems name
/// fields only, never a value sent (the credentials are among them).
struct AuthChange {
    name: Option<String>,
    user_data: Option<Value>,
    credentials: Option<Value>,
    scopes: Option<Vec<String>>,
    on_prem_agent_group_id: Option<String>,
}

impl AuthChange {
    fn parse(body: &[u8]) -> Result<AuthChange, String> {
        let Ok(Value::Object(mut body)) = serde_json::from_slice::<Value>(body) else {
            return Err("The request body must be a JSON object".to_owned());
        };
        let mut problems = Vec::new();
        let name = match body.remove("name") {
            None | Some(Value::Null) => None,
            Some(Value::String(name)) if !name.trim().is_empty() => Some(name),
            Some(_) => {
                problems.push("\"name\" must be a non-empty string");
                None
            }
        };
        let mut object = |key: &str, problem: &'static str| match body.remove(key) {
            None | Some(Value::Null) => None,
            Some(value @ Value::Object(_)) => Some(value),
            Some(_) => {
                problems.push(problem);
                None
            }
        };
        let user_data = object("userData", "\"userData\" must be an object");
        let credentials = object("credentials", "\"credentials\" must be an object");
        let scopes = match body.remove("scopes") {
            None | Some(Value::Null) => None,
            Some(Value::Array(items)) => {
                let scopes: Option<Vec<String>> = items
                    .iter()
                    .map(|s| s.as_str().map(str::to_owned))
                    .collect();
                if scopes.is_none() {
                    problems.push("\"scopes\" must be an array of strings");
                }
                scopes
            }
            Some(_) => {
                problems.push("\"scopes\" must be an array of strings");
                None
            }
        };
        let on_prem_agent_group_id = match body.remove("onPremAgentGroupId") {
            None | Some(Value::Null) => None,
            Some(Value::String(id)) => Some(id),
            Some(_) => {
                problems.push("\"onPremAgentGroupId\" must be a string");
                None
            }
        };
        if problems.is_empty() {
            Ok(AuthChange {
                name,
                user_data,
                credentials,
                scopes,
                on_prem_agent_group_id,
            })
        } else {
            Err(format!("Invalid request body: {}", problems.join("; ")))
        }
    }

    fn apply(self, auth: &mut Auth) {
        if let Some(name) = self.name {
            auth.name = name;
        }
        if let Some(user_data) = self.user_data {
            auth.user_data = user_data;
        }
        if let Some(credentials) = self.credentials {
            auth.credentials = credentials;
        }
        if let Some(scopes) = self.scopes {
            auth.scopes = scopes;
        }
        if let Some(group) = self.on_prem_agent_group_id {
            auth.custom_fields["onPremAgentGroupId"] = json!(group);
        }
    }
}

async fn update_authentication(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    Authorized(caller): Authorized,
    body: Bytes,
) -> Response {
    let fault = shared.fault_for(None);
    answer(fault, || {
        let change = match AuthChange::parse(&body) {
            Ok(change) => change,
            Err(problem) => return Reply::tray_error(StatusCode::BAD_REQUEST, problem),
        };
        match shared
            .embedded
            .state
            .update_auth(&caller, &id, |auth| change.apply(auth))
        {
            Some(auth) => Reply::ok(auth_json(&auth)),
            None => auth_not_found(&id),
        }
    })
    .await
}

/// `forceRefresh` of Get Full Authentication: `true`, `false` or absent.
fn force_refresh(query: Option<&str>) -> Result<bool, String> {
    let mut force = false;
    for (key, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        if key == "forceRefresh" {
            force = match value.as_ref() {
                "true" => true,
                "false" => false,
                _ => {
                    return Err(format!(
                        "Invalid query parameter forceRefresh '{value}': expected true or false"
                    ));
                }
            };
        }
    }
    Ok(force)
}

async fn get_full_authentication(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    Authorized(caller): Authorized,
) -> Response {
    let fault = shared.fault_for(None);
    answer(fault, || {
        let force = match force_refresh(query.as_deref()) {
            Ok(force) => force,
            Err(problem) => return Reply::tray_error(StatusCode::BAD_REQUEST, problem),
        };
        let state = &shared.embedded.state;
        // Tray asks for the owner's user token; the master token reads those it created
        // (as on Call Connector).
        if state.auth_for_call(&caller, &id).is_none() {
            return auth_not_found(&id);
        }
        let refreshed = state.update_auth(&caller, &id, |auth| {
            if force && auth.credentials.get("accessToken").is_some() {
                auth.credentials["accessToken"] = json!(crate::ids::new_uuid());
            }
        });
        match refreshed {
            Some(auth) => {
                let mut answer = auth_json(&auth);
                if let Some(answer) = answer.as_object_mut() {
                    answer.remove("service");
                    answer.insert("userData".into(), auth.user_data.clone());
                    answer.insert("credentials".into(), auth.credentials.clone());
                }
                Reply::ok(answer)
            }
            None => auth_not_found(&id),
        }
    })
    .await
}

async fn delete_authentication(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    Authorized(caller): Authorized,
) -> Response {
    let fault = shared.fault_for(None);
    answer(fault, || {
        if shared.embedded.state.remove_auth(&caller, &id) {
            Reply::no_content()
        } else {
            auth_not_found(&id)
        }
    })
    .await
}
