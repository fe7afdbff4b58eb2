//! Schema → model: what Rust types an operations document becomes, before any tokens.
//!
//! Schemas are read keyword by keyword from `serde_json::Value`: a keyword of an unexpected
//! shape is ignored, and a node that cannot be typed becomes `serde_json::Value` with the reason
//! recorded (it ends up in the docs and in `VALUE_FALLBACKS`). Nothing here fails.

use crate::docs;
use crate::document::{OperationDoc, OperationsDocument};
use crate::naming;
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};

/// Whether a type is sent (input) or received (output); outputs are lenient where inputs are
/// strict (enum catch-alls, the `extra` map).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Part of an operation's input.
    Input,
    /// Part of an operation's output.
    Output,
}

/// A Rust type, as the model sees it.
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    /// `String`.
    String,
    /// `tray_connect::Secret` (`format: password`).
    Secret,
    /// `i64`.
    Integer,
    /// `f64`.
    Number,
    /// `bool`.
    Boolean,
    /// `()` (a schema whose only type is `"null"`).
    Unit,
    /// `serde_json::Value`.
    Value,
    /// `Vec<T>`.
    Vec(Box<Ty>),
    /// `serde_json::Map<String, Value>` (a free-form object).
    JsonMap,
    /// `BTreeMap<String, T>` (an object whose values follow one schema).
    Map(Box<Ty>),
    /// A generated type, by index into [`Model::defs`].
    Named(usize),
    /// `Box<T>`: a struct edge inside a `$ref` cycle.
    Boxed(Box<Ty>),
}

/// How a property is present on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Always present, never null: `T`.
    Required,
    /// May be absent: `Option<T>`, left out when `None`.
    Optional,
    /// Always present, may be null: `Option<T>`, always serialised.
    RequiredNullable,
    /// May be absent or null: `Option<Option<T>>`.
    OptionalNullable,
}

impl Presence {
    fn of(required: bool, nullable: bool) -> Presence {
        match (required, nullable) {
            (true, false) => Presence::Required,
            (false, false) => Presence::Optional,
            (true, true) => Presence::RequiredNullable,
            (false, true) => Presence::OptionalNullable,
        }
    }

    /// Whether the builder tracks this input in its type.
    pub fn is_required(self) -> bool {
        matches!(self, Presence::Required | Presence::RequiredNullable)
    }
}

/// Documentation gathered from a schema node, not yet escaped for rustdoc.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Docs {
    /// `title`, or the operation title.
    pub title: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// Further facts: default, format, advanced, enum labels, lookup, fallbacks.
    pub notes: Vec<String>,
}

/// One property of a generated struct.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The Rust field (and setter) name.
    pub rust: String,
    /// The property name on the wire.
    pub wire: String,
    /// The type without the `Option` layers that `presence` adds.
    pub ty: Ty,
    /// Required or not, nullable or not.
    pub presence: Presence,
    /// The property's docs.
    pub docs: Docs,
}

/// One variant of a string enum.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// The Rust variant name.
    pub rust: String,
    /// The value on the wire.
    pub wire: String,
    /// Docs (from `enumLabels`).
    pub docs: Docs,
}

/// What a generated type is.
#[derive(Debug, Clone, PartialEq)]
pub enum DefKind {
    /// A struct with named fields.
    Struct {
        /// Required fields first (in `required` order), then the rest in document order.
        fields: Vec<Field>,
        /// `additionalProperties: <schema>` beside `properties`: flattened map of that type.
        additional: Option<Ty>,
        /// Outputs: the name of the catch-all map of unlisted fields.
        extra: Option<String>,
    },
    /// An enum of string values.
    StringEnum {
        /// The listed values.
        variants: Vec<Variant>,
        /// Outputs: the name of the catch-all variant that keeps unknown values.
        unknown: Option<String>,
    },
    /// `#[serde(untagged)]` enum of alternatives (from a `type` array), in the fixed order.
    Untagged {
        /// Variant name and type.
        variants: Vec<(String, Ty)>,
    },
    /// An input root that is not an object with properties: a transparent map newtype.
    MapNewtype,
    /// `pub type X = T;`
    Alias(Ty),
}

/// A generated type.
#[derive(Debug, Clone, PartialEq)]
pub struct Def {
    /// The Rust type name.
    pub name: String,
    /// Input or output.
    pub role: Role,
    /// Docs for the type.
    pub docs: Docs,
    /// What it is.
    pub kind: DefKind,
    /// Input structs and map newtypes: the builder's name.
    pub builder: Option<String>,
    /// The wire name of the operation this type belongs to.
    pub operation: String,
}

/// One expanded operation.
#[derive(Debug, Clone, PartialEq)]
pub struct OperationModel {
    /// The wire name.
    pub wire: String,
    /// The input type, by index into [`Model::defs`].
    pub input: usize,
    /// The output type, by index into [`Model::defs`].
    pub output: usize,
    /// Lookup functions to generate on the input type.
    pub lookups: Vec<LookupModel>,
}

