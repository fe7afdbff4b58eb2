//! The signature on every event Tray delivers, and the subscription's key it is made with.
//!
//! Tray signs the raw body of each delivery: `x-tray-signature` is
//! `base64(HMAC-SHA256(key = base64-decode(signingKey), message = body bytes))`, standard
//! base64 with padding and no prefix (Tray's page *Verifying subscription payloads*; the
//! vectors in `core/tests/fixtures/trigger-signature-vectors.json` pin it).

use std::fmt;

use base64::Engine as _;
use base64::alphabet;
use base64::engine::general_purpose::STANDARD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::Error;

/// The header that carries an event's signature.
pub const SIGNATURE_HEADER: &str = "x-tray-signature";

/// The length of an HMAC-SHA256: what a decoded `x-tray-signature` must be.
const MAC_BYTES: usize = 32;

type HmacSha256 = Hmac<Sha256>;

/// Reads keys the way Node's `Buffer.from(key, "base64")` (Tray's documented verifier) does
/// for well-formed text: padding optional, stray bits after the last character ignored. The
/// URL-safe alphabet and whitespace are mapped before decoding ([`SigningKey::from_base64`]).
const NODE_LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// The key Tray signs a subscription's events with: the `signingKey` of
/// [`CreatedSubscription`](crate::CreatedSubscription).
///
/// Tray returns it **once**, when the subscription is created; List and Get Subscription never
/// show it again. Store it with your other secrets ([`expose_base64`](Self::expose_base64) gives
/// the text to store, [`from_base64`](Self::from_base64) reads it back).
///
/// `Debug` and `Display` print `***`, never the key.
#[derive(Clone)]
pub struct SigningKey {
    /// The key in canonical form: standard base64 with padding.
    text: String,
    /// HMAC-SHA256 already keyed, cloned for each body (so the key is hashed once, not per event).
    mac: HmacSha256,
}

impl SigningKey {
    /// Reads a signing key written in base64.
    ///
    /// Accepts what Node's decoder (the one Tray's own verifier uses) reads the same way: the
    /// standard alphabet (`+`, `/`) or the URL-safe one (`-`, `_`), with or without `=`
    /// padding, with whitespace or line breaks anywhere (a key pasted from a file or wrapped
    /// in an environment variable). Everything else is refused, where Node would silently skip
    /// it and verify with other bytes: a damaged key should fail here, not as a stream of
    /// refused events.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the text is empty or not base64, saying where; the message never
    /// quotes the key.
    pub fn from_base64(text: &str) -> Result<SigningKey, Error> {
        let bytes = decode_key(text)
            .map_err(|reason| Error::config(format!("signing key is not base64: {reason}")))?;
        Ok(SigningKey::from_bytes(&bytes))
    }

    /// A key made of these bytes (Tray's keys are base64 text: see
    /// [`from_base64`](Self::from_base64)).
    pub fn from_bytes(bytes: &[u8]) -> SigningKey {
        SigningKey {
            text: STANDARD.encode(bytes),
            // An HMAC takes a key of any length.
            mac: HmacSha256::new_from_slice(bytes).expect("HMAC accepts keys of any length"),
        }
    }

    /// The key as standard base64 with padding (whatever form it was read from). Take care
    /// where it goes: anyone holding it can sign events your endpoint will accept.
    pub fn expose_base64(&self) -> &str {
        &self.text
    }

    /// The `x-tray-signature` Tray sends with `body`: for tests of your own receivers, which
    /// can then sign the bodies they post as Tray would.
    pub fn sign(&self, body: &[u8]) -> String {
        STANDARD.encode(self.mac.clone().chain_update(body).finalize().into_bytes())
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey(***)")
    }
}

