//! The code generator behind `tray_connect::connector!` and `tray-connect generate`:
//! operations document → [`model`] → Rust source. The model decides every type and name
//! ([`naming`] picks each free one); `docs` turns its notes into rustdoc text and `emit` writes
//! the items as source text, which the macro hands rustc in one piece.
//!
//! ```
//! let document = r#"{"elements": [{"name": "ping", "inputSchema": {"type": "object",
//!     "properties": {"message": {"type": "string"}}, "required": ["message"]}}]}"#;
//! let expansion = tray_connect_codegen::expand(&tray_connect_codegen::Request {
//!     connector: "echo",
//!     version: "1.0",
//!     document,
//!     operations: None,
//!     serde: tray_connect_codegen::Serde::Both,
//! })
//! .unwrap();
//! assert!(expansion.source.contains("pub struct Ping"));
//! ```

// `src!` walks each template token by token, one macro step per token.
#![recursion_limit = "1024"]

pub mod budget;
mod docs;
pub mod document;
mod emit;
pub mod locate;
pub mod model;
pub mod naming;
pub mod pointer;
pub mod suggest;
pub mod surface;
pub mod untrusted;

use proc_macro2::TokenStream;
use std::fmt;

pub use document::{DocumentError, DocumentKind, HeaderError, OperationsDocument};

/// What to expand.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// The connector name given to the macro.
    pub connector: &'a str,
    /// The connector version given to the macro.
    pub version: &'a str,
    /// The document's JSON text.
    pub document: &'a str,
    /// Only these operations (and the types they reach); all when `None`.
    pub operations: Option<&'a [String]>,
    /// Which serde directions the generated types implement.
    pub serde: Serde,
}

/// Which serde directions generated types implement: `connector!(.., serde = "one-way")`
/// chooses [`Serde::OneWay`], per invocation (never through a cargo feature, which cargo would
/// unify across a build: a test's dev-dependency would then change what the library compiles
/// against).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Serde {
    /// Inputs and outputs both `Serialize` and `Deserialize`: an input read back from a job
    /// queue, an output written to a cache or a log, typed test doubles. The default.
    #[default]
    Both,
    /// Only what `Client::call` uses: inputs `Serialize`, outputs (and events) `Deserialize`.
    /// Less for rustc to check in a crate with a big connector.
    OneWay,
}

/// The generated code and what it had to leave untyped.
#[derive(Debug, Clone)]
pub struct Expansion {
    /// The items as Rust source text, ready to be spliced into a module: tokens separated by
    /// spaces, for rustc to lex in one piece (see [`Expansion::tokens`]).
    pub source: String,
    /// `"<json pointer>: <reason>"` for every node typed as `serde_json::Value`.
    pub value_fallbacks: Vec<String>,
    /// Where in `source` each group of items ends (the constants, then each type with its
    /// impls): the places [`parts`](Expansion::parts) may cut at. Ascending, the last
    /// `source.len()`.
    item_ends: Vec<usize>,
}

impl Expansion {
    /// The items as tokens (inside a proc macro, lexed by the compiler).
    ///
    /// Fails only on a bug in the generator.
    pub fn tokens(&self) -> Result<TokenStream, proc_macro2::LexError> {
        self.source.parse()
    }

    /// `source` cut at item boundaries into consecutive parts of at most `max_bytes`, as few
    /// as can be (each part takes every following group of items that still fits), for the
    /// macro to expand in several pieces: an IDE refuses a single expansion over its token
    /// limit (rust-analyzer's is 2,097,152 tokens; see [`budget::PART_BYTES`]). A group of
    /// items (a type with its impls) longer than `max_bytes` is a part of its own. Joined in
    /// order, the parts are `source`; the cuts depend only on the expansion and `max_bytes`,
    /// so the macro call that expands part `i` gets the part its parent call counted.
    ///
    /// ```
    /// let document = tray_connect_codegen::document::parse(
    ///     r#"{"elements": [{"name": "a"}, {"name": "b"}, {"name": "c"}]}"#,
    /// ).unwrap();
    /// let expansion = tray_connect_codegen::expand_document(
    ///     "c", "1.0", &document, None, Default::default(),
    /// ).unwrap();
    /// assert_eq!(expansion.parts(usize::MAX), [expansion.source.as_str()]);
    /// let parts = expansion.parts(1_000);
    /// assert!(parts.len() > 1);
    /// assert_eq!(parts.concat(), expansion.source);
    /// assert!(parts.iter().all(|part| part.parse::<proc_macro2::TokenStream>().is_ok()));
    /// ```
    pub fn parts(&self, max_bytes: usize) -> Vec<&str> {
        let mut parts = Vec::new();
        let (mut start, mut end) = (0, 0);
        for &group_end in &self.item_ends {
            if group_end - start > max_bytes && end > start {
                parts.push(&self.source[start..end]);
                start = end;
            }
            end = group_end;
        }
        parts.push(&self.source[start..]);
        parts
    }
}

