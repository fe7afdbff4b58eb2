//! Tray's limits shared by four OS processes through one Redis namespace (issue 26):
//! this binary (`harness = false`) is both the test, which starts a real `redis-server`
//! (`support::redis_server`) and an emulator enforcing Tray's limits
//! (`EmulatorBuilder::tray_limits`), and, started again by it with `TRAY_CONNECT_SHARED_WORKER`
//! set, each of the four client processes, each with its own `Client` and `RedisLimits`.
//!
//! - **four_processes_share_one_thousand_call_slots**: each process sends 1,000 calls at once
//!   (each held 1 s by the emulator, so that a wave of 1,000 overlaps). No 429, at most 1,000 in progress at the emulator (and
//!   1,000 reached), every one of the 4,000 inputs received exactly once.
//! - **a_killed_process_gives_its_slots_back_when_its_leases_expire**: four processes each keep
//!   1,000 calls going (leases of 2 s); once the emulator sees 1,000 in progress, one process
//!   is killed (SIGKILL) with calls in flight. Its slots stay taken until its leases expire
//!   (the others stay under 1,000), then the others reach 1,000 in flight again. No 429, no
//!   call of the three others failed, lost or received twice.

mod support;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;
use support::redis_server::RedisServer;
use support::{AUTH_ID, SendMessage, TOKEN, acme, message};
use tray_connect::{Client, RedisLimits, RetryPolicy};
use tray_connect_emulator::{Emulator, Fault, Scope};

const TESTS: [&str; 2] = [
    "four_processes_share_one_thousand_call_slots",
    "a_killed_process_gives_its_slots_back_when_its_leases_expire",
];
/// Set in a worker's environment: `burst` or `steady`.
const WORKER: &str = "TRAY_CONNECT_SHARED_WORKER";
const PROCESSES: usize = 4;
/// Calls each process sends at once (the burst) or keeps going (steady).
const CALLS: usize = 1_000;
/// Tray's ceiling.
const TRAY_MAX: usize = 1_000;
/// The lease of the steady test.
const SHORT_LEASE: Duration = Duration::from_secs(2);
const NAMESPACE: &str = "e2e";

fn main() {
    if let Ok(mode) = std::env::var(WORKER) {
        worker(&mode);
        return;
    }
    let mut args = std::env::args().skip(1);
    let (mut filters, mut skips) = (Vec::new(), Vec::new());
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--list" => {
                for test in TESTS {
                    println!("{test}: test");
                }
                return;
            }
            "--skip" => skips.extend(args.next()),
            "--test-threads" | "--color" | "--format" | "--logfile" | "-Z" => {
                args.next();
            }
            _ if arg.starts_with('-') => {}
            _ => filters.push(arg),
        }
    }
    let exact = std::env::args().any(|a| a == "--exact");
    let matches = |test: &str, f: &String| {
        if exact {
            test == f
        } else {
            test.contains(f.as_str())
        }
    };
    let selected: Vec<&str> = TESTS
        .into_iter()
        .filter(|t| filters.is_empty() || filters.iter().any(|f| matches(t, f)))
        .filter(|t| !skips.iter().any(|f| matches(t, f)))
        .collect();
    let plural = if selected.len() == 1 { "" } else { "s" };
    println!("\nrunning {} test{plural}", selected.len());
    let mut failed = Vec::new();
    for test in &selected {
        let outcome = std::panic::catch_unwind(|| match *test {
            "four_processes_share_one_thousand_call_slots" => {
                four_processes_share_one_thousand_call_slots()
            }
            "a_killed_process_gives_its_slots_back_when_its_leases_expire" => {
                a_killed_process_gives_its_slots_back_when_its_leases_expire()
            }
            _ => unreachable!(),
        });
        if outcome.is_ok() {
            println!("test {test} ... ok");
        } else {
            println!("test {test} ... FAILED");
            failed.push(*test);
        }
    }
    let passed = selected.len() - failed.len();
    if failed.is_empty() {
        println!("\ntest result: ok. {passed} passed; 0 failed\n");
    } else {
        println!("\nfailures:\n    {}", failed.join("\n    "));
        println!(
            "\ntest result: FAILED. {passed} passed; {} failed\n",
            failed.len()
        );
        std::process::exit(101);
    }
}

// ---- the client processes ----

