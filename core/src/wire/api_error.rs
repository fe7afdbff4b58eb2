//! The [`Error::Tray`] of a non-2xx answer, whatever its body.

use std::time::Duration;

use serde_json::Value;

use super::decode_call;
use crate::Error;
use crate::error::EXCERPT_CHARS;
use crate::text::{excerpt, one_line};

/// The [`Error::Tray`] for a non-2xx answer. Tray's errors are `{"message", "code"?}`; any
/// other body (an HTML page from a proxy, say) is described in a short excerpt. The whole body
/// is kept in the error ([`Error::body`]).
pub fn api_error(
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
    retry_after: Option<Duration>,
) -> Error {
    let (message, code) = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => {
            let code = match map.get("code") {
                None | Some(Value::Null) => None,
                Some(Value::String(s)) => Some(one_line(s)),
                Some(other) => Some(excerpt(&other.to_string(), 60)),
            };
            let message = match map.get("message") {
                Some(Value::String(s)) => one_line(s),
                _ => excerpt(&Value::Object(map).to_string(), EXCERPT_CHARS),
            };
            (message, code)
        }
        Ok(other) => (excerpt(&other.to_string(), EXCERPT_CHARS), None),
        Err(_) => (describe_non_json(status, content_type, body), None),
    };
    Error::Tray {
        status,
        message,
        code,
        retry_after,
        body: String::from_utf8_lossy(body).into(),
    }
}

/// A Call Connector answer with its HTTP status, mapped the way the client maps it
/// (headers aside). For tests and tools that hold a recorded answer.
pub fn decode_call_response(status: u16, body: &[u8]) -> Result<Value, Error> {
    if (200..300).contains(&status) {
        decode_call(body)
    } else {
        Err(api_error(status, None, body, None))
    }
}

fn describe_non_json(status: u16, content_type: Option<&str>, body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    let reason = reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("unexpected status");
    if text.is_empty() {
        return format!("{reason} (empty body)");
    }
    let html = content_type.is_some_and(|ct| ct.to_ascii_lowercase().contains("html"))
        || text.starts_with('<');
    if html {
        if let Some(title) = html_title(text).filter(|t| !t.is_empty()) {
            return format!("{reason} (HTML page: {})", excerpt(&title, 120));
        }
        return format!("{reason} (HTML page: {})", excerpt(&strip_tags(text), 120));
    }
    format!("{reason} (non-JSON body: {})", excerpt(text, 120))
}

fn html_title(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let start = lower.find("<title")?;
    let open_end = start + lower[start..].find('>')? + 1;
    let close = open_end + lower[open_end..].find("</title")?;
    Some(one_line(&html[open_end..close]))
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    one_line(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tray_error_bodies() {
        let err = api_error(
            401,
            None,
            br#"{"message":"The request is unauthorized"}"#,
            None,
        );
        assert_eq!(
            err.to_string(),
            "Tray API error 401: The request is unauthorized"
        );
        let err = api_error(404, None, br#"{"message":"Not found","code":null}"#, None);
        assert_eq!(err.to_string(), "Tray API error 404: Not found");
        let err = api_error(400, None, br#"{"message":"Bad","code":"E1"}"#, None);
        assert_eq!(err.to_string(), "Tray API error 400: Bad [code E1]");
        let err = api_error(500, None, br#"{"message":"Bad","code":7}"#, None);
        assert_eq!(err.code(), Some("7"));
        let err = api_error(418, None, br#"{"error":"teapot"}"#, None);
        assert_eq!(err.to_string(), r#"Tray API error 418: {"error":"teapot"}"#);
    }

    #[test]
    fn html_error_pages_give_a_short_useful_message() {
        let page = b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>";
        let err = api_error(502, Some("text/html"), page, None);
        assert_eq!(
            err.to_string(),
            "Tray API error 502: Bad Gateway (HTML page: 502 Bad Gateway)"
        );
        let untitled = format!("<html><body><p>{}</p></body></html>", "down ".repeat(100));
        let err = api_error(503, None, untitled.as_bytes(), None);
        let text = err.to_string();
        assert!(
            text.starts_with("Tray API error 503: Service Unavailable (HTML page: down down"),
            "{text}"
        );
        assert!(text.len() < 250, "{text}");
        let err = api_error(500, Some("text/plain"), b"oops\n", None);
        assert_eq!(
            err.to_string(),
            "Tray API error 500: Internal Server Error (non-JSON body: oops)"
        );
        let err = api_error(429, None, b"", Some(Duration::from_secs(2)));
        assert_eq!(
            err.to_string(),
            "Tray API error 429: Too Many Requests (empty body)"
        );
        let err = api_error(500, None, &[0xff, 0xfe, b'x'], None);
        assert!(err.to_string().starts_with("Tray API error 500: "));
    }
}
