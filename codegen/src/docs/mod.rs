//! Schema text → rustdoc: escaped so that `cargo doc` stays warning-free and no description
//! ever becomes a doctest. The model keeps notes and fallback reasons as data; this is where
//! they become sentences. `items` holds what the generated items say about themselves.

pub(crate) mod items;

use crate::model::{Docs, Fallback, Note, Reason};
use crate::untrusted;
use serde_json::Value;
use std::borrow::Cow;

/// Escapes schema text for rustdoc markdown: brackets, angle brackets and lone backticks are
/// escaped (a `` `span` `` stays code), bare URLs are wrapped in `<..>`, and leading
/// indentation is dropped (it would make a code block, which rustdoc would try to run as a
/// doctest).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        // Tabs and stray carriage returns read as spaces; every other hidden character is
        // shown as its escape, so a doc line is the same text in `cargo doc`, in `generate`'s
        // `///` comments (where rustc refuses bidi overrides) and on a terminal.
        let line = line.trim();
        let spaced: Cow<'_, str> = if line.contains(['\t', '\r']) {
            line.replace(['\t', '\r'], " ").into()
        } else {
            line.into()
        };
        let line = untrusted::visible(&spaced);
        let mut rest = line.trim();
        // A span between two backticks on one line stays code (`price_unit` reads as code, not
        // as \`price\_unit\`): markdown takes its text literally. A lone backtick is escaped.
        while let Some((before, code, after)) = code_span(rest) {
            escape_words(before, &mut out);
            out.push('`');
            out.push_str(code);
            out.push('`');
            rest = after;
        }
        escape_words(rest, &mut out);
    }
    out
}

/// The first `` `code` `` span of `text`: the text before it, its content, the text after.
fn code_span(text: &str) -> Option<(&str, &str, &str)> {
    let open = text.find('`')?;
    let len = text[open + 1..].find('`')?;
    let code = &text[open + 1..open + 1 + len];
    (!code.trim().is_empty()).then(|| (&text[..open], code, &text[open + 2 + len..]))
}

fn escape_words(text: &str, out: &mut String) {
    for (j, word) in text.split(' ').enumerate() {
        if j > 0 {
            out.push(' ');
        }
        escape_word(word, out);
    }
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
    // Runs between the (ASCII) characters that need escaping are copied whole: this runs on
    // every line of every doc comment, unoptimised in the macro of a debug build.
    let bytes = text.as_bytes();
    let mut run = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let replacement = match b {
            b'[' => "\\[",
            b']' => "\\]",
            b'<' => "\\<",
            b'>' => "\\>",
            b'`' => "\\`",
            b'\\' => "\\\\",
            b'*' => "\\*",
            b'_' => "\\_",
            b'#' => "\\#",
            b'|' => "\\|",
            b'~' => "\\~",
            _ => continue,
        };
        out.push_str(&text[run..i]);
        out.push_str(replacement);
        run = i + 1;
    }
    out.push_str(&text[run..]);
}

/// Text for inside a code span: backticks would end the span early.
pub fn code(text: &str) -> String {
    if !text.bytes().any(|b| matches!(b, b'`' | b'\n' | b'\r')) {
        return untrusted::visible(text).into_owned();
    }
    untrusted::visible(&text.replace('`', "'").replace(['\n', '\r'], " ")).into_owned()
}

/// The most characters of a sample input that a doc comment shows.
const SAMPLE_SHOWN: usize = 200;

/// A sample input as compact JSON, cut after [`SAMPLE_SHOWN`] characters.
fn sample_text(sample: &Value) -> String {
    let text = sample.to_string();
    match text.char_indices().nth(SAMPLE_SHOWN) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text,
    }
}

/// A note, as the text of its bullet.
pub fn note(note: &Note) -> String {
    match note {
        Note::Operation(name) => format!("Operation `{}`.", code(name)),
        Note::Format(format) => format!("Format: `{}`.", code(format)),
        Note::Default(value) => format!("Default: `{}`.", code(&value.to_string())),
        Note::Lookup(operation) => format!(
            "Valid values come from the lookup operation `{}`.",
            code(operation)
        ),
        Note::Advanced => "Advanced input.".to_owned(),
        Note::Sampled(sample) => format!(
            "Typed from the output schema Tray returned (`returnOutputSchema`) for the sample \
             input `{}` (the document's `sampledOutputSchema`, vendored by `tray-connect pull \
             --sample`); another input may give another shape, which decodes liberally.",
            code(&sample_text(sample))
        ),
        Note::OneOf(values) => {
            let listed: Vec<String> = values
                .iter()
                .map(|value| match value {
                    Value::String(s) => format!("`{}`", code(s)),
                    other => format!("`{}`", code(&other.to_string())),
                })
                .collect();
            format!("One of: {}.", listed.join(", "))
        }
        Note::Fallback(why) => format!("Typed as JSON `Value`: {}.", reason(why)),
        Note::PartlyJson(why) => format!("{}.", capitalise(&reason(why))),
        Note::FilledByTray(path) => format!(
            "Filled in by Tray (`{}`) when the subscription is created, so setting it is \
             optional.",
            code(path)
        ),
        Note::PropertiesWithoutType => {
            "The schema lists properties but no `type`, so any other JSON value is valid too."
                .to_owned()
        }
    }
}

