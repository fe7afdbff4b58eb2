//! The async client of the three Connectivity API endpoints.
//!
//! The [`Client`] and how it is built live here; what it asks lives in `connectivity` (the
//! Connectivity API's endpoints), how a request is sent, retried and bounded in `transport`,
//! and the tracing span of each attempt in `span`.

mod connectivity;
mod span;
mod transport;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;

use crate::Error;
use crate::config::{CONNECT_TIMEOUT, Checked, ClientBuilder, MAX_IDLE_CONNECTIONS};
use crate::drift::DriftLog;
use crate::limits::Limits;
use crate::path::is_loopback;
use crate::retry::RetryPolicy;
use crate::text::one_line;

/// A client of Tray's Connectivity API.
///
/// Cheap to clone (the connection pool and settings are shared), `Send + Sync`, and every
/// future it returns is `Send`. Needs a Tokio runtime with the time driver enabled (as
/// `#[tokio::main]` gives).
///
/// ```no_run
/// # async fn run() -> Result<(), tray_connect::Error> {
/// let client = tray_connect::Client::from_env()?;
/// for connector in client.list_connectors().await? {
///     println!("{} {}", connector.name, connector.version);
/// }
/// let output = client
///     .call_raw("slack", "9.1", "send_message", "fe6ce53d-b414-4f24-b0d5-16a0a75544a0",
///               serde_json::json!({"channel": "C123", "text": "hi"}))
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

#[derive(Clone)]
pub(crate) struct Inner {
    /// For hosts other than loopback: uses the system's proxy settings.
    http: reqwest::Client,
    /// For loopback hosts: never a proxy.
    loopback_http: reqwest::Client,
    base_url: String,
    /// The Embedded (GraphQL) API endpoint: another host than `base_url` on Tray.
    pub(crate) graphql_url: String,
    /// `Bearer <token>`, marked sensitive so the HTTP stack never logs it.
    pub(crate) authorization: HeaderValue,
    call_timeout: Duration,
    read_timeout: Duration,
    retry: RetryPolicy,
    pub(crate) max_response_bytes: usize,
    /// The most items a paged listing may hold in all.
    pub(crate) max_listed_items: usize,
    /// Calls in flight and the pace of other requests; shared with `as_user` clients.
    limits: Arc<Limits>,
    /// What answers held that the documents did not promise; shared with clones and `as_user`
    /// clients.
    drift: Arc<DriftLog>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("Client")
            .field("base_url", &inner.base_url)
            .field("token", &"<redacted>")
            .field("call_timeout", &inner.call_timeout)
            .field("read_timeout", &inner.read_timeout)
            .field("retry", &inner.retry)
            .field("max_response_bytes", &inner.max_response_bytes)
            .field("max_listed_items", &inner.max_listed_items)
            .field("max_concurrent_calls", &inner.limits.max_concurrent_calls())
            .field("rate_limit", &inner.limits.rate_limit())
            .field("shared_limits", &inner.limits.shared_namespace())
            .finish()
    }
}

impl Client {
    /// A client of the US region with `token`.
    pub fn new(token: impl Into<String>) -> Result<Client, Error> {
        Client::builder().token(token).build()
    }

    /// A builder for other regions, base URLs, timeouts and retry policies.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A client configured from the environment: `TRAY_TOKEN` (required), `TRAY_REGION`
    /// (`us`, `eu` or `ap`; default `us`) and `TRAY_API_URL` (overrides the region's base URL,
    /// e.g. an emulator's `http://127.0.0.1:PORT`).
    pub fn from_env() -> Result<Client, Error> {
        ClientBuilder::from_env_with(|name| std::env::var(name).ok())?.build()
    }

