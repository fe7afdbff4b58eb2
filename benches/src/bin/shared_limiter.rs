//! What the shared limiter (`ClientBuilder::shared_limits`, Redis) costs per call against the
//! in-process one: calls per second through `Client::call` with the default limits kept in
//! Redis as well (a lease taken by a Lua script before each call and given back after it)
//! against the same client with the default in-process limits only, in this process, against
//! an emulator (validation off, fixed scripted output) on its own runtime and a
//! `redis-server` on loopback that this benchmark starts (`apt-get install -y redis-server`).
//! Rounds alternate which client goes first; each round's ratio is shared / in-process,
//! reported as median with min–max.
//!
//!     cd benches && cargo run --release --bin shared_limiter -- [ROUNDS] [SECONDS] [LEVELS..]
//!
//! Defaults: 11 rounds of 3 s at 1, 16 and 256 concurrent calls. Three measures per round:
//! calls per second; CPU time per call of the client runtime's threads (its
//! `/proc/self/task/TID/schedstat`); and, for the shared client, the Redis server's CPU time per
//! call (`/proc/PID/stat`, in clock ticks). At 1 concurrent call the difference of the two
//! latencies (1 / calls per second) is the limiter's own latency per call.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tray_connect_benches::{
    client_runtime, measure, median, one_operation_document, operation_0_samples, ops, round_args,
    run_counted,
};
use tray_connect_emulator::Emulator;

const TOKEN: &str = "bench-token";
/// An authId as Tray issues them: the emulator refuses any other form with a 400.
const AUTH_ID: &str = "fe6ce53d-b414-4f24-b0d5-16a0a75544a0";

fn stats(v: &[f64]) -> (f64, f64, f64) {
    let lo = v.iter().cloned().fold(f64::MAX, f64::min);
    let hi = v.iter().cloned().fold(f64::MIN, f64::max);
    (median(v.to_vec()), lo, hi)
}

/// A `redis-server` on a free loopback port, killed when dropped.
struct Redis {
    child: Child,
    port: u16,
    dir: std::path::PathBuf,
}

impl Redis {
    fn start() -> Redis {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = std::env::temp_dir().join(format!("tray-bench-redis-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no", "--loglevel", "warning"])
            .arg("--dir")
            .arg(&dir)
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server is not installed: apt-get install -y redis-server");
        let redis = Redis { child, port, dir };
        let deadline = Instant::now() + Duration::from_secs(10);
        while !redis.answers_ping() {
            assert!(Instant::now() < deadline, "redis-server did not start");
            std::thread::sleep(Duration::from_millis(5));
        }
        redis
    }

