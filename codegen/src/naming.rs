//! Rust names for schema names: ASCII snake_case fields, PascalCase types, keywords escaped
//! with a trailing `_` (never `r#`), collisions resolved deterministically.

use heck::{ToSnakeCase, ToUpperCamelCase};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Keywords of every edition (strict, reserved and 2018/2024 additions), plus the path
/// keywords that cannot be raw identifiers.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Whether `name` is a keyword of some edition (or `self`, `Self`, `super`, `crate`).
pub fn is_keyword(name: &str) -> bool {
    // No keyword is longer than 8 bytes, and most names are.
    name.len() <= 8 && KEYWORDS.contains(&name)
}

/// Replaces every character that is not ASCII alphanumeric or `_` with `_`, one `_` per run
/// (a double underscore would trip rustc's case lints).
fn ascii_only(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        let c = if c.is_ascii_alphanumeric() || c == '_' {
            c
        } else {
            '_'
        };
        if !(c == '_' && out.ends_with('_')) {
            out.push(c);
        }
    }
    out
}

/// The snake_case name of a field, setter or module: `camelCase` → `camel_case`,
/// `1st place` → `x1st_place`, `type` → `type_`, `` → `empty`.
pub fn snake(name: &str) -> String {
    // A name that already reads as snake_case keeps its exact spelling (`extra_`).
    let mut out = if is_plain_snake(name) {
        name.to_owned()
    } else {
        let name: &str = &without_apostrophes(name);
        if is_plain_snake(name) {
            name.to_owned()
        } else {
            ascii_only(&name.to_snake_case())
        }
    };
    if out.is_empty() {
        return "empty".to_owned();
    }
    if out.chars().all(|c| c == '_') {
        out.insert(0, 'x');
    } else if out.starts_with('_') {
        // A leading non-ASCII letter (`éa`): a leading `_` would make `maybe__a`, which
        // rustc's case lint refuses.
        out = out.trim_start_matches('_').to_owned();
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'x');
    }
    if is_keyword(&out) {
        out.push('_');
    }
    out
}

/// `doesn't` reads `doesnt`, not `doesn_t`: an apostrophe joins the word it sits in.
fn without_apostrophes(name: &str) -> std::borrow::Cow<'_, str> {
    const APOSTROPHES: [char; 4] = ['\'', '\u{2019}', '\u{2018}', '\u{02bc}'];
    if name.contains(APOSTROPHES) {
        name.replace(APOSTROPHES, "").into()
    } else {
        name.into()
    }
}

/// Lowercase ASCII letters, digits and single underscores, as rustc's `non_snake_case` accepts,
/// not starting with `_`.
fn is_plain_snake(name: &str) -> bool {
    // A leading `_` means "unused" in Rust; such names go through heck (`_links` → `links`).
    if name.as_bytes().first().is_none_or(|&b| b == b'_') {
        return false;
    }
    // Lowercase ASCII, digits and `_`, with no `__` before the end (one pass: this runs for
    // every property, unoptimised in the macro of a debug build).
    let mut underscores = 0;
    for &b in name.as_bytes() {
        match b {
            b'_' => underscores += 1,
            b'a'..=b'z' | b'0'..=b'9' if underscores < 2 => underscores = 0,
            _ => return false,
        }
    }
    true
}

/// The PascalCase name of a type or variant: `send sms` → `SendSms`, `2fa verify` →
/// `Op2faVerify`, `self` → `Self_`, `` → `Empty`.
pub fn pascal(name: &str) -> String {
    let name: &str = &without_apostrophes(name);
    let mut out = ascii_only(&name.to_upper_camel_case());
    if out.is_empty() {
        return "Empty".to_owned();
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) || out.chars().all(|c| c == '_') {
        out.insert_str(0, "Op");
    }
    if is_keyword(&out) {
        out.push('_');
    }
    out
}

