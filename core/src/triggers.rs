//! Discovering triggers: List Triggers and List Trigger Operations.
//!
//! A trigger (`gosquared-trigger` 1.0, `slack-trigger` 7.0) listens where a connector acts:
//! each of its operations is something to subscribe to, its `inputSchema` what a subscription
//! needs and its `outputSchema` the events Tray then delivers. Both listings have the shapes of
//! their connector counterparts (Tray's published OpenAPI, `get-triggers` and
//! `get-trigger-operations`), so they decode to the same types.

use serde_json::Value;

use crate::path::segment;
use crate::retry::RequestKind;
use crate::wire::{self, Connector, OperationInfo};
use crate::{Client, Error};

impl Client {
    /// List Triggers: every trigger version the token can subscribe to, e.g.
    /// `slack-trigger` 7.0 (same shape as [`list_connectors`](Self::list_connectors)).
    ///
    /// Retried, limited and decoded like the other reads (Tray does not bill it).
    pub async fn list_triggers(&self) -> Result<Vec<Connector>, Error> {
        let body = self
            .rest(RequestKind::Read, "GET", "/core/v1/triggers", None)
            .await?;
        wire::decode_elements(&body, "List Triggers response")
    }

    /// List Trigger Operations: the operations of trigger `name` at `version`, each with the
    /// `inputSchema` of a subscription and the `outputSchema` of its events.
    ///
    /// `name` and `version` are checked like connector names ([`Error::Config`] for an empty,
    /// `.`, `..` or control-character segment) and sent as one path segment each.
    pub async fn list_trigger_operations(
        &self,
        name: &str,
        version: &str,
    ) -> Result<Vec<OperationInfo>, Error> {
        let path = operations_path(name, version)?;
        let body = self.rest(RequestKind::Read, "GET", &path, None).await?;
        wire::decode_elements(&body, WHAT)
    }

    /// List Trigger Operations as raw JSON: the whole answer (`{"elements": [...]}`), every
    /// key kept (`default_jsonpath` and the other keys [`OperationInfo`] leaves out), for tools
    /// that vendor trigger documents (`tray-connect pull --trigger`). The trigger counterpart
    /// of [`operations_document`](Self::operations_document), with the checks, retries, size
    /// cap and timeouts of [`list_trigger_operations`](Self::list_trigger_operations).
    ///
    /// # Errors
    ///
    /// As `list_trigger_operations`: an answer that is not a well-formed List Trigger
    /// Operations response is [`Error::Decode`], located the same way.
    pub async fn trigger_operations_document(
        &self,
        name: &str,
        version: &str,
    ) -> Result<Value, Error> {
        let body = self
            .rest(
                RequestKind::Read,
                "GET",
                &operations_path(name, version)?,
                None,
            )
            .await?;
        // Through the typed decoder first, so a malformed answer fails as
        // `list_trigger_operations` would; the raw value then keeps every key.
        wire::decode_elements::<OperationInfo>(&body, WHAT)?;
        serde_json::from_slice(&body).map_err(|source| Error::Decode {
            what: WHAT.to_owned(),
            path: format!("line {} column {}", source.line(), source.column()),
            message: source.to_string(),
            output: None,
            source: Some(source),
        })
    }
}

const WHAT: &str = "List Trigger Operations response";

/// The path of List Trigger Operations, each segment checked.
fn operations_path(name: &str, version: &str) -> Result<String, Error> {
    Ok(format!(
        "/core/v1/triggers/{}/versions/{}/operations",
        segment("trigger name", name)?,
        segment("trigger version", version)?
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn bad_trigger_segments_fail_before_any_request() {
        // Port 9 on loopback: a request would fail with a transport error, not Config.
        let client = Client::builder()
            .token("token")
            .base_url("http://127.0.0.1:9")
            .build()
            .unwrap();
        for (name, version) in [("", "1"), ("..", "1"), ("a", "."), ("a\r\n", "1")] {
            let err = client
                .list_trigger_operations(name, version)
                .await
                .unwrap_err();
            assert!(matches!(err, Error::Config { .. }), "{err}");
            assert!(err.to_string().contains("trigger"), "{err}");
            let err = client
                .trigger_operations_document(name, version)
                .await
                .unwrap_err();
            assert!(matches!(err, Error::Config { .. }), "{err}");
        }
    }
}
