//! Every fixture document expanded in an **edition 2021** crate under
//! `#![deny(warnings, missing_docs)]`, one serde direction per type as `cargo build` sees it
//! (see `build.rs`); `tray-connect-tests` expands them through `connector!` under edition 2024
//! with both directions. Keywords differ between editions (`gen`, `try`, `async`, ...), so a
//! generated name that is fine in one edition must not break the other.

#![deny(warnings, missing_docs)]

include!(concat!(env!("OUT_DIR"), "/fixtures.rs"));
