//! Shared helpers of the benchmarks: documents, and typify's view of them.
//!
//! The synthetic document is written by `python3 benches/synthetic.py benches/work/synthetic.json`
//! (the benchmarks run it when the file is missing).

use std::path::PathBuf;

use serde_json::{Map, Value};

/// `benches/`.
pub fn here() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The synthetic ~3 MB document's text, generating it first if needed.
pub fn synthetic_document() -> String {
    let path = here().join("work/synthetic.json");
    if !path.exists() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let status = std::process::Command::new("python3")
            .arg(here().join("synthetic.py"))
            .arg(&path)
            .status()
            .expect("python3 benches/synthetic.py");
        assert!(status.success());
    }
    std::fs::read_to_string(path).unwrap()
}

/// The real GitHub legacy document (a fixture of the codegen tests).
pub fn github_document() -> String {
    std::fs::read_to_string(here().join("../codegen/tests/fixtures/github-legacy.json")).unwrap()
}

/// JSON Schema keywords typify understands; everything else (Tray's `advanced`, `lookup`,
/// `default_jsonpath`, `displayConditions`, ...) is dropped before handing a schema to it.
#[rustfmt::skip]
const KEYWORDS: &[&str] = &[
    "$ref", "type", "properties", "required", "items", "additionalProperties", "enum", "const",
    "oneOf", "anyOf", "allOf", "not", "title", "description", "default", "format", "minimum",
    "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "pattern",
    "minItems", "maxItems", "uniqueItems", "definitions", "$schema", "$id", "id",
    "patternProperties", "minProperties", "maxProperties", "multipleOf", "examples",
];

/// A copy of `schema` typify can read: unknown keywords dropped, `""` removed from `type`
/// arrays, empty `required` lists dropped, schemas keyed by property name kept as such.
pub fn clean(schema: &Value) -> Value {
    clean_at(schema, false)
}

fn clean_at(schema: &Value, keyed: bool) -> Value {
    match schema {
        Value::Object(map) if keyed => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), clean_at(v, false)))
                .collect(),
        ),
        Value::Object(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                if !KEYWORDS.contains(&k.as_str()) {
                    continue;
                }
                let v = match k.as_str() {
                    "properties" | "definitions" | "patternProperties" => clean_at(v, true),
                    "items" | "additionalProperties" | "not" => clean_at(v, false),
                    "oneOf" | "anyOf" | "allOf" => Value::Array(
                        v.as_array()
                            .into_iter()
                            .flatten()
                            .map(|s| clean_at(s, false))
                            .collect(),
                    ),
                    "type" => match v {
                        Value::Array(types) => {
                            let types: Vec<Value> =
                                types.iter().filter(|t| *t != "").cloned().collect();
                            if types.is_empty() {
                                continue;
                            }
                            Value::Array(types)
                        }
                        other => other.clone(),
                    },
                    "required" if v.as_array().is_some_and(|r| r.is_empty()) => continue,
                    "required" if !v.is_array() => continue,
                    _ => v.clone(),
                };
                out.insert(k.clone(), v);
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}

/// One operation's cleaned schemas, as JSON text (what typify is timed on).
pub struct TypifyInput {
    /// `Operation0`-style name of the input type.
    pub name: String,
    /// The operation's wire name.
    pub operation: String,
    /// Cleaned input schema text.
    pub input: String,
    /// Cleaned output schema text.
    pub output: String,
}

/// Whether typify (TypeSpace with struct builders) accepts the schema without error or panic.
pub fn typify_accepts(text: &str, name: &str) -> bool {
    let text = text.to_owned();
    let name = name.to_owned();
    std::panic::catch_unwind(move || {
        let Ok(schema) = serde_json::from_str::<schemars::schema::Schema>(&text) else {
            return false;
        };
        let mut space =
            typify::TypeSpace::new(typify::TypeSpaceSettings::default().with_struct_builder(true));
        space.add_type_with_name(&schema, Some(name)).is_ok() && !space.to_stream().is_empty()
    })
    .unwrap_or(false)
}

