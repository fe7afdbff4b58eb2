//! What `connector!`'s expansion reaches through `::tray_connect::__private`, so that users
//! depend on `tray-connect` alone. Not a public API: it changes without notice.

pub use crate::typestate::{IsUnset, Set, Unset};
pub use serde;
pub use serde_json;
pub use std::collections::BTreeMap;

/// Deserialises a property that may be absent (`None`), `null` (`Some(None)`) or a value
/// (`Some(Some(v))`); serde alone folds `null` into absent.
pub fn double_option<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(deserializer).map(Some)
}

/// A lookup template's value as JSON (`Null` if it cannot be serialised, which no generated
/// input type does).
pub fn lookup_value<T: serde::Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}

/// A lookup template's value written into a longer string: strings as they are, anything else
/// as JSON text.
pub fn lookup_text<T: serde::Serialize>(value: &T) -> String {
    match lookup_value(value) {
        serde_json::Value::String(text) => text,
        other => other.to_string(),
    }
}
