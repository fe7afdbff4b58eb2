//! Input validation against an operation's `inputSchema`, with Tray's error wording: the
//! schema is normalised first (`normalise.rs`), then compiled once as draft-04, and each error
//! reads as Tray's (everit-style, Java) validator prints it. The tests here pin the normaliser
//! too, through the validator that uses it.

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{Draft, JsonType, Retrieve, Uri, ValidationError, Validator};
use serde_json::Value;

use crate::mismatch::{self, Mismatch};
use crate::normalise::normalise;

/// A compiled `inputSchema`, built once when the document is loaded.
pub(crate) struct InputValidator {
    validator: Validator,
}

impl std::fmt::Debug for InputValidator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("InputValidator")
    }
}

/// The retriever of every schema the emulator compiles: it fetches nothing. A document is
/// untrusted, and a `$ref` to `https://..` or `file:///..` that the normaliser let through (one
/// reached through a local `$ref` into a keyword it does not walk) must never make the
/// emulator read a URL or a file. Set explicitly, because `jsonschema`'s default retriever
/// fetches both as soon as any crate in the build turns on its `resolve-http` or
/// `resolve-file` feature (Cargo unifies features).
struct NoRemoteSchemas;

impl Retrieve for NoRemoteSchemas {
    fn retrieve(
        &self,
        uri: &Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        Err(format!("the emulator fetches no schema, so the reference to {uri} is refused").into())
    }
}

impl InputValidator {
    /// Normalises `schema` and compiles it as draft-04, fetching nothing. A schema that still
    /// does not compile gives the compiler's message; the emulator then refuses the
    /// operation's calls (`Validation::Refused`) rather than serve them unvalidated.
    pub(crate) fn build(schema: &Value) -> Result<InputValidator, String> {
        Self::build_normalised(&normalise(schema))
    }

    /// Compiles a schema already normalised.
    fn build_normalised(normalised: &Value) -> Result<InputValidator, String> {
        jsonschema::options()
            .with_draft(Draft::Draft4)
            .should_validate_formats(false)
            .with_retriever(NoRemoteSchemas)
            .build(normalised)
            .map(|validator| InputValidator { validator })
            .map_err(|e| e.to_string())
    }

    /// `Ok` for a valid input, else the whole 400 message in Tray's format.
    pub(crate) fn check(&self, input: &Value) -> Result<(), String> {
        let problems = self.problems(input);
        if problems.is_empty() {
            return Ok(());
        }
        Err(tray_validation_message(problems))
    }

    /// Every way `value` fails the schema, each as Tray words it (`#/to: expected type:
    /// String, found: Integer`).
    fn problems(&self, value: &Value) -> Vec<String> {
        let mut errors: Vec<(String, String)> = Vec::new();
        for error in self.validator.iter_errors(value) {
            let path = error.instance_path().as_str().to_owned();
            for line in describe(&error) {
                errors.push((path.clone(), line));
            }
        }
        // Root errors (missing required keys) first, as Tray lists them; otherwise schema order.
        errors.sort_by(|a, b| a.0.cmp(&b.0));
        errors.into_iter().map(|(_, line)| line).collect()
    }
}

/// A schema of an operations document (an `outputSchema`, say), normalised and compiled as the
/// emulator compiles every `inputSchema`: draft-04, Tray's keywords removed, no reference ever
/// fetched. `tray-connect listen --trigger-document` checks the events it receives with it.
///
/// ```
/// use serde_json::json;
/// let schema = json!({"type": "object", "required": ["boundary"],
///                     "properties": {"boundary": {"type": "string"}}});
/// let check = tray_connect_emulator::SchemaCheck::new(&schema).unwrap();
/// assert!(check.problems(&json!({"boundary": "enter"})).is_empty());
/// assert_eq!(check.problems(&json!({"boundary": 1})), ["#/boundary: expected type: String, found: Integer"]);
/// ```
#[derive(Debug)]
pub struct SchemaCheck {
    validator: InputValidator,
    /// The schema as compiled, to read what a broken keyword says.
    normalised: Value,
}

