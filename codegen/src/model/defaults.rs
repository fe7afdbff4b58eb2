//! Which output types get a `Default`: those whose every required value has one, so that a
//! test double reads `SendSmsOutput { sid: "SM1".into(), ..Default::default() }` instead of a
//! twenty-field literal. Inputs have builders instead (a `Default` would skip their required
//! inputs).

use super::ir::*;

/// Sets `has_default` on every output type that can have one. The least fixed point: a type
/// that requires itself (through a `Box`) never gets one, as its default would recurse.
pub(super) fn mark_defaults(defs: &mut [Def]) {
    loop {
        let mut changed = false;
        for index in 0..defs.len() {
            if defs[index].has_default || defs[index].role != Role::Output {
                continue;
            }
            let has = match &defs[index].kind {
                DefKind::Struct { fields, .. } => fields
                    .iter()
                    .filter(|f| f.presence == Presence::Required)
                    .all(|f| ty_has_default(defs, &f.ty)),
                DefKind::StringEnum { variants, .. } => !variants.is_empty(),
                DefKind::Untagged { variants } => {
                    variants.iter().any(|(_, ty)| ty_has_default(defs, ty))
                }
                DefKind::Alias(_) | DefKind::MapNewtype => false,
            };
            if has {
                defs[index].has_default = true;
                changed = true;
            }
        }
        if !changed {
            return;
        }
    }
}

/// Whether a value of `ty` has a `Default` (given what is marked so far).
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
