//! How a [`Client`](crate::Client) is configured: token, region or base URL, timeouts, retries, limits.

use std::fmt;
use std::time::Duration;

use crate::Error;
use crate::limits::{DEFAULT_MAX_CONCURRENT_CALLS, Limits, RateLimit};
use crate::path::check_base_url;
use reqwest::header::HeaderValue;

pub use crate::retry::RetryPolicy;

/// Default timeout of a Call Connector request: connectors themselves time out after 45 s
/// (120 s for CDK connectors), plus Tray's own overhead.
pub(crate) const DEFAULT_CALL_TIMEOUT: Duration = Duration::from_secs(150);
/// Default timeout of each attempt of a list request.
pub(crate) const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// Default cap on a response body.
pub(crate) const DEFAULT_MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;
/// Default cap on the items of a paged listing: far more authentications than one end user
/// has, and a bound on what a server whose pages never end can make the client hold.
pub(crate) const DEFAULT_MAX_LISTED_ITEMS: usize = 10_000;
/// Idle connections kept per host: Tray's ceiling of concurrent calls.
pub(crate) const MAX_IDLE_CONNECTIONS: usize = 1_000;
/// Connecting never needs long; a black-holed host should not eat the whole call timeout.
pub(crate) const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The Tray region whose API a [`Client`](crate::Client) talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Region {
    /// `https://api.tray.io` (the default).
    #[default]
    Us,
    /// `https://api.eu1.tray.io`.
    Eu,
    /// `https://api.ap1.tray.io` (APAC).
    Ap,
}

impl Region {
    /// The region's API base URL, without a trailing slash.
    pub fn base_url(self) -> &'static str {
        match self {
            Region::Us => "https://api.tray.io",
            Region::Eu => "https://api.eu1.tray.io",
            Region::Ap => "https://api.ap1.tray.io",
        }
    }
}

impl std::str::FromStr for Region {
    type Err = Error;

    /// `us`, `eu` or `ap` (any case).
    fn from_str(s: &str) -> Result<Self, Error> {
        match s.trim().to_ascii_lowercase().as_str() {
            "us" => Ok(Region::Us),
            "eu" => Ok(Region::Eu),
            "ap" | "apac" => Ok(Region::Ap),
            _ => Err(Error::config(format!(
                "unknown region `{}`: expected us, eu or ap",
                crate::text::excerpt(s, 40)
            ))),
        }
    }
}

/// Builds a [`Client`](crate::Client); start with [`Client::builder`](crate::Client::builder).
///
/// ```
/// use std::time::Duration;
/// use tray_connect::{Client, Region, RetryPolicy};
///
/// let client = Client::builder()
///     .token("my-master-token")
///     .region(Region::Eu)
///     .timeout(Duration::from_secs(60))
///     .retry(RetryPolicy::none())
///     .build()?;
/// # Ok::<(), tray_connect::Error>(())
/// ```
#[derive(Clone)]
pub struct ClientBuilder {
    pub(crate) token: Option<String>,
    pub(crate) region: Region,
    pub(crate) base_url: Option<String>,
    pub(crate) graphql_url: Option<String>,
    pub(crate) allow_insecure_http: bool,
    pub(crate) call_timeout: Duration,
    pub(crate) read_timeout: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) max_response_bytes: usize,
    pub(crate) max_listed_items: usize,
    pub(crate) max_concurrent_calls: Option<usize>,
    pub(crate) rate_limit: Option<RateLimit>,
    /// The caller's own HTTP client, used for every request instead of the SDK's.
    pub(crate) http_client: Option<reqwest::Client>,
    #[cfg(feature = "redis")]
    pub(crate) shared_limits: Option<crate::RedisLimits>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            token: None,
            region: Region::Us,
            base_url: None,
            graphql_url: None,
            allow_insecure_http: false,
            call_timeout: DEFAULT_CALL_TIMEOUT,
            read_timeout: DEFAULT_READ_TIMEOUT,
            retry: RetryPolicy::default(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            max_listed_items: DEFAULT_MAX_LISTED_ITEMS,
            max_concurrent_calls: Some(DEFAULT_MAX_CONCURRENT_CALLS),
            rate_limit: Some(RateLimit::default()),
            http_client: None,
            #[cfg(feature = "redis")]
            shared_limits: None,
        }
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut f = f.debug_struct("ClientBuilder");
        f.field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("region", &self.region)
            .field("base_url", &self.base_url.as_ref().map(|_| "<set>"))
            .field("graphql_url", &self.graphql_url.as_ref().map(|_| "<set>"))
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("call_timeout", &self.call_timeout)
            .field("read_timeout", &self.read_timeout)
            .field("retry", &self.retry)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("max_listed_items", &self.max_listed_items)
            .field("max_concurrent_calls", &self.max_concurrent_calls)
            .field("rate_limit", &self.rate_limit)
            .field(
                "http_client",
                &self.http_client.as_ref().map(|_| "<caller's own>"),
            );
        #[cfg(feature = "redis")]
        f.field("shared_limits", &self.shared_limits);
        f.finish()
    }
}

