//! Tray's Embedded (GraphQL) API: end users, their tokens and authorization codes, and the
//! authentications a user owns.
//!
//! The GraphQL endpoint lives on another host than the Connectivity API
//! (`https://tray.io/graphql` for `https://api.tray.io`); [`ClientBuilder::graphql_url`]
//! overrides it, and a loopback base URL (an emulator) serves both.

use std::collections::HashSet;
use std::sync::Arc;

use reqwest::header::HeaderValue;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::config::ClientBuilder;
use crate::graphql::DocumentKind;
use crate::path::{check_base_url, is_loopback};
use crate::tolerant;
use crate::wire::{self, PageInfo};
use crate::{Client, Error, Region, Secret};

/// How many authentications [`Client::list_authentications`] asks for per page.
const PAGE_SIZE: i64 = 100;
/// A guard against a server whose cursors never end, even with empty pages.
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
///
/// Decoded liberally (see `docs/fidelity.md`): every field but `id` may be missing or `null`,
/// and fields this type does not name are ignored.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Authentication {
    /// The `authId` to call connectors with.
    #[serde(deserialize_with = "tolerant::id")]
    pub id: String,
    /// The name the user or you gave it (empty when missing or `null`).
    #[serde(default, deserialize_with = "tolerant::text")]
    pub name: String,
    /// Your own fields on the authentication, as sent.
    #[serde(default)]
    pub custom_fields: Value,
    /// The third-party service it authenticates with.
    #[serde(default, deserialize_with = "tolerant::optional")]
    pub service: Option<AuthenticationService>,
    /// The service environment it was created in.
    #[serde(default, deserialize_with = "tolerant::optional")]
    pub service_environment: Option<AuthenticationEnvironment>,
}

/// The service of an [`Authentication`].
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct AuthenticationService {
    /// Tray's service id (`serviceId` of the auth dialog; empty when missing).
    #[serde(default, deserialize_with = "tolerant::text")]
    pub id: String,
    /// The programmatic name, e.g. `slack` (empty when missing or `null`).
    #[serde(default, deserialize_with = "tolerant::text")]
    pub name: String,
    /// The icon URL.
    #[serde(default, deserialize_with = "tolerant::optional_text")]
    pub icon: Option<String>,
    /// The display title.
    #[serde(default, deserialize_with = "tolerant::optional_text")]
    pub title: Option<String>,
    /// The integer service version. Tray's Embedded API sends it as text (`"version": "1"`),
    /// Get Connectors as a number; both read as `Some(1)`.
    #[serde(default, deserialize_with = "tolerant::optional_integer")]
    pub version: Option<i64>,
}

