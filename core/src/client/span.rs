//! The tracing span of each attempt, named and shaped as OpenTelemetry's HTTP client spans.

use std::fmt;

/// The connector operation a Call Connector request calls, for its spans.
#[derive(Clone, Copy)]
pub(super) struct Target<'a> {
    pub(super) connector: &'a str,
    pub(super) version: &'a str,
    pub(super) operation: &'a str,
}

/// The span of one attempt: `tray.call` for a Call Connector request, `tray.request` for any
/// other, at `INFO`, with OpenTelemetry's HTTP client names (`otel.kind = "client"`,
/// `http.request.method`, `url.path`, `server.address`, `server.port`,
/// `http.request.resend_count`, then `http.response.status_code`, and on failure
/// `error.type` and `otel.status_code = "ERROR"`), and for a call `tray.connector`,
/// `tray.version`, `tray.operation`. Never the token, an authId, an input or an output:
/// `url.path` shows the ids of authentications and subscriptions as `{id}`.
pub(super) fn attempt_span(
    method: &'static str,
    url: &reqwest::Url,
    target: Option<Target<'_>>,
    attempt: u32,
) -> tracing::Span {
    use tracing::field::{Empty, display};
    let path = display(PathTemplate(url.path()));
    let host = url.host_str().unwrap_or_default();
    let port = url.port_or_known_default();
    let resends = attempt.saturating_sub(1);
    match target {
        Some(target) => tracing::info_span!(
            "tray.call",
            otel.kind = "client",
            otel.status_code = Empty,
            http.request.method = method,
            url.path = path,
            server.address = host,
            server.port = port,
            http.request.resend_count = resends,
            http.response.status_code = Empty,
            error.type = Empty,
            tray.connector = target.connector,
            tray.version = target.version,
            tray.operation = target.operation,
            tray.attempt = attempt,
        ),
        None => tracing::info_span!(
            "tray.request",
            otel.kind = "client",
            otel.status_code = Empty,
            http.request.method = method,
            url.path = path,
            server.address = host,
            server.port = port,
            http.request.resend_count = resends,
            http.response.status_code = Empty,
            error.type = Empty,
            tray.attempt = attempt,
        ),
    }
}

/// A URL path with the ids of authentications, subscriptions and users written `{id}`: a
/// span's `url.path` never holds an authId (and has few distinct values).
struct PathTemplate<'a>(&'a str);

impl fmt::Display for PathTemplate<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut previous = "";
        for (i, segment) in self.0.split('/').enumerate() {
            if i > 0 {
                f.write_str("/")?;
            }
            let is_id = matches!(previous, "authentications" | "subscriptions" | "users")
                && !segment.is_empty();
            f.write_str(if is_id { "{id}" } else { segment })?;
            previous = segment;
        }
        Ok(())
    }
}
