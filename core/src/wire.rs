//! The JSON of the Connectivity API, and the pure functions that turn a response into a value
//! or an [`Error`].
//!
//! Decoding is tolerant where Tray's answers vary (older Get Connectors answers lack
//! `service.id` or `service`; optional texts may be missing or `null`), and strict only about
//! what a caller cannot do without (a connector's or operation's `name`, the `elements` list).

use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::EXCERPT_CHARS;
use crate::text::{excerpt, one_line};
use crate::tolerant::{self, kind_of};
use crate::{Error, LookupOption};

/// A connector version, as Get Connectors lists it (one element per name and version).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Connector {
    /// The programmatic name used in URLs, e.g. `"twilio-output"`.
    #[serde(deserialize_with = "tolerant::text")]
    pub name: String,
    /// The version, a string such as `"2.1"`.
    #[serde(default, deserialize_with = "tolerant::text")]
    pub version: String,
    /// The display name, e.g. `"Twilio"` (empty when Tray sent none).
    #[serde(default, deserialize_with = "tolerant::text")]
    pub title: String,
    /// A description (empty when Tray sent none).
    #[serde(default, deserialize_with = "tolerant::text")]
    pub description: String,
    /// The service (authentication type) the connector uses; missing in some older answers.
    #[serde(
        default,
        deserialize_with = "tolerant::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub service: Option<ServiceRef>,
}

/// The service a connector authenticates against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ServiceRef {
    /// The service's id; missing in older answers.
    #[serde(
        default,
        deserialize_with = "tolerant::optional_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<String>,
    /// The service name, e.g. `"twilio"`.
    #[serde(default, deserialize_with = "tolerant::text")]
    pub name: String,
    /// The service version, an integer (`0` when Tray sent none).
    #[serde(default, deserialize_with = "tolerant::integer")]
    pub version: i64,
}

/// One operation of a connector version, as Get Connector Operations lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct OperationInfo {
    /// The operation's wire name, e.g. `"send_sms"`.
    #[serde(deserialize_with = "tolerant::text")]
    pub name: String,
    /// The display name (empty when Tray sent none).
    #[serde(default, deserialize_with = "tolerant::text")]
    pub title: String,
    /// A description (empty when Tray sent none).
    #[serde(default, deserialize_with = "tolerant::text")]
    pub description: String,
    /// The JSON Schema (Tray's dialect) of the input; `null` when absent.
    #[serde(default)]
    pub input_schema: Value,
    /// The JSON Schema of the output; `null` when absent.
    #[serde(default)]
    pub output_schema: Value,
    /// Whether the output's shape depends on the input (ask with
    /// [`Client::output_schema`](crate::Client::output_schema)).
    #[serde(default, deserialize_with = "tolerant::boolean")]
    pub has_dynamic_output: bool,
    /// OAuth scopes the operation needs, when Tray lists them.
    #[serde(
        default,
        deserialize_with = "tolerant::optional_text_list",
        skip_serializing_if = "Option::is_none"
    )]
    pub auth_scopes: Option<Vec<String>>,
}

/// The `pageInfo` of a paged answer (the Embedded API's connections, List Subscriptions): only
/// what following the pages needs.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PageInfo {
    #[serde(default, deserialize_with = "tolerant::boolean")]
    pub(crate) has_next_page: bool,
    #[serde(default, deserialize_with = "tolerant::optional_text")]
    pub(crate) end_cursor: Option<String>,
}

/// `pageInfo`, read as "no further page" when missing, `null` or of another shape.
pub(crate) fn page_info<'de, D: serde::Deserializer<'de>>(de: D) -> Result<PageInfo, D::Error> {
    Ok(tolerant::optional(de)?.unwrap_or_default())
}

/// The body of both list endpoints.
#[derive(Deserialize)]
struct Elements<T> {
    elements: Vec<T>,
}

/// The body of a Call Connector request. The input is serialised in place, typed or not.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CallRequest<'a, I: ?Sized> {
    operation: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    auth_id: Option<&'a str>,
    input: &'a I,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    return_output_schema: bool,
}

