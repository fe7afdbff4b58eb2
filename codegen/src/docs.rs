//! Schema text → rustdoc: escaped so that `cargo doc` stays warning-free and no description
//! ever becomes a doctest.

use crate::model::Docs;

/// Escapes schema text for rustdoc markdown: brackets, angle brackets and backticks are
/// escaped, bare URLs are wrapped in `<..>`, and leading indentation is dropped (it would make
/// a code block, which rustdoc would try to run as a doctest).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        for (j, word) in line.trim().split(' ').enumerate() {
            if j > 0 {
                out.push(' ');
            }
            escape_word(word, &mut out);
        }
    }
    out
}

fn escape_word(word: &str, out: &mut String) {
    if word.starts_with("http://") || word.starts_with("https://") {
        // Trailing punctuation belongs to the sentence, not the URL.
        let end = word
            .trim_end_matches(['.', ',', ';', ':', ')', '!', '?', '\'', '"'])
            .len();
        let (url, rest) = word.split_at(end);
        if !url.contains(['<', '>', '`', ' ']) {
            out.push('<');
            out.push_str(url);
            out.push('>');
            escape_plain(rest, out);
            return;
        }
    }
    escape_plain(word, out);
}

fn escape_plain(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '[' | ']' | '<' | '>' | '`' | '\\' | '*' | '_' | '#' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\r' | '\t' => out.push(' '),
            _ => out.push(c),
        }
    }
}

/// Text for inside a code span: backticks would end the span early.
pub fn code(text: &str) -> String {
    text.replace('`', "'").replace(['\n', '\r'], " ")
}

/// The doc lines (each becomes one `#[doc = ..]`) for a model node.
pub fn lines(docs: &Docs, fallback_title: &str) -> Vec<String> {
    let mut paragraphs: Vec<String> = Vec::new();
    let present = |text: &Option<String>| text.as_ref().filter(|t| !t.trim().is_empty()).cloned();
    match (&present(&docs.title), &present(&docs.description)) {
        (Some(title), Some(description)) if title == description => paragraphs.push(escape(title)),
        (Some(title), Some(description)) => {
            paragraphs.push(escape(title));
            paragraphs.push(escape(description));
        }
        (Some(text), None) | (None, Some(text)) => paragraphs.push(escape(text)),
        (None, None) => paragraphs.push(fallback_title.to_owned()),
    }
    let mut out = Vec::new();
    for (i, paragraph) in paragraphs.iter().enumerate() {
        if i > 0 {
            out.push(String::new());
        }
        out.extend(paragraph.lines().map(|l| format!(" {l}")));
    }
    if !docs.notes.is_empty() {
        out.push(String::new());
        out.extend(docs.notes.iter().map(|n| format!(" - {n}")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_specials_are_escaped() {
        assert_eq!(escape("a [b] <c> `d`"), r"a \[b\] \<c\> \`d\`");
    }

    #[test]
    fn bare_urls_are_wrapped() {
        assert_eq!(
            escape("See https://api.twilio.com/docs."),
            "See <https://api.twilio.com/docs>."
        );
    }

    #[test]
    fn indentation_cannot_start_a_code_block() {
        assert_eq!(escape("a\n    fn main() {}"), "a\nfn main() {}");
    }
}