/// The PascalCase words of a name, for joining onto a parent type name (`GetRows` +
/// `filter` → `GetRowsFilter`): ASCII only, no keyword or digit handling, since it never
/// starts a name.
pub fn pascal_part(name: &str) -> String {
    if name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        // Most property names (`html_url`): heck's words are the `_`-separated parts. This is
        // a model builder's busiest path, and runs unoptimised in the macro of a debug build.
        let mut out = String::with_capacity(name.len());
        for word in name.split('_') {
            let mut chars = word.chars();
            if let Some(first) = chars.next() {
                out.push(first.to_ascii_uppercase());
                out.push_str(chars.as_str());
            }
        }
        return out;
    }
    let name: &str = &without_apostrophes(name);
    ascii_only(&name.to_upper_camel_case())
}

/// Whether a type's original name is already snake_case (it keeps its PascalCase name in a
/// collision, so operations `send_sms` and `Send SMS` give `SendSms` and `SendSms2`).
pub fn is_snake_case(name: &str) -> bool {
    !name.is_empty() && name == name.to_snake_case()
}

/// How a name that is already taken is numbered (see [`free_name`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suffix {
    /// `Name2`, `Name3`, ...: types, variants, type parameters.
    Pascal,
    /// `name_2`, `name_3`, ...: fields, functions, modules.
    Snake,
    /// `Name_`, then `Name2`, `Name3`, ...: a variant the generator adds beside the schema's
    /// (`Unknown`, `Other`) reads as escaped before it reads as numbered.
    EscapedPascal,
    /// `name_`, then `name_2`, `name_3`, ...: the same for a field or setter the generator adds
    /// (a catch-all map, a setter that would shadow a method).
    EscapedSnake,
}

/// The one place a name not yet in use is picked: `base` if `taken` does not hold it, else the
/// first free one of its other forms (see [`Suffix`]). A base ending in `_` takes its number
/// directly (`self_2`: `self__2` would trip rustc's case lints).
pub fn free_name(base: &str, suffix: Suffix, taken: impl Fn(&str) -> bool) -> String {
    if !taken(base) {
        return base.to_owned();
    }
    if matches!(suffix, Suffix::EscapedPascal | Suffix::EscapedSnake) {
        let escaped = format!("{base}_");
        if !taken(&escaped) {
            return escaped;
        }
    }
    let sep = match suffix {
        Suffix::Snake | Suffix::EscapedSnake if !base.ends_with('_') => "_",
        _ => "",
    };
    (2..)
        .map(|n| format!("{base}{sep}{n}"))
        .find(|name| !taken(name))
        .expect("an unbounded range always yields a free name")
}

/// The names taken in one scope (an expansion's types, an object's fields, ...) and, for each
/// base that had to be numbered, the next number to try: numbering `n` twins of one base takes
/// `n` steps, not `n²/2` (a document of 16,000 names that sanitise alike must not hang the
/// build).
#[derive(Debug, Clone, Default)]
pub struct Namespace {
    taken: HashSet<String>,
    next: HashMap<String, usize>,
}

impl Namespace {
    /// An empty scope.
    pub fn new() -> Namespace {
        Namespace::default()
    }

    /// Whether `name` is taken.
    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }

    /// Takes `name` as it is; `false` if it was taken already.
    pub fn insert(&mut self, name: String) -> bool {
        self.taken.insert(name)
    }

    /// Takes and returns the first free form of `base`, as [`free_name`] picks it.
    pub fn claim(&mut self, base: &str, suffix: Suffix) -> String {
        if self.taken.insert(base.to_owned()) {
            return base.to_owned();
        }
        if matches!(suffix, Suffix::EscapedPascal | Suffix::EscapedSnake) {
            let escaped = format!("{base}_");
            if self.taken.insert(escaped.clone()) {
                return escaped;
            }
        }
        let sep = match suffix {
            Suffix::Snake | Suffix::EscapedSnake if !base.ends_with('_') => "_",
            _ => "",
        };
        // Numbers below `next` were all taken when last looked at, and names are never given
        // back, so the search resumes there.
        let first = self.next.get(base).copied().unwrap_or(2);
        let (n, name) = (first..)
            .map(|n| (n, format!("{base}{sep}{n}")))
            .find(|(_, name)| !self.taken.contains(name))
            .expect("an unbounded range always yields a free name");
        self.next.insert(base.to_owned(), n + 1);
        self.taken.insert(name.clone());
        name
    }
}

