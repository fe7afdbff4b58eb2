//! Names a reader sees in rustdoc: a builder's type parameters and state traits never read as a
//! prelude item or another generated type (`where From: From<String>` would), on a document
//! whose properties are named `from`, `into`, `option`, `result`, ... (`naming-prelude.json`).

use proc_macro2::TokenStream;
use std::collections::HashSet;
use std::path::Path;
use syn::{GenericParam, Generics, Item};

/// Names std's prelude (and `tray_connect`'s typestate) gives a meaning in every module.
const PRELUDE: &[&str] = &[
    "From",
    "Into",
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "Vec",
    "String",
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
    "T",
];

fn expand(fixture: &str) -> TokenStream {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(fixture);
    let document = std::fs::read_to_string(&path).expect("fixture is readable");
    let expansion = tray_connect_codegen::expand(&tray_connect_codegen::Request {
        connector: "naming-prelude",
        version: "1.0",
        document: &document,
        operations: None,
        serde: tray_connect_codegen::Serde::Both,
    })
    .expect("the fixture expands");
    expansion.tokens().expect("the expansion lexes")
}

fn type_params(generics: &Generics, out: &mut Vec<String>) {
    for param in &generics.params {
        if let GenericParam::Type(param) = param {
            out.push(param.ident.to_string());
        }
    }
}

#[test]
fn type_parameters_and_state_traits_shadow_no_prelude_or_generated_name() {
    let file: syn::File =
        syn::parse2(expand("naming-prelude.json")).expect("generated code parses");
    let mut types = HashSet::new();
    // Builders' type parameters, and the state traits named after them.
    let mut params = Vec::new();
    let mut traits = Vec::new();
    for item in &file.items {
        match item {
            Item::Struct(item) => {
                types.insert(item.ident.to_string());
                type_params(&item.generics, &mut params);
            }
            Item::Enum(item) => {
                types.insert(item.ident.to_string());
            }
            Item::Type(item) => {
                types.insert(item.ident.to_string());
            }
            Item::Impl(item) => type_params(&item.generics, &mut params),
            Item::Mod(module) => {
                for item in module.content.iter().flat_map(|(_, items)| items) {
                    if let Item::Trait(item) = item {
                        traits.push(item.ident.to_string());
                    }
                }
            }
            _ => {}
        }
    }
    // The fixture's properties do ask for these names.
    for name in [
        "FromState",
        "IntoState",
        "OptionState",
        "ResultState",
        "SendBuilderState",
    ] {
        assert!(params.iter().any(|p| p == name), "{name} in {params:?}");
        assert!(traits.iter().any(|t| t == name), "{name} in {traits:?}");
    }
    for name in params.iter().chain(&traits) {
        assert!(
            !PRELUDE.contains(&name.as_str()),
            "`{name}` shadows a prelude name"
        );
        assert!(!types.contains(name), "`{name}` shadows a generated type");
    }
}

#[test]
fn build_bounds_read_as_state_traits() {
    let text =
        tray_connect_codegen::pretty(&expand("naming-prelude.json").to_string()).expect("prints");
    assert!(text.contains("FromState: __send_state::FromState<__tray::String>,"));
    for name in ["From", "Into", "Option", "Result"] {
        assert!(
            !text.contains(&format!("{name}: __send_state::{name}<")),
            "`{name}` bounds itself in:\n{text}"
        );
    }
}