/// The operations of `document` whose input and output schemas typify accepts after cleaning,
/// the same operations as a document of their own (for our codegen), and the number of
/// schemas typify rejected.
pub fn typify_view(document: &str) -> (Vec<TypifyInput>, String, usize, usize) {
    let mut doc: Value = serde_json::from_str(document).unwrap();
    let elements = doc["elements"].as_array().unwrap().clone();
    let mut accepted = Vec::new();
    let mut kept = Vec::new();
    let mut rejected = 0;
    let empty = serde_json::json!({"type": "object"});
    for element in &elements {
        let operation = element["name"].as_str().unwrap().to_owned();
        let name = pascal(&operation);
        let input = clean(element.get("inputSchema").unwrap_or(&empty)).to_string();
        let output = clean(element.get("outputSchema").unwrap_or(&empty)).to_string();
        let ok_in = typify_accepts(&input, &name);
        let ok_out = typify_accepts(&output, &format!("{name}Output"));
        rejected += usize::from(!ok_in) + usize::from(!ok_out);
        if ok_in && ok_out {
            accepted.push(TypifyInput {
                name,
                operation,
                input,
                output,
            });
            kept.push(element.clone());
        }
    }
    let total = elements.len() * 2;
    doc["elements"] = Value::Array(kept);
    (accepted, doc.to_string(), rejected, total)
}

/// typify's expansion of all accepted schemas into one TypeSpace: parse, add, emit tokens.
pub fn typify_expand(inputs: &[TypifyInput]) -> proc_macro2::TokenStream {
    let mut space =
        typify::TypeSpace::new(typify::TypeSpaceSettings::default().with_struct_builder(true));
    for op in inputs {
        let input: schemars::schema::Schema = serde_json::from_str(&op.input).unwrap();
        let output: schemars::schema::Schema = serde_json::from_str(&op.output).unwrap();
        space
            .add_type_with_name(&input, Some(op.name.clone()))
            .unwrap();
        space
            .add_type_with_name(&output, Some(format!("{}Output", op.name)))
            .unwrap();
    }
    space.to_stream()
}

/// Our expansion of a whole document, as the source text the macro hands rustc.
pub fn ours_source(name: &str, version: &str, document: &str) -> String {
    tray_connect_codegen::expand(&tray_connect_codegen::Request {
        connector: name,
        version,
        document,
        operations: None,
        serde: tray_connect_codegen::Serde::Both,
    })
    .unwrap()
    .source
}

/// The same, lexed into tokens (by proc-macro2's own lexer outside a proc macro).
pub fn ours_expand(name: &str, version: &str, document: &str) -> proc_macro2::TokenStream {
    ours_source(name, version, document).parse().unwrap()
}

/// `send_sms` -> `SendSms`.
pub fn pascal(s: &str) -> String {
    s.split(['_', '-', ' '])
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

/// Header name and version of a document.
pub fn header(document: &str) -> (String, String) {
    // Headerless documents (the GitHub fixture) are expanded as `github` 1.2, as tests/lib.rs does.
    let doc: Value = serde_json::from_str(document).unwrap();
    (
        doc["connector"]["name"]
            .as_str()
            .unwrap_or("github")
            .to_owned(),
        doc["connector"]["version"]
            .as_str()
            .unwrap_or("1.2")
            .to_owned(),
    )
}

/// The typed input and output of `operation_0` of the synthetic document (16 inputs, 4 of them
/// required; 16 output fields; nested objects, enums, arrays), as `connector!` generates them.
pub mod ops {
    tray_connect::connector!("synthetic", "1.0", "data/one_operation.json");
}

pub mod derive_baseline;

/// The one-operation document the run-time benchmarks serve.
pub fn one_operation_document() -> String {
    std::fs::read_to_string(here().join("data/one_operation.json")).unwrap()
}

/// A value conforming to `schema` with every property present (arrays of two items), plus, on
/// objects at the top level when `extra` is set, two fields the schema does not list (they land
/// in a typed output's `extra` catch-all).
pub fn sample(schema: &Value, extra: bool) -> Value {
    let mut value = sample_at(schema, 0);
    if extra && let Value::Object(map) = &mut value {
        map.insert("unlisted_id".into(), Value::from("abc-123"));
        map.insert(
            "unlisted_meta".into(),
            serde_json::json!({"etag": "W/\"1\"", "n": 3}),
        );
    }
    value
}

fn sample_at(schema: &Value, seed: usize) -> Value {
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return values[seed % values.len()].clone();
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("string") if schema.get("format").is_some() => Value::from("2026-11-27T22:47:01Z"),
        Some("string") => Value::from(format!("value number {seed}")),
        Some("integer") => Value::from(7 + seed as i64),
        Some("number") => Value::from(1.5 + seed as f64),
        Some("boolean") => Value::from(seed.is_multiple_of(2)),
        Some("array") => Value::Array(
            (0..2)
                .map(|i| sample_at(&schema["items"], seed + i))
                .collect(),
        ),
        _ => Value::Object(
            schema
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .enumerate()
                .map(|(i, (k, v))| (k.clone(), sample_at(v, seed + i)))
                .collect(),
        ),
    }
}

