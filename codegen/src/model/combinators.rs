//! `oneOf` / `anyOf` (untagged enums whose alternatives stay strict), `allOf` (parts merged by
//! type intersection) and `type` arrays (the fixed order of their alternatives).

use super::ir::*;
use super::keywords::*;
use super::state::*;
use crate::naming;
use serde_json::{Map, Value, json};

/// Order of the alternatives of an untagged enum from a `type` array.
pub(super) const UNTAGGED_ORDER: &[(&str, &str)] = &[
    ("boolean", "Boolean"),
    ("integer", "Integer"),
    ("number", "Number"),
    ("string", "String"),
    ("array", "Array"),
    ("object", "Object"),
];

/// One schema from the node and the parts of an `allOf`, or why there is none: the parts
/// must agree on one type (parts without a `type` agree with any); `properties` are united,
/// one present in several parts becomes the `allOf` of its schemas; `required` lists are
/// joined; other keywords keep their first value.
pub(super) fn merge_all_of(parts: &[Map<String, Value>]) -> Result<Map<String, Value>, Reason> {
    let mut merged = Map::new();
    let mut declared: Option<Vec<String>> = None;
    let mut properties: Map<String, Value> = Map::new();
    let mut required: Vec<Value> = Vec::new();
    for part in parts {
        let types = type_set(part);
        if part.contains_key("type") {
            let mut members = types.members.clone();
            if types.lists_null {
                members.push("null".to_owned());
            }
            // A value must have a type every part allows.
            declared = Some(match declared {
                None => members,
                Some(earlier) => earlier
                    .into_iter()
                    .filter(|t| members.contains(t))
                    .collect(),
            });
            if declared.as_ref().is_some_and(Vec::is_empty) {
                return Err(Reason::AllOfNoCommonType);
            }
        }
        if let Some(Value::Object(p)) = part.get("properties") {
            for (name, schema) in p {
                match properties.get_mut(name) {
                    Some(earlier) if earlier != schema => {
                        *earlier = json!({"allOf": [earlier.clone(), schema]});
                    }
                    Some(_) => {}
                    None => {
                        properties.insert(name.clone(), schema.clone());
                    }
                }
            }
        }
        if let Some(Value::Array(r)) = part.get("required") {
            required.extend(r.iter().cloned());
        }
        for (key, value) in part {
            if !matches!(
                key.as_str(),
                "type" | "properties" | "required" | "additionalProperties"
            ) {
                merged.entry(key.clone()).or_insert_with(|| value.clone());
            }
        }
    }
    // `additionalProperties` of a part judges the members *that part* does not list: `false`
    // forbids them (so a member another part lists is not allowed at all), a schema constrains
    // them (so it joins their own schema).
    let mut additional: Vec<Value> = Vec::new();
    for part in parts {
        let listed = part.get("properties").and_then(Value::as_object);
        let is_listed = |name: &str| listed.is_some_and(|l| l.contains_key(name));
        match part.get("additionalProperties") {
            Some(Value::Bool(false)) => {
                properties.retain(|name, _| is_listed(name));
                additional = vec![Value::Bool(false)];
            }
            Some(schema @ Value::Object(s)) if !s.is_empty() => {
                for (name, property) in properties.iter_mut() {
                    if !is_listed(name) {
                        *property = json!({"allOf": [property.clone(), schema]});
                    }
                }
                if additional != [Value::Bool(false)] {
                    additional.push(schema.clone());
                }
            }
            _ => {}
        }
    }
    match additional.as_slice() {
        [] => {}
        [one] => {
            merged.insert("additionalProperties".to_owned(), one.clone());
        }
        many => {
            merged.insert("additionalProperties".to_owned(), json!({ "allOf": many }));
        }
    }
    if let Some(types) = declared {
        merged.insert(
            "type".to_owned(),
            Value::Array(types.into_iter().map(Value::String).collect()),
        );
    }
    if !properties.is_empty() {
        merged.insert("properties".to_owned(), Value::Object(properties));
    }
    if !required.is_empty() {
        merged.insert("required".to_owned(), Value::Array(required));
    }
    Ok(merged)
}

