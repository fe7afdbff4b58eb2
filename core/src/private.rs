//! What `connector!`'s expansion reaches through `::tray_connect::__private`, so that users
//! depend on `tray-connect` alone. Not a public API: it changes without notice.

pub use crate::typestate::{IsUnset, Set, Unset};
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
pub use core::fmt::{self, Debug, Display};
pub use core::hash::Hash;
pub use core::option::Option::{self, None, Some};
pub use core::result::Result::{self, Err, Ok};
pub use core::str::FromStr;
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

/// Deserialises a required property that may be `null` (`None`). Unlike a plain `Option`
/// field, a missing property is an error: the schema requires it.
pub fn nullable<'de, T, D>(deserializer: D) -> Result<Option<T>, D::Error>
where
    T: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(deserializer)
}

/// Deserialises a struct from a JSON object only. Serde's derived structs also read a JSON
/// array as their fields in order, which would let a struct alternative of an untagged enum
/// take an array meant for a later alternative.
pub fn object_only<'de, T, D>(deserializer: D) -> Result<T, D::Error>
where
    T: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    T::deserialize(object_only::ObjectOnly(deserializer))
}

mod object_only {
    use serde::de::{Deserializer, MapAccess, Visitor};
    use std::fmt;

    pub(super) struct ObjectOnly<D>(pub(super) D);

    impl<'de, D: Deserializer<'de>> Deserializer<'de> for ObjectOnly<D> {
        type Error = D::Error;

        fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
            self.0.deserialize_any(MapVisitor(visitor))
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            name: &'static str,
            fields: &'static [&'static str],
            visitor: V,
        ) -> Result<V::Value, D::Error> {
            self.0.deserialize_struct(name, fields, MapVisitor(visitor))
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
            identifier ignored_any
        }
    }

    /// Passes maps on to the struct's visitor; anything else is refused as the wrong type.
    struct MapVisitor<V>(V);

    impl<'de, V: Visitor<'de>> Visitor<'de> for MapVisitor<V> {
        type Value = V::Value;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.0.expecting(f)
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
            self.0.visit_map(map)
        }
    }
}

/// Deserialises a property that may be absent (`None`) as its type reads it, `null` included:
/// a type that holds `null` itself (`Value`, `()`, enums with such a variant) gets `Some(..)`,
/// any other type refuses it. Serde alone would read `null` as absent.
pub fn present<'de, T, D>(deserializer: D) -> Result<Option<T>, D::Error>
where
    T: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    T::deserialize(deserializer).map(Some)
}

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
