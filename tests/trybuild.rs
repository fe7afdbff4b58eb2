//! Compile-time behaviour of `connector!`: what compiles, and the errors for what must not.
//! The `.stderr` files are blessed on Rust 1.95:
//! `TRYBUILD=overwrite cargo test -p tray-connect-tests --test trybuild`.

// One TestCases for both kinds: trybuild builds them in one shared project, which two
// concurrent #[test]s would clobber.
#[test]
fn connector_macro_compiles_what_it_should_and_explains_what_it_rejects() {
    let cases = trybuild::TestCases::new();
    cases.pass("ui/pass/*.rs");
    cases.compile_fail("ui/fail/*.rs");
}
