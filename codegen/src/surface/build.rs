//! Model → surface: a walk from each operation's input and output types over every type they
//! reach, listing what the emitted code defines. Names, types and presence are read from the
//! model as `emit` prints them; nothing here decides a name or a type.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::items::{Item, ItemKind, OperationSurface, Surface};
use crate::model::{
    Def, DefKind, DocumentKind, Field, INSERT_ADDITIONAL, MAP_INSERT, Model, OperationModel,
    Presence, Role, Setter, StructBody, Ty,
};
use crate::pointer;

/// The surface of `model`. `operation_names` are the wire names of the document's elements
/// by index (`OperationDoc::index`): a type's identity is its schema node's pointer with the
/// element's index replaced by its name, so that operations added before it do not change it.
pub fn of_model(model: &Model, operation_names: &[String]) -> Surface {
    let identities = identities(model, operation_names);
    let operations = model
        .operations
        .iter()
        .map(|op| {
            let mut walk = Walk {
                model,
                identities: &identities,
                op,
                items: BTreeMap::new(),
                visited: HashSet::new(),
            };
            walk.operation();
            OperationSurface {
                wire: op.wire.clone(),
                input: model.defs[op.input].name.clone(),
                items: walk.items,
            }
        })
        .collect();
    Surface {
        kind: model.kind,
        operations,
    }
}

/// Each type's identity: its pointer, element index replaced by the operation's name; the
/// operations' own types first, then the rest in model order, a second type at one pointer
/// (an output alias and the type it wraps) numbered `#2`.
fn identities(model: &Model, operation_names: &[String]) -> Vec<String> {
    let mut order: Vec<usize> = model
        .operations
        .iter()
        .flat_map(|op| [op.input, op.output])
        .collect();
    order.extend(0..model.defs.len());
    let mut identities = vec![String::new(); model.defs.len()];
    let mut assigned = HashSet::new();
    let mut used: HashMap<String, usize> = HashMap::new();
    for index in order {
        if !assigned.insert(index) {
            continue;
        }
        let base = named_pointer(&model.defs[index].pointer, operation_names);
        let count = used.entry(base.clone()).or_insert(0);
        *count += 1;
        // `t:` keeps types apart from the fields at the same pointer (`f:`).
        identities[index] = if *count == 1 {
            format!("t:{base}")
        } else {
            format!("t:{base}#{count}")
        };
    }
    identities
}

/// `/elements/3/inputSchema/properties/to` → `send_sms/inputSchema/properties/to`.
fn named_pointer(pointer: &str, operation_names: &[String]) -> String {
    let Some(rest) = pointer.strip_prefix("/elements/") else {
        return pointer.to_owned();
    };
    let (index, tail) = rest.split_once('/').unwrap_or((rest, ""));
    match index
        .parse::<usize>()
        .ok()
        .and_then(|i| operation_names.get(i))
    {
        Some(name) => format!("{}/{tail}", pointer::escape(name)),
        None => pointer.to_owned(),
    }
}

struct Walk<'a> {
    model: &'a Model,
    identities: &'a [String],
    op: &'a OperationModel,
    items: BTreeMap<String, Item>,
    visited: HashSet<usize>,
}

