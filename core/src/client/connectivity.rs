//! The Connectivity API's endpoints: Get Connectors, Get Connector Operations and Call
//! Connector (typed and raw calls, output schemas, lookups), and the drift its typed calls see.

use bytes::Bytes;
use serde_json::Value;

use super::Client;
use super::span::Target;
use crate::drift::DriftReport;
use crate::path::segment;
use crate::retry::RequestKind;
use crate::wire::{self, Connector, OperationInfo};
use crate::{Error, Lookup, LookupOption, Operation};

impl Client {
    /// Get Connectors: every connector version the token can use.
    pub async fn list_connectors(&self) -> Result<Vec<Connector>, Error> {
        let request = self.request(RequestKind::Read, "/core/v1/connectors".to_owned(), None)?;
        let body = self.send(request).await?;
        wire::decode_connectors(&body)
    }

    /// Get Connector Operations: the operations of connector `name` at `version`, with their
    /// input and output schemas.
    pub async fn list_operations(
        &self,
        name: &str,
        version: &str,
    ) -> Result<Vec<OperationInfo>, Error> {
        let body = self.operations_body(name, version).await?;
        wire::decode_operations(&body)
    }

    /// Get Connector Operations as raw JSON: the whole answer (`{"elements": [...]}`), every
    /// key kept, for tools that vendor the document (`tray-connect pull`). Same path checks,
    /// retries, size cap and timeouts as [`list_operations`](Self::list_operations).
    ///
    /// # Errors
    ///
    /// As `list_operations`: an answer that is not a well-formed Get Connector Operations
    /// response is [`Error::Decode`], located the same way.
    pub async fn operations_document(&self, name: &str, version: &str) -> Result<Value, Error> {
        let body = self.operations_body(name, version).await?;
        // Checked through the typed decoder first, so a malformed answer fails exactly as
        // `list_operations` would; the raw value then keeps every key the types ignore.
        wire::decode_operations(&body)?;
        serde_json::from_slice(&body).map_err(|source| Error::Decode {
            what: "Get Connector Operations response".to_owned(),
            path: format!("line {} column {}", source.line(), source.column()),
            message: source.to_string(),
            output: None,
            source: Some(source),
        })
    }

    async fn operations_body(&self, name: &str, version: &str) -> Result<Bytes, Error> {
        let path = format!(
            "/core/v1/connectors/{}/versions/{}/operations",
            segment("connector name", name)?,
            segment("connector version", version)?
        );
        self.send(self.request(RequestKind::Read, path, None)?)
            .await
    }

    /// Calls the operation `O` with `input` through the authentication `auth_id` (an empty
    /// `auth_id` sends none), and decodes its output.
    ///
    /// A third-party failure (HTTP 200 with `outcome: "error"`) is [`Error::Connector`]; an
    /// output that does not match `O::Output` is [`Error::Decode`] carrying the whole output.
    pub async fn call<O: Operation>(&self, auth_id: &str, input: O) -> Result<O::Output, Error> {
        // Typed both ways: the input is serialised straight into the request body and the
        // answer decoded straight into the output, with no `Value` in between.
        let body = wire::encode_call(O::NAME, auth_id, &input, false)?;
        self.call_encoded::<O>(body).await
    }

    /// Sends the Call Connector `body` of an `O` call and decodes its output.
    pub(crate) async fn call_encoded<O: Operation>(
        &self,
        body: Vec<u8>,
    ) -> Result<O::Output, Error> {
        let answer = self
            .call_body(O::CONNECTOR, O::VERSION, O::NAME, body)
            .await?;
        self.inner
            .drift
            .watch::<O::Output, _>(O::CONNECTOR, O::VERSION, O::NAME, &answer, || {
                wire::decode_call_typed(&answer, || {
                    format!("output of {} {}", O::CONNECTOR, O::NAME)
                })
            })
    }

    /// What Tray's answers to this client's typed calls ([`call`](Self::call)) held that the
    /// vendored documents did not promise: members the document does not list (kept in
    /// `extra`), enum values it does not list (kept in `Unknown`), numbers or booleans sent as
    /// text, values of members it gives no type (kept as `serde_json::Value`). One entry per
    /// connector, version, operation and JSON pointer into the output, with how many answers
    /// it was seen in.
    ///
    /// Each entry is also logged once, when first seen, as a `tracing` event at `WARN` with
    /// target `tray_connect::drift` and the fields `connector`, `version`, `operation`,
    /// `pointer` and `kind` (never a value). Both are kept per client: a client's clones and
    /// its [`as_user`](Self::as_user) clients share them, other clients have their own (a
    /// process normally has one client; tests and tenants with several get reports of their
    /// own rather than each other's).
    ///
    /// An answer with nothing unpromised costs nothing more to decode; one with something is
    /// decoded a second time, through a path-tracking deserializer, to find where. Write the
    /// report to a file and give it to `tray-connect check --observed FILE` to fail a CI job on
    /// what production saw:
    ///
    /// ```no_run
    /// # fn run(client: tray_connect::Client) -> std::io::Result<()> {
    /// let report = client.drift_report();
    /// if !report.is_empty() {
    ///     report.write_json("drift-observed.json")?;
    /// }
    /// # Ok(()) }
    /// ```
    pub fn drift_report(&self) -> DriftReport {
        self.inner.drift.report()
    }

    /// Calls `operation` of connector `name` at `version` with a JSON `input`, returning the
    /// `output` of a successful call as JSON.
    pub async fn call_raw(
        &self,
        name: &str,
        version: &str,
        operation: &str,
        auth_id: &str,
        input: Value,
    ) -> Result<Value, Error> {
        self.call_value(name, version, operation, auth_id, &input, false)
            .await
    }

