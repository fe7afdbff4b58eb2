//! How much code a document may expand to. A document is untrusted input, and a few kilobytes
//! could otherwise ask for gigabytes of source (the red team's round 2 measured 3.8 KB → 37.8
//! MB). What a document can no longer blow up is kept linear (shared `allOf` types, bounded
//! type names, numbering that resumes); what is left is bounded here, in proportion to the
//! document, and exceeding it is an error naming the schema node where it happened, never a
//! hang.
//!
//! The figures leave every real document far inside: the 300-operation synthetic document
//! (3 MB) expands to 11 bytes of source per byte of document and uses 1 % of its model budget;
//! Tray's GitHub document 4 bytes per byte; no real document has more than 20 required inputs
//! in one object.

use std::fmt;

/// Model nodes (generated types plus fields) a document may make: this many plus one per byte
/// of document. A property costs at least 7 bytes of JSON (`"a":{},`), so a document that
/// only lists its nodes once stays well inside; going over means schemas are reached again
/// and again through `allOf`s that each inline new objects.
pub const MODEL_NODES_BASE: usize = 1 << 16;

/// Bytes of generated source a document may expand to: this many, plus
/// [`SOURCE_BYTES_PER_DOCUMENT_BYTE`] per byte of document.
pub const SOURCE_BYTES_BASE: usize = 4 << 20;

/// See [`SOURCE_BYTES_BASE`]; real documents use 3 to 11.
pub const SOURCE_BYTES_PER_DOCUMENT_BYTE: usize = 64;

/// Required inputs one builder tracks in its type. Each required setter names one type
/// parameter per required input, so a builder's size grows with the square of their number:
/// 500 required inputs made 7.5 MB of source and 1.3 GB of rustc memory for one 4 KB object.
pub const REQUIRED_INPUTS: usize = 64;

/// Bytes a field's or alternative's type may hold inline before it is boxed: a struct holds
/// its nested structs inline, so `$ref`s that fan out make values `2^levels` bytes wide (20
/// levels: 24 MB, a stack overflow in the user's program). Real documents stay under 2 KB.
pub const INLINE_BYTES: usize = 16 << 10;

/// Characters of a generated type name. Nested types are named after their parents
/// (`GetRowsFilter`), so names would otherwise grow with nesting times name length (20 levels
/// of 20 KB property names made 104 MB); a longer name keeps its start and its end and is
/// numbered if that collides.
pub const TYPE_NAME_LEN: usize = 64;

/// Characters of a builder's type parameter, which every required setter repeats.
pub const TYPE_PARAM_LEN: usize = 32;

/// Bytes of generated source one macro expansion holds: a bigger expansion is cut into parts
/// at item boundaries ([`Expansion::parts`](crate::Expansion::parts)), each expanded by its own
/// call of the macro. Not a limit on the document: rustc sees the same items either way, but
/// rust-analyzer refuses a single expansion of more than 2,097,152 tokens (the 300-operation
/// synthetic document made 8.7 million in one). Generated source runs 4.3 to 4.8 bytes per
/// token, so a part of 2 MiB holds about 450,000 tokens, under a quarter of that limit.
pub const PART_BYTES: usize = 2 << 20;

/// A document asked for more than its budget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exceeded {
    /// The schema node where the budget ran out, as a JSON pointer into the document.
    pub pointer: String,
    /// What ran out, with the figures.
    pub what: String,
}

impl fmt::Display for Exceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.pointer.is_empty() {
            "/"
        } else {
            &self.pointer
        };
        write!(
            f,
            "the document expands beyond tray-connect's budget at {at}: {}; expand fewer \
             operations (`operations = [..]`), or report the document if a real connector \
             needs more",
            self.what
        )
    }
}

/// `name` cut to [`TYPE_NAME_LEN`] (or `max`) characters, keeping its start and its end.
/// Generated names are ASCII.
pub fn bounded_name(name: &str, max: usize) -> std::borrow::Cow<'_, str> {
    if name.len() <= max || !name.is_ascii() {
        return name.into();
    }
    // Cut at word starts (`SendSms|Filter`), where the names still read.
    let word_start = |i: &usize| name.as_bytes()[*i].is_ascii_uppercase();
    let tail_len = max / 3;
    let head_end = (1..=max - tail_len)
        .rev()
        .find(word_start)
        .unwrap_or(max - tail_len);
    let tail_start = (name.len() - tail_len..name.len())
        .find(word_start)
        .unwrap_or(name.len() - tail_len);
    let (head, tail) = (&name[..head_end], &name[tail_start..]);
    format!(
        "{}{}",
        head.trim_end_matches('_'),
        tail.trim_start_matches('_')
    )
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_keep_their_start_and_end() {
        assert_eq!(
            bounded_name("SendSmsFilter", TYPE_NAME_LEN),
            "SendSmsFilter"
        );
        let long = format!("GetRows{}Item", "Abc".repeat(100));
        let cut = bounded_name(&long, TYPE_NAME_LEN);
        assert!(cut.len() <= TYPE_NAME_LEN, "{cut}");
        assert!(
            cut.starts_with("GetRowsAbc") && cut.ends_with("AbcItem"),
            "{cut}"
        );
        assert!(
            !cut.contains("bcA") || cut.matches("Abc").count() > 10,
            "{cut}"
        );
    }
}
