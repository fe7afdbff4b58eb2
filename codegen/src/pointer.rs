//! Local JSON pointers, as `$ref` writes them (`#/definitions/a%20b`): the one resolver that
//! codegen and the emulator share, so both read a document's references the same way.

use serde_json::Value;

/// The JSON pointer of a local `$ref` (`#/definitions/a%20b` → `/definitions/a b`), still
/// `~`-escaped per segment; `None` for a reference into another document or a malformed
/// percent-escape.
pub fn local_pointer(reference: &str) -> Option<String> {
    let rest = reference.strip_prefix('#')?;
    let decoded = percent_decode(rest)?;
    (decoded.is_empty() || decoded.starts_with('/')).then_some(decoded)
}

/// One segment of a JSON pointer, `~`-escaped (`a/b` → `a~1b`).
pub fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// URI percent-decoding of a fragment (`%20` → space); `None` when an escape is malformed or
/// the bytes are not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// One `~`-escaped pointer segment as the key it names (`a~1b` → `a/b`, `~0` → `~`).
pub fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

/// The node `pointer` (as [`local_pointer`] returns it) names in `root`.
pub fn resolve<'a>(root: &'a Value, pointer: &str) -> Option<&'a Value> {
    root.pointer(pointer)
}

/// The node a local `$ref` names in `root`, if any.
pub fn resolve_ref<'a>(root: &'a Value, reference: &str) -> Option<&'a Value> {
    resolve(root, &local_pointer(reference)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn percent_escapes_and_tilde_escapes_are_both_decoded() {
        let root = json!({"definitions": {"a b": 1, "c/d~e": 2}, "items": [3, 4]});
        assert_eq!(resolve_ref(&root, "#/definitions/a%20b"), Some(&json!(1)));
        assert_eq!(resolve_ref(&root, "#/definitions/c~1d~0e"), Some(&json!(2)));
        assert_eq!(resolve_ref(&root, "#/items/1"), Some(&json!(4)));
        assert_eq!(resolve_ref(&root, "#"), Some(&root));
    }

    #[test]
    fn non_local_and_malformed_references_resolve_to_nothing() {
        let root = json!({"a": 1});
        assert_eq!(local_pointer("other.json#/a"), None);
        assert_eq!(local_pointer("#a"), None);
        assert_eq!(local_pointer("#/a%2"), None);
        assert_eq!(local_pointer("#/a%+1"), None);
        assert_eq!(resolve_ref(&root, "#/b"), None);
        assert_eq!(resolve_ref(&root, "#/a/0"), None);
    }
}
