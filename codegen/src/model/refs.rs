//! `$ref`: targets resolved against the operation's schema, each typed once; a cycle back to a
//! target still being typed binds through [`PendingRef`].

use super::ir::*;
use super::keywords::*;
use super::state::*;
use crate::naming;
use serde_json::Value;

impl ModelBuilder<'_> {
    /// Reserves the slot of a type defined at `site` before its parts are typed, so nested
    /// types come after their parent in the output and a `$ref` cycle back to `site` can point
    /// at it (see [`PendingRef`]).
    pub(super) fn reserve(&mut self, site: &Site, name: String) -> usize {
        let index = self.push(Def {
            name,
            role: site.role,
            docs: Docs::default(),
            // A placeholder that admits no `null` until the real kind is known.
            kind: DefKind::Struct {
                fields: Vec::new(),
                additional: None,
                extra: None,
                strict_optional: false,
            },
            builder: None,
            state_module: None,
            operation: String::new(),
            root: false,
        });
        if let Some(pending) = self.pending_ref.take() {
            if pending.pointer == site.pointer {
                let nullable = match self.refs.get(&pending.key) {
                    Some(RefState::InProgress(_, nullable)) => *nullable,
                    _ => false,
                };
                self.refs
                    .insert(pending.key, RefState::InProgress(Some(index), nullable));
            } else {
                self.pending_ref = Some(pending);
            }
        }
        index
    }

    /// The type of a `$ref` target: typed once per target, boxed on a cycle, `Value` when
    /// dangling or when a cycle has no generated type in between.
    pub(super) fn ref_ty(&mut self, reference: &str, site: &Site, docs: &mut Docs) -> (Ty, bool) {
        let Some(pointer) = crate::pointer::local_pointer(reference) else {
            let reason = Reason::RefNotLocal(reference.to_owned());
            return (self.fallback(site, reason, docs), false);
        };
        let key = format!("{}#{pointer}", site.root_pointer());
        match self.refs.get(&key).cloned() {
            Some(RefState::Done(ty, nullable)) => return (ty, nullable),
            Some(RefState::InProgress(Some(index), nullable)) => {
                return (Ty::Boxed(Box::new(Ty::Named(index))), nullable);
            }
            Some(RefState::InProgress(None, _)) => {
                let reason = Reason::RefSelfCycle(reference.to_owned());
                return (self.fallback(site, reason, docs), false);
            }
            None => {}
        }
        let Some(Value::Object(target)) = crate::pointer::resolve(self.root, &pointer).cloned()
        else {
            let reason = Reason::RefDangling(reference.to_owned());
            return (self.fallback(site, reason, docs), false);
        };
        let last = pointer.rsplit('/').next().unwrap_or_default();
        let root_name = site.root_name();
        let target_site = Site {
            pointer: format!("{}{}", site.root_pointer(), pointer),
            type_name: format!(
                "{root_name}{}",
                naming::pascal_part(&crate::pointer::unescape(last))
            ),
            role: site.role,
            depth: site.depth + 1,
            root: site.root.clone(),
        };
        let declared_null = type_set(&target).nullable;
        self.refs
            .insert(key.clone(), RefState::InProgress(None, declared_null));
        let outer = self.pending_ref.replace(PendingRef {
            key: key.clone(),
            pointer: target_site.pointer.clone(),
        });
        let mut target_docs = node_docs(&target);
        let (ty, nullable) = self.ty(&target, &target_site, &mut target_docs);
        self.pending_ref = outer;
        docs.notes.extend(target_docs.notes);
        self.refs.insert(key, RefState::Done(ty.clone(), nullable));
        (ty, nullable)
    }
}
