//! The values of generated string enums: what parsing one from text says when it fails.

use std::fmt;

/// A text that is none of an input enum's values, from `"Equal to".parse::<Operator>()`.
///
/// Input enums are strict (Tray refuses other values); output enums keep unknown values in
/// their `Unknown` variant instead, so they never fail to parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseEnumError {
    value: String,
    expected: &'static [&'static str],
}

impl ParseEnumError {
    /// An error for `value`, which is none of `expected` (generated code builds these).
    #[doc(hidden)]
    pub fn new(value: &str, expected: &'static [&'static str]) -> Self {
        ParseEnumError {
            value: value.to_owned(),
            expected,
        }
    }

    /// The text that was given.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The valid values, in the order the document lists them.
    pub fn expected(&self) -> &'static [&'static str] {
        self.expected
    }
}

/// Values listed in a message; the rest are counted.
const LISTED: usize = 20;
/// Characters of the given text shown in a message.
const SHOWN: usize = 80;

impl fmt::Display for ParseEnumError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown: String = self.value.chars().take(SHOWN).collect();
        let cut = if shown.len() < self.value.len() {
            "…"
        } else {
            ""
        };
        write!(f, "`{shown}{cut}` is not a valid value; expected one of ")?;
        for (i, value) in self.expected.iter().take(LISTED).enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "`{value}`")?;
        }
        if self.expected.len() > LISTED {
            write!(f, " and {} more", self.expected.len() - LISTED)?;
        }
        Ok(())
    }
}

impl std::error::Error for ParseEnumError {}

#[cfg(test)]
mod tests {
    use super::ParseEnumError;

    #[test]
    fn the_message_lists_the_valid_values() {
        let error = ParseEnumError::new("Equal to", &["equals", "not_equals"]);
        assert_eq!(
            error.to_string(),
            "`Equal to` is not a valid value; expected one of `equals`, `not_equals`"
        );
        assert_eq!(error.value(), "Equal to");
        assert_eq!(error.expected(), ["equals", "not_equals"]);
    }

    #[test]
    fn long_texts_and_long_lists_are_cut() {
        const MANY: &[&str] = &[
            "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q",
            "r", "s", "t", "u", "v",
        ];
        let error = ParseEnumError::new(&"x".repeat(1000), MANY);
        let message = error.to_string();
        assert!(
            message.starts_with(&format!("`{}…`", "x".repeat(80))),
            "{message}"
        );
        assert!(message.ends_with("`t` and 2 more"), "{message}");
        assert_eq!(error.value().len(), 1000);
    }
}