impl fmt::Display for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Why an event's signature was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// The request has no `x-tray-signature` header, or an empty one.
    #[error("the event has no x-tray-signature header")]
    Missing,
    /// The header is not what Tray sends: 32 bytes in standard base64.
    #[error("the x-tray-signature header is not a base64 HMAC-SHA256: {reason}")]
    #[non_exhaustive]
    Malformed {
        /// What is wrong with it (never its value).
        reason: String,
    },
    /// The header is well formed but does not match the body: the body was changed on the way
    /// (even a re-serialisation or a trailing newline changes it), or it was signed with
    /// another key (another subscription's?).
    #[error(
        "the x-tray-signature header does not match the body: the body was changed, or it was \
         signed with another key than this subscription's"
    )]
    Mismatch,
}

/// Checks that `signature` (the `x-tray-signature` header) is Tray's signature of `body` with
/// `key`: HMAC-SHA256 over the raw body bytes, compared in constant time.
///
/// Verify the bytes exactly as received, before parsing them: the same JSON written with other
/// spacing has another signature. The header is standard base64 with padding, as Tray sends
/// it; surrounding whitespace is ignored.
///
/// ```
/// use tray_connect::{SigningKey, verify_event};
///
/// let key = SigningKey::from_base64("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")?;
/// let body = br#"{"group":{"id":"my-group","name":"My Group"},"boundary":"enter"}"#;
/// verify_event(&key, body, "Fn1gf/90NXwIvg+1pgKvdDBC7fK/4rvc0oJ683WCyHQ=")?;
/// assert!(verify_event(&key, b"{}", "Fn1gf/90NXwIvg+1pgKvdDBC7fK/4rvc0oJ683WCyHQ=").is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// A signature proves the body came from Tray, not that it is new: Tray retries deliveries and
/// sends no event id, so the same event can arrive more than once (see
/// [`decode_event`](crate::decode_event)).
///
/// # Errors
///
/// [`SignatureError::Missing`] for an empty `signature`, [`SignatureError::Malformed`] when it
/// is not base64 of 32 bytes, [`SignatureError::Mismatch`] when it does not match.
pub fn verify_event(key: &SigningKey, body: &[u8], signature: &str) -> Result<(), SignatureError> {
    let signature = signature.trim();
    if signature.is_empty() {
        return Err(SignatureError::Missing);
    }
    let claimed = STANDARD
        .decode(signature)
        .map_err(|_| SignatureError::Malformed {
            reason: format!(
                "{} characters that are not standard base64 with padding",
                signature.len()
            ),
        })?;
    if claimed.len() != MAC_BYTES {
        let hint = if signature.len() == 2 * MAC_BYTES
            && signature.bytes().all(|b| b.is_ascii_hexdigit())
        {
            " (it looks like a hex digest; Tray sends base64)"
        } else {
            ""
        };
        return Err(SignatureError::Malformed {
            reason: format!(
                "it decodes to {} bytes, not the {MAC_BYTES} of an HMAC-SHA256{hint}",
                claimed.len()
            ),
        });
    }
    // `verify_slice` compares in constant time: how much of a forged signature matched leaks
    // nothing through the time the refusal takes.
    key.mac
        .clone()
        .chain_update(body)
        .verify_slice(&claimed)
        .map_err(|_| SignatureError::Mismatch)
}

