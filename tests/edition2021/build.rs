//! Expands every fixture document one way (`serde = "one-way"`: inputs only serialise, outputs
//! only deserialise), under edition 2021: the workspace's own tests compile both directions,
//! the default. Reading the fixture folder, rather than a list, also guards that no fixture
//! goes uncompiled.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let root = manifest.join("../..");
    let fixtures = root.join("codegen/tests/fixtures");
    println!("cargo::rerun-if-changed={}", fixtures.display());
    let mut documents: Vec<PathBuf> = std::fs::read_dir(&fixtures)
        .expect("the fixture folder is readable")
        .map(|entry| entry.expect("a readable entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    documents.sort();
    documents.push(root.join("schemas/twilio-output.json"));
    documents.push(root.join("schemas/gosquared-trigger.json"));
    let mut source = String::new();
    for path in &documents {
        println!("cargo::rerun-if-changed={}", path.display());
        write_module(&mut source, path, &root);
    }
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    std::fs::write(out.join("fixtures.rs"), source).expect("OUT_DIR is writable");
}

fn write_module(source: &mut String, path: &Path, root: &Path) {
    let text = std::fs::read_to_string(path).expect("fixtures are readable");
    let document = tray_connect_codegen::document::parse(&text)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let stem = path.file_stem().expect("a file name").to_string_lossy();
    // A headerless fixture (a raw Get Connector Operations answer) is named after its file.
    let header = document
        .connector(None)
        .or_else(|_| document.connector(Some((&stem, "1.0"))))
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let expansion = tray_connect_codegen::expand_as_written(
        &header.name,
        &header.version,
        &document,
        None,
        tray_connect_codegen::Serde::OneWay,
    )
    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let module = stem.replace(['-', '.'], "_");
    let shown = path.strip_prefix(root).unwrap_or(path).display();
    writeln!(
        source,
        "/// `{shown}`, as `cargo build` expands it.\npub mod {module} {{\n{}\n}}",
        expansion.source
    )
    .expect("writing to a String");
}
