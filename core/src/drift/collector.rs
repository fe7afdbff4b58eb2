//! The collector the runtime types report to: a thread-local flag while a client decodes, and
//! the places found while an answer that raised it is decoded again.

use std::cell::{Cell, RefCell};

use super::DriftKind;

/// What the current thread's decode collects: nothing (no client decoding), a flag, or where.
enum Mode {
    Off,
    Flag,
    Locate,
}

thread_local! {
    static MODE: Cell<u8> = const { Cell::new(OFF) };
    static DRIFTED: Cell<bool> = const { Cell::new(false) };
    static LOCATOR: RefCell<Locator> = const { RefCell::new(Locator { path: Vec::new(), found: Vec::new() }) };
}

const OFF: u8 = 0;
const FLAG: u8 = 1;
const LOCATE: u8 = 2;

fn mode() -> Mode {
    match MODE.with(Cell::get) {
        FLAG => Mode::Flag,
        LOCATE => Mode::Locate,
        _ => Mode::Off,
    }
}

/// Restores the thread's previous mode when a decode ends (or unwinds).
struct Restore(u8);

impl Drop for Restore {
    fn drop(&mut self) {
        MODE.with(|m| m.set(self.0));
    }
}

/// Runs `decode` with the flag armed; returns its result and whether anything drifted.
pub(super) fn watch<R>(decode: impl FnOnce() -> R) -> (R, bool) {
    let previous = MODE.with(|m| m.replace(FLAG));
    let _restore = Restore(previous);
    let was = DRIFTED.with(|d| d.replace(false));
    let result = decode();
    let drifted = DRIFTED.with(|d| d.replace(was));
    (result, drifted)
}

/// A segment of the path being decoded.
pub(super) enum Segment {
    Key(String),
    Index(usize),
}

struct Locator {
    path: Vec<Segment>,
    found: Vec<Found>,
}

/// One place found in an answer.
pub(super) struct Found {
    pub(super) pointer: String,
    /// The pointer with array indices as `*`: what makes a place the same one.
    pub(super) pattern: String,
    pub(super) kind: DriftKind,
}

/// At most this many places are noted from one answer (an answer of thousands of unlisted
/// members says what it has to say with the first ones).
const MAX_FOUND: usize = 64;

impl Locator {
    fn note(&mut self, kind: DriftKind, member: Option<&str>) {
        if self.found.len() >= MAX_FOUND {
            return;
        }
        let mut pointer = String::new();
        let mut pattern = String::new();
        let mut push = |segment: &str, index: bool| {
            pointer.push('/');
            pattern.push('/');
            escape_into(&mut pointer, segment);
            if index {
                pattern.push('*');
            } else {
                escape_into(&mut pattern, segment);
            }
        };
        for segment in &self.path {
            match segment {
                Segment::Key(key) => push(key, false),
                Segment::Index(i) => push(&i.to_string(), true),
            }
        }
        if let Some(member) = member {
            push(member, false);
        }
        if self
            .found
            .iter()
            .any(|f| f.pattern == pattern && f.kind == kind)
        {
            return;
        }
        self.found.push(Found {
            pointer,
            pattern,
            kind,
        });
    }
}

/// RFC 6901: `~` as `~0`, `/` as `~1`.
fn escape_into(out: &mut String, segment: &str) {
    for c in segment.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
}

/// Called by the runtime types when a decode keeps something unpromised: `member` is the name
/// of an unlisted member (whose value is not being decoded yet), `None` for the value being
/// decoded.
pub(crate) fn report(kind: DriftKind, member: Option<&str>) {
    match mode() {
        Mode::Off => {}
        Mode::Flag => DRIFTED.with(|d| d.set(true)),
        Mode::Locate => LOCATOR.with(|l| {
            if let Ok(mut locator) = l.try_borrow_mut() {
                locator.note(kind, member);
            }
        }),
    }
}

/// Runs `decode` (a decode that pushes and pops the path it is at) collecting places, and
/// returns the places that drifted.
pub(super) fn locating(decode: impl FnOnce()) -> Vec<Found> {
    let previous = MODE.with(|m| m.replace(LOCATE));
    let _restore = Restore(previous);
    let saved = LOCATOR.with(|l| {
        l.try_borrow_mut()
            .map(|mut l| {
                std::mem::replace(
                    &mut *l,
                    Locator {
                        path: Vec::new(),
                        found: Vec::new(),
                    },
                )
            })
            .ok()
    });
    decode();
    LOCATOR.with(|l| {
        let Ok(mut locator) = l.try_borrow_mut() else {
            return Vec::new();
        };
        let found = std::mem::take(&mut locator.found);
        if let Some(saved) = saved {
            *locator = saved;
        } else {
            locator.path.clear();
        }
        found
    })
}

pub(super) fn push_segment(segment: Segment) {
    LOCATOR.with(|l| {
        if let Ok(mut l) = l.try_borrow_mut() {
            l.path.push(segment);
        }
    });
}

pub(super) fn pop_segment() {
    LOCATOR.with(|l| {
        if let Ok(mut l) = l.try_borrow_mut() {
            l.path.pop();
        }
    });
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::drift::fixtures::Out;
    use crate::drift::tracked::locate;

    #[test]
    fn places_are_located_by_pointer_once_per_pattern() {
        let output = json!({"items": [{"n": "1"}, {"n": "2"}, {"n": 3}], "flag": "false"});
        let found = locate::<Out>(&output);
        let found: Vec<_> = found
            .iter()
            .map(|f| (f.pointer.as_str(), f.pattern.as_str(), f.kind))
            .collect();
        assert_eq!(
            found,
            [
                ("/items/0/n", "/items/*/n", DriftKind::TypeMismatch),
                ("/flag", "/flag", DriftKind::TypeMismatch),
            ]
        );
    }

    #[test]
    fn pointers_escape_tilde_and_slash() {
        let mut locator = Locator {
            path: vec![Segment::Key("a/b".into()), Segment::Index(2)],
            found: Vec::new(),
        };
        locator.note(DriftKind::UnlistedMember, Some("c~d"));
        assert_eq!(locator.found[0].pointer, "/a~1b/2/c~0d");
        assert_eq!(locator.found[0].pattern, "/a~1b/*/c~0d");
    }
}
