//! What `connector!`'s expansion reaches through `::tray_connect::__private`, so that users
//! depend on `tray-connect` alone. Not a public API: it changes without notice.

pub use crate::typestate::{IntoEnum, IsUnset, Set, Unset};
pub use serde;
pub use serde::{Deserialize, Deserializer, Serialize, Serializer};
pub use serde_json;
pub use serde_json::{Map, Value};

// The std names the expansion uses, reached as `__tray::Option` (the expansion imports this
// module as `__tray`) rather than `::core::option::Option` at every use: a user's own `Option`
// or `String` never shadows them, and the expansion is less than half the tokens. The derive
// macros of `Debug`, `Clone`, ... come along with their traits.
pub use core::clone::Clone;
pub use core::cmp::{Eq, PartialEq};
pub use core::convert::{From, Infallible, Into};
pub use core::default::Default;
pub use core::fmt::{self, Debug, Display};
pub use core::hash::Hash;
pub use core::matches;
pub use core::option::Option::{self, None, Some};
pub use core::result::Result::{self, Err, Ok};
pub use core::str::FromStr;
pub use std::boxed::Box;
pub use std::collections::BTreeMap;
pub use std::string::String;
pub use std::vec::Vec;

/// Deserialises a string enum through its `FromStr`: strings only (serde's derived enums also
/// read `{"value": null}` maps, which let an enum alternative take an object), borrowed when
/// the input allows, so a known value costs no allocation.
pub fn from_str<'de, T, D>(deserializer: D) -> Result<T, D::Error>
where
    T: FromStr,
    T::Err: Display,
    D: serde::Deserializer<'de>,
{
    struct Text<T>(core::marker::PhantomData<T>);

    impl<T> serde::de::Visitor<'_> for Text<T>
    where
        T: FromStr,
        T::Err: Display,
    {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }

        fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
            value.parse().map_err(E::custom)
        }
    }

    deserializer.deserialize_str(Text(core::marker::PhantomData))
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

// ---- Objects read and written without serde's derives ----
//
// Generated structs implement `Serialize` / `Deserialize` by hand, through the helpers below:
// one `visit_map` with a `match` on the key, no field enum, no reading of objects from arrays,
// and unlisted members straight into the catch-all map (serde's `flatten` buffers the whole
// object first). That is less code for rustc to check than serde's derives, and faster.

pub use serde::de::{self, MapAccess, Visitor};
pub use serde::ser::SerializeMap;

/// A member name of a JSON object, borrowed from the input when the deserializer allows.
#[derive(Debug)]
pub struct Key<'de>(std::borrow::Cow<'de, str>);

impl<'de> Key<'de> {
    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name, owned (for a catch-all map).
    pub fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;

        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }

            fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Borrowed(value)))
            }

            fn visit_str<E: de::Error>(self, value: &str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(value.to_owned())))
            }

            fn visit_string<E: de::Error>(self, value: String) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(value)))
            }
        }

        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Keeps the value of the member `name`; a member given twice is an error, as with serde.
pub fn set<T, E: de::Error>(slot: &mut Option<T>, name: &'static str, value: T) -> Result<(), E> {
    if slot.is_some() {
        return Err(E::duplicate_field(name));
    }
    *slot = Some(value);
    Ok(())
}

/// The value of the required member `name`, or serde's "missing field" error.
pub fn required<T, E: de::Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(name))
}

/// The value of an optional member: `None` when absent.
pub fn optional<T>(slot: Option<Option<T>>) -> Option<T> {
    slot.flatten()
}

/// Writes the member `name` when its value is set (an optional member left out is absent).
pub fn entry_if_set<M: SerializeMap, T: serde::Serialize>(
    map: &mut M,
    name: &'static str,
    value: &Option<T>,
) -> Result<(), M::Error> {
    match value {
        Some(value) => map.serialize_entry(name, value),
        None => Ok(()),
    }
}

/// Writes every member of a catch-all map.
pub fn entries<'a, M, K, V>(
    map: &mut M,
    members: impl IntoIterator<Item = (&'a K, &'a V)>,
) -> Result<(), M::Error>
where
    M: SerializeMap,
    K: serde::Serialize + 'a,
    V: serde::Serialize + 'a,
{
    for (key, value) in members {
        map.serialize_entry(key, value)?;
    }
    Ok(())
}

/// The `expecting` text of a generated struct: `an object (SendSmsOutput)`.
pub fn expecting_object(f: &mut fmt::Formatter<'_>, name: &str) -> fmt::Result {
    write!(f, "an object ({name})")
}

// ---- Drift: what an output keeps that its document did not promise ----

pub use crate::drift::{Fallback, Lenient};

/// Reads a member's value leniently (an integer, number or boolean, or an `Option` of one): a
/// number or boolean sent as text is taken as one, and reported as drift.
pub fn lenient<'de, T, A>(map: &mut A) -> Result<T, A::Error>
where
    A: MapAccess<'de>,
    Lenient<T>: serde::Deserialize<'de>,
{
    map.next_value::<Lenient<T>>().map(|value| value.0)
}

/// Reads the value of a member the document gives no Rust type (a `Value`, or an `Option` of
/// one): a value other than `null` is reported as drift.
pub fn fallback<'de, T, A>(map: &mut A) -> Result<T, A::Error>
where
    A: MapAccess<'de>,
    Fallback<T>: serde::Deserialize<'de>,
{
    map.next_value::<Fallback<T>>().map(|value| value.0)
}

/// Reports a member the document does not list (about to land in `extra`) as drift.
pub fn unlisted(member: &str) {
    crate::drift::report(crate::drift::DriftKind::UnlistedMember, Some(member));
}

/// Reports an enum value the document does not list (about to land in `Unknown`) as drift.
pub fn unknown_value() {
    crate::drift::report(crate::drift::DriftKind::UnknownEnumValue, None);
}
