#!/usr/bin/env python3
"""A user's first build: a new crate calling Twilio's send_sms through `connector!`, against the
same call written with reqwest + serde's derives directly (same TLS: reqwest's rustls), each
built from an empty target directory, alternating, ROUNDS rounds. Prints the median wall time
of each and the ratio ours / baseline.

    python3 benches/cold_build.py [--rounds 3] [--profile dev|release]

Both crates are written to benches/work/cold/ and built offline (the registry cache must hold
their dependencies: build the workspace once first). Nothing else should be building.
"""
import argparse, os, shutil, statistics, subprocess, sys, tempfile, time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "work" / "cold"

OURS_MAIN = r'''
mod twilio {
    tray_connect::connector!("twilio-output", "2.1", "schemas/twilio-output.json", operations = ["send_sms"]);
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = tray_connect::Client::from_env()?;
    let auth_id = std::env::var("TRAY_AUTH_ID")?;
    let sms = twilio::SendSms::builder()
        .to("+15551234567")
        .from("+15557654321")
        .body("Hello from Rust")
        .build();
    let sent = client.call(&auth_id, sms).await?;
    println!("sent {} ({:?})", sent.sid, sent.status);
    Ok(())
}
'''

BASELINE_MAIN = r'''
use serde::{Deserialize, Serialize};

#[derive(Serialize)]
struct SendSms {
    to: String,
    from: String,
    body: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    media_url: Option<String>,
}

#[derive(Serialize)]
struct Call<'a> {
    operation: &'a str,
    #[serde(rename = "authId")]
    auth_id: &'a str,
    input: SendSms,
}

#[derive(Deserialize, Debug)]
#[serde(rename_all = "lowercase")]
enum Status {
    Accepted,
    Scheduled,
    Canceled,
    Queued,
    Sending,
    Sent,
    Failed,
    Delivered,
    Undelivered,
    Receiving,
    Received,
    Read,
    #[serde(other)]
    Unknown,
}

#[derive(Deserialize)]
struct SendSmsOutput {
    sid: String,
    status: Option<Status>,
}

#[derive(Deserialize)]
struct Answer {
    outcome: String,
    output: serde_json::Value,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let token = std::env::var("TRAY_TOKEN")?;
    let auth_id = std::env::var("TRAY_AUTH_ID")?;
    let base = std::env::var("TRAY_API_URL").unwrap_or_else(|_| "https://api.tray.io".into());
    let call = Call {
        operation: "send_sms",
        auth_id: &auth_id,
        input: SendSms {
            to: "+15551234567".into(),
            from: "+15557654321".into(),
            body: "Hello from Rust".into(),
            media_url: None,
        },
    };
    let answer: Answer = reqwest::Client::new()
        .post(format!("{base}/core/v1/connectors/twilio-output/versions/2.1/call"))
        .bearer_auth(token)
        .json(&call)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    if answer.outcome != "success" {
        return Err(format!("outcome {}", answer.outcome).into());
    }
    let sent: SendSmsOutput = serde_json::from_value(answer.output)?;
    println!("sent {} ({:?})", sent.sid, sent.status);
    Ok(())
}
'''


def write(crate, manifest, main):
    (crate / "src").mkdir(parents=True, exist_ok=True)
    (crate / "Cargo.toml").write_text(manifest)
    (crate / "src" / "main.rs").write_text(main)


def crates():
    if WORK.exists():
        shutil.rmtree(WORK)
    ours, baseline = WORK / "ours", WORK / "baseline"
    write(ours, f'''[package]
name = "cold-ours"
version = "0.0.0"
edition = "2024"
publish = false

[workspace]

[dependencies]
tray-connect = {{ path = "{ROOT / 'core'}" }}
tokio = {{ version = "1", features = ["macros", "rt-multi-thread"] }}
''', OURS_MAIN)
    (ours / "schemas").mkdir()
    shutil.copy(ROOT / "schemas" / "twilio-output.json", ours / "schemas" / "twilio-output.json")
    write(baseline, '''[package]
name = "cold-baseline"
version = "0.0.0"
edition = "2024"
publish = false

[workspace]

[dependencies]
reqwest = { version = "0.13", default-features = false, features = ["json", "rustls", "http2", "system-proxy"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
''', BASELINE_MAIN)
    # One lock file each, resolved once (offline) so every round builds the same versions.
    for crate in (ours, baseline):
        subprocess.run(["cargo", "generate-lockfile", "--offline", "-q"], cwd=crate, check=True)
    return ours, baseline


def build(crate, profile):
    with tempfile.TemporaryDirectory(prefix="cold-target-") as target:
        env = dict(os.environ, CARGO_TARGET_DIR=target, CARGO_INCREMENTAL="0")
        args = ["cargo", "build", "--offline", "-q"] + (["--release"] if profile == "release" else [])
        start = time.monotonic()
        subprocess.run(args, cwd=crate, env=env, check=True)
        return time.monotonic() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", choices=["dev", "release"], default="dev")
    args = parser.parse_args()
    ours, baseline = crates()
    times = {"ours": [], "baseline": []}
    for round_ in range(args.rounds):
        # Alternate which goes first, so that a drift in the machine's load hits both.
        order = [("ours", ours), ("baseline", baseline)]
        if round_ % 2:
            order.reverse()
        for name, crate in order:
            seconds = build(crate, args.profile)
            times[name].append(seconds)
            print(f"round {round_ + 1}: {name} {seconds:.1f} s", flush=True)
    o, b = statistics.median(times["ours"]), statistics.median(times["baseline"])
    ratios = [x / y for x, y in zip(times["ours"], times["baseline"])]
    print(f"ours {o:.1f} s ({min(times['ours']):.1f}-{max(times['ours']):.1f}), "
          f"baseline {b:.1f} s ({min(times['baseline']):.1f}-{max(times['baseline']):.1f}), "
          f"ratio {o / b:.2f} (per round {min(ratios):.2f}-{max(ratios):.2f})")


if __name__ == "__main__":
    sys.exit(main())
