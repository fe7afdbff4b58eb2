//! Everything that can go wrong between a call and its typed output.

mod accessors;
mod display;

use crate::text::excerpt;
use std::time::Duration;

use display::{code_suffix, connector_summary, failure_reason, more_errors, seconds};
use serde_json::Value;

/// The longest excerpt of a body or an output an error message quotes.
pub(crate) const EXCERPT_CHARS: usize = 200;
/// The longest message (Tray's, a connector's, a GraphQL error's, serde's) a `Display` shows:
/// room for several of Tray's numbered validation errors, while a 10 MB message from a
/// hostile or broken server stays one readable line. The accessors keep the whole text.
pub(crate) const MESSAGE_CHARS: usize = 500;

/// An error of the [`Client`](crate::Client).
///
/// No variant renders the token, request headers or request bodies. The `Display` of each
/// variant is one short line: text from the server is cut to an excerpt (at most 500
/// characters of a message, marked with `…`), while the fields and accessors
/// ([`message`](Error::message), [`body`](Error::body), [`output`](Error::output)) keep it
/// whole. [`source()`](std::error::Error::source) leads to the underlying cause where there is
/// one.
///
/// `Debug` reads like `Display`, after the variant's name, then the chain of causes: `main`
/// returning `Result<(), Box<dyn std::error::Error>>` prints
/// `Error: Tray: Tray API error 401: The request is unauthorized`, not a struct dump. Match on
/// the variant, or use the accessors, for the fields.
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Tray answered with an HTTP error status (400, 401, 403, 404, 429, 5xx, ...).
    ///
    /// Tray's own errors are `{"message": "...", "code": null}`; a body that is not JSON (an HTML
    /// page from a proxy, say) gives a short excerpt as the message instead.
    #[error("Tray API error {status}: {}{}", excerpt(.message, MESSAGE_CHARS), code_suffix(.code))]
    #[non_exhaustive]
    Tray {
        /// The HTTP status.
        status: u16,
        /// Tray's `message` (whole, on one line), or a description of the body when it had none.
        message: String,
        /// Tray's `code`, when present and not `null`.
        code: Option<String>,
        /// How long the server asked to wait before retrying (`Retry-After`), if it said.
        retry_after: Option<Duration>,
        /// The whole response body as text (invalid UTF-8 replaced); empty when it could not
        /// be read. Boxed: errors stay small.
        body: Box<str>,
    },

    /// The call reached the connector, which failed: HTTP 200 with `outcome: "error"`.
    ///
    /// The third party may have received the request. `output` is kept whole, since its shape
    /// is not standardised; [`Error::message`] and [`Error::third_party_status`] read the usual
    /// `message` and `response.statusCode`.
    #[error("connector returned outcome \"error\": {}", connector_summary(.output))]
    #[non_exhaustive]
    Connector {
        /// The `output` of the answer, as sent.
        output: Value,
    },

    /// No complete answer within the configured timeout (connection, response and body).
    #[error("request timed out after {}s ({method} {path})", seconds(.after))]
    #[non_exhaustive]
    Timeout {
        /// The timeout that elapsed.
        after: Duration,
        /// The HTTP method, e.g. `POST`.
        method: &'static str,
        /// The URL path of the request.
        path: String,
    },

    /// The request could not be sent or its answer not received: DNS, connection refused,
    /// TLS, a connection dropped mid-body.
    ///
    /// The `Display` names the host and port (`could not connect to api.tray.io:443 (GET
    /// /core/v1/connectors): ...`), never a query, userinfo or the token.
    #[error("{summary} {host} ({method} {path}): {}", excerpt(.cause, MESSAGE_CHARS))]
    #[non_exhaustive]
    Transport {
        /// What failed, worded to be followed by the host: `could not connect to`,
        /// `connection lost while reading the response from` or `no answer from`.
        summary: &'static str,
        /// The host and port the request went to, e.g. `api.tray.io:443` or `[::1]:8080`.
        host: Box<str>,
        /// The innermost cause, on one line.
        cause: String,
        /// The HTTP method.
        method: &'static str,
        /// The URL path of the request.
        path: String,
        /// Whether the failure happened before anything was sent (so a retry is always safe).
        connect: bool,
        /// The underlying error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync + 'static>,
    },

    /// An answer arrived but did not have the expected shape.
    ///
    /// When the call envelope parsed, `output` carries the whole `output`, so a billed result
    /// is never lost even if the typed output does not match it.
    #[error(
        "could not decode {what} at {}: {}",
        excerpt(.path, EXCERPT_CHARS),
        excerpt(.message, MESSAGE_CHARS)
    )]
    #[non_exhaustive]
    Decode {
        /// What was being decoded, e.g. `output of slack send_message`.
        what: String,
        /// Where in the JSON it failed (`.`-separated path, or a line and column).
        path: String,
        /// The serde message, whole (it may quote the offending value).
        message: String,
        /// The whole `output` of a call, when the envelope parsed (boxed: errors stay small).
        output: Option<Box<Value>>,
        /// The serde error.
        #[source]
        source: Option<serde_json::Error>,
    },

    /// An answer was larger than [`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes).
    #[error("response to {method} {path} is larger than the limit of {limit} bytes")]
    #[non_exhaustive]
    ResponseTooLarge {
        /// The limit in bytes.
        limit: usize,
        /// The HTTP method.
        method: &'static str,
        /// The URL path of the request.
        path: String,
    },

    /// An input could not be serialised to JSON (a map with non-string keys, say).
    #[error("could not encode the input of {operation}: {message}")]
    #[non_exhaustive]
    Encode {
        /// The operation's wire name.
        operation: String,
        /// The serde message.
        message: String,
        /// The serde error.
        #[source]
        source: serde_json::Error,
    },

    /// Tray's GraphQL (Embedded) API answered with an `errors` array: a refused query, a
    /// resolver failure, or rate limiting, which GraphQL reports with HTTP 200 and
    /// `"Rate limit exceeded"` (see [`Error::is_rate_limited`]).
    ///
    /// When the answer also carried partial `data`, it is kept ([`Error::partial_data`]).
    #[error("Tray GraphQL error: {}{}", excerpt(.message, MESSAGE_CHARS), more_errors(.errors))]
    #[non_exhaustive]
    GraphQl {
        /// The `message` of the first error, on one line.
        message: String,
        /// Every error as sent (`message`, `path`, `locations`, `extensions`, ...).
        errors: Vec<Value>,
        /// The `data` sent along with the errors, when it was an object (boxed: errors stay
        /// small).
        data: Option<Box<Value>>,
    },

    /// A paged listing ([`Client::list_authentications`](crate::Client::list_authentications))
    /// went past the client's bounds before its last page: more items in all than
    /// [`ClientBuilder::max_listed_items`](crate::ClientBuilder::max_listed_items), or more
    /// bytes in all than [`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes).
    /// A server whose pages never end cannot exhaust memory.
    #[error("listing {what} stopped after {pages} pages: more than {limit} in all")]
    #[non_exhaustive]
    ListTooLarge {
        /// What was being listed, e.g. `authentications`.
        what: &'static str,
        /// How many pages were asked for.
        pages: usize,
        /// The bound that was passed, e.g. `10000 items` or `67108864 bytes`.
        limit: String,
    },

    /// A paged stream ([`Client::pages`](crate::Client::pages)) stopped because the input of
    /// its next page repeats the input of an earlier one: the server's cursors go round in a
    /// circle, and calling again would read the same pages for ever. The pages before were
    /// yielded; nothing was sent for this one.
    #[error(
        "paging {operation} of {connector} stopped before page {page}: its input repeats the \
         input of page {repeats}, so the pages loop"
    )]
    #[non_exhaustive]
    PageLoop {
        /// The connector's name.
        connector: &'static str,
        /// The operation's wire name.
        operation: &'static str,
        /// The page that was not asked for (1 is the first page).
        page: usize,
        /// The earlier page whose input it repeats.
        repeats: usize,
    },

    /// A listing's pages cannot be followed
    /// ([`Client::subscriptions`](crate::Client::subscriptions)): a page gave a cursor an
    /// earlier page gave (the server ignores the cursor sent, and would answer the same pages
    /// for ever), or announced more pages without a cursor to ask for them. The items before
    /// were yielded (not those of a repeated page), and nothing more is asked for.
    #[error("listing {what} stopped at page {page}: {reason}")]
    #[non_exhaustive]
    Paging {
        /// What was being listed, e.g. `subscriptions`.
        what: &'static str,
        /// The page whose answer cannot be followed (1 is the first page).
        page: usize,
        /// Why, in words.
        reason: String,
    },

    /// Tray answered Create Subscription with `state: "creation_failed"` (HTTP 200): the
    /// trigger could not set the subscription up with the third party.
    ///
    /// **The subscription exists at Tray** (in state `creation_failed`) and delivers nothing:
    /// delete it with [`Client::unsubscribe`](crate::Client::unsubscribe) and its
    /// [`subscription_id`](Error::subscription_id).
    #[error(
        "Tray could not create subscription {id}: {}; it exists in state creation_failed \
         and delivers nothing, so delete it (Client::unsubscribe)",
        failure_reason(.message, .code)
    )]
    #[non_exhaustive]
    SubscriptionFailed {
        /// The subscription's id.
        id: String,
        /// Tray's `error.code`: `user_input_error`, `api_error`, `timeout_error`,
        /// `oauth_refresh`, `no_trigger`, `internal_error` (empty when Tray sent none).
        code: String,
        /// Tray's `error.message`, whole (empty when Tray sent none).
        message: String,
    },

    /// The client was configured wrongly (missing token, bad base URL, bad path segment, ...).
    #[error("invalid configuration: {message}")]
    #[non_exhaustive]
    Config {
        /// What is wrong.
        message: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn debug_reads_like_display_after_the_variant() {
        // What `main() -> Result<(), Box<dyn Error>>` prints after `Error: `.
        let error = tray(401, "The request is unauthorized", None);
        assert_eq!(
            format!("{error:?}"),
            "Tray: Tray API error 401: The request is unauthorized"
        );
        assert_eq!(
            format!("{:?}", Error::config("no token")),
            "Config: invalid configuration: no token"
        );
    }

    #[test]
    fn debug_lists_the_causes_one_per_line() {
        let cause = serde_json::from_str::<u8>("\"x\"").unwrap_err();
        let error = Error::Encode {
            operation: "send_sms".into(),
            message: cause.to_string(),
            source: cause,
        };
        let debug = format!("{error:?}");
        assert!(debug.starts_with("Encode: "), "{debug}");
        assert!(
            debug.contains("\n\nCaused by:\n    invalid type"),
            "{debug}"
        );
    }

    fn tray(status: u16, message: &str, code: Option<&str>) -> Error {
        Error::Tray {
            status,
            message: message.into(),
            code: code.map(Into::into),
            retry_after: None,
            body: "".into(),
        }
    }

    #[test]
    fn tray_error_without_code_shows_status_and_message() {
        let err = tray(401, "The request is unauthorized", None);
        assert_eq!(
            err.to_string(),
            "Tray API error 401: The request is unauthorized"
        );
        assert_eq!(err.status(), Some(401));
        assert_eq!(err.message(), Some("The request is unauthorized"));
    }

    #[test]
    fn tray_error_with_code_appends_it() {
        let err = tray(403, "Forbidden", Some("E42"));
        assert_eq!(err.to_string(), "Tray API error 403: Forbidden [code E42]");
        assert_eq!(err.code(), Some("E42"));
    }

    #[test]
    fn connector_error_shows_message_and_third_party_status() {
        let err = Error::Connector {
            output: json!({
                "response": {"statusCode": 404, "body": "Board not found"},
                "expects": {"statusCode": [200]},
                "message": "Not found. Looks like this has been removed."
            }),
        };
        assert_eq!(
            err.to_string(),
            "connector returned outcome \"error\": Not found. Looks like this has been removed. (third-party HTTP 404)"
        );
        assert_eq!(err.third_party_status(), Some(404));
        assert_eq!(
            err.message(),
            Some("Not found. Looks like this has been removed.")
        );
        assert!(err.output().is_some());
    }

    #[test]
    fn connector_error_without_status_has_no_suffix() {
        let err = Error::Connector {
            output: json!({"message": "Unfortunately, the connector unexpectedly failed."}),
        };
        assert_eq!(
            err.to_string(),
            "connector returned outcome \"error\": Unfortunately, the connector unexpectedly failed."
        );
        assert_eq!(err.third_party_status(), None);
    }

    #[test]
    fn connector_error_without_message_quotes_a_short_json_excerpt() {
        let long = "x".repeat(500);
        let err = Error::Connector {
            output: json!({"detail": long}),
        };
        let text = err.to_string();
        let prefix = "connector returned outcome \"error\": ";
        assert!(text.starts_with(prefix), "{text}");
        let quoted = &text[prefix.len()..];
        assert!(quoted.starts_with("{\"detail\":\"xxx"), "{quoted}");
        assert!(quoted.chars().count() <= 200, "{}", quoted.chars().count());
        assert!(quoted.ends_with('…'));
    }

    #[test]
    fn timeout_names_duration_method_and_path() {
        let err = Error::Timeout {
            after: Duration::from_secs(150),
            method: "POST",
            path: "/core/v1/connectors/slack/versions/9.1/call".into(),
        };
        assert_eq!(
            err.to_string(),
            "request timed out after 150s (POST /core/v1/connectors/slack/versions/9.1/call)"
        );
        let short = Error::Timeout {
            after: Duration::from_millis(250),
            method: "GET",
            path: "/core/v1/connectors".into(),
        };
        assert_eq!(
            short.to_string(),
            "request timed out after 0.25s (GET /core/v1/connectors)"
        );
        assert!(short.is_timeout());
    }

    #[test]
    fn transport_is_one_line_with_a_source() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused\nreally");
        let err = Error::Transport {
            summary: "could not connect to",
            host: "api.tray.io:443".into(),
            cause: crate::text::one_line(&io.to_string()),
            method: "GET",
            path: "/core/v1/connectors".into(),
            connect: true,
            source: Box::new(io),
        };
        assert_eq!(
            err.to_string(),
            "could not connect to api.tray.io:443 (GET /core/v1/connectors): refused really"
        );
        assert!(std::error::Error::source(&err).is_some());
        assert!(err.is_retryable());
    }

    #[test]
    fn decode_names_what_where_and_why_and_keeps_output() {
        let source = serde_json::from_str::<u8>("\"x\"").unwrap_err();
        let err = Error::Decode {
            what: "output of slack send_message".into(),
            path: "message.ts".into(),
            message: "invalid type: string \"x\", expected u8".into(),
            output: Some(Box::new(json!({"ok": true}))),
            source: Some(source),
        };
        assert_eq!(
            err.to_string(),
            "could not decode output of slack send_message at message.ts: invalid type: string \"x\", expected u8"
        );
        assert_eq!(err.output(), Some(&json!({"ok": true})));
        assert!(std::error::Error::source(&err).is_some());
        assert_eq!(err.into_output(), Some(json!({"ok": true})));
    }

    #[test]
    fn config_and_size_and_encode_messages() {
        assert_eq!(
            Error::config("no token").to_string(),
            "invalid configuration: no token"
        );
        let big = Error::ResponseTooLarge {
            limit: 1024,
            method: "GET",
            path: "/core/v1/connectors".into(),
        };
        assert_eq!(
            big.to_string(),
            "response to GET /core/v1/connectors is larger than the limit of 1024 bytes"
        );
        let source =
            serde_json::to_value(std::collections::HashMap::from([((1, 2), 3)])).unwrap_err();
        let enc = Error::Encode {
            operation: "send_sms".into(),
            message: source.to_string(),
            source,
        };
        assert!(
            enc.to_string()
                .starts_with("could not encode the input of send_sms: "),
            "{enc}"
        );
    }

    #[test]
    fn graphql_error_is_one_line_and_knows_rate_limits() {
        let err = Error::GraphQl {
            message: "Rate limit exceeded".into(),
            errors: vec![
                json!({"message": "Rate limit exceeded"}),
                json!({"message": "x"}),
            ],
            data: None,
        };
        assert_eq!(
            err.to_string(),
            "Tray GraphQL error: Rate limit exceeded (and 1 more)"
        );
        assert!(err.is_rate_limited());
        assert!(err.is_retryable());
        assert_eq!(err.message(), Some("Rate limit exceeded"));
        let other = Error::GraphQl {
            message: "Unknown argument \"first\"".into(),
            errors: vec![json!({"message": "Unknown argument \"first\""})],
            data: Some(Box::new(json!({"viewer": null}))),
        };
        assert_eq!(other.partial_data(), Some(&json!({"viewer": null})));
        assert!(!other.is_rate_limited() && !other.is_retryable());
        assert!(tray(429, "slow down", None).is_rate_limited());
    }

    #[test]
    fn error_is_send_sync_static() {
        fn assert<T: Send + Sync + 'static + std::error::Error>() {}
        assert::<Error>();
    }

    #[test]
    fn retryable_classification() {
        assert!(tray(429, "slow down", None).is_retryable());
        assert!(tray(503, "down", None).is_retryable());
        assert!(!tray(400, "bad", None).is_retryable());
        assert!(!Error::config("x").is_retryable());
    }

    #[test]
    fn long_server_text_is_cut_in_display_and_kept_in_the_fields() {
        let long = format!("first line\n{}", "m".repeat(1_000_000));
        let mut err = tray(400, &long, Some(&"c".repeat(1_000)));
        let text = err.to_string();
        assert!(text.chars().count() < MESSAGE_CHARS + 100, "{text}");
        assert!(
            text.starts_with("Tray API error 400: first line mmm"),
            "{text}"
        );
        assert!(text.ends_with("…]"), "{text}");
        assert_eq!(err.message(), Some(long.as_str()));
        assert_eq!(err.code().map(str::len), Some(1_000));
        if let Error::Tray { body, .. } = &mut err {
            *body = "the whole body".into();
        }
        assert_eq!(err.body(), Some("the whole body"));

        let graphql = Error::GraphQl {
            message: long.clone(),
            errors: vec![json!({"message": long})],
            data: None,
        };
        assert!(graphql.to_string().chars().count() < MESSAGE_CHARS + 100);
        let decode = Error::Decode {
            what: "output of acme op".into(),
            path: "k".repeat(10_000),
            message: long.clone(),
            output: None,
            source: None,
        };
        let text = decode.to_string();
        assert!(
            text.chars().count() < MESSAGE_CHARS + EXCERPT_CHARS + 100,
            "{text}"
        );
        assert!(matches!(&decode, Error::Decode { message, .. } if *message == long));
    }

    #[test]
    fn subscription_failed_names_code_message_and_what_to_do() {
        let err = Error::SubscriptionFailed {
            id: "1a71daf1-0000-4000-8000-dbb4ab325a55".into(),
            code: "api_error".into(),
            message: "GoSquared answered 401".into(),
        };
        assert_eq!(
            err.to_string(),
            "Tray could not create subscription 1a71daf1-0000-4000-8000-dbb4ab325a55: \
             GoSquared answered 401 [code api_error]; it exists in state creation_failed and \
             delivers nothing, so delete it (Client::unsubscribe)"
        );
        assert_eq!(
            err.subscription_id(),
            Some("1a71daf1-0000-4000-8000-dbb4ab325a55")
        );
        assert_eq!(err.code(), Some("api_error"));
        assert_eq!(err.message(), Some("GoSquared answered 401"));
        assert!(!err.is_retryable());
        let bare = Error::SubscriptionFailed {
            id: "s1".into(),
            code: String::new(),
            message: String::new(),
        };
        assert!(
            bare.to_string()
                .starts_with("Tray could not create subscription s1: no reason given; it"),
            "{bare}"
        );
        assert_eq!(bare.code(), None);
    }

    #[test]
    fn list_too_large_says_what_and_which_bound() {
        let err = Error::ListTooLarge {
            what: "authentications",
            pages: 101,
            limit: "10000 items".into(),
        };
        assert_eq!(
            err.to_string(),
            "listing authentications stopped after 101 pages: more than 10000 items in all"
        );
        assert!(!err.is_retryable());
    }
}
