//! Walking an operation's input and output schemas into the model: one `ModelBuilder` per
//! expansion, a `Site` per schema node (its JSON pointer, suggested type name and role).

use super::ir::*;
use super::keywords::*;
use super::state::*;
use crate::budget::{self, Exceeded};
use crate::document::{DocumentKind, OperationDoc, OperationsDocument};
use crate::naming::{self, Namespace};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// Builds the model of `operations` (indices into the document's operations), or says where
/// the document went over its budget (see `crate::budget`).
pub fn build(
    kind: DocumentKind,
    connector: &str,
    version: &str,
    document: &OperationsDocument,
    operations: &[usize],
) -> Result<Model, Exceeded> {
    let mut builder = ModelBuilder {
        kind,
        current_op: String::new(),
        root: &Value::Null,
        refs: HashMap::new(),
        pending_refs: Vec::new(),
        lookups: Vec::new(),
        struct_chain: Vec::new(),
        path: Vec::new(),
        defs: Vec::new(),
        nodes_left: budget::MODEL_NODES_BASE.saturating_add(document.size),
        exceeded: None,
        value_fallbacks: Vec::new(),
        type_names: Namespace::new(),
        module_names: Namespace::new(),
    };
    let ops: Vec<&OperationDoc> = operations
        .iter()
        .map(|&i| &document.operations[i])
        .collect();

    // Operation input and output names are reserved before any nested name.
    let originals: Vec<&str> = ops.iter().map(|op| op.name.as_str()).collect();
    let input_names = naming::assign_unique(
        &originals,
        naming::pascal,
        |orig, _| naming::is_snake_case(orig),
        naming::Suffix::Pascal,
        &mut builder.type_names,
    );
    // A trigger operation's output is the event Tray delivers.
    let output_suffix = match kind {
        DocumentKind::Connector => "Output",
        DocumentKind::Trigger => "Event",
    };
    let output_names: Vec<String> = input_names
        .iter()
        .map(|name| builder.claim(&format!("{name}{output_suffix}")))
        .collect();

    let mut models = Vec::with_capacity(ops.len());
    for ((op, input_name), output_name) in ops.iter().zip(input_names).zip(output_names) {
        builder.current_op.clone_from(&op.name);
        let input = builder.input_root(op, input_name);
        let lookups = builder.resolve_lookups();
        let output = builder.output_root(op, output_name);
        models.push(OperationModel {
            wire: op.name.clone(),
            input,
            output,
            lookups,
        });
    }
    if let Some(exceeded) = builder.exceeded {
        return Err(exceeded);
    }
    let defs = super::finish::finish(builder.defs, &models, &builder.type_names);
    Ok(Model {
        kind,
        connector: connector.to_owned(),
        version: version.to_owned(),
        operations: models,
        defs,
        value_fallbacks: builder.value_fallbacks,
    })
}

impl<'d> ModelBuilder<'d> {
    /// Claims a type name, cut to `budget::TYPE_NAME_LEN` and numbered (`Name2`, `Name3`)
    /// when taken.
    pub(super) fn claim(&mut self, candidate: &str) -> String {
        let candidate = budget::bounded_name(candidate, budget::TYPE_NAME_LEN);
        naming::claim(&candidate, naming::Suffix::Pascal, &mut self.type_names)
    }

    /// Takes `nodes` model nodes from the budget; `false` (and the build fails, naming
    /// `pointer`) once it is spent.
    pub(super) fn spend(&mut self, pointer: &str, nodes: usize) -> bool {
        if self.exceeded.is_some() {
            return false;
        }
        match self.nodes_left.checked_sub(nodes) {
            Some(left) => {
                self.nodes_left = left;
                true
            }
            None => {
                self.exceed(
                    pointer,
                    "more generated types and fields than the document's budget \
                     (65,536 plus one per byte of document)"
                        .to_owned(),
                );
                false
            }
        }
    }

    /// Records the first budget exceeded.
    pub(super) fn exceed(&mut self, pointer: &str, what: String) {
        self.exceeded.get_or_insert_with(|| Exceeded {
            pointer: pointer.to_owned(),
            what,
        });
    }

    /// Types an operation's root schema, registered as the target of `{"$ref": "#"}` so that a
    /// reference to the root reuses (and boxes) its type.
    pub(super) fn root_ty(&mut self, schema: &Map<String, Value>, site: &Site) -> (Ty, bool) {
        let key = format!("{}#", site.root_pointer());
        let declared_null = type_set(schema).nullable;
        self.type_shared(key, &site.pointer, declared_null, |this| {
            this.ty(schema, site, &mut Docs::default())
        })
    }

    /// The name of the type defined at `site`: operation roots were reserved up front.
    pub(super) fn def_name(&mut self, site: &Site) -> String {
        if site.depth == 0 {
            site.type_name.clone()
        } else {
            self.claim(&site.type_name)
        }
    }

