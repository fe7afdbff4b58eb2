//! Rust source text, written token by token: what the emitter produces and what the macro hands
//! rustc in one piece.
//!
//! Why text rather than `proc_macro2` tokens: inside a proc macro every token built with
//! `quote!` crosses the compiler bridge, and every stream interpolated into another makes
//! several more round trips, all in code that cargo's dev profile builds unoptimised. That was
//! the whole difference between a crate holding `connector!` and the same crate with the
//! expansion pasted in (BENCHMARKS.md, the edit loop). Text is appended by the standard
//! library's (optimised) string code and lexed by rustc in one call, as a pasted file would be.
//!
//! [`src!`] reads like `quote!`: `#name` interpolates anything [`ToSource`], `#(#items)*` and
//! `#(#items),*` each item of an iterator, and `#(for PAT in ITER => ...)*` (or `),*`) repeats a
//! template per item. Tokens are written separated by spaces; only rustc and pretty-printers
//! read the result.

use std::fmt;

/// Rust source text: tokens separated by spaces.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Source(String);

impl Source {
    /// No tokens.
    pub fn new() -> Self {
        Source(String::new())
    }

    /// Writes source text that ends in a separator.
    pub fn push_text(&mut self, text: &str) {
        self.0.push_str(text);
    }

    /// Writes a token (or tokens) as source text.
    pub fn raw(&mut self, text: &str) {
        self.0.push_str(text);
        self.0.push(' ');
    }

    /// Writes whatever `item` writes.
    pub fn extend(&mut self, item: impl ToSource) {
        item.to_source(self);
    }

    /// The text.
    /// Bytes written so far.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.trim_end())
    }
}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "src!({self})")
    }
}

/// Something [`src!`] can interpolate: it writes itself as tokens, the way `quote`'s
/// `ToTokens` does for the same types.
pub trait ToSource {
    /// Appends this value's tokens to `out`.
    fn to_source(&self, out: &mut Source);
}

impl ToSource for Source {
    fn to_source(&self, out: &mut Source) {
        out.0.push_str(&self.0);
    }
}

impl<T: ToSource + ?Sized> ToSource for &T {
    fn to_source(&self, out: &mut Source) {
        (**self).to_source(out);
    }
}

impl<T: ToSource> ToSource for Option<T> {
    fn to_source(&self, out: &mut Source) {
        if let Some(item) = self {
            item.to_source(out);
        }
    }
}

/// An identifier (the model only hands out valid ones: never a keyword, never `r#`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ident(String);

impl Ident {
    /// The identifier `name`.
    pub fn new(name: impl Into<String>) -> Self {
        Ident(name.into())
    }
}

impl ToSource for Ident {
    fn to_source(&self, out: &mut Source) {
        out.raw(&self.0);
    }
}

