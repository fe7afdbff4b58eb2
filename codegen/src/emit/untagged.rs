//! `#[serde(untagged)]` enums: `type` arrays, `oneOf`/`anyOf` alternatives, an object or any
//! other value; with the `From` conversions of their variants' types.

use super::common::{Emitter, doc_attrs, doc_line, ident};
use super::lints::allow_enum_lints;
use super::source::{Source, src};
use crate::model::{Def, Ty};
use std::collections::HashSet;

impl Emitter<'_> {
    pub(super) fn untagged(&self, def: &Def, variants: &[(String, Ty)]) -> Source {
        let name = ident(&def.name);
        let doc = doc_attrs(&self.def_docs(def));
        let allow = allow_enum_lints(&def.name, variants.iter().map(|(v, _)| v.as_str()));
        let derives = self.derives(def.role, src!());
        let variant_tokens = variants.iter().map(|(v, ty)| {
            let v_ident = ident(v);
            let named = matches!(ty, Ty::Named(_) | Ty::Boxed(_) | Ty::Value);
            let ty = self.ty(ty);
            let doc = if named {
                doc_line(&format!("The `{v}` alternative."))
            } else {
                let kind = v.to_lowercase();
                let article = if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
                    "An"
                } else {
                    "A"
                };
                doc_line(&format!("{article} {kind} value."))
            };
            src! { #doc #v_ident(#ty), }
        });
        // Conversions follow each variant's type, not its name (a `oneOf` alternative named
        // `String` may hold a struct), and each source type converts into its first variant.
        let mut froms = Vec::new();
        let mut sources: HashSet<String> = HashSet::new();
        let mut from = |src: Source, variant: &str, conv: Source| {
            if !sources.insert(src.to_string()) {
                return;
            }
            let v = ident(variant);
            froms.push(src! {
                impl __tray::From<#src> for #name {
                    fn from(value: #src) -> Self {
                        #name::#v(#conv)
                    }
                }
            });
        };
        let has_integer = variants.iter().any(|(_, ty)| *ty == Ty::Integer);
        for (v, ty) in variants {
            match ty {
                Ty::String => {
                    from(src!(&str), v, src!(value.to_owned()));
                    from(src!(__tray::String), v, src!(value));
                    from(src!(&__tray::String), v, src!(value.clone()));
                }
                Ty::Boolean => from(src!(bool), v, src!(value)),
                Ty::Integer => {
                    from(src!(i64), v, src!(value));
                    from(src!(i32), v, src!(i64::from(value)));
                }
                Ty::Number => {
                    if !has_integer {
                        from(src!(i64), v, src!(value as f64));
                        from(src!(i32), v, src!(f64::from(value)));
                    }
                    from(src!(f64), v, src!(value));
                }
                Ty::Vec(_) | Ty::JsonMap | Ty::Map(_) => {
                    let src = self.ty(ty);
                    from(src, v, src!(value));
                }
                Ty::Named(index) if self.model.defs[*index].name != def.name => {
                    let src = self.ty(ty);
                    from(src, v, src!(value));
                }
                _ => {}
            }
        }
        let default = def
            .has_default
            .then(|| {
                variants
                    .iter()
                    .find(|(_, ty)| crate::model::ty_has_default(&self.model.defs, ty))
            })
            .flatten()
            .map(|(variant, _)| {
                let v = ident(variant);
                let doc = crate::docs::items::untagged_default(variant);
                src! {
                    impl __tray::Default for #name {
                        #[doc = #doc]
                        fn default() -> Self {
                            #name::#v(__tray::Default::default())
                        }
                    }
                }
            });
        // A struct alternative beside a `Value` is larger; boxing it would cost every reader an
        // allocation for clippy's sake.
        let large = variants
            .iter()
            .any(|(_, ty)| matches!(ty, Ty::Named(_)))
            .then(|| src!(#[allow(clippy::large_enum_variant)]));
        src! {
            #doc
            #allow
            #large
            #derives
            #[serde(crate = "::tray_connect::__private::serde", untagged)]
            pub enum #name {
                #(#variant_tokens)*
            }
            #(#froms)*
            #default
        }
    }
}
