//! What changed between two surfaces, and whether code written against the first still
//! compiles (and means the same) against the second. Items are matched by the schema node
//! they are generated from, so a node whose Rust name changed is a rename, not a removal and an
//! addition; each rule is in `docs/architecture.md`, "check".

use std::collections::{HashMap, HashSet};

use super::items::{Item, ItemKind, OperationSurface, Surface};
use crate::model::Role;

/// One change of the generated surface.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The operation's wire name.
    pub operation: String,
    /// The Rust path code names today (for an addition, the new one).
    pub path: String,
    /// What changed.
    pub kind: ChangeKind,
    /// Whether code generated from the old document can stop compiling, or compile and mean
    /// something else.
    pub breaking: bool,
    /// What changed, for a person: `send_sms: required input `channel` added: ...`.
    pub text: String,
}

/// The kinds of [`Change`]; [`ChangeKind::key`] is how `tray-connect check --json` says them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    /// An operation appeared.
    OperationAdded,
    /// An operation disappeared, with every type of its own.
    OperationRemoved,
    /// A node's Rust name changed (another node may now have the old one).
    Renamed,
    /// A name disappeared: a field, type, setter or lookup function.
    Removed,
    /// An optional input, an output field or a lookup function appeared.
    Added,
    /// An input appeared that the builder requires.
    RequiredInputAdded,
    /// An input became required (`build()` needs it), or an output field always present.
    NowRequired,
    /// A required input became optional, or an output field may be absent: `Option<_>`.
    NowOptional,
    /// A field, alias, variant payload or lookup parameter has another type, or a type is
    /// another kind of item.
    TypeChanged,
    /// An enum gained a variant.
    VariantAdded,
    /// An enum lost a variant.
    VariantRemoved,
}

impl ChangeKind {
    /// `operation_added`, `renamed`, `now_optional`, ...
    pub fn key(self) -> &'static str {
        match self {
            ChangeKind::OperationAdded => "operation_added",
            ChangeKind::OperationRemoved => "operation_removed",
            ChangeKind::Renamed => "renamed",
            ChangeKind::Removed => "removed",
            ChangeKind::Added => "added",
            ChangeKind::RequiredInputAdded => "required_input_added",
            ChangeKind::NowRequired => "now_required",
            ChangeKind::NowOptional => "now_optional",
            ChangeKind::TypeChanged => "type_changed",
            ChangeKind::VariantAdded => "variant_added",
            ChangeKind::VariantRemoved => "variant_removed",
        }
    }

    /// Whether a change of this kind can break code generated from the old surface.
    pub fn breaking(self) -> bool {
        !matches!(self, ChangeKind::OperationAdded | ChangeKind::Added)
    }
}

/// The changes from `old` to `new`: per operation of `old` in its order, then the operations
/// only `new` has.
pub fn diff(old: &Surface, new: &Surface) -> Vec<Change> {
    let mut changes = Vec::new();
    for before in &old.operations {
        match new.operation(&before.wire) {
            Some(after) => changes.extend(Operation::new(before, after, new).changes()),
            None => changes.push(change(
                &before.wire,
                &before.input,
                ChangeKind::OperationRemoved,
                format!("operation `{}` removed", before.wire),
            )),
        }
    }
    for after in &new.operations {
        if old.operation(&after.wire).is_none() {
            changes.push(change(
                &after.wire,
                &after.input,
                ChangeKind::OperationAdded,
                format!("operation `{}` added", after.wire),
            ));
        }
    }
    changes
}

fn change(operation: &str, path: &str, kind: ChangeKind, text: String) -> Change {
    Change {
        operation: operation.to_owned(),
        path: path.to_owned(),
        kind,
        breaking: kind.breaking(),
        text,
    }
}

/// One operation in both surfaces.
struct Operation<'a> {
    old: &'a OperationSurface,
    new: &'a OperationSurface,
    /// The whole new surface: a name this operation lost may now be another operation's.
    new_surface: &'a Surface,
    old_by_id: HashMap<&'a str, &'a Item>,
    new_by_id: HashMap<&'a str, &'a Item>,
    /// Types renamed: old name → new name, by identity.
    renamed: HashMap<&'a str, (&'a str, &'a str)>,
    /// Types removed, added, or become another kind of item: their members' own changes are
    /// implied.
    gone: HashSet<&'a str>,
    arrived: HashSet<&'a str>,
    /// Identities of the fields with a change of their own: their setters' changes are implied.
    changed: HashSet<&'a str>,
    changes: Vec<Change>,
}