impl fmt::Display for Ident {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A string is written as a string literal, escaped as `proc_macro2::Literal::string` does (so
/// pretty-printed output is unchanged from the token emitter's).
impl ToSource for str {
    fn to_source(&self, out: &mut Source) {
        let text = &mut out.0;
        if !self.contains('\0') {
            // The same escapes, written by std's own (optimised) `Debug` for `str`.
            use fmt::Write as _;
            // Writing to a `String` cannot fail.
            let _ = write!(text, "{self:?} ");
            return;
        }
        text.reserve(self.len() + 3);
        text.push('"');
        let mut chars = self.chars();
        while let Some(ch) = chars.next() {
            match ch {
                // `\0` before a digit would read as an octal escape to clippy.
                '\0' if chars
                    .as_str()
                    .starts_with(|next: char| next.is_ascii_digit()) =>
                {
                    text.push_str(r"\x00");
                }
                '\0' => text.push_str(r"\0"),
                // `escape_debug` writes `\'`, which a string does not need.
                '\'' => text.push('\''),
                _ => text.extend(ch.escape_debug()),
            }
        }
        text.push_str("\" ");
    }
}

impl ToSource for String {
    fn to_source(&self, out: &mut Source) {
        self.as_str().to_source(out);
    }
}

impl ToSource for bool {
    fn to_source(&self, out: &mut Source) {
        out.raw(if *self { "true" } else { "false" });
    }
}

/// Numbers are suffixed literals, as `quote` writes them.
macro_rules! suffixed {
    ($($ty:ident)*) => {$(
        impl ToSource for $ty {
            fn to_source(&self, out: &mut Source) {
                use fmt::Write as _;
                // Writing to a `String` cannot fail.
                let _ = write!(out.0, concat!("{}", stringify!($ty), " "), self);
            }
        }
    )*};
}
suffixed!(i64 u64 usize f64);

/// Builds a [`Source`] from a template written like `quote!`'s (see the module docs).
macro_rules! src {
    ($($template:tt)*) => {{
        #[allow(unused_mut)]
        let mut out = $crate::emit::source::Source::new();
        $crate::emit::source::src_into!(out; $($template)*);
        out
    }};
}

/// Appends a [`src!`] template to the `Source` named first.
///
/// Runs of literal tokens are written with one `push_str` each: the template is walked once,
/// groups opened and closed in line (`@close` marks where a group ends), and the text of the
/// tokens seen since the last interpolation is kept in `[..]` until the next one.
macro_rules! src_into {
    ($out:ident; $($template:tt)*) => {
        $crate::emit::source::src_into!(@ $out [] $($template)*)
    };
    (@flush $out:ident []) => {};
    (@flush $out:ident [$(($($piece:tt)*))+]) => {
        $out.push_text(concat!($($($piece)*, " ",)+));
    };
    (@ $out:ident [$($pending:tt)*]) => {
        $crate::emit::source::src_into!(@flush $out [$($pending)*]);
    };
    (@ $out:ident [$($pending:tt)*] #(for $item:pat in $items:expr => $($body:tt)*)* $($rest:tt)*) => {
        $crate::emit::source::src_into!(@flush $out [$($pending)*]);
        for $item in $items {
            $crate::emit::source::src_into!($out; $($body)*);
        }
        $crate::emit::source::src_into!(@ $out [] $($rest)*);
    };
    (@ $out:ident [$($pending:tt)*] #(for $item:pat in $items:expr => $($body:tt)*),* $($rest:tt)*) => {
        $crate::emit::source::src_into!(@flush $out [$($pending)*]);
        for (index, $item) in ::std::iter::IntoIterator::into_iter($items).enumerate() {
            if index > 0 {
                $out.raw(",");
            }
            $crate::emit::source::src_into!($out; $($body)*);
        }
        $crate::emit::source::src_into!(@ $out [] $($rest)*);
    };
    (@ $out:ident [$($pending:tt)*] #(#$items:ident)* $($rest:tt)*) => {
        $crate::emit::source::src_into!(@flush $out [$($pending)*]);
        for item in $items {
            $crate::emit::source::ToSource::to_source(&item, &mut $out);
        }
        $crate::emit::source::src_into!(@ $out [] $($rest)*);
    };
    (@ $out:ident [$($pending:tt)*] #(#$items:ident),* $($rest:tt)*) => {
        $crate::emit::source::src_into!(@flush $out [$($pending)*]);
        for (index, item) in ::std::iter::IntoIterator::into_iter($items).enumerate() {
            if index > 0 {
                $out.raw(",");
            }
            $crate::emit::source::ToSource::to_source(&item, &mut $out);
        }
        $crate::emit::source::src_into!(@ $out [] $($rest)*);
    };
    (@ $out:ident [$($pending:tt)*] #$value:ident $($rest:tt)*) => {
        $crate::emit::source::src_into!(@flush $out [$($pending)*]);
        $crate::emit::source::ToSource::to_source(&$value, &mut $out);
        $crate::emit::source::src_into!(@ $out [] $($rest)*);
    };
    (@ $out:ident [$($pending:tt)*] @close $close:literal $($rest:tt)*) => {
        $crate::emit::source::src_into!(@ $out [$($pending)* ($close)] $($rest)*)
    };
    (@ $out:ident [$($pending:tt)*] ($($inner:tt)*) $($rest:tt)*) => {
        $crate::emit::source::src_into!(@ $out [$($pending)* ("(")] $($inner)* @close ")" $($rest)*)
    };
    (@ $out:ident [$($pending:tt)*] [$($inner:tt)*] $($rest:tt)*) => {
        $crate::emit::source::src_into!(@ $out [$($pending)* ("[")] $($inner)* @close "]" $($rest)*)
    };
    (@ $out:ident [$($pending:tt)*] {$($inner:tt)*} $($rest:tt)*) => {
        $crate::emit::source::src_into!(@ $out [$($pending)* ("{")] $($inner)* @close "}" $($rest)*)
    };
    (@ $out:ident [$($pending:tt)*] $token:tt $($rest:tt)*) => {
        $crate::emit::source::src_into!(@ $out [$($pending)* (stringify!($token))] $($rest)*)
    };
}

pub(crate) use {src, src_into};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_tokens_and_interpolations() {
        let name = Ident::new("Thing");
        let fields = [Ident::new("a"), Ident::new("b")];
        let wires = ["a", "b\0"];
        let doc = "it's \"quoted\"\n";
        let out = src! {
            #[doc = #doc]
            pub struct #name<'de> { #(for f in &fields => pub #f: __tray::Option<i64>,)* }
            const N: &[&str] = &[#(#wires),*];
            const M: (i64, f64, bool) = (#(for n in [1i64] => #n),*, #(for x in [1.5] => #x)*, #(for b in [true] => #b)*);
        };
        let text = out.to_string();
        assert!(text.starts_with(r#"# [ doc = "it's \"quoted\"\n" ] pub struct Thing < 'de >"#));
        assert!(text.contains("pub a : __tray :: Option < i64 > , pub b :"));
        assert!(text.contains(r#"& [ "a" , "b\0" ] ;"#));
        assert!(text.ends_with("= ( 1i64 , 1.5f64 , true ) ;"));
        syn::parse_file(&text).expect("parses as Rust");
    }
}
