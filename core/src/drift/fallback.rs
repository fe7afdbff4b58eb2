//! Members of generated outputs the document gives no Rust type, kept as `Value`.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::DriftKind;
use super::collector::report;

/// A member of a generated output typed `Value` (the document gives it no Rust type): a value
/// other than `null` is reported as drift. Generated code reads such members through
/// [`fallback`](crate::__private::fallback).
pub struct Fallback<T>(pub T);

impl<'de> Deserialize<'de> for Fallback<Value> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        if !value.is_null() {
            report(DriftKind::ValueFallback, None);
        }
        Ok(Fallback(value))
    }
}

impl<'de> Deserialize<'de> for Fallback<Option<Value>> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Option::<Value>::deserialize(deserializer)?;
        if value.is_some() {
            report(DriftKind::ValueFallback, None);
        }
        Ok(Fallback(value))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::drift::collector::watch;
    use crate::drift::tracked::locate;

    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Loose {
        raw: Fallback<Value>,
        maybe: Fallback<Option<Value>>,
    }

    #[test]
    fn a_value_fallback_holding_something_is_drift_and_null_is_not() {
        let (_, drifted) = watch(|| {
            serde_json::from_str::<Loose>(r#"{"raw": null, "maybe": null}"#).unwrap();
        });
        assert!(!drifted);
        let found = locate::<Loose>(&json!({"raw": {"a": 1}, "maybe": [1]}));
        let found: Vec<_> = found.iter().map(|f| (f.pointer.as_str(), f.kind)).collect();
        assert_eq!(
            found,
            [
                ("/raw", DriftKind::ValueFallback),
                ("/maybe", DriftKind::ValueFallback)
            ]
        );
    }
}
