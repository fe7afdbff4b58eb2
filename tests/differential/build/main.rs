//! Draws the seeded schemas, expands each with the real code generator, and writes
//! `$OUT_DIR/cases.rs` (one module per case plus the table the tests walk) and
//! `$OUT_DIR/cases.json` (the schemas and documents, for the oracle).
//!
//! `TRAY_DIFFERENTIAL_SEED` and `TRAY_DIFFERENTIAL_CASES` change the draw (for exploring;
//! CI uses the defaults).

mod schemas;

use std::fmt::Write as _;
use std::path::PathBuf;

use serde_json::{Value, json};

const DEFAULT_SEED: u64 = 0x7ea7_c0de;
const DEFAULT_CASES: usize = 400;

fn main() {
    println!("cargo::rerun-if-changed=build");
    println!("cargo::rerun-if-env-changed=TRAY_DIFFERENTIAL_SEED");
    println!("cargo::rerun-if-env-changed=TRAY_DIFFERENTIAL_CASES");
    let seed = env_number("TRAY_DIFFERENTIAL_SEED").unwrap_or(DEFAULT_SEED);
    let count = env_number("TRAY_DIFFERENTIAL_CASES").map_or(DEFAULT_CASES, |n| n as usize);

    let mut generator = schemas::SchemaGenerator::new(seed);
    let mut modules = String::new();
    let mut table = String::new();
    let mut cases = Vec::with_capacity(count);
    for index in 0..count {
        let schema = generator.case();
        let document = schemas::document(&schema);
        let text = serde_json::to_string(&document).expect("documents serialise");
        let expansion = tray_connect_codegen::expand(&tray_connect_codegen::Request {
            connector: "differential",
            version: "1.0",
            document: &text,
            operations: None,
            serde: tray_connect_codegen::Serde::Both,
        })
        .unwrap_or_else(|e| panic!("case {index} does not expand: {e}\n{text}"));
        let module = format!("case_{index:04}");
        writeln!(
            modules,
            "/// Case {index} of seed {seed:#x}.\npub mod {module} {{\n{}\n}}",
            expansion.source
        )
        .expect("writing to a String");
        writeln!(
            table,
            "    Case {{ index: {index}, value_fallbacks: {module}::VALUE_FALLBACKS, \
             root_output: roundtrip::<{module}::RootOutput>, \
             field_input: roundtrip::<{module}::Field>, \
             field_output: roundtrip::<{module}::FieldOutput> }},"
        )
        .expect("writing to a String");
        cases.push(json!({"index": index, "schema": schema, "document": document}));
    }
    let (trigger_modules, trigger_table) = trigger_events();
    let source = format!(
        "{modules}\n/// Every case, in draw order.\npub static CASES: &[Case] = &[\n{table}];\n\
         /// The seed the cases were drawn with.\npub const SEED: u64 = {seed:#x};\n\
         {trigger_modules}\n/// Every event type of the trigger documents.\n\
         pub static TRIGGER_EVENTS: &[TriggerEvent] = &[\n{trigger_table}];\n"
    );
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("cases.rs"), source).expect("OUT_DIR is writable");
    let cases = serde_json::to_string(&Value::Array(cases)).expect("cases serialise");
    std::fs::write(out.join("cases.json"), cases).expect("OUT_DIR is writable");
}

/// Tray's real trigger documents (issue 23), expanded as `trigger!` does: one module each, and
/// a row per operation with its `outputSchema` and its event type's round trip.
fn trigger_events() -> (String, String) {
    let root =
        PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it")).join("../..");
    let mut modules = String::new();
    let mut table = String::new();
    for path in [
        "schemas/gosquared-trigger.json",
        "codegen/tests/fixtures/tom-gmail-trigger.json",
    ] {
        println!("cargo::rerun-if-changed={}", root.join(path).display());
        let text = std::fs::read_to_string(root.join(path)).expect("the trigger documents");
        let document = tray_connect_codegen::document::parse(&text).expect("a document");
        let header = document.connector(None).expect("a trigger header");
        let expansion = tray_connect_codegen::expand_trigger_document(
            &header.name,
            &header.version,
            &document,
            None,
            tray_connect_codegen::Serde::Both,
        )
        .unwrap_or_else(|e| panic!("{path}: {e}"));
        let module = header.name.replace('-', "_");
        writeln!(
            modules,
            "/// `{path}`, as `trigger!` expands it.\npub mod {module} {{\n{}\n}}",
            expansion.source
        )
        .expect("writing to a String");
        for (index, operation) in document.operations.iter().enumerate() {
            let event = format!(
                "{}Event",
                operation
                    .name
                    .split('_')
                    .map(|w| w[..1].to_uppercase() + &w[1..])
                    .collect::<String>()
            );
            let schema = serde_json::to_string(operation.output_schema()).expect("JSON");
            writeln!(
                table,
                "    TriggerEvent {{ document: {path:?}, index: {index}, operation: {:?}, \
                 output_schema: {schema:?}, round_trip: roundtrip::<{module}::{event}> }},",
                operation.name
            )
            .expect("writing to a String");
        }
    }
    (modules, table)
}

fn env_number(key: &str) -> Option<u64> {
    let text = std::env::var(key).ok()?;
    let text = text.trim();
    match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}