impl ClientBuilder {
    /// A builder with the defaults: US region, no token, 150 s call timeout, 30 s read
    /// timeout, [`RetryPolicy::default`], 64 MiB response cap, 10,000 listed items, at most
    /// 1,000 calls in flight, other requests paced at [`RateLimit::default`].
    pub fn new() -> Self {
        Self::default()
    }

    /// The bearer token: a master token, or an end user's token (which expires after 2 days).
    /// Surrounding whitespace is ignored.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// The region whose API to use (ignored when [`base_url`](Self::base_url) is set).
    pub fn region(mut self, region: Region) -> Self {
        self.region = region;
        self
    }

    /// Another API base URL, e.g. an emulator's `http://127.0.0.1:PORT`. Checked in
    /// [`build`](Self::build): `http` or `https` only, `http` only for loopback hosts unless
    /// [`allow_insecure_http`](Self::allow_insecure_http).
    pub fn base_url(mut self, url: impl AsRef<str>) -> Self {
        self.base_url = Some(url.as_ref().to_owned());
        self
    }

    /// Accept an `http://` base URL on a non-loopback host (the token then travels unencrypted).
    pub fn allow_insecure_http(mut self, yes: bool) -> Self {
        self.allow_insecure_http = yes;
        self
    }

    /// Sets both the [call](Self::call_timeout) and the [read](Self::read_timeout) timeout.
    pub fn timeout(self, d: Duration) -> Self {
        self.call_timeout(d).read_timeout(d)
    }

    /// How long a Call Connector request may take in all, response body included (default 150 s).
    pub fn call_timeout(mut self, d: Duration) -> Self {
        self.call_timeout = d;
        self
    }

    /// How long each attempt of a list request may take, body included (default 30 s).
    pub fn read_timeout(mut self, d: Duration) -> Self {
        self.read_timeout = d;
        self
    }

    /// How failed requests are retried (default [`RetryPolicy::default`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The largest response body accepted, in bytes (default 64 MiB); a larger one is an
    /// [`Error::ResponseTooLarge`]. A paged listing
    /// ([`Client::list_authentications`](crate::Client::list_authentications)) may read this
    /// much in all, over all its pages ([`Error::ListTooLarge`] beyond).
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// The most items a paged listing
    /// ([`Client::list_authentications`](crate::Client::list_authentications)) may return
    /// (default 10,000); a server with more pages than that answers [`Error::ListTooLarge`].
    pub fn max_listed_items(mut self, limit: usize) -> Self {
        self.max_listed_items = limit;
        self
    }

