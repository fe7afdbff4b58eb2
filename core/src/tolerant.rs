//! The one set of liberal field decoders every wire type uses (`#[serde(deserialize_with)]`).
//!
//! Tray's published schemas and its real answers disagree in small ways: a number sent as text
//! (`"version": "1"` in the Embedded API, `1` in Get Connectors), `null` where a field is
//! optional, a list item of another shape than its siblings. A field decoded through these
//! helpers accepts all of them; only what a caller cannot do without (an id, a name) may fail,
//! and only through [`id`].
//!
//! Every helper reads the field as a [`Value`] first, so a field of unexpected shape never
//! fails the whole answer. Unknown fields need nothing: no wire type denies them.

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// The text of a scalar: a string as is, a number or boolean as its JSON text.
pub(crate) fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A required identifier: a string, or a number taken as its text. `null` or any other shape
/// is an error (the field has no sensible default).
pub(crate) fn id<'de, D: Deserializer<'de>>(de: D) -> Result<String, D::Error> {
    let value = Value::deserialize(de)?;
    scalar_text(&value).ok_or_else(|| {
        D::Error::custom(format!(
            "invalid type: {}, expected a string or a number",
            kind_of(&value)
        ))
    })
}

/// A text: a number or boolean is taken as its text; `null`, absent (with `default`) or any
/// other shape is empty.
pub(crate) fn text<'de, D: Deserializer<'de>>(de: D) -> Result<String, D::Error> {
    Ok(optional_text(de)?.unwrap_or_default())
}

/// An optional text: a number or boolean is taken as its text; `null` or another shape is `None`.
pub(crate) fn optional_text<'de, D: Deserializer<'de>>(de: D) -> Result<Option<String>, D::Error> {
    Ok(scalar_text(&Value::deserialize(de)?))
}

/// An integer: an integral float or a numeric text is accepted, anything else is `0`.
pub(crate) fn integer<'de, D: Deserializer<'de>>(de: D) -> Result<i64, D::Error> {
    Ok(optional_integer(de)?.unwrap_or_default())
}

/// An optional integer: an integral float or a numeric text (`"1"`) is accepted; `null` or
/// anything else is `None`.
pub(crate) fn optional_integer<'de, D: Deserializer<'de>>(de: D) -> Result<Option<i64>, D::Error> {
    Ok(integer_of(&Value::deserialize(de)?))
}

pub(crate) fn integer_of(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64)),
        Value::String(s) => {
            let s = s.trim();
            s.parse::<i64>().ok().or_else(|| {
                s.parse::<f64>()
                    .ok()
                    .filter(|f| f.is_finite() && f.fract() == 0.0)
                    .map(|f| f as i64)
            })
        }
        _ => None,
    }
}

/// A boolean: `"true"`/`"false"` (any case) are accepted, anything else is `false`.
pub(crate) fn boolean<'de, D: Deserializer<'de>>(de: D) -> Result<bool, D::Error> {
    Ok(match Value::deserialize(de)? {
        Value::Bool(b) => b,
        Value::String(s) => s.trim().eq_ignore_ascii_case("true"),
        _ => false,
    })
}

/// An optional value of type `T`: `None` when it is `null` or has an unexpected shape, rather
/// than an error.
pub(crate) fn optional<'de, D: Deserializer<'de>, T: DeserializeOwned>(
    de: D,
) -> Result<Option<T>, D::Error> {
    Ok(T::deserialize(Value::deserialize(de)?).ok())
}

/// A list of `T`: `null` or a non-list is empty, and items that do not decode as `T` are
/// left out (one odd item never costs the others).
pub(crate) fn list<'de, D: Deserializer<'de>, T: DeserializeOwned>(
    de: D,
) -> Result<Vec<T>, D::Error> {
    Ok(match Value::deserialize(de)? {
        Value::Array(items) => items
            .into_iter()
            .filter_map(|item| T::deserialize(item).ok())
            .collect(),
        _ => Vec::new(),
    })
}

/// A list of texts: numbers and booleans are taken as their text, other items left out;
/// `null` or a non-list is empty.
pub(crate) fn text_list<'de, D: Deserializer<'de>>(de: D) -> Result<Vec<String>, D::Error> {
    Ok(match Value::deserialize(de)? {
        Value::Array(items) => items.iter().filter_map(scalar_text).collect(),
        _ => Vec::new(),
    })
}

/// Like [`text_list`], but `None` when the field is `null` or not a list.
pub(crate) fn optional_text_list<'de, D: Deserializer<'de>>(
    de: D,
) -> Result<Option<Vec<String>>, D::Error> {
    Ok(match Value::deserialize(de)? {
        Value::Array(items) => Some(items.iter().filter_map(scalar_text).collect()),
        _ => None,
    })
}

pub(crate) fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Probe {
        #[serde(deserialize_with = "id")]
        id: String,
        #[serde(default, deserialize_with = "text")]
        name: String,
        #[serde(default, deserialize_with = "optional_integer")]
        version: Option<i64>,
        #[serde(default, deserialize_with = "boolean")]
        flag: bool,
        #[serde(default, deserialize_with = "text_list")]
        scopes: Vec<String>,
        #[serde(default, deserialize_with = "list")]
        counts: Vec<i64>,
    }

    fn probe(value: Value) -> Result<Probe, serde_json::Error> {
        serde_json::from_value(value)
    }

    #[test]
    fn numbers_sent_as_text_decode_and_texts_sent_as_numbers_too() {
        let p = probe(json!({"id": 42, "name": 7, "version": "3", "flag": "TRUE",
                             "scopes": ["a", 1, true], "counts": [1, "x", 2]}))
        .unwrap();
        assert_eq!(p.id, "42");
        assert_eq!(p.name, "7");
        assert_eq!(p.version, Some(3));
        assert!(p.flag);
        assert_eq!(p.scopes, ["a", "1", "true"]);
        assert_eq!(p.counts, [1, 2]);
        assert_eq!(
            probe(json!({"id": "a", "version": "2.0"})).unwrap().version,
            Some(2)
        );
        assert_eq!(
            probe(json!({"id": "a", "version": 4.0})).unwrap().version,
            Some(4)
        );
    }

    #[test]
    fn optional_fields_accept_absent_null_and_odd_shapes() {
        let absent = probe(json!({"id": "a"})).unwrap();
        let nulls = probe(
            json!({"id": "a", "name": null, "version": null, "flag": null,
                                 "scopes": null, "counts": null, "unknown": {"x": 1}}),
        )
        .unwrap();
        let odd = probe(json!({"id": "a", "name": [], "version": "one", "flag": 3,
                               "scopes": "a", "counts": {}}))
        .unwrap();
        for p in [&absent, &nulls, &odd] {
            assert_eq!(p.name, "");
            assert_eq!(p.version, None);
            assert!(!p.flag);
            assert!(p.scopes.is_empty());
            assert!(p.counts.is_empty());
        }
    }

    #[test]
    fn a_required_id_must_be_a_string_or_a_number() {
        let err = probe(json!({"id": null})).unwrap_err();
        assert!(
            err.to_string().contains("expected a string or a number"),
            "{err}"
        );
        assert!(probe(json!({"name": "x"})).is_err());
    }
}
