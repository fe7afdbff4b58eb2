//! Typed against `serde_json::Value` serialise + deserialise cost per call.
//!
//!     cd benches && cargo bench --bench serde_cost
//!
//! One call of `operation_0` (16 inputs with nested objects, enums, arrays; 16 output fields
//! plus two unlisted ones that land in the typed output's `extra` catch-all):
//! - `typed_client_path`: what `Client::call` did before 618dc02: `serde_json::to_value(&input)`, the request
//!   envelope, and on the way back body → `Value` → `decode_output::<Operation0Output>`.
//! - `value_client_path`: what `Client::call_raw` / a hand-written `json!` client does: the request
//!   envelope of a `Value` input, and body → `Value`.
//! - `decode_output/connector`: the answer's bytes straight into `Operation0Output` as
//!   `connector!` generates it; `decode_output/serde_derive`: the same types written with serde's
//!   derives (`tray_connect_benches::derive_baseline`), the way a hand-written client would.
//! - `drift/*` (issue 27): `decode_call_typed` alone (`plain`) and as `Client::call` runs it,
//!   through `DriftLog::watch` (`watched`), of an answer with nothing the document does not
//!   promise (`clean`: the sample without its two unlisted fields) and of the sample itself
//!   (`drifting`: the two unlisted fields are drift, so `watched` decodes it a second time to
//!   find their JSON pointers).
//! - `typed_direct`: typed without the `Value` intermediate (input serialised straight into the
//!   envelope, output deserialised straight from the bytes): what `Client::call` does since 618dc02.

use criterion::{Criterion, criterion_group, criterion_main};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::hint::black_box;
use tray_connect::__wire::{DriftLog, decode_call, decode_call_typed, decode_output, encode_call};
use tray_connect_benches::{derive_baseline, operation_0_samples, ops};

#[derive(Serialize)]
struct Envelope<'a, I> {
    operation: &'a str,
    #[serde(rename = "authId")]
    auth_id: &'a str,
    input: &'a I,
    #[serde(rename = "returnOutputSchema")]
    return_output_schema: bool,
}

#[derive(Deserialize)]
struct Answer<O> {
    #[allow(dead_code)]
    outcome: String,
    output: O,
}

fn bench(c: &mut Criterion) {
    let (input_value, output_value) = operation_0_samples();
    let typed_input: ops::Operation0 = serde_json::from_value(input_value.clone()).unwrap();
    let typed_output: ops::Operation0Output = serde_json::from_value(output_value.clone()).unwrap();
    assert_eq!(
        typed_output.extra.len(),
        2,
        "the unlisted fields land in `extra`"
    );
    let body =
        serde_json::to_vec(&serde_json::json!({"outcome": "success", "output": output_value}))
            .unwrap();
    eprintln!(
        "input {} bytes, answer {} bytes",
        serde_json::to_vec(&input_value).unwrap().len(),
        body.len()
    );

    let ours: Answer<ops::Operation0Output> = serde_json::from_slice(&body).unwrap();
    let derived: Answer<derive_baseline::Operation0Output> = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        (ours.output.extra.len(), derived.output.extra.len()),
        (2, 2),
        "both keep the unlisted fields"
    );
    let mut decode = c.benchmark_group("decode_output");
    decode.bench_function("connector", |b| {
        b.iter(|| {
            serde_json::from_slice::<Answer<ops::Operation0Output>>(black_box(&body)).unwrap()
        })
    });
    decode.bench_function("serde_derive", |b| {
        b.iter(|| {
            serde_json::from_slice::<Answer<derive_baseline::Operation0Output>>(black_box(&body))
                .unwrap()
        })
    });
    decode.finish();

    let mut clean_output = output_value.clone();
    for key in typed_output.extra.keys() {
        clean_output.as_object_mut().unwrap().remove(key);
    }
    let clean_body =
        serde_json::to_vec(&serde_json::json!({"outcome": "success", "output": clean_output}))
            .unwrap();
    let what = || "output".to_owned();
    let log = DriftLog::default();
    let watched = |body: &[u8]| {
        log.watch::<ops::Operation0Output, _>("bench", "1.0", "operation_0", body, || {
            decode_call_typed::<ops::Operation0Output>(body, what)
        })
        .unwrap()
    };
    watched(&clean_body);
    assert!(log.report().is_empty(), "the clean answer has no drift");
    watched(&body);
    assert_eq!(log.report().observed.len(), 2, "the two unlisted fields");
    let mut drift = c.benchmark_group("drift");
    drift.bench_function("clean_plain", |b| {
        b.iter(|| decode_call_typed::<ops::Operation0Output>(black_box(&clean_body), what).unwrap())
    });
    drift.bench_function("clean_watched", |b| {
        b.iter(|| watched(black_box(&clean_body)))
    });
    drift.bench_function("drifting_plain", |b| {
        b.iter(|| decode_call_typed::<ops::Operation0Output>(black_box(&body), what).unwrap())
    });
    drift.bench_function("drifting_watched", |b| b.iter(|| watched(black_box(&body))));
    drift.finish();

    let mut group = c.benchmark_group("serde_per_call");
    group.bench_function("typed_client_path", |b| {
        b.iter(|| {
            let v = serde_json::to_value(black_box(&typed_input)).unwrap();
            let request = encode_call("operation_0", "auth", &v, false).unwrap();
            let output = decode_call(black_box(&body)).unwrap();
            let typed: ops::Operation0Output = decode_output(output, "output").unwrap();
            (request, typed)
        })
    });
    group.bench_function("value_client_path", |b| {
        b.iter(|| {
            let request =
                encode_call("operation_0", "auth", black_box(&input_value), false).unwrap();
            let output: Value = decode_call(black_box(&body)).unwrap();
            (request, output)
        })
    });
    group.bench_function("typed_direct", |b| {
        b.iter(|| {
            let envelope = Envelope {
                operation: "operation_0",
                auth_id: "auth",
                input: black_box(&typed_input),
                return_output_schema: false,
            };
            let request = serde_json::to_vec(&envelope).unwrap();
            let answer: Answer<ops::Operation0Output> =
                serde_json::from_slice(black_box(&body)).unwrap();
            (request, answer.output)
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
