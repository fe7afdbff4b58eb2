//! The emulator against hostile clients of raw TCP (issue 14, item 5; issue 22, item 10): a
//! request without a valid token is refused before its body is read, a client that never
//! finishes its headers is dropped after the header read timeout, one with a valid token that
//! stalls mid-body is answered 408 and dropped after the body read timeout, and a thousand
//! clients connecting at once all wait in the listen backlog instead of being refused.
//!
//! Figures are printed (run one test alone with `--exact --nocapture` for a clean reading of
//! the process's memory); `docs/reliability.md` records them.

mod support;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use support::{TOKEN, samples, with_sample};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tray_connect_emulator::Emulator;

/// The status line of whatever `stream` answers within `guard`, or why there is none.
fn status_line(stream: &mut TcpStream, guard: Duration) -> Result<String, String> {
    stream.set_read_timeout(Some(guard)).unwrap();
    let mut answer = Vec::new();
    let mut buf = [0u8; 1024];
    while !answer.windows(2).any(|w| w == b"\r\n") {
        match stream.read(&mut buf) {
            Ok(0) => return Err(format!("closed after {} bytes", answer.len())),
            Ok(n) => answer.extend_from_slice(&buf[..n]),
            Err(e) => return Err(format!("no answer within {guard:?}: {e}")),
        }
    }
    let text = String::from_utf8_lossy(&answer);
    Ok(text.lines().next().unwrap_or_default().to_owned())
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

/// Open descriptors of this process.
fn open_descriptors() -> usize {
    std::fs::read_dir("/proc/self/fd").map_or(0, Iterator::count)
}

/// How many connections a test may hold open at once (each costs a descriptor here and one
/// in the emulator, which runs in this process): 2,000, or what a low `ulimit -n` allows.
fn connection_budget() -> usize {
    let limits = std::fs::read_to_string("/proc/self/limits").unwrap_or_default();
    let soft = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .and_then(|l| l.split_whitespace().nth(3))
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(1024);
    // Two tests of this file may hold their connections at the same time.
    let budget = (soft.saturating_sub(200) / 4).min(2_000);
    if budget < 2_000 {
        eprintln!("ulimit -n {soft}: {budget} connections instead of 2,000");
    }
    budget
}

const ANNOUNCED: usize = 60 * 1024 * 1024;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_without_a_valid_token_is_refused_before_its_body_is_read() {
    let emulator = samples().await;
    let address = emulator.local_addr();
    let routes = [
        ("POST", "/core/v1/connectors/slack/versions/9.1/call"),
        ("GET", "/core/v1/connectors"),
        ("GET", "/core/v1/connectors/slack/versions/9.1/operations"),
        ("POST", "/graphql"),
        ("POST", "/core/v1/authentications"),
        ("PUT", "/no/such/route"),
    ];
    let tokens = [
        None,
        Some("Bearer "),
        Some("Bearer wrong-token"),
        Some("Basic abc"),
    ];
    let checks = tokio::task::spawn_blocking(move || {
        for (method, path) in routes {
            for token in tokens {
                let mut stream = TcpStream::connect(address).unwrap();
                let mut head = format!(
                    "{method} {path} HTTP/1.1\r\nHost: {address}\r\n\
                     Content-Type: application/json\r\nContent-Length: {ANNOUNCED}\r\n"
                );
                if let Some(token) = token {
                    head.push_str(&format!("Authorization: {token}\r\n"));
                }
                head.push_str("\r\n");
                // Headers only: the 60 MB body never comes. Without the check first, the
                // server waits for it and never answers.
                stream.write_all(head.as_bytes()).unwrap();
                let started = Instant::now();
                let status = status_line(&mut stream, Duration::from_secs(5));
                assert_eq!(
                    status.as_deref(),
                    Ok("HTTP/1.1 401 Unauthorized"),
                    "{method} {path} with {token:?}"
                );
                assert!(started.elapsed() < Duration::from_secs(5));
            }
        }
    });
    checks.await.unwrap();
    assert!(
        emulator.calls().is_empty(),
        "nothing unauthorized is recorded"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_unauthenticated_60_mb_uploads_cost_the_emulator_nothing() {
    let emulator = samples().await;
    let address = emulator.local_addr();
    let before = peak_rss_kb();
    let started = Instant::now();
    // The red team's attack: 20 clients at once, each announcing and sending 60 MB, no token.
    let uploads: Vec<_> = (0..20)
        .map(|_| tokio::task::spawn_blocking(move || upload_without_token(address)))
        .collect();
    let mut sent = Vec::new();
    for upload in uploads {
        let (status, bytes) = upload.await.unwrap();
        assert_eq!(status.as_deref(), Ok("HTTP/1.1 401 Unauthorized"));
        sent.push(bytes);
    }
    let grown_mb = peak_rss_kb().saturating_sub(before) / 1024;
    let most = sent.iter().max().copied().unwrap_or(0);
    println!(
        "20 uploads of 60 MB without a token: all 401 in {:?}; at most {:.1} MB of a body \
         sent before the emulator closed the connection (socket buffers); VmHWM grew by \
         {grown_mb} MB (process: 20 clients and the emulator)",
        started.elapsed(),
        most as f64 / 1e6
    );
    // Nothing of a body is kept: what the clients could send is what the kernel's socket
    // buffers took. Reading the bodies first took 362 MB.
    assert!(grown_mb < 100, "VmHWM grew by {grown_mb} MB");
    assert!(emulator.calls().is_empty());
}

/// One client of the attack: headers announcing 60 MB without a token, then the body as fast
/// as the connection takes it while the answer is read. Returns the status line and how many
/// body bytes were written before the connection closed.
fn upload_without_token(address: SocketAddr) -> (Result<String, String>, usize) {
    let mut stream = TcpStream::connect(address).unwrap();
    let head = format!(
        "POST /core/v1/connectors/slack/versions/9.1/call HTTP/1.1\r\nHost: {address}\r\n\
         Content-Type: application/json\r\nContent-Length: {ANNOUNCED}\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).unwrap();
    let mut writer = stream.try_clone().unwrap();
    let body = std::thread::spawn(move || {
        let chunk = vec![b' '; 256 * 1024];
        let mut sent = 0;
        while sent < ANNOUNCED {
            match writer.write(&chunk) {
                Ok(n) => sent += n,
                Err(_) => break,
            }
        }
        sent
    });
    let status = status_line(&mut stream, Duration::from_secs(20));
    // Let the writer see the closed connection.
    let _ = stream.shutdown(std::net::Shutdown::Both);
    (status, body.join().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_that_never_finish_their_headers_are_dropped_after_the_header_read_timeout() {
    let timeout = Duration::from_millis(500);
    let emulator = Emulator::builder()
        .token(TOKEN)
        .header_read_timeout(timeout)
        .start()
        .await
        .unwrap();
    let address = emulator.local_addr();
    let count = connection_budget();
    let baseline = open_descriptors();
    let started = Instant::now();
    let mut streams = Vec::with_capacity(count);
    for _ in 0..count {
        let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
        // Half a request: the blank line that ends the headers never comes.
        stream
            .write_all(b"POST /core/v1/connectors HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n")
            .await
            .unwrap();
        streams.push(stream);
    }
    // Descriptor counts are of the whole process, where other tests run too: exact when
    // this test runs alone (`--exact`), indicative otherwise. Read once the emulator has
    // accepted every connection (both ends held), or when the first may be timing out.
    while open_descriptors().saturating_sub(baseline) < 2 * count && started.elapsed() < timeout {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let held = open_descriptors().saturating_sub(baseline);
    // Each connection must be closed by the emulator well within 5 × the timeout.
    let guard = timeout * 5;
    let mut closed = 0;
    'streams: for stream in &mut streams {
        let mut buf = [0u8; 256];
        // Closed means end of stream (or a reset), whatever is answered before it.
        loop {
            let left = guard.saturating_sub(started.elapsed());
            match tokio::time::timeout(left, stream.read(&mut buf)).await {
                Ok(Ok(0)) | Ok(Err(_)) => break,
                Ok(Ok(_)) => continue,
                Err(_) => break 'streams,
            }
        }
        closed += 1;
    }
    let elapsed = started.elapsed();
    // The emulator's ends close as the connections do: read once they have (at most 2 s).
    let settled = Instant::now() + Duration::from_secs(2);
    let left_open = || {
        open_descriptors()
            .saturating_sub(baseline)
            .saturating_sub(streams.len())
    };
    while left_open() > 0 && Instant::now() < settled {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let left_open = left_open();
    println!(
        "{count} half-sent requests: {held} descriptors held (both ends), {closed} closed by \
         the emulator within {elapsed:?} (header read timeout {timeout:?}); the emulator \
         holds {left_open} descriptors after"
    );
    assert_eq!(closed, count, "connections still open after {guard:?}");
    drop(streams);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_sends_its_headers_in_time_is_answered_and_kept_alive() {
    // The header read timeout does not cut slow but steady clients, nor a second request on
    // a kept-alive connection: headers sent in four parts 100 ms apart, well within it.
    let emulator = Emulator::builder()
        .token(TOKEN)
        .header_read_timeout(Duration::from_secs(2))
        .start()
        .await
        .unwrap();
    let address = emulator.local_addr();
    tokio::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(address).unwrap();
        for _ in 0..2 {
            for part in [
                "GET /core/v1/connectors HTTP/1.1\r\n",
                "Host: x\r\n",
                &format!("Authorization: Bearer {TOKEN}\r\n"),
                "\r\n",
            ] {
                stream.write_all(part.as_bytes()).unwrap();
                std::thread::sleep(Duration::from_millis(100));
            }
            // The whole answer, up to the end of its body, before the next request.
            assert_eq!(
                whole_answer(&mut stream, Duration::from_secs(5)).as_deref(),
                Ok("HTTP/1.1 200 OK")
            );
        }
    })
    .await
    .unwrap();
}

/// Reads one whole answer from `stream` (headers, then `Content-Length` bytes of body) within
/// `guard` per read; its status line, or why there is none.
fn whole_answer(stream: &mut TcpStream, guard: Duration) -> Result<String, String> {
    stream.set_read_timeout(Some(guard)).unwrap();
    let mut answer = Vec::new();
    let mut buf = [0u8; 1024];
    let mut read = |answer: &mut Vec<u8>| match stream.read(&mut buf) {
        Ok(0) => Err(format!("closed after {} bytes", answer.len())),
        Ok(n) => {
            answer.extend_from_slice(&buf[..n]);
            Ok(())
        }
        Err(e) => Err(format!("no answer within {guard:?}: {e}")),
    };
    let headers_end = loop {
        if let Some(at) = answer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        read(&mut answer)?;
    };
    let head = String::from_utf8_lossy(&answer[..headers_end]).into_owned();
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .ok_or_else(|| format!("no Content-Length in {head:?}"))?;
    while answer.len() < headers_end + length {
        read(&mut answer)?;
    }
    if answer.len() > headers_end + length {
        return Err(format!(
            "{} bytes past the answer",
            answer.len() - headers_end - length
        ));
    }
    Ok(head.lines().next().unwrap_or_default().to_owned())
}

#[test]
fn a_thousand_clients_connecting_at_once_wait_in_the_backlog() {
    // The emulator on a runtime nobody drives: it accepts nothing, so every connection has to
    // wait in the kernel's accept queue, whose length is the listen backlog. At the default
    // backlog of 128, the rest of 2,000 simultaneous connects were refused or timed out.
    let server = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let emulator = server.block_on(samples());
    let address = emulator.local_addr();
    let count = connection_budget();
    let clients = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let started = Instant::now();
    let connected: Vec<tokio::net::TcpStream> = clients.block_on(async {
        let attempts: Vec<_> = (0..count)
            .map(|_| {
                tokio::spawn(async move {
                    tokio::time::timeout(
                        Duration::from_secs(2),
                        tokio::net::TcpStream::connect(address),
                    )
                    .await
                })
            })
            .collect();
        let mut connected = Vec::new();
        for attempt in attempts {
            if let Ok(Ok(Ok(stream))) = attempt.await {
                connected.push(stream);
            }
        }
        connected
    });
    println!(
        "{count} simultaneous connects to an emulator that accepts nothing: {} established \
         in {:?}",
        connected.len(),
        started.elapsed()
    );
    assert_eq!(connected.len(), count, "connects refused or timed out");

    // Once the emulator runs, every one of them is served.
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let driver = std::thread::spawn(move || {
        server.block_on(async move {
            let _ = stopped.await;
            drop(emulator);
            tokio::task::yield_now().await;
        })
    });
    let answered = clients.block_on(async {
        let requests: Vec<_> = connected
            .into_iter()
            .map(|mut stream| {
                tokio::spawn(async move {
                    stream
                        .write_all(b"GET /core/v1/connectors HTTP/1.1\r\nHost: x\r\n\r\n")
                        .await
                        .ok()?;
                    let mut buf = [0u8; 64];
                    let n = tokio::time::timeout(Duration::from_secs(20), stream.read(&mut buf))
                        .await
                        .ok()?
                        .ok()?;
                    Some(buf[..n].starts_with(b"HTTP/1.1 401"))
                })
            })
            .collect();
        let mut answered = 0;
        for request in requests {
            if let Ok(Some(true)) = request.await {
                answered += 1;
            }
        }
        answered
    });
    let _ = stop.send(());
    driver.join().unwrap();
    assert_eq!(answered, count, "every queued connection is served");
}

#[test]
fn an_authorized_request_still_has_its_body_read_and_validated() {
    // The token is checked first; a request that passes still has its body read and
    // validated as before.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let emulator = runtime.block_on(samples());
    let address = emulator.local_addr();
    let body = br#"{"operation": "send_message", "input": {}}"#;
    let mut stream = TcpStream::connect(address).unwrap();
    let head = format!(
        "POST /core/v1/connectors/slack/versions/9.1/call HTTP/1.1\r\nHost: x\r\n\
         Authorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let status = status_line(&mut stream, Duration::from_secs(5));
    assert_eq!(status.as_deref(), Ok("HTTP/1.1 400 Bad Request"));
    assert_eq!(emulator.calls().len(), 1);
}

/// Sends `head` and then `body` in `parts` (the first at once, each next one `gap` later) on a
/// new connection to `address`; then reads until the emulator closes the connection, at most
/// `guard`. What was answered, and whether the connection was closed within `guard`.
async fn send_slowly(
    address: SocketAddr,
    head: &str,
    parts: &[&str],
    gap: Duration,
    guard: Duration,
) -> (String, bool) {
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            tokio::time::sleep(gap).await;
        }
        stream.write_all(part.as_bytes()).await.unwrap();
    }
    let mut answer = Vec::new();
    let closed = tokio::time::timeout(guard, stream.read_to_end(&mut answer))
        .await
        .is_ok();
    (String::from_utf8_lossy(&answer).into_owned(), closed)
}

/// Headers of a POST to `path` with the right token, announcing a body of `length` bytes.
fn post_head(address: SocketAddr, path: &str, length: usize) -> String {
    format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {TOKEN}\r\n\
         Content-Type: application/json\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n"
    )
}

const CALL: &str = "/core/v1/connectors/slack/versions/9.1/call";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_stalled_after_valid_headers_is_answered_408_and_its_connection_closed() {
    // The red team's case: a valid token, headers announcing 100 bytes, 13 of them, then
    // nothing. The connection stayed open for as long as the client liked (15 s and more).
    let timeout = Duration::from_millis(300);
    let emulator = with_sample(Emulator::builder().token(TOKEN), "slack")
        .body_read_timeout(timeout)
        .start()
        .await
        .unwrap();
    let address = emulator.local_addr();
    let mut routes = vec![CALL];
    if cfg!(feature = "embedded") {
        routes.extend(["/graphql", "/core/v1/authentications"]);
    }
    for path in routes {
        let started = Instant::now();
        let (answer, closed) = send_slowly(
            address,
            &post_head(address, path, 100),
            &[r#"{"operation":"#],
            Duration::ZERO,
            timeout * 15,
        )
        .await;
        println!(
            "{path}: a body stalled after valid headers, answered and closed in {:?} (body \
             read timeout {timeout:?})",
            started.elapsed()
        );
        assert!(
            closed,
            "{path}: the connection is still open after {:?}",
            timeout * 15
        );
        assert!(
            answer.starts_with("HTTP/1.1 408 Request Timeout\r\n"),
            "{path}: {answer:?}"
        );
        assert!(
            answer.ends_with(
                r#"{"message":"The request body was not received within 0.3 s","code":null}"#
            ),
            "{path}: {answer:?}"
        );
    }
    // Not a call: its body never arrived.
    assert!(emulator.calls().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_body_that_arrives_in_time_is_served() {
    // Two parts 100 ms apart, well within the body read timeout: not cut.
    let emulator = with_sample(Emulator::builder().token(TOKEN), "slack")
        .body_read_timeout(Duration::from_secs(2))
        .start()
        .await
        .unwrap();
    let address = emulator.local_addr();
    let body = r#"{"operation": "no_such_operation", "input": {}}"#;
    let (first, second) = body.split_at(20);
    let (answer, closed) = send_slowly(
        address,
        &post_head(address, CALL, body.len()),
        &[first, second],
        Duration::from_millis(100),
        Duration::from_secs(10),
    )
    .await;
    assert!(closed);
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer:?}");
    assert_eq!(emulator.calls().len(), 1);
}
