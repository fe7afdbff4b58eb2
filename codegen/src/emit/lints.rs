//! The lints generated code allows on the items that need it, and clippy's own scoring of
//! complex types, so that every expansion compiles warning-free under `deny(warnings)`.

use super::source::{Source, src};
use crate::model::{Field, Presence, Ty};
use crate::naming;

/// Nesting beyond which clippy's `type_complexity` fires on a field's type.
const DEEP_NESTING: usize = 6;

/// `#[allow(clippy::type_complexity)]` for a struct (or its builder) holding a field nested
/// deeper than that: deeply nested arrays (a schema's own nesting) read as complex types to
/// clippy.
pub(super) fn allow_deep_nesting(fields: &[Field]) -> Option<Source> {
    fields
        .iter()
        .any(|f| nesting(&f.ty) > DEEP_NESTING)
        .then(|| src!(#[allow(clippy::type_complexity)]))
}

/// How many generic types nest in `ty` (`Vec<Vec<i64>>` is 2).
fn nesting(ty: &Ty) -> usize {
    match ty {
        Ty::Vec(inner) | Ty::Map(inner) | Ty::Boxed(inner) | Ty::Nullable(inner) => {
            1 + nesting(inner)
        }
        _ => 0,
    }
}

/// The score above which clippy's `type_complexity` fires (its default threshold).
pub(super) const COMPLEXITY_LIMIT: usize = 250;

/// Clippy's `type_complexity` score of `ty` written at nesting level `nest` (1 for a type on
/// its own): each named type, tuple or array scores 10 per level it is nested at.
pub(super) fn complexity(ty: &Ty, nest: usize) -> usize {
    let inner = |ty: &Ty| complexity(ty, nest + 1);
    10 * nest
        + match ty {
            Ty::Vec(item) | Ty::Boxed(item) | Ty::Nullable(item) => inner(item),
            // `BTreeMap<String, T>`, `Map<String, Value>`.
            Ty::Map(value) => 10 * (nest + 1) + inner(value),
            Ty::JsonMap => 20 * (nest + 1),
            _ => 0,
        }
}

/// The same for a field's type, with the `Option` layers its presence adds.
pub(super) fn field_complexity(field: &Field, nest: usize) -> usize {
    match field.presence {
        Presence::Required => complexity(&field.ty, nest),
        Presence::Optional | Presence::RequiredNullable => {
            10 * nest + complexity(&field.ty, nest + 1)
        }
        Presence::OptionalNullable => 10 * nest + 10 * (nest + 1) + complexity(&field.ty, nest + 2),
    }
}

/// A setter of a `()` input (`{"type": "null"}`) passes `()` on, which clippy flags.
pub(super) fn unit_arg(ty: &Ty) -> Option<Source> {
    (*ty == Ty::Unit).then(|| src!(#[allow(clippy::unit_arg)]))
}

/// Type names that keep a `_` between letters (from non-ASCII characters) would trip
/// `non_camel_case_types`; they are allowed on that item alone.
pub(super) fn allow_lints(name: &str) -> Option<Source> {
    (!naming::is_camel_case(name)).then(|| src!(#[allow(non_camel_case_types)]))
}

/// The same for an enum, whose variants (renamed values) may read like that too.
pub(super) fn allow_enum_lints<'v>(
    name: &'v str,
    variants: impl IntoIterator<Item = &'v str>,
) -> Option<Source> {
    let mut names = std::iter::once(name).chain(variants);
    names
        .any(|n| !naming::is_camel_case(n))
        .then(|| src!(#[allow(non_camel_case_types)]))
}
