//! `fixtures.rs` compiles every fixture document of `codegen/tests/fixtures`: a document added
//! to the folder but not to that list would get snapshots and an edition-2021 expansion, yet
//! never be compiled under edition 2024 with both serde directions. The list is read from the
//! `"codegen/tests/fixtures/*.json"` paths of `fixtures.rs`, comments left out.

use std::collections::BTreeSet;
use std::path::Path;

const FOLDER: &str = "codegen/tests/fixtures/";

/// The file names `fixtures.rs` expands.
fn compiled() -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for line in include_str!("fixtures.rs").lines() {
        let code = line.split("//").next().unwrap_or_default();
        let mut rest = code;
        while let Some(start) = rest.find(&format!("\"{FOLDER}")) {
            let path = &rest[start + 1..];
            let end = path.find('"').expect("a path literal ends on its line");
            names.insert(path[FOLDER.len()..end].to_owned());
            rest = &path[end + 1..];
        }
    }
    names
}

/// The fixture documents in the folder.
fn on_disk() -> BTreeSet<String> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(FOLDER);
    std::fs::read_dir(&folder)
        .unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
        .map(|entry| entry.expect("a readable entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .map(|path| path.file_name().unwrap().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn every_fixture_document_is_compiled_by_fixtures_rs() {
    let compiled = compiled();
    let on_disk = on_disk();
    let missing: Vec<&String> = on_disk.difference(&compiled).collect();
    assert!(
        missing.is_empty(),
        "not compiled by tests/fixtures.rs (add a module there): {missing:?}"
    );
    let unknown: Vec<&String> = compiled.difference(&on_disk).collect();
    assert!(
        unknown.is_empty(),
        "tests/fixtures.rs names documents that are not in {FOLDER}: {unknown:?}"
    );
}
