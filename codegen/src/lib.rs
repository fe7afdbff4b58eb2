//! Operations document -> Rust code.
