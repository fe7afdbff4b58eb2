//! Tray's Embedded (GraphQL) API: end users, their tokens and authorization codes, and the
//! authentications a user owns.
//!
//! The GraphQL endpoint lives on another host than the Connectivity API
//! (`https://tray.io/graphql` for `https://api.tray.io`); [`ClientBuilder::graphql_url`]
//! overrides it, and a loopback base URL (an emulator) serves both.

use std::sync::Arc;

use reqwest::header::HeaderValue;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::config::ClientBuilder;
use crate::error::one_line;
use crate::path::{check_base_url, is_loopback};
use crate::retry::RequestKind;
use crate::wire;
use crate::{Client, Error, Region, Secret};

/// How many authentications [`Client::list_authentications`] asks for per page.
const PAGE_SIZE: i64 = 100;
/// A guard against a server whose cursors never end.
const MAX_PAGES: usize = 10_000;

impl Region {
    /// The region's Embedded (GraphQL) API endpoint.
    pub fn graphql_url(self) -> &'static str {
        match self {
            Region::Us => "https://tray.io/graphql",
            Region::Eu => "https://eu1.tray.io/graphql",
            Region::Ap => "https://ap1.tray.io/graphql",
        }
    }
}

impl ClientBuilder {
    /// Another GraphQL endpoint (checked in [`build`](Self::build) like
    /// [`base_url`](Self::base_url)).
    ///
    /// By default it is the region's ([`Region::graphql_url`]); with a base URL on a loopback
    /// host (an emulator) it is `{base_url}/graphql`, and with a base URL of a Tray region it
    /// is that region's.
    pub fn graphql_url(mut self, url: impl AsRef<str>) -> Self {
        self.graphql_url = Some(url.as_ref().to_owned());
        self
    }

    pub(crate) fn resolved_graphql_url(&self, base_url: &str) -> Result<String, Error> {
        if let Some(url) = &self.graphql_url {
            return check_base_url(url, self.allow_insecure_http);
        }
        if self.base_url.is_none() {
            return Ok(self.region.graphql_url().to_owned());
        }
        if let Some(region) = [Region::Us, Region::Eu, Region::Ap]
            .into_iter()
            .find(|r| r.base_url() == base_url)
        {
            return Ok(region.graphql_url().to_owned());
        }
        let parsed = reqwest::Url::parse(base_url)
            .map_err(|e| Error::config(format!("base URL does not parse: {e}")))?;
        if is_loopback(&parsed) {
            Ok(format!("{base_url}/graphql"))
        } else {
            Ok(self.region.graphql_url().to_owned())
        }
    }
}

/// An end user to create with [`Client::create_user`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    name: String,
    external_user_id: String,
    is_test_user: bool,
}

impl NewUser {
    /// A user called `name`, known in your own system as `external_user_id`.
    pub fn new(name: impl Into<String>, external_user_id: impl Into<String>) -> Self {
        NewUser {
            name: name.into(),
            external_user_id: external_user_id.into(),
            is_test_user: false,
        }
    }

    /// Marks the user as a test user (`isTestUser`).
    pub fn test_user(mut self, yes: bool) -> Self {
        self.is_test_user = yes;
        self
    }
}

/// One authentication of an end user, as the Embedded API lists it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Authentication {
    /// The `authId` to call connectors with.
    pub id: String,
    /// The name the user or you gave it.
    #[serde(default)]
    pub name: String,
    /// Your own fields on the authentication, as sent.
    #[serde(default)]
    pub custom_fields: Value,
    /// The third-party service it authenticates with.
    #[serde(default)]
    pub service: Option<AuthenticationService>,
    /// The service environment it was created in.
    #[serde(default)]
    pub service_environment: Option<AuthenticationEnvironment>,
}

/// The service of an [`Authentication`].
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct AuthenticationService {
    /// Tray's service id (`serviceId` of the auth dialog).
    pub id: String,
    /// The programmatic name, e.g. `slack`.
    #[serde(default)]
    pub name: String,
    /// The icon URL.
    #[serde(default)]
    pub icon: Option<String>,
    /// The display title.
    #[serde(default)]
    pub title: Option<String>,
    /// The integer service version.
    #[serde(default)]
    pub version: Option<i64>,
}

