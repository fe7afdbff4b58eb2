//! The serde behaviour specified for generated types (the crate docs of `tray-connect`), checked on the dialect and
//! naming fixture documents (`codegen/tests/fixtures/dialect-*.json`, `naming-*.json`).

mod enums;
mod lookups;
mod naming;
mod presence;
mod shapes;

use serde_json::Value;

fn to_json<T: tray_connect::__private::serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("generated types serialise")
}

fn from_json<T: tray_connect::__private::serde::de::DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).expect("generated types deserialise")
}
