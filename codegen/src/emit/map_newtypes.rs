//! An input whose schema is not an object with properties: a transparent map newtype with a
//! builder of `insert(key, value)`.

use super::common::{Emitter, doc_attrs, ident};
use super::lints::allow_lints;
use super::source::{Source, src};
use crate::docs;
use crate::model::{BUILD, Def, MAP_INSERT, Ty};

impl Emitter<'_> {
    pub(super) fn map_newtype(&self, def: &Def, builder_name: &str) -> Source {
        let name = ident(&def.name);
        let builder = ident(builder_name);
        let builder_allow = allow_lints(builder_name);
        let doc = doc_attrs(&self.def_docs(def));
        let allow = allow_lints(&def.name);
        let derives = self.derives(def.role, src!());
        let map = self.ty(&Ty::JsonMap);
        let (insert, build) = (ident(MAP_INSERT), ident(BUILD));
        let [start_doc, builder_doc, build_doc] =
            docs::items::map_builder(&def.operation, &def.name);
        src! {
            #doc
            #allow
            #derives
            #[serde(crate = "::tray_connect::__private::serde", transparent)]
            pub struct #name(
                /// The input's properties.
                pub #map,
            );

            impl __tray::From<#map> for #name {
                fn from(map: #map) -> Self {
                    #name(map)
                }
            }

            impl #name {
                #[doc = #start_doc]
                pub fn builder() -> #builder {
                    #builder { input: __tray::Map::new() }
                }
            }

            #[doc = #builder_doc]
            #[must_use = "a builder does nothing until `.build()` is called"]
            #builder_allow
            pub struct #builder {
                input: #map,
            }

            impl #builder {
                /// Sets one input property.
                pub fn #insert(
                    mut self,
                    key: impl __tray::Into<__tray::String>,
                    value: impl __tray::Into<__tray::Value>,
                ) -> Self {
                    self.input.insert(key.into(), value.into());
                    self
                }

                #[doc = #build_doc]
                pub fn #build(self) -> #name {
                    #name(self.input)
                }
            }
        }
    }
}
