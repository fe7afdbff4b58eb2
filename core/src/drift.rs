//! Drift seen at run time: what Tray's answers hold that the vendored document did not promise.
//!
//! Generated outputs are decoded liberally: a member the document does not list lands in
//! `extra`, an enum value it does not list in `Unknown`, a number sent as text (`"42"` where the
//! schema says integer) is taken as the number. Each of those is a difference between the
//! document and reality, reported here rather than kept silently.
//!
//! How it stays cheap: while a [`Client`](crate::Client) decodes an answer, the runtime types
//! (the generated `extra` arms, `Unknown` variants, the lenient scalars of
//! [`__private`](crate::__private)) set a thread-local flag when they keep something
//! unpromised. An answer that sets no flag costs two thread-local accesses and no allocation.
//! Only an answer that did set it is decoded a second time, from a [`Value`], through a
//! deserializer that tracks the JSON pointer of every member, to find where; each new
//! (operation, pointer) is then logged once (a `tracing` event, target
//! `tray_connect::drift`) and kept for [`Client::drift_report`](crate::Client::drift_report).

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::sync::Mutex;

use serde::de::{self, DeserializeOwned, DeserializeSeed, MapAccess, SeqAccess};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// What an answer held that the document did not promise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DriftKind {
    /// A member the document does not list (kept in the struct's `extra` map).
    UnlistedMember,
    /// An enum value the document does not list (kept in the enum's `Unknown` variant).
    UnknownEnumValue,
    /// A value of another JSON type than the document's, taken as the promised one: a number
    /// or boolean sent as text, an integral number sent as a float.
    TypeMismatch,
    /// A value (not `null`) of a member the document gives no Rust type (no `type`, a
    /// construct Rust cannot type: see the module's `VALUE_FALLBACKS`), kept as a
    /// `serde_json::Value`.
    ValueFallback,
}

impl DriftKind {
    /// The kind as written in reports and events: `unlisted_member`, `unknown_enum_value`,
    /// `type_mismatch`, `value_fallback`.
    pub fn as_str(self) -> &'static str {
        match self {
            DriftKind::UnlistedMember => "unlisted_member",
            DriftKind::UnknownEnumValue => "unknown_enum_value",
            DriftKind::TypeMismatch => "type_mismatch",
            DriftKind::ValueFallback => "value_fallback",
        }
    }
}

impl fmt::Display for DriftKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One place where Tray's answers differed from the document: an operation's output and a
/// JSON pointer into it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ObservedDrift {
    /// The connector's name, e.g. `"twilio-output"`.
    pub connector: String,
    /// The connector's version, e.g. `"2.1"`.
    pub version: String,
    /// The operation's wire name, e.g. `"send_sms"`.
    pub operation: String,
    /// The JSON pointer (RFC 6901) into the operation's `output`, of the first answer it was
    /// seen in: `/status` for an unknown enum value, `/messages/0/flag` for a member of the
    /// first item of a list. Sightings in other items of the same list (`/messages/7/flag`)
    /// count as this one.
    pub pointer: String,
    /// What was kept that the document did not promise.
    pub kind: DriftKind,
    /// How many answers it was seen in, by this client.
    pub count: u64,
}

/// What a [`Client`](crate::Client) saw in Tray's answers that its documents did not promise
/// ([`Client::drift_report`](crate::Client::drift_report)).
///
/// Serializable: write it to a file with [`write_json`](Self::write_json) (or `serde_json`)
/// and give it to `tray-connect check --observed FILE`, which fails (exit 1) when it is not
/// empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DriftReport {
    /// Every place seen, ordered by connector, version, operation and pointer.
    pub observed: Vec<ObservedDrift>,
}

impl DriftReport {
    /// Whether nothing was seen.
    pub fn is_empty(&self) -> bool {
        self.observed.is_empty()
    }

    /// Writes the report as pretty JSON to `path`, the file `tray-connect check --observed`
    /// reads.
    pub fn write_json(&self, path: impl AsRef<Path>) -> std::io::Result<()> {
        let mut text = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        text.push('\n');
        std::fs::write(path, text)
    }
}

/// The drift one client (and its clones and `as_user` clients) has seen: one entry per
/// connector, version, operation and pointer pattern (array indices as `*`). Public only
/// through `__wire`, for the benches.
#[doc(hidden)]
#[derive(Default)]
pub struct DriftLog {
    seen: Mutex<BTreeMap<(String, String, String, String), ObservedDrift>>,
}

