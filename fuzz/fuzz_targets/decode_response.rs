//! Any status and body → the client's response decoders (`tray_connect::__wire`).
//!
//! Invariants: no panic; every error renders on one line (docs/reliability.md: messages are one line,
//! bodies are quoted as short excerpts) and stays short whatever the body holds (issue 14: a
//! 10 MB message was a 10 MB `Display`), while a `Tray` error keeps the whole body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tray_connect::__wire;

/// The longest `Display` any error of a decoder may have: a 500-character message excerpt,
/// a 200-character path excerpt and the fixed words around them.
const MAX_DISPLAY_CHARS: usize = 1_000;

fn check(result: Result<impl Sized, tray_connect::Error>, body: &[u8]) {
    if let Err(e) = result {
        let text = e.to_string();
        assert!(
            !text.contains('\n') && !text.contains('\r'),
            "multi-line error: {text:?}"
        );
        assert!(
            text.chars().count() <= MAX_DISPLAY_CHARS,
            "long error ({} chars): {text:?}",
            text.chars().count()
        );
        if let Some(kept) = e.body() {
            assert_eq!(
                kept.as_bytes(),
                String::from_utf8_lossy(body).as_bytes(),
                "body not kept whole"
            );
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
    check(__wire::decode_connectors(body), body);
    check(__wire::decode_operations(body), body);
    check(__wire::decode_call_response(status, body), body);
    check(
        Err::<(), _>(__wire::api_error(status, Some("text/html"), body, None)),
        body,
    );
    check(
        Err::<(), _>(__wire::api_error(status, None, body, None)),
        body,
    );
    if let Ok(output) = __wire::decode_call(body) {
        let decoded =
            __wire::decode_output::<serde_json::Value>(output.clone(), "output of fuzz op");
        check(decoded, body);
        let decoded = __wire::decode_output::<Vec<String>>(output.clone(), "output of fuzz op");
        check(decoded, body);
        check(
            __wire::decode_lookup(output.clone(), "lookup result of fuzz op"),
            body,
        );
        check(
            __wire::decode_output_schema(output, "output schema of fuzz op"),
            body,
        );
    }
});
