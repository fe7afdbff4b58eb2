//! Recorded exchanges: the fixture files `tray-connect record` writes and
//! [`EmulatorBuilder::replay`](crate::EmulatorBuilder::replay) answers from.
//!
//! One JSON file per Call Connector exchange, named by [`file_name`]
//! (`{connector}-{version}-{operation}-{n}.json`, every character outside `A-Z a-z 0-9 - _ .`
//! replaced by `_`), holding the request as far as replay matches it and the answer as Tray
//! gave it:
//!
//! ```json
//! {
//!   "trayConnectFixture": 1,
//!   "connector": "twilio-output",
//!   "version": "2.1",
//!   "operation": "send_sms",
//!   "request": {
//!     "authId": "<redacted>",
//!     "input": {"to": "+15551234567", "from": "+15557654321", "body": "hi"}
//!   },
//!   "response": {
//!     "status": 200,
//!     "headers": {"content-type": "application/json"},
//!     "body": {"outcome": "success", "output": {"sid": "SM1", "status": "queued"}}
//!   },
//!   "outputCheck": {"result": "fits"}
//! }
//! ```
//!
//! - **Secrets are never written.** The bearer token is not recorded (no request header is);
//!   the `authId` is written as [`REDACTED`]; so is every input whose property in the
//!   operation's `inputSchema` says `format: password` ([`Redaction`]). Any string of the
//!   input that holds one of those values, or a `Bearer` credential, is replaced whole; in the
//!   answer (body and headers) each occurrence is replaced ([`Secrets`]).
//! - **The answer replays byte for byte**: `body` holds the JSON answer when writing it
//!   compactly gives back the bytes Tray sent (replay writes it compactly, keys in the file's
//!   order), `bodyText` the text otherwise, `bodyBase64` bytes that are not UTF-8. An answer
//!   with a secret in it replays with [`REDACTED`] in its place. Of the answer's headers only
//!   `content-type` and `retry-after` are kept (what a client reads; the others, such as
//!   `date` or request ids, would change every recording).
//! - **Byte-stable**: the same exchange always gives the same file (pretty JSON, keys in a
//!   fixed order, the input's and the answer's in their own order, a final newline), so
//!   recording unchanged traffic again leaves `git diff` empty.
//! - **`outputCheck`** says whether the output fits the vendored `outputSchema`
//!   ([`OutputCheck`]): each [`Mismatch`] with its JSON pointer in the output.

mod input_match;
mod output_check;
mod redact;

pub(crate) use input_match::{Difference, canonical, differences, matches};
pub use output_check::OutputChecks;
pub use redact::{MIN_SECRET_INSIDE, Redaction, Secrets};

use std::borrow::Cow;
use std::collections::BTreeMap;

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::mismatch::Mismatch;

/// The version of the fixture format this crate writes, and the only one it reads.
pub const FORMAT: u64 = 1;

/// What a secret is written as. In a recorded input it also matches any value on replay.
pub const REDACTED: &str = "<redacted>";

/// The largest fixture file replay reads (the client's cap on an answer).
pub const MAX_FIXTURE_BYTES: u64 = 64 * 1024 * 1024;

/// The most fixture files one replayed folder may hold.
pub const MAX_REPLAY_FILES: usize = 100_000;

/// The most bytes the fixture files of one replayed folder may hold together.
pub const MAX_REPLAY_BYTES: u64 = 1024 * 1024 * 1024;

/// Response headers kept in a fixture: those a client reads.
pub const KEPT_HEADERS: &[&str] = &["content-type", "retry-after"];

/// One recorded Call Connector exchange (see the [module docs](self)).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Fixture {
    /// The format's version: [`FORMAT`].
    pub tray_connect_fixture: u64,
    /// The connector name of the request's path.
    pub connector: String,
    /// The connector version of the request's path.
    pub version: String,
    /// The body's `operation`.
    pub operation: String,
    /// What was sent, redacted.
    pub request: FixtureRequest,
    /// What the upstream answered.
    pub response: FixtureResponse,
    /// Whether the output fits the vendored `outputSchema`, as checked when recording.
    pub output_check: OutputCheck,
}

/// The request of a [`Fixture`]: what replay matches a call by, with the operation's path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FixtureRequest {
    /// [`REDACTED`] when the call sent an `authId`; never the id itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_id: Option<String>,
    /// The body's `returnOutputSchema`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub return_output_schema: bool,
    /// The body's `input`, passwords and other secrets [`REDACTED`] (`null` when absent).
    pub input: Value,
}