/// Which argument of the macro an error belongs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blame {
    /// The connector name literal.
    Name,
    /// The version literal.
    Version,
    /// The path literal (the document itself is at fault).
    Path,
    /// The n-th string of `operations = [..]`.
    Operation(usize),
}

/// Why a document cannot be expanded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The document is not a readable operations document.
    Document(DocumentError),
    /// The document's header names another connector or version than the macro.
    HeaderMismatch {
        /// Which header: `connector` or `trigger`.
        kind: DocumentKind,
        /// `name` or `version`.
        field: &'static str,
        /// What the macro says.
        expected: String,
        /// What the document's header says.
        found: String,
    },
    /// The document expands beyond its budget (see [`budget`]).
    Budget(budget::Exceeded),
    /// A trigger document given to `connector!`, or a connector document to `trigger!`.
    WrongMacro {
        /// What the document's header says it describes.
        document: DocumentKind,
    },
    /// `operations = [..]` names an operation the document lacks.
    UnknownOperation {
        /// Position in the list.
        index: usize,
        /// The name given.
        name: String,
        /// The closest names in the document.
        suggestions: Vec<String>,
    },
}

impl Error {
    /// Which macro argument the error should point at.
    pub fn blame(&self) -> Blame {
        match self {
            Error::Document(_) | Error::Budget(_) | Error::WrongMacro { .. } => Blame::Path,
            Error::HeaderMismatch { field: "name", .. } => Blame::Name,
            Error::HeaderMismatch { .. } => Blame::Version,
            Error::UnknownOperation { index, .. } => Blame::Operation(*index),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Document(e) => e.fmt(f),
            Error::Budget(e) => e.fmt(f),
            Error::HeaderMismatch {
                kind,
                field,
                expected,
                found,
            } => write!(
                f,
                "the document's header says {} {field} `{found}`, not `{expected}` \
                 (at /{}/{field}); re-vendor the document or fix the macro argument",
                kind.noun(),
                kind.header_key()
            ),
            Error::WrongMacro { document } => {
                let (other, this) = match document {
                    DocumentKind::Trigger => (DocumentKind::Trigger, DocumentKind::Connector),
                    DocumentKind::Connector => (DocumentKind::Connector, DocumentKind::Trigger),
                };
                write!(
                    f,
                    "this is a {} document (its header is `\"{}\"`): expand it with \
                     `tray_connect::{}`, not `{}`",
                    other.noun(),
                    other.header_key(),
                    other.macro_name(),
                    this.macro_name()
                )
            }
            Error::UnknownOperation {
                name, suggestions, ..
            } => {
                write!(f, "the document has no operation `{name}`")?;
                match suggestions.as_slice() {
                    [] => Ok(()),
                    [one] => write!(f, "; did you mean `{one}`?"),
                    many => {
                        let list: Vec<String> = many.iter().map(|s| format!("`{s}`")).collect();
                        write!(f, "; did you mean one of {}?", list.join(", "))
                    }
                }
            }
        }
    }
}

impl std::error::Error for Error {}

impl From<DocumentError> for Error {
    fn from(e: DocumentError) -> Self {
        Error::Document(e)
    }
}

/// Expands a document into items.
pub fn expand(request: &Request<'_>) -> Result<Expansion, Error> {
    let document = document::parse(request.document)?;
    expand_document(
        request.connector,
        request.version,
        &document,
        request.operations,
        request.serde,
    )
}

