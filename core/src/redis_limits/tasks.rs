//! The background tasks: releases, renewals, probing an unreachable Redis, hearing other
//! processes' releases.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use tokio::sync::mpsc;

use super::link::Link;
use super::scripts::scripts;
use super::shared::{Release, Shared};
use super::{BACKGROUND_TIMEOUT, CONNECT_TIMEOUT, PROBE_INTERVAL, RELEASE_BATCH};

/// Gives leases back in batches, then wakes this process's waiters. Releases that Redis did
/// not take (an outage) are tried again once it answers; past [`MAX_UNSENT`] the oldest are
/// left to expire. Ends when every clone of the limits is gone (its channel closes), after
/// one last try.
pub(super) async fn release_task(
    link: Arc<Link>,
    shared: Weak<Shared>,
    calls_key: String,
    channel: String,
    mut releases: mpsc::UnboundedReceiver<Release>,
) {
    let mut unsent: Vec<Release> = Vec::new();
    let mut incoming = Vec::with_capacity(RELEASE_BATCH);
    loop {
        let received = if unsent.is_empty() {
            releases.recv_many(&mut incoming, RELEASE_BATCH).await
        } else {
            tokio::time::timeout(
                PROBE_INTERVAL,
                releases.recv_many(&mut incoming, RELEASE_BATCH),
            )
            .await
            .unwrap_or(usize::MAX)
        };
        let closed = received == 0;
        unsent.append(&mut incoming);
        let mut freed = 0;
        if link.is_up() {
            while !unsent.is_empty() {
                let rest = unsent.split_off(unsent.len().min(RELEASE_BATCH));
                let batch = std::mem::replace(&mut unsent, rest);
                if !release(&link, &calls_key, &channel, &batch).await {
                    unsent.splice(0..0, batch);
                    break;
                }
                freed += batch.len();
            }
        }
        if unsent.len() > MAX_UNSENT {
            unsent.drain(..unsent.len() - MAX_UNSENT);
        }
        if let Some(shared) = shared.upgrade() {
            shared.wake_waiters(freed);
        }
        if closed {
            return;
        }
    }
}

/// Releases kept for a Redis that does not answer, at most.
const MAX_UNSENT: usize = 100_000;

/// Gives `batch` back; whether Redis took it.
async fn release(link: &Link, calls_key: &str, channel: &str, batch: &[Release]) -> bool {
    let Some(mut connection) = link.connection() else {
        return false;
    };
    let limit = batch.iter().map(|r| r.limit).min().unwrap_or(0);
    let mut invocation = scripts().release.key(calls_key);
    invocation.arg(channel).arg(limit);
    for release in batch {
        invocation.arg(&release.member);
    }
    let answer = tokio::time::timeout(
        BACKGROUND_TIMEOUT,
        invocation.invoke_async::<i64>(&mut connection),
    )
    .await;
    match answer {
        Ok(Ok(_)) => true,
        Ok(Err(error)) => {
            link.went_down(&error);
            false
        }
        Err(_) => {
            link.went_down(&"a release went unanswered");
            false
        }
    }
}

/// Renews the leases this process holds, each once a third of its length has passed.
pub(super) async fn renew_task(shared: Weak<Shared>) {
    loop {
        let tick = {
            let Some(shared) = shared.upgrade() else {
                return;
            };
            let shortest = shared.shortest_lease_ms.load(Ordering::Relaxed);
            Duration::from_millis(shortest / 6)
                .clamp(Duration::from_millis(5), Duration::from_secs(1))
        };
        tokio::time::sleep(tick).await;
        let Some(shared) = shared.upgrade() else {
            return;
        };
        let now = Instant::now();
        let mut due: HashMap<u64, Vec<String>> = HashMap::new();
        if let Ok(held) = shared.held.lock() {
            for lease in held.values() {
                if now.duration_since(lease.renewed) >= Duration::from_millis(lease.lease_ms / 3) {
                    due.entry(lease.lease_ms)
                        .or_default()
                        .push(lease.member.clone());
                }
            }
        }
        if due.is_empty() {
            continue;
        }
        let Some(mut connection) = shared.link.connection() else {
            continue;
        };
        let mut renewed = Vec::new();
        for (lease_ms, members) in due {
            for chunk in members.chunks(RELEASE_BATCH) {
                let mut invocation = scripts().renew.key(&shared.calls_key);
                invocation.arg(lease_ms);
                for member in chunk {
                    invocation.arg(member);
                }
                let answer = tokio::time::timeout(
                    BACKGROUND_TIMEOUT,
                    invocation.invoke_async::<i64>(&mut connection),
                )
                .await;
                match answer {
                    Ok(Ok(_)) => renewed.extend(chunk.iter().cloned()),
                    Ok(Err(error)) => {
                        shared.link.went_down(&error);
                        break;
                    }
                    Err(_) => {
                        shared.link.went_down(&"a renewal went unanswered");
                        break;
                    }
                }
            }
        }
        if let Ok(mut held) = shared.held.lock() {
            let renewed: std::collections::HashSet<String> = renewed.into_iter().collect();
            for lease in held.values_mut() {
                if renewed.contains(&lease.member) {
                    lease.renewed = now;
                }
            }
        }
    }
}

/// Tries Redis again every 500 ms while it is taken for down.
pub(super) async fn probe_task(link: Weak<Link>) {
    loop {
        tokio::time::sleep(PROBE_INTERVAL).await;
        let Some(link) = link.upgrade() else {
            return;
        };
        if !link.is_up() {
            let _ = link.reconnect().await;
        }
    }
}

/// Hears the releases of other processes (`PUBLISH` on the namespace's channel) and wakes
/// this process's waiters; subscribes again after Redis comes back.
pub(super) async fn subscribe_task(shared: Weak<Shared>) {
    loop {
        let (client, channel) = {
            let Some(shared) = shared.upgrade() else {
                return;
            };
            if !shared.link.is_up() {
                drop(shared);
                tokio::time::sleep(PROBE_INTERVAL).await;
                continue;
            }
            (shared.link.client.clone(), shared.channel.clone())
        };
        let subscribed = tokio::time::timeout(CONNECT_TIMEOUT, async {
            let mut pubsub = client.get_async_pubsub().await?;
            pubsub.subscribe(&channel).await?;
            Ok::<_, redis::RedisError>(pubsub)
        })
        .await;
        let Ok(Ok(pubsub)) = subscribed else {
            tokio::time::sleep(PROBE_INTERVAL).await;
            continue;
        };
        let mut messages = pubsub.into_on_message();
        loop {
            // Checks now and then that someone still uses the limits.
            match tokio::time::timeout(Duration::from_secs(1), messages.next()).await {
                Ok(Some(message)) => match shared.upgrade() {
                    // The payload is how many slots were freed.
                    Some(shared) => shared.wake_waiters(
                        message
                            .get_payload::<i64>()
                            .map_or(1, |n| usize::try_from(n).unwrap_or(1)),
                    ),
                    None => return,
                },
                Ok(None) => break,
                Err(_) => {
                    if shared.strong_count() == 0 {
                        return;
                    }
                }
            }
        }
        tokio::time::sleep(PROBE_INTERVAL).await;
    }
}
