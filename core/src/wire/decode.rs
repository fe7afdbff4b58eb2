//! Decoding a response: a list, a call's envelope and output, a lookup's options, and where
//! a body that does not fit failed.

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{Connector, OperationInfo};
use crate::text::excerpt;
use crate::tolerant::{self, kind_of};
use crate::{Error, LookupOption};

/// The body of both list endpoints.
#[derive(Deserialize)]
struct Elements<T> {
    elements: Vec<T>,
}

/// Decodes a Get Connectors body (`{"elements": [...]}`).
pub fn decode_connectors(body: &[u8]) -> Result<Vec<Connector>, Error> {
    decode_elements(body, "Get Connectors response")
}

/// Decodes a Get Connector Operations body (`{"elements": [...]}`).
pub fn decode_operations(body: &[u8]) -> Result<Vec<OperationInfo>, Error> {
    decode_elements(body, "Get Connector Operations response")
}

/// Decodes the `elements` of a list answer (`{"elements": [...]}`): List Triggers and List
/// Trigger Operations answer with the same shapes as Get Connectors and Get Connector
/// Operations.
pub(crate) fn decode_elements<T: DeserializeOwned>(
    body: &[u8],
    what: &str,
) -> Result<Vec<T>, Error> {
    decode_slice::<Elements<T>>(body, what).map(|e| e.elements)
}

/// Decodes a Call Connector body of a 2xx answer: `output` when `outcome` is `"success"`,
/// [`Error::Connector`] when it is `"error"`.
pub fn decode_call(body: &[u8]) -> Result<Value, Error> {
    let envelope: Value = decode_slice(body, "Call Connector response")?;
    let Value::Object(mut envelope) = envelope else {
        return Err(decode_error(
            "Call Connector response",
            ".",
            format!("expected an object, found {}", kind_of(&envelope)),
            None,
        ));
    };
    let output = envelope.remove("output");
    match envelope.get("outcome").and_then(Value::as_str) {
        Some("success") => Ok(output.unwrap_or(Value::Null)),
        Some("error") => Err(Error::Connector {
            output: output.unwrap_or(Value::Null),
        }),
        _ => {
            let found = match envelope.get("outcome") {
                None => "nothing".to_owned(),
                Some(other) => excerpt(&other.to_string(), 60),
            };
            Err(decode_error(
                "Call Connector response",
                "outcome",
                format!("expected \"success\" or \"error\", found {found}"),
                output,
            ))
        }
    }
}

/// The envelope of a successful call, decoded straight into the typed output.
#[derive(Deserialize)]
struct TypedEnvelope<T> {
    outcome: Outcome,
    output: T,
}

#[derive(Deserialize, PartialEq)]
#[serde(rename_all = "lowercase")]
enum Outcome {
    Success,
    Error,
}

/// Decodes a Call Connector body of a 2xx answer straight into `T` (no `Value` in between).
///
/// Anything but a successful answer whose output fits `T` goes the long way
/// ([`decode_call`], then [`decode_output`]), which gives the same errors as before: the
/// connector's failure, or where the output did not fit, with the whole output kept.
///
/// `what` names the output in an error; it is only called on a failure, so a success never
/// formats it.
pub fn decode_call_typed<T: DeserializeOwned>(
    body: &[u8],
    what: impl FnOnce() -> String,
) -> Result<T, Error> {
    match serde_json::from_slice::<TypedEnvelope<T>>(body) {
        Ok(envelope) if envelope.outcome == Outcome::Success => Ok(envelope.output),
        _ => decode_call(body).and_then(|output| decode_output(output, &what())),
    }
}

/// Decodes a REST answer as `T`, keeping the whole answer in the error (as
/// [`Error::output`]) when it is JSON of another shape: what was created is never lost.
pub(crate) fn decode_answer<T: DeserializeOwned>(body: &[u8], what: &str) -> Result<T, Error> {
    let value: Value = serde_json::from_slice(body).map_err(|source| Error::Decode {
        what: what.to_owned(),
        path: format!("line {} column {}", source.line(), source.column()),
        message: source.to_string(),
        output: None,
        source: Some(source),
    })?;
    decode_output(value, what)
}

