//! The JSON of the Connectivity API, and the pure functions that turn a response into a value
//! or an [`Error`].
//!
//! Decoding is tolerant where Tray's answers vary (older Get Connectors answers lack
//! `service.id` or `service`; optional texts may be missing or `null`), and strict only about
//! what a caller cannot do without (a connector's or operation's `name`, the `elements` list).

mod api_error;
mod decode;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Error;
use crate::tolerant;

pub use api_error::{api_error, decode_call_response};
pub(crate) use decode::{Located, decode_answer, decode_elements, decode_slice, locate};
pub use decode::{
    decode_call, decode_call_typed, decode_connectors, decode_lookup, decode_operations,
    decode_output, decode_output_schema,
};

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