/// The answer of a [`Fixture`]: exactly one of `body`, `body_text` and `body_base64`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FixtureResponse {
    /// The HTTP status.
    pub status: u16,
    /// The [`KEPT_HEADERS`] the answer had, by lower-case name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// The body as JSON, when replaying it compactly gives the bytes received (or it had a
    /// secret redacted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    /// The body as text, when it is not such JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_text: Option<String>,
    /// The body's bytes in standard base64, when they are not UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_base64: Option<String>,
}

/// Whether a recorded output fits the vendored `outputSchema` of its operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "camelCase")]
pub enum OutputCheck {
    /// It does: everything the schema says holds, and it has no member the schema does not
    /// list.
    Fits,
    /// It does not: every way it departs, sorted by pointer.
    Mismatches {
        /// Pointers are in the call's `output` (`/sid`), not in the whole answer.
        mismatches: Vec<Mismatch>,
    },
    /// It could not be checked, and why (no vendored document, not a successful call, an
    /// operation with a dynamic output, ...).
    Unchecked {
        /// Why, in one sentence.
        reason: String,
    },
}

impl OutputCheck {
    /// The mismatches found; empty when the output fits or was not checked.
    pub fn mismatches(&self) -> &[Mismatch] {
        match self {
            OutputCheck::Mismatches { mismatches } => mismatches,
            _ => &[],
        }
    }
}

fn is_false(flag: &bool) -> bool {
    !*flag
}

impl Fixture {
    /// The fixture's text: pretty JSON ending with a newline, the same bytes for the same
    /// exchange.
    pub fn to_text(&self) -> Result<String, serde_json::Error> {
        let mut text = serde_json::to_string_pretty(self)?;
        text.push('\n');
        Ok(text)
    }

    /// Reads a fixture's text; the error says what is wrong and where (line and column, or
    /// the member).
    pub fn from_text(text: &str) -> Result<Fixture, String> {
        // The format's version first, so a newer file is not reported as malformed.
        let outline: Value = serde_json::from_str(text).map_err(|e| {
            format!(
                "not valid JSON (line {}, column {}): {e}",
                e.line(),
                e.column()
            )
        })?;
        match outline.get("trayConnectFixture") {
            Some(Value::Number(n)) if n.as_u64() == Some(FORMAT) => {}
            Some(Value::Number(n)) => {
                return Err(format!(
                    "it is in fixture format {n}; this version of tray-connect reads format \
                     {FORMAT} only"
                ));
            }
            _ => {
                return Err(
                    "it is not a tray-connect fixture: it has no \"trayConnectFixture\": 1"
                        .to_owned(),
                );
            }
        }
        let fixture: Fixture = serde_json::from_str(text)
            .map_err(|e| format!("line {}, column {}: {e}", e.line(), e.column()))?;
        fixture.response.check()?;
        Ok(fixture)
    }

    /// The body's value, when it is JSON (`body`, or a `bodyText` or `bodyBase64` that
    /// parses).
    pub fn body_json(&self) -> Option<Cow<'_, Value>> {
        let response = &self.response;
        if let Some(body) = &response.body {
            return Some(Cow::Borrowed(body));
        }
        let bytes = response.raw_bytes()?;
        serde_json::from_slice(&bytes).ok().map(Cow::Owned)
    }
}