    /// Asks for the output schema of a `hasDynamicOutput` operation for this `input`
    /// (`returnOutputSchema: true`), returning `output.output_schema` (JSON Schema draft-04).
    pub async fn output_schema<O: Operation>(
        &self,
        auth_id: &str,
        input: O,
    ) -> Result<Value, Error> {
        let input = encode_input(O::NAME, &input)?;
        let output = self
            .call_value(O::CONNECTOR, O::VERSION, O::NAME, auth_id, &input, true)
            .await?;
        wire::decode_output_schema(
            output,
            &format!("output schema of {} {}", O::CONNECTOR, O::NAME),
        )
    }

    /// [`Client::output_schema`] by name, with the input as JSON (what `tray-connect pull
    /// --sample` sends): `output.output_schema` of a `returnOutputSchema: true` call.
    pub async fn output_schema_raw(
        &self,
        name: &str,
        version: &str,
        operation: &str,
        auth_id: &str,
        input: Value,
    ) -> Result<Value, Error> {
        let output = self
            .call_value(name, version, operation, auth_id, &input, true)
            .await?;
        wire::decode_output_schema(output, &format!("output schema of {name} {operation}"))
    }

    /// Runs a lookup (the choices of a dynamic dropdown), reading `output.result`.
    pub async fn lookup(&self, auth_id: &str, lookup: Lookup) -> Result<Vec<LookupOption>, Error> {
        let output = self
            .call_value(
                lookup.connector(),
                lookup.version(),
                lookup.operation(),
                auth_id,
                lookup.input(),
                false,
            )
            .await?;
        wire::decode_lookup(
            output,
            &format!(
                "lookup result of {} {}",
                lookup.connector(),
                lookup.operation()
            ),
        )
    }

    async fn call_value(
        &self,
        name: &str,
        version: &str,
        operation: &str,
        auth_id: &str,
        input: &Value,
        return_output_schema: bool,
    ) -> Result<Value, Error> {
        let body = wire::encode_call(operation, auth_id, input, return_output_schema)?;
        let answer = self.call_body(name, version, operation, body).await?;
        wire::decode_call(&answer)
    }

    /// Sends a Call Connector request body and returns the answer's body (2xx only).
    async fn call_body(
        &self,
        name: &str,
        version: &str,
        operation: &str,
        body: Vec<u8>,
    ) -> Result<Bytes, Error> {
        if operation.is_empty() {
            return Err(Error::config("operation name is empty"));
        }
        // One string for the whole URL: this runs on every call.
        let url = format!(
            "{}/core/v1/connectors/{}/versions/{}/call",
            self.inner.base_url,
            segment("connector name", name)?,
            segment("connector version", version)?
        );
        let mut request = self.request_to(RequestKind::Call, "POST", &url, Some(body))?;
        request.call_connector = true;
        let target = Target {
            connector: name,
            version,
            operation,
        };
        self.send_traced(request, |_| None, Some(target)).await
    }
}

fn encode_input<O: serde::Serialize>(operation: &str, input: &O) -> Result<Value, Error> {
    serde_json::to_value(input).map_err(|source| Error::Encode {
        operation: operation.to_owned(),
        message: source.to_string(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "tok-very-secret-0123456789";

    #[tokio::test]
    async fn bad_path_segments_fail_before_any_request() {
        // Port 9 on loopback: a request would fail with a transport error, not Config.
        let client = Client::builder()
            .token(TOKEN)
            .base_url("http://127.0.0.1:9")
            .build()
            .unwrap();
        for (name, version) in [("", "1"), ("..", "1"), ("a", "."), ("a\r\n", "1")] {
            let err = client.list_operations(name, version).await.unwrap_err();
            assert!(
                matches!(err, Error::Config { .. }),
                "{name:?} {version:?}: {err}"
            );
            let err = client
                .call_raw(name, version, "op", "", Value::Null)
                .await
                .unwrap_err();
            assert!(matches!(err, Error::Config { .. }), "{err}");
        }
    }

    #[tokio::test]
    async fn operations_document_checks_path_segments_like_list_operations() {
        let client = Client::builder()
            .token(TOKEN)
            .base_url("http://127.0.0.1:9")
            .build()
            .unwrap();
        for (name, version) in [("", "1"), ("..", "1"), ("a", "."), ("a\r\n", "1")] {
            let err = client.operations_document(name, version).await.unwrap_err();
            assert!(matches!(err, Error::Config { .. }), "{err}");
        }
    }

    #[tokio::test]
    async fn operations_document_keeps_keys_the_typed_list_drops() {
        let emulator = tray_connect_emulator::Emulator::builder()
            .document_json(
                r#"{"connector": {"name": "echo", "version": "1.0"},
                    "elements": [{"name": "ping", "title": "Ping", "x-vendor": {"kept": true},
                                  "inputSchema": {"type": "object", "tytpe": "typo"}}]}"#,
            )
            .start()
            .await
            .unwrap();
        let client = Client::builder()
            .token(TOKEN)
            .base_url(emulator.base_url())
            .build()
            .unwrap();
        let document = client.operations_document("echo", "1.0").await.unwrap();
        let element = &document["elements"][0];
        assert_eq!(element["name"], "ping");
        assert_eq!(element["x-vendor"]["kept"], true);
        assert_eq!(element["inputSchema"]["tytpe"], "typo");
        let err = client.operations_document("echo", "9.9").await.unwrap_err();
        assert!(err.to_string().contains("404"), "{err}");
    }
}