impl Walk<'_> {
    fn operation(&mut self) {
        let (input, output) = (self.op.input, self.op.output);
        self.def(input, "");
        self.def(output, "");
        let input_name = &self.model.defs[input].name;
        let input_id = &self.identities[input];
        let (trait_name, associated) = match self.model.kind {
            DocumentKind::Connector => ("Operation", "Output"),
            DocumentKind::Trigger => ("Trigger", "Event"),
        };
        self.push(Item {
            path: format!("impl {trait_name} for {input_name}"),
            kind: ItemKind::Impl,
            role: Role::Input,
            ty: format!("{associated} = {}", self.rust(&Ty::Named(output))),
            required: false,
            node: format!("operation `{}`", self.op.wire),
            identity: format!("i:{input_id}"),
            owner: Some(input_id.clone()),
            sets: None,
            shape: format!("{associated} = {}", self.shape(&Ty::Named(output))),
        });
        for lookup in &self.op.lookups {
            let params = |render: &dyn Fn(&Ty) -> String| {
                let list: Vec<String> = lookup
                    .params
                    .iter()
                    .map(|p| match &p.ty {
                        Some(ty) => format!("{}: impl Into<{}>", p.rust, render(ty)),
                        None => format!("{}: impl Into<Value>", p.rust),
                    })
                    .collect();
                format!("fn({}) -> Lookup", list.join(", "))
            };
            self.push(Item {
                path: format!("{input_name}::{}", lookup.function),
                kind: ItemKind::Lookup,
                role: Role::Input,
                ty: params(&|ty| self.rust(ty)),
                required: false,
                node: format!("the lookup of input `{}`", lookup.property),
                identity: format!("l:{input_id}/{}", lookup.property),
                owner: Some(input_id.clone()),
                sets: None,
                shape: params(&|ty| self.shape(ty)),
            });
        }
    }

    fn push(&mut self, item: Item) {
        // Paths are unique in generated code: the first one stands.
        self.items.entry(item.path.clone()).or_insert(item);
    }

    /// What the node at `wire` (a path of wire names; empty for the operation's own types)
    /// is, in words.
    fn node(&self, role: Role, wire: &str) -> String {
        let side = match (role, self.model.kind) {
            (Role::Input, _) => "input",
            (Role::Output, DocumentKind::Connector) => "output",
            (Role::Output, DocumentKind::Trigger) => "event",
        };
        if wire.is_empty() {
            format!("the {side} of `{}`", self.op.wire)
        } else {
            format!("{side} `{wire}`")
        }
    }

    /// Lists the type `index` and its members, then the types they reach.
    fn def(&mut self, index: usize, wire: &str) {
        if !self.visited.insert(index) {
            return;
        }
        let model = self.model;
        let def = &model.defs[index];
        let id = self.identities[index].clone();
        let (kind, ty, shape) = match &def.kind {
            DefKind::Struct(_) | DefKind::InputStruct { .. } => {
                (ItemKind::Struct, "struct".into(), "struct".into())
            }
            DefKind::StringEnum { .. } => (ItemKind::Enum, "enum".into(), "enum".into()),
            DefKind::Untagged { .. } => (
                ItemKind::UntaggedEnum,
                "enum (untagged)".into(),
                "enum (untagged)".into(),
            ),
            DefKind::MapNewtype { .. } => (
                ItemKind::MapNewtype,
                "struct (Map<String, Value>)".into(),
                "struct (Map<String, Value>)".into(),
            ),
            DefKind::Alias(ty) => (
                ItemKind::Alias,
                format!("= {}", self.rust(ty)),
                format!("= {}", self.shape(ty)),
            ),
        };
        let node = self.node(def.role, wire);
        self.push(Item {
            path: def.name.clone(),
            kind,
            role: def.role,
            ty,
            required: false,
            node: node.clone(),
            identity: id.clone(),
            owner: None,
            sets: None,
            shape,
        });
        let member = |path: String, kind, ty: String, shape: String, node: String| Item {
            path,
            kind,
            role: def.role,
            ty,
            required: false,
            node,
            identity: String::new(),
            owner: Some(id.clone()),
            sets: None,
            shape,
        };
        match &def.kind {
            DefKind::Struct(body) | DefKind::InputStruct { body, .. } => {
                let StructBody {
                    fields,
                    additional,
                    extra,
                    ..
                } = body;
                let setters = match &def.kind {
                    DefKind::InputStruct { builder, .. } => Some(&builder.setters),
                    _ => None,
                };
                let builder = setters.is_some();
                for (i, field) in fields.iter().enumerate() {
                    let field_wire = join(wire, &field.wire);
                    let setter = setters.and_then(|setters| setters.get(i));
                    self.field(def, &id, field, setter, &field_wire);
                    self.reach(&field.ty, &field_wire);
                }
                if let Some(additional) = additional {
                    let ty = format!("BTreeMap<String, {}>", self.rust(&additional.ty));
                    let shape = format!("BTreeMap<String, {}>", self.shape(&additional.ty));
                    let node = self.node(def.role, &join(wire, "*"));
                    let mut item = member(
                        format!("{}.{}", def.name, additional.rust),
                        ItemKind::Field,
                        ty,
                        shape,
                        node.clone(),
                    );
                    item.identity = format!("f:{id}#additional");
                    self.push(item);
                    if builder {
                        let value = self.rust(&additional.ty);
                        let value_shape = self.shape(&additional.ty);
                        let mut setter = member(
                            format!("{}::builder().{INSERT_ADDITIONAL}", def.name),
                            ItemKind::Setter,
                            format!("(impl Into<String>, impl Into<{value}>)"),
                            format!("(impl Into<String>, impl Into<{value_shape}>)"),
                            node,
                        );
                        setter.identity = format!("s:{id}#additional");
                        setter.sets = Some(format!("f:{id}#additional"));
                        self.push(setter);
                    }
                    self.reach(&additional.ty, &join(wire, "*"));
                }
                if let Some(extra) = extra {
                    let ty = "Map<String, Value>".to_owned();
                    let node = format!(
                        "{} (properties it does not list)",
                        self.node(def.role, wire)
                    );
                    let mut item = member(
                        format!("{}.{extra}", def.name),
                        ItemKind::Field,
                        ty.clone(),
                        ty,
                        node.clone(),
                    );
                    item.identity = format!("f:{id}#extra");
                    self.push(item);
                    if builder {
                        let ty = "(impl Into<String>, impl Into<Value>)".to_owned();
                        let mut setter = member(
                            format!("{}::builder().{extra}", def.name),
                            ItemKind::Setter,
                            ty.clone(),
                            ty,
                            node,
                        );
                        setter.identity = format!("s:{id}#extra");
                        setter.sets = Some(format!("f:{id}#extra"));
                        self.push(setter);
                    }
                }
            }
            DefKind::StringEnum { variants, unknown } => {
                for variant in variants {
                    let value = serde_json::Value::String(variant.wire.clone()).to_string();
                    let mut item = member(
                        format!("{}::{}", def.name, variant.rust),
                        ItemKind::Variant,
                        value.clone(),
                        value.clone(),
                        format!("value {value} of {node}"),
                    );
                    item.identity = format!("v:{id}/{}", pointer::escape(&variant.wire));
                    self.push(item);
                }
                if let Some(unknown) = unknown {
                    let ty = format!("{unknown}(String)");
                    let mut item = member(
                        format!("{}::{unknown}", def.name),
                        ItemKind::Variant,
                        ty.clone(),
                        "(String)".to_owned(),
                        format!("the values {node} does not list"),
                    );
                    item.identity = format!("v:{id}#unknown");
                    self.push(item);
                }
            }
            DefKind::Untagged { variants } => {
                for (name, ty) in variants {
                    let mut item = member(
                        format!("{}::{name}", def.name),
                        ItemKind::Variant,
                        format!("{name}({})", self.rust(ty)),
                        format!("({})", self.shape(ty)),
                        format!("the {name} alternative of {node}"),
                    );
                    item.identity = format!("v:{id}#{name}");
                    self.push(item);
                }
                for (_, ty) in variants {
                    self.reach(ty, wire);
                }
            }
            DefKind::MapNewtype { .. } => {
                let ty = "(impl Into<String>, impl Into<Value>)".to_owned();
                let mut setter = member(
                    format!("{}::builder().{MAP_INSERT}", def.name),
                    ItemKind::Setter,
                    ty.clone(),
                    ty,
                    node,
                );
                setter.identity = format!("s:{id}#insert");
                self.push(setter);
            }
            DefKind::Alias(ty) => self.reach(ty, wire),
        }
    }

    /// A struct's field, and its setters when the struct has a builder.
    fn field(
        &mut self,
        def: &Def,
        owner: &str,
        field: &Field,
        setter: Option<&Setter>,
        wire: &str,
    ) {
        let identity = format!("f:{owner}/{}", pointer::escape(&field.wire));
        let node = self.node(def.role, wire);
        let required = field.presence.is_required();
        let base = Item {
            path: format!("{}.{}", def.name, field.rust),
            kind: ItemKind::Field,
            role: def.role,
            ty: self.with_presence(field.presence, self.rust(&field.ty)),
            required,
            node,
            identity: identity.clone(),
            owner: Some(owner.to_owned()),
            sets: None,
            shape: self.with_presence(field.presence, self.shape(&field.ty)),
        };
        let Some(setter) = setter else {
            self.push(base);
            return;
        };
        let inner = self.rust(&field.ty);
        let inner_shape = self.shape(&field.ty);
        let maybe = setter.maybe();
        let setter = Item {
            path: format!("{}::builder().{}", def.name, setter.name),
            kind: ItemKind::Setter,
            ty: format!("impl Into<{inner}>"),
            identity: format!("s:{identity}"),
            sets: Some(identity.clone()),
            shape: format!("impl Into<{inner_shape}>"),
            ..base.clone()
        };
        // `maybe_x(Option<T>)` exists for optional inputs and for nullable required ones.
        let maybe = maybe.map(|maybe| Item {
            path: format!("{}::builder().{maybe}", def.name),
            kind: ItemKind::Setter,
            ty: format!("Option<{inner}>"),
            identity: format!("m:{identity}"),
            sets: Some(identity.clone()),
            shape: format!("Option<{inner_shape}>"),
            ..base.clone()
        });
        self.push(base);
        self.push(setter);
        if let Some(maybe) = maybe {
            self.push(maybe);
        }
    }

    /// Walks every generated type `ty` names, the node they stand for being `wire`.
    fn reach(&mut self, ty: &Ty, wire: &str) {
        match ty {
            Ty::Named(index) => self.def(*index, wire),
            Ty::Vec(item) => self.reach(item, &format!("{wire}[]")),
            Ty::Map(value) => self.reach(value, &join(wire, "*")),
            Ty::Boxed(inner) | Ty::Nullable(inner) => self.reach(inner, wire),
            _ => {}
        }
    }

    fn with_presence(&self, presence: Presence, ty: String) -> String {
        match presence {
            Presence::Required => ty,
            Presence::Optional | Presence::RequiredNullable => format!("Option<{ty}>"),
            Presence::OptionalNullable => format!("Option<Option<{ty}>>"),
        }
    }

    /// `ty` as code writes it.
    fn rust(&self, ty: &Ty) -> String {
        render(ty, &|index| self.model.defs[index].name.clone())
    }

    /// `ty` with generated types written as their identities.
    fn shape(&self, ty: &Ty) -> String {
        render(ty, &|index| format!("<{}>", self.identities[index]))
    }
}

fn join(wire: &str, key: &str) -> String {
    if wire.is_empty() {
        key.to_owned()
    } else {
        format!("{wire}.{key}")
    }
}

/// `ty` as Rust, generated types named by `named`.
fn render(ty: &Ty, named: &dyn Fn(usize) -> String) -> String {
    match ty {
        Ty::String => "String".into(),
        Ty::Secret => "Secret".into(),
        Ty::Integer => "i64".into(),
        Ty::Number => "f64".into(),
        Ty::Boolean => "bool".into(),
        Ty::Unit => "()".into(),
        Ty::Value => "Value".into(),
        Ty::JsonMap => "Map<String, Value>".into(),
        Ty::Vec(item) => format!("Vec<{}>", render(item, named)),
        Ty::Map(value) => format!("BTreeMap<String, {}>", render(value, named)),
        Ty::Named(index) => named(*index),
        Ty::Boxed(inner) => format!("Box<{}>", render(inner, named)),
        Ty::Nullable(inner) => format!("Option<{}>", render(inner, named)),
    }
}