/// Decodes a call's `output` as `T`. The error names `what` and keeps the whole output.
///
/// Plain serde first; only a failure is decoded again to find where it failed.
pub fn decode_output<T: DeserializeOwned>(output: Value, what: &str) -> Result<T, Error> {
    match T::deserialize(&output) {
        Ok(value) => Ok(value),
        Err(plain) => {
            let (path, source) = match serde_path_to_error::deserialize::<_, T>(&output) {
                Err(located) => (located.path().to_string(), located.into_inner()),
                Ok(_) => (".".to_owned(), plain),
            };
            Err(Error::Decode {
                what: what.to_owned(),
                path,
                message: source.to_string(),
                output: Some(Box::new(output)),
                source: Some(source),
            })
        }
    }
}

/// Reads `output.result` of a lookup operation.
///
/// One odd item does not cost the others: an item is kept when it has a `value` (what the
/// input needs); a `text` that is missing, `null` or not a string falls back to the text of the
/// value (or of a number or boolean `text`), and items without a `value` are left out with a
/// `tracing` warning. Only an output without a `result` list is an error.
pub fn decode_lookup(output: Value, what: &str) -> Result<Vec<LookupOption>, Error> {
    let items = match output.get("result") {
        Some(Value::Array(items)) => items,
        Some(other) => {
            let found = kind_of(other);
            return Err(decode_error(
                what,
                "result",
                format!("invalid type: {found}, expected a list of options"),
                Some(output),
            ));
        }
        None => {
            return Err(decode_error(
                what,
                ".",
                "missing field `result`".to_owned(),
                Some(output),
            ));
        }
    };
    let mut options = Vec::with_capacity(items.len());
    let mut skipped = 0usize;
    for item in items {
        let Some(value) = item.get("value") else {
            skipped += 1;
            continue;
        };
        let text = item
            .get("text")
            .and_then(tolerant::scalar_text)
            .or_else(|| tolerant::scalar_text(value))
            .unwrap_or_default();
        options.push(LookupOption {
            text,
            value: value.clone(),
        });
    }
    if skipped > 0 {
        tracing::warn!(
            skipped,
            kept = options.len(),
            "{what}: left out lookup items without a `value`"
        );
    }
    Ok(options)
}

/// Reads `output.output_schema` of a `returnOutputSchema: true` call.
pub fn decode_output_schema(output: Value, what: &str) -> Result<Value, Error> {
    match output {
        Value::Object(mut map) if map.contains_key("output_schema") => {
            Ok(map.remove("output_schema").unwrap_or(Value::Null))
        }
        other => Err(decode_error(
            what,
            "output_schema",
            "missing field `output_schema`".to_owned(),
            Some(other),
        )),
    }
}

/// Decodes `body` as `T`; on failure decodes again through `serde_path_to_error` to say where.
pub(crate) fn decode_slice<T: DeserializeOwned>(body: &[u8], what: &str) -> Result<T, Error> {
    let plain = match serde_json::from_slice::<T>(body) {
        Ok(value) => return Ok(value),
        Err(e) => e,
    };
    let Located {
        path,
        message,
        source,
    } = locate::<T>(body, plain);
    Err(Error::Decode {
        what: what.to_owned(),
        path,
        message,
        output: None,
        source: Some(source),
    })
}

/// Where and why decoding a body as some `T` failed.
pub(crate) struct Located {
    /// A `.`-separated JSON path, or `line L column C` for a body that is not JSON.
    pub(crate) path: String,
    /// serde's message, without its own `at line .. column ..` suffix.
    pub(crate) message: String,
    /// serde's error.
    pub(crate) source: serde_json::Error,
}

/// Finds where decoding `body` as `T` failed, given the error of the plain (fast) decode: the
/// body is decoded again through `serde_path_to_error`, so only a failure pays for the path.
pub(crate) fn locate<T: DeserializeOwned>(body: &[u8], plain: serde_json::Error) -> Located {
    let mut de = serde_json::Deserializer::from_slice(body);
    let (path, source) = match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Err(located) if !located.inner().is_syntax() && !located.inner().is_eof() => {
            (located.path().to_string(), located.into_inner())
        }
        // Syntax errors, truncated bodies and trailing data are placed by line and column.
        _ => (
            format!("line {} column {}", plain.line(), plain.column()),
            plain,
        ),
    };
    let mut message = source.to_string();
    let suffix = format!(" at line {} column {}", source.line(), source.column());
    if let Some(stripped) = message.strip_suffix(&suffix) {
        message = stripped.to_owned();
    }
    Located {
        path,
        message,
        source,
    }
}

