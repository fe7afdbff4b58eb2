//! Schema → model: what Rust types an operations document becomes, before any tokens.
//!
//! Schemas are read keyword by keyword from `serde_json::Value`: a keyword of an unexpected
//! shape is ignored, and a node that cannot be typed becomes `serde_json::Value` with the reason
//! recorded (it ends up in the docs and in `VALUE_FALLBACKS`). Nothing here fails.

use crate::docs;
use crate::document::{OperationDoc, OperationsDocument};
use crate::naming;
use serde_json::{Map, Value, json};
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
    /// `Option<T>`: a value that may be `null` where no field presence says so (a whole output,
    /// an array item, a map value).
    Nullable(Box<Ty>),
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

/// The flattened map of properties beyond the listed ones, typed by `additionalProperties`.
#[derive(Debug, Clone, PartialEq)]
pub struct AdditionalMap {
    /// The Rust field name (`additional`, or `additional_` when a property took it).
    pub rust: String,
    /// The type of its values.
    pub ty: Ty,
}

/// What a generated type is.
#[derive(Debug, Clone, PartialEq)]
pub enum DefKind {
    /// A struct with named fields.
    Struct {
        /// Required fields first (in `required` order), then the rest in document order.
        fields: Vec<Field>,
        /// `additionalProperties: <schema>` beside `properties`: flattened map of that type.
        additional: Option<AdditionalMap>,
        /// The catch-all map of unlisted fields: every output struct without `additional`, and
        /// input structs whose schema does not forbid unlisted properties.
        extra: Option<String>,
        /// Optional fields refuse `null` unless the schema allows it. Set on `oneOf`/`anyOf`
        /// alternatives, where reading `null` as absent would let this alternative take a value
        /// that a later one keeps whole; elsewhere `null` reads as `None`, leniently.
        strict_optional: bool,
    },
    /// An enum of string values.
    StringEnum {
        /// The listed values.
        variants: Vec<Variant>,
        /// Outputs: the name of the catch-all variant that keeps unknown values.
        unknown: Option<String>,
    },
    /// `#[serde(untagged)]` enum of alternatives: a `type` array's members in the fixed order,
    /// `oneOf`/`anyOf` alternatives in document order, or an object and any other value.
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
    /// Input structs: the module holding the builder's state traits (unique per expansion:
    /// `FieldAB` and `FieldAb` would both read `__field_ab_state`).
    pub state_module: Option<String>,
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
        module_names: HashSet::new(),
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
    /// `"null"` is listed, or Tray's `nullable: true` is set.
    nullable: bool,
    /// `"null"` is listed in `type` itself (`{"type": "null"}` is `()`; `nullable` alone is not).
    lists_null: bool,
}

