//! The dialect and naming fixture documents expanded by `connector!` in an **edition 2021**
//! crate under `#![deny(warnings, missing_docs)]`; `tray-connect-tests` expands the same list
//! under edition 2024. Keywords differ between editions (`gen`, `try`, `async`, ...), so a
//! generated name that is fine in one edition must not break the other.

#![deny(warnings, missing_docs)]

include!("../fixtures.rs");