    /// At most `limit` Call Connector requests in flight at once (default 1,000, Tray's
    /// ceiling; `None`: no limit). A call beyond it waits in the client, in order of arrival,
    /// until one in flight has its answer, instead of drawing Tray's 429.
    ///
    /// - The wait is not part of the call's [timeout](Self::call_timeout), which starts when
    ///   the request is sent.
    /// - Each attempt holds a slot from before it is sent until its answer has been read; a
    ///   retry gives the slot back while it waits for its backoff and queues again for the next
    ///   attempt, so calls waiting to retry never keep others from Tray.
    /// - A call that times out or is cancelled frees its slot at once, although Tray may still
    ///   be running it: with many timeouts the server can see more than `limit` for a while.
    /// - Clients made with [`Client::as_user`](crate::Client::as_user) share their parent's
    ///   slots (and pace): Tray does not say whether its limits are per token, so one process
    ///   stays under them either way.
    ///
    /// `Some(0)` is refused by [`build`](Self::build) ([`Error::Config`]).
    ///
    /// ```
    /// let client = tray_connect::Client::builder()
    ///     .token("my-master-token")
    ///     .max_concurrent_calls(200)          // or None for no limit
    ///     .build()?;
    /// # Ok::<(), tray_connect::Error>(())
    /// ```
    pub fn max_concurrent_calls(mut self, limit: impl Into<Option<usize>>) -> Self {
        self.max_concurrent_calls = limit.into();
        self
    }

    /// How fast requests other than Call Connector are sent: Get Connectors, Get Connector
    /// Operations, the Embedded GraphQL API and the authentication endpoints, all counted
    /// together (default [`RateLimit::default`], 25 a second in bursts of 20; `None`: no
    /// pacing). A request beyond the pace waits in the client, in order of arrival, instead of
    /// drawing Tray's 429; every attempt, retries included, waits for its turn. The wait is not
    /// part of the request's [timeout](Self::read_timeout), which starts when it is sent. A
    /// request cancelled or timed out by its caller while it waits gives its turn back: the
    /// next in line takes it, so cancellations never delay the requests that remain.
    pub fn rate_limit(mut self, limit: impl Into<Option<RateLimit>>) -> Self {
        self.rate_limit = limit.into();
        self
    }

