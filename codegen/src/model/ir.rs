//! The model: the Rust types, fields, variants, operations and lookups an expansion defines.

pub use crate::document::DocumentKind;
use serde_json::Value;

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
    pub(crate) fn of(required: bool, nullable: bool) -> Presence {
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
    /// Further facts, one bullet each once written as docs.
    pub notes: Vec<Note>,
}

/// A fact about a node beyond its title and description, kept as data: `docs` decides how it
/// reads.
#[derive(Debug, Clone, PartialEq)]
pub enum Note {
    /// The type is this operation's input (its wire name).
    Operation(String),
    /// `format`.
    Format(String),
    /// `default`.
    Default(Value),
    /// `lookup`: the operation that lists the valid values.
    Lookup(String),
    /// `advanced`.
    Advanced,
    /// The type comes from the output schema Tray returned for this sample input
    /// (`sampledOutputSchema`, vendored by `tray-connect pull --sample`).
    Sampled(Value),
    /// The values of an `enum` typed as their scalar type, in order.
    OneOf(Vec<Value>),
    /// The node is typed as `serde_json::Value`.
    Fallback(Reason),
    /// Part of the node is kept as JSON beside its typed parts.
    PartlyJson(Reason),
    /// `properties` without a `type`: values other than objects are valid too.
    PropertiesWithoutType,
    /// A trigger input Tray fills itself (`default_jsonpath: "$.env.public_url"`, `"$.auth.x"`,
    /// or a `default` of `"{$.env.public_url}"`): required by the schema, optional to set.
    FilledByTray(String),
}

