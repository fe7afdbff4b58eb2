//! What an [`Error`] carries, read without matching on its variants.

use serde_json::Value;

use super::Error;
use super::display::third_party_status_of;

impl Error {
    /// The HTTP status of a [`Error::Tray`] error.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Tray { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Tray's `message` ([`Error::Tray`]) or the connector's `output.message`
    /// ([`Error::Connector`]).
    pub fn message(&self) -> Option<&str> {
        match self {
            Error::Tray { message, .. } => Some(message),
            Error::Connector { output } => output.get("message").and_then(Value::as_str),
            Error::GraphQl { message, .. } => Some(message),
            Error::SubscriptionFailed { message, .. } => Some(message),
            _ => None,
        }
    }

    /// The id of the subscription an [`Error::SubscriptionFailed`] left at Tray.
    pub fn subscription_id(&self) -> Option<&str> {
        match self {
            Error::SubscriptionFailed { id, .. } => Some(id),
            _ => None,
        }
    }

    /// The whole body of a [`Error::Tray`] answer, as text (the `Display` quotes only an
    /// excerpt of its message). Empty when the body could not be read.
    pub fn body(&self) -> Option<&str> {
        match self {
            Error::Tray { body, .. } => Some(body),
            _ => None,
        }
    }

    /// Whether Tray refused the request for its rate limit: HTTP 429, or a GraphQL answer whose
    /// error reads "Rate limit exceeded".
    pub fn is_rate_limited(&self) -> bool {
        match self {
            Error::Tray { status, .. } => *status == 429,
            Error::GraphQl { errors, .. } => errors.iter().any(|e| {
                e.get("message")
                    .and_then(Value::as_str)
                    .is_some_and(|m| m.to_ascii_lowercase().contains("rate limit"))
            }),
            _ => false,
        }
    }

    /// Tray's error `code`, when it sent one: of an HTTP error ([`Error::Tray`]), or the
    /// `error.code` of a subscription that could not be created ([`Error::SubscriptionFailed`]).
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Tray { code, .. } => code.as_deref(),
            Error::SubscriptionFailed { code, .. } => Some(code.as_str()).filter(|c| !c.is_empty()),
            _ => None,
        }
    }

    /// The third party's HTTP status (`output.response.statusCode`) of an [`Error::Connector`].
    pub fn third_party_status(&self) -> Option<u16> {
        match self {
            Error::Connector { output } => third_party_status_of(output),
            _ => None,
        }
    }

    /// The whole `output` of a call: the failure of an [`Error::Connector`], or the result an
    /// [`Error::Decode`] could not type.
    pub fn output(&self) -> Option<&Value> {
        match self {
            Error::Connector { output } => Some(output),
            Error::Decode { output, .. } => output.as_deref(),
            _ => None,
        }
    }

    /// The partial `data` a GraphQL answer carried along with its `errors`
    /// ([`Error::GraphQl`]), so what did resolve is not lost.
    pub fn partial_data(&self) -> Option<&Value> {
        match self {
            Error::GraphQl { data, .. } => data.as_deref(),
            _ => None,
        }
    }

    /// Consumes the error, returning the call `output` it carried, if any.
    pub fn into_output(self) -> Option<Value> {
        match self {
            Error::Connector { output } => Some(output),
            Error::Decode { output, .. } => output.map(|o| *o),
            _ => None,
        }
    }

    /// Whether this is an [`Error::Timeout`].
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }

    /// Whether the failure looks transient: a 429, a 5xx, a timeout or a transport failure.
    ///
    /// Whether retrying is *safe* is another question: a call that timed out or got a 5xx
    /// may have run, and Tray has no idempotency keys.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Tray { status, .. } => *status == 429 || (500..600).contains(status),
            Error::Timeout { .. } | Error::Transport { .. } => true,
            Error::GraphQl { .. } => self.is_rate_limited(),
            _ => false,
        }
    }

    pub(crate) fn config(message: impl Into<String>) -> Error {
        Error::Config {
            message: message.into(),
        }
    }
}
