//! Reading a response body without trusting the server about its size.

use bytes::Bytes;

use crate::Error;

/// Why a body could not be read.
#[derive(Debug)]
pub(crate) enum BodyError {
    /// The connection failed mid-body.
    Transport(reqwest::Error),
    /// The body is (or was announced as) larger than the cap.
    TooLarge,
}

/// Reads the whole body chunk by chunk, failing as soon as it exceeds `limit` bytes (or as soon
/// as `Content-Length` says it will), so a huge or endless answer cannot exhaust memory.
pub(crate) async fn read_capped(
    response: &mut reqwest::Response,
    limit: usize,
) -> Result<Bytes, BodyError> {
    if announced_too_large(response.content_length(), limit) {
        return Err(BodyError::TooLarge);
    }
    // A body that arrives in one chunk (most answers) is returned as it is, without a copy.
    let Some(first) = response.chunk().await.map_err(BodyError::Transport)? else {
        return Ok(Bytes::new());
    };
    if first.len() > limit {
        return Err(BodyError::TooLarge);
    }
    let Some(second) = response.chunk().await.map_err(BodyError::Transport)? else {
        return Ok(first);
    };
    let mut body = Vec::with_capacity(initial_capacity(response.content_length(), limit));
    body.extend_from_slice(&first);
    let mut next = Some(second);
    while let Some(chunk) = next {
        if body.len() + chunk.len() > limit {
            return Err(BodyError::TooLarge);
        }
        body.extend_from_slice(&chunk);
        next = response.chunk().await.map_err(BodyError::Transport)?;
    }
    Ok(Bytes::from(body))
}

/// Starts with the announced length (bounded by the cap), so small bodies allocate once.
fn initial_capacity(content_length: Option<u64>, limit: usize) -> usize {
    content_length
        .map(|n| usize::try_from(n).unwrap_or(usize::MAX))
        .unwrap_or(0)
        .min(limit)
        .min(1 << 20)
}

/// The error for a body over `limit`.
pub(crate) fn too_large(limit: usize, method: &'static str, path: &str) -> Error {
    Error::ResponseTooLarge {
        limit,
        method,
        path: path.to_owned(),
    }
}

/// Whether a `Content-Length` already announces more than `limit` bytes.
pub(crate) fn announced_too_large(content_length: Option<u64>, limit: usize) -> bool {
    content_length.is_some_and(|n| n > limit as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn announced_length_over_the_cap_is_refused_early() {
        assert!(announced_too_large(Some(11), 10));
        assert!(!announced_too_large(Some(10), 10));
        assert!(!announced_too_large(None, 10));
    }

    #[test]
    fn initial_capacity_is_bounded() {
        assert_eq!(initial_capacity(Some(100), 1000), 100);
        assert_eq!(initial_capacity(Some(u64::MAX), 64 << 20), 1 << 20);
        assert_eq!(initial_capacity(None, 10), 0);
        assert_eq!(initial_capacity(Some(500), 10), 10);
    }
}
