//! Objects: a struct for listed (or required) properties, a map for the rest, and the enum of a
//! struct and any other value for `properties` without a `type`.

use super::ir::*;
use super::keywords::*;
use super::state::*;
use crate::budget;
use crate::document::{DocumentKind, filled_by_tray};
use crate::naming::{self, Namespace};
use serde_json::{Map, Value};
use std::collections::HashSet;

impl ModelBuilder<'_> {
    pub(super) fn object_ty(
        &mut self,
        schema: &Map<String, Value>,
        site: &Site,
        docs: &mut Docs,
    ) -> Ty {
        // Listed or required members, or none allowed at all: a struct. (An empty struct for
        // `additionalProperties: false` sends `{}`, where a map could send anything.)
        let required = schema
            .get("required")
            .and_then(Value::as_array)
            .is_some_and(|r| r.iter().any(Value::is_string));
        let closed = schema.get("additionalProperties") == Some(&Value::Bool(false));
        if schema.get("properties").is_some_and(Value::is_object) || required || closed {
            let index = self.struct_def(schema, site, Docs::default());
            return Ty::Named(index);
        }
        if self.pattern_note(schema, site, docs) {
            return Ty::JsonMap;
        }
        match schema.get("additionalProperties") {
            Some(Value::Object(values)) if !values.is_empty() => {
                let value_site =
                    site.child("additionalProperties", format!("{}Value", site.type_name));
                let (ty, nullable) = self.ty(values, &value_site, docs);
                Ty::Map(Box::new(nullable_if(nullable, unboxed(ty))))
            }
            _ => Ty::JsonMap,
        }
    }

    /// Properties without a `type`: draft 4 applies them to objects only, so any other JSON
    /// value is valid too. An enum of the struct and that other value.
    pub(super) fn typeless_object_ty(&mut self, schema: &Map<String, Value>, site: &Site) -> Ty {
        let name = self.def_name(site);
        let index = self.reserve(site, name.clone());
        let mut object_site = site.clone();
        object_site.type_name = format!("{name}Object");
        object_site.depth = site.depth.max(1);
        let object = self.struct_def(schema, &object_site, Docs::default());
        self.note_fallback(site, Reason::PropertiesWithoutType);
        let mut enum_docs = node_docs(schema);
        enum_docs.notes.push(Note::PropertiesWithoutType);
        let kind = DefKind::Untagged {
            variants: vec![
                ("Object".to_owned(), Ty::Named(object)),
                ("Other".to_owned(), Ty::Value),
            ],
        };
        self.fill(index, enum_docs, Draft::Kind(kind));
        Ty::Named(index)
    }

    /// `patternProperties` give unlisted keys schemas of their own, so no single value type
    /// covers them: they are kept as JSON.
    pub(super) fn pattern_note(
        &mut self,
        schema: &Map<String, Value>,
        site: &Site,
        docs: &mut Docs,
    ) -> bool {
        let has_patterns = schema
            .get("patternProperties")
            .and_then(Value::as_object)
            .is_some_and(|p| !p.is_empty());
        if has_patterns {
            self.note_fallback(site, Reason::PatternProperties);
            docs.notes.push(Note::PartlyJson(Reason::PatternProperties));
        }
        has_patterns
    }

    pub(super) fn struct_def(
        &mut self,
        schema: &Map<String, Value>,
        site: &Site,
        docs: Docs,
    ) -> usize {
        let name = self.def_name(site);
        let index = self.reserve(site, name.clone());
        let builder = (site.role == Role::Input).then(|| {
            let builder = self.claim(&format!("{name}Builder"));
            let base = format!("__{}_state", naming::snake(&name));
            let state_module = naming::claim(&base, naming::Suffix::Snake, &mut self.module_names);
            (builder, state_module)
        });
        let properties = schema.get("properties").and_then(Value::as_object);
        let empty = Map::new();
        let properties = properties.unwrap_or(&empty);

        // Every required name is a field, described or not: the schema refuses a value
        // without it, so a builder must ask for it.
        // Sets, not lists: a hostile object lists thousands of names.
        let mut required: Vec<&str> = Vec::new();
        let mut is_required: HashSet<&str> = HashSet::new();
        let trigger_input = self.kind == DocumentKind::Trigger && site.role == Role::Input;
        let tray_fills = |key: &str| {
            trigger_input
                .then(|| properties.get(key).and_then(Value::as_object))
                .flatten()
                .and_then(filled_by_tray)
        };
        if let Some(list) = schema.get("required").and_then(Value::as_array) {
            for key in list.iter().filter_map(Value::as_str) {
                if tray_fills(key).is_none() && is_required.insert(key) {
                    required.push(key);
                }
            }
        }
        let advanced: HashSet<&str> = advanced_list(schema).into_iter().collect();
        let mut order: Vec<&str> = required.clone();
        order.extend(
            properties
                .keys()
                .map(String::as_str)
                .filter(|k| !is_required.contains(k)),
        );
        if site.role == Role::Input && required.len() > budget::REQUIRED_INPUTS {
            self.exceed(
                &site.pointer,
                format!(
                    "an input object with {} required inputs (a builder tracks at most {} in \
                     its type)",
                    required.len(),
                    budget::REQUIRED_INPUTS
                ),
            );
        }
        if !self.spend(&site.pointer, order.len()) {
            return index;
        }

        let rust_names = naming::field_names(&order, &mut Namespace::new());
        let mut fields = Vec::with_capacity(order.len());
        let mut properties_site = site.child("properties", String::new());
        // `properties` is a hop in the pointer, not a level of nesting.
        properties_site.depth = site.depth;
        self.struct_chain.push(index);
        for (wire, rust) in order.iter().zip(rust_names) {
            self.path.push((*wire).to_owned());
            let child_name = format!("{name}{}", naming::pascal_part(wire));
            let child_site = properties_site.child(wire, child_name);
            let undescribed = Value::Null;
            let property = properties.get(*wire).unwrap_or(&undescribed);
            let (ty, nullable, field_docs) = match property {
                Value::Null if !properties.contains_key(*wire) => {
                    let mut field_docs = Docs::default();
                    let ty =
                        self.fallback(&child_site, Reason::UndescribedRequired, &mut field_docs);
                    (ty, false, field_docs)
                }
                Value::Object(property) => {
                    let mut field_docs = node_docs(property);
                    let (ty, nullable) = self.ty(property, &child_site, &mut field_docs);
                    field_notes(property, &mut field_docs);
                    if site.role == Role::Input {
                        self.note_lookup(property);
                    }
                    if advanced.contains(*wire)
                        || property.get("advanced") == Some(&Value::Bool(true))
                    {
                        field_docs.notes.push(Note::Advanced);
                    }
                    if let Some(path) = tray_fills(wire) {
                        field_docs.notes.push(Note::FilledByTray(path));
                    }
                    (ty, nullable, field_docs)
                }
                Value::Bool(true) => {
                    let mut field_docs = Docs::default();
                    let ty = self.fallback(&child_site, Reason::AnySchema, &mut field_docs);
                    (ty, false, field_docs)
                }
                _ => {
                    let mut field_docs = Docs::default();
                    let ty = self.fallback(&child_site, Reason::NotASchema, &mut field_docs);
                    (ty, false, field_docs)
                }
            };
            self.path.pop();
            fields.push(Field {
                rust,
                wire: (*wire).to_owned(),
                presence: Presence::of(is_required.contains(*wire), nullable),
                ty,
                docs: field_docs,
            });
        }
        self.struct_chain.pop();

        let mut def_docs = docs;
        if def_docs.title.is_none() && def_docs.description.is_none() {
            def_docs = node_docs(schema);
        }
        let has_patterns = self.pattern_note(schema, site, &mut def_docs);
        let additional = match schema.get("additionalProperties") {
            Some(Value::Object(values)) if !values.is_empty() && !has_patterns => {
                let value_site = site.child("additionalProperties", format!("{name}Additional"));
                let (ty, nullable) = self.ty(values, &value_site, &mut Docs::default());
                let ty = nullable_if(nullable, unboxed(ty));
                let rust =
                    naming::catch_all_name("additional", fields.iter().map(|f| f.rust.as_str()));
                Some(AdditionalMap { rust, ty })
            }
            _ => None,
        };
        // Outputs keep whatever they are sent; inputs can send what the schema allows.
        let forbids_unlisted = schema.get("additionalProperties") == Some(&Value::Bool(false));
        let catch_all = match site.role {
            Role::Output => additional.is_none(),
            Role::Input => additional.is_none() && (!forbids_unlisted || has_patterns),
        };
        let extra = catch_all
            .then(|| naming::catch_all_name("extra", fields.iter().map(|f| f.rust.as_str())));
        let body = StructBody {
            fields,
            additional,
            extra,
            strict_optional: false,
        };
        let draft = match builder {
            Some((builder, state_module)) => Draft::InputStruct {
                body,
                builder,
                state_module,
            },
            None => Draft::Kind(DefKind::Struct(body)),
        };
        self.fill(index, def_docs, draft);
        index
    }
}