/// A client process: connects, says `ready`, starts on `go`. `burst`: sends its 1,000 calls
/// at once and reports. `steady`: keeps 1,000 calls going until `stop`, then reports.
/// Reports `done ok=N failed=M` (and the first error).
fn worker(mode: &str) {
    let env = |name: &str| std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set"));
    let (base_url, redis_url, index) = (env("EMULATOR_URL"), env("REDIS_URL"), env("INDEX"));
    let lease = std::env::var("LEASE_MS")
        .ok()
        .map(|ms| Duration::from_millis(ms.parse().unwrap()));
    // The limiter's warnings (Redis taken for down) on the test's stderr, marked with the process.
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::WARN)
        .with_writer(std::io::stderr)
        .init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut lines = std::io::stdin().lock().lines();
    let client = runtime.block_on(async {
        // Four debug-built client processes, the emulator and Redis share 2 cores here: a
        // process's own runtime can be starved past the default 250 ms before it reads Redis'
        // answer, which would send its calls down the in-process path (that path has its own
        // tests in shared_limits.rs). What this test checks is the sharing.
        let mut limits = RedisLimits::connect(&redis_url, NAMESPACE)
            .await
            .unwrap()
            .timeout(Duration::from_secs(2));
        assert!(limits.is_connected(), "Redis answers");
        if let Some(lease) = lease {
            limits = limits.lease(lease);
        }
        Client::builder()
            .token(TOKEN)
            .base_url(&base_url)
            .timeout(Duration::from_secs(60))
            // No retries: a 429 would be a failure, never hidden by a second attempt.
            .retry(RetryPolicy::none())
            .shared_limits(limits)
            .build()
            .unwrap()
    });
    say("ready");
    assert_eq!(lines.next().unwrap().unwrap(), "go");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let steady = mode == "steady";
    let tasks: Vec<_> = (0..CALLS)
        .map(|task| {
            let (client, stop, index) = (client.clone(), stop.clone(), index.clone());
            runtime.spawn(async move {
                let (mut ok, mut failed, mut first_error) = (0usize, 0usize, None);
                for seq in 0.. {
                    let input = SendMessage {
                        text: format!("p{index}-{task}-{seq}"),
                        ..message()
                    };
                    match client.call(AUTH_ID, input).await {
                        Ok(_) => ok += 1,
                        Err(e) => {
                            failed += 1;
                            first_error.get_or_insert_with(|| e.to_string());
                        }
                    }
                    if !steady || stop.load(std::sync::atomic::Ordering::Relaxed) {
                        break;
                    }
                }
                (ok, failed, first_error)
            })
        })
        .collect();
    if steady {
        assert_eq!(lines.next().unwrap().unwrap(), "stop");
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
    }
    let (mut ok, mut failed, mut first_error) = (0, 0, None);
    for task in tasks {
        let (o, f, e) = runtime.block_on(task).unwrap();
        ok += o;
        failed += f;
        first_error = first_error.or(e);
    }
    say(&format!(
        "done ok={ok} failed={failed} first_error={}",
        first_error.unwrap_or_default()
    ));
}

fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}").unwrap();
    out.flush().unwrap();
}

// ---- the test's side ----

/// A client process, killed when dropped.
struct Worker {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    index: usize,
}

impl Worker {
    fn start(mode: &str, index: usize, emulator: &Emulator, redis: &RedisServer) -> Worker {
        let mut command = Command::new(std::env::current_exe().unwrap());
        command
            .env(WORKER, mode)
            .env("EMULATOR_URL", emulator.base_url())
            .env("REDIS_URL", redis.url())
            .env("INDEX", index.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped());
        if mode == "steady" {
            command.env("LEASE_MS", SHORT_LEASE.as_millis().to_string());
        }
        let mut child = command.spawn().expect("start a client process");
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        Worker {
            child,
            stdin,
            stdout,
            index,
        }
    }

    fn line(&mut self) -> String {
        let mut line = String::new();
        self.stdout
            .read_line(&mut line)
            .expect("read a client process");
        assert!(
            !line.is_empty(),
            "client process {} ended without a word",
            self.index
        );
        line.trim().to_owned()
    }

    fn tell(&mut self, word: &str) {
        writeln!(self.stdin, "{word}").unwrap();
        self.stdin.flush().unwrap();
    }