/// Expands an already parsed connector document (the macro caches parsed documents).
pub fn expand_document(
    connector: &str,
    version: &str,
    document: &OperationsDocument,
    operations: Option<&[String]>,
    serde: Serde,
) -> Result<Expansion, Error> {
    expand_kind(
        DocumentKind::Connector,
        connector,
        version,
        document,
        operations,
        serde,
    )
}

/// Expands an already parsed trigger document: what `trigger!` defines.
pub fn expand_trigger_document(
    trigger: &str,
    version: &str,
    document: &OperationsDocument,
    operations: Option<&[String]>,
    serde: Serde,
) -> Result<Expansion, Error> {
    expand_kind(
        DocumentKind::Trigger,
        trigger,
        version,
        document,
        operations,
        serde,
    )
}

/// Expands a document of either kind, as its header says (`tray-connect generate`).
pub fn expand_as_written(
    name: &str,
    version: &str,
    document: &OperationsDocument,
    operations: Option<&[String]>,
    serde: Serde,
) -> Result<Expansion, Error> {
    expand_kind(document.kind, name, version, document, operations, serde)
}

fn expand_kind(
    kind: DocumentKind,
    connector: &str,
    version: &str,
    document: &OperationsDocument,
    operations: Option<&[String]>,
    serde: Serde,
) -> Result<Expansion, Error> {
    let model = model_of(kind, connector, version, document, operations)?;
    let max_bytes = budget::SOURCE_BYTES_PER_DOCUMENT_BYTE
        .saturating_mul(document.size)
        .saturating_add(budget::SOURCE_BYTES_BASE);
    let (source, item_ends) = emit::model(&model, serde, max_bytes).map_err(Error::Budget)?;
    Ok(Expansion {
        source: source.into_string(),
        value_fallbacks: model.value_fallbacks.iter().map(docs::fallback).collect(),
        item_ends,
    })
}

/// The surface of what `connector!` (`kind` [`DocumentKind::Connector`]) or `trigger!`
/// ([`DocumentKind::Trigger`]) would define for `document` as `name` at `version`, with only
/// `operations` expanded when given: every Rust item code can name, per operation (see
/// [`surface::Surface`]). Compare two with [`surface::diff`].
///
/// ```
/// let document = r#"{"elements": [{"name": "send_sms", "inputSchema": {"type": "object",
///     "properties": {"to": {"type": "string"}}, "required": ["to"]}}]}"#;
/// let document = tray_connect_codegen::document::parse(document).unwrap();
/// let kind = tray_connect_codegen::DocumentKind::Connector;
/// let surface = tray_connect_codegen::surface(&document, kind, "twilio", "2.1", None).unwrap();
/// let to = &surface.operations[0].items["SendSms.to"];
/// assert_eq!((to.ty.as_str(), to.required), ("String", true));
/// assert!(surface.operations[0].items.contains_key("SendSms::builder().to"));
/// ```
///
/// # Errors
///
/// As [`expand`]: a header of the other kind or naming another connector or version, an
/// unknown operation, a document over its budget.
pub fn surface(
    document: &OperationsDocument,
    kind: DocumentKind,
    name: &str,
    version: &str,
    operations: Option<&[String]>,
) -> Result<surface::Surface, Error> {
    let model = model_of(kind, name, version, document, operations)?;
    let mut names = vec![String::new(); document.operations.len()];
    for op in &document.operations {
        if let Some(name) = names.get_mut(op.index) {
            name.clone_from(&op.name);
        }
    }
    Ok(surface::of_model(&model, &names))
}

/// The model of the selected operations of `document`, read as `kind` named `connector` at
/// `version`.
fn model_of(
    kind: DocumentKind,
    connector: &str,
    version: &str,
    document: &OperationsDocument,
    operations: Option<&[String]>,
) -> Result<model::Model, Error> {
    // A headerless document is whatever the macro reading it says.
    if document.header.is_some() && document.kind != kind {
        return Err(Error::WrongMacro {
            document: document.kind,
        });
    }
    // The literals name the connector; a header, if any, must agree with them.
    if let Err(HeaderError::Mismatch {
        kind,
        field,
        expected,
        found,
    }) = document.connector(Some((connector, version)))
    {
        return Err(Error::HeaderMismatch {
            kind,
            field,
            expected,
            found,
        });
    }
    let selected = select(document, operations)?;
    model::build(kind, connector, version, document, &selected).map_err(Error::Budget)
}

