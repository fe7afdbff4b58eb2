//! What the client's limits cost per call: calls per second through `Client::call` with the
//! default limits (1,000 calls in flight, other requests paced) against the same client with
//! both turned off (`max_concurrent_calls(None)`, `rate_limit(None)`), in this process, against
//! an emulator (validation off, fixed scripted output) on its own runtime. Rounds alternate
//! which client goes first; the ratio of each round is limited / unlimited, reported as median
//! with min–max.
//!
//!     cd benches && cargo run --release --bin limiter -- [ROUNDS] [SECONDS] [LEVELS..]
//!
//! Defaults: 15 rounds of 3 s at 1, 16 and 256 concurrent calls. Below 1,000 calls in flight the
//! limit never makes a call wait, so what is measured is the price of taking and giving back a
//! slot (a tokio `Semaphore` permit) on every call.
//!
//! Two measures per round: calls per second (wall clock, which other processes on the machine
//! disturb), and CPU time per call of the client's runtime threads (their
//! `/proc/self/task/TID/schedstat`, nanoseconds on CPU: the client's own work, which other
//! processes barely change). The run ends with the permit's price alone: permits taken and
//! dropped in a loop, on one task and on 256 tasks of the same 2-worker runtime.

use std::sync::Arc;
use std::time::Instant;

use tokio::sync::Semaphore;
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

/// Nanoseconds per permit taken and given back, `tasks` tasks at once.
async fn permit_ns(tasks: usize, per_task: usize) -> f64 {
    let semaphore = Arc::new(Semaphore::new(1_000));
    let start = Instant::now();
    let handles: Vec<_> = (0..tasks)
        .map(|_| {
            let semaphore = semaphore.clone();
            tokio::spawn(async move {
                for _ in 0..per_task {
                    let permit = semaphore.acquire().await.unwrap();
                    std::hint::black_box(&permit);
                    drop(permit);
                }
            })
        })
        .collect();
    for handle in handles {
        handle.await.unwrap();
    }
    start.elapsed().as_nanos() as f64 / (tasks * per_task) as f64
}

fn main() {
    let (rounds, seconds, levels) = round_args(15, 3.0);

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

    // The client's runtime, its threads' ids kept to read their CPU time.
    let (rt, tids) = client_runtime(2);
    let typed_input: ops::Operation0 = serde_json::from_value(input_value).unwrap();
    let client = |limited: bool| {
        let builder = tray_connect::Client::builder().token(TOKEN).base_url(&base);
        let builder = if limited {
            builder // the defaults: 1,000 calls in flight, other requests paced
        } else {
            builder.max_concurrent_calls(None).rate_limit(None)
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
    let limited_call = caller(client(true));
    let unlimited_call = caller(client(false));

    println!(
        "{rounds} rounds of {seconds} s per client per level; calls/s and client CPU µs per call"
    );
    for &level in &levels {
        rt.block_on(run_counted(level, 0.5, limited_call.clone()));
        rt.block_on(run_counted(level, 0.5, unlimited_call.clone()));
        let mut rates = (Vec::new(), Vec::new(), Vec::new());
        let mut cpus = (Vec::new(), Vec::new(), Vec::new());
        for round in 0..rounds {
            let go = |limited: bool| {
                let result = if limited {
                    measure(&rt, &tids, level, seconds, limited_call.clone())
                } else {
                    measure(&rt, &tids, level, seconds, unlimited_call.clone())
                };
                emulator.clear_calls();
                result
            };
            let ((x, cx), (y, cy)) = if round % 2 == 0 {
                let with = go(true);
                (with, go(false))
            } else {
                let without = go(false);
                (go(true), without)
            };
            println!(
                "  concurrency {level:>3} round {}: limits {x:>7.0}/s {:>6.2} µs  none {y:>7.0}/s {:>6.2} µs  ratio {:.3} / cpu {:.3}",
                round + 1,
                cx / 1e3,
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
        }
        let (w, wl, wh) = stats(&rates.0);
        let (n, nl, nh) = stats(&rates.1);
        let (r, rl, rh) = stats(&rates.2);
        println!(
            "concurrency {level}: calls/s limits median {w:.0} ({wl:.0}-{wh:.0}), none median {n:.0} ({nl:.0}-{nh:.0}), ratio median {r:.3} (min {rl:.3}, max {rh:.3})"
        );
        let (w, wl, wh) = stats(&cpus.0);
        let (n, nl, nh) = stats(&cpus.1);
        let (r, rl, rh) = stats(&cpus.2);
        println!(
            "concurrency {level}: client CPU µs/call limits median {w:.2} ({wl:.2}-{wh:.2}), none median {n:.2} ({nl:.2}-{nh:.2}), ratio median {r:.3} (min {rl:.3}, max {rh:.3})"
        );
    }

    let one = rt.block_on(permit_ns(1, 2_000_000));
    let many = rt.block_on(permit_ns(256, 20_000));
    println!(
        "semaphore permit taken and given back: {one:.1} ns on one task, {many:.1} ns per permit with 256 tasks"
    );
    drop(emulator);
}