    /// Sends every request through `http` (a `reqwest::Client` you already tune: proxies, root
    /// certificates or client identities, connection pools, DNS, HTTP versions) instead of the
    /// HTTP clients the SDK builds. It must come from the `reqwest` this crate uses, 0.13
    /// (`reqwest = "0.13"` in your `Cargo.toml`); it is not re-exported, so that its names
    /// (`Body`, `Client`, `Error`, ...) never lengthen the paths in your compiler errors.
    ///
    /// What the SDK still does, as with its own: the token (`Authorization`, marked
    /// sensitive) and `Accept` headers, the [call](Self::call_timeout) and
    /// [read](Self::read_timeout) timeouts (each attempt as a whole, connect to last body
    /// byte), [retries](Self::retry), the [limits](Self::max_concurrent_calls) and
    /// [pace](Self::rate_limit), the [response cap](Self::max_response_bytes), base URL checks,
    /// `tracing` spans and drift reports.
    ///
    /// What it then no longer guarantees, because those are settings of the HTTP client:
    ///
    /// - **No redirects.** The SDK's clients never follow one (Tray's API does not redirect,
    ///   and following could replay a call elsewhere); `reqwest`'s default follows up to 10.
    ///   Set `.redirect(reqwest::redirect::Policy::none())`.
    /// - **Loopback never through a proxy.** The SDK's client for `127.0.0.1`/`localhost`
    ///   (an emulator) ignores `HTTP_PROXY` and friends, which would otherwise receive the token
    ///   in clear over `http://`; yours uses whatever proxy it was given, for every host.
    /// - **A 10 s connect timeout** (capped by the request timeouts): without one, connecting
    ///   to a black-holed host takes a whole attempt's timeout.
    /// - **At most 1,000 idle connections per host** (Tray's ceiling of concurrent calls):
    ///   a burst can otherwise leave many more idle sockets open.
    /// - **The `tray-connect/VERSION` user agent.**
    /// - **TLS** as this crate's `rustls`/`native-tls` feature chose: the client's own.
    ///
    /// ```
    /// let http = reqwest::Client::builder()
    ///     .redirect(reqwest::redirect::Policy::none())
    ///     .connect_timeout(std::time::Duration::from_secs(10))
    ///     .user_agent("my-app/1.0 tray-connect")
    ///     .build()
    ///     .expect("an HTTP client");
    /// let client = tray_connect::Client::builder()
    ///     .token("my-master-token")
    ///     .http_client(http)
    ///     .build()?;
    /// # Ok::<(), tray_connect::Error>(())
    /// ```
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http_client = Some(http);
        self
    }

    /// Counts Tray's limits together with every client, in any process or on any machine,
    /// that shares the namespace of `limits` (feature `redis`): this client's
    /// [`max_concurrent_calls`](Self::max_concurrent_calls) and
    /// [`rate_limit`](Self::rate_limit) become the namespace's, kept in Redis, and stay the
    /// process's own as well. Clients made with [`Client::as_user`](crate::Client::as_user)
    /// share them too.
    ///
    /// When Redis does not answer, calls go on under the in-process limits (one warning per
    /// outage); the limiter never fails a call. See [`RedisLimits`](crate::RedisLimits).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), tray_connect::Error> {
    /// let limits = tray_connect::RedisLimits::connect("redis://127.0.0.1:6379/", "acme-prod").await?;
    /// let client = tray_connect::Client::builder()
    ///     .token("my-master-token")
    ///     .shared_limits(limits)
    ///     .build()?;
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "redis")]
    pub fn shared_limits(mut self, limits: crate::RedisLimits) -> Self {
        self.shared_limits = Some(limits);
        self
    }

    /// Checks what the client is built from: the token (present, sendable in a header), the
    /// base and GraphQL URLs, the limits.
    pub(crate) fn check(&self) -> Result<Checked, Error> {
        let token = self.token.as_deref().map(str::trim).unwrap_or_default();
        if token.is_empty() {
            return Err(Error::config(
                "no token: set one with .token(..) or TRAY_TOKEN",
            ));
        }
        let mut authorization =
            HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| {
                Error::config("the token contains characters that cannot be sent in an HTTP header")
            })?;
        authorization.set_sensitive(true);
        let base_url = self.resolved_base_url()?;
        let graphql_url = self.resolved_graphql_url(&base_url)?;
        let limits = Limits::of(self)?;
        Ok(Checked {
            authorization,
            base_url,
            graphql_url,
            limits,
        })
    }

    pub(crate) fn resolved_base_url(&self) -> Result<String, Error> {
        match &self.base_url {
            Some(url) => check_base_url(url, self.allow_insecure_http),
            None => Ok(self.region.base_url().to_owned()),
        }
    }

    /// The builder `from_env` uses, reading variables through `var` (so it can be tested
    /// without touching the process environment).
    pub(crate) fn from_env_with(var: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let present = |name: &str| var(name).filter(|v| !v.trim().is_empty());
        let token =
            present("TRAY_TOKEN").ok_or_else(|| Error::config("TRAY_TOKEN is not set or empty"))?;
        let mut builder = ClientBuilder::new().token(token);
        if let Some(region) = present("TRAY_REGION") {
            let region = region.parse::<Region>().map_err(|_| {
                Error::config(format!(
                    "TRAY_REGION must be us, eu or ap, not `{}`",
                    crate::text::excerpt(&region, 40)
                ))
            })?;
            builder = builder.region(region);
        }
        if let Some(url) = present("TRAY_API_URL") {
            builder = builder.base_url(url);
        }
        Ok(builder)
    }
}