/// Why a node is kept as `Value`, as a clause that ends a sentence ("Typed as JSON `Value`: ...").
pub fn reason(reason: &Reason) -> String {
    match reason {
        Reason::DynamicOutput => "the operation has dynamic output (`hasDynamicOutput`); \
                                  `Client::output_schema` asks Tray for the schema of one input"
            .to_owned(),
        Reason::NoOutputSchema => "the document gives no output schema".to_owned(),
        Reason::TooDeep(levels) => format!("nested deeper than {levels} levels"),
        Reason::Untypeable(keyword) => format!("`{keyword}` has no Rust type"),
        Reason::NoType => "the schema gives no `type`".to_owned(),
        Reason::UnknownType(name) => format!("unknown type `{}`", code(name)),
        Reason::UnknownTypeInArray(name) => {
            format!("unknown type `{}` in a `type` array", code(name))
        }
        Reason::PatternProperties => {
            "`patternProperties` are kept as JSON beside the listed properties".to_owned()
        }
        Reason::PropertiesWithoutType => "the schema lists `properties` but no `type`; values \
                                          other than objects are kept by the `Other` variant"
            .to_owned(),
        Reason::EmptyEnum => "the `enum` lists no values".to_owned(),
        Reason::MixedEnum => "the `enum` mixes value types".to_owned(),
        Reason::UndescribedRequired => {
            "the schema requires this property but does not describe it".to_owned()
        }
        Reason::AnySchema => "the schema is `true` (anything)".to_owned(),
        Reason::NotASchema => "the property's schema is not an object".to_owned(),
        Reason::RootNotASchema(keyword) => {
            format!("the operation's `{keyword}` is not a schema object")
        }
        Reason::NoTypedAlternative(keyword) => {
            format!("no alternative of `{keyword}` can be typed")
        }
        Reason::UntypedAlternatives {
            count,
            keyword,
            variant,
        } => format!(
            "{count} alternative(s) of `{keyword}` cannot be typed; the `{variant}` variant \
             keeps them"
        ),
        Reason::AllOfPartNotObject => "an `allOf` part is not a schema object".to_owned(),
        Reason::AllOfPartCombines => "an `allOf` part combines schemas in turn".to_owned(),
        Reason::AllOfNoCommonType => "no type is allowed by every `allOf` part".to_owned(),
        Reason::AllOfSelfCycle => {
            "the `allOf` contains itself with no object in between".to_owned()
        }
        Reason::RefNotLocal(reference) => {
            format!("`$ref` `{}` is not a local JSON pointer", code(reference))
        }
        Reason::RefSelfCycle(reference) => format!(
            "`$ref` `{}` refers back to itself with no object in between",
            code(reference)
        ),
        Reason::RefDangling(reference) => {
            format!("`$ref` `{}` points at nothing", code(reference))
        }
    }
}

/// `"<json pointer>: <reason>"`, as `VALUE_FALLBACKS` and `Expansion::value_fallbacks` list a
/// node typed as `Value`.
pub fn fallback(fallback: &Fallback) -> String {
    let at = if fallback.pointer.is_empty() {
        "/"
    } else {
        &fallback.pointer
    };
    format!("{at}: {}", reason(&fallback.reason))
}

/// "`x` is" → "`X` is": a reason as the start of a sentence.
fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
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
        out.extend(docs.notes.iter().map(|n| format!(" - {}", note(n))));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_specials_are_escaped() {
        assert_eq!(escape("a [b] <c> `d"), r"a \[b\] \<c\> \`d");
    }

    #[test]
    fn code_spans_stay_code() {
        assert_eq!(
            escape("Use `price_unit` or `a<b>`, not ``, `lone"),
            r"Use `price_unit` or `a<b>`, not \`\`, \`lone"
        );
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

    #[test]
    fn a_sample_input_is_shown_escaped_and_cut() {
        let hostile = serde_json::json!({
            "x": "a`b\n#![allow(unused)] fn injected() {}\u{1b}]0;owned\u{7}\u{202e}*/"
        });
        let shown = note(&Note::Sampled(hostile));
        assert!(!shown.chars().any(untrusted::is_hidden), "{shown}");
        // One code span: the sample's own backticks cannot close it.
        assert_eq!(shown.matches('`').count() % 2, 0, "{shown}");
        assert!(shown.contains(r"\u{202e}"), "{shown}");
        let long = serde_json::json!({"x": "y".repeat(1000)});
        let shown = note(&Note::Sampled(long));
        assert!(shown.len() < 600 && shown.contains('…'), "{shown}");
    }
}
