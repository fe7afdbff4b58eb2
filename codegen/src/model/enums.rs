//! `enum`: a string enum with a variant per value, or the scalar type every value shares.

use super::ir::*;
use super::keywords::*;
use super::state::*;
use crate::naming;
use serde_json::{Map, Value};

impl ModelBuilder<'_> {
    /// `enum`: a string enum, or the scalar type every value shares (values listed in the
    /// docs). A `null` member makes the node nullable. Returns the type and that.
    pub(super) fn enum_ty(
        &mut self,
        schema: &Map<String, Value>,
        values: &[Value],
        types: &TypeSet,
        site: &Site,
        docs: &mut Docs,
    ) -> (Ty, bool) {
        let members = enum_members(schema, values);
        let listed: Vec<Value> = members.iter().map(|(v, _)| v.clone()).collect();
        // `null` is valid when it is a member and `type` (if given) allows it.
        let null_member = members.iter().any(|(v, _)| v.is_null());
        let nullable = null_member && (types.members.is_empty() || types.nullable);
        let members: Vec<&(Value, Option<String>)> =
            members.iter().filter(|(v, _)| !v.is_null()).collect();
        if members.is_empty() {
            let ty = if null_member {
                Ty::Unit
            } else {
                self.fallback(site, Reason::EmptyEnum, docs)
            };
            return (ty, nullable);
        }
        if members.iter().all(|(v, _)| v.is_string()) {
            let strings: Vec<(&str, Option<&str>)> = members
                .iter()
                .filter_map(|(v, label)| Some((v.as_str()?, label.as_deref())))
                .collect();
            return (
                Ty::Named(self.string_enum(schema, &strings, site)),
                nullable,
            );
        }
        docs.notes.push(Note::OneOf(listed));
        let says = |t: &str| types.members.iter().any(|m| m == t);
        let ty = if members.iter().all(|(v, _)| v.is_number()) {
            // JSON Schema compares numbers by value, so `1.0` is a member of `[1]`: only a
            // declared `integer` type (which refuses `1.0`) makes the field an `i64`.
            let integers = members.iter().all(|(v, _)| v.is_i64() || v.is_u64());
            if integers && says("integer") && !says("number") {
                Ty::Integer
            } else {
                Ty::Number
            }
        } else if members.iter().all(|(v, _)| v.is_boolean()) {
            Ty::Boolean
        } else {
            self.fallback(site, Reason::MixedEnum, docs)
        };
        (ty, nullable)
    }

    /// A string enum of `values` (with their labels), duplicates dropped.
    pub(super) fn string_enum(
        &mut self,
        schema: &Map<String, Value>,
        values: &[(&str, Option<&str>)],
        site: &Site,
    ) -> usize {
        let mut unique: Vec<&str> = Vec::new();
        let mut labels: Vec<Option<String>> = Vec::new();
        for (value, label) in values {
            if !unique.contains(value) {
                unique.push(value);
                labels.push(label.map(str::to_owned));
            }
        }
        let names = naming::variant_names(&unique);
        let variants = unique
            .iter()
            .zip(names)
            .zip(labels)
            .map(|((wire, rust), label)| Variant {
                rust,
                wire: (*wire).to_owned(),
                docs: Docs {
                    title: label.filter(|l| !l.trim().is_empty()),
                    ..Docs::default()
                },
            })
            .collect::<Vec<_>>();
        let unknown = (site.role == Role::Output).then(|| {
            naming::free_name("Unknown", naming::Suffix::EscapedPascal, |name| {
                variants.iter().any(|v| v.rust == name)
            })
        });
        let name = self.def_name(site);
        let docs = node_docs(schema);
        self.define(site, name, docs, DefKind::StringEnum { variants, unknown })
    }
}