impl DriftLog {
    /// Notes the drift found in one answer, logging each place the first time it is seen
    /// (after the lock is released: a subscriber may ask for the report).
    fn observe(&self, connector: &str, version: &str, operation: &str, found: Vec<Found>) {
        let mut new = Vec::new();
        {
            let Ok(mut seen) = self.seen.lock() else {
                return;
            };
            for found in found {
                let key = (
                    connector.to_owned(),
                    version.to_owned(),
                    operation.to_owned(),
                    found.pattern,
                );
                if let Some(entry) = seen.get_mut(&key) {
                    entry.count = entry.count.saturating_add(1);
                    continue;
                }
                new.push((found.pointer.clone(), found.kind));
                seen.insert(
                    key,
                    ObservedDrift {
                        connector: connector.to_owned(),
                        version: version.to_owned(),
                        operation: operation.to_owned(),
                        pointer: found.pointer,
                        kind: found.kind,
                        count: 1,
                    },
                );
            }
        }
        for (pointer, kind) in new {
            tracing::warn!(
                target: "tray_connect::drift",
                connector,
                version,
                operation,
                pointer = pointer.as_str(),
                kind = kind.as_str(),
                "an answer holds what the vendored document does not promise"
            );
        }
    }

    /// What was seen so far.
    pub fn report(&self) -> DriftReport {
        let observed = match self.seen.lock() {
            Ok(seen) => seen.values().cloned().collect(),
            Err(_) => Vec::new(),
        };
        DriftReport { observed }
    }

    /// Decodes with `decode` (an answer of `connector` `version` `operation` in `body`), and
    /// when the decode kept something unpromised, finds where in the answer's `output` and
    /// notes it.
    pub fn watch<T: DeserializeOwned, R>(
        &self,
        connector: &str,
        version: &str,
        operation: &str,
        body: &[u8],
        decode: impl FnOnce() -> R,
    ) -> R {
        self.watch_in::<T, R>(connector, version, operation, body, true, decode)
    }

    /// Like [`watch`](Self::watch), the decoded value being the answer's `output` member
    /// (`in_output`) or the whole body (a trigger event).
    pub(crate) fn watch_in<T: DeserializeOwned, R>(
        &self,
        connector: &str,
        version: &str,
        operation: &str,
        body: &[u8],
        in_output: bool,
        decode: impl FnOnce() -> R,
    ) -> R {
        let (result, drifted) = watch(decode);
        if drifted && let Ok(mut value) = serde_json::from_slice::<Value>(body) {
            let decoded = match (&mut value, in_output) {
                (Value::Object(answer), true) => answer.remove("output"),
                (_, true) => None,
                (_, false) => Some(value),
            };
            if let Some(decoded) = decoded {
                let found = locate::<T>(&decoded);
                if !found.is_empty() {
                    self.observe(connector, version, operation, found);
                }
            }
        }
        result
    }
}

/// The drift of trigger events decoded in this process ([`decode_event`](crate::decode_event),
/// `TrayEvent`): no client decodes them, so they are kept per process.
pub(crate) static EVENTS: DriftLog = DriftLog {
    seen: Mutex::new(BTreeMap::new()),
};

/// What the trigger events decoded in this process ([`decode_event`](crate::decode_event) and
/// the `TrayEvent` extractor) held that their documents did not promise: members the document
/// does not list (kept in `extra`), enum values it does not list (kept in `Unknown`), numbers
/// or booleans sent as text.
///
/// The same report as [`Client::drift_report`](crate::Client::drift_report) (`connector` is
/// the trigger's name, `operation` the trigger operation's), and each entry is logged once
/// the same way, as a `tracing` event with target `tray_connect::drift`. Kept per process
/// rather than per client, because no client decodes an event.
pub fn event_drift_report() -> DriftReport {
    EVENTS.report()
}

// ---- The collector the runtime types report to ----

/// What the current thread's decode collects: nothing (no client decoding), a flag, or where.
enum Mode {
    Off,
    Flag,
    Locate,
}

thread_local! {
    static MODE: Cell<u8> = const { Cell::new(OFF) };
    static DRIFTED: Cell<bool> = const { Cell::new(false) };
    static LOCATOR: RefCell<Locator> = const { RefCell::new(Locator { path: Vec::new(), found: Vec::new() }) };
}

const OFF: u8 = 0;
const FLAG: u8 = 1;
const LOCATE: u8 = 2;

fn mode() -> Mode {
    match MODE.with(Cell::get) {
        FLAG => Mode::Flag,
        LOCATE => Mode::Locate,
        _ => Mode::Off,
    }
}

/// Restores the thread's previous mode when a decode ends (or unwinds).
struct Restore(u8);

impl Drop for Restore {
    fn drop(&mut self) {
        MODE.with(|m| m.set(self.0));
    }
}

/// Runs `decode` with the flag armed; returns its result and whether anything drifted.
fn watch<R>(decode: impl FnOnce() -> R) -> (R, bool) {
    let previous = MODE.with(|m| m.replace(FLAG));
    let _restore = Restore(previous);
    let was = DRIFTED.with(|d| d.replace(false));
    let result = decode();
    let drifted = DRIFTED.with(|d| d.replace(was));
    (result, drifted)
}