/// Sample input (as JSON) and output (as JSON, with unlisted fields) of `operation_0`.
pub fn operation_0_samples() -> (Value, Value) {
    let doc: Value = serde_json::from_str(&one_operation_document()).unwrap();
    let element = &doc["elements"][0];
    (
        sample(&element["inputSchema"], false),
        sample(&element["outputSchema"], true),
    )
}

/// Calls per second over `seconds`: `concurrency` tasks each making `call` one after another.
pub async fn run<F, Fut>(concurrency: usize, seconds: f64, call: F) -> f64
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let (calls, elapsed) = run_counted(concurrency, seconds, call).await;
    calls as f64 / elapsed.as_secs_f64()
}

/// Like [`run`], but the number of calls made and the time they took.
pub async fn run_counted<F, Fut>(
    concurrency: usize,
    seconds: f64,
    call: F,
) -> (u64, std::time::Duration)
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::{Duration, Instant};

    let done = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let deadline = start + Duration::from_secs_f64(seconds);
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let call = call.clone();
            let done = done.clone();
            tokio::spawn(async move {
                while Instant::now() < deadline {
                    call().await;
                    done.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    (done.load(Ordering::Relaxed), start.elapsed())
}

/// The median of `v` (the mean of the middle two for an even count).
pub fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// `[ROUNDS] [SECONDS] [LEVELS..]` from the command line, with these defaults and levels 1, 16
/// and 256.
pub fn round_args(rounds: usize, seconds: f64) -> (usize, f64, Vec<usize>) {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rounds = args.first().map_or(rounds, |a| a.parse().unwrap());
    let seconds = args.get(1).map_or(seconds, |a| a.parse().unwrap());
    let levels = if args.len() > 2 {
        args[2..].iter().map(|a| a.parse().unwrap()).collect()
    } else {
        vec![1, 16, 256]
    };
    (rounds, seconds, levels)
}

/// Ids of a runtime's threads (`/proc/self/task/TID`), to read their CPU time.
pub type ThreadIds = std::sync::Arc<std::sync::Mutex<Vec<String>>>;

/// A multi-thread runtime of `workers` workers for the clients, with its threads' ids.
pub fn client_runtime(workers: usize) -> (tokio::runtime::Runtime, ThreadIds) {
    let tids = ThreadIds::default();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .on_thread_start({
            let tids = tids.clone();
            move || {
                // "/proc/thread-self" links to "PID/task/TID".
                if let Ok(link) = std::fs::read_link("/proc/thread-self")
                    && let Some(tid) = link.file_name()
                {
                    tids.lock()
                        .unwrap()
                        .push(tid.to_string_lossy().into_owned());
                }
            }
        })
        .build()
        .unwrap();
    (rt, tids)
}

/// Nanoseconds on CPU of the threads `tids`, so far (`schedstat`'s first field).
pub fn cpu_ns(tids: &ThreadIds) -> u64 {
    tids.lock()
        .unwrap()
        .iter()
        .map(|tid| {
            std::fs::read_to_string(format!("/proc/self/task/{tid}/schedstat"))
                .ok()
                .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok())
                .unwrap_or(0)
        })
        .sum()
}

/// Calls per second, and CPU nanoseconds per call of the runtime's threads `tids`, of one timed
/// run of `call` at `level` concurrent calls.
pub fn measure<F, Fut>(
    rt: &tokio::runtime::Runtime,
    tids: &ThreadIds,
    level: usize,
    seconds: f64,
    call: F,
) -> (f64, f64)
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let cpu_before = cpu_ns(tids);
    let (calls, elapsed) = rt.block_on(run_counted(level, seconds, call));
    let cpu = cpu_ns(tids) - cpu_before;
    (
        calls as f64 / elapsed.as_secs_f64(),
        cpu as f64 / calls as f64,
    )
}