/// Indices of the selected operations, in document order.
fn select(document: &OperationsDocument, names: Option<&[String]>) -> Result<Vec<usize>, Error> {
    let Some(names) = names else {
        return Ok((0..document.operations.len()).collect());
    };
    for (index, name) in names.iter().enumerate() {
        if !document.operations.iter().any(|op| &op.name == name) {
            return Err(Error::UnknownOperation {
                index,
                name: name.clone(),
                suggestions: suggest::closest(
                    name,
                    document.operations.iter().map(|op| op.name.as_str()),
                ),
            });
        }
    }
    Ok(document
        .operations
        .iter()
        .enumerate()
        .filter(|(_, op)| names.contains(&op.name))
        .map(|(i, _)| i)
        .collect())
}

/// The file `tray-connect generate` writes: a header comment naming where the code came from,
/// then every item pretty-printed with `#[allow(dead_code)]` (a user of three operations
/// should not get warnings about the rest). `name`, `version` and `from` (the document's file
/// name) are untrusted text: they reach the comment through [`untrusted::visible`], so no
/// line break or control character of theirs can end it.
#[cfg(feature = "pretty")]
pub fn generated_file(
    source: &str,
    name: &str,
    version: &str,
    from: &str,
) -> Result<String, syn::Error> {
    let printed = pretty_with(source, |file| {
        let allow: syn::Attribute = syn::parse_quote!(#[allow(dead_code)]);
        for item in &mut file.items {
            if let Some(attrs) = item_attributes(item) {
                attrs.push(allow.clone());
            }
        }
    })?;
    Ok(format!(
        "// Generated by `tray-connect generate` from {} ({} {}).\n\
         // Do not edit: regenerate instead, or use `tray_connect::connector!`.\n\n{printed}",
        untrusted::visible(from),
        untrusted::visible(name),
        untrusted::visible(version),
    ))
}

/// The attributes of an item, for the kinds codegen emits (and the rest that have any).
#[cfg(feature = "pretty")]
fn item_attributes(item: &mut syn::Item) -> Option<&mut Vec<syn::Attribute>> {
    use syn::Item;
    Some(match item {
        Item::Const(i) => &mut i.attrs,
        Item::Enum(i) => &mut i.attrs,
        Item::ExternCrate(i) => &mut i.attrs,
        Item::Fn(i) => &mut i.attrs,
        Item::ForeignMod(i) => &mut i.attrs,
        Item::Impl(i) => &mut i.attrs,
        Item::Macro(i) => &mut i.attrs,
        Item::Mod(i) => &mut i.attrs,
        Item::Static(i) => &mut i.attrs,
        Item::Struct(i) => &mut i.attrs,
        Item::Trait(i) => &mut i.attrs,
        Item::TraitAlias(i) => &mut i.attrs,
        Item::Type(i) => &mut i.attrs,
        Item::Union(i) => &mut i.attrs,
        Item::Use(i) => &mut i.attrs,
        _ => return None,
    })
}

/// Pretty-prints generated items as a Rust file.
///
/// Runs on a thread with a large stack: syn and prettyplease recurse once per level of type
/// nesting.
#[cfg(feature = "pretty")]
pub fn pretty(source: &str) -> Result<String, syn::Error> {
    pretty_with(source, |_| {})
}

/// [`pretty`], with `edit` applied to the parsed file before it is printed (on the same
/// large-stack thread): what `tray-connect generate` uses to mark every item
/// `#[allow(dead_code)]`.
#[cfg(feature = "pretty")]
pub fn pretty_with(
    source: &str,
    edit: impl FnOnce(&mut syn::File) + Send + 'static,
) -> Result<String, syn::Error> {
    let text = source.to_owned();
    let printed = std::thread::Builder::new()
        .name("tray-connect-pretty".to_owned())
        .stack_size(256 << 20)
        .spawn(move || {
            let mut file: syn::File = syn::parse_str(&text)?;
            edit(&mut file);
            Ok::<_, syn::Error>(prettyplease::unparse(&file))
        })
        .map_err(|e| syn::Error::new(proc_macro2::Span::call_site(), e))?
        .join();
    match printed {
        Ok(result) => result,
        Err(panic) => std::panic::resume_unwind(panic),
    }
}
