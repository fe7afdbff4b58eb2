//! Compile-time behaviour of `connector!`: what compiles, and the errors for what must not.
//! The `.stderr` files are blessed on Rust 1.95:
//! `TRYBUILD=overwrite cargo test -p tray-connect-tests --test trybuild`.
//!
//! Also compiled here: what `tray-connect generate` writes for documents whose every text is
//! hostile (the `hostile-text` fixture, and seeded random headers and descriptions), the
//! generate half of issue 22's findings 1 and 7.

use std::fmt::Write as _;
use std::path::PathBuf;

// One TestCases for both kinds: trybuild builds them in one shared project, which two
// concurrent #[test]s would clobber.
#[test]
fn connector_macro_compiles_what_it_should_and_explains_what_it_rejects() {
    let cases = trybuild::TestCases::new();
    cases.pass("ui/pass/*.rs");
    cases.pass(generated_from_hostile_documents());
    cases.compile_fail("ui/fail/*.rs");
}

/// Random documents whose every text is drawn from what breaks comments, terminals and readers.
const DOCUMENTS: usize = 24;
/// Change it to explore; a failure prints the seed it ran with.
const SEED: u64 = 0x0722_7ea7;

/// One program holding, in a module each, what `generate` writes for the `hostile-text`
/// fixture and for [`DOCUMENTS`] random documents: it must compile under `deny(warnings)`.
fn generated_from_hostile_documents() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let fixture = std::fs::read_to_string(root.join("codegen/tests/fixtures/hostile-text.json"))
        .expect("the fixture is readable");
    let mut documents = vec![fixture];
    let mut rng = fastrand::Rng::with_seed(SEED);
    documents.extend((0..DOCUMENTS).map(|_| random_document(&mut rng).to_string()));
    let mut program = format!(
        "// What `tray-connect generate` writes for hostile documents (seed {SEED:#x}).\n\
         #![deny(warnings)]\n\n"
    );
    for (i, text) in documents.iter().enumerate() {
        let document = tray_connect_codegen::document::parse(text).expect("a document");
        let header = document
            .connector(None)
            .expect("every document has a header");
        let expansion = tray_connect_codegen::expand_document(
            &header.name,
            &header.version,
            &document,
            None,
            tray_connect_codegen::Serde::Both,
        )
        .unwrap_or_else(|e| panic!("document {i} (seed {SEED:#x}): {e}"));
        let file = tray_connect_codegen::generated_file(
            &expansion.source,
            &header.name,
            &header.version,
            &format!("hostile-{i}.json"),
        )
        .unwrap_or_else(|e| panic!("document {i} (seed {SEED:#x}): {e}"));
        writeln!(program, "mod generated_{i} {{\n{file}\n}}\n").expect("writing to a String");
    }
    program.push_str("fn main() {}\n");
    let path =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("generated_from_hostile_documents.rs");
    std::fs::write(&path, program).expect("the target's temporary folder is writable");
    path
}

/// Text made of what ends comments, drives terminals, reorders what readers see or lexes as
/// code, among ordinary words and random characters.
fn hostile_text(rng: &mut fastrand::Rng) -> String {
    const PIECES: &[&str] = &[
        "word",
        " ",
        "\n",
        "\r",
        "\r\n",
        "\t",
        "*/",
        "/*",
        "//",
        "///",
        "//!",
        "\"",
        "\\",
        "'",
        "#[doc = \"x\"]",
        "]",
        "[",
        "{",
        "}",
        "`",
        "```",
        "    code",
        "<b>",
        "&amp;",
        "_",
        "*",
        "\u{1b}[2J",
        "\u{1b}]0;title\u{7}",
        "\u{1b}]8;;https://x\u{1b}\\",
        "\u{0}",
        "\u{7f}",
        "\u{85}",
        "\u{202e}",
        "\u{2066}",
        "\u{2069}",
        "\u{200f}",
        "\u{2028}",
        "\u{2029}",
        "\u{feff}",
        "\u{301}",
        "é",
        "日本",
        "🎉",
        "https://example.com/a_b",
        "fn main() {}",
    ];
    let len = rng.usize(0..12);
    (0..len)
        .map(|_| {
            if rng.u8(0..8) == 0 {
                rng.char(..).to_string()
            } else {
                PIECES[rng.usize(0..PIECES.len())].to_owned()
            }
        })
        .collect()
}

fn random_document(rng: &mut fastrand::Rng) -> serde_json::Value {
    use serde_json::json;
    // Header names and versions must not be empty; everything else may be.
    let name = format!("h{}", hostile_text(rng));
    let version = format!("{}{}", rng.u8(0..9), hostile_text(rng));
    let mut elements = Vec::new();
    for op in 0..rng.usize(1..3) {
        let mut properties = serde_json::Map::new();
        for _ in 0..rng.usize(0..4) {
            let property = match rng.u8(0..3) {
                0 => json!({"type": "string", "title": hostile_text(rng),
                            "description": hostile_text(rng), "default": hostile_text(rng)}),
                1 => json!({"type": "string", "enum": [hostile_text(rng), hostile_text(rng)],
                            "enumLabels": [hostile_text(rng), hostile_text(rng)]}),
                _ => json!({"type": "string", "format": hostile_text(rng),
                            "lookup": {"operation": hostile_text(rng),
                                       "input": {"q": format!("{{{{{}}}}}", hostile_text(rng))}}}),
            };
            properties.insert(hostile_text(rng), property);
        }
        elements.push(json!({
            "name": format!("op{op}{}", hostile_text(rng)),
            "title": hostile_text(rng),
            "description": hostile_text(rng),
            "inputSchema": {"type": "object", "properties": properties.clone(),
                            "description": hostile_text(rng)},
            "outputSchema": {"type": "object", "properties": properties,
                             "title": hostile_text(rng)},
        }));
    }
    json!({
        "connector": {"name": name, "version": version, "title": hostile_text(rng),
                      "description": hostile_text(rng)},
        "elements": elements,
    })
}
