//! `verify_event` against the signature vectors of `fixtures/trigger-signature-vectors.json`, a
//! byte-for-byte copy of `/work/shared/tray-samples/trigger-signature-vectors.json`: HMACs
//! computed following Tray's documented Node verifier (page *Verifying subscription payloads*)
//! and cross-checked with Node and openssl (see `fixtures/README.md`).

use serde_json::Value;
use tray_connect::{SignatureError, SigningKey, verify_event};

fn vectors() -> Vec<Value> {
    let all: Value = serde_json::from_str(include_str!("fixtures/trigger-signature-vectors.json"))
        .expect("the vectors file is JSON");
    assert_eq!(all["header"], "x-tray-signature");
    all["vectors"]
        .as_array()
        .expect("a list of vectors")
        .clone()
}

fn text<'a>(vector: &'a Value, field: &str) -> &'a str {
    vector[field]
        .as_str()
        .unwrap_or_else(|| panic!("{}: no {field}", vector["id"]))
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn the_two_valid_vectors_verify_and_the_four_others_are_refused() {
    let vectors = vectors();
    assert_eq!(vectors.len(), 6);
    let (mut valid, mut refused) = (0, 0);
    for vector in &vectors {
        let id = text(vector, "id");
        let key = SigningKey::from_base64(text(vector, "signingKey")).unwrap();
        let body = text(vector, "bodyUtf8").as_bytes();
        assert_eq!(
            body.len() as u64,
            vector["bodyLength"].as_u64().unwrap(),
            "{id}"
        );
        let verdict = verify_event(&key, body, text(vector, "xTraySignature"));
        if vector["expectedValid"] == true {
            assert_eq!(verdict, Ok(()), "{id}");
            valid += 1;
        } else {
            assert_eq!(verdict, Err(SignatureError::Mismatch), "{id}");
            refused += 1;
        }
        // Signing gives the signature of the body, whatever header the vector pairs it with.
        assert_eq!(key.sign(body), text(vector, "signatureOfThisBody"), "{id}");
        assert_eq!(
            verify_event(&key, body, text(vector, "signatureOfThisBody")),
            Ok(()),
            "{id}"
        );
    }
    assert_eq!((valid, refused), (2, 4));
}

#[test]
fn the_key_is_the_base64_decoded_bytes() {
    for vector in vectors() {
        let from_text = SigningKey::from_base64(text(&vector, "signingKey")).unwrap();
        let from_bytes = SigningKey::from_bytes(&hex(text(&vector, "signingKeyBytesHex")));
        assert_eq!(from_text.expose_base64(), from_bytes.expose_base64());
        let body = text(&vector, "bodyUtf8").as_bytes();
        assert_eq!(from_text.sign(body), from_bytes.sign(body));
    }
}

#[test]
fn the_outputs_of_the_common_mistakes_are_refused() {
    let vector = &vectors()[0];
    let key = SigningKey::from_base64(text(vector, "signingKey")).unwrap();
    let body = text(vector, "bodyUtf8").as_bytes();
    let mistakes = &vector["commonMistakes"];
    // HMAC keyed with the key's text instead of its bytes: well formed, does not match.
    let ascii_key = mistakes["keyNotBase64Decoded_usingAsciiOfKeyText"]
        .as_str()
        .unwrap();
    assert_eq!(
        verify_event(&key, body, ascii_key),
        Err(SignatureError::Mismatch)
    );
    // The MAC right, written in hex: refused as malformed, saying so.
    let hex_digest = mistakes["hexDigestInsteadOfBase64"].as_str().unwrap();
    let err = verify_event(&key, body, hex_digest).unwrap_err();
    assert!(matches!(err, SignatureError::Malformed { .. }), "{err}");
    assert!(err.to_string().contains("hex digest"), "{err}");
    // And the signature Tray would have sent is accepted, so the refusals are not a fluke.
    assert_eq!(
        verify_event(&key, body, text(vector, "xTraySignature")),
        Ok(())
    );
}

#[test]
fn keys_in_node_lenient_forms_verify_the_same_vectors() {
    for vector in vectors() {
        let standard = text(&vector, "signingKey");
        let body = text(&vector, "bodyUtf8").as_bytes();
        let signature = text(&vector, "signatureOfThisBody");
        let url_safe_unpadded = standard
            .trim_end_matches('=')
            .replace('+', "-")
            .replace('/', "_");
        let wrapped = format!("{}\n{}\n", &standard[..20], &standard[20..]);
        for form in [
            url_safe_unpadded.as_str(),
            wrapped.as_str(),
            standard.trim_end_matches('='),
        ] {
            let key = SigningKey::from_base64(form)
                .unwrap_or_else(|e| panic!("{}: {form:?}: {e}", vector["id"]));
            assert_eq!(key.expose_base64(), standard);
            assert_eq!(verify_event(&key, body, signature), Ok(()), "{form:?}");
        }
    }
}

#[test]
fn a_tampered_body_fails_even_by_one_byte() {
    let vector = &vectors()[0];
    let key = SigningKey::from_base64(text(vector, "signingKey")).unwrap();
    let signature = text(vector, "xTraySignature");
    let body = text(vector, "bodyUtf8").as_bytes().to_vec();
    for i in 0..body.len() {
        let mut tampered = body.clone();
        tampered[i] ^= 0x01;
        assert_eq!(
            verify_event(&key, &tampered, signature),
            Err(SignatureError::Mismatch),
            "byte {i}"
        );
    }
}