/// A `{path}_lookup(..)` function: the call of a lookup operation that lists the valid values
/// of one input property.
#[derive(Debug, Clone, PartialEq)]
pub struct LookupModel {
    /// The Rust function name, e.g. `worksheet_name_lookup`.
    pub function: String,
    /// The property's path of wire names, e.g. `filter.column_heading`.
    pub property: String,
    /// The lookup operation's wire name.
    pub operation: String,
    /// The lookup input as written, templates included.
    pub input: Value,
    /// One parameter per distinct template name, in order of appearance.
    pub params: Vec<LookupParam>,
    /// Whether the lookup says it needs an authentication (`authRequired`).
    pub auth_required: bool,
}

/// A parameter of a lookup function: the input a template (`{{x}}` / `{{{x}}}`) names.
#[derive(Debug, Clone, PartialEq)]
pub struct LookupParam {
    /// The name inside the braces.
    pub template: String,
    /// The Rust parameter name.
    pub rust: String,
    /// The type of the input it names, or `None` (then `impl Into<Value>`).
    pub ty: Option<Ty>,
}

/// A lookup as found, resolved once the whole input is modelled.
struct LookupSite {
    /// The structs from the input root to the property's parent.
    chain: Vec<usize>,
    path: Vec<String>,
    operation: String,
    input: Value,
    auth_required: bool,
}

/// `{{name}}` or `{{{name}}}` filling a whole string: the name.
pub fn template_name(text: &str) -> Option<&str> {
    let text = text.trim();
    let inner = text
        .strip_prefix("{{{")
        .and_then(|t| t.strip_suffix("}}}"))
        .or_else(|| text.strip_prefix("{{").and_then(|t| t.strip_suffix("}}")))?;
    let inner = inner.trim();
    (!inner.is_empty() && !inner.contains(['{', '}'])).then_some(inner)
}

/// The pieces of a string with templates inside (`"a {{x}} b"`): literal text and names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplatePiece<'a> {
    /// Text sent as is.
    Text(&'a str),
    /// A template, by the name inside its braces.
    Name(&'a str),
}

/// Splits a string into literal text and `{{x}}` / `{{{x}}}` templates.
pub fn template_pieces(text: &str) -> Vec<TemplatePiece<'_>> {
    let mut pieces = Vec::new();
    let mut text_start = 0;
    let mut at = 0;
    while let Some(found) = text[at..].find("{{") {
        let start = at + found;
        let triple = text[start..].starts_with("{{{");
        let (open, close) = if triple { (3, "}}}") } else { (2, "}}") };
        let inner = start + open;
        let Some(len) = text[inner..].find(close) else {
            break;
        };
        let name = text[inner..inner + len].trim();
        if name.is_empty() || name.contains(['{', '}']) {
            at = inner;
            continue;
        }
        if start > text_start {
            pieces.push(TemplatePiece::Text(&text[text_start..start]));
        }
        pieces.push(TemplatePiece::Name(name));
        at = inner + len + close.len();
        text_start = at;
    }
    if text_start < text.len() {
        pieces.push(TemplatePiece::Text(&text[text_start..]));
    }
    pieces
}

fn collect_templates<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::String(s) => {
            for piece in template_pieces(s) {
                if let TemplatePiece::Name(name) = piece
                    && !out.contains(&name)
                {
                    out.push(name);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_templates(v, out)),
        Value::Object(map) => map.values().for_each(|v| collect_templates(v, out)),
        _ => {}
    }
}

/// Everything one `connector!` expands to.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// The connector name.
    pub connector: String,
    /// The connector version.
    pub version: String,
    /// The expanded operations, in document order.
    pub operations: Vec<OperationModel>,
    /// Every generated type.
    pub defs: Vec<Def>,
    /// `"<json pointer>: <reason>"` for every node typed as `Value`.
    pub value_fallbacks: Vec<String>,
}

/// Types nest at most this deep before the rest becomes `Value`. DESIGN §4 says 64, but rustc
/// evaluates auto traits (`Send`, `Freeze`) through every level and overflows its default
/// recursion limit of 128 at about 25 nested `Vec`s, so code nested deeper would not compile.
const MAX_DEPTH: usize = 24;

/// Builds the model of `operations` (indices into the document's operations).
pub fn build(
    connector: &str,
    version: &str,
    document: &OperationsDocument,
    operations: &[usize],
) -> Model {
    let mut builder = ModelBuilder {
        current_op: String::new(),
        root: Value::Null,
        refs: HashMap::new(),
        pending_ref: None,
        lookups: Vec::new(),
        struct_chain: Vec::new(),
        path: Vec::new(),
        defs: Vec::new(),
        value_fallbacks: Vec::new(),
        type_names: HashSet::new(),
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
        "",
        &mut builder.type_names,
    );
    let output_names: Vec<String> = input_names
        .iter()
        .map(|name| builder.claim(&format!("{name}Output")))
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
    Model {
        connector: connector.to_owned(),
        version: version.to_owned(),
        operations: models,
        defs: builder.defs,
        value_fallbacks: builder.value_fallbacks,
    }
}

/// Where in the document a schema node is, and what its type would be called.
#[derive(Clone)]
struct Site {
    pointer: String,
    type_name: String,
    role: Role,
    depth: usize,
    /// The operation root: its pointer (`/elements/0/inputSchema`) and type name.
    root: (String, String),
}

