//! Raw bytes as an operations document → `tray_connect_codegen::expand`.
//!
//! Invariants: no panic; whenever expansion succeeds, the tokens parse as a Rust file (what
//! the macro splices must compile at least syntactically).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tray_connect_codegen::{Request, expand, pretty};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Use the document's own header when it has one, so the fuzzer gets past the check.
    let header = serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| {
            let c = v.get("connector")?;
            Some((
                c.get("name")?.as_str()?.to_owned(),
                c.get("version")?.as_str()?.to_owned(),
            ))
        })
        .unwrap_or_else(|| ("fuzz".to_owned(), "1.0".to_owned()));
    let request = Request {
        connector: &header.0,
        version: &header.1,
        document: text,
        operations: None,
        serde: tray_connect_codegen::Serde::Both,
    };
    if let Ok(expansion) = expand(&request) {
        if let Err(e) = pretty(&expansion.source) {
            panic!("expansion is not valid Rust: {e}\n{}", expansion.source);
        }
    }
});