/// `ours` against `baseline` at `level` concurrent calls on the client runtime `rt` (threads
/// `tids`): a warm-up, then `rounds` rounds of `seconds` that alternate which side goes first
/// (`between` runs after each run, e.g. to clear an emulator's records). Two measures per run:
/// calls per second (wall clock, which anything else on the machine disturbs, down to where the
/// scheduler puts the runtimes' threads) and CPU time per call of the client runtime's threads
/// (the client's own work, which other processes barely change). Prints each round and the
/// medians, with each measure's ratio ours / baseline (calls/s: higher is better; CPU: lower).
pub fn compare_rounds<F, G, FutF, FutG>(
    rt: &tokio::runtime::Runtime,
    tids: &ThreadIds,
    level: usize,
    rounds: usize,
    seconds: f64,
    ours: F,
    baseline: G,
    between: impl Fn(),
) where
    F: Fn() -> FutF + Clone + Send + 'static,
    FutF: std::future::Future<Output = ()> + Send,
    G: Fn() -> FutG + Clone + Send + 'static,
    FutG: std::future::Future<Output = ()> + Send,
{
    // `PROFILE_ONLY=ours|baseline`: one side alone for the whole time, to profile it
    // (`perf record` of a run that mixes both cannot tell whose inlined futures a sample is in).
    if let Ok(side) = std::env::var("PROFILE_ONLY") {
        let total = seconds * rounds as f64;
        let (rate, cpu) = match side.as_str() {
            "ours" => measure(rt, tids, level, total, ours),
            "baseline" => measure(rt, tids, level, total, baseline),
            other => panic!("PROFILE_ONLY is `ours` or `baseline`, not `{other}`"),
        };
        println!(
            "concurrency {level}: {side} alone {rate:.0} calls/s, {:.2} µs CPU per call over {total} s",
            cpu / 1e3
        );
        return;
    }
    measure(rt, tids, level, 0.5, ours.clone());
    measure(rt, tids, level, 0.5, baseline.clone());
    between();
    let (mut o, mut b, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    let (mut o_cpu, mut b_cpu, mut cpu_ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let ours_run = || {
            let x = measure(rt, tids, level, seconds, ours.clone());
            between();
            x
        };
        let baseline_run = || {
            let y = measure(rt, tids, level, seconds, baseline.clone());
            between();
            y
        };
        let ((x, cx), (y, cy)) = if round % 2 == 0 {
            let x = ours_run();
            (x, baseline_run())
        } else {
            let y = baseline_run();
            (ours_run(), y)
        };
        println!(
            "  concurrency {level:>3} round {}: ours {x:>8.0}/s {:>6.2} µs  baseline {y:>8.0}/s {:>6.2} µs  ratio {:.3} / cpu {:.3}",
            round + 1,
            cx / 1e3,
            cy / 1e3,
            x / y,
            cx / cy
        );
        o.push(x);
        b.push(y);
        ratios.push(x / y);
        o_cpu.push(cx / 1e3);
        b_cpu.push(cy / 1e3);
        cpu_ratios.push(cx / cy);
    }
    let report = |what: &str, digits: usize, ours: &[f64], baseline: &[f64], ratios: &[f64]| {
        let spread = |v: &[f64], digits: usize| {
            let lo = v.iter().cloned().fold(f64::MAX, f64::min);
            let hi = v.iter().cloned().fold(f64::MIN, f64::max);
            format!("{lo:.digits$}-{hi:.digits$}")
        };
        println!(
            "concurrency {level}: {what} ours median {:.digits$} ({}), baseline {:.digits$} ({}), ratio median {:.3} ({})",
            median(ours.to_vec()),
            spread(ours, digits),
            median(baseline.to_vec()),
            spread(baseline, digits),
            median(ratios.to_vec()),
            spread(ratios, 3),
        );
    };
    report("calls/s", 0, &o, &b, &ratios);
    report("client CPU µs per call", 2, &o_cpu, &b_cpu, &cpu_ratios);
}