/// A segment of the path being decoded.
enum Segment {
    Key(String),
    Index(usize),
}

struct Locator {
    path: Vec<Segment>,
    found: Vec<Found>,
}

/// One place found in an answer.
struct Found {
    pointer: String,
    /// The pointer with array indices as `*`: what makes a place the same one.
    pattern: String,
    kind: DriftKind,
}

/// At most this many places are noted from one answer (an answer of thousands of unlisted
/// members says what it has to say with the first ones).
const MAX_FOUND: usize = 64;

impl Locator {
    fn note(&mut self, kind: DriftKind, member: Option<&str>) {
        if self.found.len() >= MAX_FOUND {
            return;
        }
        let mut pointer = String::new();
        let mut pattern = String::new();
        let mut push = |segment: &str, index: bool| {
            pointer.push('/');
            pattern.push('/');
            escape_into(&mut pointer, segment);
            if index {
                pattern.push('*');
            } else {
                escape_into(&mut pattern, segment);
            }
        };
        for segment in &self.path {
            match segment {
                Segment::Key(key) => push(key, false),
                Segment::Index(i) => push(&i.to_string(), true),
            }
        }
        if let Some(member) = member {
            push(member, false);
        }
        if self
            .found
            .iter()
            .any(|f| f.pattern == pattern && f.kind == kind)
        {
            return;
        }
        self.found.push(Found {
            pointer,
            pattern,
            kind,
        });
    }
}

/// RFC 6901: `~` as `~0`, `/` as `~1`.
fn escape_into(out: &mut String, segment: &str) {
    for c in segment.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
}

/// Called by the runtime types when a decode keeps something unpromised: `member` is the name
/// of an unlisted member (whose value is not being decoded yet), `None` for the value being
/// decoded.
pub(crate) fn report(kind: DriftKind, member: Option<&str>) {
    match mode() {
        Mode::Off => {}
        Mode::Flag => DRIFTED.with(|d| d.set(true)),
        Mode::Locate => LOCATOR.with(|l| {
            if let Ok(mut locator) = l.try_borrow_mut() {
                locator.note(kind, member);
            }
        }),
    }
}

/// Decodes `output` as `T` again, tracking the path, and returns the places that drifted.
fn locate<T: DeserializeOwned>(output: &Value) -> Vec<Found> {
    let previous = MODE.with(|m| m.replace(LOCATE));
    let _restore = Restore(previous);
    let saved = LOCATOR.with(|l| {
        l.try_borrow_mut()
            .map(|mut l| {
                std::mem::replace(
                    &mut *l,
                    Locator {
                        path: Vec::new(),
                        found: Vec::new(),
                    },
                )
            })
            .ok()
    });
    let _ = T::deserialize(Tracked(output));
    LOCATOR.with(|l| {
        let Ok(mut locator) = l.try_borrow_mut() else {
            return Vec::new();
        };
        let found = std::mem::take(&mut locator.found);
        if let Some(saved) = saved {
            *locator = saved;
        } else {
            locator.path.clear();
        }
        found
    })
}

fn push_segment(segment: Segment) {
    LOCATOR.with(|l| {
        if let Ok(mut l) = l.try_borrow_mut() {
            l.path.push(segment);
        }
    });
}

fn pop_segment() {
    LOCATOR.with(|l| {
        if let Ok(mut l) = l.try_borrow_mut() {
            l.path.pop();
        }
    });
}

// ---- A deserializer over a `Value` that tracks the path ----

/// `&Value` as a deserializer that pushes each member's name and item's index while its value
/// is decoded. Scalars are `&Value`'s own.
struct Tracked<'a>(&'a Value);

macro_rules! forward_to_value {
    ($($method:ident)*) => {
        $(
            fn $method<V: de::Visitor<'a>>(self, visitor: V) -> Result<V::Value, Self::Error> {
                self.0.$method(visitor)
            }
        )*
    };
}

