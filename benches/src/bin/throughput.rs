//! Calls per second through `Client::call` (typed input and output) against the same calls
//! hand-written with `reqwest` + `serde_json::json!`, both in this process, against an emulator
//! (validation off, fixed scripted output) on its own runtime.
//!
//!     cd benches && cargo run --release --bin throughput -- [ROUNDS] [SECONDS] [LEVELS..]
//!
//! Defaults: 7 rounds of 5 s at 1, 16 and 256 concurrent calls. Rounds alternate which client
//! goes first; the ratio of each round is ours / baseline, reported as median with min–max.

use std::sync::Arc;

use serde_json::{Value, json};
use tray_connect_benches::{
    client_runtime, compare_rounds, one_operation_document, operation_0_samples, ops, round_args,
};
use tray_connect_emulator::Emulator;

const TOKEN: &str = "bench-token";

fn main() {
    let (rounds, seconds, levels) = round_args(7, 5.0);

    // The emulator on a runtime of its own (two workers, like the clients').
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

    let (rt, tids) = client_runtime(2);
    let typed_input: ops::Operation0 = serde_json::from_value(input_value.clone()).unwrap();
    let ours = tray_connect::Client::builder()
        .token(TOKEN)
        .base_url(&base)
        .build()
        .unwrap();
    let http = reqwest::Client::new();
    let url = format!("{base}/core/v1/connectors/synthetic/versions/1.0/call");
    let authorization = format!("Bearer {TOKEN}");

    let ours_call = {
        let ours = ours.clone();
        let input = Arc::new(typed_input);
        move || {
            let ours = ours.clone();
            let input = input.clone();
            async move {
                let output = ours
                    .call("fe6ce53d-b414-4f24-b0d5-16a0a75544a0", (*input).clone())
                    .await
                    .unwrap();
                std::hint::black_box(output);
            }
        }
    };
    let baseline_call = {
        let input = Arc::new(input_value);
        let url = Arc::new(url);
        let authorization = Arc::new(authorization);
        move || {
            let http = http.clone();
            let input = input.clone();
            let url = url.clone();
            let authorization = authorization.clone();
            async move {
                let body = json!({"operation": "operation_0", "authId": "fe6ce53d-b414-4f24-b0d5-16a0a75544a0",
                                  "input": (*input).clone()});
                let answer: Value = http
                    .post(url.as_str())
                    .header("authorization", authorization.as_str())
                    .json(&body)
                    .send()
                    .await
                    .unwrap()
                    .error_for_status()
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                assert_eq!(answer["outcome"], "success");
                std::hint::black_box(&answer["output"]);
            }
        }
    };

    println!(
        "{rounds} rounds of {seconds} s per client per level; calls/s and client CPU per call"
    );
    for &level in &levels {
        compare_rounds(
            &rt,
            &tids,
            level,
            rounds,
            seconds,
            ours_call.clone(),
            baseline_call.clone(),
            || emulator.clear_calls(),
        );
    }
    drop(emulator);
}