impl SchemaCheck {
    /// Compiles `schema`; the error is the compiler's, for a schema that still does not
    /// compile once normalised.
    pub fn new(schema: &Value) -> Result<SchemaCheck, String> {
        let normalised = normalise(schema);
        InputValidator::build_normalised(&normalised).map(|validator| SchemaCheck {
            validator,
            normalised,
        })
    }

    /// Every way `value` fails the schema, worded as Tray words input errors; empty when it
    /// fits.
    pub fn problems(&self, value: &Value) -> Vec<String> {
        self.validator.problems(value)
    }

    /// Every way `value` departs from the schema, each with its JSON pointer, the keyword it
    /// breaks, what that keyword says and what was found (see [`Mismatch`]): what
    /// [`problems`](Self::problems) says, and also every member the schema does not list
    /// (where it lists an object's `properties` and allows no others by a schema or a
    /// pattern; such members are valid JSON Schema, but the document did not promise them).
    /// Sorted by pointer, then keyword; empty when `value` is as documented.
    pub fn mismatches(&self, value: &Value) -> Vec<Mismatch> {
        let mut found = Vec::new();
        for error in self.validator.validator.iter_errors(value) {
            found.extend(structured(&error, &self.normalised));
        }
        found.extend(mismatch::undocumented(&self.normalised, value));
        found.sort_by(|a, b| {
            (&a.pointer, &a.keyword, &a.message).cmp(&(&b.pointer, &b.keyword, &b.message))
        });
        found.dedup();
        found
    }
}