    /// `(ok, failed)` from the process's report.
    fn report(&mut self) -> (usize, usize) {
        let line = self.line();
        eprintln!("  process {}: {line}", self.index);
        let field = |name: &str| -> usize {
            line.split_whitespace()
                .find_map(|w| w.strip_prefix(name))
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("no {name} in {line:?}"))
        };
        (field("ok="), field("failed="))
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A runtime for the emulator and the test's own Redis connection.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// An emulator enforcing Tray's limits, holding each call `latency`.
fn emulator(runtime: &tokio::runtime::Runtime, latency: Duration) -> Emulator {
    runtime.block_on(async {
        let emulator = acme().tray_limits(true).start().await.unwrap();
        emulator.respond("acme", "send_message", json!({"ok": true, "ts": "1"}));
        emulator.inject(
            Fault::Latency(latency),
            Scope::Operation("send_message".into()),
        );
        emulator
    })
}

/// How many times the emulator received each input, by text.
fn received(emulator: &Emulator) -> HashMap<String, usize> {
    let mut received: HashMap<String, usize> = HashMap::new();
    for call in emulator.calls() {
        *received
            .entry(call.input["text"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    received
}

/// Enough descriptors for the emulator's side of every connection the four processes open.
fn check_descriptors() {
    let limits = std::fs::read_to_string("/proc/self/limits").unwrap_or_default();
    let soft = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .and_then(|l| l.split_whitespace().nth(3))
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(usize::MAX);
    assert!(
        soft >= 5_000,
        "ulimit -n is {soft}: the emulator may hold up to 4,000 connections here; raise it to 5,000"
    );
}

fn four_processes_share_one_thousand_call_slots() {
    check_descriptors();
    let runtime = runtime();
    let redis = RedisServer::start();
    let emulator = emulator(&runtime, Duration::from_secs(1));
    let mut workers: Vec<Worker> = (0..PROCESSES)
        .map(|i| Worker::start("burst", i, &emulator, &redis))
        .collect();
    for worker in &mut workers {
        assert_eq!(worker.line(), "ready");
    }
    let started = Instant::now();
    for worker in &mut workers {
        worker.tell("go");
    }
    let mut ok = 0;
    for worker in &mut workers {
        let (o, failed) = worker.report();
        assert_eq!(failed, 0, "process {} had failed calls", worker.index);
        ok += o;
    }
    let took = started.elapsed();
    let traffic = emulator.traffic();
    eprintln!(
        "  {} calls from {PROCESSES} processes in {took:?}: {traffic:?}",
        PROCESSES * CALLS
    );
    assert_eq!(ok, PROCESSES * CALLS);
    assert_eq!(traffic.calls_refused, 0, "{traffic:?}");
    assert!(traffic.peak_calls_in_progress <= TRAY_MAX, "{traffic:?}");
    // The slots were used: the four together did reach Tray's ceiling.
    assert_eq!(traffic.peak_calls_in_progress, TRAY_MAX, "{traffic:?}");
    let received = received(&emulator);
    assert_eq!(received.len(), PROCESSES * CALLS);
    assert!(
        received.values().all(|n| *n == 1),
        "an input received twice"
    );
    // Every lease was given back.
    runtime.block_on(async {
        let mut connection = connection(&redis).await;
        let deadline = Instant::now() + Duration::from_secs(5);
        while leases_of(&mut connection, "").await > 0 {
            assert!(Instant::now() < deadline, "leases left in Redis");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    });
}

/// The test's own connection to Redis, without a response timeout (the machine is busy).
async fn connection(redis: &RedisServer) -> redis::aio::MultiplexedConnection {
    let config = redis::AsyncConnectionConfig::new().set_response_timeout(None);
    redis::Client::open(redis.url())
        .unwrap()
        .get_multiplexed_async_connection_with_config(&config)
        .await
        .unwrap()
}

/// How many leases are held in the namespace by the process with id `pid` (`""`: by all),
/// counted in Redis (each lease id starts with its process's id).
async fn leases_of(connection: &mut redis::aio::MultiplexedConnection, pid: &str) -> usize {
    redis::Script::new(
        r"local n = 0
          for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
            if string.sub(id, 1, #ARGV[1]) == ARGV[1] then n = n + 1 end
          end
          return n",
    )
    .key(format!("{{{NAMESPACE}}}:calls"))
    .arg(pid)
    .invoke_async(connection)
    .await
    .unwrap()
}

fn a_killed_process_gives_its_slots_back_when_its_leases_expire() {
    check_descriptors();
    let runtime = runtime();
    let redis = RedisServer::start();
    let latency = Duration::from_millis(500);
    let emulator = emulator(&runtime, latency);
    let mut workers: Vec<Worker> = (0..PROCESSES)
        .map(|i| Worker::start("steady", i, &emulator, &redis))
        .collect();
    for worker in &mut workers {
        assert_eq!(worker.line(), "ready");
    }
    for worker in &mut workers {
        worker.tell("go");
    }
    let mut connection = runtime.block_on(connection(&redis));
    let victim_prefix = format!("{}-", workers[0].pid());
    let victims = |connection: &mut redis::aio::MultiplexedConnection| {
        runtime.block_on(leases_of(connection, &victim_prefix))
    };
    // Wait for the namespace to be (nearly) full, with the victim holding a share of it. The
    // slots are counted where the limiter keeps them, in Redis: on a busy machine a few are
    // always between one call's end and the next call's start, so "exactly 1,000 in the
    // emulator at one instant" may never be seen, while the leases show the same event.
    let everyone = |connection: &mut redis::aio::MultiplexedConnection| {
        runtime.block_on(leases_of(connection, ""))
    };
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let (all, theirs) = (everyone(&mut connection), victims(&mut connection));
        assert!(
            Instant::now() < deadline,
            "the four never held 900 slots with process 0 holding 100: {all} held, {theirs} by \
             process 0; {:?}",
            emulator.traffic()
        );
        assert!(all <= TRAY_MAX, "{all} leases in the namespace");
        if all >= TRAY_MAX * 9 / 10 && theirs >= 100 {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let mut victim = workers.remove(0);
    let killed = Instant::now();
    victim.child.kill().unwrap();
    victim.child.wait().unwrap();
    let held = victims(&mut connection);
    eprintln!("  killed process 0 holding {held} of the {TRAY_MAX} slots");
    assert!(held > 0, "process 0's leases vanished with it");

    // Its leases stay until they expire, and keep the others under 1,000 meanwhile (once the
    // dead process's own calls have left the emulator): the namespace never holds more than
    // 1,000, so the others hold at most 1,000 less what the dead process still holds.
    let mut most_while_held = 0;
    let gone = loop {
        let in_progress = emulator.traffic().calls_in_progress;
        let left = victims(&mut connection);
        let all = everyone(&mut connection);
        let since = killed.elapsed();
        assert!(all <= TRAY_MAX, "{all} leases in the namespace");
        if left == 0 {
            break since;
        }
        if since > latency + Duration::from_millis(100) {
            most_while_held = most_while_held.max(in_progress);
        }
        assert!(
            since < SHORT_LEASE + Duration::from_secs(60),
            "the dead process's leases never expired"
        );
        std::thread::sleep(Duration::from_millis(5));
    };
    // Then the others take the freed slots: more than they could hold beside the dead leases.
    let back = loop {
        let since = killed.elapsed();
        let all = everyone(&mut connection);
        if all > TRAY_MAX - held {
            break since;
        }
        assert!(
            since < gone + Duration::from_secs(60),
            "the others never took the freed slots: {all} held, {:?}",
            emulator.traffic()
        );
        std::thread::sleep(Duration::from_millis(2));
    };
    eprintln!(
        "  its leases (2 s) were gone {gone:?} after the kill; the others had at most \
         {most_while_held} calls in flight until then, and held more than {} slots {back:?} \
         after the kill",
        TRAY_MAX - held
    );
    assert!(most_while_held < TRAY_MAX, "{most_while_held}");
    assert!(gone >= SHORT_LEASE / 2, "leases gone after {gone:?}");

    for worker in &mut workers {
        worker.tell("stop");
    }
    let mut ok = HashMap::new();
    for worker in &mut workers {
        let (o, failed) = worker.report();
        assert_eq!(failed, 0, "process {} had failed calls", worker.index);
        ok.insert(worker.index, o);
    }
    let traffic = emulator.traffic();
    eprintln!("  {traffic:?}");
    assert_eq!(traffic.calls_refused, 0, "{traffic:?}");
    assert!(traffic.peak_calls_in_progress <= TRAY_MAX, "{traffic:?}");
    let received = received(&emulator);
    assert!(
        received.values().all(|n| *n == 1),
        "an input received twice"
    );
    for (index, ok) in ok {
        let prefix = format!("p{index}-");
        let seen = received.keys().filter(|t| t.starts_with(&prefix)).count();
        assert_eq!(
            seen, ok,
            "process {index}: answered {ok}, emulator saw {seen}"
        );
    }
}
