//! Lenient scalars of generated outputs.

use std::fmt;

use serde::de;
use serde::{Deserialize, Deserializer};

use super::DriftKind;
use super::collector::report;

/// A scalar of a generated output read leniently: a number or boolean sent as text, or an
/// integral number sent as a float, is taken as the promised type and reported as drift.
/// Generated code reads struct members through [`lenient`](crate::__private::lenient).
pub struct Lenient<T>(pub T);

struct LenientVisitor<T>(std::marker::PhantomData<T>);

fn mismatch() {
    report(DriftKind::TypeMismatch, None);
}

impl<'de> de::Visitor<'de> for LenientVisitor<i64> {
    type Value = Lenient<i64>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("i64")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Lenient(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        i64::try_from(v)
            .map(Lenient)
            .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        if v.is_finite() && v.fract() == 0.0 && v.abs() < 9.0e15 {
            mismatch();
            Ok(Lenient(v as i64))
        } else {
            Err(E::invalid_type(de::Unexpected::Float(v), &self))
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        match v.trim().parse::<i64>() {
            Ok(n) => {
                mismatch();
                Ok(Lenient(n))
            }
            Err(_) => Err(E::invalid_type(de::Unexpected::Str(v), &self)),
        }
    }
}

impl<'de> de::Visitor<'de> for LenientVisitor<f64> {
    type Value = Lenient<f64>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("f64")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Lenient(v as f64))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Lenient(v as f64))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Lenient(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        match v.trim().parse::<f64>() {
            Ok(n) if n.is_finite() => {
                mismatch();
                Ok(Lenient(n))
            }
            _ => Err(E::invalid_type(de::Unexpected::Str(v), &self)),
        }
    }
}

impl<'de> de::Visitor<'de> for LenientVisitor<bool> {
    type Value = Lenient<bool>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a boolean")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Lenient(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        let v = v.trim();
        if v.eq_ignore_ascii_case("true") {
            mismatch();
            Ok(Lenient(true))
        } else if v.eq_ignore_ascii_case("false") {
            mismatch();
            Ok(Lenient(false))
        } else {
            Err(E::invalid_type(de::Unexpected::Str(v), &self))
        }
    }
}

macro_rules! lenient_scalar {
    ($($ty:ty)*) => {
        $(
            impl<'de> Deserialize<'de> for Lenient<$ty> {
                fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    deserializer.deserialize_any(LenientVisitor::<$ty>(std::marker::PhantomData))
                }
            }

            impl<'de> Deserialize<'de> for Lenient<Option<$ty>> {
                fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    Ok(Lenient(Option::<Lenient<$ty>>::deserialize(deserializer)?.map(|l| l.0)))
                }
            }
        )*
    };
}

lenient_scalar!(i64 f64 bool);

#[cfg(test)]
mod tests {
    use crate::drift::collector::watch;
    use crate::drift::fixtures::Out;

    #[test]
    fn a_clean_decode_raises_no_flag_and_a_lenient_one_does() {
        let (out, drifted) = watch(|| {
            serde_json::from_str::<Out>(r#"{"items": [{"n": 1}], "flag": null}"#).unwrap()
        });
        assert!(!drifted);
        assert_eq!(out.items[0].n.0, 1);
        let (out, drifted) = watch(|| {
            serde_json::from_str::<Out>(r#"{"items": [{"n": "2"}], "flag": "TRUE"}"#).unwrap()
        });
        assert!(drifted);
        assert_eq!((out.items[0].n.0, out.flag.0), (2, Some(true)));
        // Outside a client's decode nothing is collected.
        serde_json::from_str::<Out>(r#"{"items": [{"n": "2"}], "flag": "x"}"#).unwrap_err();
    }
}