/// Decodes a key as Node would (see [`SigningKey::from_base64`]); the error says why not,
/// without quoting the key.
fn decode_key(text: &str) -> Result<Vec<u8>, String> {
    let mut standard = String::with_capacity(text.len());
    for (position, c) in text.chars().enumerate() {
        match c {
            c if c.is_ascii_whitespace() => {}
            '-' => standard.push('+'),
            '_' => standard.push('/'),
            'A'..='Z' | 'a'..='z' | '0'..='9' | '+' | '/' | '=' => standard.push(c),
            _ => {
                return Err(format!(
                    "character {} is not one of base64's (A-Z, a-z, 0-9, +, /, -, _, =)",
                    position + 1
                ));
            }
        }
    }
    if standard.is_empty() {
        return Err("it is empty".to_owned());
    }
    NODE_LENIENT.decode(&standard).map_err(|e| match e {
        base64::DecodeError::InvalidLength(_) => format!(
            "{} base64 characters cannot encode whole bytes (is part of it missing?)",
            standard.trim_end_matches('=').len()
        ),
        base64::DecodeError::InvalidPadding | base64::DecodeError::InvalidByte(..) => {
            "`=` padding is allowed only at its end".to_owned()
        }
        // Not reached with trailing bits allowed; worded without the character all the same.
        base64::DecodeError::InvalidLastSymbol(..) => {
            "its last character leaves stray bits".to_owned()
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    const BODY: &[u8] = br#"{"group":{"id":"my-group","name":"My Group"},"boundary":"enter"}"#;
    const SIGNATURE: &str = "Fn1gf/90NXwIvg+1pgKvdDBC7fK/4rvc0oJ683WCyHQ=";

    #[test]
    fn debug_and_display_never_show_the_key() {
        let key = SigningKey::from_base64(KEY).unwrap();
        let text = format!("{key:?} {key} {key:#?}");
        assert_eq!(text, "SigningKey(***) *** SigningKey(***)");
        assert_eq!(key.expose_base64(), KEY);
    }

    #[test]
    fn sign_gives_the_header_verify_accepts() {
        let key = SigningKey::from_base64(KEY).unwrap();
        assert_eq!(key.sign(BODY), SIGNATURE);
        assert_eq!(verify_event(&key, BODY, SIGNATURE), Ok(()));
        assert_eq!(verify_event(&key, BODY, &format!(" {SIGNATURE}\t")), Ok(()));
    }

    #[test]
    fn node_lenient_forms_read_as_the_same_key() {
        let url_safe_unpadded = "4OHi4-Tl5ufo6err7O3u7_Dx8vP09fb3-Pn6-_z9_v8";
        let key = SigningKey::from_base64(url_safe_unpadded).unwrap();
        assert_eq!(
            key.expose_base64(),
            "4OHi4+Tl5ufo6err7O3u7/Dx8vP09fb3+Pn6+/z9/v8="
        );
        let wrapped =
            SigningKey::from_base64("AAECAwQFBgcICQoLDA0O\nDxAREhMUFRYXGBkaGxwdHh8=\n").unwrap();
        assert_eq!(wrapped.expose_base64(), KEY);
    }

    #[test]
    fn keys_that_are_not_base64_say_where_without_quoting_the_key() {
        for (bad, says) in [
            ("", "empty"),
            ("  \n", "empty"),
            ("AAEC!wQF", "character 5"),
            ("AAECA", "cannot encode whole bytes"),
            ("AA=ECAwQ", "padding"),
            ("AAECAwQFé", "character 9"),
        ] {
            let err = SigningKey::from_base64(bad).unwrap_err();
            let text = err.to_string();
            assert!(matches!(err, Error::Config { .. }), "{bad:?}: {text}");
            assert!(
                text.starts_with("invalid configuration: signing key is not base64: "),
                "{text}"
            );
            assert!(text.contains(says), "{bad:?}: {text}");
            if bad.len() > 4 {
                assert!(!text.contains(bad.trim()), "{text}");
            }
        }
    }

    #[test]
    fn malformed_headers_are_told_apart_from_mismatches() {
        let key = SigningKey::from_base64(KEY).unwrap();
        assert_eq!(verify_event(&key, BODY, ""), Err(SignatureError::Missing));
        assert_eq!(verify_event(&key, BODY, "  "), Err(SignatureError::Missing));
        let hex = "167d607fff74357c08be0fb5a602af743042edf2bfe2bbdcd2827af37582c874";
        let err = verify_event(&key, BODY, hex).unwrap_err();
        assert!(err.to_string().contains("hex digest"), "{err}");
        let err = verify_event(&key, BODY, "not base64!").unwrap_err();
        assert!(matches!(err, SignatureError::Malformed { .. }), "{err}");
        // Unpadded: Tray pads, and a header is compared as sent.
        let err = verify_event(&key, BODY, SIGNATURE.trim_end_matches('=')).unwrap_err();
        assert!(matches!(err, SignatureError::Malformed { .. }), "{err}");
        let other = SigningKey::from_bytes(&[7; 32]);
        assert_eq!(
            verify_event(&other, BODY, SIGNATURE),
            Err(SignatureError::Mismatch)
        );
    }
}
