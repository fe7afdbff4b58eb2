//! The surface of an expansion: every Rust item code using it can name, per operation (types,
//! fields with their Rust type and presence, builders' setters and required inputs, enum
//! variants, lookup functions, the `Operation`/`Trigger` impls), and what changed between two
//! surfaces.
//!
//! `tray-connect check` compares the surface of a vendored document with the live one's, so a
//! change is judged by what it does to generated code, not by how the JSON changed: a property
//! whose field is renamed because a sibling took its name, or a required input made optional
//! (its field becomes an `Option`), are breaking even though the JSON only gained something.
//! The surface is read from the model (`crate::model`), which decides every name and type;
//! nothing here re-derives a typing rule.
//!
//! `items` is what a surface holds, `build` lists it from a model, `diff` compares two.

mod build;
mod diff;
mod items;

pub use build::of_model;
pub use diff::{Change, ChangeKind, diff};
pub use items::{Item, ItemKind, OperationSurface, Surface};
