//! What an outside red team got through (issue 14), each pinned against a hostile server of raw
//! TCP (`support::DocsServer`: it answers whatever the test scripts and records every request
//! exactly as it arrived):
//!
//! 1. a proxy from the environment never sees a request to a loopback base or GraphQL URL;
//! 2. a listing whose pages never end is cut at a total of items and bytes, and a repeated
//!    cursor ends it;
//! 3. a 10 MB message is a short `Display`, and stays whole behind the accessors;
//! 4. a refused base URL never echoes its query, fragment or userinfo;
//! 6. IPv4 addresses written in a non-canonical form (`2130706433`, `0x7f.1`) are refused;
//!
//! and, from issue 13, a connect error names the host and port it could not reach.
//!
//! Figures are printed (run one test alone with `--exact --nocapture` for a clean reading of
//! the process's memory); `docs/reliability.md` records them.

mod support;

use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::docs_server::{Answer, DocsServer, Received};
use tray_connect::{Client, Error, Operation, RetryPolicy};

const TOKEN: &str = "tok-hardening-0123456789-SECRET";

fn client_of(base_url: &str) -> Client {
    Client::builder()
        .token(TOKEN)
        .base_url(base_url)
        .retry(RetryPolicy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .expect("a loopback base URL is accepted")
}

/// `VmHWM` (peak resident set) of this process, in kB.
fn peak_rss_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

// ----- 1. proxies -----

/// Set in the child process the proxy test starts with proxies in its environment.
const PROXY_CHILD: &str = "TRAY_CONNECT_TEST_PROXY_CHILD";

/// The child's half: runs under `HTTP_PROXY`/`HTTPS_PROXY`/`ALL_PROXY` pointing at the hostile
/// proxy. Each request says by its answer whether it went direct (`"direct"`) or through the
/// proxy (`"proxy"`).
async fn proxy_child(server: &str) {
    let listed = |connectors: Vec<tray_connect::Connector>| connectors[0].name.clone();
    let gql = r#"query { viewer { id } }"#;

    // A loopback base URL, and its GraphQL URL: both direct.
    let loopback = client_of(server);
    let via = listed(loopback.list_connectors().await.expect("loopback list"));
    assert_eq!(
        via, "direct",
        "the loopback base URL went through the proxy"
    );
    let data = loopback
        .graphql(gql, json!({}))
        .await
        .expect("loopback graphql");
    assert_eq!(
        data["via"], "direct",
        "the loopback GraphQL URL went through the proxy"
    );

    // `localhost` is loopback too.
    let port = server.rsplit(':').next().unwrap();
    let localhost = client_of(&format!("http://localhost:{port}"));
    let via = listed(localhost.list_connectors().await.expect("localhost list"));
    assert_eq!(via, "direct", "http://localhost went through the proxy");

    // A remote base URL still uses the environment's proxy; its loopback GraphQL URL does not.
    let mixed = Client::builder()
        .token(TOKEN)
        .base_url("http://tray.invalid")
        .allow_insecure_http(true)
        .graphql_url(format!("{server}/graphql"))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let via = listed(
        mixed
            .list_connectors()
            .await
            .expect("remote list through the proxy"),
    );
    assert_eq!(
        via, "proxy",
        "a remote base URL no longer uses the system proxy"
    );
    let data = mixed.graphql(gql, json!({})).await.expect("mixed graphql");
    assert_eq!(
        data["via"], "direct",
        "a loopback GraphQL URL went through the proxy"
    );
}

fn answers_as(via: &'static str) -> impl Fn(&Received, usize) -> Answer + Send + Sync {
    move |request, _| {
        if request.path.ends_with("/graphql") {
            Answer::json(200, &json!({"data": {"via": via}}))
        } else {
            Answer::json(200, &json!({"elements": [{"name": via, "version": "1"}]}))
        }
    }
}

#[test]
fn a_proxy_in_the_environment_never_sees_loopback_requests() {
    if let Ok(server) = std::env::var(PROXY_CHILD) {
        tokio::runtime::Runtime::new()
            .unwrap()
            .block_on(proxy_child(&server));
        return;
    }
    let proxy = DocsServer::start(answers_as("proxy"));
    let server = DocsServer::start(answers_as("direct"));
    // reqwest reads the proxy variables when a client is built; the process environment
    // cannot be changed safely in a multi-threaded test, so a copy of this test binary runs
    // the client half with them set.
    let mut child = Command::new(std::env::current_exe().unwrap());
    child
        .args([
            "--exact",
            "a_proxy_in_the_environment_never_sees_loopback_requests",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(PROXY_CHILD, server.base_url());
    for variable in ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"] {
        child
            .env(variable, proxy.base_url())
            .env(variable.to_ascii_lowercase(), proxy.base_url());
    }
    for variable in ["NO_PROXY", "no_proxy", "REQUEST_METHOD"] {
        child.env_remove(variable);
    }
    let output = child.output().expect("the test binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "client half failed:\n{stdout}\n{stderr}"
    );
    let proxied: Vec<String> = proxy.received().into_iter().map(|r| r.path).collect();
    println!("requests the proxy saw: {proxied:?}");
    assert!(
        proxied
            .iter()
            .all(|p| p.starts_with("http://tray.invalid/")),
        "a loopback request reached the proxy: {proxied:?}"
    );
    assert_eq!(proxied.len(), 1, "{proxied:?}");
    for request in proxy.received() {
        assert_eq!(
            request.authorization.as_deref(),
            Some(format!("Bearer {TOKEN}").as_str()),
            "the remote request (allow_insecure_http) is the only one the proxy may see"
        );
    }
    assert_eq!(server.received().len(), 4, "direct requests");
}

// ----- 2. paging -----

/// One page of `viewer.authentications`: `count` nodes, each with `padding` bytes of custom
/// fields, and (when `more`) a next page behind `cursor`.
fn page(first_id: usize, count: usize, padding: usize, cursor: &str, more: bool) -> Value {
    let edges: Vec<Value> = (first_id..first_id + count)
        .map(|i| {
            json!({"node": {"id": format!("auth-{i}"), "name": "n",
                            "customFields": {"pad": "x".repeat(padding)}}})
        })
        .collect();
    json!({"data": {"viewer": {"authentications": {
        "edges": edges,
        "pageInfo": {"hasNextPage": more, "hasPreviousPage": false, "endCursor": cursor}
    }}}})
}

/// Every request of `server` that asked for authentications.
fn pages_asked(server: &DocsServer) -> usize {
    server
        .received()
        .iter()
        .filter(|r| r.query().contains("authentications"))
        .count()
}

#[tokio::test]
async fn a_listing_whose_pages_never_end_stops_at_the_item_cap() {
    // Always a next page, always a fresh cursor: 100 small authentications a page. (The
    // server gives up after 150 pages, so that a client without the cap ends too.)
    let server = DocsServer::start(|_, index| {
        Answer::json(
            200,
            &page(index * 100, 100, 0, &format!("cursor-{index}"), index < 150),
        )
    });
    let started = Instant::now();
    let result = client_of(&server.base_url()).list_authentications().await;
    let asked = pages_asked(&server);
    println!(
        "item cap: {asked} pages asked in {:?}: {:?}",
        started.elapsed(),
        result.as_ref().map(Vec::len).map_err(ToString::to_string)
    );
    let err = result.expect_err("an endless listing is an error, not 1,000,000 items");
    assert!(matches!(err, Error::ListTooLarge { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        "listing authentications stopped after 101 pages: more than 10000 items in all"
    );
    assert_eq!(asked, 101, "10,000 items is 100 pages; the 101st goes over");
}

#[tokio::test]
async fn a_listing_whose_pages_never_end_stops_at_the_byte_cap() {
    // The red team's server: ~2 MB pages (100 authentications of 20 kB). It gives up after
    // 40 pages (80 MB), so that a client without the cap (which grew past 1 GB) ends too.
    let server = DocsServer::start(|_, index| {
        Answer::json(
            200,
            &page(
                index * 100,
                100,
                20_000,
                &format!("cursor-{index}"),
                index < 40,
            ),
        )
    });
    let before = peak_rss_kb();
    let started = Instant::now();
    let result = client_of(&server.base_url()).list_authentications().await;
    let elapsed = started.elapsed();
    let asked = pages_asked(&server);
    let grown_mb = peak_rss_kb().saturating_sub(before) / 1024;
    println!(
        "byte cap (64 MiB default): {asked} pages of ~2 MB asked in {elapsed:?}; \
         VmHWM grew by {grown_mb} MB (process: client and server)"
    );
    let err = result.expect_err("over 64 MiB in all is an error");
    assert!(matches!(err, Error::ListTooLarge { .. }), "{err}");
    assert!(
        err.to_string().contains("more than 67108864 bytes in all"),
        "{err}"
    );
    // 64 MiB of ~2 MB pages: 32 pages fit, the 33rd is cut off while it is read.
    assert!((32..=34).contains(&asked), "{asked} pages");
    // Memory: 64 MiB of pages read, one page's JSON alive at a time, and the server's
    // own copy of a page. Generous margin: without the cap this grew past 1 GB.
    assert!(grown_mb < 400, "VmHWM grew by {grown_mb} MB");
}

#[tokio::test]
async fn a_repeated_cursor_ends_the_listing() {
    // Cursors cycle a → b → a → b ...: the third page repeats the first one's cursor.
    let server = DocsServer::start(|_, index| {
        let cursor = if index % 2 == 0 { "a" } else { "b" };
        Answer::json(200, &page(index * 2, 2, 0, cursor, index < 50))
    });
    let listed = client_of(&server.base_url())
        .list_authentications()
        .await
        .expect("a cycle ends the listing with what was read");
    assert_eq!(pages_asked(&server), 3, "page 3 gave back cursor `a` again");
    let ids: Vec<&str> = listed.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(
        ids,
        ["auth-0", "auth-1", "auth-2", "auth-3", "auth-4", "auth-5"]
    );
}

// ----- 3. long messages -----

const TEN_MB: usize = 10 * 1024 * 1024;

/// A `Display` a person can read: one line, and short.
fn assert_readable(err: &Error) {
    let text = err.to_string();
    println!(
        "{} chars: {}",
        text.chars().count(),
        &text[..text.len().min(120)]
    );
    assert!(!text.contains('\n'), "multi-line");
    assert!(
        text.chars().count() <= 600,
        "{} chars: {}…",
        text.chars().count(),
        &text[..200]
    );
    assert!(text.contains('…'), "a cut is marked: {text}");
}

#[tokio::test]
async fn a_ten_megabyte_tray_message_is_cut_in_display_and_whole_in_message() {
    let long = format!("Connector input validation failed. {}", "y".repeat(TEN_MB));
    let body = json!({"message": long, "code": "C".repeat(TEN_MB)});
    let server = DocsServer::start(move |_, _| Answer::json(400, &body));
    let err = client_of(&server.base_url())
        .call_raw("acme", "1.0", "op", "", json!({}))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert_readable(&err);
    assert!(
        err.to_string()
            .starts_with("Tray API error 400: Connector input validation failed. yyy")
    );
    assert_eq!(
        err.message().map(str::len),
        Some(long.len()),
        "message() is whole"
    );
    assert_eq!(err.code().map(str::len), Some(TEN_MB), "code() is whole");
    let body = err.body().expect("the body is kept");
    assert!(body.len() > 2 * TEN_MB, "body() is the whole body");
}

#[tokio::test]
async fn a_ten_megabyte_non_json_error_body_is_kept_whole_behind_body() {
    let page = format!("<html><title>{}</title></html>", "t".repeat(TEN_MB));
    let kept = page.clone();
    let server = DocsServer::start(move |_, _| Answer::text(502, "text/html", &page));
    let err = client_of(&server.base_url())
        .call_raw("acme", "1.0", "op", "", json!({}))
        .await
        .unwrap_err();
    assert_readable(&err);
    assert_eq!(err.body(), Some(kept.as_str()));
}

#[tokio::test]
async fn a_ten_megabyte_connector_message_is_cut_in_display_and_whole_in_output() {
    let long = "z".repeat(TEN_MB);
    let body = json!({"outcome": "error", "output": {"message": long,
                      "response": {"statusCode": 418}}});
    let server = DocsServer::start(move |_, _| Answer::json(200, &body));
    let err = client_of(&server.base_url())
        .call_raw("acme", "1.0", "op", "", json!({}))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Connector { .. }), "{err}");
    assert_readable(&err);
    assert!(
        err.to_string().ends_with(" (third-party HTTP 418)"),
        "the status stays"
    );
    assert_eq!(err.message().map(str::len), Some(TEN_MB));
    assert_eq!(
        err.output().unwrap()["message"].as_str().map(str::len),
        Some(TEN_MB)
    );
}

#[tokio::test]
async fn a_ten_megabyte_graphql_message_is_cut_in_display() {
    let long = "g".repeat(TEN_MB);
    let body = json!({"data": null, "errors": [{"message": long}]});
    let server = DocsServer::start(move |_, _| Answer::json(200, &body));
    let err = client_of(&server.base_url())
        .graphql("query { viewer { id } }", json!({}))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::GraphQl { .. }), "{err}");
    assert_readable(&err);
    assert_eq!(err.message().map(str::len), Some(TEN_MB));
}

