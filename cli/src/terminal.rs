//! The one way the CLI writes to the terminal. Titles, descriptions, operation and input names,
//! server messages and file names come from documents and the network; each line printed
//! passes through [`visible`] (codegen's rule for such text), so ESC and the other C0/C1
//! controls, DEL and bidi overrides show as escapes (`\u{1b}`) and cannot retitle the window,
//! clear the screen, plant a link or reorder what is read. JSON keeps its own syntax:
//! [`json`] writes the same characters as JSON escapes (`\u001b`), so it stays valid JSON that
//! reads back to the very same strings.
//!
//! `println!` and friends are refused by clippy in this crate (`cli/clippy.toml`); print with
//! [`outln!`] and [`errln!`].

use std::fmt::Write as _;

use tray_connect_codegen::untrusted::is_hidden;
pub use tray_connect_codegen::untrusted::visible;

/// `println!` of one line, with every hidden character shown as an escape.
macro_rules! outln {
    () => {
        $crate::terminal::out("")
    };
    ($($arg:tt)*) => {
        $crate::terminal::out(&format!($($arg)*))
    };
}

/// `eprintln!` of one line, with every hidden character shown as an escape.
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::terminal::err(&format!($($arg)*))
    };
}

/// Prints `line` and a line feed on stdout, escaped.
#[allow(clippy::disallowed_macros)] // the one place that prints
pub fn out(line: &str) {
    println!("{}", visible(line));
}

/// Prints `line` and a line feed on stderr, escaped.
#[allow(clippy::disallowed_macros)] // the one place that prints
pub fn err(line: &str) {
    eprintln!("{}", visible(line));
}

/// `value` as pretty JSON whose strings hold no hidden character raw: serde_json escapes the
/// C0 controls itself, and the rest (DEL, C1 controls, bidi controls, line and paragraph
/// separators) are written as `\uXXXX` here, which JSON reads as the same characters.
pub fn json(value: &serde_json::Value) -> String {
    let text = serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string());
    // Outside strings the text holds only spaces and line feeds; inside them, serde_json has
    // already escaped every line feed, so a raw one is layout.
    if !text.chars().any(|c| c != '\n' && is_hidden(c)) {
        return text;
    }
    let mut escaped = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if c != '\n' && is_hidden(c) {
            // Every hidden character is in the Basic Multilingual Plane: one `\uXXXX` each.
            let _ = write!(escaped, "\\u{:04x}", u32::from(c));
        } else {
            escaped.push(c);
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn hidden_characters_in_json_are_json_escapes_and_read_back_the_same() {
        let hostile = "a\u{1b}]0;t\u{7}b\u{7f}c\u{85}d\u{202e}e\u{2028}f\u{feff}\n";
        let value = json!({ "title": hostile, "list": [hostile] });
        let text = json(&value);
        assert!(!text.chars().any(|c| c != '\n' && is_hidden(c)), "{text:?}");
        assert!(text.contains(r"\u001b]0;t\u0007b\u007fc\u0085d\u202ee\u2028f\ufeff\n"));
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&text).unwrap(),
            value
        );
    }

    #[test]
    fn plain_json_is_serde_json_s_own_text() {
        let value = json!({ "name": "twilio-output", "title": "größe 🎉" });
        assert_eq!(json(&value), serde_json::to_string_pretty(&value).unwrap());
    }

    #[test]
    fn every_hidden_character_is_in_the_basic_multilingual_plane() {
        // `json` writes one `\uXXXX` per hidden character, which needs this.
        assert!(!('\u{10000}'..=char::MAX).any(is_hidden));
    }
}