/// Why a node, or part of one, is kept as `serde_json::Value`.
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    /// `hasDynamicOutput`.
    DynamicOutput,
    /// The operation has no output schema.
    NoOutputSchema,
    /// Nested deeper than this many levels.
    TooDeep(usize),
    /// A keyword with no Rust type (`const`, `not`).
    Untypeable(&'static str),
    /// No `type`.
    NoType,
    /// A `type` no Rust type stands for.
    UnknownType(String),
    /// The same, as a member of a `type` array.
    UnknownTypeInArray(String),
    /// `patternProperties`.
    PatternProperties,
    /// `properties` without a `type`; other values go to the `Other` variant.
    PropertiesWithoutType,
    /// An `enum` without values.
    EmptyEnum,
    /// An `enum` whose values have different types.
    MixedEnum,
    /// A required property the schema does not describe.
    UndescribedRequired,
    /// The schema `true`.
    AnySchema,
    /// A property whose schema is not an object.
    NotASchema,
    /// An operation's `inputSchema` or `outputSchema` (the keyword) that is not an object.
    RootNotASchema(&'static str),
    /// No alternative of this keyword (`oneOf`, `anyOf`) can be typed.
    NoTypedAlternative(&'static str),
    /// Some alternatives cannot be typed; a variant keeps them.
    UntypedAlternatives {
        /// How many.
        count: usize,
        /// `oneOf` or `anyOf`.
        keyword: &'static str,
        /// The variant that keeps them.
        variant: String,
    },
    /// An `allOf` part is not a schema object.
    AllOfPartNotObject,
    /// An `allOf` part combines schemas in turn.
    AllOfPartCombines,
    /// The `allOf` parts allow no common type.
    AllOfNoCommonType,
    /// An `allOf` that contains itself with no object in between.
    AllOfSelfCycle,
    /// A `$ref` that is not a local JSON pointer.
    RefNotLocal(String),
    /// A `$ref` that refers back to itself with no object in between.
    RefSelfCycle(String),
    /// A `$ref` that points at nothing.
    RefDangling(String),
}

/// A node typed (partly) as `serde_json::Value`: where, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Fallback {
    /// The node's JSON pointer in the document (empty for the document itself).
    pub pointer: String,
    /// Why.
    pub reason: Reason,
}

/// One property of a generated struct.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The Rust field name.
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

/// The fields of a struct, and what it keeps beyond them.
#[derive(Debug, Clone, PartialEq)]
pub struct StructBody {
    /// Required fields first (in `required` order), then the rest in document order.
    pub fields: Vec<Field>,
    /// `additionalProperties: <schema>` beside `properties`: flattened map of that type.
    pub additional: Option<AdditionalMap>,
    /// The catch-all map of unlisted fields: every output struct without `additional`, and
    /// input structs whose schema does not forbid unlisted properties.
    pub extra: Option<String>,
    /// Optional fields refuse `null` unless the schema allows it. Set on `oneOf`/`anyOf`
    /// alternatives, where reading `null` as absent would let this alternative take a value
    /// that a later one keeps whole; elsewhere `null` reads as `None`, leniently.
    pub strict_optional: bool,
}

/// Every builder's method that makes the value.
pub const BUILD: &str = "build";
/// An input struct's setter of a property beyond the listed ones (`additionalProperties`).
pub const INSERT_ADDITIONAL: &str = "insert_additional";
/// A map newtype's builder's setter of one property.
pub const MAP_INSERT: &str = "insert";

/// An input struct's builder: every name it defines.
#[derive(Debug, Clone, PartialEq)]
pub struct Builder {
    /// The builder type, e.g. `SendSmsBuilder`.
    pub name: String,
    /// The module holding the builder's state traits (unique per expansion: `FieldAB` and
    /// `FieldAb` would both read `__field_ab_state`).
    pub state_module: String,
    /// One setter per field of the struct, in the same order.
    pub setters: Vec<Setter>,
}

/// The setter of one input.
#[derive(Debug, Clone, PartialEq)]
pub struct Setter {
    /// The method: the field's name, or `{field}_` where that would shadow `build`, a `maybe_`
    /// setter or a catch-all's.
    pub name: String,
    /// Required or optional, and the names that go with it.
    pub kind: SetterKind,
}

/// How a builder holds one input.
#[derive(Debug, Clone, PartialEq)]
pub enum SetterKind {
    /// A required input, tracked in the builder's type.
    Required {
        /// The names of its state.
        state: RequiredState,
        /// The `maybe_{field}` setter taking an `Option`, when the input may be `null`.
        maybe: Option<String>,
    },
    /// An optional input, left out unless set.
    Optional {
        /// The `maybe_{field}` setter taking an `Option`.
        maybe: String,
    },
}

impl Setter {
    /// The `maybe_` setter, if the input has one.
    pub fn maybe(&self) -> Option<&str> {
        match &self.kind {
            SetterKind::Required { maybe, .. } => maybe.as_deref(),
            SetterKind::Optional { maybe } => Some(maybe),
        }
    }
}

/// The names through which a builder tracks one required input in its type (never a generated
/// type's name, a prelude name, or another of the builder's).
#[derive(Debug, Clone, PartialEq)]
pub struct RequiredState {
    /// The builder's type parameter, and the trait `build()` asks of it: set.
    pub param: String,
    /// The trait its setter asks of it: not set yet (its error names the input).
    pub unset: String,
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
    /// An output struct with named fields.
    Struct(StructBody),
    /// An input struct with named fields, and the builder that makes one.
    InputStruct {
        /// Its fields.
        body: StructBody,
        /// Its builder.
        builder: Builder,
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
    MapNewtype {
        /// Its builder's name.
        builder: String,
    },
    /// `pub type X = T;`
    Alias(Ty),
}

impl DefKind {
    /// The fields of a struct, input or output.
    pub fn body(&self) -> Option<&StructBody> {
        match self {
            DefKind::Struct(body) | DefKind::InputStruct { body, .. } => Some(body),
            _ => None,
        }
    }

    /// The fields of a struct, input or output, to change.
    pub(crate) fn body_mut(&mut self) -> Option<&mut StructBody> {
        match self {
            DefKind::Struct(body) | DefKind::InputStruct { body, .. } => Some(body),
            _ => None,
        }
    }
}

/// A generated type, built whole once the walk is over (see `model::build`).
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
    /// The wire name of the operation this type belongs to.
    pub operation: String,
    /// The operation's input or output type itself, rather than a part of one.
    pub root: bool,
    /// Where the type is defined: the JSON pointer of its schema node in the document.
    pub pointer: String,
    /// An output type with a `Default`: every value it requires has one (see
    /// `model::defaults`), so a test builds one with only the fields it cares about.
    pub has_default: bool,
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
    /// The lookup input, its template strings parsed.
    pub input: LookupInput,
    /// One parameter per distinct template name, in order of appearance.
    pub params: Vec<LookupParam>,
    /// Whether the lookup says it needs an authentication (`authRequired`).
    pub auth_required: bool,
}

/// A lookup's input as a tree: the JSON as written, with each string that holds templates
/// parsed into the parameters it names.
#[derive(Debug, Clone, PartialEq)]
pub enum LookupInput {
    /// `null`, a boolean, a number, or a string without a template: sent as written.
    Scalar(Value),
    /// A string that is one whole template (`"{{x}}"`): the parameter's own JSON value, so a
    /// number stays a number. By index into [`LookupModel::params`].
    Param(usize),
    /// A string with templates inside text (`"a {{x}} b"`): the pieces, joined at run time.
    /// Templates naming no parameter are left out (then it may be empty).
    Text(Vec<TextPiece>),
    /// An array.
    Array(Vec<LookupInput>),
    /// An object, its members in document order.
    Object(Vec<(String, LookupInput)>),
}

/// A piece of a [`LookupInput::Text`].
#[derive(Debug, Clone, PartialEq)]
pub enum TextPiece {
    /// Text sent as is.
    Text(String),
    /// A parameter's value written as text, by index into [`LookupModel::params`].
    Param(usize),
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

/// Everything one `connector!` (or `trigger!`) expands to.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// A connector's operations (called) or a trigger's (subscribed to).
    pub kind: DocumentKind,
    /// The connector (or trigger) name.
    pub connector: String,
    /// The connector (or trigger) version.
    pub version: String,
    /// The expanded operations, in document order.
    pub operations: Vec<OperationModel>,
    /// Every generated type.
    pub defs: Vec<Def>,
    /// Every node typed (partly) as `Value`, in the order met.
    pub value_fallbacks: Vec<Fallback>,
}

/// Whether a value of `ty` can itself be `null`, so an `Option` around it must not turn `null`
/// into `None`: `Value`, `()`, and enums with such a variant.
pub fn admits_null(defs: &[Def], ty: &Ty) -> bool {
    admits_null_by(&|index| Some(&defs[index].kind), ty)
}

/// [`admits_null`] over the kinds known so far (`None`: not known yet, admits no `null`).
pub(crate) fn admits_null_by<'a>(kind_of: &dyn Fn(usize) -> Option<&'a DefKind>, ty: &Ty) -> bool {
    fn walk<'a>(
        kind_of: &dyn Fn(usize) -> Option<&'a DefKind>,
        ty: &Ty,
        seen: &mut Vec<usize>,
    ) -> bool {
        match ty {
            Ty::Value | Ty::Unit | Ty::Nullable(_) => true,
            Ty::Boxed(inner) => walk(kind_of, inner, seen),
            Ty::Named(index) if !seen.contains(index) => {
                seen.push(*index);
                match kind_of(*index) {
                    Some(DefKind::Untagged { variants }) => {
                        variants.iter().any(|(_, ty)| walk(kind_of, ty, seen))
                    }
                    Some(DefKind::Alias(ty)) => walk(kind_of, ty, seen),
                    _ => false,
                }
            }
            _ => false,
        }
    }
    walk(kind_of, ty, &mut Vec::new())
}
