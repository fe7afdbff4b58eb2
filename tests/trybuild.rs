//! Compile-time behaviour of `connector!`: what compiles, and the errors for what must not.
//! The `.stderr` files are blessed on Rust 1.95 (`TRYBUILD=overwrite cargo test -p tray-connect-tests --test trybuild`).

#[test]
fn compile_fail_cases_report_readable_errors() {
    trybuild::TestCases::new().compile_fail("ui/fail/*.rs");
}

#[test]
fn compile_pass_cases_build_and_run() {
    trybuild::TestCases::new().pass("ui/pass/*.rs");
}