impl FixtureResponse {
    /// The answer of a recorded exchange: the [`KEPT_HEADERS`] of `headers` and the body, each
    /// redacted of `secrets` (see the [module docs](self) for which form the body takes).
    pub fn recorded<'a>(
        status: u16,
        headers: impl IntoIterator<Item = (&'a str, &'a str)>,
        body: &[u8],
        secrets: &Secrets,
    ) -> FixtureResponse {
        let headers = headers
            .into_iter()
            .filter_map(|(name, value)| {
                let name = name.to_ascii_lowercase();
                KEPT_HEADERS
                    .contains(&name.as_str())
                    .then(|| (name, secrets.redact_text(value).into_owned()))
            })
            .collect();
        let mut response = FixtureResponse {
            status,
            headers,
            body: None,
            body_text: None,
            body_base64: None,
        };
        match serde_json::from_slice::<Value>(body) {
            Ok(mut value) if !value.is_null() => {
                let exact = serde_json::to_vec(&value).is_ok_and(|again| again == body);
                let redacted = secrets.redact_in_answer(&mut value);
                if exact || redacted {
                    response.body = Some(value);
                } else {
                    // JSON is UTF-8 text.
                    response.body_text = Some(String::from_utf8_lossy(body).into_owned());
                }
            }
            _ => match std::str::from_utf8(body) {
                Ok(text) => response.body_text = Some(secrets.redact_text(text).into_owned()),
                Err(_) => {
                    response.body_base64 =
                        Some(base64::engine::general_purpose::STANDARD.encode(body));
                }
            },
        }
        response
    }

    /// Exactly one body, a status HTTP can carry, a body that decodes.
    fn check(&self) -> Result<(), String> {
        if !(100..=999).contains(&self.status) {
            return Err(format!(
                "response.status {} is not an HTTP status (100 to 999)",
                self.status
            ));
        }
        let bodies = [
            self.body.is_some(),
            self.body_text.is_some(),
            self.body_base64.is_some(),
        ];
        match bodies.iter().filter(|b| **b).count() {
            1 => {}
            0 => {
                return Err("response has no body: give one of \"body\", \"bodyText\" \
                            (\"\" for none, \"null\" for a JSON null) or \"bodyBase64\""
                    .to_owned());
            }
            _ => {
                return Err(
                    "response has more than one of \"body\", \"bodyText\" and \"bodyBase64\""
                        .to_owned(),
                );
            }
        }
        if let Some(encoded) = &self.body_base64 {
            base64::engine::general_purpose::STANDARD
                .decode(encoded)
                .map_err(|e| format!("response.bodyBase64 is not standard base64: {e}"))?;
        }
        for (name, value) in &self.headers {
            let valid_name = !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
            let valid_value = value
                .bytes()
                .all(|b| b == b'\t' || (b' '..=b'~').contains(&b));
            if !valid_name || !valid_value {
                return Err(format!(
                    "response.headers.{name} is not a header an HTTP answer can carry"
                ));
            }
        }
        Ok(())
    }

    /// The bytes of `bodyText` or `bodyBase64` (`None` for `body`, whose bytes replay takes
    /// from the file's text).
    pub(crate) fn raw_bytes(&self) -> Option<Vec<u8>> {
        if let Some(text) = &self.body_text {
            return Some(text.clone().into_bytes());
        }
        let encoded = self.body_base64.as_ref()?;
        base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .ok()
    }
}

/// The bytes replay sends for a fixture's `body`: the JSON as the file writes it, without the
/// whitespace between its tokens, so its keys keep the file's order whatever serde_json's
/// features. `None` when the file has no `body`.
pub(crate) fn body_bytes_from_text(text: &str) -> Option<Vec<u8>> {
    #[derive(Deserialize)]
    struct Outline<'a> {
        #[serde(borrow)]
        response: ResponseOutline<'a>,
    }
    #[derive(Deserialize)]
    struct ResponseOutline<'a> {
        #[serde(borrow, default)]
        body: Option<&'a serde_json::value::RawValue>,
    }
    let outline: Outline<'_> = serde_json::from_str(text).ok()?;
    Some(minify(outline.response.body?.get()).into_bytes())
}

/// JSON text without the whitespace between tokens.
fn minify(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in json.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !matches!(c, ' ' | '\n' | '\r' | '\t') {
            out.push(c);
        }
    }
    out
}

/// The file name of the `n`th recorded exchange (from 1) of `operation` of `connector`
/// `version`: `{connector}-{version}-{operation}-{n:03}.json`. Each part keeps ASCII
/// letters, digits, `-`, `_` and `.`, every other character becoming `_`, and at most 64 of
/// them; an empty part is `_`, and a part never starts with `.`. The name is therefore one
/// plain file name (never `..`, a separator, a drive or a hidden file), whatever the names
/// a request or a document supplies.
///
/// ```
/// use tray_connect_emulator::fixture::file_name;
/// assert_eq!(file_name("twilio-output", "2.1", "send_sms", 1), "twilio-output-2.1-send_sms-001.json");
/// assert_eq!(file_name("../../etc", "1", "a/b\\c", 12), "_._.._etc-1-a_b_c-012.json");
/// ```
pub fn file_name(connector: &str, version: &str, operation: &str, n: usize) -> String {
    format!(
        "{}-{}-{}-{n:03}.json",
        name_part(connector),
        name_part(version),
        name_part(operation)
    )
}

