//! Tray's GraphQL transport: sending a document, reading its answer into `data` and `errors`,
//! and deciding what may be sent again.
//!
//! - A **query** is a read: HTTP failures retry like the list endpoints, and an answer whose
//!   errors read "Rate limit exceeded" (Tray's GraphQL rate limit comes with HTTP 200) is
//!   retried within the same attempt budget.
//! - A **mutation** may have run: it is sent like a connector call (connection failures and
//!   HTTP 429 only), and a GraphQL-level rate limit is reported, never repeated.
//! - An answer with `errors` and partial `data` is an [`Error::GraphQl`] that keeps the data,
//!   unless the typed part a method asked for came back whole: then it is returned and the
//!   errors are logged, so a created user's id is never lost to an unrelated error.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::retry::RequestKind;
use crate::text::one_line;
use crate::wire;
use crate::{Client, Error};

/// What a document does, as far as repeating it is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DocumentKind {
    /// Only queries: repeating it changes nothing.
    Query,
    /// A mutation (or subscription, or anything not clearly a query): may have acted.
    Mutation,
}

impl DocumentKind {
    /// Reads the operation keywords of `document`: any `mutation` or `subscription` at the top
    /// level makes it a mutation. Strings, block strings and comments are skipped, so a
    /// `"mutation"` inside them does not count; an operation *named* `mutation` does, which
    /// errs on the side of not repeating.
    pub(crate) fn of(document: &str) -> DocumentKind {
        let bytes = document.as_bytes();
        let mut depth = 0usize;
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'#' => {
                    while i < bytes.len() && bytes[i] != b'\n' {
                        i += 1;
                    }
                }
                b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                    i += 3;
                    while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                        i += if bytes[i..].starts_with(b"\\\"\"\"") {
                            4
                        } else {
                            1
                        };
                    }
                    i += 2;
                }
                b'"' => {
                    i += 1;
                    while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                        i += if bytes[i] == b'\\' { 2 } else { 1 };
                    }
                }
                b'{' | b'(' | b'[' => depth += 1,
                b'}' | b')' | b']' => depth = depth.saturating_sub(1),
                c if c == b'_' || c.is_ascii_alphabetic() => {
                    let start = i;
                    while i < bytes.len() && (bytes[i] == b'_' || bytes[i].is_ascii_alphanumeric())
                    {
                        i += 1;
                    }
                    let name = &bytes[start..i];
                    if depth == 0 && (name == b"mutation" || name == b"subscription") {
                        return DocumentKind::Mutation;
                    }
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
        DocumentKind::Query
    }
}

/// A GraphQL answer: its `data` (when an object) and its `errors` (possibly none).
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) data: Option<Value>,
    pub(crate) errors: Vec<Value>,
    /// The size of the answer's body, in bytes.
    pub(crate) bytes: usize,
}

impl Answer {
    /// Reads a GraphQL answer body.
    pub(crate) fn read(body: &[u8]) -> Result<Answer, Error> {
        let answer: Value = serde_json::from_slice(body).map_err(|source| Error::Decode {
            what: "GraphQL answer".to_owned(),
            path: format!("line {} column {}", source.line(), source.column()),
            message: source.to_string(),
            output: None,
            source: Some(source),
        })?;
        let Value::Object(mut answer) = answer else {
            return Err(Error::Decode {
                what: "GraphQL answer".to_owned(),
                path: ".".to_owned(),
                message: "expected an object".to_owned(),
                output: None,
                source: None,
            });
        };
        let errors = match answer.remove("errors") {
            Some(Value::Array(errors)) => errors,
            // A lone error object, or a string, is still an error.
            Some(Value::Null) | None => Vec::new(),
            Some(other) => vec![other],
        };
        let data = match answer.remove("data") {
            Some(data @ Value::Object(_)) => Some(data),
            _ => None,
        };
        Ok(Answer {
            data,
            errors,
            bytes: body.len(),
        })
    }

    /// The error of an answer with `errors` (keeping any partial data).
    fn error(self) -> Error {
        let first = self.errors.first().cloned().unwrap_or(Value::Null);
        let message = match first.get("message") {
            Some(Value::String(m)) => one_line(m),
            _ => match &first {
                Value::String(m) => one_line(m),
                other => crate::text::excerpt(&other.to_string(), 200),
            },
        };
        Error::GraphQl {
            message,
            errors: self.errors,
            data: self.data.map(Box::new),
        }
    }

    /// `data` when there are no errors; else [`Error::GraphQl`] with the partial data.
    pub(crate) fn into_data(self) -> Result<Value, Error> {
        if !self.errors.is_empty() {
            return Err(self.error());
        }
        self.data.ok_or_else(|| Error::Decode {
            what: "GraphQL answer".to_owned(),
            path: "data".to_owned(),
            message: "neither `data` nor `errors`".to_owned(),
            output: None,
            source: None,
        })
    }

    /// `data` decoded as `T`. With errors, the data is still used when all of `T` is in it
    /// (the errors are logged); otherwise the errors are the result.
    pub(crate) fn decode<T: DeserializeOwned>(self, what: &str) -> Result<T, Error> {
        if self.errors.is_empty() {
            return wire::decode_output(self.into_data()?, what);
        }
        if let Some(data) = &self.data
            && let Ok(value) = T::deserialize(data)
        {
            let errors = Value::Array(self.errors.clone());
            tracing::warn!(
                errors = %errors,
                "{what}: the GraphQL answer has errors, but the data asked for came back whole"
            );
            return Ok(value);
        }
        Err(self.error())
    }