/// The key under which an `allOf` is typed once: its operation root and its schema without the
/// keywords that only document it (two properties that merge the same parts under their own
/// descriptions share one type; each field keeps its own docs).
fn all_of_key(schema: &Map<String, Value>, site: &Site) -> String {
    const DOCS_ONLY: [&str; 4] = ["title", "description", "$comment", "examples"];
    let mut shape = Map::with_capacity(schema.len());
    for (key, value) in schema {
        if !DOCS_ONLY.contains(&key.as_str()) {
            shape.insert(key.clone(), value.clone());
        }
    }
    format!("{}#allOf {}", site.root_pointer(), Value::Object(shape))
}

/// A readable variant name for a `oneOf`/`anyOf` alternative: its title, else its first
/// required (or first) property, else its type.
pub(super) fn alternative_name(alternative: &Map<String, Value>, index: usize) -> String {
    if let Some(title) = text(alternative, "title") {
        return title;
    }
    let properties = alternative.get("properties").and_then(Value::as_object);
    let first_required = alternative
        .get("required")
        .and_then(Value::as_array)
        .and_then(|r| r.iter().find_map(Value::as_str))
        .filter(|r| properties.is_some_and(|p| p.contains_key(*r)));
    if let Some(name) =
        first_required.or_else(|| properties.and_then(|p| p.keys().next().map(String::as_str)))
    {
        return name.to_owned();
    }
    // `["string", "number"]` reads `StringOrNumber`.
    let members = type_set(alternative).members;
    if members.is_empty() {
        format!("variant {index}")
    } else {
        members.join(" or ")
    }
}

