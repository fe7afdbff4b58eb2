//! What a surface is made of: per operation, every Rust item a user of the expansion can name.

use std::collections::BTreeMap;

use crate::document::DocumentKind;
use crate::model::Role;

/// The surface of one expansion: what `connector!` (or `trigger!`) defines that code using it
/// can name, per operation, in document order.
#[derive(Debug, Clone, PartialEq)]
pub struct Surface {
    /// A connector's operations or a trigger's.
    pub kind: DocumentKind,
    /// Every expanded operation, in document order.
    pub operations: Vec<OperationSurface>,
}

impl Surface {
    /// The operation of wire name `name`.
    pub fn operation(&self, name: &str) -> Option<&OperationSurface> {
        self.operations.iter().find(|op| op.wire == name)
    }
}

/// What one operation defines: its input and output (or event) types, every type they reach,
/// their fields, variants and builders, its lookup functions and its `Operation` (or
/// `Trigger`) impl. A type reached from two operations is listed under both.
#[derive(Debug, Clone, PartialEq)]
pub struct OperationSurface {
    /// The operation's wire name, e.g. `send_sms`.
    pub wire: String,
    /// The input type's name, e.g. `SendSms`.
    pub input: String,
    /// Every item, by Rust path (see [`Item::path`]).
    pub items: BTreeMap<String, Item>,
}

/// One item a user can name.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// How code names it:
    ///
    /// | item | path |
    /// |---|---|
    /// | a type | `SendSms`, `SendSmsOutputStatus` |
    /// | a field | `SendSms.to`, `SendSmsOutput.extra` |
    /// | a builder's setter | `SendSms::builder().to`, `SendSms::builder().maybe_media_url` |
    /// | an enum variant | `SendSmsOutputStatus::Queued` |
    /// | a lookup function | `SendSms::to_lookup` |
    /// | the operation's impl | `impl Operation for SendSms`, `impl Trigger for GroupBoundary` |
    pub path: String,
    /// What kind of item it is.
    pub kind: ItemKind,
    /// Whether it belongs to the input (sent) or the output or event (received).
    pub role: Role,
    /// Its Rust type as code sees it: a field's with the `Option` layers its presence adds
    /// (`Option<String>`), a setter's argument (`impl Into<String>`), a string variant's wire
    /// value (`"queued"`), an untagged variant's payload, a lookup's signature, an impl's
    /// associated type (`Output = SendSmsOutput`); for a type, what it is (`struct`, `enum`,
    /// `= Value` for an alias).
    pub ty: String,
    /// A required input: a field the builder tracks in its type (`build()` compiles only once
    /// it is set) and its setter; for an output field, one that is always present.
    pub required: bool,
    /// What it stands for in the document, in wire names: ``input `filter.name` ``,
    /// ``value "queued" of output `status` ``.
    pub node: String,
    /// The schema node it is generated from, whatever its Rust name: how a diff tells a
    /// renamed item from a removed one. A kind letter, then the node: `t:` and the pointer of
    /// a type (the element's index replaced by the operation's name), `f:` its owner's and the
    /// property's wire name for a field, `v:` a variant, `s:`/`m:` a field's setters, `l:` a
    /// lookup, `i:` the impl.
    pub(crate) identity: String,
    /// The identity of the type it is a member of (fields, variants, setters).
    pub(crate) owner: Option<String>,
    /// Setters: the identity of the field they set.
    pub(crate) sets: Option<String>,
    /// `ty` with generated type names replaced by their identities: equal when the type is
    /// the same, even if a type it names was renamed (reported once, as that type's rename).
    pub(crate) shape: String,
}

/// The kinds of [`Item`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ItemKind {
    /// A struct with named fields.
    Struct,
    /// An enum of string values.
    Enum,
    /// An untagged enum of alternatives (`type` arrays, `oneOf`, `anyOf`).
    UntaggedEnum,
    /// A transparent map newtype (an input without properties).
    MapNewtype,
    /// `pub type X = T;`
    Alias,
    /// A struct field, the catch-all maps (`extra`, `additional`) included.
    Field,
    /// A setter of a builder (`to`, `maybe_to`, `insert`, `insert_additional`, `extra`).
    Setter,
    /// An enum variant.
    Variant,
    /// A `{input}_lookup(..)` function.
    Lookup,
    /// `impl Operation for X` (`impl Trigger for X`).
    Impl,
}

impl ItemKind {
    /// Whether it is a type.
    pub fn is_type(self) -> bool {
        matches!(
            self,
            ItemKind::Struct
                | ItemKind::Enum
                | ItemKind::UntaggedEnum
                | ItemKind::MapNewtype
                | ItemKind::Alias
        )
    }

    /// A word for it: `struct`, `enum`, `field`, `setter`, ...
    pub fn key(self) -> &'static str {
        match self {
            ItemKind::Struct => "struct",
            ItemKind::Enum => "enum",
            ItemKind::UntaggedEnum => "untagged_enum",
            ItemKind::MapNewtype => "map_newtype",
            ItemKind::Alias => "alias",
            ItemKind::Field => "field",
            ItemKind::Setter => "setter",
            ItemKind::Variant => "variant",
            ItemKind::Lookup => "lookup",
            ItemKind::Impl => "impl",
        }
    }
}