/// The service environment of an [`Authentication`].
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct AuthenticationEnvironment {
    /// The environment id (`serviceEnvironmentId`).
    pub id: String,
    /// Its title, e.g. `Production`.
    #[serde(default)]
    pub title: Option<String>,
}

impl Client {
    /// The GraphQL endpoint this client sends Embedded API requests to.
    pub fn graphql_url(&self) -> &str {
        &self.inner.graphql_url
    }

    /// A client with the same settings and connection pool that acts as an end user, with the
    /// user token from [`user_token`](Self::user_token).
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the token is empty or cannot be sent in a header.
    pub fn as_user(&self, user_token: impl Into<Secret>) -> Result<Client, Error> {
        let token = user_token.into();
        let token = token.expose().trim();
        if token.is_empty() {
            return Err(Error::config("the user token is empty"));
        }
        let mut authorization =
            HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| {
                Error::config(
                    "the user token contains characters that cannot be sent in an HTTP header",
                )
            })?;
        authorization.set_sensitive(true);
        let mut inner = (*self.inner).clone();
        inner.authorization = authorization;
        Ok(Client {
            inner: Arc::new(inner),
        })
    }

    /// Runs a GraphQL `query` (or mutation) with `variables` against the Embedded API and
    /// returns its `data`.
    ///
    /// # Errors
    ///
    /// An answer with an `errors` array, even with HTTP 200 (Tray's rate limiting answers so),
    /// is [`Error::GraphQl`]; HTTP errors are [`Error::Tray`] as for the other endpoints.
    pub async fn graphql(&self, query: &str, variables: Value) -> Result<Value, Error> {
        self.graphql_request(RequestKind::Read, query, variables)
            .await
    }

    async fn graphql_request(
        &self,
        kind: RequestKind,
        query: &str,
        variables: Value,
    ) -> Result<Value, Error> {
        #[derive(Serialize)]
        struct Body<'a> {
            query: &'a str,
            variables: Value,
        }
        let body =
            serde_json::to_vec(&Body { query, variables }).map_err(|source| Error::Encode {
                operation: "GraphQL request".to_owned(),
                message: source.to_string(),
                source,
            })?;
        let request = self.request_to(kind, "POST", &self.inner.graphql_url, Some(body))?;
        let answer = self.send(request).await?;
        decode_graphql(&answer)
    }

    async fn mutation<T: DeserializeOwned>(
        &self,
        query: &str,
        variables: Value,
        what: &str,
    ) -> Result<T, Error> {
        // A mutation that timed out may have run: never repeated like a read.
        let data = self
            .graphql_request(RequestKind::Call, query, variables)
            .await?;
        wire::decode_output(data, what)
    }

    /// Creates an end user (`createExternalUser`, master token) and returns their `userId`.
    pub async fn create_user(&self, user: &NewUser) -> Result<String, Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Data {
            create_external_user: Created,
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Created {
            user_id: String,
        }
        let data: Data = self
            .mutation(
                "mutation($input: CreateExternalUserInput!) { \
                 createExternalUser(input: $input) { userId } }",
                json!({"input": {
                    "name": user.name,
                    "externalUserId": user.external_user_id,
                    "isTestUser": user.is_test_user,
                }}),
                "createExternalUser answer",
            )
            .await?;
        Ok(data.create_external_user.user_id)
    }

    /// A token to act as the user `user_id` (`authorize`, master token); valid for 2 days.
    /// Pass it to [`as_user`](Self::as_user).
    pub async fn user_token(&self, user_id: &str) -> Result<Secret, Error> {
        #[derive(Deserialize)]
        struct Data {
            authorize: Authorized,
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Authorized {
            access_token: Secret,
        }
        let data: Data = self
            .mutation(
                "mutation($input: AuthorizeInput!) { authorize(input: $input) { accessToken } }",
                json!({"input": {"userId": user_id}}),
                "authorize answer",
            )
            .await?;
        Ok(data.authorize.access_token)
    }

    /// A single-use code (valid 5 minutes) that lets `user_id` open the auth dialog
    /// (`generateAuthorizationCode`, master token); see [`AuthDialogUrl`](crate::AuthDialogUrl).
    pub async fn authorization_code(&self, user_id: &str) -> Result<Secret, Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Data {
            generate_authorization_code: Generated,
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Generated {
            authorization_code: Secret,
        }
        let data: Data = self
            .mutation(
                "mutation($input: GenerateAuthorizationCodeInput!) { \
                 generateAuthorizationCode(input: $input) { authorizationCode } }",
                json!({"input": {"userId": user_id}}),
                "generateAuthorizationCode answer",
            )
            .await?;
        Ok(data.generate_authorization_code.authorization_code)
    }

    /// Every authentication of the user this client acts as ([`as_user`](Self::as_user)),
    /// following pages.
    ///
    /// Paging arguments (`first`/`after`) are sent and `pageInfo.endCursor` followed. A server
    /// that rejects them on the first page is asked again without them, for one page, with a
    /// `tracing` warning.
    pub async fn list_authentications(&self) -> Result<Vec<Authentication>, Error> {
        let mut all = Vec::new();
        let mut after: Option<String> = None;
        for page in 0..MAX_PAGES {
            let data = match self
                .graphql(
                    PAGED_QUERY,
                    json!({"first": PAGE_SIZE, "after": after.clone()}),
                )
                .await
            {
                Ok(data) => data,
                Err(error) if page == 0 && rejects_paging(&error) => {
                    tracing::warn!(
                        error = %error,
                        "the GraphQL API refused paging arguments; listing one page of \
                         authentications without them"
                    );
                    let data = self.graphql(UNPAGED_QUERY, json!({})).await?;
                    let connection: Connection = decode_viewer(data)?;
                    if connection.page_info.has_next_page {
                        tracing::warn!("more authentications exist than one page holds");
                    }
                    all.extend(connection.edges.into_iter().map(|e| e.node));
                    return Ok(all);
                }
                Err(error) => return Err(error),
            };
            let connection: Connection = decode_viewer(data)?;
            all.extend(connection.edges.into_iter().map(|e| e.node));
            if !connection.page_info.has_next_page {
                return Ok(all);
            }
            match connection.page_info.end_cursor {
                Some(cursor) if after.as_deref() != Some(cursor.as_str()) => after = Some(cursor),
                _ => {
                    tracing::warn!(
                        "the GraphQL API reports more authentications but no new endCursor; \
                         stopping after {} pages",
                        page + 1
                    );
                    return Ok(all);
                }
            }
        }
        Ok(all)
    }
}