/// [`free_name`], recorded in `taken`.
pub fn claim(candidate: &str, suffix: Suffix, taken: &mut Namespace) -> String {
    taken.claim(candidate, suffix)
}

/// Gives each original a distinct name. `sanitise` maps an original to its candidate;
/// `keeps_base` says which original of a group of twins keeps the candidate as is; the others
/// are numbered by `suffix` in sorted order of their originals. `taken` holds names already in
/// use (and receives the new ones). Results are in the order of `originals`.
pub fn assign_unique(
    originals: &[&str],
    sanitise: impl Fn(&str) -> String,
    keeps_base: impl Fn(&str, &str) -> bool,
    suffix: Suffix,
    taken: &mut Namespace,
) -> Vec<String> {
    let candidates: Vec<String> = originals.iter().map(|o| sanitise(o)).collect();
    let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, c) in candidates.iter().enumerate() {
        groups.entry(c.as_str()).or_default().push(i);
    }
    let mut out = vec![String::new(); originals.len()];
    // Bases first, for every group, so that a numbered twin never takes a name that another
    // original already reads as (`A` must not become `a_2` when `a_2` itself is a property).
    let mut rest = Vec::new();
    for (candidate, mut members) in groups {
        // The base goes to the original that already reads that way, else the smallest one.
        members.sort_by(|&a, &b| {
            let ka = !keeps_base(originals[a], candidate);
            let kb = !keeps_base(originals[b], candidate);
            (ka, originals[a], a).cmp(&(kb, originals[b], b))
        });
        let mut members = members.into_iter();
        if let Some(first) = members.next() {
            if taken.insert(candidate.to_owned()) {
                out[first] = candidate.to_owned();
            } else {
                rest.push((candidate, first));
            }
        }
        rest.extend(members.map(|i| (candidate, i)));
    }
    for (candidate, i) in rest {
        out[i] = taken.claim(candidate, suffix);
    }
    out
}

/// A name for a field the generator adds beside the properties (`extra`, `additional`): the
/// base, else `{base}_`, else `{base}_2`, ... whichever no property took.
pub fn catch_all_name<'a>(base: &str, properties: impl Iterator<Item = &'a str> + Clone) -> String {
    free_name(base, Suffix::EscapedSnake, |name| {
        properties.clone().any(|p| p == name)
    })
}

/// Whether rustc's `non_camel_case_types` accepts `name`: after trimming `_`, it does not
/// start lowercase, has no `__`, and no `_` next to a letter (`Gr_E`, `Self_2` are refused).
pub fn is_camel_case(name: &str) -> bool {
    let name = name.trim_matches('_');
    let chars: Vec<char> = name.chars().collect();
    let has_case = |c: char| c.is_lowercase() || c.is_uppercase();
    !chars.first().is_some_and(|c| c.is_lowercase())
        && !name.contains("__")
        && !chars.windows(2).any(|pair| {
            (has_case(pair[0]) && pair[1] == '_') || (has_case(pair[1]) && pair[0] == '_')
        })
}

/// Names a builder's type parameter or state trait may not take: std's prelude (a parameter
/// `From` would make `build()`'s docs read `where From: From<String>`) and the state traits'
/// own parameter `T`.
const RESERVED_PARAMS: &[&str] = &[
    "T",
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "From",
    "Into",
    "String",
    "Vec",
    "Box",
    "Default",
    "Clone",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "Iterator",
    "IntoIterator",
    "Extend",
    "ToString",
    "ToOwned",
    "PartialEq",
    "Eq",
    "PartialOrd",
    "Ord",
    "AsRef",
    "AsMut",
    "Debug",
    "Unset",
    "Set",
    "IsUnset",
];

