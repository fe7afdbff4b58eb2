//! `Serialize` / `Deserialize` of generated structs, written out rather than derived: one
//! `visit_map` matching member names, unlisted members into the catch-all map, over the
//! generic helpers of `tray_connect::__private` (less for rustc to check than serde's derives,
//! whose `flatten` also buffers the whole object).

use super::common::{Emitter, StructShape, ident, serialize_impl};
use super::source::{Ident, Source, src};
use crate::model::{Field, Presence, Ty, admits_null};

impl Emitter<'_> {
    /// `Serialize` for a struct: an object of the listed members that are set, then the
    /// catch-all map's.
    pub(super) fn struct_serialize(&self, shape: &StructShape<'_>) -> Source {
        let name = shape.name;
        let entries = shape.fields.iter().map(|field| {
            let rust = ident(&field.rust);
            let wire = &field.wire;
            if field.presence.is_required() {
                src!(map.serialize_entry(#wire, &self.#rust)?;)
            } else {
                src!(__tray::entry_if_set(&mut map, #wire, &self.#rust)?;)
            }
        });
        let rest = shape.catch_all().map(|rest| {
            let rest = ident(rest);
            src!(__tray::entries(&mut map, &self.#rest)?;)
        });
        let body = if shape.fields.is_empty() && rest.is_none() {
            src!(serializer.serialize_map(__tray::Some(0))?.end())
        } else {
            src! {
                let mut map = serializer.serialize_map(__tray::None)?;
                #(#entries)*
                #rest
                map.end()
            }
        };
        serialize_impl(
            name,
            src! {
                use __tray::SerializeMap as _;
                #body
            },
        )
    }

    /// `Deserialize` for a struct: objects only, one pass over the members, unlisted ones into
    /// the catch-all map (or refused when the schema forbids them).
    pub(super) fn struct_deserialize(&self, shape: &StructShape<'_>) -> Source {
        let name = shape.name;
        let type_name = shape.type_name;
        // The members are collected in locals named after their fields; the visitor's own
        // names start with `__`, which no generated field does.
        let slots: Vec<Ident> = shape
            .fields
            .iter()
            .map(|field| ident(&field.rust))
            .collect();
        let arms = shape.fields.iter().zip(&slots).map(|(field, slot)| {
            let wire = &field.wire;
            // An output's scalars accept a number or boolean sent as text, as drift; a member
            // the document gives no Rust type reports what it holds.
            let read = match (shape.output, &field.ty) {
                (true, Ty::Integer | Ty::Number | Ty::Boolean) => {
                    src!(__tray::lenient(&mut __map)?)
                }
                (true, Ty::Value) => src!(__tray::fallback(&mut __map)?),
                _ => src!(__map.next_value()?),
            };
            let value = if self.reads_wrapped(field, shape.strict_optional) {
                src!(__tray::Some(#read))
            } else {
                read
            };
            src!(#wire => __tray::set(&mut #slot, #wire, #value)?,)
        });
        let finish = shape.fields.iter().zip(&slots).map(|(field, slot)| {
            let rust = ident(&field.rust);
            let wire = &field.wire;
            if field.presence.is_required() {
                src!(#rust: __tray::required(#slot, #wire)?,)
            } else {
                src!(#rust: __tray::optional(#slot),)
            }
        });
        let rest_ty = match (shape.additional, shape.extra) {
            (Some(additional), _) => {
                let ty = self.ty(&additional.ty);
                Some(src!(__tray::BTreeMap<__tray::String, #ty>))
            }
            (None, Some(_)) => Some(src!(__tray::Map<__tray::String, __tray::Value>)),
            (None, None) => None,
        };
        let next_key = src!(__map.next_key::<__tray::Key<'de>>()?);
        let (rest_init, members, rest_finish) = match shape.catch_all() {
            Some(rest) => {
                let rest = ident(rest);
                let insert = src!(#rest.insert(__key.into_string(), __map.next_value()?););
                // Only `extra` is unpromised: `additionalProperties` members are listed.
                let keep = if shape.output && shape.additional.is_none() {
                    src!(__tray::unlisted(__key.as_str()); #insert)
                } else {
                    insert
                };
                let members = if shape.fields.is_empty() {
                    src!(while let __tray::Some(__key) = #next_key { #keep })
                } else {
                    src! {
                        while let __tray::Some(__key) = #next_key {
                            match __key.as_str() {
                                #(#arms)*
                                _ => { #keep }
                            }
                        }
                    }
                };
                (
                    Some(src!(let mut #rest: #rest_ty = __tray::Default::default();)),
                    members,
                    Some(src!(#rest,)),
                )
            }
            // The schema forbids unlisted members: reading one must fail, or an untagged enum
            // would take any object as this alternative.
            None => {
                let wires = shape.fields.iter().map(|f| f.wire.as_str());
                let refuse = src! {
                    return __tray::Err(__tray::de::Error::unknown_field(
                        __key.as_str(),
                        &[#(#wires),*],
                    ));
                };
                let members = if shape.fields.is_empty() {
                    src!(if let __tray::Some(__key) = #next_key { #refuse })
                } else {
                    src! {
                        while let __tray::Some(__key) = #next_key {
                            match __key.as_str() {
                                #(#arms)*
                                _ => { #refuse }
                            }
                        }
                    }
                };
                (None, members, None)
            }
        };
        src! {
            impl<'de> __tray::Deserialize<'de> for #name {
                fn deserialize<__D: __tray::Deserializer<'de>>(
                    deserializer: __D,
                ) -> __tray::Result<Self, __D::Error> {
                    struct __Visitor;
                    impl<'de> __tray::Visitor<'de> for __Visitor {
                        type Value = #name;
                        fn expecting(
                            &self,
                            f: &mut __tray::fmt::Formatter<'_>,
                        ) -> __tray::fmt::Result {
                            __tray::expecting_object(f, #type_name)
                        }
                        fn visit_map<__A: __tray::MapAccess<'de>>(
                            self,
                            mut __map: __A,
                        ) -> __tray::Result<#name, __A::Error> {
                            #(for slot in &slots => let mut #slot = __tray::None;)*
                            #rest_init
                            #members
                            __tray::Ok(#name {
                                #(#finish)*
                                #rest_finish
                            })
                        }
                    }
                    deserializer.deserialize_map(__Visitor)
                }
            }
        }
    }

    /// Whether a member's value is read as the field's inner type and wrapped in `Some` (absent
    /// is `None`, `null` is whatever the type makes of it), rather than read as the field's own
    /// type (an `Option` reads `null` as `None`).
    fn reads_wrapped(&self, field: &Field, strict_optional: bool) -> bool {
        match field.presence {
            Presence::Required | Presence::RequiredNullable => false,
            Presence::OptionalNullable => true,
            Presence::Optional => strict_optional || admits_null(&self.model.defs, &field.ty),
        }
    }
}
