//! Tray's limits shared through Redis (feature `redis`), against a real
//! `redis-server` each test starts on a free loopback port (`support::redis_server`; it must be
//! installed: `apt-get install -y redis-server`), and emulators that count what reaches them.
//! Clients that share a namespace here each have their own `RedisLimits` (their own connection
//! and background tasks), as separate processes would; `shared_limits_processes.rs` runs four
//! real processes.
//!
//! The fault cases kill, freeze and restart the server mid-run; the warnings are read from a
//! `tracing` subscriber that writes into memory.

mod support;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use serde_json::json;
use support::redis_server::RedisServer;
use support::{ACME, AUTH_ID, SendMessage, TOKEN, acme, client_of, fast, message};
use tray_connect::{Client, ClientBuilder, Error, RateLimit, RedisLimits, RetryPolicy};
use tray_connect_emulator::{Emulator, Fault, Scope};

/// Message `id-{i}`, so the emulator's log tells calls apart.
fn numbered(i: usize) -> SendMessage {
    SendMessage {
        text: format!("id-{i}"),
        ..message()
    }
}

async fn emulator(tray_limits: bool) -> Emulator {
    let emulator = acme().tray_limits(tray_limits).start().await.unwrap();
    emulator.respond("acme", "send_message", json!({"ok": true, "ts": "1"}));
    emulator
}

fn builder(emulator: &Emulator) -> ClientBuilder {
    client_of(emulator)
        .timeout(Duration::from_secs(30))
        .retry(fast(RetryPolicy::default()))
}

/// A direct connection to the test's server, to look at the keys.
async fn inspect(redis: &RedisServer) -> redis::aio::MultiplexedConnection {
    redis::Client::open(redis.url())
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap()
}

/// How many call slots of `namespace` are taken in Redis.
async fn leases(connection: &mut redis::aio::MultiplexedConnection, namespace: &str) -> usize {
    redis::cmd("ZCARD")
        .arg(format!("{{{namespace}}}:calls"))
        .query_async(connection)
        .await
        .unwrap()
}

/// Waits (up to `within`) until `condition` holds, checking every 5 ms.
/// How long a test waits for an event before it fails: only a hang guard (each wait ends as
/// soon as its event happens), long enough for a machine busy with another build.
const PATIENCE: Duration = Duration::from_secs(60);

async fn until<F: AsyncFnMut() -> bool>(within: Duration, what: &str, mut condition: F) {
    let deadline = Instant::now() + within;
    while !condition().await {
        assert!(Instant::now() < deadline, "waited {within:?} for {what}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Every `tracing` event of the test binary, as text: set up once, read by the fault tests,
/// each of which filters the lines of its own namespace.
fn logs() -> Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let writer = buffer.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::INFO)
            .with_ansi(false)
            .with_writer(move || Capture(writer.clone()))
            .finish();
        tracing::subscriber::set_global_default(subscriber).unwrap();
        buffer
    })
    .clone()
}