/// `error` as mismatches: one per missing member or unexpected key, else one.
fn structured(error: &ValidationError<'_>, schema: &Value) -> Vec<Mismatch> {
    let pointer = error.instance_path().as_str();
    let keyword = error.kind().keyword().to_owned();
    let promised = schema.pointer(error.schema_path().as_str()).cloned();
    let instance = error.instance();
    let lines = describe(error);
    // `describe` starts each line with `#{pointer}: `; the pointer is a field of its own.
    let prefix = format!("#{pointer}: ");
    let message = |line: &str| line.strip_prefix(&prefix).unwrap_or(line).to_owned();
    let member = |name: &str| format!("{pointer}/{}", tray_connect_codegen::pointer::escape(name));
    match error.kind() {
        ValidationErrorKind::Required { property } => {
            let name = property
                .as_str()
                .map_or_else(|| property.to_string(), str::to_owned);
            vec![Mismatch::new(
                member(&name),
                &keyword,
                promised,
                None,
                format!("required member [{name}] not found"),
            )]
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => unexpected
            .iter()
            .map(|key| {
                Mismatch::new(
                    member(key),
                    &keyword,
                    promised.clone(),
                    instance.get(key),
                    format!("extraneous key [{key}] is not permitted"),
                )
            })
            .collect(),
        _ => lines
            .iter()
            .map(|line| {
                Mismatch::new(
                    pointer.to_owned(),
                    &keyword,
                    promised.clone(),
                    Some(instance),
                    message(line),
                )
            })
            .collect(),
    }
}

/// `Connector input validation failed. Schema validation errors: [ 1 - a, 2 - b ]`.
pub(crate) fn tray_validation_message(errors: impl IntoIterator<Item = String>) -> String {
    let numbered: Vec<String> = errors
        .into_iter()
        .enumerate()
        .map(|(i, e)| format!("{} - {e}", i + 1))
        .collect();
    format!(
        "Connector input validation failed. Schema validation errors: [ {} ]",
        numbered.join(", ")
    )
}

/// One or more lines in the wording of Tray's validator (everit-style) for one error.
fn describe(error: &ValidationError<'_>) -> Vec<String> {
    let pointer = error.instance_path().as_str();
    let at = format!("#{pointer}");
    let instance = error.instance();
    let line = match error.kind() {
        ValidationErrorKind::Required { property } => {
            let name = property
                .as_str()
                .map_or_else(|| property.to_string(), str::to_owned);
            format!("{at}: required key [{name}] not found")
        }
        ValidationErrorKind::Type { kind } => {
            let expected = match kind {
                TypeKind::Single(t) => type_name(*t).to_owned(),
                TypeKind::Multiple(set) => {
                    let names: Vec<&str> = set.iter().map(type_name).collect();
                    format!("one of [{}]", names.join(", "))
                }
            };
            format!(
                "{at}: expected type: {expected}, found: {}",
                value_type_name(instance)
            )
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            return unexpected
                .iter()
                .map(|key| format!("{at}: extraneous key [{key}] is not permitted"))
                .collect();
        }
        ValidationErrorKind::Enum { .. } => format!("{at}: {instance} is not a valid enum value"),
        ValidationErrorKind::MinLength { limit } => format!(
            "{at}: expected minLength: {limit}, actual: {}",
            instance.as_str().map_or(0, |s| s.chars().count())
        ),
        ValidationErrorKind::MaxLength { limit } => format!(
            "{at}: expected maxLength: {limit}, actual: {}",
            instance.as_str().map_or(0, |s| s.chars().count())
        ),
        ValidationErrorKind::Minimum { limit } => {
            format!("{at}: {instance} is not greater or equal to {limit}")
        }
        ValidationErrorKind::Maximum { limit } => {
            format!("{at}: {instance} is not less or equal to {limit}")
        }
        ValidationErrorKind::ExclusiveMinimum { limit } => {
            format!("{at}: {instance} is not greater than {limit}")
        }
        ValidationErrorKind::ExclusiveMaximum { limit } => {
            format!("{at}: {instance} is not less than {limit}")
        }
        ValidationErrorKind::Pattern { pattern } => format!(
            "{at}: string [{}] does not match pattern {pattern}",
            instance.as_str().unwrap_or_default()
        ),
        ValidationErrorKind::MinItems { limit } => format!(
            "{at}: expected minimum item count: {limit}, found: {}",
            instance.as_array().map_or(0, Vec::len)
        ),
        ValidationErrorKind::MaxItems { limit } => format!(
            "{at}: expected maximum item count: {limit}, found: {}",
            instance.as_array().map_or(0, Vec::len)
        ),
        ValidationErrorKind::UniqueItems => format!("{at}: array items are not unique"),
        ValidationErrorKind::OneOfNotValid { .. } => {
            format!("{at}: #: 0 subschemas matched instead of one")
        }
        ValidationErrorKind::OneOfMultipleValid { .. } => {
            format!("{at}: #: more than one subschema matched instead of one")
        }
        ValidationErrorKind::AnyOf { context } => format!(
            "{at}: #: no subschema matched out of the total {} subschemas",
            context.len()
        ),
        // Anything rarer: the validator's own sentence, still prefixed with the location.
        _ => format!("{at}: {error}"),
    };
    vec![line]
}

/// Type names as Tray's (Java) validator prints them.
fn type_name(t: JsonType) -> &'static str {
    match t {
        JsonType::Null => "Null",
        JsonType::Boolean => "Boolean",
        JsonType::Integer => "Integer",
        JsonType::Number => "Number",
        JsonType::String => "String",
        JsonType::Array => "JSONArray",
        JsonType::Object => "JSONObject",
    }
}

