//! Schema → model: what Rust types an operations document becomes, before any tokens.
//!
//! Schemas are read keyword by keyword from `serde_json::Value`: a keyword of an unexpected
//! shape is ignored, and a node that cannot be typed becomes `serde_json::Value` with the reason
//! recorded (it ends up in the docs and in `VALUE_FALLBACKS`). Nothing here fails but the
//! budget (`crate::budget`).
//!
//! `ir` is the model itself (what `emit` turns into tokens), re-exported here. The other
//! submodules build it: `state` is a build's state, `build` walks the schemas (operation roots,
//! scalars, arrays), `objects` types objects (structs and maps), `enums` types `enum`,
//! `keywords` reads single keywords, `refs` follows `$ref` and keeps shared nodes typed once,
//! `combinators` types `oneOf`/`anyOf`/`allOf` and `type` arrays, `lookups` resolves lookups and
//! their templates (parsed once into a [`LookupInput`] tree). The walk takes a `Slot` per type
//! and fills it once; after it, `finish` builds each [`Def`] whole: the builders' setters and
//! state names, `sizes` boxing values too large for a stack, `defaults` deciding which outputs
//! get a `Default`, the operations' roots. The walk is one set of
//! `ModelBuilder` methods spread over those files, so they call one another through `self`;
//! their imports only go down (`ir` ← `keywords`, `state` ← the rest), never in a cycle.
//! What the docs will say is kept as data ([`Note`], and the [`Reason`] of each [`Fallback`]):
//! `docs` writes it as text, so the model does not depend on how docs read.

mod build;
mod combinators;
mod defaults;
mod enums;
mod finish;
mod ir;
mod keywords;
mod lookups;
mod objects;
mod refs;
mod sizes;
mod state;

pub use build::build;
pub(crate) use defaults::ty_has_default;
pub use ir::*;