/// The service environment of an [`Authentication`].
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct AuthenticationEnvironment {
    /// The environment id (`serviceEnvironmentId`; empty when missing).
    #[serde(default, deserialize_with = "tolerant::text")]
    pub id: String,
    /// Its title, e.g. `Production`.
    #[serde(default, deserialize_with = "tolerant::optional_text")]
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

    /// Runs a GraphQL document with `variables` against the Embedded API and returns its
    /// `data`.
    ///
    /// A document of queries only is retried like a read (HTTP 429, 5xx, connection failures,
    /// and Tray's GraphQL "Rate limit exceeded"); a document with a mutation is sent like a
    /// connector call, since it may have acted: only connection failures and HTTP 429 are
    /// retried.
    ///
    /// # Errors
    ///
    /// An answer with an `errors` array, even with HTTP 200 (Tray's rate limiting answers so),
    /// is [`Error::GraphQl`], with any partial `data` in [`Error::partial_data`]; HTTP errors
    /// are [`Error::Tray`] as for the other endpoints.
    pub async fn graphql(&self, query: &str, variables: Value) -> Result<Value, Error> {
        self.graphql_exchange(DocumentKind::of(query), query, variables)
            .await?
            .into_data()
    }

    async fn mutation<T: DeserializeOwned>(
        &self,
        query: &str,
        variables: Value,
        what: &str,
    ) -> Result<T, Error> {
        self.graphql_exchange(DocumentKind::Mutation, query, variables)
            .await?
            .decode(what)
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
            #[serde(deserialize_with = "tolerant::id")]
            user_id: String,
        }
        let (query, variables) = if user.is_test_user {
            (
                CREATE_TEST_USER,
                json!({"name": user.name, "externalUserId": user.external_user_id,
                       "isTestUser": true}),
            )
        } else {
            (
                CREATE_USER,
                json!({"name": user.name, "externalUserId": user.external_user_id}),
            )
        };
        let data: Data = self
            .mutation(query, variables, "createExternalUser answer")
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
            .mutation(AUTHORIZE, json!({"userId": user_id}), "authorize answer")
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
                GENERATE_AUTHORIZATION_CODE,
                json!({"userId": user_id}),
                "generateAuthorizationCode answer",
            )
            .await?;
        Ok(data.generate_authorization_code.authorization_code)
    }

    /// Every authentication of the user this client acts as ([`as_user`](Self::as_user)),
    /// following pages.
    ///
    /// Paging arguments (`first`/`after`) are sent and `pageInfo.endCursor` followed; a page
    /// refused for Tray's rate limit is asked again (pages already read are kept). Tray
    /// documents this query without paging arguments: a server that rejects them on the first
    /// page (a GraphQL validation error, with HTTP 200 or 400) is sent Tray's documented query
    /// instead, for one page, with a `tracing` warning.
    ///
    /// A server's pages cannot make the client read without end: the listing ends, with a
    /// `tracing` warning, when a page gives no new cursor or one it gave before (a cycle), and
    /// fails with [`Error::ListTooLarge`] past
    /// [`max_listed_items`](crate::ClientBuilder::max_listed_items) items (10,000 by default),
    /// [`max_response_bytes`](crate::ClientBuilder::max_response_bytes) bytes over all pages
    /// (64 MiB), or 10,000 pages.
    pub async fn list_authentications(&self) -> Result<Vec<Authentication>, Error> {
        const WHAT: &str = "authentications";
        let max_items = self.inner.max_listed_items;
        let max_bytes = self.inner.max_response_bytes;
        let too_large = |pages: usize, limit: String| Error::ListTooLarge {
            what: WHAT,
            pages,
            limit,
        };
        let mut all = Vec::new();
        let mut bytes = 0usize;
        let mut cursors = HashSet::new();
        let mut after: Option<String> = None;
        for page in 0..MAX_PAGES {
            let answer = match self
                .graphql_exchange_capped(
                    DocumentKind::Query,
                    PAGED_QUERY,
                    json!({"first": PAGE_SIZE, "after": after.clone()}),
                    max_bytes - bytes,
                )
                .await
                .and_then(|answer| {
                    bytes += answer.bytes;
                    answer.decode::<ViewerData>("viewer authentications")
                }) {
                Ok(data) => data,
                Err(error) if page == 0 && rejects_paging(&error) => {
                    tracing::warn!(
                        error = %error,
                        "the GraphQL API refused paging arguments; listing one page of \
                         authentications with Tray's documented query"
                    );
                    let connection = self
                        .graphql_exchange(DocumentKind::Query, UNPAGED_QUERY, json!({}))
                        .await?
                        .decode::<ViewerData>("viewer authentications")?
                        .viewer
                        .authentications;
                    if connection.page_info.has_next_page {
                        tracing::warn!("more authentications exist than one page holds");
                    }
                    all.extend(connection.edges.into_iter().map(|e| e.node));
                    if all.len() > max_items {
                        return Err(too_large(1, format!("{max_items} items")));
                    }
                    return Ok(all);
                }
                // A later page over what is left of the budget: the listing is too large, not
                // the page.
                Err(Error::ResponseTooLarge { .. }) if page > 0 => {
                    return Err(too_large(page + 1, format!("{max_bytes} bytes")));
                }
                Err(error) => return Err(error),
            };
            let connection = answer.viewer.authentications;
            all.extend(connection.edges.into_iter().map(|e| e.node));
            if all.len() > max_items {
                return Err(too_large(page + 1, format!("{max_items} items")));
            }
            if !connection.page_info.has_next_page {
                return Ok(all);
            }
            match connection.page_info.end_cursor {
                Some(cursor) if !cursors.contains(&cursor) => {
                    cursors.insert(cursor.clone());
                    after = Some(cursor);
                }
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
        Err(too_large(MAX_PAGES, format!("{MAX_PAGES} pages")))
    }
}

// Tray's documented operations, verbatim (whitespace included), so the bodies the client sends
// are the ones Tray publishes: the published Embedded API spec (`embeddedapi.yaml`, request
// examples `create-billable-user`, `create-test-user`, `create-user-token`,
// `create-config-wizard-auth-code`) and, for the authentications query, the same text in the
// spec's description and Tray's public `connector-tester-public` app. Sources per text in
// `core/tests/fixtures/embedded/SOURCES.md`.

/// `createExternalUser` without `isTestUser` (a billable user).
const CREATE_USER: &str = "mutation($name: String!, $externalUserId: String!) {\n  createExternalUser(input: { \n      name: $name, \n      externalUserId: $externalUserId  \n    }) {\n      userId\n  }\n}";

/// `createExternalUser` of a test user.
const CREATE_TEST_USER: &str = "mutation($name: String!, $externalUserId: String!, $isTestUser: Boolean) {\n  createExternalUser(input: { \n      name: $name, \n      externalUserId: $externalUserId,\n      isTestUser: $isTestUser\n    }) {\n      userId\n  }\n}";

/// `authorize`: a user token.
const AUTHORIZE: &str = "mutation ($userId: ID!) {\n  authorize(input: {\n      userId: $userId\n  }) {\n    accessToken\n  }\n}";

/// `generateAuthorizationCode`: a code for the auth dialog.
const GENERATE_AUTHORIZATION_CODE: &str = "mutation ($userId: ID!) {\n  generateAuthorizationCode( input: {\n    userId: $userId\n  }) {\n    authorizationCode\n  }\n}";

/// `viewer.authentications` as Tray documents it: no paging arguments.
const UNPAGED_QUERY: &str = "query {\n  viewer {\n    authentications {\n      edges {\n        node {\n          id\n          name\n          customFields\n          service {\n            id,\n            name,\n            icon,\n            title,\n            version\n          }\n          serviceEnvironment {\n              id\n              title\n          }\n        }\n      }\n      pageInfo{\n        hasNextPage\n        hasPreviousPage\n      }\n    }\n  }\n}";

/// The documented query with relay paging arguments (`first`/`after`, `endCursor`), which
/// Tray documents for `users` and `solutions` but not for `authentications`.
const PAGED_QUERY: &str = "query ($first: Int, $after: String) {\n  viewer {\n    authentications(first: $first, after: $after) {\n      edges {\n        node {\n          id\n          name\n          customFields\n          service {\n            id,\n            name,\n            icon,\n            title,\n            version\n          }\n          serviceEnvironment {\n              id\n              title\n          }\n        }\n      }\n      pageInfo{\n        hasNextPage\n        hasPreviousPage\n        endCursor\n      }\n    }\n  }\n}";

#[derive(Deserialize)]
struct ViewerData {
    viewer: Viewer,
}

#[derive(Deserialize)]
struct Viewer {
    authentications: Connection,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Connection {
    /// Edges whose node cannot be read (no `id`) are left out rather than failing the page.
    #[serde(default, deserialize_with = "tolerant::list")]
    edges: Vec<Edge>,
    #[serde(default, deserialize_with = "wire::page_info")]
    page_info: PageInfo,
}

#[derive(Deserialize)]
struct Edge {
    node: Authentication,
}

/// Whether a failed paged query looks like the server refusing the paging arguments: a
/// validation error naming them, in a GraphQL answer or an HTTP 400 (rather than rate limiting
/// or a failure the documented query would meet too).
fn rejects_paging(error: &Error) -> bool {
    let names_paging = |m: &str| {
        ["first", "after", "endCursor", "argument"]
            .iter()
            .any(|word| m.contains(word))
    };
    match error {
        Error::GraphQl { errors, .. } => {
            !error.is_rate_limited()
                && errors.iter().any(|e| {
                    e.get("message")
                        .and_then(Value::as_str)
                        .is_some_and(names_paging)
                })
        }
        Error::Tray {
            status: 400,
            message,
            ..
        } => names_paging(message),
        _ => false,
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

    fn graphql_error(body: &[u8]) -> Error {
        crate::graphql::Answer::read(body)
            .unwrap()
            .into_data()
            .unwrap_err()
    }

    #[test]
    fn paging_rejection_is_told_apart_from_rate_limits() {
        let rejected = graphql_error(
            br#"{"data": null, "errors": [{"message": "Unknown argument \"first\" on field \"Viewer.authentications\"."}]}"#,
        );
        assert!(rejects_paging(&rejected));
        let limited = graphql_error(br#"{"errors": [{"message": "Rate limit exceeded"}]}"#);
        assert!(!rejects_paging(&limited));
        let http_400 = crate::wire::api_error(
            400,
            Some("application/json"),
            br#"{"errors": [{"message": "Unknown argument \"after\" on field \"authentications\""}]}"#,
            None,
        );
        assert!(rejects_paging(&http_400), "{http_400}");
        let other_400 = crate::wire::api_error(400, None, br#"{"message": "Bad token"}"#, None);
        assert!(!rejects_paging(&other_400));
    }

    #[test]
    fn service_version_as_text_decodes() {
        let node: Authentication = serde_json::from_value(json!({
            "id": "569xxxxxx-xxxxx-xxxx-7e829d2c56d",
            "name": "Roger Ramjet's Slack Account",
            "service": {"id": "227312c4-3e5f-4b0d-22a0-5b9630ece00e", "name": "slack",
                        "icon": "https://s3.amazonaws.com/images.tray.io/artisan/icons/slack.png",
                        "title": "Slack", "version": "1"}
        }))
        .unwrap();
        assert_eq!(node.service.unwrap().version, Some(1));
        let numeric: AuthenticationService =
            serde_json::from_value(json!({"id": "s", "name": "slack", "version": 4})).unwrap();
        assert_eq!(numeric.version, Some(4));
    }

    #[test]
    fn optional_authentication_fields_accept_null() {
        let node: Authentication = serde_json::from_value(json!({
            "id": "a1", "name": null, "customFields": null,
            "service": {"id": null, "name": null, "icon": null, "title": null, "version": null},
            "serviceEnvironment": {"id": "e1", "title": null},
            "somethingNew": true
        }))
        .unwrap();
        assert_eq!(node.name, "");
        let service = node.service.unwrap();
        assert_eq!((service.name.as_str(), service.version), ("", None));
        assert_eq!(node.service_environment.unwrap().title, None);
        let bare: Authentication =
            serde_json::from_value(json!({"id": "a2", "service": null, "serviceEnvironment": 3}))
                .unwrap();
        assert_eq!((bare.service, bare.service_environment), (None, None));
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

    #[test]
    fn the_paged_query_is_the_documented_one_plus_paging() {
        let documented = UNPAGED_QUERY
            .replacen("query {", "query ($first: Int, $after: String) {", 1)
            .replacen(
                "authentications {",
                "authentications(first: $first, after: $after) {",
                1,
            )
            .replacen(
                "hasPreviousPage\n",
                "hasPreviousPage\n        endCursor\n",
                1,
            );
        assert_eq!(PAGED_QUERY, documented);
    }
}
