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
        let index = self.slot(&site.pointer, name, site.role);
        // Every shared node waiting at this site binds to it (a `$ref` whose target is an
        // `allOf` waits twice at one pointer); a second type reserved at the same site (the
        // object of a typeless enum) does not rebind them.
        let refs = &mut self.refs;
        self.pending_refs.retain(|pending| {
            if pending.pointer != site.pointer {
                return true;
            }
            if let Some(RefState::InProgress(slot @ None, _)) = refs.get_mut(&pending.key) {
                *slot = Some(index);
            }
            false
        });
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
        match self.shared_ty(&key) {
            Some(Ok(typed)) => return typed,
            Some(Err(())) => {
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
        let mut target_docs = node_docs(&target);
        let typed = self.type_shared(key, &target_site.pointer, declared_null, |this| {
            this.ty(&target, &target_site, &mut target_docs)
        });
        docs.notes.extend(target_docs.notes);
        typed
    }

    /// What a shared node already became: its type once typed; while it is being typed (a
    /// cycle back to it), its type boxed, or `Err` when no type was created for it yet.
    pub(super) fn shared_ty(&self, key: &str) -> Option<Result<(Ty, bool), ()>> {
        Some(match self.refs.get(key)? {
            RefState::Done(ty, nullable) => Ok((ty.clone(), *nullable)),
            RefState::InProgress(Some(index), nullable) => {
                Ok((Ty::Boxed(Box::new(Ty::Named(*index))), *nullable))
            }
            RefState::InProgress(None, _) => Err(()),
        })
    }

    /// Types a shared node once, under `key`: while `type_it` runs, a cycle back to `key`
    /// binds to the first type reserved at `pointer` (see [`PendingRef`]).
    pub(super) fn type_shared(
        &mut self,
        key: String,
        pointer: &str,
        declared_null: bool,
        type_it: impl FnOnce(&mut Self) -> (Ty, bool),
    ) -> (Ty, bool) {
        self.refs
            .insert(key.clone(), RefState::InProgress(None, declared_null));
        let depth = self.pending_refs.len();
        self.pending_refs.push(PendingRef {
            key: key.clone(),
            pointer: pointer.to_owned(),
        });
        let (ty, nullable) = type_it(self);
        self.pending_refs.truncate(depth);
        self.refs.insert(key, RefState::Done(ty.clone(), nullable));
        (ty, nullable)
    }
}
