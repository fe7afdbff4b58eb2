//! Text made fit for a message: on one line, and cut to an excerpt.

/// Replaces line breaks and other control characters with spaces, so a message stays on one line.
pub(crate) fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last_space = false;
    for c in text.chars() {
        if c.is_control() || c.is_whitespace() {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
        } else {
            out.push(c);
            last_space = false;
        }
    }
    out.trim().to_owned()
}

/// `text` on one line (as [`one_line`] puts it), cut to at most `max` characters (an ellipsis
/// marks a cut). Reads only as much of `text` as the excerpt needs, so quoting a 10 MB message
/// costs no more than quoting a short one.
pub(crate) fn excerpt(text: &str, max: usize) -> String {
    let mut out = String::new();
    let mut count = 0usize;
    let mut space_pending = false;
    for c in text.chars() {
        if c.is_control() || c.is_whitespace() {
            space_pending = count > 0;
            continue;
        }
        for c in space_pending.then_some(' ').into_iter().chain([c]) {
            if count == max {
                // One character too many: the last one kept makes room for the ellipsis.
                if out.pop().is_some() {
                    out.push('…');
                }
                return out;
            }
            out.push(c);
            count += 1;
        }
        space_pending = false;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::excerpt;

    #[test]
    fn excerpt_keeps_short_text_and_marks_a_cut() {
        assert_eq!(excerpt("", 10), "");
        assert_eq!(excerpt("  \n ", 10), "");
        assert_eq!(excerpt("exactly10!", 10), "exactly10!");
        assert_eq!(excerpt("eleven chrs", 10), "eleven ch…");
        assert_eq!(excerpt("a   b\t\tc  ", 10), "a b c");
        assert_eq!(excerpt("abc", 0), "");
    }

    #[test]
    fn excerpt_cuts_on_char_boundaries() {
        let text = "é".repeat(300);
        let cut = excerpt(&text, 200);
        assert_eq!(cut.chars().count(), 200);
        assert_eq!(excerpt("a\r\n  b", 200), "a b");
    }
}
