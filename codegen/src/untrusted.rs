//! Text a document or the network supplies, made safe to show: in a comment of generated code,
//! in rustdoc, in a compiler diagnostic, on a terminal. The one place that decides which
//! characters are shown as escapes (`\u{1b}`) instead of written raw.
//!
//! A raw line break would end a `//` comment (and let the rest of a document's string become
//! code); ESC and the other C0/C1 controls drive a terminal (window titles, OSC 8 links, clear
//! screen); bidirectional overrides reorder what a reader sees (and rustc refuses them in
//! comments: `text_direction_codepoint_in_comment`). String literals need none of this:
//! `char::escape_debug` already writes all of these as escapes.

use std::borrow::Cow;

/// Whether `c` is shown as an escape rather than written: control characters (C0, DEL, C1, so
/// line breaks and tabs too), bidirectional controls, the line and paragraph separators, and
/// the invisible byte-order mark.
pub fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{FEFF}'
        )
}

/// `text` with every [hidden](is_hidden) character written as its Rust escape (`\u{1b}`), so
/// that it shows on one line, as written, and cannot act on a terminal or end a comment.
/// Borrows when there is nothing to escape.
///
/// ```
/// use tray_connect_codegen::untrusted::visible;
/// assert_eq!(visible("twilio-output"), "twilio-output");
/// assert_eq!(visible("a\nfn main() {}"), r"a\u{a}fn main() {}");
/// assert_eq!(visible("\u{1b}]0;owned\u{7}"), r"\u{1b}]0;owned\u{7}");
/// ```
pub fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_hidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_hidden(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed_unchanged() {
        let text = "Get rows — größe, 日本, emoji 🎉";
        assert!(matches!(visible(text), Cow::Borrowed(t) if t == text));
    }

    #[test]
    fn every_hidden_character_becomes_an_escape() {
        let hostile = "a\u{0}b\u{1b}[2Jc\u{7f}d\u{85}e\u{202e}f\u{2066}g\u{2028}h\r\ni\tj\u{feff}";
        let shown = visible(hostile);
        assert!(!shown.chars().any(is_hidden), "{shown}");
        assert_eq!(
            shown,
            r"a\u{0}b\u{1b}[2Jc\u{7f}d\u{85}e\u{202e}f\u{2066}g\u{2028}h\u{d}\u{a}i\u{9}j\u{feff}"
        );
    }
}