/// A configuration [`ClientBuilder::check`] accepted: what `Client` is built from.
pub(crate) struct Checked {
    /// `Bearer <token>`, marked sensitive.
    pub(crate) authorization: HeaderValue,
    /// The base URL, without a trailing slash.
    pub(crate) base_url: String,
    /// The Embedded GraphQL URL.
    pub(crate) graphql_url: String,
    /// Tray's limits as configured.
    pub(crate) limits: Limits,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn env_needs_a_token() {
        let err = ClientBuilder::from_env_with(env(&[])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid configuration: TRAY_TOKEN is not set or empty"
        );
        assert!(ClientBuilder::from_env_with(env(&[("TRAY_TOKEN", "  ")])).is_err());
    }

    #[test]
    fn env_region_and_url() {
        let b = ClientBuilder::from_env_with(env(&[("TRAY_TOKEN", "t"), ("TRAY_REGION", "EU")]))
            .unwrap();
        assert_eq!(b.resolved_base_url().unwrap(), "https://api.eu1.tray.io");
        let b = ClientBuilder::from_env_with(env(&[("TRAY_TOKEN", "t"), ("TRAY_REGION", "ap")]))
            .unwrap();
        assert_eq!(b.resolved_base_url().unwrap(), "https://api.ap1.tray.io");
        let b = ClientBuilder::from_env_with(env(&[
            ("TRAY_TOKEN", "t"),
            ("TRAY_REGION", "eu"),
            ("TRAY_API_URL", "http://127.0.0.1:9999/"),
        ]))
        .unwrap();
        assert_eq!(b.resolved_base_url().unwrap(), "http://127.0.0.1:9999");
        let err =
            ClientBuilder::from_env_with(env(&[("TRAY_TOKEN", "t"), ("TRAY_REGION", "mars")]))
                .unwrap_err();
        assert!(err.to_string().contains("TRAY_REGION"), "{err}");
    }

    #[test]
    fn regions_have_their_urls() {
        assert_eq!(Region::default().base_url(), "https://api.tray.io");
        assert_eq!(Region::Eu.base_url(), "https://api.eu1.tray.io");
        assert_eq!(Region::Ap.base_url(), "https://api.ap1.tray.io");
    }

    #[test]
    fn builder_debug_hides_the_token() {
        let b = ClientBuilder::new()
            .token("sekrit-token-123")
            .base_url("https://user:pw@example.com");
        let text = format!("{b:?}");
        assert!(!text.contains("sekrit-token-123"), "{text}");
        assert!(!text.contains("pw@"), "{text}");
        assert!(text.contains("<redacted>"));
    }

    #[test]
    fn timeout_sets_both() {
        let b = ClientBuilder::new().timeout(Duration::from_secs(7));
        assert_eq!(b.call_timeout, Duration::from_secs(7));
        assert_eq!(b.read_timeout, Duration::from_secs(7));
        let b = ClientBuilder::new();
        assert_eq!(b.call_timeout, Duration::from_secs(150));
        assert_eq!(b.read_timeout, Duration::from_secs(30));
        assert_eq!(b.max_response_bytes, 64 * 1024 * 1024);
    }

    #[test]
    fn limits_are_on_by_default_and_can_be_changed_or_turned_off() {
        let b = ClientBuilder::new();
        assert_eq!(b.max_concurrent_calls, Some(1_000));
        assert_eq!(b.rate_limit, Some(RateLimit::new(25, 20)));
        let b = b.max_concurrent_calls(10).rate_limit(RateLimit::TRAY);
        assert_eq!(b.max_concurrent_calls, Some(10));
        assert_eq!(b.rate_limit, Some(RateLimit::new(30, 50)));
        let b = b.max_concurrent_calls(None).rate_limit(None);
        assert_eq!((b.max_concurrent_calls, b.rate_limit), (None, None));
        for refused in [
            ClientBuilder::new().token("t").max_concurrent_calls(0),
            ClientBuilder::new()
                .token("t")
                .rate_limit(RateLimit::new(0, 1)),
        ] {
            let err = refused.build().unwrap_err();
            assert!(matches!(err, Error::Config { .. }), "{err}");
        }
    }
}