impl<'a> Deserializer<'a> for Tracked<'a> {
    type Error = serde_json::Error;

    fn deserialize_any<V: de::Visitor<'a>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.0 {
            Value::Object(map) => visitor.visit_map(TrackedMap {
                members: map.iter(),
                value: None,
            }),
            Value::Array(items) => visitor.visit_seq(TrackedSeq {
                items: items.iter().enumerate(),
            }),
            other => other.deserialize_any(visitor),
        }
    }

    fn deserialize_option<V: de::Visitor<'a>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: de::Visitor<'a>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_map<V: de::Visitor<'a>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.0 {
            Value::Object(_) => self.deserialize_any(visitor),
            other => other.deserialize_map(visitor),
        }
    }

    fn deserialize_struct<V: de::Visitor<'a>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        match self.0 {
            Value::Object(_) => self.deserialize_any(visitor),
            other => other.deserialize_struct(name, fields, visitor),
        }
    }

    fn deserialize_seq<V: de::Visitor<'a>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.0 {
            Value::Array(_) => self.deserialize_any(visitor),
            other => other.deserialize_seq(visitor),
        }
    }

    fn deserialize_tuple<V: de::Visitor<'a>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        match self.0 {
            Value::Array(_) => self.deserialize_any(visitor),
            other => other.deserialize_tuple(len, visitor),
        }
    }

    fn deserialize_tuple_struct<V: de::Visitor<'a>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_tuple_struct(name, len, visitor)
    }

    fn deserialize_unit_struct<V: de::Visitor<'a>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_unit_struct(name, visitor)
    }

    fn deserialize_enum<V: de::Visitor<'a>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_enum(name, variants, visitor)
    }

    forward_to_value! {
        deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64
        deserialize_u128 deserialize_f32 deserialize_f64 deserialize_char deserialize_str
        deserialize_string deserialize_bytes deserialize_byte_buf deserialize_unit
        deserialize_identifier deserialize_ignored_any
    }
}

struct TrackedMap<'a> {
    members: serde_json::map::Iter<'a>,
    value: Option<(&'a String, &'a Value)>,
}

impl<'a> MapAccess<'a> for TrackedMap<'a> {
    type Error = serde_json::Error;

    fn next_key_seed<K: DeserializeSeed<'a>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        match self.members.next() {
            Some((key, value)) => {
                self.value = Some((key, value));
                let key = de::value::BorrowedStrDeserializer::<serde_json::Error>::new(key);
                seed.deserialize(key).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'a>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Self::Error> {
        let Some((key, value)) = self.value.take() else {
            return Err(de::Error::custom("a value asked for before its key"));
        };
        push_segment(Segment::Key(key.clone()));
        let result = seed.deserialize(Tracked(value));
        pop_segment();
        result
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.members.len())
    }
}

struct TrackedSeq<'a> {
    items: std::iter::Enumerate<std::slice::Iter<'a, Value>>,
}

impl<'a> SeqAccess<'a> for TrackedSeq<'a> {
    type Error = serde_json::Error;

    fn next_element_seed<T: DeserializeSeed<'a>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Self::Error> {
        match self.items.next() {
            Some((index, item)) => {
                push_segment(Segment::Index(index));
                let result = seed.deserialize(Tracked(item));
                pop_segment();
                result.map(Some)
            }
            None => Ok(None),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

// ---- Lenient scalars of generated outputs ----

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
    use super::*;
    use serde_json::json;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Item {
        n: Lenient<i64>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Out {
        items: Vec<Item>,
        flag: Lenient<Option<bool>>,
    }

    impl fmt::Debug for Lenient<i64> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.0.fmt(f)
        }
    }

    impl fmt::Debug for Lenient<Option<bool>> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.0.fmt(f)
        }
    }

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

    #[test]
    fn places_are_located_by_pointer_once_per_pattern() {
        let output = json!({"items": [{"n": "1"}, {"n": "2"}, {"n": 3}], "flag": "false"});
        let found = locate::<Out>(&output);
        let found: Vec<_> = found
            .iter()
            .map(|f| (f.pointer.as_str(), f.pattern.as_str(), f.kind))
            .collect();
        assert_eq!(
            found,
            [
                ("/items/0/n", "/items/*/n", DriftKind::TypeMismatch),
                ("/flag", "/flag", DriftKind::TypeMismatch),
            ]
        );
    }

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

    #[test]
    fn pointers_escape_tilde_and_slash() {
        let mut locator = Locator {
            path: vec![Segment::Key("a/b".into()), Segment::Index(2)],
            found: Vec::new(),
        };
        locator.note(DriftKind::UnlistedMember, Some("c~d"));
        assert_eq!(locator.found[0].pointer, "/a~1b/2/c~0d");
        assert_eq!(locator.found[0].pattern, "/a~1b/*/c~0d");
    }

    #[test]
    fn the_log_counts_sightings_and_reports_in_order() {
        let log = DriftLog::default();
        for _ in 0..3 {
            let found = locate::<Out>(&json!({"items": [{"n": "1"}], "flag": true}));
            log.observe("acme", "1.0", "op", found);
        }
        let report = log.report();
        assert_eq!(report.observed.len(), 1);
        assert_eq!(report.observed[0].count, 3);
        assert_eq!(report.observed[0].pointer, "/items/0/n");
        let text = serde_json::to_string(&report).unwrap();
        assert!(text.contains(r#""kind":"type_mismatch""#), "{text}");
        let back: DriftReport = serde_json::from_str(&text).unwrap();
        assert_eq!(back, report);
    }
}
