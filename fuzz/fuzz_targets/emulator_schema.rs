//! Any JSON as an operation's `inputSchema` and `outputSchema` → the emulator's loader, which
//! normalises the schema and compiles its validator (`EmulatorBuilder::document_json(..).start()`;
//! the normaliser itself is private).
//!
//! Invariant: no panic; `start` answers `Ok` or an `EmulatorError`. Each run binds and frees a
//! loopback port (no connections, so no TIME_WAIT build-up).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tray_connect_emulator::Emulator;

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Only JSON values reach the normaliser; anything else fails in the document parser.
    let Ok(schema) = serde_json::from_str::<serde_json::Value>(text) else {
        return;
    };
    let document = serde_json::json!({
        "connector": {"name": "fuzz", "version": "1.0"},
        "elements": [{"name": "op", "inputSchema": schema, "outputSchema": schema,
                      "hasDynamicOutput": true}]
    })
    .to_string();
    runtime().block_on(async {
        if let Ok(emulator) = Emulator::builder().document_json(document).start().await {
            drop(emulator);
            // Dropping aborts the server task; the runtime frees it (and the documents it
            // holds) the next time it runs. A `block_on` that never yields never runs it: the
            // first 10-minute run kept every emulator alive and hit the 2 GB limit.
            tokio::task::yield_now().await;
        }
    });
});
