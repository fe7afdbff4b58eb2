//! How an [`Error`] renders: its `Debug`, and the pieces its `Display` is made of.

use std::fmt;
use std::time::Duration;

use serde_json::Value;

use super::{EXCERPT_CHARS, Error, MESSAGE_CHARS};
use crate::text::{excerpt, one_line};

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {self}", self.variant_name())?;
        let mut cause = std::error::Error::source(self);
        if cause.is_some() {
            f.write_str("\n\nCaused by:")?;
        }
        while let Some(error) = cause {
            write!(f, "\n    {}", one_line(&error.to_string()))?;
            cause = error.source();
        }
        Ok(())
    }
}

impl Error {
    /// The variant's name, for `Debug`.
    fn variant_name(&self) -> &'static str {
        match self {
            Error::Tray { .. } => "Tray",
            Error::Connector { .. } => "Connector",
            Error::Timeout { .. } => "Timeout",
            Error::Transport { .. } => "Transport",
            Error::Decode { .. } => "Decode",
            Error::ResponseTooLarge { .. } => "ResponseTooLarge",
            Error::Encode { .. } => "Encode",
            Error::GraphQl { .. } => "GraphQl",
            Error::ListTooLarge { .. } => "ListTooLarge",
            Error::PageLoop { .. } => "PageLoop",
            Error::Paging { .. } => "Paging",
            Error::SubscriptionFailed { .. } => "SubscriptionFailed",
            Error::Config { .. } => "Config",
        }
    }
}

pub(super) fn code_suffix(code: &Option<String>) -> String {
    match code {
        Some(code) => format!(" [code {}]", excerpt(code, 60)),
        None => String::new(),
    }
}

/// `message [code c]`, with words for what Tray left out.
pub(super) fn failure_reason(message: &str, code: &str) -> String {
    let mut text = match message.trim() {
        "" => "no reason given".to_owned(),
        message => excerpt(message, MESSAGE_CHARS),
    };
    if !code.is_empty() {
        text.push_str(&format!(" [code {}]", excerpt(code, 60)));
    }
    text
}

pub(super) fn more_errors(errors: &[Value]) -> String {
    match errors.len() {
        0 | 1 => String::new(),
        n => format!(" (and {} more)", n - 1),
    }
}

pub(super) fn seconds(d: &Duration) -> String {
    // `150` for whole seconds, `0.25` for the short timeouts tests use.
    let secs = d.as_secs_f64();
    if d.subsec_nanos() == 0 {
        d.as_secs().to_string()
    } else {
        format!("{}", (secs * 1000.0).round() / 1000.0)
    }
}

pub(super) fn third_party_status_of(output: &Value) -> Option<u16> {
    let code = output.get("response")?.get("statusCode")?;
    match code {
        Value::Number(n) => n.as_u64().and_then(|n| u16::try_from(n).ok()),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

pub(super) fn connector_summary(output: &Value) -> String {
    let mut text = match output.get("message").and_then(Value::as_str) {
        Some(message) => excerpt(message, MESSAGE_CHARS),
        None => excerpt(&output.to_string(), EXCERPT_CHARS),
    };
    if let Some(status) = third_party_status_of(output) {
        text.push_str(&format!(" (third-party HTTP {status})"));
    }
    text
}
