//! What `connector!`'s expansion reaches through `::tray_connect::__private`, so that users
//! depend on `tray-connect` alone. Not a public API: it changes without notice.

pub use crate::typestate::{IsUnset, Set, Unset};
pub use serde;
pub use serde::{Deserialize, Serialize};
pub use serde_json;
pub use serde_json::{Map, Value};

// The std names the expansion uses, reached as `__tray::Option` (the expansion imports this
// module as `__tray`) rather than `::core::option::Option` at every use: a user's own `Option`
// or `String` never shadows them, and the expansion is less than half the tokens. The derive
// macros of `Debug`, `Clone`, ... come along with their traits.
pub use core::clone::Clone;
pub use core::cmp::{Eq, PartialEq};
pub use core::convert::{From, Into};
pub use core::fmt::Debug;
pub use core::hash::Hash;
pub use core::option::Option::{self, None, Some};
pub use std::boxed::Box;
pub use std::collections::BTreeMap;
pub use std::string::String;
pub use std::vec::Vec;

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