impl Site {
    fn root(pointer: String, type_name: String, role: Role) -> Site {
        Site {
            root: (pointer.clone(), type_name.clone()),
            pointer,
            type_name,
            role,
            depth: 0,
        }
    }

    /// `key` may hold several `/`-separated segments, each already escaped.
    fn child(&self, key: &str, type_name: String) -> Site {
        let key = if key.contains('/') {
            key.to_owned()
        } else {
            escape_pointer(key)
        };
        Site {
            pointer: format!("{}/{key}", self.pointer),
            type_name,
            role: self.role,
            depth: self.depth + 1,
            root: self.root.clone(),
        }
    }

    fn root_pointer(&self) -> &str {
        &self.root.0
    }

    fn root_name(&self) -> &str {
        &self.root.1
    }
}

fn escape_pointer(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// The member types a `type` keyword lists, with `""` dropped and `"null"` split off.
struct TypeSet {
    members: Vec<String>,
    nullable: bool,
}

fn type_set(schema: &Map<String, Value>) -> TypeSet {
    let mut members = Vec::new();
    let mut nullable = schema.get("nullable").and_then(Value::as_bool) == Some(true);
    let mut push = |t: &str| match t {
        "" => {}
        "null" => nullable = true,
        other => {
            if !members.iter().any(|m: &String| m == other) {
                members.push(other.to_owned());
            }
        }
    };
    match schema.get("type") {
        Some(Value::String(t)) => push(t),
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).for_each(push),
        _ => {}
    }
    TypeSet { members, nullable }
}