#[derive(serde::Serialize)]
struct Count;

#[derive(Debug, serde::Deserialize)]
struct CountOutput {
    #[allow(dead_code)]
    count: i64,
}

impl Operation for Count {
    type Output = CountOutput;
    const CONNECTOR: &'static str = "acme";
    const VERSION: &'static str = "1.0";
    const NAME: &'static str = "count";
}

#[tokio::test]
async fn a_ten_megabyte_value_in_a_decode_error_is_cut_in_display() {
    // serde quotes the offending string: `invalid type: string "ccc…", expected i64`.
    let long = "c".repeat(TEN_MB);
    let body = json!({"outcome": "success", "output": {"count": long}});
    let server = DocsServer::start(move |_, _| Answer::json(200, &body));
    let err = client_of(&server.base_url())
        .call("", Count)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err}");
    assert_readable(&err);
    assert_eq!(
        err.output().unwrap()["count"].as_str().map(str::len),
        Some(TEN_MB)
    );
}

// ----- 4. secrets in URLs -----

#[test]
fn a_refused_base_url_never_echoes_its_query_fragment_or_userinfo() {
    for url in [
        "http://h.example/?api_key=SECRET",
        "http://h.example/path?api_key=SECRET#SECRET",
        "http://h.example/#SECRET",
        "https://h.example/?api_key=SECRET",
        "https://h.example/#SECRET",
        "http://user:SECRET@h.example/",
        "https://SECRET@h.example/",
        "http://user:SECRET@127.0.0.1/",
        "ftp://user:SECRET@h.example/?SECRET",
        "http://h.example:99999/?SECRET",
    ] {
        for builder in [
            Client::builder().token(TOKEN).base_url(url),
            Client::builder().token(TOKEN).graphql_url(url),
        ] {
            let err = builder.build().unwrap_err();
            assert!(matches!(err, Error::Config { .. }), "{url}: {err}");
            let text = format!("{err} {err:?}");
            assert!(!text.contains("SECRET"), "{url} echoed: {text}");
            assert!(!text.contains("api_key"), "{url} echoed: {text}");
        }
    }
    // The host is still named, so the message says which URL is wrong.
    let err = Client::builder()
        .token(TOKEN)
        .base_url("http://h.example/?api_key=SECRET")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("http://h.example"), "{err}");
}