/// The JSON body of a Call Connector request. An empty `auth_id` is left out, and so is
/// `returnOutputSchema` unless it is `true`.
pub fn encode_call<I: Serialize + ?Sized>(
    operation: &str,
    auth_id: &str,
    input: &I,
    return_output_schema: bool,
) -> Result<Vec<u8>, Error> {
    let body = CallRequest {
        operation,
        auth_id: Some(auth_id).filter(|id| !id.is_empty()),
        input,
        return_output_schema,
    };
    serde_json::to_vec(&body).map_err(|source| Error::Encode {
        operation: operation.to_owned(),
        message: source.to_string(),
        source,
    })
}

// ----- decoding a response -----

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

/// The [`Error::Tray`] for a non-2xx answer. Tray's errors are `{"message", "code"?}`; any
/// other body (an HTML page from a proxy, say) is described in a short excerpt. The whole body
/// is kept in the error ([`Error::body`]).
pub fn api_error(
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
    retry_after: Option<Duration>,
) -> Error {
    let (message, code) = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => {
            let code = match map.get("code") {
                None | Some(Value::Null) => None,
                Some(Value::String(s)) => Some(one_line(s)),
                Some(other) => Some(excerpt(&other.to_string(), 60)),
            };
            let message = match map.get("message") {
                Some(Value::String(s)) => one_line(s),
                _ => excerpt(&Value::Object(map).to_string(), EXCERPT_CHARS),
            };
            (message, code)
        }
        Ok(other) => (excerpt(&other.to_string(), EXCERPT_CHARS), None),
        Err(_) => (describe_non_json(status, content_type, body), None),
    };
    Error::Tray {
        status,
        message,
        code,
        retry_after,
        body: String::from_utf8_lossy(body).into(),
    }
}

/// A Call Connector answer with its HTTP status, mapped the way the client maps it
/// (headers aside). For tests and tools that hold a recorded answer.
pub fn decode_call_response(status: u16, body: &[u8]) -> Result<Value, Error> {
    if (200..300).contains(&status) {
        decode_call(body)
    } else {
        Err(api_error(status, None, body, None))
    }
}

fn describe_non_json(status: u16, content_type: Option<&str>, body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    let reason = reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("unexpected status");
    if text.is_empty() {
        return format!("{reason} (empty body)");
    }
    let html = content_type.is_some_and(|ct| ct.to_ascii_lowercase().contains("html"))
        || text.starts_with('<');
    if html {
        if let Some(title) = html_title(text).filter(|t| !t.is_empty()) {
            return format!("{reason} (HTML page: {})", excerpt(&title, 120));
        }
        return format!("{reason} (HTML page: {})", excerpt(&strip_tags(text), 120));
    }
    format!("{reason} (non-JSON body: {})", excerpt(text, 120))
}