    pub(crate) fn from_builder(builder: ClientBuilder) -> Result<Client, Error> {
        let Checked {
            authorization,
            base_url,
            graphql_url,
            limits,
        } = builder.check()?;
        // Loopback stays loopback: a proxy from the environment (`HTTP_PROXY`, ...) would
        // otherwise receive the token in clear for an `http://` emulator URL. One HTTP client
        // serves both URLs unless only one of them is on loopback.
        let loopback = |url: &str| reqwest::Url::parse(url).is_ok_and(|url| is_loopback(&url));
        let (http, loopback_http) = match (
            &builder.http_client,
            loopback(&base_url),
            loopback(&graphql_url),
        ) {
            // The caller's own, for every host (its docs say what that gives up).
            (Some(own), _, _) => (own.clone(), own.clone()),
            (None, true, true) => {
                let direct = http_client(&builder, false)?;
                (direct.clone(), direct)
            }
            (None, false, false) => {
                let proxied = http_client(&builder, true)?;
                (proxied.clone(), proxied)
            }
            (None, _, _) => (http_client(&builder, true)?, http_client(&builder, false)?),
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                loopback_http,
                base_url,
                graphql_url,
                authorization,
                call_timeout: builder.call_timeout,
                read_timeout: builder.read_timeout,
                retry: builder.retry,
                max_response_bytes: builder.max_response_bytes,
                max_listed_items: builder.max_listed_items,
                limits: Arc::new(limits),
                drift: Arc::default(),
            }),
        })
    }

    /// The base URL requests go to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }
}

impl ClientBuilder {
    /// Checks the configuration and builds the client.
    ///
    /// Fails with [`Error::Config`] when the token is missing or empty, the base URL is
    /// refused, or a limit is zero.
    pub fn build(self) -> Result<Client, Error> {
        Client::from_builder(self)
    }
}

/// The HTTP client of a [`Client`]; `system_proxy: false` ignores `HTTP_PROXY` and friends.
fn http_client(builder: &ClientBuilder, system_proxy: bool) -> Result<reqwest::Client, Error> {
    let mut http = reqwest::Client::builder()
        .user_agent(concat!("tray-connect/", env!("CARGO_PKG_VERSION")))
        // The API does not redirect; following one could replay a call elsewhere.
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(CONNECT_TIMEOUT.min(builder.call_timeout.max(builder.read_timeout)))
        // Bursts open connections the pool would otherwise keep idle without limit (1,000
        // concurrent calls left ~1,800 idle sockets); Tray accepts at most this many
        // concurrent calls, so more idle connections are never useful.
        .pool_max_idle_per_host(MAX_IDLE_CONNECTIONS);
    if !system_proxy {
        http = http.no_proxy();
    }
    http.build().map_err(|e| {
        Error::config(format!(
            "could not set up the HTTP client: {}",
            one_line(&e.to_string())
        ))
    })
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;
    use crate::Lookup;

    const TOKEN: &str = "tok-very-secret-0123456789";

    #[test]
    fn client_is_send_sync_clone_and_its_futures_are_send() {
        fn send_sync<T: Send + Sync + Clone>() {}
        fn send<T: Send>(_: &T) {}
        send_sync::<Client>();
        let client = Client::new(TOKEN).unwrap();
        send(&client.list_connectors());
        send(&client.list_operations("a", "1"));
        send(&client.call_raw("a", "1", "op", "", Value::Null));
        send(&client.lookup("", Lookup::new("a", "1", "op", Value::Null)));
    }

    #[test]
    fn debug_never_shows_the_token() {
        let client = Client::builder()
            .token(TOKEN)
            .region(crate::Region::Eu)
            .build()
            .unwrap();
        let text = format!("{client:?} {:#?}", client.clone());
        assert!(!text.contains(TOKEN), "{text}");
        assert!(text.contains("https://api.eu1.tray.io"), "{text}");
    }

    #[test]
    fn missing_or_empty_token_is_a_config_error() {
        for builder in [
            Client::builder(),
            Client::builder().token(""),
            Client::builder().token("  "),
        ] {
            let err = builder.build().unwrap_err();
            assert!(matches!(err, Error::Config { .. }), "{err}");
        }
    }

    #[test]
    fn token_with_a_newline_is_refused_without_echoing_it() {
        let err = Client::new("abc\ndef-secret").unwrap_err();
        assert!(matches!(err, Error::Config { .. }));
        assert!(!err.to_string().contains("def-secret"));
        // Surrounding whitespace (a trailing newline from a file) is trimmed.
        assert!(Client::new(format!("{TOKEN}\n")).is_ok());
    }

    #[test]
    fn base_url_is_checked_in_build() {
        let err = Client::builder()
            .token(TOKEN)
            .base_url("http://example.com")
            .build()
            .unwrap_err();
        assert!(matches!(err, Error::Config { .. }));
        let ok = Client::builder()
            .token(TOKEN)
            .base_url("http://example.com/")
            .allow_insecure_http(true)
            .build()
            .unwrap();
        assert_eq!(ok.base_url(), "http://example.com");
        assert_eq!(
            Client::new(TOKEN).unwrap().base_url(),
            "https://api.tray.io"
        );
    }
}
