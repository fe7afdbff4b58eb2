//! Base and GraphQL URLs assembled from hostile parts (hosts written every way the URL standard
//! reads as loopback, and any text) → `ClientBuilder::build`.
//!
//! Invariants (issue 14, items 1, 4 and 6): no panic; a refused URL's error, `Display` or
//! `Debug`, never shows its userinfo, query or fragment (they carry a marker here); an accepted
//! URL keeps none of them; an accepted `http://` URL without `allow_insecure_http` is on a
//! loopback host, written the canonical way when it is an IPv4 address.
#![no_main]

use std::net::IpAddr;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use tray_connect::Client;

const MARK: &str = "SECRETMARK";

const HOSTS: &[&str] = &[
    "127.0.0.1",
    "127.9.9.9",
    "2130706433",
    "0x7f.1",
    "0x7f000001",
    "127.1",
    "0177.0.0.1",
    "127.0.0.1.",
    "%31%32%37.0.0.1",
    "\u{ff11}\u{ff12}\u{ff17}.0.0.1",
    "localhost",
    "LOCALHOST",
    "localhost.",
    "localhost.evil.example",
    "[::1]",
    "[0:0:0:0:0:0:0:1]",
    "[::ffff:127.0.0.1]",
    "[::2]",
    "0.0.0.0",
    "0",
    "api.tray.io",
    "h.example",
    "10.0.0.1",
    "",
];

#[derive(Arbitrary, Debug)]
struct Parts {
    scheme: u8,
    slashes: u8,
    host: u8,
    own_host: String,
    port: Option<u16>,
    path: String,
    user: Option<String>,
    password: Option<String>,
    query: Option<String>,
    fragment: Option<String>,
    graphql: bool,
    allow_insecure_http: bool,
}

impl Parts {
    fn url(&self) -> String {
        let scheme = ["http", "https", "HTTP", "ftp", "file", ""][self.scheme as usize % 6];
        let slashes = ["://", ":", ":\\\\", ":/", ":///"][self.slashes as usize % 5];
        let host = match HOSTS.get(self.host as usize) {
            Some(host) => (*host).to_owned(),
            None => self.own_host.replace(MARK, ""),
        };
        // The marked parts keep out the characters that would end them, so that the parser
        // reads them as userinfo, query and fragment (a `/` in the user name would make the
        // rest a path, which an accepted URL keeps, rightly).
        let clean = |part: &str, ends: &[char]| part.replace(MARK, "").replace(ends, "");
        let mut url = format!("{scheme}{slashes}");
        if let Some(user) = &self.user {
            let user = clean(user, &['/', '\\', '?', '#', '@', ':']);
            url.push_str(&format!("{MARK}{user}"));
            if let Some(password) = &self.password {
                let password = clean(password, &['/', '\\', '?', '#', '@']);
                url.push_str(&format!(":{MARK}{password}"));
            }
            url.push('@');
        }
        url.push_str(&host);
        if let Some(port) = self.port {
            url.push_str(&format!(":{port}"));
        }
        url.push_str(&self.path.replace(MARK, "").replace(['?', '#', '@'], ""));
        if let Some(query) = &self.query {
            url.push_str(&format!("?{MARK}{}", clean(query, &['#'])));
        }
        if let Some(fragment) = &self.fragment {
            url.push_str(&format!("#{MARK}{}", clean(fragment, &[])));
        }
        url
    }
}

fn is_loopback(url: &url::Url) -> bool {
    let host = url.host_str().unwrap_or_default();
    let host = host.trim_start_matches('[').trim_end_matches(']');
    match host.parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    }
}

fuzz_target!(|parts: Parts| {
    let url = parts.url();
    let builder = Client::builder()
        .token("fuzz-token")
        .allow_insecure_http(parts.allow_insecure_http);
    let builder = if parts.graphql {
        builder.graphql_url(&url)
    } else {
        builder.base_url(&url)
    };
    match builder.build() {
        Err(error) => {
            let text = format!("{error} {error:?}");
            assert!(!text.contains(MARK), "{url:?} echoed: {text}");
        }
        Ok(client) => {
            let accepted = if parts.graphql {
                client.graphql_url()
            } else {
                client.base_url()
            };
            assert!(
                !accepted.contains(MARK),
                "{url:?} kept a secret part: {accepted}"
            );
            let parsed = url::Url::parse(accepted).expect("an accepted URL parses");
            if parsed.scheme() == "http" && !parts.allow_insecure_http {
                assert!(is_loopback(&parsed), "{url:?} accepted as {accepted}");
            }
        }
    }
});