/// The type parameter (and state trait) that tracks the required input whose field is
/// `field`: its words in PascalCase with no `_` (`self_` → `SelfState`, `x1st` → `X1st`),
/// `State` added when the plain name is a keyword, a prelude name, a generated type (`types`)
/// or already a parameter of this builder (`taken`), then numbered until it is none of those.
/// `taken` receives the name; `types` is only read, so one set serves every builder.
pub fn type_param(field: &str, types: &Namespace, taken: &mut HashSet<String>) -> String {
    let mut base: String = field
        .split('_')
        .filter(|word| !word.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect();
    // Every required setter repeats every parameter: a long property name stays short here.
    base.truncate(crate::budget::TYPE_PARAM_LEN);
    if base.is_empty() {
        base = "Input".to_owned();
    } else if base.starts_with(|c: char| c.is_ascii_digit()) {
        base.insert(0, 'P');
    }
    let used = |name: &str| types.contains(name) || taken.contains(name);
    if is_keyword(&base) || RESERVED_PARAMS.contains(&base.as_str()) || used(&base) {
        base.push_str("State");
    }
    let name = free_name(&base, Suffix::Pascal, used);
    taken.insert(name.clone());
    name
}

/// Distinct snake_case field names for the properties of one object.
pub fn field_names(originals: &[&str], taken: &mut Namespace) -> Vec<String> {
    // `self` keeps `self_` before `Self` does: escaping a keyword is not renaming it.
    let keeps =
        |orig: &str, cand: &str| orig == cand || (is_keyword(orig) && cand == format!("{orig}_"));
    assign_unique(originals, snake, keeps, Suffix::Snake, taken)
}

/// Distinct PascalCase variant names for the values of one enum.
pub fn variant_names(originals: &[&str]) -> Vec<String> {
    assign_unique(
        originals,
        pascal,
        |orig, cand| orig == cand,
        Suffix::Pascal,
        &mut Namespace::new(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The one-pass check says what its definition says.
        #[test]
        fn plain_snake_is_its_definition(name in "[a-z0-9_A]{0,8}") {
            let trimmed = name.trim_matches('_');
            let defined = !name.starts_with('_')
                && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                && !trimmed.contains("__")
                && !trimmed.is_empty();
            proptest::prop_assert_eq!(is_plain_snake(&name), defined);
        }

        /// The fast path for lowercase names spells them exactly as heck does.
        #[test]
        fn pascal_part_fast_path_agrees_with_heck(name in "[a-z0-9_]{0,16}") {
            proptest::prop_assert_eq!(pascal_part(&name), ascii_only(&name.to_upper_camel_case()));
        }
    }

    #[test]
    fn snake_case_rules() {
        assert_eq!(snake("camelCase"), "camel_case");
        assert_eq!(snake("1st place"), "x1st_place");
        assert_eq!(snake("type"), "type_");
        assert_eq!(snake("gen"), "gen_");
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake(""), "empty");
        assert_eq!(snake("media-url"), "media_url");
        assert_eq!(snake("größe"), "gr_e");
        assert_eq!(snake("extra_"), "extra_");
        assert_eq!(snake("_links"), "links");
        assert_eq!(snake("日本"), "x_");
        assert_eq!(snake("éa"), "a");
        assert_eq!(snake("\u{1b}]8;;https://x code"), "x8_https_x_code");
        assert_eq!(snake("日1"), "x1");
    }

    #[test]
    fn pascal_case_rules() {
        assert_eq!(pascal("send_sms"), "SendSms");
        assert_eq!(pascal("Send SMS"), "SendSms");
        assert_eq!(pascal("2fa verify"), "Op2faVerify");
        assert_eq!(pascal("self"), "Self_");
        assert_eq!(pascal(""), "Empty");
        assert_eq!(pascal("Text doesn't contain"), "TextDoesntContain");
        assert_eq!(snake("Text doesn’t contain"), "text_doesnt_contain");
    }

    #[test]
    fn case_twins_get_numbered_in_sorted_order() {
        let mut taken = Namespace::new();
        let names = field_names(&["camelCase", "CAMEL_CASE", "camel_case"], &mut taken);
        assert_eq!(names, ["camel_case_3", "camel_case_2", "camel_case"]);
    }

    #[test]
    fn snake_case_operation_keeps_the_type_name() {
        let mut taken = Namespace::new();
        let names = assign_unique(
            &["Send SMS", "send_sms"],
            pascal,
            |orig, _| is_snake_case(orig),
            Suffix::Pascal,
            &mut taken,
        );
        assert_eq!(names, ["SendSms2", "SendSms"]);
    }

    #[test]
    fn keywords_keep_their_escape_and_twins_avoid_double_underscores() {
        let mut taken = Namespace::new();
        let names = field_names(&["Self", "self"], &mut taken);
        assert_eq!(names, ["self_2", "self_"]);
    }

    #[test]
    fn camel_case_is_judged_as_rustc_does() {
        for good in ["SendSms", "Self_", "Op2faVerify", "X", "_Hidden", "A2"] {
            assert!(is_camel_case(good), "{good}");
        }
        for bad in ["_nknown", "Gr_E", "Self_2", "Self_State", "A__B", "and"] {
            assert!(!is_camel_case(bad), "{bad}");
        }
    }

    #[test]
    fn type_params_are_camel_case_and_never_shadow_the_prelude() {
        let mut types = Namespace::new();
        types.insert("Filter".to_owned());
        types.insert("FilterState".to_owned());
        let mut taken = HashSet::new();
        let names: Vec<String> = ["self_", "from", "x1st", "filter", "a_b", "a_b", "_"]
            .iter()
            .map(|f| type_param(f, &types, &mut taken))
            .collect();
        assert_eq!(
            names,
            [
                "SelfState",
                "FromState",
                "X1st",
                "FilterState2",
                "AB",
                "ABState",
                "Input"
            ]
        );
        assert!(names.iter().all(|n| is_camel_case(n)));
    }

    #[test]
    fn free_names_follow_their_suffix_style() {
        let taken = |names: &'static [&'static str]| move |name: &str| names.contains(&name);
        assert_eq!(free_name("a", Suffix::Snake, taken(&[])), "a");
        assert_eq!(free_name("a", Suffix::Snake, taken(&["a", "a_2"])), "a_3");
        assert_eq!(
            free_name("self_", Suffix::Snake, taken(&["self_"])),
            "self_2"
        );
        assert_eq!(free_name("A", Suffix::Pascal, taken(&["A", "A2"])), "A3");
        assert_eq!(
            free_name("extra", Suffix::EscapedSnake, taken(&["extra"])),
            "extra_"
        );
        assert_eq!(
            free_name("extra", Suffix::EscapedSnake, taken(&["extra", "extra_"])),
            "extra_2"
        );
        assert_eq!(
            free_name("Other", Suffix::EscapedPascal, taken(&["Other", "Other_"])),
            "Other2"
        );
    }

    #[test]
    fn many_twins_are_numbered_in_linear_time() {
        // 16,000 names that sanitise alike took minutes when each was numbered from 2.
        let originals: Vec<String> = (0..16_000usize)
            .map(|mut i| {
                // `a` and then `i` written in punctuation, which sanitises away.
                let mut name = "a".to_owned();
                loop {
                    name.push(b"!#$%&*+-"[i % 8] as char);
                    i /= 8;
                    if i == 0 {
                        break name;
                    }
                }
            })
            .collect();
        let originals: Vec<&str> = originals.iter().map(String::as_str).collect();
        let names = field_names(&originals, &mut Namespace::new());
        let distinct: HashSet<&String> = names.iter().collect();
        assert_eq!(distinct.len(), names.len());
        assert!(
            names.iter().all(|n| n == "a" || n.starts_with("a_")),
            "{names:?}"
        );
    }

    #[test]
    fn a_namespace_resumes_numbering_where_it_stopped() {
        let mut names = Namespace::new();
        assert_eq!(names.claim("A", Suffix::Pascal), "A");
        assert_eq!(names.claim("A", Suffix::Pascal), "A2");
        names.insert("A3".to_owned());
        assert_eq!(names.claim("A", Suffix::Pascal), "A4");
        assert_eq!(names.claim("a", Suffix::EscapedSnake), "a");
        assert_eq!(names.claim("a", Suffix::EscapedSnake), "a_");
        assert_eq!(names.claim("a", Suffix::EscapedSnake), "a_2");
        assert_eq!(names.claim("self_", Suffix::Snake), "self_");
        assert_eq!(names.claim("self_", Suffix::Snake), "self_2");
    }

    #[test]
    fn suffixes_skip_names_already_taken() {
        let mut taken = Namespace::new();
        let names = field_names(&["a_2", "A", "a"], &mut taken);
        assert_eq!(names, ["a_2", "a_3", "a"]);
    }
}
