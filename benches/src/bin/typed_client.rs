//! Calls per second through `Client::call` against the best hand-written typed client: reqwest
//! with serde-derive structs (`tray_connect_benches::derive_baseline`) serialised straight into
//! the body and the answer decoded straight from the bytes, no `Value` anywhere. Both talk to a
//! minimal canned HTTP/1.1 server on its own runtime (it reads each request and writes one fixed
//! answer), so the server's CPU dilutes client differences as little as possible. Issue 15
//! goal 1: ratio >= 1.00.
//!
//!     cd benches && cargo run --release --bin typed_client -- [ROUNDS] [SECONDS] [LEVELS..]
//!
//! `NO_LIMITS=1` builds our client without its client-side limits. Defaults: 7 rounds of 5 s
//! at 1, 16 and 256 concurrent calls; rounds alternate which client goes first. Two measures per
//! run: calls per second, and CPU time per call of the client runtime's threads (what a call
//! costs the client). The ratio of each round is ours / baseline, reported as median with
//! min–max.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tray_connect_benches::{
    client_runtime, compare_rounds, derive_baseline, operation_0_samples, ops, round_args,
};

const TOKEN: &str = "bench-token";
const AUTH_ID: &str = "fe6ce53d-b414-4f24-b0d5-16a0a75544a0";

/// What the hand-written client sends.
#[derive(Serialize)]
struct Envelope<'a> {
    operation: &'a str,
    #[serde(rename = "authId")]
    auth_id: &'a str,
    input: &'a derive_baseline::Operation0,
}

/// What it reads back.
#[derive(Deserialize)]
struct Answer {
    outcome: String,
    output: derive_baseline::Operation0Output,
}

/// Answers every request on every connection with `answer`, keeping connections alive.
async fn canned_server(listener: TcpListener, answer: Arc<Vec<u8>>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let answer = answer.clone();
        tokio::spawn(async move {
            let (read, mut write) = stream.into_split();
            let mut read = BufReader::new(read);
            let mut line = String::new();
            let mut body = Vec::new();
            loop {
                // Headers: only Content-Length matters.
                let mut length = 0usize;
                loop {
                    line.clear();
                    if read.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    let header = line.trim_end();
                    if header.is_empty() {
                        break;
                    }
                    if let Some((name, value)) = header.split_once(':')
                        && name.eq_ignore_ascii_case("content-length")
                    {
                        length = value.trim().parse().unwrap_or(0);
                    }
                }
                body.resize(length, 0);
                if read.read_exact(&mut body).await.is_err() {
                    return;
                }
                if write.write_all(&answer).await.is_err() {
                    return;
                }
            }
        });
    }
}

fn main() {
    let (rounds, seconds, levels) = round_args(7, 5.0);

    let (input_value, output_value) = operation_0_samples();
    let body =
        serde_json::to_vec(&serde_json::json!({"outcome": "success", "output": output_value}))
            .unwrap();
    let mut answer = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    answer.extend_from_slice(&body);

    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let listener = server_rt
        .block_on(TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    server_rt.spawn(canned_server(listener, Arc::new(answer)));

    let (rt, tids) = client_runtime(2);
    let ours_input: ops::Operation0 = serde_json::from_value(input_value.clone()).unwrap();
    let baseline_input: derive_baseline::Operation0 = serde_json::from_value(input_value).unwrap();
    let ours = rt.block_on(async {
        let builder = tray_connect::Client::builder().token(TOKEN).base_url(&base);
        // `NO_LIMITS=1`: without the client-side limits, to see their share.
        let builder = if std::env::var_os("NO_LIMITS").is_some() {
            builder.max_concurrent_calls(None).rate_limit(None)
        } else {
            builder
        };
        builder.build().unwrap()
    });
    let http = reqwest::Client::new();
    let url = Arc::new(format!(
        "{base}/core/v1/connectors/synthetic/versions/1.0/call"
    ));
    let authorization = Arc::new(format!("Bearer {TOKEN}"));

    let ours_call = {
        let input = Arc::new(ours_input);
        move || {
            let ours = ours.clone();
            let input = input.clone();
            async move {
                let output = ours.call(AUTH_ID, (*input).clone()).await.unwrap();
                std::hint::black_box(output);
            }
        }
    };
    let baseline_call = {
        let input = Arc::new(baseline_input);
        move || {
            let http = http.clone();
            let input = input.clone();
            let url = url.clone();
            let authorization = authorization.clone();
            async move {
                // Each call owns its input, as with `Client::call` (which takes it by value).
                let input = (*input).clone();
                let body = serde_json::to_vec(&Envelope {
                    operation: "operation_0",
                    auth_id: AUTH_ID,
                    input: &input,
                })
                .unwrap();
                let bytes = http
                    .post(url.as_str())
                    .header("authorization", authorization.as_str())
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await
                    .unwrap()
                    .error_for_status()
                    .unwrap()
                    .bytes()
                    .await
                    .unwrap();
                let answer: Answer = serde_json::from_slice(&bytes).unwrap();
                assert_eq!(answer.outcome, "success");
                std::hint::black_box(answer.output);
            }
        }
    };

    println!(
        "{rounds} rounds of {seconds} s per client per level; calls/s and client CPU per call; canned server"
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
            || {},
        );
    }
}
