//! Any status and body → the client's response decoders (`tray_connect::__wire`).
//!
//! Invariants: no panic; every error renders on one line (DESIGN §5: messages are one line,
//! bodies are quoted as short excerpts), and an `Error::Tray` message stays short.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tray_connect::__wire;

fn check(result: Result<impl Sized, tray_connect::Error>) {
    if let Err(e) = result {
        let text = e.to_string();
        assert!(!text.contains('\n') && !text.contains('\r'), "multi-line error: {text:?}");
        if let tray_connect::Error::Tray { .. } = &e {
            assert!(text.chars().count() < 400, "long Tray error: {text:?}");
        }
        let _ = format!("{e:?}");
    }
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let status = u16::from_le_bytes([data[0], data[1]]) % 600;
    let body = &data[2..];
    check(__wire::decode_connectors(body));
    check(__wire::decode_operations(body));
    check(__wire::decode_call_response(status, body));
    check(Err::<(), _>(__wire::api_error(status, Some("text/html"), body, None)));
    check(Err::<(), _>(__wire::api_error(status, None, body, None)));
    if let Ok(output) = __wire::decode_call(body) {
        check(__wire::decode_output::<serde_json::Value>(output.clone(), "output of fuzz op"));
        check(__wire::decode_output::<Vec<String>>(output.clone(), "output of fuzz op"));
        check(__wire::decode_lookup(output.clone(), "lookup result of fuzz op"));
        check(__wire::decode_output_schema(output, "output schema of fuzz op"));
    }
});
