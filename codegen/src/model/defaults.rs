//! Which output types get a `Default`: those whose every required value has one, so that a
//! test double reads `SendSmsOutput { sid: "SM1".into(), ..Default::default() }` instead of a
//! twenty-field literal. Inputs have builders instead (a `Default` would skip their required
//! inputs).

use super::ir::*;

/// Which types have a `Default`: every output type that can have one. The least fixed point:
/// a type that requires itself (through a `Box`) never gets one, as its default would recurse.
pub(super) fn defaults(kinds: &[DefKind], roles: &[Role]) -> Vec<bool> {
    let mut has_default = vec![false; kinds.len()];
    loop {
        let mut changed = false;
        for index in 0..kinds.len() {
            if has_default[index] || roles[index] != Role::Output {
                continue;
            }
            let marked = |ty: &Ty| has_default_by(kinds, &has_default, ty);
            let has = match &kinds[index] {
                DefKind::Struct(body) | DefKind::InputStruct { body, .. } => body
                    .fields
                    .iter()
                    .filter(|f| f.presence == Presence::Required)
                    .all(|f| marked(&f.ty)),
                DefKind::StringEnum { variants, .. } => !variants.is_empty(),
                DefKind::Untagged { variants } => variants.iter().any(|(_, ty)| marked(ty)),
                DefKind::Alias(_) | DefKind::MapNewtype { .. } => false,
            };
            if has {
                has_default[index] = true;
                changed = true;
            }
        }
        if !changed {
            return has_default;
        }
    }
}

/// Whether a value of `ty` has a `Default`.
pub(crate) fn ty_has_default(defs: &[Def], ty: &Ty) -> bool {
    match ty {
        Ty::Named(index) => match &defs[*index].kind {
            // An alias is its type.
            DefKind::Alias(ty) => ty_has_default(defs, ty),
            _ => defs[*index].has_default,
        },
        Ty::Boxed(inner) => ty_has_default(defs, inner),
        _ => true,
    }
}

/// [`ty_has_default`] given what is marked so far.
fn has_default_by(kinds: &[DefKind], marked: &[bool], ty: &Ty) -> bool {
    match ty {
        Ty::Named(index) => match &kinds[*index] {
            DefKind::Alias(ty) => has_default_by(kinds, marked, ty),
            _ => marked[*index],
        },
        Ty::Boxed(inner) => has_default_by(kinds, marked, inner),
        _ => true,
    }
}
