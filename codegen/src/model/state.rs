//! The state of one model build: the `ModelBuilder` (what has been typed so far, and where the
//! walk is) and the `Site` of each schema node. The walk itself is in `build`, `refs`,
//! `combinators` and `lookups`, as methods of `ModelBuilder`.

use super::ir::{DefKind, Docs, Fallback, Role, StructBody, Ty};
use crate::budget::Exceeded;
use crate::document::DocumentKind;
use crate::naming::Namespace;
use serde_json::Value;
use std::collections::HashMap;

/// Types nest at most this deep before the rest becomes `Value`: rustc evaluates auto traits (`Send`, `Freeze`) through every level and overflows its default
/// recursion limit of 128 at about 25 nested `Vec`s, so code nested deeper would not compile.
pub(super) const MAX_DEPTH: usize = 24;

/// Where in the document a schema node is, and what its type would be called.
#[derive(Clone)]
pub(super) struct Site {
    pub(super) pointer: String,
    pub(super) type_name: String,
    pub(super) role: Role,
    pub(super) depth: usize,
    /// The operation root: its pointer (`/elements/0/inputSchema`) and type name.
    pub(super) root: (String, String),
}

impl Site {
    pub(super) fn root(pointer: String, type_name: String, role: Role) -> Site {
        Site {
            root: (pointer.clone(), type_name.clone()),
            pointer,
            type_name,
            role,
            depth: 0,
        }
    }

    /// `key` may hold several `/`-separated segments, each already escaped.
    pub(super) fn child(&self, key: &str, type_name: String) -> Site {
        let key = if key.contains('/') {
            key.to_owned()
        } else {
            crate::pointer::escape(key)
        };
        Site {
            pointer: format!("{}/{key}", self.pointer),
            type_name,
            role: self.role,
            depth: self.depth + 1,
            root: self.root.clone(),
        }
    }

    pub(super) fn root_pointer(&self) -> &str {
        &self.root.0
    }

    pub(super) fn root_name(&self) -> &str {
        &self.root.1
    }
}
/// How far a `$ref` target has been typed.
#[derive(Clone)]
pub(super) enum RefState {
    /// Being typed; the type it became so far, if any (a cycle back to it is boxed), and
    /// whether its own keywords admit `null`.
    InProgress(Option<usize>, bool),
    /// Typed.
    Done(Ty, bool),
}

/// A shared node (a `$ref` target, an `allOf`, an operation root) being typed whose own type
/// is not created yet: the first type defined at `pointer` becomes what a cycle back to `key`
/// refers to.
pub(super) struct PendingRef {
    pub(super) key: String,
    pub(super) pointer: String,
}

/// A type being modelled: its name, role, place and operation, known when its slot is
/// reserved, and its content, filled once its parts are typed. `finish` builds the `Def`.
pub(super) struct Slot {
    pub(super) name: String,
    pub(super) role: Role,
    pub(super) pointer: String,
    pub(super) operation: String,
    /// `None` until filled; only a walk that went over its budget leaves it so.
    pub(super) content: Option<Content>,
}

/// What a type is, as the walk leaves it.
pub(super) struct Content {
    pub(super) docs: Docs,
    pub(super) draft: Draft,
}

/// A type's kind, or an input struct whose builder's setters are named in `finish`, once
/// every type name is known (a type parameter must not shadow one).
pub(super) enum Draft {
    Kind(DefKind),
    InputStruct {
        body: StructBody,
        /// The builder type, claimed among the type names when the struct is.
        builder: String,
        state_module: String,
    },
}

impl Draft {
    /// The kind, as far as it is known (an input struct's is not: it has no builder yet).
    pub(super) fn kind(&self) -> Option<&DefKind> {
        match self {
            Draft::Kind(kind) => Some(kind),
            Draft::InputStruct { .. } => None,
        }
    }

    /// The fields of a struct, input or output.
    pub(super) fn body(&self) -> Option<&StructBody> {
        match self {
            Draft::Kind(kind) => kind.body(),
            Draft::InputStruct { body, .. } => Some(body),
        }
    }

    pub(super) fn body_mut(&mut self) -> Option<&mut StructBody> {
        match self {
            Draft::Kind(kind) => kind.body_mut(),
            Draft::InputStruct { body, .. } => Some(body),
        }
    }
}

impl Slot {
    pub(super) fn draft(&self) -> Option<&Draft> {
        self.content.as_ref().map(|content| &content.draft)
    }
}

/// A lookup as found, resolved once the whole input is modelled.
pub(super) struct LookupSite {
    /// The structs from the input root to the property's parent.
    pub(super) chain: Vec<usize>,
    pub(super) path: Vec<String>,
    pub(super) operation: String,
    pub(super) input: Value,
    pub(super) auth_required: bool,
}

pub(super) struct ModelBuilder<'d> {
    /// A connector's operations or a trigger's.
    pub(super) kind: DocumentKind,
    pub(super) current_op: String,
    /// The schema `$ref`s resolve against (the operation's input or output schema).
    pub(super) root: &'d Value,
    /// Shared nodes, each typed once: `$ref` targets by absolute pointer, `allOf`s by their
    /// shape (see `combinators::all_of_key`), operation roots as the target of `#`.
    pub(super) refs: HashMap<String, RefState>,
    /// See [`PendingRef`]: the shared nodes being typed, innermost last.
    pub(super) pending_refs: Vec<PendingRef>,
    /// Lookups found while modelling the current operation's input.
    pub(super) lookups: Vec<LookupSite>,
    /// Structs from the operation root to the one being modelled.
    pub(super) struct_chain: Vec<usize>,
    /// Wire names from the operation root to the property being modelled.
    pub(super) path: Vec<String>,
    /// One slot per type, in the order reserved.
    pub(super) defs: Vec<Slot>,
    /// Model nodes (types and fields) the document may still make (see `crate::budget`).
    pub(super) nodes_left: usize,
    /// The first budget the document exceeded: from then on every node is typed as `Value`
    /// without being looked at, so that the walk ends quickly, and the build fails.
    pub(super) exceeded: Option<Exceeded>,
    pub(super) value_fallbacks: Vec<Fallback>,
    pub(super) type_names: Namespace,
    /// Names of the builders' state modules.
    pub(super) module_names: Namespace,
}

/// A cycle through an array item or a map value needs no `Box`: the `Vec` or map already
/// holds its values on the heap.
pub(super) fn unboxed(ty: Ty) -> Ty {
    match ty {
        Ty::Boxed(inner) => *inner,
        other => other,
    }
}

/// `ty`, or `Option<ty>` when its values may also be `null`.
pub(super) fn nullable_if(nullable: bool, ty: Ty) -> Ty {
    if nullable {
        Ty::Nullable(Box::new(ty))
    } else {
        ty
    }
}