fn type_set(schema: &Map<String, Value>) -> TypeSet {
    let mut members = Vec::new();
    let mut nullable = schema.get("nullable").and_then(Value::as_bool) == Some(true);
    let mut lists_null = false;
    let mut push = |t: &str| match t {
        "" => {}
        "null" => {
            nullable = true;
            lists_null = true;
        }
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
    TypeSet {
        members,
        nullable,
        lists_null,
    }
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
    /// Being typed; the type it became so far, if any (a cycle back to it is boxed), and
    /// whether its own keywords admit `null`.
    InProgress(Option<usize>, bool),
    /// Typed.
    Done(Ty, bool),
}

/// A `$ref` target being typed whose own type is not created yet: the first type defined at
/// `pointer` becomes what a cycle back to `key` refers to.
struct PendingRef {
    key: String,
    pointer: String,
}

struct ModelBuilder {
    current_op: String,
    /// The schema `$ref`s resolve against (the operation's input or output schema).
    root: Value,
    /// `$ref` targets by absolute pointer, so each is typed once.
    refs: HashMap<String, RefState>,
    /// See [`PendingRef`].
    pending_ref: Option<PendingRef>,
    /// Lookups found while modelling the current operation's input.
    lookups: Vec<LookupSite>,
    /// Structs from the operation root to the one being modelled.
    struct_chain: Vec<usize>,
    /// Wire names from the operation root to the property being modelled.
    path: Vec<String>,
    defs: Vec<Def>,
    value_fallbacks: Vec<String>,
    type_names: HashSet<String>,
    /// Names of the builders' state modules.
    module_names: HashSet<String>,
}

impl ModelBuilder {
    /// Claims a type name, numbering it (`Name2`, `Name3`) when taken.
    fn claim(&mut self, candidate: &str) -> String {
        naming::claim(candidate, "", &mut self.type_names)
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
            let function = naming::claim(&base, "_", &mut functions);
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

    /// Types an operation's root schema, registered as the target of `{"$ref": "#"}` so that a
    /// reference to the root reuses (and boxes) its type.
    fn root_ty(&mut self, schema: &Map<String, Value>, site: &Site) -> (Ty, bool) {
        let key = format!("{}#", site.root_pointer());
        let declared_null = type_set(schema).nullable;
        self.refs
            .insert(key.clone(), RefState::InProgress(None, declared_null));
        self.pending_ref = Some(PendingRef {
            key: key.clone(),
            pointer: site.pointer.clone(),
        });
        let (ty, nullable) = self.ty(schema, site, &mut Docs::default());
        self.pending_ref = None;
        self.refs.insert(key, RefState::Done(ty.clone(), nullable));
        (ty, nullable)
    }

    /// Records a property's `lookup` (see [`crate::document::lookup_of`]).
    fn note_lookup(&mut self, property: &Map<String, Value>) {
        let Some(lookup) = crate::document::lookup_of(property) else {
            return;
        };
        self.lookups.push(LookupSite {
            chain: self.struct_chain.clone(),
            path: self.path.clone(),
            operation: lookup.operation,
            input: lookup.input,
            auth_required: lookup.auth_required,
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

    /// Reserves the slot of a type defined at `site` before its parts are typed, so nested
    /// types come after their parent in the output and a `$ref` cycle back to `site` can point
    /// at it (see [`PendingRef`]).
    fn reserve(&mut self, site: &Site, name: String) -> usize {
        let index = self.push(Def {
            name,
            role: site.role,
            docs: Docs::default(),
            // A placeholder that admits no `null` until the real kind is known.
            kind: DefKind::Struct {
                fields: Vec::new(),
                additional: None,
                extra: None,
                strict_optional: false,
            },
            builder: None,
            state_module: None,
            operation: String::new(),
        });
        if let Some(pending) = self.pending_ref.take() {
            if pending.pointer == site.pointer {
                let nullable = match self.refs.get(&pending.key) {
                    Some(RefState::InProgress(_, nullable)) => *nullable,
                    _ => false,
                };
                self.refs
                    .insert(pending.key, RefState::InProgress(Some(index), nullable));
            } else {
                self.pending_ref = Some(pending);
            }
        }
        index
    }

    fn fallback(&mut self, site: &Site, reason: &str, docs: &mut Docs) -> Ty {
        self.note_fallback(site, reason);
        docs.notes.push(format!("Typed as JSON `Value`: {reason}."));
        Ty::Value
    }

    /// Lists a node whose values are (partly) kept as JSON in `VALUE_FALLBACKS`.
    fn note_fallback(&mut self, site: &Site, reason: &str) {
        let at = if site.pointer.is_empty() {
            "/"
        } else {
            &site.pointer
        };
        self.value_fallbacks.push(format!("{at}: {reason}"));
    }

    fn admits_null(&self, ty: &Ty) -> bool {
        admits_null(&self.defs, ty)
    }

    /// Makes the struct an alternative became strict about `null` (see
    /// `DefKind::Struct::strict_optional`), when it was created for it (index ≥ `first_new`).
    fn make_strict(&mut self, ty: &Ty, first_new: usize) {
        let index = match ty {
            Ty::Named(index) => *index,
            Ty::Boxed(inner) => return self.make_strict(inner, first_new),
            _ => return,
        };
        if index < first_new {
            return;
        }
        match &mut self.defs[index].kind {
            DefKind::Struct {
                strict_optional, ..
            } => *strict_optional = true,
            // The object of a schema with properties but no `type`.
            DefKind::Untagged { variants } => {
                if let Some((_, object)) = variants.first().cloned()
                    && variants.len() == 2
                    && variants[1].1 == Ty::Value
                {
                    self.make_strict(&object, first_new);
                }
            }
            _ => {}
        }
    }

    fn operation_docs(op: &OperationDoc) -> Docs {
        Docs {
            title: op.title.clone(),
            description: op.description.clone(),
            notes: vec![format!("Operation `{}`.", docs::code(&op.name))],
        }
    }

    /// An operation's input: a struct when its schema is an object with properties (Call
    /// Connector's input is always an object), else a transparent map newtype.
    fn input_root(&mut self, op: &OperationDoc, name: String) -> usize {
        let site = Site::root(
            format!("{}/inputSchema", op.pointer()),
            name.clone(),
            Role::Input,
        );
        let docs = Self::operation_docs(op);
        self.root = op.input_schema().clone();
        match op.input_schema().as_object() {
            Some(schema) if schema.get("properties").is_some_and(Value::is_object) => {
                let key = format!("{}#", site.root_pointer());
                self.refs
                    .insert(key.clone(), RefState::InProgress(None, false));
                self.pending_ref = Some(PendingRef {
                    key: key.clone(),
                    pointer: site.pointer.clone(),
                });
                let index = self.struct_def(schema, &site, docs);
                self.pending_ref = None;
                self.refs
                    .insert(key, RefState::Done(Ty::Named(index), false));
                index
            }
            _ => {
                let builder = Some(self.claim(&format!("{name}Builder")));
                self.push(Def {
                    name,
                    role: Role::Input,
                    docs,
                    kind: DefKind::MapNewtype,
                    builder,
                    state_module: None,
                    operation: String::new(),
                })
            }
        }
    }

    /// An operation's output: the type its schema gives, named after the operation; an alias
    /// when that type is not generated here (or when the output may be `null`).
    fn output_root(&mut self, op: &OperationDoc, name: String) -> usize {
        let site = Site::root(
            format!("{}/outputSchema", op.pointer()),
            name.clone(),
            Role::Output,
        );
        let mut docs = Docs::default();
        self.root = op.output_schema().clone();
        let schema = op.output_schema().as_object().filter(|s| !s.is_empty());
        let (ty, nullable) = match schema {
            _ if op.has_dynamic_output => {
                let reason = "the operation has dynamic output (`hasDynamicOutput`); \
                     `Client::output_schema` asks Tray for the schema of one input";
                (self.fallback(&site, reason, &mut docs), false)
            }
            None => {
                let reason = "the document gives no output schema";
                (self.fallback(&site, reason, &mut docs), false)
            }
            Some(schema) => {
                if let Some(description) = text(schema, "description") {
                    docs.description = Some(description);
                }
                self.root_ty(schema, &site)
            }
        };
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
        self.push(Def {
            name,
            role: Role::Output,
            docs,
            kind: DefKind::Alias(ty),
            builder: None,
            state_module: None,
            operation: String::new(),
        })
    }

    /// The type of a schema node. Returns the type and whether the node admits a `null` the
    /// type cannot hold (then the field becomes an `Option`); notes for the enclosing field go
    /// into `docs`.
    fn ty(&mut self, schema: &Map<String, Value>, site: &Site, docs: &mut Docs) -> (Ty, bool) {
        if site.depth > MAX_DEPTH {
            let reason = format!("nested deeper than {MAX_DEPTH} levels");
            return (self.fallback(site, &reason, docs), false);
        }
        let (ty, nullable) = self.node_ty(schema, site, docs);
        // `Value`, `()` and enums with such a variant hold `null` themselves.
        let nullable = nullable && !self.admits_null(&ty);
        (ty, nullable)
    }

    fn node_ty(&mut self, schema: &Map<String, Value>, site: &Site, docs: &mut Docs) -> (Ty, bool) {
        let types = type_set(schema);
        let nullable = types.nullable;
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
                Ty::Vec(Box::new(nullable_if(nullable, unboxed(ty))))
            }
            _ => Ty::Vec(Box::new(Ty::Value)),
        }
    }

    /// `patternProperties` give unlisted keys schemas of their own, so no single value type
    /// covers them: they are kept as JSON.
    fn pattern_note(&mut self, schema: &Map<String, Value>, site: &Site, docs: &mut Docs) -> bool {
        let has_patterns = schema
            .get("patternProperties")
            .and_then(Value::as_object)
            .is_some_and(|p| !p.is_empty());
        if has_patterns {
            let reason = "`patternProperties` are kept as JSON beside the listed properties";
            self.note_fallback(site, reason);
            docs.notes.push(format!("{}.", capitalise(reason)));
        }
        has_patterns
    }

    fn object_ty(&mut self, schema: &Map<String, Value>, site: &Site, docs: &mut Docs) -> Ty {
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
    fn typeless_object_ty(&mut self, schema: &Map<String, Value>, site: &Site) -> Ty {
        let name = self.def_name(site);
        let index = self.reserve(site, name.clone());
        let mut object_site = site.clone();
        object_site.type_name = format!("{name}Object");
        object_site.depth = site.depth.max(1);
        let object = self.struct_def(schema, &object_site, Docs::default());
        self.note_fallback(
            site,
            "the schema lists `properties` but no `type`; values other than objects are kept \
             by the `Other` variant",
        );
        let mut enum_docs = node_docs(schema);
        enum_docs.notes.push(
            "The schema lists properties but no `type`, so any other JSON value is valid too."
                .to_owned(),
        );
        let def = &mut self.defs[index];
        def.docs = enum_docs;
        def.kind = DefKind::Untagged {
            variants: vec![
                ("Object".to_owned(), Ty::Named(object)),
                ("Other".to_owned(), Ty::Value),
            ],
        };
        Ty::Named(index)
    }

    /// `enum`: a string enum, or the scalar type every value shares (values listed in the
    /// docs). A `null` member makes the node nullable. Returns the type and that.
    fn enum_ty(
        &mut self,
        schema: &Map<String, Value>,
        values: &[Value],
        types: &TypeSet,
        site: &Site,
        docs: &mut Docs,
    ) -> (Ty, bool) {
        let members = enum_members(schema, values);
        let listed = members
            .iter()
            .map(|(v, _)| match v {
                Value::String(s) => format!("`{}`", docs::code(s)),
                other => format!("`{}`", docs::code(&other.to_string())),
            })
            .collect::<Vec<_>>()
            .join(", ");
        // `null` is valid when it is a member and `type` (if given) allows it.
        let null_member = members.iter().any(|(v, _)| v.is_null());
        let nullable = null_member && (types.members.is_empty() || types.nullable);
        let members: Vec<&(Value, Option<String>)> =
            members.iter().filter(|(v, _)| !v.is_null()).collect();
        if members.is_empty() {
            let ty = if null_member {
                Ty::Unit
            } else {
                self.fallback(site, "the `enum` lists no values", docs)
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
        docs.notes.push(format!("One of: {listed}."));
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
            self.fallback(site, "the `enum` mixes value types", docs)
        };
        (ty, nullable)
    }

    /// A string enum of `values` (with their labels), duplicates dropped.
    fn string_enum(
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
            state_module: None,
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
        let def = &mut self.defs[index];
        def.docs = node_docs(schema);
        def.kind = DefKind::Untagged { variants };
        Ty::Named(index)
    }

    /// The type of a `$ref` target: typed once per target, boxed on a cycle, `Value` when
    /// dangling or when a cycle has no generated type in between.
    fn ref_ty(&mut self, reference: &str, site: &Site, docs: &mut Docs) -> (Ty, bool) {
        let Some(pointer) = crate::pointer::local_pointer(reference) else {
            let reason = format!(
                "`$ref` `{}` is not a local JSON pointer",
                docs::code(reference)
            );
            return (self.fallback(site, &reason, docs), false);
        };
        let key = format!("{}#{pointer}", site.root_pointer());
        match self.refs.get(&key).cloned() {
            Some(RefState::Done(ty, nullable)) => return (ty, nullable),
            Some(RefState::InProgress(Some(index), nullable)) => {
                return (Ty::Boxed(Box::new(Ty::Named(index))), nullable);
            }
            Some(RefState::InProgress(None, _)) => {
                let reason = format!(
                    "`$ref` `{}` refers back to itself with no object in between",
                    docs::code(reference)
                );
                return (self.fallback(site, &reason, docs), false);
            }
            None => {}
        }
        let Some(Value::Object(target)) = crate::pointer::resolve(&self.root, &pointer).cloned()
        else {
            let reason = format!("`$ref` `{}` points at nothing", docs::code(reference));
            return (self.fallback(site, &reason, docs), false);
        };
        let last = pointer.rsplit('/').next().unwrap_or_default();
        let root_name = site.root_name();
        let target_site = Site {
            pointer: format!("{}{}", site.root_pointer(), pointer),
            type_name: format!(
                "{root_name}{}",
                naming::pascal_part(&crate::pointer::unescape(last))
            ),
            role: site.role,
            depth: site.depth + 1,
            root: site.root.clone(),
        };
        let declared_null = type_set(&target).nullable;
        self.refs
            .insert(key.clone(), RefState::InProgress(None, declared_null));
        let outer = self.pending_ref.replace(PendingRef {
            key: key.clone(),
            pointer: target_site.pointer.clone(),
        });
        let mut target_docs = node_docs(&target);
        let (ty, nullable) = self.ty(&target, &target_site, &mut target_docs);
        self.pending_ref = outer;
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
                let reason = format!("no alternative of `{keyword}` can be typed");
                (self.fallback(site, &reason, docs), nullable)
            }
            (1, 0) => (typed.remove(0).1, nullable),
            _ => {
                if untyped > 0 {
                    let reason = format!(
                        "{untyped} alternative(s) of `{keyword}` cannot be typed; the `Other` variant keeps them"
                    );
                    self.note_fallback(site, &reason);
                    let other = if typed.iter().any(|(n, _)| n == "Other") {
                        "Other_"
                    } else {
                        "Other"
                    };
                    typed.push((other.to_owned(), Ty::Value));
                }
                let name = self.def_name(site);
                let index = self.push(Def {
                    name,
                    role: site.role,
                    docs: node_docs(schema),
                    kind: DefKind::Untagged { variants: typed },
                    builder: None,
                    state_module: None,
                    operation: String::new(),
                });
                (Ty::Named(index), nullable)
            }
        }
    }

    /// `allOf`: the parts merged into one schema (`$ref`s followed) when they agree on one
    /// type, properties present in several parts merged in turn; else `Value`.
    fn all_of_ty(
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
                    .and_then(|p| crate::pointer::resolve(&self.root, &p).cloned())
                else {
                    break;
                };
                part = target;
            }
            let Value::Object(part) = part else {
                let reason = "an `allOf` part is not a schema object";
                return (self.fallback(site, reason, docs), false);
            };
            if ["$ref", "allOf", "oneOf", "anyOf", "enum", "const", "not"]
                .iter()
                .any(|k| part.contains_key(*k))
            {
                let reason = "an `allOf` part combines schemas in turn";
                return (self.fallback(site, reason, docs), false);
            }
            resolved.push(part);
        }
        match merge_all_of(&resolved) {
            Ok(merged) => self.ty(&merged, site, docs),
            Err(reason) => (self.fallback(site, reason, docs), false),
        }
    }

    fn struct_def(&mut self, schema: &Map<String, Value>, site: &Site, docs: Docs) -> usize {
        let name = self.def_name(site);
        let index = self.reserve(site, name.clone());
        if site.role == Role::Input {
            let builder = self.claim(&format!("{name}Builder"));
            let base = format!("__{}_state", naming::snake(&name));
            let state_module = naming::claim(&base, "_", &mut self.module_names);
            let def = &mut self.defs[index];
            def.builder = Some(builder);
            def.state_module = Some(state_module);
        }
        let properties = schema.get("properties").and_then(Value::as_object);
        let empty = Map::new();
        let properties = properties.unwrap_or(&empty);

        // Every required name is a field, described or not: the schema refuses a value
        // without it, so a builder must ask for it.
        let mut required: Vec<&str> = Vec::new();
        if let Some(list) = schema.get("required").and_then(Value::as_array) {
            for key in list.iter().filter_map(Value::as_str) {
                if !required.contains(&key) {
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
            let undescribed = Value::Null;
            let property = properties.get(*wire).unwrap_or(&undescribed);
            let (ty, nullable, field_docs) = match property {
                Value::Null if !properties.contains_key(*wire) => {
                    let mut field_docs = Docs::default();
                    let ty = self.fallback(
                        &child_site,
                        "the schema requires this property but does not describe it",
                        &mut field_docs,
                    );
                    (ty, false, field_docs)
                }
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
        let def = &mut self.defs[index];
        def.docs = def_docs;
        def.kind = DefKind::Struct {
            fields,
            additional,
            extra,
            strict_optional: false,
        };
        index
    }
}

/// Whether a value of `ty` can itself be `null`, so an `Option` around it must not turn `null`
/// into `None`: `Value`, `()`, and enums with such a variant.
pub fn admits_null(defs: &[Def], ty: &Ty) -> bool {
    fn walk(defs: &[Def], ty: &Ty, seen: &mut Vec<usize>) -> bool {
        match ty {
            Ty::Value | Ty::Unit | Ty::Nullable(_) => true,
            Ty::Boxed(inner) => walk(defs, inner, seen),
            Ty::Named(index) if !seen.contains(index) => {
                seen.push(*index);
                match &defs[*index].kind {
                    DefKind::Untagged { variants } => {
                        variants.iter().any(|(_, ty)| walk(defs, ty, seen))
                    }
                    DefKind::Alias(ty) => walk(defs, ty, seen),
                    _ => false,
                }
            }
            _ => false,
        }
    }
    walk(defs, ty, &mut Vec::new())
}

/// An `enum`'s members with their labels: `enumLabels` runs parallel to `enum`; legacy
/// `connectors.json` documents write each member as `{"text", "value"}` (the emulator reads
/// them the same way).
fn enum_members(schema: &Map<String, Value>, values: &[Value]) -> Vec<(Value, Option<String>)> {
    let legacy = values.iter().all(|v| {
        v.as_object().is_some_and(|o| {
            o.contains_key("value") && o.keys().all(|k| k == "value" || k == "text")
        })
    });
    let labels = schema.get("enumLabels").and_then(Value::as_array);
    values
        .iter()
        .enumerate()
        .map(|(i, v)| match v {
            Value::Object(o) if legacy => (
                o["value"].clone(),
                o.get("text").and_then(Value::as_str).map(str::to_owned),
            ),
            other => (
                other.clone(),
                labels
                    .and_then(|l| l.get(i))
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            ),
        })
        .collect()
}

/// A cycle through an array item or a map value needs no `Box`: the `Vec` or map already
/// holds its values on the heap.
fn unboxed(ty: Ty) -> Ty {
    match ty {
        Ty::Boxed(inner) => *inner,
        other => other,
    }
}

/// `ty`, or `Option<ty>` when its values may also be `null`.
fn nullable_if(nullable: bool, ty: Ty) -> Ty {
    if nullable {
        Ty::Nullable(Box::new(ty))
    } else {
        ty
    }
}

/// "`x` is" → "`X` is": a reason as the start of a sentence.
fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// One schema from the node and the parts of an `allOf`, or why there is none: the parts
/// must agree on one type (parts without a `type` agree with any); `properties` are united,
/// one present in several parts becomes the `allOf` of its schemas; `required` lists are
/// joined; other keywords keep their first value.
fn merge_all_of(parts: &[Map<String, Value>]) -> Result<Map<String, Value>, &'static str> {
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
                return Err("no type is allowed by every `allOf` part");
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
    // `["string", "number"]` reads `StringOrNumber`.
    let members = type_set(alternative).members;
    if members.is_empty() {
        format!("variant {index}")
    } else {
        members.join(" or ")
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
    if let Some(lookup) = crate::document::lookup_of(property) {
        docs.notes.push(format!(
            "Valid values come from the lookup operation `{}`.",
            docs::code(&lookup.operation)
        ));
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