impl<'a> Operation<'a> {
    fn new(old: &'a OperationSurface, new: &'a OperationSurface, new_surface: &'a Surface) -> Self {
        let by_id = |surface: &'a OperationSurface| -> HashMap<&'a str, &'a Item> {
            surface
                .items
                .values()
                .map(|item| (item.identity.as_str(), item))
                .collect()
        };
        Operation {
            old,
            new,
            new_surface,
            old_by_id: by_id(old),
            new_by_id: by_id(new),
            renamed: HashMap::new(),
            gone: HashSet::new(),
            arrived: HashSet::new(),
            changed: HashSet::new(),
            changes: Vec::new(),
        }
    }

    fn push(&mut self, path: &str, kind: ChangeKind, text: String) {
        let text = format!("{}: {text}", self.old.wire);
        self.changes.push(change(&self.old.wire, path, kind, text));
    }

    fn changes(mut self) -> Vec<Change> {
        // Types first (their renames explain their members' paths), then fields and the rest,
        // setters last (a field's change explains its setters').
        let rank = |item: &Item| match item.kind {
            kind if kind.is_type() => 0,
            ItemKind::Field => 1,
            ItemKind::Setter => 3,
            _ => 2,
        };
        let mut old_items: Vec<&Item> = self.old.items.values().collect();
        old_items.sort_by_key(|item| rank(item));
        for item in old_items {
            self.compare(item);
        }
        let mut new_items: Vec<&Item> = self
            .new
            .items
            .values()
            .filter(|item| !self.old_by_id.contains_key(item.identity.as_str()))
            .collect();
        new_items.sort_by_key(|item| rank(item));
        for item in new_items {
            self.added(item);
        }
        self.changes
    }

    /// What became of `old`, an item of the old surface.
    fn compare(&mut self, old: &'a Item) {
        if old.owner.as_deref().is_some_and(|o| self.gone.contains(o)) {
            return;
        }
        let sets_changed = old
            .sets
            .as_deref()
            .is_some_and(|f| self.changed.contains(f));
        let Some(new) = self.new_by_id.get(old.identity.as_str()).copied() else {
            if old.kind.is_type() {
                self.gone.insert(&old.identity);
            } else {
                self.changed.insert(&old.identity);
            }
            if sets_changed || old.kind == ItemKind::Impl {
                return;
            }
            let kind = match old.kind {
                ItemKind::Variant => ChangeKind::VariantRemoved,
                _ => ChangeKind::Removed,
            };
            let text = match old.kind {
                ItemKind::Field | ItemKind::Variant => {
                    format!("{} removed (`{}`)", old.node, old.path)
                }
                kind if kind.is_type() => format!("type `{}` ({}) removed", old.path, old.node),
                kind => format!("{} `{}` removed", kind.key(), old.path),
            };
            return self.push(&old.path, kind, text);
        };
        if sets_changed {
            return;
        }
        let mut changed = false;
        if old.kind.is_type() && new.path != old.path {
            self.renamed
                .insert(&old.identity, (old.path.as_str(), new.path.as_str()));
        }
        if old.kind != ItemKind::Impl && new.path != old.path && new.path != self.expected(old) {
            changed = true;
            let what = if old.kind.is_type() { "type " } else { "" };
            let mut text = format!(
                "{what}`{}` ({}) is renamed `{}`",
                old.path, old.node, new.path
            );
            let other = self.new.items.get(&old.path).or_else(|| {
                self.new_surface
                    .operations
                    .iter()
                    .find_map(|op| op.items.get(&old.path))
            });
            if let Some(other) = other {
                text.push_str(&format!(
                    "; `{}` now stands for {}, so code naming it may still compile and mean \
                     the other one",
                    old.path, other.node
                ));
            }
            self.push(&old.path, ChangeKind::Renamed, text);
        }
        if old.kind.is_type() && old.kind != new.kind {
            // Its members are not comparable one by one: the type's change says it.
            self.gone.insert(&old.identity);
            self.arrived.insert(&new.identity);
        }
        if old.required != new.required && old.kind == ItemKind::Field {
            changed = true;
            self.presence(old, new);
        } else if old.kind != new.kind || old.shape != new.shape {
            changed = true;
            let text = format!(
                "`{}` ({}) is `{}`, was `{}`",
                new.path, new.node, new.ty, old.ty
            );
            self.push(&old.path, ChangeKind::TypeChanged, text);
        }
        if changed {
            self.changed.insert(&old.identity);
        }
    }

    /// The path `old` would have if only its type's rename applied.
    fn expected(&self, old: &Item) -> String {
        let renamed = old
            .owner
            .as_deref()
            .and_then(|owner| self.renamed.get(owner));
        match renamed {
            Some((before, after)) => match old.path.strip_prefix(before) {
                Some(rest) if rest.starts_with('.') || rest.starts_with("::") => {
                    format!("{after}{rest}")
                }
                _ => old.path.clone(),
            },
            None => old.path.clone(),
        }
    }

    /// A field that became required or optional.
    fn presence(&mut self, old: &Item, new: &Item) {
        let types = format!("`{}` is `{}`, was `{}`", new.path, new.ty, old.ty);
        let (kind, text) = match (new.role, new.required) {
            (Role::Input, true) => {
                let setter = self.setter_of(new);
                (
                    ChangeKind::NowRequired,
                    format!(
                        "{} is now required: `.build()` compiles only once `.{setter}(..)` is \
                         set, and {types}",
                        new.node
                    ),
                )
            }
            (Role::Input, false) => (
                ChangeKind::NowOptional,
                format!("{} is no longer required: {types}", new.node),
            ),
            (Role::Output, true) => (
                ChangeKind::NowRequired,
                format!("{} is now always present: {types}", new.node),
            ),
            (Role::Output, false) => (
                ChangeKind::NowOptional,
                format!("{} may now be absent: {types}", new.node),
            ),
        };
        self.push(&old.path, kind, text);
    }

    /// The name of the setter of the input field `field` of the new surface.
    fn setter_of(&self, field: &Item) -> String {
        let setter = format!("s:{}", field.identity);
        let path = self
            .new_by_id
            .get(setter.as_str())
            .map_or(field.path.as_str(), |s| s.path.as_str());
        path.rsplit(['.', ')']).next().unwrap_or(path).to_owned()
    }

    /// `new`, an item only the new surface has.
    fn added(&mut self, new: &'a Item) {
        if new.kind.is_type() {
            // A new type comes with the field (or type change) that names it.
            self.arrived.insert(&new.identity);
            return;
        }
        let implied = new
            .owner
            .as_deref()
            .is_some_and(|o| self.arrived.contains(o))
            || new.sets.is_some()
            || new.kind == ItemKind::Impl;
        if implied {
            return;
        }
        let (kind, text) = match (new.kind, new.role) {
            (ItemKind::Field, Role::Input) if new.required => {
                let setter = self.setter_of(new);
                (
                    ChangeKind::RequiredInputAdded,
                    format!(
                        "required {} added: `.build()` compiles only once `.{setter}(..)` is set \
                         (`{}: {}`)",
                        new.node, new.path, new.ty
                    ),
                )
            }
            (ItemKind::Field, Role::Input) => (
                ChangeKind::Added,
                format!("{} added (optional: `{}: {}`)", new.node, new.path, new.ty),
            ),
            (ItemKind::Field, Role::Output) => (
                ChangeKind::Added,
                format!("{} added (`{}: {}`)", new.node, new.path, new.ty),
            ),
            (ItemKind::Variant, role) => {
                let enum_name = new
                    .owner
                    .as_deref()
                    .and_then(|o| self.new_by_id.get(o))
                    .map_or("the enum", |e| e.path.as_str());
                let mut text = format!(
                    "{} added (`{}`): generated enums are exhaustive, so a `match` on \
                     `{enum_name}` without a `_` arm stops compiling",
                    new.node, new.path
                );
                if role == Role::Output {
                    text.push_str(", and the value no longer decodes as the catch-all variant");
                }
                (ChangeKind::VariantAdded, text)
            }
            (kind, _) => (
                ChangeKind::Added,
                format!("{} `{}` added", kind.key(), new.path),
            ),
        };
        self.push(&new.path, kind, text);
    }
}
