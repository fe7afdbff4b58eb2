//! Enums of string values: `VALUES`, `as_str`, `Display`, `FromStr`, serde through them, and
//! for outputs the catch-all variant and `is_known`.

use super::common::{Emitter, doc_attrs, ident, serialize_impl};
use super::lints::allow_enum_lints;
use super::source::{Ident, Source, src};
use crate::docs;
use crate::model::{Def, Variant};

impl Emitter<'_> {
    /// A string enum with `as_str`, `Display` and `FromStr`; serde through those (strings
    /// only, and less code than serde's derives).
    pub(super) fn string_enum(
        &self,
        def: &Def,
        variants: &[Variant],
        unknown: Option<&str>,
    ) -> Source {
        let name = ident(&def.name);
        let doc = doc_attrs(&self.def_docs(def));
        let allow = allow_enum_lints(&def.name, variants.iter().map(|v| v.rust.as_str()));
        let variant_tokens = variants.iter().map(|v| {
            let rust = ident(&v.rust);
            let fallback = if v.wire.is_empty() {
                "The empty string.".to_owned()
            } else {
                format!("`{}`", docs::code(&v.wire))
            };
            let doc = doc_attrs(&docs::lines(&v.docs, &fallback));
            src! { #doc #rust, }
        });
        let rust: Vec<Ident> = variants.iter().map(|v| ident(&v.rust)).collect();
        let wire: Vec<&str> = variants.iter().map(|v| v.wire.as_str()).collect();
        let unknown_ident = unknown.map(ident);
        let unknown_variant = unknown_ident.as_ref().map(|u| {
            src! {
                /// A value this version of the document does not list, kept as received.
                #u(__tray::String),
            }
        });
        let unknown_text = unknown_ident
            .as_ref()
            .map(|u| src!(#name::#u(value) => value,));
        // Outputs parse every string (an unknown value is kept): whether the document lists it
        // is a question of its own.
        let unknown_doc = unknown.map(|u| format!(" `{u}`, which a newer connector may send."));
        let is_known = unknown_ident.as_ref().map(|u| {
            src! {
                /// Whether the value is one the document lists: `false` for a value kept as
                #[doc = #unknown_doc]
                pub fn is_known(&self) -> bool {
                    !__tray::matches!(self, #name::#u(_))
                }
            }
        });
        let (error, other) = match &unknown_ident {
            // Outputs keep what they do not know.
            Some(u) => (
                src!(__tray::Infallible),
                src!(other => {
                    __tray::unknown_value();
                    #name::#u(__tray::String::from(other))
                }),
            ),
            None => (
                src!(::tray_connect::ParseEnumError),
                src!(other => {
                    return __tray::Err(::tray_connect::ParseEnumError::new(other, Self::VALUES));
                }),
            ),
        };
        let serialize = self
            .serialises(def.role)
            .then(|| serialize_impl(&name, src!(serializer.serialize_str(self.as_str()))));
        let deserialize = self.deserialises(def.role).then(|| {
            src! {
                impl<'de> __tray::Deserialize<'de> for #name {
                    fn deserialize<__D: __tray::Deserializer<'de>>(
                        deserializer: __D,
                    ) -> __tray::Result<Self, __D::Error> {
                        __tray::from_str(deserializer)
                    }
                }
            }
        });
        let default = def.has_default.then(|| {
            let first = &rust[0];
            let doc = format!(
                " `{}`, the first value the document lists (for test doubles).",
                docs::code(&variants[0].wire)
            );
            src! {
                impl __tray::Default for #name {
                    #[doc = #doc]
                    fn default() -> Self {
                        #name::#first
                    }
                }
            }
        });
        let parse_doc = docs::items::enum_parse(unknown);
        src! {
            #doc
            #allow
            #[derive(
                __tray::Debug,
                __tray::Clone,
                __tray::PartialEq,
                __tray::Eq,
                __tray::Hash,
            )]
            pub enum #name {
                #(#variant_tokens)*
                #unknown_variant
            }

            impl #name {
                /// Every value the document lists, in its order.
                pub const VALUES: &'static [&'static str] = &[#(for wire in &wire => #wire),*];

                /// The value as Tray sends and receives it.
                pub fn as_str(&self) -> &str {
                    match self {
                        #(for (rust, wire) in rust.iter().zip(&wire) => #name::#rust => #wire,)*
                        #unknown_text
                    }
                }

                #is_known
            }

            impl __tray::Display for #name {
                fn fmt(&self, f: &mut __tray::fmt::Formatter<'_>) -> __tray::fmt::Result {
                    f.write_str(self.as_str())
                }
            }

            impl __tray::FromStr for #name {
                type Err = #error;

                #[doc = #parse_doc]
                fn from_str(value: &str) -> __tray::Result<Self, Self::Err> {
                    __tray::Ok(match value {
                        #(for (rust, wire) in rust.iter().zip(&wire) => #wire => #name::#rust,)*
                        #other
                    })
                }
            }

            #serialize
            #deserialize
            #default
        }
    }
}