struct Capture(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The lines logged at `level` (`WARN`, `INFO`) for `namespace`.
fn logged(level: &str, namespace: &str) -> Vec<String> {
    let text = String::from_utf8_lossy(&logs().lock().unwrap()).into_owned();
    text.lines()
        .filter(|line| line.contains(level) && line.contains(&format!("namespace={namespace} ")))
        .map(str::to_owned)
        .collect()
}

/// Runs `n` calls at once through `client`; panics on any failure.
/// Starts call `i`, which the emulator leaves hanging, and returns once the emulator holds it
/// (so it holds its slot).
async fn hung_call(
    client: &Client,
    emulator: &Emulator,
    i: usize,
) -> tokio::task::JoinHandle<Result<support::SendMessageOutput, Error>> {
    emulator.inject(Fault::Hang, Scope::Next(1));
    let hung = tokio::spawn({
        let client = client.clone();
        async move { client.call(AUTH_ID, numbered(i)).await }
    });
    until(PATIENCE, "the hung call", async || {
        emulator.traffic().calls_in_progress == 1
    })
    .await;
    hung
}

async fn calls_succeed(client: &Client, from: usize, n: usize) {
    let calls: Vec<_> = (from..from + n)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move { client.call(AUTH_ID, numbered(i)).await })
        })
        .collect();
    for (i, call) in calls.into_iter().enumerate() {
        let result = call.await.unwrap();
        assert!(result.is_ok(), "call {}: {result:?}", from + i);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_of_one_namespace_share_its_call_slots() {
    let redis = RedisServer::start();
    // No token required: the emulator takes the user's too.
    let emulator = Emulator::builder()
        .document_json(ACME)
        .start()
        .await
        .unwrap();
    emulator.respond("acme", "send_message", json!({"ok": true, "ts": "1"}));
    emulator.inject(
        Fault::Latency(Duration::from_millis(50)),
        Scope::Operation("send_message".into()),
    );
    // Two "processes" (each its own connection and tasks) and a user's client of the first:
    // each may have 5 calls in flight, and the three together 5 as well.
    let mut clients = Vec::new();
    for _ in 0..2 {
        let limits = RedisLimits::connect(&redis.url(), "slots").await.unwrap();
        assert!(limits.is_connected());
        clients.push(
            builder(&emulator)
                .max_concurrent_calls(5)
                .shared_limits(limits)
                .build()
                .unwrap(),
        );
    }
    clients.push(clients[0].as_user("a-user-token").unwrap());
    let tasks: Vec<_> = (0..60)
        .map(|i| {
            let client = clients[i % clients.len()].clone();
            tokio::spawn(async move { client.call(AUTH_ID, numbered(i)).await })
        })
        .collect();
    for task in tasks {
        assert!(task.await.unwrap().is_ok());
    }
    let traffic = emulator.traffic();
    assert_eq!(traffic.peak_calls_in_progress, 5, "{traffic:?}");
    let mut received: HashMap<String, usize> = HashMap::new();
    for call in emulator.calls() {
        *received
            .entry(call.input["text"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    assert_eq!(received.len(), 60);
    assert!(received.values().all(|n| *n == 1));
    // Every slot was given back (releases are sent in the background).
    let mut connection = inspect(&redis).await;
    until(PATIENCE, "the leases to be given back", async || {
        leases(&mut connection, "slots").await == 0
    })
    .await;
}

/// Sends `n` Get Connectors requests through each client at once; the failures.
async fn reads_at_once(clients: &[Client], n: usize) -> Vec<Error> {
    let reads: Vec<_> = clients
        .iter()
        .flat_map(|client| (0..n).map(move |_| client.clone()))
        .map(|client| tokio::spawn(async move { client.list_connectors().await }))
        .collect();
    let mut errors = Vec::new();
    for read in reads {
        if let Err(e) = read.await.unwrap() {
            errors.push(e);
        }
    }
    errors
}

/// Two clients of `emulator` (Tray's limits enforced), no retries, default pace; sharing
/// `namespace` in `redis` when given.
async fn two_readers(emulator: &Emulator, shared: Option<(&RedisServer, &str)>) -> Vec<Client> {
    let mut clients = Vec::new();
    for _ in 0..2 {
        let mut b = builder(emulator).retry(RetryPolicy::none());
        if let Some((redis, namespace)) = shared {
            b = b.shared_limits(RedisLimits::connect(&redis.url(), namespace).await.unwrap());
        }
        clients.push(b.build().unwrap());
    }
    clients
}

#[tokio::test]
async fn reads_of_one_namespace_are_paced_by_one_bucket() {
    let redis = RedisServer::start();
    let emulator = emulator(true).await;
    let clients = two_readers(&emulator, Some((&redis, "reads"))).await;
    // 80 reads from two clients: 20 at once, then 25 a second between them, about 2.4 s.
    let started = Instant::now();
    let errors = reads_at_once(&clients, 40).await;
    let took = started.elapsed();
    eprintln!("80 reads from two clients in {took:?}");
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(emulator.traffic().rate_limited, 0);
    assert!(took >= Duration::from_millis(2_300), "{took:?}");
}

#[tokio::test]
async fn without_shared_limits_the_same_reads_draw_429s() {
    // The other side: each client paces itself at 25 a second in bursts of 20, and together
    // they send 40 at once and 50 a second, beyond Tray's 50 in any second.
    let emulator = emulator(true).await;
    let clients = two_readers(&emulator, None).await;
    let errors = reads_at_once(&clients, 40).await;
    eprintln!("{} of 80 reads refused", errors.len());
    assert!(!errors.is_empty());
    assert!(errors.iter().all(|e| e.status() == Some(429)), "{errors:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_waiter_holds_nothing_and_a_dropped_call_gives_its_slot_back() {
    let redis = RedisServer::start();
    let emulator = emulator(false).await;
    emulator.inject(Fault::Hang, Scope::Next(1));
    // One slot in the namespace, leases of a minute: a slot that comes back sooner was given
    // back, not expired.
    let client = |limits: RedisLimits| {
        builder(&emulator)
            .max_concurrent_calls(1)
            .shared_limits(limits.lease(Duration::from_secs(60)))
            .build()
            .unwrap()
    };
    let first = client(RedisLimits::connect(&redis.url(), "drop").await.unwrap());
    let second = client(RedisLimits::connect(&redis.url(), "drop").await.unwrap());
    let hung = tokio::spawn({
        let first = first.clone();
        async move { first.call(AUTH_ID, numbered(0)).await }
    });
    until(PATIENCE, "the first call", async || {
        emulator.traffic().calls_in_progress == 1
    })
    .await;
    // 20 waiters of the other client, each dropped after 100 ms while waiting for the slot.
    for i in 1..=20 {
        let waited = tokio::time::timeout(
            Duration::from_millis(100),
            second.call(AUTH_ID, numbered(i)),
        )
        .await;
        assert!(waited.is_err(), "call {i} went while the slot was taken");
    }
    let mut connection = inspect(&redis).await;
    assert_eq!(leases(&mut connection, "drop").await, 1);
    // The hung call dropped: its slot comes back at once, not in a minute.
    hung.abort();
    let started = Instant::now();
    let next = tokio::time::timeout(Duration::from_secs(5), second.call(AUTH_ID, numbered(99)))
        .await
        .expect("the slot came back");
    assert!(next.is_ok(), "{next:?}");
    eprintln!(
        "the dropped call's slot came back in {:?}",
        started.elapsed()
    );
    let texts: Vec<String> = emulator
        .calls()
        .iter()
        .map(|c| c.input["text"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(texts, ["id-0", "id-99"]);
    until(PATIENCE, "no lease left", async || {
        leases(&mut connection, "drop").await == 0
    })
    .await;
}

#[tokio::test]
async fn cancelled_reads_give_their_shared_turn_back() {
    // 200 reads under a 500 ms timeout at 10 a second in bursts of 10: about 15 are answered.
    // Booked as they asked, the others would hold 18.5 s of the shared pace.
    let redis = RedisServer::start();
    let emulator = Emulator::builder()
        .document_json(ACME)
        .start()
        .await
        .unwrap();
    let mut clients = Vec::new();
    for _ in 0..2 {
        let limits = RedisLimits::connect(&redis.url(), "cancel-reads")
            .await
            .unwrap();
        clients.push(
            Client::builder()
                .token(TOKEN)
                .base_url(emulator.base_url())
                .retry(RetryPolicy::none())
                .rate_limit(RateLimit::new(10, 10))
                .shared_limits(limits)
                .build()
                .unwrap(),
        );
    }
    let reads: Vec<_> = (0..200)
        .map(|_| {
            let client = clients[0].clone();
            tokio::spawn(async move {
                tokio::time::timeout(Duration::from_millis(500), client.list_connectors()).await
            })
        })
        .collect();
    let mut answered = 0;
    for read in reads {
        answered += usize::from(read.await.unwrap().is_ok_and(|r| r.is_ok()));
    }
    assert!((10..200).contains(&answered), "{answered}");
    // The other client's next read waits for the next turn of the pace, ≤ 100 ms.
    let started = Instant::now();
    let read = tokio::time::timeout(Duration::from_secs(5), clients[1].list_connectors()).await;
    let took = started.elapsed();
    eprintln!("{answered} of 200 answered; the other client's next read took {took:?}");
    assert!(read.expect("a turn within 5 s").is_ok());
    assert!(took < Duration::from_millis(600), "{took:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_killed_mid_run_calls_go_on_with_one_warning_then_shared_again() {
    const NS: &str = "fault-kill";
    logs();
    let mut redis = RedisServer::start();
    let emulator = emulator(true).await;
    let limits = RedisLimits::connect(&redis.url(), NS).await.unwrap();
    let client = builder(&emulator)
        .shared_limits(limits.clone())
        .build()
        .unwrap();
    calls_succeed(&client, 0, 50).await;
    assert!(logged("WARN", NS).is_empty());

    redis.kill();
    // Calls go on under the in-process limits; the first to find Redis gone warns, once.
    let started = Instant::now();
    calls_succeed(&client, 100, 300).await;
    calls_succeed(&client, 400, 300).await;
    eprintln!("600 calls without Redis in {:?}", started.elapsed());
    assert!(!limits.is_connected());
    let warnings = logged("WARN", NS);
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert!(
        warnings[0].contains("Redis is unreachable or slow"),
        "{warnings:?}"
    );

    // Back: the probe finds it, logs it, and the calls take their slots in Redis again.
    redis.restart();
    until(PATIENCE, "Redis to be used again", async || {
        limits.is_connected()
    })
    .await;
    assert_eq!(logged("INFO", NS).len(), 1, "{:?}", logged("INFO", NS));
    let hung = hung_call(&client, &emulator, 1_000).await;
    let mut connection = inspect(&redis).await;
    assert_eq!(leases(&mut connection, NS).await, 1);
    hung.abort();
    until(PATIENCE, "the lease to be given back", async || {
        leases(&mut connection, NS).await == 0
    })
    .await;

    // A second outage warns again, once.
    redis.kill();
    calls_succeed(&client, 2_000, 100).await;
    assert_eq!(logged("WARN", NS).len(), 2, "{:#?}", logged("WARN", NS));
    assert_eq!(emulator.traffic().calls_refused, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_frozen_redis_costs_a_call_its_timeout_once() {
    const NS: &str = "fault-freeze";
    logs();
    let redis = RedisServer::start();
    let emulator = emulator(false).await;
    let limits = RedisLimits::connect(&redis.url(), NS)
        .await
        .unwrap()
        .timeout(Duration::from_millis(100));
    let client = builder(&emulator)
        .shared_limits(limits.clone())
        .build()
        .unwrap();
    calls_succeed(&client, 0, 10).await;
    redis.freeze();
    // The first call waits 100 ms for Redis, then goes; the next ones do not ask it at all.
    let started = Instant::now();
    assert!(client.call(AUTH_ID, numbered(10)).await.is_ok());
    let first = started.elapsed();
    let started = Instant::now();
    calls_succeed(&client, 11, 100).await;
    let next = started.elapsed();
    eprintln!("frozen Redis: first call {first:?}, 100 more {next:?}");
    assert!(first >= Duration::from_millis(100), "{first:?}");
    assert!(first < Duration::from_millis(1_000), "{first:?}");
    assert!(next < Duration::from_millis(1_000), "{next:?}");
    assert_eq!(logged("WARN", NS).len(), 1, "{:#?}", logged("WARN", NS));
    redis.thaw();
    until(PATIENCE, "Redis to be used again", async || {
        limits.is_connected()
    })
    .await;
    calls_succeed(&client, 200, 10).await;
    assert_eq!(logged("WARN", NS).len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_started_while_redis_is_down_calls_and_shares_once_it_is_up() {
    const NS: &str = "fault-start";
    logs();
    let port = support::redis_server::free_port();
    let emulator = emulator(false).await;
    let limits = RedisLimits::connect(&format!("redis://127.0.0.1:{port}/"), NS)
        .await
        .expect("connect returns the limits while Redis is down");
    assert!(!limits.is_connected());
    let client = builder(&emulator)
        .shared_limits(limits.clone())
        .build()
        .unwrap();
    calls_succeed(&client, 0, 20).await;
    assert_eq!(logged("WARN", NS).len(), 1, "{:#?}", logged("WARN", NS));
    let redis = RedisServer::start_on(port);
    until(PATIENCE, "Redis to be used", async || limits.is_connected()).await;
    let hung = hung_call(&client, &emulator, 100).await;
    let mut connection = inspect(&redis).await;
    assert_eq!(leases(&mut connection, NS).await, 1);
    hung.abort();
}

#[tokio::test]
async fn a_bad_url_or_namespace_is_a_configuration_error() {
    for (url, namespace) in [
        ("http://127.0.0.1/", "ns"),
        ("rediss://127.0.0.1/", "ns"),
        ("redis://127.0.0.1/", ""),
        ("redis://127.0.0.1/", "has space"),
        ("redis://127.0.0.1/", "{tag}"),
    ] {
        let err = RedisLimits::connect(url, namespace).await.unwrap_err();
        assert!(
            matches!(err, Error::Config { .. }),
            "{url} {namespace}: {err}"
        );
    }
}
