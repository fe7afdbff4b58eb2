//! Model → Rust source, written as tokens by `src!` templates ([`source`]). Generated code
//! names only `::tray_connect`'s public items and `::tray_connect::__private`, through one
//! private import at the top of the expansion (`use ::tray_connect::__private as __tray;`), so
//! users depend on `tray-connect` alone and their own items never shadow a name the expansion
//! uses. (Fully qualified std paths at every use were a fifth of the tokens emitted:
//! `__tray::Option` is 4 tokens, `::core::option::Option` 9.) Serde attribute strings keep full
//! paths.
//!
//! Emit prints the model and decides nothing (`docs/architecture.md`, "The model decides, emit
//! prints"); the sentences generated items say about themselves are `docs::items`'. One file
//! per kind of item, each importing `common` and `lints`, never each other:
//! `structs`, `string_enums`, `untagged`, `map_newtypes`, `builders` (input builders and their
//! state traits), `serde_impls` (structs' `Serialize`/`Deserialize`), `lookups`. This file
//! prints the expansion's constants and `Operation`/`Trigger` impls, and hands each definition
//! to its printer.

mod builders;
mod common;
mod lints;
mod lookups;
mod map_newtypes;
mod serde_impls;
pub(crate) mod source;
mod string_enums;
mod structs;
mod untagged;

use crate::Serde;
use crate::budget::Exceeded;
use crate::docs;
use crate::model::{Def, DefKind, DocumentKind, Model, OperationModel};
use common::{Emitter, doc_attrs, ident};
use lints::allow_lints;
use source::{Source, src};
use std::collections::HashMap;

/// The whole expansion of one model, with the serde impls `serde` asks for, and the byte
/// offsets where each group of items ends (the constants, then each type with its impls), for
/// the macro to cut the expansion into parts at. Fails, naming the type it was writing, once
/// the source grows past `max_bytes` (see `crate::budget`).
pub fn model(
    model: &Model,
    serde: Serde,
    max_bytes: usize,
) -> Result<(Source, Vec<usize>), Exceeded> {
    let emitter = Emitter {
        model,
        both_ways: serde == Serde::Both,
    };
    let connector = &model.connector;
    let version = &model.version;
    let operations = model.operations.iter().map(|op| &op.wire);
    let fallbacks = model.value_fallbacks.iter().map(docs::fallback);
    let name_const = emitter.name_const();
    let (connector_doc, version_doc) =
        docs::items::name_and_version(model.kind, connector, version);
    let mut out = src! {
        #[allow(unused_imports)]
        use ::tray_connect::__private as __tray;
        #[doc = #connector_doc]
        pub const #name_const: &str = #connector;
        #[doc = #version_doc]
        pub const VERSION: &str = #version;
        /// Wire names of the operations expanded here, in document order.
        pub const OPERATIONS: &[&str] = &[#(#operations),*];
        /// `"<json pointer>: <reason>"` for every schema node typed as `serde_json::Value`.
        #[doc(hidden)]
        pub const VALUE_FALLBACKS: &[&str] = &[#(#fallbacks),*];
    };
    // Each type is followed by its impls (an operation's input by its `Operation` impl and its
    // lookups), in document order, so the expansion reads like a hand-written module.
    let by_input: HashMap<usize, &OperationModel> =
        model.operations.iter().map(|op| (op.input, op)).collect();
    let mut item_ends = Vec::with_capacity(model.defs.len() + 1);
    item_ends.push(out.len());
    for (index, def) in model.defs.iter().enumerate() {
        out.extend(emitter.def(def));
        if let Some(op) = by_input.get(&index) {
            out.extend(emitter.operation_impl(op));
            out.extend(emitter.lookups(&def.name, &op.lookups));
        }
        if out.len() > max_bytes {
            return Err(Exceeded {
                pointer: def.pointer.clone(),
                what: format!(
                    "more than {} MB of generated source (4 MB plus 64 bytes per byte of \
                     document)",
                    max_bytes >> 20
                ),
            });
        }
        item_ends.push(out.len());
    }
    Ok((out, item_ends))
}

impl Emitter<'_> {
    /// The `Operation` impl tying an operation's input to its output (for a trigger, the
    /// `Trigger` impl tying a subscription's input to its events).
    fn operation_impl(&self, op: &OperationModel) -> Source {
        let input = ident(&self.model.defs[op.input].name);
        let output = ident(&self.model.defs[op.output].name);
        let wire = &op.wire;
        match self.model.kind {
            DocumentKind::Connector => src! {
                impl ::tray_connect::Operation for #input {
                    type Output = #output;
                    const CONNECTOR: &'static str = CONNECTOR;
                    const VERSION: &'static str = VERSION;
                    const NAME: &'static str = #wire;
                }
            },
            DocumentKind::Trigger => src! {
                impl ::tray_connect::Trigger for #input {
                    type Event = #output;
                    const TRIGGER: &'static str = TRIGGER;
                    const VERSION: &'static str = VERSION;
                    const NAME: &'static str = #wire;
                }
            },
        }
    }

    fn def(&self, def: &Def) -> Source {
        match &def.kind {
            DefKind::Struct(body) => self.struct_def(def, body, None),
            DefKind::InputStruct { body, builder } => self.struct_def(def, body, Some(builder)),
            DefKind::StringEnum { variants, unknown } => {
                self.string_enum(def, variants, unknown.as_deref())
            }
            DefKind::Untagged { variants } => self.untagged(def, variants),
            DefKind::MapNewtype { builder } => self.map_newtype(def, builder),
            DefKind::Alias(ty) => {
                let name = ident(&def.name);
                let doc = doc_attrs(&self.def_docs(def));
                let allow = allow_lints(&def.name);
                let ty = self.ty(ty);
                src! { #doc #allow pub type #name = #ty; }
            }
        }
    }
}
