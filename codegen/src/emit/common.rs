//! What the emitters of every kind of item share: the `Emitter` (the model being printed and
//! which serde directions it gets), Rust types as source, doc attributes and derives.

use super::source::{Ident, Source, src};
use crate::docs;
use crate::model::{AdditionalMap, Def, DocumentKind, Field, Model, Presence, Role, Ty};

pub(super) fn ident(name: &str) -> Ident {
    Ident::new(name)
}

pub(super) fn doc_attrs(lines: &[String]) -> Source {
    src! { #(for line in lines => #[doc = #line])* }
}

/// `impl Serialize for #name`, with `body` writing `self` to `serializer`.
pub(super) fn serialize_impl(name: &Ident, body: Source) -> Source {
    src! {
        impl __tray::Serialize for #name {
            fn serialize<__S: __tray::Serializer>(
                &self,
                serializer: __S,
            ) -> __tray::Result<__S::Ok, __S::Error> {
                #body
            }
        }
    }
}

pub(super) fn doc_line(text: &str) -> Source {
    let line = format!(" {text}");
    src! { #[doc = #line] }
}

pub(super) struct Emitter<'a> {
    pub(super) model: &'a Model,
    /// Both serde directions on every type ([`Serde::Both`]).
    pub(super) both_ways: bool,
}

impl Emitter<'_> {
    /// The constant naming the connector (or trigger) the expansion was made for.
    pub(super) fn name_const(&self) -> Ident {
        Ident::new(match self.model.kind {
            DocumentKind::Connector => "CONNECTOR",
            DocumentKind::Trigger => "TRIGGER",
        })
    }

    /// A type's doc lines; operation outputs without docs of their own say what they are.
    pub(super) fn def_docs(&self, def: &Def) -> Vec<String> {
        let is_output = def.root && def.role == Role::Output;
        let output_of = is_output.then_some(def.operation.as_str());
        let fallback = docs::items::type_fallback(self.model.kind, output_of, &def.name);
        docs::lines(&def.docs, &fallback)
    }

    pub(super) fn ty(&self, ty: &Ty) -> Source {
        match ty {
            Ty::String => src!(__tray::String),
            Ty::Secret => src!(::tray_connect::Secret),
            Ty::Integer => src!(i64),
            Ty::Number => src!(f64),
            Ty::Boolean => src!(bool),
            Ty::Unit => src!(()),
            Ty::Value => src!(__tray::Value),
            Ty::Vec(item) => {
                let item = self.ty(item);
                src!(__tray::Vec<#item>)
            }
            Ty::JsonMap => src!(
                __tray::Map<
                    __tray::String,
                    __tray::Value,
                >
            ),
            Ty::Map(value) => {
                let value = self.ty(value);
                src!(__tray::BTreeMap<__tray::String, #value>)
            }
            Ty::Named(index) => {
                let name = ident(&self.model.defs[*index].name);
                src!(#name)
            }
            Ty::Boxed(inner) => {
                let inner = self.ty(inner);
                src!(__tray::Box<#inner>)
            }
            Ty::Nullable(inner) => {
                let inner = self.ty(inner);
                src!(__tray::Option<#inner>)
            }
        }
    }

    /// The field's type with the `Option` layers its presence adds.
    pub(super) fn field_ty(&self, field: &Field) -> Source {
        let ty = self.ty(&field.ty);
        match field.presence {
            Presence::Required => ty,
            Presence::Optional | Presence::RequiredNullable => {
                src!(__tray::Option<#ty>)
            }
            Presence::OptionalNullable => {
                src!(__tray::Option<__tray::Option<#ty>>)
            }
        }
    }

    /// Whether types of `role` implement `Serialize`: inputs always (`Client::call` sends
    /// them), outputs unless one way was asked for.
    pub(super) fn serialises(&self, role: Role) -> bool {
        role == Role::Input || self.both_ways
    }

    /// Whether types of `role` implement `Deserialize`: outputs always (`Client::call` reads
    /// them), inputs unless one way was asked for.
    pub(super) fn deserialises(&self, role: Role) -> bool {
        role == Role::Output || self.both_ways
    }

    /// Only the directions `Client::call` uses (serde's impls are most of the time `cargo check`
    /// spends on generated code) with `serde = "one-way"`; both by default.
    pub(super) fn derives(&self, role: Role, extra: Source) -> Source {
        let serialize = self.serialises(role).then(|| src!(__tray::Serialize,));
        let deserialize = self.deserialises(role).then(|| src!(__tray::Deserialize,));
        src! {
            #[derive(
                __tray::Debug,
                __tray::Clone,
                __tray::PartialEq,
                #extra
                #serialize
                #deserialize
            )]
        }
    }
}

/// What a struct's serde impls need to know.
pub(super) struct StructShape<'a> {
    pub(super) name: &'a Ident,
    pub(super) type_name: &'a str,
    pub(super) fields: &'a [Field],
    pub(super) additional: Option<&'a AdditionalMap>,
    pub(super) extra: Option<&'a str>,
    pub(super) strict_optional: bool,
    /// An output (or trigger event): what it keeps that the document did not promise (an
    /// unlisted member, a number sent as text) is reported as drift.
    pub(super) output: bool,
}

impl StructShape<'_> {
    /// The field holding unlisted members, if the struct has one.
    pub(super) fn catch_all(&self) -> Option<&str> {
        self.additional
            .map(|additional| additional.rust.as_str())
            .or(self.extra)
    }
}
