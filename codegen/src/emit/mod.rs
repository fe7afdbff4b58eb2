//! Model → Rust source, written as tokens by `src!` templates ([`source`]). Generated code names only `::tray_connect`'s public items and
//! `::tray_connect::__private`, through one private import at the top of the expansion
//! (`use ::tray_connect::__private as __tray;`), so users depend on `tray-connect` alone and
//! their own items never shadow a name the expansion uses. (Fully qualified std paths at every
//! use were a fifth of the tokens emitted: `__tray::Option` is 4 tokens, `::core::option::Option`
//! 9.) Serde attribute strings keep full paths.
//!
//! Every name comes from the model; this module writes the items per kind of definition, with
//! `builder` (input builders) and `objects` (structs' serde impls) in their own files.

mod builder;
mod objects;
pub(crate) mod source;

use crate::budget::Exceeded;
use crate::docs;
use crate::model::{
    AdditionalMap, Def, DefKind, DocumentKind, Field, LookupModel, LookupParam, Model,
    OperationModel, Presence, Role, TemplatePiece, Ty, Variant,
};
use crate::naming;
use source::{Ident, Source, src};
use std::collections::{HashMap, HashSet};

fn ident(name: &str) -> Ident {
    Ident::new(name)
}

fn doc_attrs(lines: &[String]) -> Source {
    src! { #(for line in lines => #[doc = #line])* }
}

/// `impl Serialize for #name`, with `body` writing `self` to `serializer`.
fn serialize_impl(name: &Ident, body: Source) -> Source {
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

fn doc_line(text: &str) -> Source {
    let line = format!(" {text}");
    src! { #[doc = #line] }
}

/// The whole expansion of one model; `test_doubles` derives both serde directions. Fails, naming
/// the type it was writing, once the source grows past `max_bytes` (see `crate::budget`).
pub fn model(model: &Model, test_doubles: bool, max_bytes: usize) -> Result<Source, Exceeded> {
    let emitter = Emitter {
        model,
        test_doubles,
    };
    let connector = &model.connector;
    let version = &model.version;
    let operations = model.operations.iter().map(|op| &op.wire);
    let fallbacks = model.value_fallbacks.iter().map(docs::fallback);
    let (name_const, connector_doc, version_doc) = match model.kind {
        DocumentKind::Connector => (
            Ident::new("CONNECTOR"),
            format!(
                " The connector these types call: `{}`.",
                docs::code(connector)
            ),
            format!(
                " The connector version they were generated from: `{}`.",
                docs::code(version)
            ),
        ),
        DocumentKind::Trigger => (
            Ident::new("TRIGGER"),
            format!(
                " The trigger these types subscribe to: `{}`.",
                docs::code(connector)
            ),
            format!(
                " The trigger version they were generated from: `{}`.",
                docs::code(version)
            ),
        ),
    };
    let mut out = src! {
        #[allow(unused_imports)]
        use ::tray_connect::__private as __tray;
        #[doc = #connector_doc]
        pub const #name_const: &str = #connector;
        #[doc = #version_doc]
        pub const VERSION: &str = #version;
        /// Wire names of the operations expanded here, in document order.
        pub const OPERATIONS: &[&str] = &[#(#operations),*];
        /// `"<json pointer>: <reason>"` for every schema node typed as `serde_json::Value`.
        #[doc(hidden)]
        pub const VALUE_FALLBACKS: &[&str] = &[#(#fallbacks),*];
    };
    // Each type is followed by its impls (an operation's input by its `Operation` impl and its
    // lookups), in document order, so the expansion reads like a hand-written module.
    let by_input: HashMap<usize, &OperationModel> =
        model.operations.iter().map(|op| (op.input, op)).collect();
    for (index, def) in model.defs.iter().enumerate() {
        out.extend(emitter.def(def));
        if let Some(op) = by_input.get(&index) {
            out.extend(emitter.operation_impl(op));
            out.extend(emitter.lookups(&def.name, &op.lookups));
        }
        if out.len() > max_bytes {
            return Err(Exceeded {
                pointer: def.pointer.clone(),
                what: format!(
                    "more than {} MB of generated source (4 MB plus 64 bytes per byte of \
                     document)",
                    max_bytes >> 20
                ),
            });
        }
    }
    Ok(out)
}

/// Tokens that build `value` at run time, with template strings replaced by parameters.
fn lookup_input(value: &serde_json::Value, params: &[LookupParam]) -> Source {
    use serde_json::Value;
    let json = src!(__tray::serde_json);
    match value {
        Value::Null => src!(#json::Value::Null),
        Value::Bool(b) => src!(#json::Value::Bool(#b)),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                src!(#json::Value::from(#i))
            } else if let Some(u) = n.as_u64() {
                src!(#json::Value::from(#u))
            } else {
                let f = n.as_f64().unwrap_or_default();
                src!(#json::Value::from(#f))
            }
        }
        Value::String(text) => {
            let param_of = |name: &str| params.iter().find(|p| p.template == name);
            // A whole-string template sends the input's own JSON value (a number stays a
            // number); templates inside text are written into the text.
            if let Some(param) = crate::model::template_name(text).and_then(param_of) {
                let rust = ident(&param.rust);
                return src!(__tray::lookup_value(&#rust));
            }
            let pieces = crate::model::template_pieces(text);
            if !pieces.iter().any(|p| matches!(p, TemplatePiece::Name(_))) {
                return src!(#json::Value::String(__tray::String::from(#text)));
            }
            let parts: Vec<Source> = pieces
                .iter()
                .filter_map(|piece| match piece {
                    TemplatePiece::Text(text) => Some(src!(__text += #text;)),
                    TemplatePiece::Name(name) => param_of(name).map(|param| {
                        let rust = ident(&param.rust);
                        src!(__text += &__tray::lookup_text(&#rust);)
                    }),
                })
                .collect();
            if parts.is_empty() {
                // Only templates naming nothing the lookup can fill: they are left out.
                return src!(#json::Value::String(__tray::String::new()));
            }
            src!({
                let mut __text = __tray::String::new();
                #(#parts)*
                #json::Value::String(__text)
            })
        }
        Value::Array(items) => {
            let items = items.iter().map(|v| lookup_input(v, params));
            src!(#json::Value::Array(::std::vec![#(#items),*]))
        }
        Value::Object(map) if map.is_empty() => src!(#json::Value::Object(#json::Map::new())),
        Value::Object(map) => {
            let entries = map.iter().map(|(k, v)| {
                let v = lookup_input(v, params);
                src!(__map.insert(__tray::String::from(#k), #v);)
            });
            src!({
                let mut __map = #json::Map::new();
                #(#entries)*
                #json::Value::Object(__map)
            })
        }
    }
}

struct Emitter<'a> {
    model: &'a Model,
    /// Derive both serde directions, for typed test doubles.
    test_doubles: bool,
}

impl Emitter<'_> {
    /// The `Operation` impl tying an operation's input to its output (for a trigger, the
    /// `Trigger` impl tying a subscription's input to its events).
    fn operation_impl(&self, op: &OperationModel) -> Source {
        let input = ident(&self.model.defs[op.input].name);
        let output = ident(&self.model.defs[op.output].name);
        let wire = &op.wire;
        match self.model.kind {
            DocumentKind::Connector => src! {
                impl ::tray_connect::Operation for #input {
                    type Output = #output;
                    const CONNECTOR: &'static str = CONNECTOR;
                    const VERSION: &'static str = VERSION;
                    const NAME: &'static str = #wire;
                }
            },
            DocumentKind::Trigger => src! {
                impl ::tray_connect::Trigger for #input {
                    type Event = #output;
                    const TRIGGER: &'static str = TRIGGER;
                    const VERSION: &'static str = VERSION;
                    const NAME: &'static str = #wire;
                }
            },
        }
    }

    /// The constant naming the connector (or trigger) the expansion was made for.
    fn name_const(&self) -> Ident {
        Ident::new(match self.model.kind {
            DocumentKind::Connector => "CONNECTOR",
            DocumentKind::Trigger => "TRIGGER",
        })
    }

    /// `{path}_lookup(..)` functions on an operation's input type.
    fn lookups(&self, input: &str, lookups: &[LookupModel]) -> Source {
        if lookups.is_empty() {
            return Source::new();
        }
        let input = ident(input);
        let name_const = self.name_const();
        let functions = lookups.iter().map(|lookup| {
            let function = ident(&lookup.function);
            let operation = &lookup.operation;
            let params = lookup.params.iter().map(|p| {
                let rust = ident(&p.rust);
                match &p.ty {
                    Some(ty) => {
                        let ty = self.ty(ty);
                        src!(#rust: impl __tray::Into<#ty>)
                    }
                    None => src!(
                        #rust: impl __tray::Into<__tray::Value>
                    ),
                }
            });
            let conversions = lookup.params.iter().map(|p| {
                let rust = ident(&p.rust);
                match &p.ty {
                    Some(ty) => {
                        let ty = self.ty(ty);
                        src!(let #rust: #ty = #rust.into();)
                    }
                    None => src!(let #rust: __tray::Value = #rust.into();),
                }
            });
            let body = lookup_input(&lookup.input, &lookup.params);
            let mut doc = vec![
                format!(
                    " The valid values of `{}`, listed by the lookup operation `{}`.",
                    docs::code(&lookup.property),
                    docs::code(operation)
                ),
                String::new(),
                " Run it with `tray_connect::Client::lookup`.".to_owned(),
            ];
            if !lookup.params.is_empty() {
                let names: Vec<String> = lookup
                    .params
                    .iter()
                    .map(|p| format!("`{}`", docs::code(&p.template)))
                    .collect();
                doc.push(format!(" Its input names {}.", names.join(", ")));
            }
            if lookup.auth_required {
                doc.push(" It needs an authentication (`authRequired`).".to_owned());
            }
            src! {
                #(for line in &doc => #[doc = #line])*
                pub fn #function(#(#params),*) -> ::tray_connect::Lookup {
                    #(#conversions)*
                    ::tray_connect::Lookup::new(#name_const, VERSION, #operation, #body)
                }
            }
        });
        src! {
            impl #input {
                #(#functions)*
            }
        }
    }

    /// A type's doc lines; operation outputs without docs of their own say what they are.
    fn def_docs(&self, def: &Def) -> Vec<String> {
        let is_output = def.root && def.role == Role::Output;
        let fallback = if is_output {
            match self.model.kind {
                DocumentKind::Connector => {
                    format!("What `{}` returns.", docs::code(&def.operation))
                }
                DocumentKind::Trigger => format!(
                    "An event of `{}`, as Tray delivers it to a subscription's endpoint.",
                    docs::code(&def.operation)
                ),
            }
        } else {
            format!("`{}`", def.name)
        };
        docs::lines(&def.docs, &fallback)
    }

    fn ty(&self, ty: &Ty) -> Source {
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
    fn field_ty(&self, field: &Field) -> Source {
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

    /// Whether types of `role` derive `Serialize`: inputs always (`Client::call` sends them),
    /// outputs for typed test doubles only.
    fn serialises(&self, role: Role) -> bool {
        role == Role::Input || self.test_doubles
    }

    /// Whether types of `role` derive `Deserialize`: outputs always (`Client::call` reads
    /// them), inputs for typed test doubles only.
    fn deserialises(&self, role: Role) -> bool {
        role == Role::Output || self.test_doubles
    }

    /// Only the directions `Client::call` uses (serde's impls are most of the time `cargo check`
    /// spends on generated code); both with `test_doubles`.
    fn derives(&self, role: Role, extra: Source) -> Source {
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

    fn def(&self, def: &Def) -> Source {
        match &def.kind {
            DefKind::Struct {
                fields,
                additional,
                extra,
                strict_optional,
            } => self.struct_def(
                def,
                fields,
                additional.as_ref(),
                extra.as_deref(),
                *strict_optional,
            ),
            DefKind::StringEnum { variants, unknown } => {
                self.string_enum(def, variants, unknown.as_deref())
            }
            DefKind::Untagged { variants } => self.untagged(def, variants),
            DefKind::MapNewtype => self.map_newtype(def),
            DefKind::Alias(ty) => {
                let name = ident(&def.name);
                let doc = doc_attrs(&self.def_docs(def));
                let allow = allow_lints(&def.name);
                let ty = self.ty(ty);
                src! { #doc #allow pub type #name = #ty; }
            }
        }
    }

    fn struct_def(
        &self,
        def: &Def,
        fields: &[Field],
        additional: Option<&AdditionalMap>,
        extra: Option<&str>,
        strict_optional: bool,
    ) -> Source {
        let name = ident(&def.name);
        let doc = doc_attrs(&self.def_docs(def));
        let allow = allow_lints(&def.name);
        let derives = src!(#[derive(__tray::Debug, __tray::Clone, __tray::PartialEq)]);
        let field_tokens = fields.iter().map(|field| {
            let rust = ident(&field.rust);
            let ty = self.field_ty(field);
            let doc = doc_attrs(&docs::lines(
                &field.docs,
                &format!("`{}`", docs::code(&field.wire)),
            ));
            src! { #doc pub #rust: #ty, }
        });
        let additional_field = additional.map(|additional| {
            let field = ident(&additional.rust);
            let ty = self.ty(&additional.ty);
            src! {
                /// Properties beyond the listed ones (`additionalProperties`).
                pub #field: __tray::BTreeMap<__tray::String, #ty>,
            }
        });
        let extra_doc = match def.role {
            Role::Output => {
                " Fields the output schema does not list, kept so that nothing a call returned is lost."
            }
            Role::Input => {
                " Inputs the schema does not list (documents often lag behind connectors)."
            }
        };
        let extra_field = extra.map(|extra| {
            let field = ident(extra);
            src! {
                #[doc = #extra_doc]
                pub #field: __tray::Map<
                    __tray::String,
                    __tray::Value,
                >,
            }
        });
        // Deeply nested arrays (a schema's own nesting) read as complex types to clippy.
        let complex = fields
            .iter()
            .any(|f| nesting(&f.ty) > DEEP_NESTING)
            .then(|| src!(#[allow(clippy::type_complexity)]));
        let mut out = src! {
            #doc
            #allow
            #complex
            #derives
            pub struct #name {
                #(#field_tokens)*
                #additional_field
                #extra_field
            }
        };
        let object = objects::StructShape {
            name: &name,
            type_name: &def.name,
            fields,
            additional,
            extra,
            strict_optional,
        };
        if self.serialises(def.role) {
            out.extend(self.struct_serialize(&object));
        }
        if self.deserialises(def.role) {
            out.extend(self.struct_deserialize(&object));
        }
        if def.role == Role::Input {
            out.extend(self.builder(def, fields, additional, extra));
        }
        out
    }

    /// A string enum with `as_str`, `Display` and `FromStr`; serde through those (strings
    /// only, and less code than serde's derives).
    fn string_enum(&self, def: &Def, variants: &[Variant], unknown: Option<&str>) -> Source {
        let name = ident(&def.name);
        let doc = doc_attrs(&self.def_docs(def));
        let allow = allow_enum_lints(&def.name, variants.iter().map(|v| v.rust.as_str()));
        let variant_tokens = variants.iter().map(|v| {
            let rust = ident(&v.rust);
            let fallback = if v.wire.is_empty() {
                "The empty string.".to_owned()
            } else {
                format!("`{}`", docs::code(&v.wire))
            };
            let doc = doc_attrs(&docs::lines(&v.docs, &fallback));
            src! { #doc #rust, }
        });
        let rust: Vec<Ident> = variants.iter().map(|v| ident(&v.rust)).collect();
        let wire: Vec<&str> = variants.iter().map(|v| v.wire.as_str()).collect();
        let unknown_ident = unknown.map(ident);
        let unknown_variant = unknown_ident.as_ref().map(|u| {
            src! {
                /// A value this version of the document does not list, kept as received.
                #u(__tray::String),
            }
        });
        let unknown_text = unknown_ident
            .as_ref()
            .map(|u| src!(#name::#u(value) => value,));
        // Outputs parse every string (an unknown value is kept): whether the document lists it
        // is a question of its own.
        let unknown_doc = unknown.map(|u| format!(" `{u}`, which a newer connector may send."));
        let is_known = unknown_ident.as_ref().map(|u| {
            src! {
                /// Whether the value is one the document lists: `false` for a value kept as
                #[doc = #unknown_doc]
                pub fn is_known(&self) -> bool {
                    !__tray::matches!(self, #name::#u(_))
                }
            }
        });
        let (error, other) = match &unknown_ident {
            // Outputs keep what they do not know.
            Some(u) => (
                src!(__tray::Infallible),
                src!(other => #name::#u(__tray::String::from(other))),
            ),
            None => (
                src!(::tray_connect::ParseEnumError),
                src!(other => {
                    return __tray::Err(::tray_connect::ParseEnumError::new(other, Self::VALUES));
                }),
            ),
        };
        let serialize = self
            .serialises(def.role)
            .then(|| serialize_impl(&name, src!(serializer.serialize_str(self.as_str()))));
        let deserialize = self.deserialises(def.role).then(|| {
            src! {
                impl<'de> __tray::Deserialize<'de> for #name {
                    fn deserialize<__D: __tray::Deserializer<'de>>(
                        deserializer: __D,
                    ) -> __tray::Result<Self, __D::Error> {
                        __tray::from_str(deserializer)
                    }
                }
            }
        });
        let parse_doc = match unknown {
            Some(unknown) => {
                format!(" Parses a value; one the document does not list is kept as `{unknown}`.")
            }
            None => " Parses a value; one the document does not list is an error naming the valid \
                      ones."
                .to_owned(),
        };
        src! {
            #doc
            #allow
            #[derive(
                __tray::Debug,
                __tray::Clone,
                __tray::PartialEq,
                __tray::Eq,
                __tray::Hash,
            )]
            pub enum #name {
                #(#variant_tokens)*
                #unknown_variant
            }

            impl #name {
                /// Every value the document lists, in its order.
                pub const VALUES: &'static [&'static str] = &[#(for wire in &wire => #wire),*];

                /// The value as Tray sends and receives it.
                pub fn as_str(&self) -> &str {
                    match self {
                        #(for (rust, wire) in rust.iter().zip(&wire) => #name::#rust => #wire,)*
                        #unknown_text
                    }
                }

                #is_known
            }

            impl __tray::Display for #name {
                fn fmt(&self, f: &mut __tray::fmt::Formatter<'_>) -> __tray::fmt::Result {
                    f.write_str(self.as_str())
                }
            }

            impl __tray::FromStr for #name {
                type Err = #error;

                #[doc = #parse_doc]
                fn from_str(value: &str) -> __tray::Result<Self, Self::Err> {
                    __tray::Ok(match value {
                        #(for (rust, wire) in rust.iter().zip(&wire) => #wire => #name::#rust,)*
                        #other
                    })
                }
            }

            #serialize
            #deserialize
        }
    }

    fn untagged(&self, def: &Def, variants: &[(String, Ty)]) -> Source {
        let name = ident(&def.name);
        let doc = doc_attrs(&self.def_docs(def));
        let allow = allow_enum_lints(&def.name, variants.iter().map(|(v, _)| v.as_str()));
        let derives = self.derives(def.role, src!());
        let variant_tokens = variants.iter().map(|(v, ty)| {
            let v_ident = ident(v);
            let named = matches!(ty, Ty::Named(_) | Ty::Boxed(_) | Ty::Value);
            let ty = self.ty(ty);
            let doc = if named {
                doc_line(&format!("The `{v}` alternative."))
            } else {
                let kind = v.to_lowercase();
                let article = if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
                    "An"
                } else {
                    "A"
                };
                doc_line(&format!("{article} {kind} value."))
            };
            src! { #doc #v_ident(#ty), }
        });
        // Conversions follow each variant's type, not its name (a `oneOf` alternative named
        // `String` may hold a struct), and each source type converts into its first variant.
        let mut froms = Vec::new();
        let mut sources: HashSet<String> = HashSet::new();
        let mut from = |src: Source, variant: &str, conv: Source| {
            if !sources.insert(src.to_string()) {
                return;
            }
            let v = ident(variant);
            froms.push(src! {
                impl __tray::From<#src> for #name {
                    fn from(value: #src) -> Self {
                        #name::#v(#conv)
                    }
                }
            });
        };
        let has_integer = variants.iter().any(|(_, ty)| *ty == Ty::Integer);
        for (v, ty) in variants {
            match ty {
                Ty::String => {
                    from(src!(&str), v, src!(value.to_owned()));
                    from(src!(__tray::String), v, src!(value));
                    from(src!(&__tray::String), v, src!(value.clone()));
                }
                Ty::Boolean => from(src!(bool), v, src!(value)),
                Ty::Integer => {
                    from(src!(i64), v, src!(value));
                    from(src!(i32), v, src!(i64::from(value)));
                }
                Ty::Number => {
                    if !has_integer {
                        from(src!(i64), v, src!(value as f64));
                        from(src!(i32), v, src!(f64::from(value)));
                    }
                    from(src!(f64), v, src!(value));
                }
                Ty::Vec(_) | Ty::JsonMap | Ty::Map(_) => {
                    let src = self.ty(ty);
                    from(src, v, src!(value));
                }
                Ty::Named(index) if self.model.defs[*index].name != def.name => {
                    let src = self.ty(ty);
                    from(src, v, src!(value));
                }
                _ => {}
            }
        }
        // A struct alternative beside a `Value` is larger; boxing it would cost every reader an
        // allocation for clippy's sake.
        let large = variants
            .iter()
            .any(|(_, ty)| matches!(ty, Ty::Named(_)))
            .then(|| src!(#[allow(clippy::large_enum_variant)]));
        src! {
            #doc
            #allow
            #large
            #derives
            #[serde(crate = "::tray_connect::__private::serde", untagged)]
            pub enum #name {
                #(#variant_tokens)*
            }
            #(#froms)*
        }
    }

    fn map_newtype(&self, def: &Def) -> Source {
        let name = ident(&def.name);
        let builder_name = def.builder.as_deref().unwrap_or(&def.name);
        let builder = ident(builder_name);
        let builder_allow = allow_lints(builder_name);
        let doc = doc_attrs(&self.def_docs(def));
        let allow = allow_lints(&def.name);
        let derives = self.derives(def.role, src!());
        let map = self.ty(&Ty::JsonMap);
        let op = docs::code(&def.operation);
        let start_doc = format!(" Starts building a `{op}` input.");
        let builder_doc = format!(" Builds [`{}`] one input at a time.", def.name);
        let build_doc = format!(" The `{op}` input.");
        src! {
            #doc
            #allow
            #derives
            #[serde(crate = "::tray_connect::__private::serde", transparent)]
            pub struct #name(
                /// The input's properties.
                pub #map,
            );

            impl __tray::From<#map> for #name {
                fn from(map: #map) -> Self {
                    #name(map)
                }
            }

            impl #name {
                #[doc = #start_doc]
                pub fn builder() -> #builder {
                    #builder { input: __tray::Map::new() }
                }
            }

            #[doc = #builder_doc]
            #[must_use = "a builder does nothing until `.build()` is called"]
            #builder_allow
            pub struct #builder {
                input: #map,
            }

            impl #builder {
                /// Sets one input property.
                pub fn insert(
                    mut self,
                    key: impl __tray::Into<__tray::String>,
                    value: impl __tray::Into<__tray::Value>,
                ) -> Self {
                    self.input.insert(key.into(), value.into());
                    self
                }

                #[doc = #build_doc]
                pub fn build(self) -> #name {
                    #name(self.input)
                }
            }
        }
    }
}

/// Nesting beyond which clippy's `type_complexity` fires on a field's type.
const DEEP_NESTING: usize = 6;

/// How many generic types nest in `ty` (`Vec<Vec<i64>>` is 2).
fn nesting(ty: &Ty) -> usize {
    match ty {
        Ty::Vec(inner) | Ty::Map(inner) | Ty::Boxed(inner) | Ty::Nullable(inner) => {
            1 + nesting(inner)
        }
        _ => 0,
    }
}

/// The score above which clippy's `type_complexity` fires (its default threshold).
const COMPLEXITY_LIMIT: usize = 250;

/// Clippy's `type_complexity` score of `ty` written at nesting level `nest` (1 for a type on
/// its own): each named type, tuple or array scores 10 per level it is nested at.
fn complexity(ty: &Ty, nest: usize) -> usize {
    let inner = |ty: &Ty| complexity(ty, nest + 1);
    10 * nest
        + match ty {
            Ty::Vec(item) | Ty::Boxed(item) | Ty::Nullable(item) => inner(item),
            // `BTreeMap<String, T>`, `Map<String, Value>`.
            Ty::Map(value) => 10 * (nest + 1) + inner(value),
            Ty::JsonMap => 20 * (nest + 1),
            _ => 0,
        }
}

/// The same for a field's type, with the `Option` layers its presence adds.
fn field_complexity(field: &Field, nest: usize) -> usize {
    match field.presence {
        Presence::Required => complexity(&field.ty, nest),
        Presence::Optional | Presence::RequiredNullable => {
            10 * nest + complexity(&field.ty, nest + 1)
        }
        Presence::OptionalNullable => 10 * nest + 10 * (nest + 1) + complexity(&field.ty, nest + 2),
    }
}

/// A setter of a `()` input (`{"type": "null"}`) passes `()` on, which clippy flags.
fn unit_arg(ty: &Ty) -> Option<Source> {
    (*ty == Ty::Unit).then(|| src!(#[allow(clippy::unit_arg)]))
}

/// Type names that keep a `_` between letters (from non-ASCII characters) would trip
/// `non_camel_case_types`; they are allowed on that item alone.
fn allow_lints(name: &str) -> Option<Source> {
    (!naming::is_camel_case(name)).then(|| src!(#[allow(non_camel_case_types)]))
}

/// The same for an enum, whose variants (renamed values) may read like that too.
fn allow_enum_lints<'v>(
    name: &'v str,
    variants: impl IntoIterator<Item = &'v str>,
) -> Option<Source> {
    let mut names = std::iter::once(name).chain(variants);
    names
        .any(|n| !naming::is_camel_case(n))
        .then(|| src!(#[allow(non_camel_case_types)]))
}
