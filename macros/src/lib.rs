//! The `connector!` procedural macro. Use it through the `tray-connect` crate, whose
//! `__private` module the expansion names.
//!
//! This crate stays thin: it parses the arguments, finds and reads the document, calls
//! `tray-connect-codegen`, adds the rebuild-tracking item, cuts a big expansion into parts that
//! calls of itself expand (so that no expansion is too big for an IDE), and turns every error
//! (and any panic in the generator) into a `compile_error!` on the literal that caused it.

mod args;
mod cache;
mod resolve;

use args::Args;
use proc_macro::TokenStream;
use proc_macro2::Literal;
use quote::quote;
use std::panic::{AssertUnwindSafe, catch_unwind};
use tray_connect_codegen::{Blame, DocumentKind, Serde};

/// Expands a vendored operations document into typed inputs, builders and outputs.
///
/// See the `tray-connect` crate's documentation.
#[proc_macro]
pub fn connector(input: TokenStream) -> TokenStream {
    expand_macro(DocumentKind::Connector, input)
}

/// Expands a vendored trigger operations document into typed subscription inputs, builders
/// and events.
///
/// See the `tray-connect` crate's documentation.
#[proc_macro]
pub fn trigger(input: TokenStream) -> TokenStream {
    expand_macro(DocumentKind::Trigger, input)
}

fn expand_macro(kind: DocumentKind, input: TokenStream) -> TokenStream {
    let args = match syn::parse::<Args>(input) {
        Ok(args) => args,
        Err(e) => return e.to_compile_error().into(),
    };
    match catch_unwind(AssertUnwindSafe(|| expand(kind, &args))) {
        Ok(Ok(tokens)) => tokens,
        Ok(Err(e)) => e.to_compile_error().into(),
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_owned());
            let message = format!(
                "tray-connect's code generator panicked on this document: {what}. \
                 This is a bug in tray-connect; please report it with the document attached"
            );
            syn::Error::new(args.path.span(), message)
                .to_compile_error()
                .into()
        }
    }
}

fn expand(kind: DocumentKind, args: &Args) -> Result<TokenStream, syn::Error> {
    if args.test_panic {
        panic!("panic requested by `__test_panic`");
    }
    let found = resolve::document_path(&args.path)?;
    let shown = found.describe();
    let document = cache::load(&found.path).map_err(|e| {
        let message = match e {
            cache::LoadError::Read(e) => format!("cannot read {shown}: {e}"),
            cache::LoadError::Document(e) => format!("{shown}: {e}"),
        };
        syn::Error::new(args.path.span(), message)
    })?;
    let operations: Option<Vec<String>> = args
        .operations
        .as_ref()
        .map(|list| list.iter().map(syn::LitStr::value).collect());
    let generate = match kind {
        DocumentKind::Connector => tray_connect_codegen::expand_document,
        DocumentKind::Trigger => tray_connect_codegen::expand_trigger_document,
    };
    let name = args.name.value();
    let version = args.version.value();
    let part_bytes = args
        .part_bytes
        .unwrap_or(tray_connect_codegen::budget::PART_BYTES);
    let arguments = format!(
        "{kind:?} {name:?} {version:?} {operations:?} {:?}",
        args.serde
    );
    let expansion = cache::expansion(
        &document,
        arguments,
        || {
            generate(
                &name,
                &version,
                &document,
                operations.as_deref(),
                args.serde,
            )
        },
        |expansion| expansion.source.len() > part_bytes,
    )
    .map_err(|e| {
        let span = match e.blame() {
            Blame::Name => args.name.span(),
            Blame::Version => args.version.span(),
            Blame::Path => args.path.span(),
            Blame::Operation(i) => args
                .operations
                .as_ref()
                .and_then(|list| list.get(i))
                .map_or(args.path.span(), syn::LitStr::span),
        };
        let message = match e.blame() {
            Blame::Path => format!("{shown}: {e}"),
            _ => e.to_string(),
        };
        syn::Error::new(span, message)
    })?;
    // A call the macro wrote to expand one part of a big document (below).
    if let Some((index, max_bytes)) = args.part {
        let parts = expansion.parts(max_bytes);
        return lex(parts.get(index).copied().unwrap_or_default(), args);
    }
    // A big expansion is cut into parts, each expanded by a call of this macro the expansion
    // holds: rustc sees the same items in the same module, and an IDE whose limit is per
    // expansion (rust-analyzer's: 2,097,152 tokens) sees them all.
    let parts = expansion.parts(part_bytes);
    let mut tokens = lex(parts.first().copied().unwrap_or_default(), args)?;
    let macro_name = match kind {
        DocumentKind::Connector => quote!(connector),
        DocumentKind::Trigger => quote!(trigger),
    };
    let (name, version, document_path) = (&args.name, &args.version, &args.path);
    let selected = args
        .operations
        .as_ref()
        .map(|list| quote!(operations = [#(#list),*],));
    let serde = (args.serde == Serde::OneWay).then(|| quote!(serde = "one-way",));
    let max_bytes = Literal::usize_unsuffixed(part_bytes);
    for index in 1..parts.len() {
        let index = Literal::usize_unsuffixed(index);
        tokens.extend(TokenStream::from(quote! {
            ::tray_connect::#macro_name! {
                #name, #version, #document_path, #selected #serde __part = (#index, #max_bytes)
            }
        }));
    }
    let path = found.path.to_string_lossy();
    tokens.extend(TokenStream::from(quote! {
        // Makes cargo rebuild when the document changes.
        const _: &[u8] = ::core::include_bytes!(#path);
    }));
    Ok(tokens)
}

/// Generated source text as tokens. The generated items are text, lexed by rustc in one call:
/// building them as tokens here would send each one across the compiler bridge, in code cargo's
/// dev profile leaves unoptimised (BENCHMARKS.md, the edit loop).
fn lex(source: &str, args: &Args) -> Result<TokenStream, syn::Error> {
    source.parse().map_err(|e| {
        syn::Error::new(
            args.path.span(),
            format!(
                "tray-connect's code generator wrote code that does not lex ({e}). \
                 This is a bug in tray-connect; please report it with the document attached"
            ),
        )
    })
}
