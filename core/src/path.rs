//! Building request URLs safely: the base URL check and path segments from user data.

use std::net::{IpAddr, Ipv4Addr};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, PercentEncode, utf8_percent_encode};

use crate::Error;

/// Everything but RFC 3986's unreserved characters is encoded, so a segment can never add
/// a `/`, a query or a fragment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes `value` as one path segment (written where it is formatted, with no string
/// of its own), refusing values that would change the path's meaning however they are encoded
/// (`.` and `..` are normalised away even as `%2E`).
pub(crate) fn segment<'a>(what: &str, value: &'a str) -> Result<PercentEncode<'a>, Error> {
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
    Ok(utf8_percent_encode(value, SEGMENT))
}

/// Checks a base URL and returns it without a trailing slash.
///
/// Only `http` and `https` are accepted; `http` only for loopback hosts unless
/// `allow_insecure_http`, since the token would travel in clear. Credentials, queries and
/// fragments are refused: they would end up in every request and in error messages. An IPv4
/// address must be written the usual way (`127.0.0.1`): the URL standard also reads
/// `2130706433`, `0x7f.1` or `127.1` as `127.0.0.1`, which hides what a URL points at.
///
/// Messages name the URL by its origin (`http://host:port`) only, never echoing its
/// userinfo, path, query or fragment, any of which may hold a secret.
pub(crate) fn check_base_url(url: &str, allow_insecure_http: bool) -> Result<String, Error> {
    let written = url.trim();
    let parsed = reqwest::Url::parse(written)
        .map_err(|e| Error::config(format!("base URL does not parse: {e}")))?;
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(Error::config(
            "base URL must not contain credentials; use the token",
        ));
    }
    let scheme = parsed.scheme();
    if scheme != "http" && scheme != "https" {
        return Err(Error::config(format!(
            "base URL scheme must be http or https, not `{}`",
            crate::text::excerpt(scheme, 20)
        )));
    }
    let Some(host) = parsed.host_str() else {
        return Err(Error::config("base URL has no host"));
    };
    // The parser gives IPv4 hosts in their canonical form, whatever form the text used.
    if let Ok(address) = host.parse::<Ipv4Addr>()
        && written_host(written) != Some(host)
    {
        return Err(Error::config(format!(
            "base URL writes the IPv4 address {address} in a non-canonical form (a single \
             number, hexadecimal or octal parts, fewer than four parts, a trailing dot, ...); \
             write it as {scheme}://{address}"
        )));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(Error::config(format!(
            "base URL {} must not have a query or a fragment",
            origin(&parsed)
        )));
    }
    if scheme == "http" && !allow_insecure_http && !is_loopback(&parsed) {
        return Err(Error::config(format!(
            "base URL {} uses http:// for a non-loopback host, which would send the token \
             unencrypted; use https:// or allow_insecure_http(true)",
            origin(&parsed)
        )));
    }
    Ok(parsed.as_str().trim_end_matches('/').to_owned())
}

/// The host of `url` as its text writes it (between `://` and the port, path, query or
/// fragment, after any userinfo), or `None` when the text does not have that shape.
fn written_host(url: &str) -> Option<&str> {
    let (_, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '\\', '?', '#']).next()?;
    let host_and_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    host_and_port.split(':').next()
}

/// `scheme://host[:port]` of `url`: what a message may show of it.
fn origin(url: &reqwest::Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("{}://{host}:{port}", url.scheme()),
        None => format!("{}://{host}", url.scheme()),
    }
}

/// `host:port` of `url` (the scheme's port when none is given), for messages: never its
/// userinfo, path or query.
pub(crate) fn host_port(url: &reqwest::Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port_or_known_default() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    }
}

/// Whether `url` points at this machine: an address in `127.0.0.0/8`, `[::1]`, or `localhost`.
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
        assert_eq!(
            segment("name", "twilio-output").unwrap().to_string(),
            "twilio-output"
        );
        assert_eq!(segment("version", "2.1").unwrap().to_string(), "2.1");
        assert_eq!(segment("name", "a_b~c").unwrap().to_string(), "a_b~c");
    }

    #[test]
    fn reserved_characters_are_encoded_into_one_segment() {
        assert_eq!(segment("name", "a/b").unwrap().to_string(), "a%2Fb");
        assert_eq!(segment("name", "a?b#c").unwrap().to_string(), "a%3Fb%23c");
        assert_eq!(segment("name", "100%").unwrap().to_string(), "100%25");
        assert_eq!(segment("name", "a b").unwrap().to_string(), "a%20b");
        assert_eq!(segment("name", "../x").unwrap().to_string(), "..%2Fx");
        assert_eq!(segment("name", "é").unwrap().to_string(), "%C3%A9");
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

    #[test]
    fn the_written_host_is_read_between_scheme_and_port() {
        assert_eq!(written_host("http://127.0.0.1:80/x"), Some("127.0.0.1"));
        assert_eq!(written_host("http://u:p@0x7f.1/?q"), Some("0x7f.1"));
        assert_eq!(written_host("https://h.example#f"), Some("h.example"));
        assert_eq!(written_host("http://a\\b"), Some("a"));
        assert_eq!(written_host("http:127.0.0.1"), None);
    }

    #[test]
    fn host_port_names_the_port_even_when_implied() {
        let url = |s: &str| reqwest::Url::parse(s).unwrap();
        assert_eq!(
            host_port(&url("https://api.tray.io/x?k=v")),
            "api.tray.io:443"
        );
        assert_eq!(host_port(&url("http://u:p@127.0.0.1:9/")), "127.0.0.1:9");
        assert_eq!(host_port(&url("http://[::1]:8080")), "[::1]:8080");
        assert_eq!(
            origin(&url("http://u:p@h.example:81/p?q#f")),
            "http://h.example:81"
        );
    }

    #[test]
    fn non_canonical_ipv4_is_refused_with_the_canonical_form() {
        let err = check_base_url("http://2130706433:8080", false).unwrap_err();
        assert!(
            err.to_string().contains("write it as http://127.0.0.1"),
            "{err}"
        );
        assert!(check_base_url("http://127.0.0.1:8080", false).is_ok());
    }
}