    fn answers_ping(&self) -> bool {
        let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port)) else {
            return false;
        };
        let mut answer = [0u8; 7];
        stream.write_all(b"PING\r\n").is_ok()
            && stream.read_exact(&mut answer).is_ok()
            && &answer == b"+PONG\r\n"
    }

    /// The server's CPU time so far (user + system), in ns.
    fn cpu_ns(&self) -> u64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap();
        // Fields after the command name (which is in parentheses): utime is the 14th field.
        let after = &stat[stat.rfind(')').unwrap() + 2..];
        let fields: Vec<&str> = after.split_whitespace().collect();
        let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
        // USER_HZ is 100 on Linux.
        ticks * 10_000_000
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn main() {
    let (rounds, seconds, levels) = round_args(11, 3.0);
    let redis = Redis::start();

    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (input_value, output_value) = operation_0_samples();
    let emulator = server_rt.block_on(async {
        let emulator = Emulator::builder()
            .token(TOKEN)
            .document_json(one_operation_document())
            .validate(false)
            .start()
            .await
            .unwrap();
        emulator.respond("synthetic", "operation_0", output_value.clone());
        emulator
    });
    let base = emulator.base_url();

    // The clients' runtime, its threads' ids kept to read their CPU time. The shared limits
    // connect in it, so their connection's work counts as the client's.
    let (rt, tids) = client_runtime(2);
    let limits = rt.block_on(tray_connect::RedisLimits::connect(
        &format!("redis://127.0.0.1:{}/", redis.port),
        "bench",
    ));
    let limits = limits.unwrap();
    assert!(limits.is_connected());
    let typed_input: ops::Operation0 = serde_json::from_value(input_value).unwrap();
    let client = |shared: bool| {
        let builder = tray_connect::Client::builder().token(TOKEN).base_url(&base);
        let builder = if shared {
            builder.shared_limits(limits.clone())
        } else {
            builder // the defaults: 1,000 calls in flight, other requests paced, in-process
        };
        builder.build().unwrap()
    };
    let caller = |client: tray_connect::Client| {
        let input = Arc::new(typed_input.clone());
        move || {
            let client = client.clone();
            let input = input.clone();
            async move {
                let output = client.call(AUTH_ID, (*input).clone()).await.unwrap();
                std::hint::black_box(output);
            }
        }
    };
    let shared_call = caller(client(true));
    let local_call = caller(client(false));

    println!(
        "{rounds} rounds of {seconds} s per client per level; calls/s, client CPU µs per call, \
         redis-server CPU µs per call"
    );
    for &level in &levels {
        rt.block_on(run_counted(level, 0.5, shared_call.clone()));
        rt.block_on(run_counted(level, 0.5, local_call.clone()));
        let mut rates = (Vec::new(), Vec::new(), Vec::new());
        let mut cpus = (Vec::new(), Vec::new(), Vec::new());
        let mut redis_cpu = Vec::new();
        for round in 0..rounds {
            let go = |shared: bool| {
                let result = if shared {
                    let before = redis.cpu_ns();
                    let (rate, cpu) = measure(&rt, &tids, level, seconds, shared_call.clone());
                    let spent = (redis.cpu_ns() - before) as f64;
                    (rate, cpu, Some(spent / (rate * seconds)))
                } else {
                    let (rate, cpu) = measure(&rt, &tids, level, seconds, local_call.clone());
                    (rate, cpu, None)
                };
                emulator.clear_calls();
                result
            };
            let ((x, cx, r), (y, cy, _)) = if round % 2 == 0 {
                let with = go(true);
                (with, go(false))
            } else {
                let without = go(false);
                (go(true), without)
            };
            let r = r.unwrap_or_default();
            println!(
                "  concurrency {level:>3} round {}: shared {x:>7.0}/s {:>6.2} µs (redis {:>5.2} µs)  in-process {y:>7.0}/s {:>6.2} µs  ratio {:.3} / cpu {:.3}",
                round + 1,
                cx / 1e3,
                r / 1e3,
                cy / 1e3,
                x / y,
                cx / cy
            );
            rates.0.push(x);
            rates.1.push(y);
            rates.2.push(x / y);
            cpus.0.push(cx / 1e3);
            cpus.1.push(cy / 1e3);
            cpus.2.push(cx / cy);
            redis_cpu.push(r / 1e3);
        }
        let (w, wl, wh) = stats(&rates.0);
        let (n, nl, nh) = stats(&rates.1);
        let (r, rl, rh) = stats(&rates.2);
        println!(
            "concurrency {level}: calls/s shared median {w:.0} ({wl:.0}-{wh:.0}), in-process median {n:.0} ({nl:.0}-{nh:.0}), ratio median {r:.3} (min {rl:.3}, max {rh:.3})"
        );
        if level == 1 {
            println!(
                "concurrency 1: latency per call shared {:.1} µs, in-process {:.1} µs: the shared limiter adds {:.1} µs per call",
                1e6 / w,
                1e6 / n,
                1e6 / w - 1e6 / n
            );
        }
        let (w, wl, wh) = stats(&cpus.0);
        let (n, nl, nh) = stats(&cpus.1);
        let (r, rl, rh) = stats(&cpus.2);
        println!(
            "concurrency {level}: client CPU µs/call shared median {w:.2} ({wl:.2}-{wh:.2}), in-process median {n:.2} ({nl:.2}-{nh:.2}), ratio median {r:.3} (min {rl:.3}, max {rh:.3})"
        );
        let (m, lo, hi) = stats(&redis_cpu);
        println!("concurrency {level}: redis-server CPU µs/call median {m:.2} ({lo:.2}-{hi:.2})");
    }
    drop(emulator);
}