fn decode_error(what: &str, path: &str, message: String, output: Option<Value>) -> Error {
    Error::Decode {
        what: what.to_owned(),
        path: path.to_owned(),
        message,
        output: output.map(Box::new),
        source: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_truncated_body_is_a_decode_error_with_line_and_column() {
        let err = decode_connectors(br#"{"elements":[{"na"#).unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with("could not decode Get Connectors response at line 1 column "),
            "{text}"
        );
        assert!(text.contains("EOF"), "{text}");
    }

    #[test]
    fn call_envelope_maps_outcomes() {
        assert_eq!(
            decode_call(br#"{"outcome":"success","output":{"ok":true}}"#).unwrap(),
            json!({"ok": true})
        );
        let err = decode_call(br#"{"outcome":"error","output":{"message":"nope"}}"#).unwrap_err();
        assert!(matches!(err, Error::Connector { .. }));
        let err = decode_call(br#"{"outcome":"maybe","output":{"x":1}}"#).unwrap_err();
        assert_eq!(
            err.to_string(),
            "could not decode Call Connector response at outcome: expected \"success\" or \"error\", found \"maybe\""
        );
        assert_eq!(err.output(), Some(&json!({"x": 1})));
        let err = decode_call(b"[1]").unwrap_err();
        assert!(err.to_string().contains("expected an object"), "{err}");
    }

    #[test]
    fn typed_output_failure_keeps_the_output_and_the_path() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Out {
            message: Inner,
        }
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Inner {
            ts: u64,
        }
        let output = json!({"message": {"ts": "1654555157.195399"}});
        let err = decode_output::<Out>(output.clone(), "output of slack send_message").unwrap_err();
        assert_eq!(
            err.to_string(),
            "could not decode output of slack send_message at message.ts: invalid type: string \"1654555157.195399\", expected u64"
        );
        assert_eq!(err.output(), Some(&output));
    }

    #[test]
    fn one_bad_ddl_item_does_not_fail_the_lookup() {
        let output = json!({"result": [
            {"text": "General", "value": "C1"},
            {"text": 42, "value": 42},
            {"value": "C3"},
            {"text": null, "value": {"id": 4}},
            {"text": "no value"},
            "not an object",
            {"text": "Null", "value": null}
        ]});
        let options = decode_lookup(output, "lookup").unwrap();
        let texts: Vec<&str> = options.iter().map(|o| o.text.as_str()).collect();
        assert_eq!(texts, ["General", "42", "C3", "", "Null"]);
        assert_eq!(options[1].value, json!(42));
        assert_eq!(options[3].value, json!({"id": 4}));
        assert_eq!(options[4].value, Value::Null);
        let err = decode_lookup(json!({"result": "x"}), "lookup").unwrap_err();
        assert_eq!(
            err.to_string(),
            "could not decode lookup at result: invalid type: a string, expected a list of options"
        );
        assert_eq!(err.output(), Some(&json!({"result": "x"})));
    }
}

#[cfg(test)]
mod typed_call_tests {
    use super::decode_call_typed;
    use crate::Error;
    use serde_json::json;

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Sent {
        sid: String,
    }

    #[test]
    fn a_success_decodes_straight_into_the_output() {
        let body = br#"{"outcome":"success","output":{"sid":"SM1","extra":1}}"#;
        let sent: Sent = decode_call_typed(body, || "output".into()).unwrap();
        assert_eq!(sent.sid, "SM1");
    }

    #[test]
    fn an_error_outcome_is_a_connector_error_even_when_the_output_would_fit() {
        let body = br#"{"outcome":"error","output":{"sid":"SM1","message":"Not found"}}"#;
        let err = decode_call_typed::<Sent>(body, || "output".into()).unwrap_err();
        assert!(matches!(err, Error::Connector { .. }), "{err}");
    }

    #[test]
    fn an_output_that_does_not_fit_names_the_path_and_keeps_the_output() {
        let body = br#"{"outcome":"success","output":{"sid":7}}"#;
        let err = decode_call_typed::<Sent>(body, || "output of x".into()).unwrap_err();
        assert_eq!(err.output(), Some(&json!({"sid": 7})));
        assert!(
            err.to_string()
                .starts_with("could not decode output of x at sid"),
            "{err}"
        );
    }
}
