//! Structs: the type with its fields and catch-alls, then its serde impls and, for inputs,
//! its builder.

use super::common::{Emitter, StructShape, doc_attrs, ident};
use super::lints::{allow_deep_nesting, allow_lints};
use super::source::{Source, src};
use crate::docs;
use crate::model::{Builder, Def, Role, StructBody};

impl Emitter<'_> {
    /// A struct, input (with its builder) or output.
    pub(super) fn struct_def(
        &self,
        def: &Def,
        body: &StructBody,
        builder: Option<&Builder>,
    ) -> Source {
        let StructBody {
            fields,
            additional,
            extra,
            strict_optional,
        } = body;
        let (additional, extra) = (additional.as_ref(), extra.as_deref());
        let name = ident(&def.name);
        let doc = doc_attrs(&self.def_docs(def));
        let allow = allow_lints(&def.name);
        // An output a test can build with only the fields it cares about.
        let default = def.has_default.then(|| src!(__tray::Default,));
        let derives = src!(#[derive(__tray::Debug, __tray::Clone, __tray::PartialEq, #default)]);
        let field_tokens = fields.iter().map(|field| {
            let rust = ident(&field.rust);
            let ty = self.field_ty(field);
            let doc = doc_attrs(&docs::lines(
                &field.docs,
                &format!("`{}`", docs::code(&field.wire)),
            ));
            src! { #doc pub #rust: #ty, }
        });
        let additional_field = additional.map(|additional| {
            let field = ident(&additional.rust);
            let ty = self.ty(&additional.ty);
            src! {
                /// Properties beyond the listed ones (`additionalProperties`).
                pub #field: __tray::BTreeMap<__tray::String, #ty>,
            }
        });
        let extra_doc = docs::items::extra_field(def.role);
        let extra_field = extra.map(|extra| {
            let field = ident(extra);
            src! {
                #[doc = #extra_doc]
                pub #field: __tray::Map<
                    __tray::String,
                    __tray::Value,
                >,
            }
        });
        let complex = allow_deep_nesting(fields);
        let mut out = src! {
            #doc
            #allow
            #complex
            #derives
            pub struct #name {
                #(#field_tokens)*
                #additional_field
                #extra_field
            }
        };
        let object = StructShape {
            name: &name,
            type_name: &def.name,
            fields,
            additional,
            extra,
            strict_optional: *strict_optional,
            output: def.role == Role::Output,
        };
        if self.serialises(def.role) {
            out.extend(self.struct_serialize(&object));
        }
        if self.deserialises(def.role) {
            out.extend(self.struct_deserialize(&object));
        }
        if let Some(builder) = builder {
            out.extend(self.builder(def, body, builder));
        }
        out
    }
}