fn text(schema: &Map<String, Value>, key: &str) -> Option<String> {
    schema
        .get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// Order of the alternatives of an untagged enum from a `type` array (DESIGN §4).
const UNTAGGED_ORDER: &[(&str, &str)] = &[
    ("boolean", "Boolean"),
    ("integer", "Integer"),
    ("number", "Number"),
    ("string", "String"),
    ("array", "Array"),
    ("object", "Object"),
];

/// How far a `$ref` target has been typed.
#[derive(Clone)]
enum RefState {
    /// Being typed; the struct it became so far, if any (a cycle back to it is boxed).
    InProgress(Option<usize>),
    /// Typed.
    Done(Ty, bool),
}

struct ModelBuilder {
    current_op: String,
    /// The schema `$ref`s resolve against (the operation's input or output schema).
    root: Value,
    /// `$ref` targets by absolute pointer, so each is typed once.
    refs: HashMap<String, RefState>,
    /// The `$ref` target whose struct may be created next: its key and the pointer of the
    /// site that would define it (see `struct_def`).
    pending_ref: Option<(String, String)>,
    /// Lookups found while modelling the current operation's input.
    lookups: Vec<LookupSite>,
    /// Structs from the operation root to the one being modelled.
    struct_chain: Vec<usize>,
    /// Wire names from the operation root to the property being modelled.
    path: Vec<String>,
    defs: Vec<Def>,
    value_fallbacks: Vec<String>,
    type_names: HashSet<String>,
}

impl ModelBuilder {
    /// Claims a type name, numbering it (`Name2`, `Name3`) when taken.
    fn claim(&mut self, candidate: &str) -> String {
        if self.type_names.insert(candidate.to_owned()) {
            return candidate.to_owned();
        }
        (2..)
            .map(|n| format!("{candidate}{n}"))
            .find(|name| self.type_names.insert(name.clone()))
            .expect("an unbounded range always yields a free name")
    }

    /// Turns the lookups found in the current input into functions: each template names an
    /// input, looked up among the property's siblings first, then each ancestor's.
    fn resolve_lookups(&mut self) -> Vec<LookupModel> {
        let sites = std::mem::take(&mut self.lookups);
        let mut functions = HashSet::new();
        let mut out = Vec::with_capacity(sites.len());
        for site in sites {
            let mut templates = Vec::new();
            collect_templates(&site.input, &mut templates);
            let mut taken = HashSet::new();
            let rust_names = naming::field_names(&templates, &mut taken);
            let params =
                templates
                    .iter()
                    .zip(rust_names)
                    .map(|(template, rust)| LookupParam {
                        template: (*template).to_owned(),
                        rust,
                        ty: site.chain.iter().rev().find_map(|&index| {
                            match &self.defs[index].kind {
                                DefKind::Struct { fields, .. } => fields
                                    .iter()
                                    .find(|f| f.wire == *template)
                                    .map(|f| f.ty.clone()),
                                _ => None,
                            }
                        }),
                    })
                    .collect();
            let base = format!("{}_lookup", naming::snake(&site.path.join("_")));
            let function = (1..)
                .map(|n| {
                    if n == 1 {
                        base.clone()
                    } else {
                        format!("{base}_{n}")
                    }
                })
                .find(|name| functions.insert(name.clone()))
                .expect("an unbounded range always yields a free name");
            out.push(LookupModel {
                function,
                property: site.path.join("."),
                operation: site.operation,
                input: site.input,
                params,
                auth_required: site.auth_required,
            });
        }
        out
    }

    /// An operation's root struct, registered as the target of `{"$ref": "#"}` so that a
    /// reference to the root reuses (and boxes) it.
    fn root_struct(&mut self, schema: &Map<String, Value>, site: &Site, docs: Docs) -> usize {
        let key = format!("{}#", site.root_pointer());
        self.refs.insert(key.clone(), RefState::InProgress(None));
        self.pending_ref = Some((key.clone(), site.pointer.clone()));
        let index = self.struct_def(schema, site, docs);
        self.pending_ref = None;
        self.refs
            .insert(key, RefState::Done(Ty::Named(index), false));
        index
    }

    /// Records a property's `lookup` (key `operation`, or the legacy `message`).
    fn note_lookup(&mut self, property: &Map<String, Value>) {
        let Some(lookup) = property.get("lookup").and_then(Value::as_object) else {
            return;
        };
        let operation = lookup
            .get("operation")
            .or_else(|| lookup.get("message"))
            .and_then(Value::as_str);
        let Some(operation) = operation.filter(|o| !o.is_empty()) else {
            return;
        };
        self.lookups.push(LookupSite {
            chain: self.struct_chain.clone(),
            path: self.path.clone(),
            operation: operation.to_owned(),
            input: lookup
                .get("input")
                .cloned()
                .unwrap_or_else(|| Value::Object(Map::new())),
            auth_required: lookup.get("authRequired").and_then(Value::as_bool) == Some(true),
        });
    }

    /// The name of the type defined at `site`: operation roots were reserved up front.
    fn def_name(&mut self, site: &Site) -> String {
        if site.depth == 0 {
            site.type_name.clone()
        } else {
            self.claim(&site.type_name)
        }
    }

    fn push(&mut self, mut def: Def) -> usize {
        def.operation.clone_from(&self.current_op);
        self.defs.push(def);
        self.defs.len() - 1
    }

    fn fallback(&mut self, site: &Site, reason: &str, docs: &mut Docs) -> Ty {
        let at = if site.pointer.is_empty() {
            "/"
        } else {
            &site.pointer
        };
        self.value_fallbacks.push(format!("{at}: {reason}"));
        docs.notes.push(format!("Typed as JSON `Value`: {reason}."));
        Ty::Value
    }

    fn operation_docs(op: &OperationDoc) -> Docs {
        Docs {
            title: op.title.clone(),
            description: op.description.clone(),
            notes: vec![format!("Operation `{}`.", docs::code(&op.name))],
        }
    }

    fn input_root(&mut self, op: &OperationDoc, name: String) -> usize {
        let site = Site::root(
            format!("{}/inputSchema", op.pointer()),
            name.clone(),
            Role::Input,
        );
        let docs = Self::operation_docs(op);
        self.root = op.input_schema.clone();
        match op.input_schema.as_object() {
            Some(schema) if schema.get("properties").is_some_and(Value::is_object) => {
                self.root_struct(schema, &site, docs)
            }
            _ => {
                let builder = Some(self.claim(&format!("{name}Builder")));
                self.push(Def {
                    name,
                    role: Role::Input,
                    docs,
                    kind: DefKind::MapNewtype,
                    builder,
                    operation: String::new(),
                })
            }
        }
    }

    fn output_root(&mut self, op: &OperationDoc, name: String) -> usize {
        let site = Site::root(
            format!("{}/outputSchema", op.pointer()),
            name.clone(),
            Role::Output,
        );
        let mut docs = Docs::default();
        self.root = op.output_schema.clone();
        let schema = op.output_schema.as_object().filter(|s| !s.is_empty());
        let ty = match schema {
            _ if op.has_dynamic_output => self.fallback(
                &site,
                "the operation has dynamic output (`hasDynamicOutput`); \
                 `Client::output_schema` asks Tray for the schema of one input",
                &mut docs,
            ),
            None => self.fallback(&site, "the document gives no output schema", &mut docs),
            Some(schema) => {
                if let Some(description) = text(schema, "description") {
                    docs.description = Some(description);
                }
                let ty = if schema.get("properties").is_some_and(Value::is_object) {
                    Ty::Named(self.root_struct(schema, &site, Docs::default()))
                } else {
                    self.ty(schema, &site, &mut Docs::default()).0
                };
                if let Ty::Named(index) = ty
                    && self.defs[index].name == name
                {
                    return index;
                }
                ty
            }
        };
        self.push(Def {
            name,
            role: Role::Output,
            docs,
            kind: DefKind::Alias(ty),
            builder: None,
            operation: String::new(),
        })
    }

    /// The type of a schema node. Returns the type and whether the node admits `null`;
    /// notes for the enclosing field go into `docs`.
    fn ty(&mut self, schema: &Map<String, Value>, site: &Site, docs: &mut Docs) -> (Ty, bool) {
        let types = type_set(schema);
        let nullable = types.nullable;
        if site.depth > MAX_DEPTH {
            let reason = format!("nested deeper than {MAX_DEPTH} levels");
            return (self.fallback(site, &reason, docs), nullable);
        }
        if let Some(Value::String(reference)) = schema.get("$ref") {
            let (ty, ref_nullable) = self.ref_ty(reference, site, docs);
            return (ty, nullable || ref_nullable);
        }
        for keyword in ["const", "not"] {
            if schema.contains_key(keyword) {
                let reason = format!("`{keyword}` has no Rust type");
                return (self.fallback(site, &reason, docs), nullable);
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
            return (self.all_of_ty(parts, schema, site, docs), nullable);
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            return (self.enum_ty(schema, values, &types, site, docs), nullable);
        }
        let ty = match types.members.as_slice() {
            [] if schema.get("properties").is_some_and(Value::is_object) => {
                self.object_ty(schema, site, docs)
            }
            [] if nullable => Ty::Unit,
            [] => self.fallback(site, "the schema gives no `type`", docs),
            [single] => self.single_ty(single, schema, site, docs),
            _ => self.untagged_ty(&types.members, schema, site, docs),
        };
        (ty, nullable)
    }

    fn single_ty(
        &mut self,
        t: &str,
        schema: &Map<String, Value>,
        site: &Site,
        docs: &mut Docs,
    ) -> Ty {
        match t {
            "string" => {
                if let Some(format) = text(schema, "format") {
                    docs.notes
                        .push(format!("Format: `{}`.", docs::code(&format)));
                    if format == "password" {
                        return Ty::Secret;
                    }
                }
                Ty::String
            }
            "integer" => Ty::Integer,
            "number" => Ty::Number,
            "boolean" => Ty::Boolean,
            "null" => Ty::Unit,
            "array" => self.array_ty(schema, site, docs),
            "object" => self.object_ty(schema, site, docs),
            other => {
                let reason = format!("unknown type `{}`", docs::code(other));
                self.fallback(site, &reason, docs)
            }
        }
    }

    fn array_ty(&mut self, schema: &Map<String, Value>, site: &Site, docs: &mut Docs) -> Ty {
        match schema.get("items") {
            Some(Value::Object(items)) if !items.is_empty() => {
                let item_site = site.child("items", format!("{}Item", site.type_name));
                let mut item_docs = Docs::default();
                let (ty, nullable) = self.ty(items, &item_site, &mut item_docs);
                docs.notes.extend(item_docs.notes);
                if nullable && ty != Ty::Unit {
                    // `Vec<Option<T>>` would be honest but heavy; items that may be null are kept
                    // as JSON so nothing is lost.
                    let reason = "array items may be `null`";
                    return Ty::Vec(Box::new(self.fallback(&item_site, reason, docs)));
                }
                Ty::Vec(Box::new(ty))
            }
            _ => Ty::Vec(Box::new(Ty::Value)),
        }
    }

    fn object_ty(&mut self, schema: &Map<String, Value>, site: &Site, docs: &mut Docs) -> Ty {
        if schema.get("properties").is_some_and(Value::is_object) {
            let index = self.struct_def(schema, site, Docs::default());
            return Ty::Named(index);
        }
        match schema.get("additionalProperties") {
            Some(Value::Object(values)) if !values.is_empty() => {
                let value_site =
                    site.child("additionalProperties", format!("{}Value", site.type_name));
                let (ty, nullable) = self.ty(values, &value_site, docs);
                if nullable {
                    return Ty::JsonMap;
                }
                Ty::Map(Box::new(ty))
            }
            _ => Ty::JsonMap,
        }
    }

    fn enum_ty(
        &mut self,
        schema: &Map<String, Value>,
        values: &[Value],
        types: &TypeSet,
        site: &Site,
        docs: &mut Docs,
    ) -> Ty {
        let listed = values
            .iter()
            .map(|v| match v {
                Value::String(s) => format!("`{}`", docs::code(s)),
                other => format!("`{}`", docs::code(&other.to_string())),
            })
            .collect::<Vec<_>>()
            .join(", ");
        let values: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
        if values.iter().all(|v| v.is_string()) && !values.is_empty() {
            let strings: Vec<&str> = values.iter().filter_map(|v| v.as_str()).collect();
            return Ty::Named(self.string_enum(schema, &strings, site));
        }
        docs.notes.push(format!("One of: {listed}."));
        if values.iter().all(|v| v.is_i64() || v.is_u64()) && !values.is_empty() {
            return if types.members.iter().any(|t| t == "number") {
                Ty::Number
            } else {
                Ty::Integer
            };
        }
        if values.iter().all(|v| v.is_number()) && !values.is_empty() {
            return Ty::Number;
        }
        if values.iter().all(|v| v.is_boolean()) && !values.is_empty() {
            return Ty::Boolean;
        }
        self.fallback(site, "the `enum` mixes value types", docs)
    }

    fn string_enum(&mut self, schema: &Map<String, Value>, values: &[&str], site: &Site) -> usize {
        let mut unique: Vec<&str> = Vec::new();
        for v in values {
            if !unique.contains(v) {
                unique.push(v);
            }
        }
        let labels: Vec<Option<String>> = match schema.get("enumLabels").and_then(Value::as_array) {
            Some(labels) => {
                let labels = labels.iter().map(|l| l.as_str().map(str::to_owned));
                let mut labels: Vec<_> = labels.collect();
                labels.resize(values.len(), None);
                // Labels run parallel to the original values, duplicates included.
                unique
                    .iter()
                    .map(|u| {
                        let position = values.iter().position(|v| v == u)?;
                        labels[position].clone()
                    })
                    .collect()
            }
            None => vec![None; unique.len()],
        };
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
            if variants.iter().any(|v| v.rust == "Unknown") {
                "Unknown_".to_owned()
            } else {
                "Unknown".to_owned()
            }
        });
        let name = self.def_name(site);
        let docs = node_docs(schema);
        self.push(Def {
            name,
            role: site.role,
            docs,
            kind: DefKind::StringEnum { variants, unknown },
            builder: None,
            operation: String::new(),
        })
    }

    fn untagged_ty(
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
            let reason = format!("unknown type `{}` in a `type` array", docs::code(unknown));
            return self.fallback(site, &reason, docs);
        }
        // The enum takes the site's name; its members are named after it.
        let name = self.def_name(site);
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
        let index = self.push(Def {
            name,
            role: site.role,
            docs: node_docs(schema),
            kind: DefKind::Untagged { variants },
            builder: None,
            operation: String::new(),
        });
        Ty::Named(index)
    }

    /// The type of a `$ref` target: typed once per target, boxed on a struct cycle, `Value`
    /// when dangling or when a cycle has no struct in between.
    fn ref_ty(&mut self, reference: &str, site: &Site, docs: &mut Docs) -> (Ty, bool) {
        let Some(pointer) = local_pointer(reference) else {
            let reason = format!(
                "`$ref` `{}` is not a local JSON pointer",
                docs::code(reference)
            );
            return (self.fallback(site, &reason, docs), false);
        };
        let key = format!("{}#{pointer}", site.root_pointer());
        match self.refs.get(&key).cloned() {
            Some(RefState::Done(ty, nullable)) => return (ty, nullable),
            Some(RefState::InProgress(Some(index))) => {
                return (Ty::Boxed(Box::new(Ty::Named(index))), false);
            }
            Some(RefState::InProgress(None)) => {
                let reason = format!(
                    "`$ref` `{}` refers back to itself with no object in between",
                    docs::code(reference)
                );
                return (self.fallback(site, &reason, docs), false);
            }
            None => {}
        }
        let Some(Value::Object(target)) = resolve_pointer(&self.root, &pointer).cloned() else {
            let reason = format!("`$ref` `{}` points at nothing", docs::code(reference));
            return (self.fallback(site, &reason, docs), false);
        };
        let last = pointer.rsplit('/').next().unwrap_or_default();
        let root_name = site.root_name();
        let target_site = Site {
            pointer: format!("{}{}", site.root_pointer(), pointer),
            type_name: format!("{root_name}{}", naming::pascal_part(&unescape(last))),
            role: site.role,
            depth: site.depth + 1,
            root: site.root.clone(),
        };
        self.refs.insert(key.clone(), RefState::InProgress(None));
        self.pending_ref = Some((key.clone(), target_site.pointer.clone()));
        let mut target_docs = node_docs(&target);
        let (ty, nullable) = self.ty(&target, &target_site, &mut target_docs);
        self.pending_ref = None;
        docs.notes.extend(target_docs.notes);
        self.refs.insert(key, RefState::Done(ty.clone(), nullable));
        (ty, nullable)
    }

    /// `oneOf` / `anyOf`: an untagged enum of the alternatives that can be typed, with an
    /// `Other(Value)` catch-all when some cannot; `Value` when none can.
    fn alternatives_ty(
        &mut self,
        keyword: &str,
        alternatives: &[Value],
        schema: &Map<String, Value>,
        site: &Site,
        docs: &mut Docs,
    ) -> (Ty, bool) {
        let mut typed: Vec<(String, Ty)> = Vec::new();
        let mut untyped = 0;
        let mut nullable = false;
        let mut originals: Vec<String> = Vec::new();
        for (i, alternative) in alternatives.iter().enumerate() {
            let Value::Object(alternative) = alternative else {
                untyped += 1;
                continue;
            };
            if type_set(alternative).members.is_empty() && alternative.get("type").is_some() {
                // `{"type": "null"}`: the whole node admits null.
                nullable = true;
                continue;
            }
            originals.push(alternative_name(alternative, i));
        }
        let names =
            naming::variant_names(&originals.iter().map(String::as_str).collect::<Vec<_>>());
        let mut names = names.into_iter();
        let fallbacks_before = self.value_fallbacks.len();
        for (i, alternative) in alternatives.iter().enumerate() {
            let Value::Object(alternative) = alternative else {
                continue;
            };
            if type_set(alternative).members.is_empty() && alternative.get("type").is_some() {
                continue;
            }
            let variant = names.next().unwrap_or_else(|| format!("Variant{i}"));
            let alt_site = site.child(
                &format!("{keyword}/{i}"),
                format!("{}{variant}", site.type_name),
            );
            let mut alt_docs = node_docs(alternative);
            let (ty, alt_nullable) = self.ty(alternative, &alt_site, &mut alt_docs);
            nullable |= alt_nullable;
            if ty == Ty::Value {
                untyped += 1;
            } else {
                typed.push((variant, ty));
            }
        }
        // Alternatives typed as Value are covered by the catch-all, not listed one by one.
        self.value_fallbacks.truncate(fallbacks_before);
        match (typed.len(), untyped) {
            (0, _) => {
                let reason = format!("no alternative of `{keyword}` can be typed");
                (self.fallback(site, &reason, docs), nullable)
            }
            (1, 0) => (typed.remove(0).1, nullable),
            _ => {
                if untyped > 0 {
                    let reason = format!(
                        "{untyped} alternative(s) of `{keyword}` cannot be typed; the `Other` variant keeps them"
                    );
                    self.value_fallbacks
                        .push(format!("{}: {reason}", site.pointer));
                    let mut taken: Vec<&str> = typed.iter().map(|(n, _)| n.as_str()).collect();
                    let other = if taken.contains(&"Other") {
                        "Other_"
                    } else {
                        "Other"
                    };
                    taken.push(other);
                    typed.push((other.to_owned(), Ty::Value));
                }
                let name = self.def_name(site);
                let index = self.push(Def {
                    name,
                    role: site.role,
                    docs: node_docs(schema),
                    kind: DefKind::Untagged { variants: typed },
                    builder: None,
                    operation: String::new(),
                });
                (Ty::Named(index), nullable)
            }
        }
    }

    /// `allOf`: one merged struct when every part is an object (`$ref`s followed), else `Value`.
    fn all_of_ty(
        &mut self,
        parts: &[Value],
        schema: &Map<String, Value>,
        site: &Site,
        docs: &mut Docs,
    ) -> Ty {
        let mut merged = schema.clone();
        merged.remove("allOf");
        let mut properties = merged
            .remove("properties")
            .and_then(|p| {
                if let Value::Object(p) = p {
                    Some(p)
                } else {
                    None
                }
            })
            .unwrap_or_default();
        let mut required: Vec<Value> = merged
            .remove("required")
            .and_then(|r| {
                if let Value::Array(r) = r {
                    Some(r)
                } else {
                    None
                }
            })
            .unwrap_or_default();
        for part in parts {
            let mut part = part.clone();
            // Follow chains of $ref (bounded, so a $ref cycle cannot loop).
            for _ in 0..MAX_DEPTH {
                let Some(target) = part
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(local_pointer)
                    .and_then(|p| resolve_pointer(&self.root, &p).cloned())
                else {
                    break;
                };
                part = target;
            }
            let Value::Object(part) = part else {
                return self.fallback(site, "an `allOf` part is not a schema object", docs);
            };
            let is_object = part.get("properties").is_some_and(Value::is_object)
                || type_set(&part).members == ["object"];
            if !is_object || part.contains_key("$ref") || part.contains_key("allOf") {
                return self.fallback(site, "`allOf` mixes parts that are not objects", docs);
            }
            if let Some(Value::Object(p)) = part.get("properties") {
                for (k, v) in p {
                    properties.insert(k.clone(), v.clone());
                }
            }
            if let Some(Value::Array(r)) = part.get("required") {
                required.extend(r.iter().cloned());
            }
        }
        merged.insert("type".to_owned(), Value::String("object".to_owned()));
        merged.insert("properties".to_owned(), Value::Object(properties));
        merged.insert("required".to_owned(), Value::Array(required));
        self.object_ty(&merged, site, docs)
    }

    fn struct_def(&mut self, schema: &Map<String, Value>, site: &Site, docs: Docs) -> usize {
        let name = self.def_name(site);
        let builder = (site.role == Role::Input).then(|| self.claim(&format!("{name}Builder")));
        // Reserve the slot first so nested types come after their parent in the output.
        let index = self.push(Def {
            name: name.clone(),
            role: site.role,
            docs: Docs::default(),
            kind: DefKind::Alias(Ty::Value),
            builder,
            operation: String::new(),
        });
        if let Some((key, pointer)) = self.pending_ref.take() {
            if pointer == site.pointer {
                // A cycle back to this $ref target now boxes this struct.
                self.refs.insert(key, RefState::InProgress(Some(index)));
            } else {
                self.pending_ref = Some((key, pointer));
            }
        }
        let properties = schema.get("properties").and_then(Value::as_object);
        let empty = Map::new();
        let properties = properties.unwrap_or(&empty);

        let mut required: Vec<&str> = Vec::new();
        if let Some(list) = schema.get("required").and_then(Value::as_array) {
            for key in list.iter().filter_map(Value::as_str) {
                if properties.contains_key(key) && !required.contains(&key) {
                    required.push(key);
                }
            }
        }
        let advanced = advanced_list(schema);
        let mut order: Vec<&str> = required.clone();
        order.extend(
            properties
                .keys()
                .map(String::as_str)
                .filter(|k| !required.contains(k)),
        );

        let mut taken = HashSet::new();
        let rust_names = naming::field_names(&order, &mut taken);
        let mut fields = Vec::with_capacity(order.len());
        let mut properties_site = site.child("properties", String::new());
        // `properties` is a hop in the pointer, not a level of nesting.
        properties_site.depth = site.depth;
        self.struct_chain.push(index);
        for (wire, rust) in order.iter().zip(rust_names) {
            self.path.push((*wire).to_owned());
            let child_name = format!("{name}{}", naming::pascal_part(wire));
            let child_site = properties_site.child(wire, child_name);
            let (ty, nullable, field_docs) = match &properties[*wire] {
                Value::Object(property) => {
                    let mut field_docs = node_docs(property);
                    let (ty, nullable) = self.ty(property, &child_site, &mut field_docs);
                    field_notes(property, &mut field_docs);
                    if site.role == Role::Input {
                        self.note_lookup(property);
                    }
                    if advanced.contains(wire)
                        || property.get("advanced") == Some(&Value::Bool(true))
                    {
                        field_docs.notes.push("Advanced input.".to_owned());
                    }
                    (ty, nullable, field_docs)
                }
                Value::Bool(true) => {
                    let mut field_docs = Docs::default();
                    let ty = self.fallback(
                        &child_site,
                        "the schema is `true` (anything)",
                        &mut field_docs,
                    );
                    (ty, false, field_docs)
                }
                _ => {
                    let mut field_docs = Docs::default();
                    let ty = self.fallback(
                        &child_site,
                        "the property's schema is not an object",
                        &mut field_docs,
                    );
                    (ty, false, field_docs)
                }
            };
            self.path.pop();
            fields.push(Field {
                rust,
                wire: (*wire).to_owned(),
                presence: Presence::of(required.contains(wire), nullable),
                ty,
                docs: field_docs,
            });
        }

        self.struct_chain.pop();
        let additional = match schema.get("additionalProperties") {
            Some(Value::Object(values)) if !values.is_empty() => {
                let value_site = site.child("additionalProperties", format!("{name}Additional"));
                let (ty, nullable) = self.ty(values, &value_site, &mut Docs::default());
                Some(if nullable { Ty::Value } else { ty })
            }
            _ => None,
        };
        let extra = (site.role == Role::Output && additional.is_none())
            .then(|| naming::catch_all_name("extra", fields.iter().map(|f| f.rust.as_str())));
        let mut def_docs = docs;
        if def_docs.title.is_none() && def_docs.description.is_none() {
            def_docs = node_docs(schema);
        }
        let def = &mut self.defs[index];
        def.docs = def_docs;
        def.kind = DefKind::Struct {
            fields,
            additional,
            extra,
        };
        index
    }
}