fn value_type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "Null",
        Value::Bool(_) => "Boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "Integer",
        Value::Number(_) => "Number",
        Value::String(_) => "String",
        Value::Array(_) => "JSONArray",
        Value::Object(_) => "JSONObject",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn check(schema: Value, input: Value) -> Result<(), String> {
        InputValidator::build(&schema).unwrap().check(&input)
    }

    #[test]
    fn missing_required_key_reads_like_tray() {
        let schema = json!({"type": "object", "properties": {"channel": {"type": "string"}},
                            "required": ["channel"]});
        assert_eq!(
            check(schema, json!({"text": "hi"})).unwrap_err(),
            "Connector input validation failed. Schema validation errors: \
             [ 1 - #: required key [channel] not found ]"
        );
    }

    #[test]
    fn required_and_type_errors_are_numbered_root_first() {
        let schema = json!({"type": "object", "required": ["channel"],
                            "properties": {"number_of_rows": {"type": "integer"}}});
        assert_eq!(
            check(schema, json!({"number_of_rows": "100"})).unwrap_err(),
            "Connector input validation failed. Schema validation errors: [ 1 - #: required key \
             [channel] not found, 2 - #/number_of_rows: expected type: Integer, found: String ]"
        );
    }

    #[test]
    fn nested_paths_and_type_arrays_are_described() {
        let schema = json!({"type": "object", "properties": {"filter": {"type": "object",
            "properties": {"value": {"type": ["string", "number", "boolean"]}}}}});
        let message = check(schema, json!({"filter": {"value": null}})).unwrap_err();
        assert_eq!(
            message,
            "Connector input validation failed. Schema validation errors: [ 1 - #/filter/value: \
             expected type: one of [Boolean, Number, String], found: Null ]"
        );
    }

    #[test]
    fn other_errors_have_a_readable_fallback() {
        let schema = json!({"type": "object", "additionalProperties": false,
            "properties": {"mode": {"enum": ["a", "b"]}}});
        let message = check(schema, json!({"mode": "c", "extra": 1})).unwrap_err();
        assert!(
            message.contains("#: extraneous key [extra] is not permitted"),
            "{message}"
        );
        assert!(
            message.contains("#/mode: \"c\" is not a valid enum value"),
            "{message}"
        );
    }

    #[test]
    fn tray_quirks_are_normalised_away() {
        let schema = json!({
            "$schema": "https://api.tray.io/core/v1/connectors/operations/input-schema#",
            "type": "object", "required": [], "advanced": [],
            "properties": {
                "milestone": {"type": ["", "integer", "string"]},
                "broken": {"$ref": "#/definitions/missing"},
                "remote": {"$ref": "https://example.com/schema.json"},
                "lang": {"type": "string", "enum": [{"text": "English", "value": "english"}]},
                "legacy": {"type": "string", "required": true, "advanced": true},
                "count": {"type": "integer", "exclusiveMinimum": 0},
                "when": {"type": "string", "format": "datetime"},
                "typo": {"tytpe": "string"}
            }
        });
        let validator = InputValidator::build(&schema).unwrap();
        assert!(
            validator
                .check(
                    &json!({"milestone": 3, "broken": [1], "lang": "english", "count": 1,
                                "when": "not a date", "legacy": "x"})
                )
                .is_ok()
        );
        assert!(validator.check(&json!({"count": 0})).is_err());
        assert!(validator.check(&json!({"lang": "french"})).is_err());
    }

    #[test]
    fn local_refs_with_escapes_resolve() {
        let schema = json!({"definitions": {"a/b": {"type": "integer"}, "c d": {"type": "string"}},
            "type": "object", "properties": {
                "x": {"$ref": "#/definitions/a~1b"}, "y": {"$ref": "#/definitions/c%20d"}}});
        let validator = InputValidator::build(&schema).unwrap();
        assert!(validator.check(&json!({"x": 1, "y": "s"})).is_ok());
        assert!(validator.check(&json!({"x": "1"})).is_err());
        assert!(validator.check(&json!({"y": 2})).is_err());
    }

    #[test]
    fn no_reference_is_ever_fetched() {
        // Reached through a local `$ref` into a keyword the normaliser does not walk, a remote
        // reference survives normalising; the validator refuses to build rather than fetch it.
        for remote in ["https://evil.invalid/x.json", "file:///etc/passwd"] {
            let schema = json!({"type": "object", "properties": {"n": {"$ref": "#/smuggle"}},
                                "smuggle": {"$ref": remote}});
            let error = InputValidator::build(&schema).unwrap_err();
            assert!(
                error.contains(&format!(
                    "the emulator fetches no schema, so the reference to {remote} is refused"
                )),
                "{error}"
            );
        }
    }

    #[test]
    fn property_named_like_a_keyword_is_kept() {
        let schema = json!({"type": "object", "required": ["format", "lookup"],
            "properties": {"format": {"type": "string"}, "lookup": {"type": "string"}}});
        let message = check(schema, json!({"format": 1})).unwrap_err();
        assert!(
            message.contains("#/format: expected type: String, found: Integer"),
            "{message}"
        );
        assert!(
            message.contains("required key [lookup] not found"),
            "{message}"
        );
    }
}