// ----- 6. loopback literals -----

#[test]
fn ipv4_addresses_in_non_canonical_forms_are_refused() {
    for url in [
        "http://2130706433",
        "http://0x7f.1",
        "http://0x7f000001:8080",
        "http://127.1",
        "http://127.0.1",
        "http://0177.0.0.1",
        "http://127.000.000.001",
        "http://127.0.0.1.",
        "http://%31%32%37.0.0.1",
        "http://\u{ff11}\u{ff12}\u{ff17}.0.0.1",
        "https://2130706433",
        "https://0x0a.0.0.1",
        "http:127.0.0.1",
        "http:\\\\127.0.0.1",
    ] {
        for builder in [
            Client::builder().token(TOKEN).base_url(url),
            Client::builder().token(TOKEN).graphql_url(url),
        ] {
            let err = builder.allow_insecure_http(true).build().unwrap_err();
            assert!(
                err.to_string().contains("non-canonical"),
                "{url} was accepted or refused for another reason: {err}"
            );
        }
    }
    for url in [
        "http://127.0.0.1",
        "http://127.0.0.1:8080/",
        "http://127.9.9.9",
        "http://[::1]:9000",
        "http://localhost:3000",
        "https://10.0.0.1",
        "https://api.tray.io",
    ] {
        let client = Client::builder().token(TOKEN).base_url(url).build();
        assert!(client.is_ok(), "{url}: {:?}", client.err());
    }
}

// ----- issue 13: connect errors name the host -----

/// A port nothing listens on: bound, then closed.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[tokio::test]
async fn a_connect_error_names_the_host_and_port() {
    let port = closed_port();
    for (base, host) in [
        (
            format!("http://127.0.0.1:{port}"),
            format!("127.0.0.1:{port}"),
        ),
        (
            format!("http://localhost:{port}/prefix"),
            format!("localhost:{port}"),
        ),
        (format!("http://[::1]:{port}"), format!("[::1]:{port}")),
    ] {
        let err = client_of(&base).list_connectors().await.unwrap_err();
        assert!(
            matches!(err, Error::Transport { connect: true, .. }),
            "{base}: {err}"
        );
        let text = err.to_string();
        println!("{text}");
        assert!(
            text.starts_with(&format!("could not connect to {host} (GET ")),
            "{text}"
        );
        assert!(!text.contains(TOKEN), "{text}");
    }
}
