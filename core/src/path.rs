//! Building request URLs safely: the base URL check and path segments from user data.

use std::net::IpAddr;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::Error;

/// Everything but RFC 3986's unreserved characters is encoded, so a segment can never add
/// a `/`, a query or a fragment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes `value` as one path segment, refusing values that would change the path's
/// meaning however they are encoded (`.` and `..` are normalised away even as `%2E`).
pub(crate) fn segment(what: &str, value: &str) -> Result<String, Error> {
    if value.is_empty() {
        return Err(Error::config(format!("{what} is empty")));
    }
    if value == "." || value == ".." {
        return Err(Error::config(format!("{what} must not be `{value}`")));
    }
    if value.chars().any(char::is_control) {
        return Err(Error::config(format!(
            "{what} contains a control character"
        )));
    }
    Ok(utf8_percent_encode(value, SEGMENT).to_string())
}

/// Checks a base URL and returns it without a trailing slash.
///
/// Only `http` and `https` are accepted; `http` only for loopback hosts unless
/// `allow_insecure_http`, since the token would travel in clear. Credentials, queries and
/// fragments are refused: they would end up in every request and in error messages.
pub(crate) fn check_base_url(url: &str, allow_insecure_http: bool) -> Result<String, Error> {
    // The input is not echoed back: it may hold credentials.
    let parsed = reqwest::Url::parse(url.trim())
        .map_err(|e| Error::config(format!("base URL does not parse: {e}")))?;
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(Error::config(
            "base URL must not contain credentials; use the token",
        ));
    }
    match parsed.scheme() {
        "https" => {}
        "http" => {
            if !allow_insecure_http && !is_loopback(&parsed) {
                return Err(Error::config(format!(
                    "base URL `{parsed}` uses http:// for a non-loopback host, which would send \
                     the token unencrypted; use https:// or allow_insecure_http(true)"
                )));
            }
        }
        other => {
            return Err(Error::config(format!(
                "base URL scheme must be http or https, not `{other}`"
            )));
        }
    }
    if parsed.host().is_none() {
        return Err(Error::config("base URL has no host"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(Error::config(
            "base URL must not have a query or a fragment",
        ));
    }
    Ok(parsed.as_str().trim_end_matches('/').to_owned())
}

pub(crate) fn is_loopback(url: &reqwest::Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    match host.parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_pass_unchanged() {
        assert_eq!(segment("name", "twilio-output").unwrap(), "twilio-output");
        assert_eq!(segment("version", "2.1").unwrap(), "2.1");
        assert_eq!(segment("name", "a_b~c").unwrap(), "a_b~c");
    }

    #[test]
    fn reserved_characters_are_encoded_into_one_segment() {
        assert_eq!(segment("name", "a/b").unwrap(), "a%2Fb");
        assert_eq!(segment("name", "a?b#c").unwrap(), "a%3Fb%23c");
        assert_eq!(segment("name", "100%").unwrap(), "100%25");
        assert_eq!(segment("name", "a b").unwrap(), "a%20b");
        assert_eq!(segment("name", "../x").unwrap(), "..%2Fx");
        assert_eq!(segment("name", "é").unwrap(), "%C3%A9");
    }

    #[test]
    fn empty_dot_dotdot_and_control_characters_are_refused() {
        for bad in [
            "",
            ".",
            "..",
            "a\nb",
            "a\u{0}b",
            "tab\t",
            "del\u{7f}",
            "c1\u{85}",
        ] {
            let err = segment("connector name", bad).unwrap_err();
            assert!(matches!(err, Error::Config { .. }), "{bad:?}: {err}");
            assert!(err.to_string().contains("connector name"), "{err}");
        }
        assert!(segment("name", "...").is_ok());
    }

    #[test]
    fn https_base_urls_are_accepted_without_trailing_slash() {
        assert_eq!(
            check_base_url("https://api.eu1.tray.io/", false).unwrap(),
            "https://api.eu1.tray.io"
        );
        assert_eq!(
            check_base_url("https://proxy.example/tray/", false).unwrap(),
            "https://proxy.example/tray"
        );
    }

    #[test]
    fn http_is_only_for_loopback_unless_allowed() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://127.9.9.9",
            "http://localhost:3000/",
            "http://LOCALHOST",
            "http://[::1]:9000",
        ] {
            assert!(check_base_url(ok, false).is_ok(), "{ok}");
        }
        for refused in [
            "http://api.tray.io",
            "http://10.0.0.1",
            "http://localhost.evil.com",
            "http://[::2]",
        ] {
            let err = check_base_url(refused, false).unwrap_err();
            assert!(err.to_string().contains("allow_insecure_http"), "{err}");
            assert!(check_base_url(refused, true).is_ok(), "{refused}");
        }
    }

    #[test]
    fn other_schemes_garbage_credentials_and_queries_are_refused() {
        for bad in [
            "ftp://api.tray.io",
            "file:///etc/passwd",
            "not a url",
            "",
            "https://user:pw@api.tray.io",
            "https://api.tray.io/?x=1",
            "https://api.tray.io/#frag",
        ] {
            let err = check_base_url(bad, true).unwrap_err();
            assert!(matches!(err, Error::Config { .. }), "{bad}");
        }
        // Credentials are never echoed back.
        let err = check_base_url("https://user:hunter2@api.tray.io", true).unwrap_err();
        assert!(!err.to_string().contains("hunter2"));
    }
}