    fn is_rate_limited(&self) -> bool {
        self.errors.iter().any(|e| {
            e.get("message")
                .and_then(Value::as_str)
                .is_some_and(|m| m.to_ascii_lowercase().contains("rate limit"))
        })
    }
}

impl Client {
    /// Sends one GraphQL document and reads the answer (retrying as its kind allows).
    pub(crate) async fn graphql_exchange(
        &self,
        kind: DocumentKind,
        query: &str,
        variables: Value,
    ) -> Result<Answer, Error> {
        self.graphql_exchange_capped(kind, query, variables, self.inner.max_response_bytes)
            .await
    }

    /// [`graphql_exchange`](Self::graphql_exchange) accepting an answer of at most
    /// `max_bytes` (what is left of a paged listing's budget).
    pub(crate) async fn graphql_exchange_capped(
        &self,
        kind: DocumentKind,
        query: &str,
        variables: Value,
        max_bytes: usize,
    ) -> Result<Answer, Error> {
        #[derive(Serialize)]
        struct Body<'a> {
            query: &'a str,
            variables: Value,
        }
        let body =
            serde_json::to_vec(&Body { query, variables }).map_err(|source| Error::Encode {
                operation: "GraphQL request".to_owned(),
                message: source.to_string(),
                source,
            })?;
        let url = self.inner.graphql_url.clone();
        let body = match kind {
            DocumentKind::Query => {
                let mut request = self.request_to(RequestKind::Read, "POST", &url, Some(body))?;
                request.max_bytes = max_bytes;
                self.send_checked(request, |body| match Answer::read(body) {
                    Ok(answer) if answer.is_rate_limited() => Some(answer.error()),
                    _ => None,
                })
                .await?
            }
            DocumentKind::Mutation => {
                let mut request = self.request_to(RequestKind::Call, "POST", &url, Some(body))?;
                request.max_bytes = max_bytes;
                self.send(request).await?
            }
        };
        Answer::read(&body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn documents_with_a_mutation_are_not_queries() {
        for query in [
            "query { viewer { id } }",
            "{ viewer { id } }",
            "query($first: Int) { viewer { authentications(first: $first) { edges { node { id } } } } }",
            "# mutation in a comment\nquery { a(text: \"mutation\") }",
            "query { a(text: \"\"\"\nmutation { x }\n\"\"\") }",
            "query Q { ...F } fragment F on Viewer { mutationCount }",
        ] {
            assert_eq!(DocumentKind::of(query), DocumentKind::Query, "{query}");
        }
        for mutation in [
            "mutation ($userId: ID!) {\n  authorize(input: {\n      userId: $userId\n  }) {\n    accessToken\n  }\n}",
            "mutation{removeAuthentication(input:{authenticationId:\"x\"}){clientMutationId}}",
            "query A { a } mutation B { b }",
            "subscription { events }",
        ] {
            assert_eq!(
                DocumentKind::of(mutation),
                DocumentKind::Mutation,
                "{mutation}"
            );
        }
    }

    #[test]
    fn graphql_errors_in_a_200_become_an_error() {
        let err =
            Answer::read(br#"{"data": null, "errors": [{"message": "Rate limit exceeded"}]}"#)
                .unwrap()
                .into_data()
                .unwrap_err();
        assert!(matches!(err, Error::GraphQl { .. }));
        assert!(err.is_rate_limited());
        assert_eq!(err.to_string(), "Tray GraphQL error: Rate limit exceeded");
        assert_eq!(err.partial_data(), None);
        let data = Answer::read(br#"{"data": {"viewer": null}}"#)
            .unwrap()
            .into_data()
            .unwrap();
        assert_eq!(data, json!({"viewer": null}));
        assert!(matches!(
            Answer::read(b"{}").unwrap().into_data().unwrap_err(),
            Error::Decode { .. }
        ));
        assert!(matches!(
            Answer::read(b"[]").unwrap_err(),
            Error::Decode { .. }
        ));
    }

    #[test]
    fn partial_data_is_kept_in_the_error_and_used_when_whole() {
        #[derive(serde::Deserialize, Debug)]
        #[serde(rename_all = "camelCase")]
        struct Created {
            create_external_user: User,
        }
        #[derive(serde::Deserialize, Debug)]
        #[serde(rename_all = "camelCase")]
        struct User {
            user_id: String,
        }
        let whole = br#"{"data": {"createExternalUser": {"userId": "u-1"}, "other": null},
                          "errors": [{"message": "other failed", "path": ["other"]}]}"#;
        let created: Created = Answer::read(whole).unwrap().decode("answer").unwrap();
        assert_eq!(created.create_external_user.user_id, "u-1");

        let partial = br#"{"data": {"createExternalUser": null},
                            "errors": [{"message": "Name taken"}, {"message": "again"}]}"#;
        let err = Answer::read(partial)
            .unwrap()
            .decode::<Created>("answer")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "Tray GraphQL error: Name taken (and 1 more)"
        );
        assert_eq!(
            err.partial_data(),
            Some(&json!({"createExternalUser": null}))
        );
    }
}
