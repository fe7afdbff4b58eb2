//! Boxing what would make a value too large for a stack. A struct holds its nested structs
//! inline, so a schema whose objects each hold two objects of the next `$ref`'d level is
//! `2^levels` bytes wide: 20 levels made a 24 MB struct, and a user's program overflowed its
//! stack building one. A field (or alternative) whose type would hold more than
//! `budget::INLINE_BYTES` inline is boxed instead; no real document comes near it.

use super::ir::*;
use crate::budget;

/// What a `String`, `Vec` or `BTreeMap` holds inline.
const THREE_WORDS: usize = 24;
/// `serde_json::Value` and `Map` with `preserve_order` (an `IndexMap`): the larger of their
/// two layouts, so the estimate errs towards boxing.
const JSON: usize = 72;
/// What an `Option` or an enum's tag adds, at most.
const TAG: usize = 8;

/// Boxes every struct field and enum alternative whose type would hold more than
/// `budget::INLINE_BYTES` inline.
pub(super) fn box_large_values(defs: &mut [DefKind]) {
    let mut sizes = vec![None; defs.len()];
    for index in 0..defs.len() {
        def_size(defs, &mut sizes, index);
    }
}

/// The inline size of the type `defs[index]`, after boxing its large parts.
fn def_size(defs: &mut [DefKind], sizes: &mut [Option<usize>], index: usize) -> usize {
    if let Some(size) = sizes[index] {
        return size;
    }
    // Cycles go through `Box`, `Vec` or maps, which this walk does not follow; the guard only
    // keeps a malformed model from recursing forever.
    sizes[index] = Some(budget::INLINE_BYTES);
    let mut kind = std::mem::replace(&mut defs[index], DefKind::Alias(Ty::Unit));
    let size = match &mut kind {
        DefKind::Struct(StructBody {
            fields,
            additional,
            extra,
            ..
        })
        | DefKind::InputStruct {
            body:
                StructBody {
                    fields,
                    additional,
                    extra,
                    ..
                },
            ..
        } => {
            let mut size =
                additional.as_ref().map_or(0, |_| THREE_WORDS) + extra.as_ref().map_or(0, |_| JSON);
            for field in fields.iter_mut() {
                let layers = match field.presence {
                    Presence::Required => 0,
                    Presence::Optional | Presence::RequiredNullable => TAG,
                    Presence::OptionalNullable => 2 * TAG,
                };
                size += layers + boxed_if_large(defs, sizes, &mut field.ty);
            }
            size
        }
        DefKind::Untagged { variants } => {
            let largest = variants
                .iter_mut()
                .map(|(_, ty)| boxed_if_large(defs, sizes, ty))
                .max()
                .unwrap_or(0);
            largest + TAG
        }
        DefKind::StringEnum { .. } => THREE_WORDS + TAG,
        DefKind::MapNewtype { .. } => JSON,
        DefKind::Alias(ty) => ty_size(defs, sizes, ty),
    };
    defs[index] = kind;
    sizes[index] = Some(size);
    size
}

/// The inline size of `ty`, boxed first when that is over the limit.
fn boxed_if_large(defs: &mut [DefKind], sizes: &mut [Option<usize>], ty: &mut Ty) -> usize {
    let size = ty_size(defs, sizes, ty);
    if size <= budget::INLINE_BYTES {
        return size;
    }
    match ty {
        Ty::Named(_) => {
            *ty = Ty::Boxed(Box::new(ty.clone()));
            TAG
        }
        Ty::Nullable(inner) if matches!(**inner, Ty::Named(_)) => {
            **inner = Ty::Boxed(inner.clone());
            2 * TAG
        }
        _ => size,
    }
}

fn ty_size(defs: &mut [DefKind], sizes: &mut [Option<usize>], ty: &Ty) -> usize {
    match ty {
        Ty::String | Ty::Secret | Ty::Vec(_) | Ty::Map(_) => THREE_WORDS,
        Ty::Integer | Ty::Number => 8,
        Ty::Boolean => 1,
        Ty::Unit => 0,
        Ty::Value | Ty::JsonMap => JSON,
        Ty::Boxed(_) => TAG,
        Ty::Named(index) => def_size(defs, sizes, *index),
        Ty::Nullable(inner) => TAG + ty_size(defs, sizes, inner),
    }
}
