//! The CLI as CI and scripts use it: `check`'s exit codes, `pull`'s safety, what `--help`
//! lists, and how input files are read. One test binary (one link) for the three files.

#[path = "../support/mod.rs"]
mod support;

mod check;
mod help_and_inputs;
mod hostile_text;
mod observed;
mod pull;
