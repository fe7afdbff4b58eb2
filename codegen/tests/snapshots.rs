//! The snapshot loop: every fixture document → codegen → pretty-printed code, held in
//! `tests/snapshots/`. Review a change with `INSTA_UPDATE=always cargo test -p
//! tray-connect-codegen --test snapshots` and `git diff`. The same documents are compiled under
//! `#![deny(warnings)]` by the `tray-connect-tests` crate.

use std::path::Path;

fn expand(path: &Path) -> String {
    let document = std::fs::read_to_string(path).expect("fixture is readable");
    let parsed = tray_connect_codegen::document::parse(&document).expect("fixture parses");
    if parsed.kind == tray_connect_codegen::DocumentKind::Trigger {
        // Trigger documents carry their header: expanded as `trigger!` does.
        let header = parsed
            .connector(None)
            .expect("a trigger fixture has its header");
        let expansion = tray_connect_codegen::expand_trigger_document(
            &header.name,
            &header.version,
            &parsed,
            None,
            tray_connect_codegen::Serde::Both,
        )
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        return tray_connect_codegen::pretty(&expansion.source).expect("generated code parses");
    }
    let expansion = tray_connect_codegen::expand(&tray_connect_codegen::Request {
        connector: "fixture",
        version: "1.0",
        document: &document,
        operations: None,
        serde: tray_connect_codegen::Serde::Both,
    })
    .or_else(|e| match e {
        // Documents with a header are expanded under their own name and version.
        tray_connect_codegen::Error::HeaderMismatch { .. } => {
            let header = tray_connect_codegen::document::parse(&document)
                .expect("parsed once already")
                .header
                .expect("a header mismatch implies a header");
            tray_connect_codegen::expand(&tray_connect_codegen::Request {
                connector: &header.name,
                version: &header.version,
                document: &document,
                operations: None,
                serde: tray_connect_codegen::Serde::Both,
            })
        }
        other => Err(other),
    })
    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    tray_connect_codegen::pretty(&expansion.source).expect("generated code parses")
}

#[test]
fn fixture_documents_match_their_snapshots() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut documents: Vec<_> = std::fs::read_dir(root.join("tests/fixtures"))
        .expect("fixtures folder")
        .chain(std::fs::read_dir(root.join("../schemas")).expect("schemas folder"))
        .map(|entry| entry.expect("readable entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    documents.sort();
    assert!(documents.len() >= 5, "fixtures went missing: {documents:?}");
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(root.join("tests/snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| {
        for path in &documents {
            let name = path
                .file_stem()
                .and_then(|s| s.to_str())
                .expect("utf-8 name");
            insta::assert_snapshot!(name, expand(path));
        }
    });
}