/// The stem a fixture's file name numbers (`twilio-output-2.1-send_sms`) and its number, when
/// the name is one [`file_name`] makes.
pub(crate) fn split_file_name(name: &str) -> Option<(&str, usize)> {
    let (stem, n) = name.strip_suffix(".json")?.rsplit_once('-')?;
    Some((stem, n.parse().ok()?))
}

fn name_part(text: &str) -> String {
    let mut part: String = text
        .chars()
        .take(64)
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if part.is_empty() {
        part.push('_');
    }
    if part.starts_with('.') {
        part.replace_range(..1, "_");
    }
    part
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn file_names_stay_in_their_folder() {
        for (c, v, o) in [
            ("..", "..", ".."),
            ("/etc/passwd", "1", "x"),
            ("", "", ""),
            ("a\0b", "C:\\x", "\u{202e}evil"),
            (".hidden", "1", "op"),
        ] {
            let name = file_name(c, v, o, 1);
            assert!(!name.starts_with('.'), "{name}");
            assert!(
                name.chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '-' | '_' | '.')),
                "{name}"
            );
            assert_eq!(
                std::path::Path::new(&name).components().count(),
                1,
                "{name}"
            );
        }
        assert_eq!(file_name("", "", "", 7), "_-_-_-007.json");
        let long = "x".repeat(500);
        assert!(file_name(&long, &long, &long, 1).len() < 210);
        assert_eq!(
            split_file_name("twilio-output-2.1-send_sms-012.json"),
            Some(("twilio-output-2.1-send_sms", 12))
        );
    }

    #[test]
    fn a_recorded_body_replays_the_bytes_received() {
        let secrets = Secrets::new();
        let compact = br#"{"outcome":"success","output":{"z":1,"a":[true,null]}}"#;
        let response = FixtureResponse::recorded(200, [], compact, &secrets);
        assert!(response.body.is_some());
        let fixture = Fixture {
            tray_connect_fixture: FORMAT,
            connector: "c".into(),
            version: "1".into(),
            operation: "o".into(),
            request: FixtureRequest {
                auth_id: None,
                return_output_schema: false,
                input: json!({}),
            },
            response,
            output_check: OutputCheck::Fits,
        };
        let text = fixture.to_text().unwrap();
        assert_eq!(body_bytes_from_text(&text).unwrap(), compact);
        assert_eq!(Fixture::from_text(&text).unwrap(), fixture);
        // Spaced JSON is kept as text, to give back the same bytes.
        let spaced = b"{ \"outcome\": \"success\" }";
        let response = FixtureResponse::recorded(200, [], spaced, &secrets);
        assert_eq!(
            response.body_text.as_deref(),
            Some("{ \"outcome\": \"success\" }")
        );
        let binary = FixtureResponse::recorded(
            502,
            [("Content-Type", "x"), ("Date", "d")],
            &[0xff, 0],
            &secrets,
        );
        assert_eq!(binary.body_base64.as_deref(), Some("/wA="));
        assert_eq!(binary.headers.len(), 1);
        assert_eq!(binary.raw_bytes().unwrap(), [0xff, 0]);
    }

    #[test]
    fn malformed_fixtures_say_what_is_wrong() {
        let cases = [
            ("[", "not valid JSON (line 1"),
            ("{}", "no \"trayConnectFixture\": 1"),
            (r#"{"trayConnectFixture": 2}"#, "fixture format 2"),
            (r#"{"trayConnectFixture": 1}"#, "missing field `connector`"),
            (
                r#"{"trayConnectFixture": 1, "connector": "c", "version": "1", "operation": "o",
                    "request": {"input": {}}, "response": {"status": 200},
                    "outputCheck": {"result": "fits"}}"#,
                "response has no body",
            ),
            (
                r#"{"trayConnectFixture": 1, "connector": "c", "version": "1", "operation": "o",
                    "request": {"input": {}}, "response": {"status": 42, "bodyText": ""},
                    "outputCheck": {"result": "fits"}}"#,
                "not an HTTP status",
            ),
            (
                r#"{"trayConnectFixture": 1, "connector": "c", "version": "1", "operation": "o",
                    "request": {"input": {}, "typo": 1}, "response": {"status": 200, "bodyText": ""},
                    "outputCheck": {"result": "fits"}}"#,
                "unknown field `typo`",
            ),
        ];
        for (text, expected) in cases {
            let error = Fixture::from_text(text).unwrap_err();
            assert!(error.contains(expected), "{text}: {error}");
        }
    }
}