const PAGED_QUERY: &str = concat!(
    "query($first: Int, $after: String) { viewer { authentications(first: $first, after: $after) { ",
    "edges { node { id name customFields service { id name icon title version } ",
    "serviceEnvironment { id title } } } ",
    "pageInfo { hasNextPage hasPreviousPage endCursor } } } }"
);

const UNPAGED_QUERY: &str = concat!(
    "query { viewer { authentications { ",
    "edges { node { id name customFields service { id name icon title version } ",
    "serviceEnvironment { id title } } } ",
    "pageInfo { hasNextPage hasPreviousPage } } } }"
);

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Connection {
    #[serde(default)]
    edges: Vec<Edge>,
    #[serde(default)]
    page_info: PageInfo,
}

#[derive(Deserialize)]
struct Edge {
    node: Authentication,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct PageInfo {
    #[serde(default)]
    has_next_page: bool,
    #[serde(default)]
    end_cursor: Option<String>,
}

fn decode_viewer(data: Value) -> Result<Connection, Error> {
    #[derive(Deserialize)]
    struct Data {
        viewer: Viewer,
    }
    #[derive(Deserialize)]
    struct Viewer {
        authentications: Connection,
    }
    let data: Data = wire::decode_output(data, "viewer authentications")?;
    Ok(data.viewer.authentications)
}

/// Whether a failed paged query looks like the server refusing the paging arguments (a
/// validation error, which comes without `data`), rather than rate limiting or a failure the
/// unpaged query would meet too.
fn rejects_paging(error: &Error) -> bool {
    match error {
        Error::GraphQl { errors, .. } => {
            !error.is_rate_limited()
                && errors.iter().any(|e| {
                    e.get("message").and_then(Value::as_str).is_some_and(|m| {
                        ["first", "after", "endCursor", "argument"]
                            .iter()
                            .any(|word| m.contains(word))
                    })
                })
        }
        _ => false,
    }
}

/// Reads a GraphQL answer: its `data`, or [`Error::GraphQl`] when it has errors.
pub(crate) fn decode_graphql(body: &[u8]) -> Result<Value, Error> {
    let mut answer: Value = serde_json::from_slice(body).map_err(|source| Error::Decode {
        what: "GraphQL answer".to_owned(),
        path: format!("line {} column {}", source.line(), source.column()),
        message: source.to_string(),
        output: None,
        source: Some(source),
    })?;
    if let Some(Value::Array(errors)) = answer.get_mut("errors").map(Value::take)
        && !errors.is_empty()
    {
        let message = errors[0]
            .get("message")
            .and_then(Value::as_str)
            .map(one_line)
            .unwrap_or_else(|| crate::error::excerpt(&errors[0].to_string(), 200));
        return Err(Error::GraphQl { message, errors });
    }
    match answer.get_mut("data").map(Value::take) {
        Some(data @ Value::Object(_)) => Ok(data),
        _ => Err(Error::Decode {
            what: "GraphQL answer".to_owned(),
            path: "data".to_owned(),
            message: "neither `data` nor `errors`".to_owned(),
            output: None,
            source: None,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graphql_url_follows_the_region_and_loopback_base_urls() {
        let url = |b: ClientBuilder| {
            let base = b.resolved_base_url().unwrap();
            b.resolved_graphql_url(&base).unwrap()
        };
        assert_eq!(url(ClientBuilder::new()), "https://tray.io/graphql");
        assert_eq!(
            url(ClientBuilder::new().region(Region::Eu)),
            "https://eu1.tray.io/graphql"
        );
        assert_eq!(
            url(ClientBuilder::new().base_url("https://api.ap1.tray.io/")),
            "https://ap1.tray.io/graphql"
        );
        assert_eq!(
            url(ClientBuilder::new().base_url("http://127.0.0.1:4000/")),
            "http://127.0.0.1:4000/graphql"
        );
        assert_eq!(
            url(ClientBuilder::new()
                .base_url("http://127.0.0.1:4000")
                .graphql_url("https://gql.example.com/graphql")),
            "https://gql.example.com/graphql"
        );
        let refused = ClientBuilder::new()
            .token("t")
            .graphql_url("http://gql.example.com/graphql")
            .build()
            .unwrap_err();
        assert!(
            refused.to_string().contains("allow_insecure_http"),
            "{refused}"
        );
    }

    #[test]
    fn graphql_errors_in_a_200_become_an_error() {
        let err =
            decode_graphql(br#"{"data": null, "errors": [{"message": "Rate limit exceeded"}]}"#)
                .unwrap_err();
        assert!(matches!(err, Error::GraphQl { .. }));
        assert!(err.is_rate_limited());
        assert_eq!(err.to_string(), "Tray GraphQL error: Rate limit exceeded");
        let data = decode_graphql(br#"{"data": {"viewer": null}}"#).unwrap();
        assert_eq!(data, json!({"viewer": null}));
        assert!(matches!(
            decode_graphql(b"{}").unwrap_err(),
            Error::Decode { .. }
        ));
    }

    #[test]
    fn paging_rejection_is_told_apart_from_rate_limits() {
        let rejected = decode_graphql(
            br#"{"data": null, "errors": [{"message": "Unknown argument \"first\" on field \"Viewer.authentications\"."}]}"#,
        )
        .unwrap_err();
        assert!(rejects_paging(&rejected));
        let limited =
            decode_graphql(br#"{"errors": [{"message": "Rate limit exceeded"}]}"#).unwrap_err();
        assert!(!rejects_paging(&limited));
    }

    #[test]
    fn as_user_shares_settings_and_hides_the_token() {
        let master = Client::builder()
            .token("master-secret")
            .base_url("http://127.0.0.1:9")
            .build()
            .unwrap();
        let user = master.as_user("user-secret-token").unwrap();
        assert_eq!(user.base_url(), master.base_url());
        assert_eq!(user.graphql_url(), "http://127.0.0.1:9/graphql");
        assert!(!format!("{user:?}").contains("user-secret-token"));
        assert!(master.as_user(" ").is_err());
        assert!(master.as_user("a\nb").is_err());
    }

    const NODE_FIELDS: &str = "id name customFields service { id name icon title version } \
                               serviceEnvironment { id title }";

    #[test]
    fn node_fields_stay_in_step_with_the_queries() {
        assert!(PAGED_QUERY.contains(NODE_FIELDS));
        assert!(UNPAGED_QUERY.contains(NODE_FIELDS));
    }
}