    /// Takes the next slot for a type named `name`, defined at `pointer`; its content is
    /// filled once with [`Self::fill`].
    pub(super) fn slot(&mut self, pointer: &str, name: String, role: Role) -> usize {
        // A type is made whether or not the budget allows it: the walk is ending already.
        self.spend(pointer, 1);
        self.defs.push(Slot {
            name,
            role,
            pointer: pointer.to_owned(),
            operation: self.current_op.clone(),
            content: None,
        });
        self.defs.len() - 1
    }

    /// Fills a slot taken with [`Self::slot`] (or [`Self::reserve`]).
    pub(super) fn fill(&mut self, index: usize, docs: Docs, draft: Draft) {
        let slot = &mut self.defs[index];
        debug_assert!(slot.content.is_none(), "{} filled twice", slot.name);
        slot.content = Some(Content { docs, draft });
    }

    /// A type whose parts are typed already: a slot, filled at once.
    pub(super) fn define(&mut self, site: &Site, name: String, docs: Docs, kind: DefKind) -> usize {
        let index = self.slot(&site.pointer, name, site.role);
        self.fill(index, docs, Draft::Kind(kind));
        index
    }

    /// Types the node at `site` as `Value`, saying why in its docs and in `VALUE_FALLBACKS`.
    pub(super) fn fallback(&mut self, site: &Site, reason: Reason, docs: &mut Docs) -> Ty {
        self.note_fallback(site, reason.clone());
        docs.notes.push(Note::Fallback(reason));
        Ty::Value
    }

    /// Lists a node whose values are (partly) kept as JSON in `VALUE_FALLBACKS`.
    pub(super) fn note_fallback(&mut self, site: &Site, reason: Reason) {
        self.value_fallbacks.push(Fallback {
            pointer: site.pointer.clone(),
            reason,
        });
    }

    pub(super) fn admits_null(&self, ty: &Ty) -> bool {
        let defs = &self.defs;
        admits_null_by(&|index| defs[index].draft().and_then(Draft::kind), ty)
    }

    pub(super) fn operation_docs(op: &OperationDoc) -> Docs {
        Docs {
            title: op.title.clone(),
            description: op.description.clone(),
            notes: vec![Note::Operation(op.name.clone())],
        }
    }

    /// An operation's input: a struct when its schema is an object with properties (Call
    /// Connector's input is always an object), else a transparent map newtype.
    pub(super) fn input_root(&mut self, op: &'d OperationDoc, name: String) -> usize {
        let site = Site::root(
            format!("{}/inputSchema", op.pointer()),
            name.clone(),
            Role::Input,
        );
        let docs = Self::operation_docs(op);
        self.root = op.input_schema();
        match op.input_schema().as_object() {
            Some(schema) if schema.get("properties").is_some_and(Value::is_object) => {
                let key = format!("{}#", site.root_pointer());
                let mut index = 0;
                self.type_shared(key, &site.pointer, false, |this| {
                    index = this.struct_def(schema, &site, docs);
                    (Ty::Named(index), false)
                });
                index
            }
            _ => {
                // Absent is an input of any properties; anything but an object is a document
                // error worth saying (`"inputSchema": "oops"` compiled without a word).
                let mut docs = docs;
                if !matches!(op.input_schema(), Value::Null | Value::Object(_)) {
                    let reason = Reason::RootNotASchema("inputSchema");
                    self.note_fallback(&site, reason.clone());
                    docs.notes.push(Note::PartlyJson(reason));
                }
                let builder = self.claim(&format!("{name}Builder"));
                self.define(&site, name, docs, DefKind::MapNewtype { builder })
            }
        }
    }

    /// An operation's output: the type its schema gives, named after the operation; an alias
    /// when that type is not generated here (or when the output may be `null`).
    pub(super) fn output_root(&mut self, op: &'d OperationDoc, name: String) -> usize {
        let site = Site::root(
            format!("{}/outputSchema", op.pointer()),
            name.clone(),
            Role::Output,
        );
        let mut docs = Docs::default();
        // A dynamic output typed from the schema Tray returned for a sample input.
        if op.has_dynamic_output
            && let Some(sampled) = op.sampled_output()
            && let Some(schema) = sampled.schema.as_object()
        {
            let site = Site::root(
                format!(
                    "{}/{}/schema",
                    op.pointer(),
                    crate::document::SAMPLED_OUTPUT_SCHEMA
                ),
                name.clone(),
                Role::Output,
            );
            self.root = sampled.schema;
            if let Some(description) = text(schema, "description") {
                docs.description = Some(description);
            }
            let note = Note::Sampled(sampled.sample.clone());
            let (ty, nullable) = self.root_ty(schema, &site);
            if let Ty::Named(index) = ty
                && self.defs[index].name == name
                && !nullable
            {
                if let Some(content) = &mut self.defs[index].content {
                    content.docs.notes.push(note);
                }
                return index;
            }
            docs.notes.push(note);
            return self.output_alias(name, docs, ty, nullable, &site);
        }
        self.root = op.output_schema();
        let schema = op.output_schema().as_object().filter(|s| !s.is_empty());
        let (ty, nullable) = match schema {
            _ if op.has_dynamic_output => (
                self.fallback(&site, Reason::DynamicOutput, &mut docs),
                false,
            ),
            None if !matches!(op.output_schema(), Value::Null | Value::Object(_)) => {
                let reason = Reason::RootNotASchema("outputSchema");
                (self.fallback(&site, reason, &mut docs), false)
            }
            None => (
                self.fallback(&site, Reason::NoOutputSchema, &mut docs),
                false,
            ),
            Some(schema) => {
                if let Some(description) = text(schema, "description") {
                    docs.description = Some(description);
                }
                self.root_ty(schema, &site)
            }
        };
        self.output_alias(name, docs, ty, nullable, &site)
    }

