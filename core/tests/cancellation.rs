//! Cancellation: dropping `call` futures mid-flight (waiting for headers, reading a trickling
//! body; through `select!` and by aborting the task) leaves the client usable and leaves no
//! task behind. A call is dropped once the emulator has its request (the event a test means by
//! "mid-flight"), never after a fixed time, which a loaded machine can outrun.
//!
//! The emulator runs on its own runtime, so the client runtime's `num_alive_tasks()` counts only
//! the client's tasks (the HTTP stack spawns one per connection). Tasks are compared before
//! and after: with the client alive, cancelled rounds must not accumulate tasks beyond the
//! connections a round opens; once the client is dropped, the count returns to the baseline.
//! Settling is awaited with a bounded poll, never a fixed sleep.

mod support;

use std::time::{Duration, Instant};

use serde_json::json;
use support::{AUTH_ID, acme, client_of};
use tokio::runtime::{Builder, Handle, Runtime};
use tray_connect::{Client, RetryPolicy};
use tray_connect_emulator::{Emulator, Fault, Scope};

/// Concurrent calls per cancelled round.
const PER_ROUND: usize = 50;

fn runtime(workers: usize) -> Runtime {
    Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .unwrap()
}

/// The emulator on a runtime of its own.
fn emulator() -> (Runtime, Emulator) {
    let rt = runtime(1);
    let emu = rt.block_on(acme().start()).unwrap();
    emu.respond(
        "acme",
        "send_message",
        json!({"ok": true, "ts": "x".repeat(200)}),
    );
    (rt, emu)
}

fn client(emu: &Emulator) -> Client {
    client_of(emu)
        .timeout(Duration::from_secs(10))
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

fn alive() -> usize {
    Handle::current().metrics().num_alive_tasks()
}

/// Waits until the emulator has received `n` calls in all: woken by the emulator as each
/// call arrives, with a 60 s hang guard (long enough for a machine busy with other builds).
async fn arrived(emu: &Emulator, n: usize) {
    let guard = Duration::from_secs(60);
    if tokio::time::timeout(guard, emu.wait_for_calls(n))
        .await
        .is_err()
    {
        panic!("{} of {n} calls reached the emulator", emu.calls().len());
    }
}

/// Waits (at most 60 s, on a busy machine) until at most `limit` tasks are alive; returns the
/// count.
async fn settle_to(limit: usize) -> usize {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let now = alive();
        if now <= limit || Instant::now() > deadline {
            return now;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn send(client: &Client) -> Result<serde_json::Value, tray_connect::Error> {
    client
        .call_raw(
            "acme",
            "1.0",
            "send_message",
            AUTH_ID,
            json!({"channel": "C1", "text": "hello"}),
        )
        .await
}

#[test]
fn dropped_calls_leave_the_client_usable_and_no_task_behind() {
    let (emu_rt, emu) = emulator();
    let rt = runtime(2);
    rt.block_on(async {
        let baseline = alive();
        let client = client(&emu);
        let faults = [
            // Dropped while waiting for the answer's headers.
            Fault::Latency(Duration::from_millis(400)),
            // Dropped while reading a slow body.
            Fault::Trickle { bytes_per_sec: 40 },
            // Dropped while the server says nothing at all.
            Fault::Hang,
        ];
        for (round, fault) in faults.iter().cycle().take(6).enumerate() {
            emu.inject(fault.clone(), Scope::Every(1));
            let before = emu.calls().len();
            let (cancel, cancelled) = tokio::sync::watch::channel(false);
            let tasks: Vec<_> = (0..PER_ROUND)
                .map(|i| {
                    let client = client.clone();
                    let mut cancelled = cancelled.clone();
                    tokio::spawn(async move {
                        let call = send(&client);
                        if i % 2 == 0 {
                            // Aborted from outside, with the call.
                            call.await.is_err()
                        } else {
                            tokio::select! {
                                _ = call => false,
                                _ = cancelled.wait_for(|yes| *yes) => true,
                            }
                        }
                    })
                })
                .collect();
            // Every request of the round is at the emulator: now they are mid-flight.
            arrived(&emu, before + PER_ROUND).await;
            for task in tasks.iter().step_by(2) {
                task.abort();
            }
            cancel.send_replace(true);
            for task in tasks {
                let cancelled = match task.await {
                    Ok(cancelled) => cancelled,
                    Err(aborted) => aborted.is_cancelled(),
                };
                assert!(cancelled, "round {round}: the call was cancelled");
            }
            emu.clear_faults();

            // Still usable, right away.
            let out = send(&client).await.unwrap();
            assert_eq!(out["ts"].as_str().unwrap().len(), 200, "round {round}");

            // No accumulation: at most one task per connection a round can open.
            let now = settle_to(baseline + PER_ROUND + 1).await;
            assert!(
                now <= baseline + PER_ROUND + 1,
                "round {round} ({fault:?}): {now} tasks alive, baseline {baseline}"
            );
        }

        drop(client);
        // Hung connections are closed by the server side only when the emulator stops; the
        // others end once their answer arrives or the pool lets go of them.
        let now = settle_to(baseline + PER_ROUND).await;
        assert!(now <= baseline + PER_ROUND, "{now} tasks alive");
    });
    // Stopping the emulator closes the hung connections: every client task ends.
    drop(emu);
    rt.block_on(async {
        let now = settle_to(0).await;
        assert_eq!(now, 0, "tasks left after the client and server are gone");
    });
    emu_rt.shutdown_background();
}

#[test]
fn a_cancelled_call_is_not_retried_behind_the_callers_back() {
    let (emu_rt, emu) = emulator();
    let rt = runtime(2);
    rt.block_on(async {
        let client = client_of(&emu)
            .retry(
                RetryPolicy::calls_idempotent()
                    .base_delay(Duration::from_millis(1))
                    .max_delay(Duration::from_millis(5)),
            )
            .build()
            .unwrap();
        // The call hangs at the emulator, and is dropped once it is there (a fixed 50 ms timeout
        // could fire before the request arrived, on a loaded machine).
        emu.inject(Fault::Hang, Scope::Next(1));
        tokio::select! {
            _ = send(&client) => panic!("a hung call answered"),
            () = arrived(&emu, 1) => {}
        }
        // Nothing runs on after the drop: no task holds the retry loop, so only the next
        // call adds a request.
        assert_eq!(emu.calls().len(), 1);
        send(&client).await.unwrap();
        assert_eq!(emu.calls().len(), 2);
    });
    drop(emu);
    emu_rt.shutdown_background();
}