fn html_title(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let start = lower.find("<title")?;
    let open_end = start + lower[start..].find('>')? + 1;
    let close = open_end + lower[open_end..].find("</title")?;
    Some(one_line(&html[open_end..close]))
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    one_line(&out)
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
    fn connector_decodes_with_missing_parts() {
        let body = br#"{"elements":[
            {"name":"a","version":"1.0","title":"A","description":"d","service":{"id":"x","name":"s","version":2}},
            {"name":"b","version":3,"service":{"name":"s","version":"4"}},
            {"name":"c","title":null,"service":null},
            {"name":"d","service":"weird"}
        ]}"#;
        let list = decode_connectors(body).unwrap();
        assert_eq!(list.len(), 4);
        assert_eq!(list[0].service.as_ref().unwrap().id.as_deref(), Some("x"));
        assert_eq!(list[1].version, "3");
        assert_eq!(list[1].service.as_ref().unwrap().id, None);
        assert_eq!(list[1].service.as_ref().unwrap().version, 4);
        assert_eq!(list[2].title, "");
        assert_eq!(list[2].service, None);
        assert_eq!(list[3].service, None);
    }

    #[test]
    fn connector_without_name_is_a_decode_error_with_its_path() {
        let err = decode_connectors(br#"{"elements":[{"name":"a"},{"version":"1"}]}"#).unwrap_err();
        assert_eq!(
            err.to_string(),
            "could not decode Get Connectors response at elements[1]: missing field `name`"
        );
    }

    #[test]
    fn operation_info_decodes_tolerantly() {
        let body = br#"{"elements":[{"name":"op"},
            {"name":"full","title":"T","description":"D","inputSchema":{"type":"object"},
             "outputSchema":{},"hasDynamicOutput":true,"authScopes":["a","b"]}]}"#;
        let ops = decode_operations(body).unwrap();
        assert_eq!(ops[0].title, "");
        assert_eq!(ops[0].input_schema, Value::Null);
        assert!(!ops[0].has_dynamic_output);
        assert_eq!(ops[0].auth_scopes, None);
        assert_eq!(ops[1].input_schema, json!({"type":"object"}));
        assert!(ops[1].has_dynamic_output);
        assert_eq!(
            ops[1].auth_scopes.as_deref(),
            Some(&["a".into(), "b".into()][..])
        );
    }

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
    fn tray_error_bodies() {
        let err = api_error(
            401,
            None,
            br#"{"message":"The request is unauthorized"}"#,
            None,
        );
        assert_eq!(
            err.to_string(),
            "Tray API error 401: The request is unauthorized"
        );
        let err = api_error(404, None, br#"{"message":"Not found","code":null}"#, None);
        assert_eq!(err.to_string(), "Tray API error 404: Not found");
        let err = api_error(400, None, br#"{"message":"Bad","code":"E1"}"#, None);
        assert_eq!(err.to_string(), "Tray API error 400: Bad [code E1]");
        let err = api_error(500, None, br#"{"message":"Bad","code":7}"#, None);
        assert_eq!(err.code(), Some("7"));
        let err = api_error(418, None, br#"{"error":"teapot"}"#, None);
        assert_eq!(err.to_string(), r#"Tray API error 418: {"error":"teapot"}"#);
    }

    #[test]
    fn html_error_pages_give_a_short_useful_message() {
        let page = b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>";
        let err = api_error(502, Some("text/html"), page, None);
        assert_eq!(
            err.to_string(),
            "Tray API error 502: Bad Gateway (HTML page: 502 Bad Gateway)"
        );
        let untitled = format!("<html><body><p>{}</p></body></html>", "down ".repeat(100));
        let err = api_error(503, None, untitled.as_bytes(), None);
        let text = err.to_string();
        assert!(
            text.starts_with("Tray API error 503: Service Unavailable (HTML page: down down"),
            "{text}"
        );
        assert!(text.len() < 250, "{text}");
        let err = api_error(500, Some("text/plain"), b"oops\n", None);
        assert_eq!(
            err.to_string(),
            "Tray API error 500: Internal Server Error (non-JSON body: oops)"
        );
        let err = api_error(429, None, b"", Some(Duration::from_secs(2)));
        assert_eq!(
            err.to_string(),
            "Tray API error 429: Too Many Requests (empty body)"
        );
        let err = api_error(500, None, &[0xff, 0xfe, b'x'], None);
        assert!(err.to_string().starts_with("Tray API error 500: "));
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

    #[test]
    fn auth_scopes_keep_their_texts_when_one_is_odd() {
        let ops = decode_operations(
            br#"{"elements":[{"name":"a","authScopes":["chat:write",7,null,{"x":1}]},
                             {"name":"b","authScopes":null}]}"#,
        )
        .unwrap();
        assert_eq!(
            ops[0].auth_scopes.as_deref(),
            Some(&["chat:write".to_owned(), "7".to_owned()][..])
        );
        assert_eq!(ops[1].auth_scopes, None);
    }

    #[test]
    fn call_request_omits_absent_auth_id_and_false_schema_flag() {
        let input = json!({"a": 1});
        let body = encode_call("op", "", &input, false).unwrap();
        assert_eq!(
            serde_json::from_slice::<Value>(&body).unwrap(),
            json!({"operation": "op", "input": {"a": 1}})
        );
        let body = encode_call("op", "id", &input, true).unwrap();
        assert_eq!(
            serde_json::from_slice::<Value>(&body).unwrap(),
            json!({"operation": "op", "authId": "id", "input": {"a": 1}, "returnOutputSchema": true})
        );
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