    /// The output's root: the type itself when it took the output's name, else an alias.
    fn output_alias(
        &mut self,
        name: String,
        docs: Docs,
        ty: Ty,
        nullable: bool,
        site: &Site,
    ) -> usize {
        if let Ty::Named(index) = ty
            && self.defs[index].name == name
        {
            if !nullable {
                return index;
            }
            // `XOutput` becomes `Option<..>` of the type, which takes another name.
            let renamed = self.claim(&format!("{name}Value"));
            self.defs[index].name = renamed;
        }
        let ty = nullable_if(nullable, ty);
        self.define(site, name, docs, DefKind::Alias(ty))
    }

    /// The type of a schema node. Returns the type and whether the node admits a `null` the
    /// type cannot hold (then the field becomes an `Option`); notes for the enclosing field go
    /// into `docs`.
    pub(super) fn ty(
        &mut self,
        schema: &Map<String, Value>,
        site: &Site,
        docs: &mut Docs,
    ) -> (Ty, bool) {
        if self.exceeded.is_some() {
            return (Ty::Value, false);
        }
        if site.depth > MAX_DEPTH {
            return (self.fallback(site, Reason::TooDeep(MAX_DEPTH), docs), false);
        }
        let (ty, nullable) = self.node_ty(schema, site, docs);
        // `Value`, `()` and enums with such a variant hold `null` themselves.
        let nullable = nullable && !self.admits_null(&ty);
        (ty, nullable)
    }

    pub(super) fn node_ty(
        &mut self,
        schema: &Map<String, Value>,
        site: &Site,
        docs: &mut Docs,
    ) -> (Ty, bool) {
        let types = type_set(schema);
        let nullable = types.nullable;
        if let Some(Value::String(reference)) = schema.get("$ref") {
            let (ty, ref_nullable) = self.ref_ty(reference, site, docs);
            return (ty, nullable || ref_nullable);
        }
        for keyword in ["const", "not"] {
            if schema.contains_key(keyword) {
                let reason = Reason::Untypeable(keyword);
                return (self.fallback(site, reason, docs), nullable);
            }
        }
        for keyword in ["oneOf", "anyOf"] {
            if let Some(Value::Array(alternatives)) = schema.get(keyword) {
                let (ty, alt_nullable) =
                    self.alternatives_ty(keyword, alternatives, schema, site, docs);
                return (ty, nullable || alt_nullable);
            }
        }
        if let Some(Value::Array(parts)) = schema.get("allOf") {
            return self.all_of_ty(parts, schema, site, docs);
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            let (ty, null_member) = self.enum_ty(schema, values, &types, site, docs);
            return (ty, nullable || null_member);
        }
        let ty = match types.members.as_slice() {
            [] if schema.get("properties").is_some_and(Value::is_object) => {
                self.typeless_object_ty(schema, site)
            }
            [] if types.lists_null => Ty::Unit,
            [] => self.fallback(site, Reason::NoType, docs),
            [single] => self.single_ty(single, schema, site, docs),
            _ => self.untagged_ty(&types.members, schema, site, docs),
        };
        (ty, nullable)
    }

    pub(super) fn single_ty(
        &mut self,
        t: &str,
        schema: &Map<String, Value>,
        site: &Site,
        docs: &mut Docs,
    ) -> Ty {
        match t {
            "string" => {
                if let Some(format) = text(schema, "format") {
                    let secret = format == "password";
                    docs.notes.push(Note::Format(format));
                    if secret {
                        return Ty::Secret;
                    }
                }
                Ty::String
            }
            "integer" => Ty::Integer,
            "number" => Ty::Number,
            "boolean" => Ty::Boolean,
            "array" => self.array_ty(schema, site, docs),
            "object" => self.object_ty(schema, site, docs),
            other => self.fallback(site, Reason::UnknownType(other.to_owned()), docs),
        }
    }

    pub(super) fn array_ty(
        &mut self,
        schema: &Map<String, Value>,
        site: &Site,
        docs: &mut Docs,
    ) -> Ty {
        match schema.get("items") {
            Some(Value::Object(items)) if !items.is_empty() => {
                let item_site = site.child("items", format!("{}Item", site.type_name));
                let mut item_docs = Docs::default();
                let (ty, nullable) = self.ty(items, &item_site, &mut item_docs);
                docs.notes.extend(item_docs.notes);
                Ty::Vec(Box::new(nullable_if(nullable, unboxed(ty))))
            }
            _ => Ty::Vec(Box::new(Ty::Value)),
        }
    }
}