/// The JSON pointer of a local `$ref` (`#/definitions/a%20b` → `/definitions/a b`), still
/// `~`-escaped per segment.
fn local_pointer(reference: &str) -> Option<String> {
    let rest = reference.strip_prefix('#')?;
    let decoded = percent_decode(rest)?;
    (decoded.is_empty() || decoded.starts_with('/')).then_some(decoded)
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

fn resolve_pointer<'a>(root: &'a Value, pointer: &str) -> Option<&'a Value> {
    if pointer.is_empty() {
        return Some(root);
    }
    let mut node = root;
    for segment in pointer.strip_prefix('/')?.split('/') {
        let segment = unescape(segment);
        node = match node {
            Value::Object(map) => map.get(&segment)?,
            Value::Array(items) => items.get(segment.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(node)
}

/// A readable variant name for a `oneOf`/`anyOf` alternative: its title, else its first
/// required (or first) property, else its type.
fn alternative_name(alternative: &Map<String, Value>, index: usize) -> String {
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
    match type_set(alternative).members.first() {
        Some(t) => t.clone(),
        None => format!("variant {index}"),
    }
}

fn advanced_list(schema: &Map<String, Value>) -> Vec<&str> {
    schema
        .get("advanced")
        .and_then(Value::as_array)
        .map(|list| list.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn node_docs(schema: &Map<String, Value>) -> Docs {
    Docs {
        title: text(schema, "title"),
        description: text(schema, "description"),
        notes: Vec::new(),
    }
}

/// Notes every property carries: its default and its lookup.
fn field_notes(property: &Map<String, Value>, docs: &mut Docs) {
    if let Some(default) = property.get("default") {
        docs.notes
            .push(format!("Default: `{}`.", docs::code(&default.to_string())));
    }
    if let Some(lookup) = property.get("lookup").and_then(Value::as_object) {
        let operation = lookup
            .get("operation")
            .or_else(|| lookup.get("message"))
            .and_then(Value::as_str);
        if let Some(operation) = operation {
            docs.notes.push(format!(
                "Valid values come from the lookup operation `{}`.",
                docs::code(operation)
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{TemplatePiece, template_name, template_pieces};

    #[test]
    fn templates_are_found_whole_and_inside_text() {
        assert_eq!(
            template_name(" {{{ workspace_id }}} "),
            Some("workspace_id")
        );
        assert_eq!(template_name("{{x}}"), Some("x"));
        assert_eq!(template_name("a {{x}}"), None);
        assert_eq!(
            template_pieces("before {{spreadsheet_id}} after {{{x}}}"),
            [
                TemplatePiece::Text("before "),
                TemplatePiece::Name("spreadsheet_id"),
                TemplatePiece::Text(" after "),
                TemplatePiece::Name("x"),
            ]
        );
        assert_eq!(template_pieces("{{}} {{"), [TemplatePiece::Text("{{}} {{")]);
    }
}
