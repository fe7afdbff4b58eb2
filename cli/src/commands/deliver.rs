//! `tray-connect deliver SUBSCRIPTION_ID --event JSON|@FILE`: makes a `tray-connect serve`
//! emulator deliver an event, as Tray would when the third party's event happens.
//!
//! Tray has no such request: only the emulator can be asked. It is asked through its own route
//! `POST /_emulator/subscriptions/{id}/deliver` (token-protected like every route), which holds
//! the subscription's key, signs the event's bytes with it and sends them to the subscription's
//! endpoint, retrying as Tray does; the answer says how every attempt went.

use std::process::ExitCode;
use std::time::Duration;

use serde_json::Value;

use super::read_json_arg;
use crate::connection::Connection;
use crate::failure::Failure;
use crate::trigger_args::DeliverArgs;

/// Long enough for the emulator's every attempt (5 by default, each given 10 s, with backoff).
const TIMEOUT: Duration = Duration::from_secs(120);

/// Asks the emulator to deliver; exit 0 when the receiver took the event, 1 when not.
pub async fn run(connection: &Connection, args: DeliverArgs) -> Result<ExitCode, Failure> {
    let (event, _) = read_json_arg("--event", &args.event)?;
    let url = route(connection, &args.subscription_id)?;
    let token = connection
        .token
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            Failure::usage("no token: pass --token or set TRAY_TOKEN (the one `serve` printed)")
        })?;
    let http = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(TIMEOUT)
        .build()
        .map_err(|e| Failure::failed(format!("cannot set up an HTTP client: {e}")))?;
    let answer = http
        .post(url.clone())
        .bearer_auth(token)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(event)
        .send()
        .await
        .map_err(|e| Failure::failed(format!("cannot reach the emulator at {url}: {e}")))?;
    let status = answer.status().as_u16();
    let body = answer.bytes().await.unwrap_or_default();
    let said: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    if status != 200 {
        let message = said.get("message").and_then(Value::as_str).map_or_else(
            || String::from_utf8_lossy(&body).into_owned(),
            str::to_owned,
        );
        let hint = if status == 404 && !message.contains("subscription") {
            " (is this the URL `tray-connect serve` printed?)"
        } else {
            ""
        };
        return Err(Failure::failed(format!(
            "the emulator refused the delivery ({status}): {message}{hint}"
        )));
    }
    report(&said)
}

/// The emulator's route for delivering to `id`, from `--api-url` / `TRAY_API_URL`, which must
/// be on this machine.
fn route(connection: &Connection, id: &str) -> Result<reqwest::Url, Failure> {
    let base = connection
        .api_url
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .ok_or_else(|| {
            Failure::usage(
                "deliver asks a `tray-connect serve` emulator: pass --api-url or set \
                 TRAY_API_URL to the URL it printed",
            )
        })?;
    let mut url = reqwest::Url::parse(base)
        .map_err(|e| Failure::usage(format!("--api-url {base} is not a URL: {e}")))?;
    let host = url.host_str().unwrap_or_default().trim_matches(['[', ']']);
    let loopback = match host.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    };
    if url.scheme() != "http" || !loopback {
        return Err(Failure::usage(format!(
            "{base} is not an emulator on this machine: Tray delivers events when they happen, \
             and only `tray-connect serve` (http://127.0.0.1:PORT) can be asked to deliver one"
        )));
    }
    url.path_segments_mut()
        .map_err(|()| Failure::usage(format!("--api-url {base} cannot take a path")))?
        .pop_if_empty()
        .extend(["_emulator", "subscriptions", id, "deliver"]);
    Ok(url)
}

/// Prints how the delivery went; exit 1 unless the receiver took it.
fn report(said: &Value) -> Result<ExitCode, Failure> {
    let endpoint = said["endpoint"].as_str().unwrap_or("its endpoint");
    let attempts: Vec<String> = said["attempts"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(n, attempt)| {
            let outcome = match (attempt["status"].as_u64(), attempt["error"].as_str()) {
                (Some(status), _) => status.to_string(),
                (None, Some(error)) => format!("no answer ({error})"),
                (None, None) => "?".to_owned(),
            };
            let ms = attempt["durationMs"].as_u64().unwrap_or(0);
            format!("attempt {}: {outcome} in {ms} ms", n + 1)
        })
        .collect();
    let id = said["subscriptionId"].as_str().unwrap_or_default();
    if said["delivered"] == Value::Bool(true) {
        outln!("delivered to {endpoint} (subscription {id})");
        for line in &attempts {
            outln!("  {line}");
        }
        Ok(ExitCode::SUCCESS)
    } else {
        Err(Failure::failed(format!(
            "the receiver at {endpoint} did not take the event (subscription {id}): {}",
            attempts.join(", ")
        )))
    }
}
