//! An emulator on 127.0.0.1 serving the one-operation document with validation off and a
//! fixed scripted output, for load generators such as `wrk`; it exits after SECONDS.
//!
//!     cd benches && cargo run --release --bin serve -- PORT SECONDS [WORKERS]

use std::time::Duration;

use tray_connect_benches::{one_operation_document, operation_0_samples};
use tray_connect_emulator::Emulator;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let port: u16 = args.first().map_or(18080, |a| a.parse().unwrap());
    let seconds: u64 = args.get(1).map_or(30, |a| a.parse().unwrap());
    let workers: usize = args.get(2).map_or(2, |a| a.parse().unwrap());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let (_, output) = operation_0_samples();
        let emulator = Emulator::builder()
            .token("bench-token")
            .document_json(one_operation_document())
            .validate(false)
            .port(port)
            .start()
            .await
            .unwrap();
        emulator.respond("synthetic", "operation_0", output);
        println!("{}", emulator.base_url());
        let deadline = tokio::time::Instant::now() + Duration::from_secs(seconds);
        // Recorded calls would grow without bound under load; drop them every second.
        while tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_secs(1)).await;
            emulator.clear_calls();
        }
    });
}