impl ModelBuilder<'_> {
    /// Makes the struct an alternative became strict about `null` (see
    /// `StructBody::strict_optional`), when it was created for it (index ≥ `first_new`).
    pub(super) fn make_strict(&mut self, ty: &Ty, first_new: usize) {
        let index = match ty {
            Ty::Named(index) => *index,
            Ty::Boxed(inner) => return self.make_strict(inner, first_new),
            _ => return,
        };
        if index < first_new {
            return;
        }
        let Some(draft) = self.defs[index].content.as_mut().map(|c| &mut c.draft) else {
            return;
        };
        if let Some(body) = draft.body_mut() {
            body.strict_optional = true;
            return;
        }
        // The object of a schema with properties but no `type`.
        if let Some(DefKind::Untagged { variants }) = draft.kind()
            && let Some((_, object)) = variants.first().cloned()
            && variants.len() == 2
            && variants[1].1 == Ty::Value
        {
            self.make_strict(&object, first_new);
        }
    }

    pub(super) fn untagged_ty(
        &mut self,
        members: &[String],
        schema: &Map<String, Value>,
        site: &Site,
        docs: &mut Docs,
    ) -> Ty {
        if let Some(unknown) = members
            .iter()
            .find(|m| !UNTAGGED_ORDER.iter().any(|(t, _)| t == m))
        {
            let reason = Reason::UnknownTypeInArray(unknown.clone());
            return self.fallback(site, reason, docs);
        }
        // The enum takes the site's name; its members are named after it.
        let name = self.def_name(site);
        let index = self.reserve(site, name.clone());
        let mut variants = Vec::new();
        for (t, variant) in UNTAGGED_ORDER {
            if members.iter().any(|m| m == t) {
                let mut member_site = site.clone();
                member_site.type_name = format!("{name}{variant}");
                member_site.depth = site.depth.max(1);
                let ty = self.single_ty(t, schema, &member_site, docs);
                variants.push(((*variant).to_owned(), ty));
            }
        }
        self.fill(
            index,
            node_docs(schema),
            Draft::Kind(DefKind::Untagged { variants }),
        );
        Ty::Named(index)
    }

    /// `oneOf` / `anyOf`: an untagged enum of the alternatives that can be typed, with an
    /// `Other(Value)` catch-all when some cannot; `Value` when none can.
    pub(super) fn alternatives_ty(
        &mut self,
        keyword: &'static str,
        alternatives: &[Value],
        schema: &Map<String, Value>,
        site: &Site,
        docs: &mut Docs,
    ) -> (Ty, bool) {
        let mut typed: Vec<(String, Ty)> = Vec::new();
        let mut untyped = 0;
        let mut nullable = false;
        let mut originals: Vec<String> = Vec::new();
        let is_null_only = |alternative: &Map<String, Value>| {
            let types = type_set(alternative);
            types.members.is_empty() && types.lists_null
        };
        for (i, alternative) in alternatives.iter().enumerate() {
            let Value::Object(alternative) = alternative else {
                untyped += 1;
                continue;
            };
            if is_null_only(alternative) {
                // `{"type": "null"}`: the whole node admits null.
                nullable = true;
                continue;
            }
            originals.push(alternative_name(alternative, i));
        }
        let names =
            naming::variant_names(&originals.iter().map(String::as_str).collect::<Vec<_>>());
        let mut names = names.into_iter();
        for (i, alternative) in alternatives.iter().enumerate() {
            let Value::Object(alternative) = alternative else {
                continue;
            };
            if is_null_only(alternative) {
                continue;
            }
            let variant = names.next().unwrap_or_else(|| format!("Variant{i}"));
            let alt_site = site.child(
                &format!("{keyword}/{i}"),
                format!("{}{variant}", site.type_name),
            );
            let mut alt_docs = node_docs(alternative);
            let first_new = self.defs.len();
            let (ty, alt_nullable) = self.ty(alternative, &alt_site, &mut alt_docs);
            self.make_strict(&ty, first_new);
            nullable |= alt_nullable;
            if ty == Ty::Value {
                untyped += 1;
            } else {
                typed.push((variant, ty));
            }
        }
        match (typed.len(), untyped) {
            (0, _) => {
                let reason = Reason::NoTypedAlternative(keyword);
                (self.fallback(site, reason, docs), nullable)
            }
            (1, 0) => (typed.remove(0).1, nullable),
            _ => {
                if untyped > 0 {
                    let other = naming::free_name("Other", naming::Suffix::EscapedPascal, |name| {
                        typed.iter().any(|(n, _)| n == name)
                    });
                    let reason = Reason::UntypedAlternatives {
                        count: untyped,
                        keyword,
                        variant: other.clone(),
                    };
                    self.note_fallback(site, reason);
                    typed.push((other, Ty::Value));
                }
                let name = self.def_name(site);
                let docs = node_docs(schema);
                let index = self.define(site, name, docs, DefKind::Untagged { variants: typed });
                (Ty::Named(index), nullable)
            }
        }
    }

    /// `allOf`: the parts merged into one schema (`$ref`s followed) when they agree on one
    /// type, properties present in several parts merged in turn; else `Value`.
    ///
    /// `allOf`s of one shape share one type, as `$ref` targets do: a document whose `allOf`s
    /// reach the same definitions from several places would otherwise inline them again at
    /// each, and each of their `allOf`s again (a 3.8 KB document made 32,768 structs).
    pub(super) fn all_of_ty(
        &mut self,
        parts: &[Value],
        schema: &Map<String, Value>,
        site: &Site,
        docs: &mut Docs,
    ) -> (Ty, bool) {
        let key = all_of_key(schema, site);
        match self.shared_ty(&key) {
            Some(Ok(typed)) => return typed,
            Some(Err(())) => return (self.fallback(site, Reason::AllOfSelfCycle, docs), false),
            None => {}
        }
        self.type_shared(key, &site.pointer, false, |this| {
            this.merged_all_of_ty(parts, schema, site, docs)
        })
    }

    fn merged_all_of_ty(
        &mut self,
        parts: &[Value],
        schema: &Map<String, Value>,
        site: &Site,
        docs: &mut Docs,
    ) -> (Ty, bool) {
        let mut node = schema.clone();
        node.remove("allOf");
        let mut resolved = vec![node];
        for part in parts {
            let mut part = part.clone();
            // Follow chains of $ref (bounded, so a $ref cycle cannot loop).
            for _ in 0..MAX_DEPTH {
                let Some(target) = part
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(crate::pointer::local_pointer)
                    .and_then(|p| crate::pointer::resolve(self.root, &p).cloned())
                else {
                    break;
                };
                part = target;
            }
            let Value::Object(part) = part else {
                return (self.fallback(site, Reason::AllOfPartNotObject, docs), false);
            };
            if ["$ref", "allOf", "oneOf", "anyOf", "enum", "const", "not"]
                .iter()
                .any(|k| part.contains_key(*k))
            {
                return (self.fallback(site, Reason::AllOfPartCombines, docs), false);
            }
            resolved.push(part);
        }
        match merge_all_of(&resolved) {
            Ok(merged) => self.ty(&merged, site, docs),
            Err(reason) => (self.fallback(site, reason, docs), false),
        }
    }
}
