//! Model → tokens. Generated code names only `::tray_connect`'s public items and
//! `::tray_connect::__private`, through one private import at the top of the expansion
//! (`use ::tray_connect::__private as __tray;`), so users depend on `tray-connect` alone and
//! their own items never shadow a name the expansion uses. (Fully qualified std paths at every
//! use were a fifth of the tokens emitted: `__tray::Option` is 4 tokens, `::core::option::Option`
//! 9.) Serde attribute strings keep full paths.

use crate::docs;
use crate::model::{
    AdditionalMap, Def, DefKind, Field, LookupModel, LookupParam, Model, Presence, Role,
    TemplatePiece, Ty, Variant, admits_null,
};
use crate::naming;
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};
use std::collections::HashSet;

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

fn doc_attrs(lines: &[String]) -> TokenStream {
    quote! { #( #[doc = #lines] )* }
}

fn doc_line(text: &str) -> TokenStream {
    let line = format!(" {text}");
    quote! { #[doc = #line] }
}

/// The whole expansion of one model; `test_doubles` derives both serde directions.
pub fn model(model: &Model, test_doubles: bool) -> TokenStream {
    let emitter = Emitter {
        model,
        test_doubles,
        type_names: model.defs.iter().map(|d| d.name.as_str()).collect(),
        inputs: model
            .operations
            .iter()
            .map(|op| model.defs[op.input].name.as_str())
            .collect(),
        outputs: model
            .operations
            .iter()
            .map(|op| model.defs[op.output].name.as_str())
            .collect(),
    };
    let connector = &model.connector;
    let version = &model.version;
    let operations = model.operations.iter().map(|op| &op.wire);
    let fallbacks = &model.value_fallbacks;
    let connector_doc = format!(
        " The connector these types call: `{}`.",
        docs::code(connector)
    );
    let version_doc = format!(
        " The connector version they were generated from: `{}`.",
        docs::code(version)
    );
    let mut out = quote! {
        #[allow(unused_imports)]
        use ::tray_connect::__private as __tray;
        #[doc = #connector_doc]
        pub const CONNECTOR: &str = #connector;
        #[doc = #version_doc]
        pub const VERSION: &str = #version;
        /// Wire names of the operations expanded here, in document order.
        pub const OPERATIONS: &[&str] = &[#(#operations),*];
        /// `"<json pointer>: <reason>"` for every schema node typed as `serde_json::Value`.
        #[doc(hidden)]
        pub const VALUE_FALLBACKS: &[&str] = &[#(#fallbacks),*];
    };
    for op in &model.operations {
        let input = ident(&model.defs[op.input].name);
        let output = ident(&model.defs[op.output].name);
        let wire = &op.wire;
        out.extend(quote! {
            impl ::tray_connect::Operation for #input {
                type Output = #output;
                const CONNECTOR: &'static str = CONNECTOR;
                const VERSION: &'static str = VERSION;
                const NAME: &'static str = #wire;
            }
        });
    }
    for op in &model.operations {
        out.extend(emitter.lookups(&model.defs[op.input].name, &op.lookups));
    }
    for def in &model.defs {
        out.extend(emitter.def(def));
    }
    out
}

/// Tokens that build `value` at run time, with template strings replaced by parameters.
fn lookup_input(value: &serde_json::Value, params: &[LookupParam]) -> TokenStream {
    use serde_json::Value;
    let json = quote!(__tray::serde_json);
    match value {
        Value::Null => quote!(#json::Value::Null),
        Value::Bool(b) => quote!(#json::Value::Bool(#b)),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                quote!(#json::Value::from(#i))
            } else if let Some(u) = n.as_u64() {
                quote!(#json::Value::from(#u))
            } else {
                let f = n.as_f64().unwrap_or_default();
                quote!(#json::Value::from(#f))
            }
        }
        Value::String(text) => {
            let param_of = |name: &str| params.iter().find(|p| p.template == name);
            // A whole-string template sends the input's own JSON value (a number stays a
            // number); templates inside text are written into the text.
            if let Some(param) = crate::model::template_name(text).and_then(param_of) {
                let rust = ident(&param.rust);
                return quote!(__tray::lookup_value(&#rust));
            }
            let pieces = crate::model::template_pieces(text);
            if !pieces.iter().any(|p| matches!(p, TemplatePiece::Name(_))) {
                return quote!(#json::Value::String(__tray::String::from(#text)));
            }
            let parts: Vec<TokenStream> = pieces
                .iter()
                .filter_map(|piece| match piece {
                    TemplatePiece::Text(text) => Some(quote!(text.push_str(#text);)),
                    TemplatePiece::Name(name) => param_of(name).map(|param| {
                        let rust = ident(&param.rust);
                        quote!(text.push_str(&__tray::lookup_text(&#rust));)
                    }),
                })
                .collect();
            if parts.is_empty() {
                // Only templates naming nothing the lookup can fill: they are left out.
                return quote!(#json::Value::String(__tray::String::new()));
            }
            quote!({
                let mut text = __tray::String::new();
                #(#parts)*
                #json::Value::String(text)
            })
        }
        Value::Array(items) => {
            let items = items.iter().map(|v| lookup_input(v, params));
            quote!(#json::Value::Array(::std::vec![#(#items),*]))
        }
        Value::Object(map) if map.is_empty() => quote!(#json::Value::Object(#json::Map::new())),
        Value::Object(map) => {
            let entries = map.iter().map(|(k, v)| {
                let v = lookup_input(v, params);
                quote!(map.insert(__tray::String::from(#k), #v);)
            });
            quote!({
                let mut map = #json::Map::new();
                #(#entries)*
                #json::Value::Object(map)
            })
        }
    }
}

struct Emitter<'a> {
    model: &'a Model,
    /// Derive both serde directions, for typed test doubles.
    test_doubles: bool,
    /// Every generated type name (builders' type parameters must not shadow one).
    type_names: HashSet<&'a str>,
    /// Names of the operations' input and output types.
    inputs: HashSet<&'a str>,
    outputs: HashSet<&'a str>,
}

impl Emitter<'_> {
    /// `{path}_lookup(..)` functions on an operation's input type.
    fn lookups(&self, input: &str, lookups: &[LookupModel]) -> TokenStream {
        if lookups.is_empty() {
            return TokenStream::new();
        }
        let input = ident(input);
        let functions = lookups.iter().map(|lookup| {
            let function = ident(&lookup.function);
            let operation = &lookup.operation;
            let params = lookup.params.iter().map(|p| {
                let rust = ident(&p.rust);
                match &p.ty {
                    Some(ty) => {
                        let ty = self.ty(ty);
                        quote!(#rust: impl __tray::Into<#ty>)
                    }
                    None => quote!(
                        #rust: impl __tray::Into<__tray::Value>
                    ),
                }
            });
            let conversions = lookup.params.iter().map(|p| {
                let rust = ident(&p.rust);
                match &p.ty {
                    Some(ty) => {
                        let ty = self.ty(ty);
                        quote!(let #rust: #ty = #rust.into();)
                    }
                    None => quote!(let #rust: __tray::Value = #rust.into();),
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
            quote! {
                #( #[doc = #doc] )*
                pub fn #function(#(#params),*) -> ::tray_connect::Lookup {
                    #(#conversions)*
                    ::tray_connect::Lookup::new(CONNECTOR, VERSION, #operation, #body)
                }
            }
        });
        quote! {
            impl #input {
                #(#functions)*
            }
        }
    }

    /// A type's doc lines; operation outputs without docs of their own say what they are.
    fn def_docs(&self, def: &Def) -> Vec<String> {
        let is_output = self.outputs.contains(def.name.as_str());
        let fallback = if is_output {
            format!("What `{}` returns.", docs::code(&def.operation))
        } else {
            format!("`{}`", def.name)
        };
        docs::lines(&def.docs, &fallback)
    }

    fn ty(&self, ty: &Ty) -> TokenStream {
        match ty {
            Ty::String => quote!(__tray::String),
            Ty::Secret => quote!(::tray_connect::Secret),
            Ty::Integer => quote!(i64),
            Ty::Number => quote!(f64),
            Ty::Boolean => quote!(bool),
            Ty::Unit => quote!(()),
            Ty::Value => quote!(__tray::Value),
            Ty::Vec(item) => {
                let item = self.ty(item);
                quote!(__tray::Vec<#item>)
            }
            Ty::JsonMap => quote!(
                __tray::Map<
                    __tray::String,
                    __tray::Value,
                >
            ),
            Ty::Map(value) => {
                let value = self.ty(value);
                quote!(__tray::BTreeMap<__tray::String, #value>)
            }
            Ty::Named(index) => {
                let name = ident(&self.model.defs[*index].name);
                quote!(#name)
            }
            Ty::Boxed(inner) => {
                let inner = self.ty(inner);
                quote!(__tray::Box<#inner>)
            }
            Ty::Nullable(inner) => {
                let inner = self.ty(inner);
                quote!(__tray::Option<#inner>)
            }
        }
    }

    /// The field's type with the `Option` layers its presence adds.
    fn field_ty(&self, field: &Field) -> TokenStream {
        let ty = self.ty(&field.ty);
        match field.presence {
            Presence::Required => ty,
            Presence::Optional | Presence::RequiredNullable => {
                quote!(__tray::Option<#ty>)
            }
            Presence::OptionalNullable => {
                quote!(__tray::Option<__tray::Option<#ty>>)
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
    fn derives(&self, role: Role, extra: TokenStream) -> TokenStream {
        let serialize = self.serialises(role).then(|| quote!(__tray::Serialize,));
        let deserialize = self
            .deserialises(role)
            .then(|| quote!(__tray::Deserialize,));
        quote! {
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

    fn def(&self, def: &Def) -> TokenStream {
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
                quote! { #doc #allow pub type #name = #ty; }
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
    ) -> TokenStream {
        let name = ident(&def.name);
        let doc = doc_attrs(&self.def_docs(def));
        let allow = allow_lints(&def.name);
        let derives = quote!(#[derive(__tray::Debug, __tray::Clone, __tray::PartialEq)]);
        let field_tokens = fields.iter().map(|field| {
            let rust = ident(&field.rust);
            let ty = self.field_ty(field);
            let doc = doc_attrs(&docs::lines(
                &field.docs,
                &format!("`{}`", docs::code(&field.wire)),
            ));
            quote! { #doc pub #rust: #ty, }
        });
        let additional_field = additional.map(|additional| {
            let field = ident(&additional.rust);
            let ty = self.ty(&additional.ty);
            quote! {
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
            quote! {
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
            .then(|| quote!(#[allow(clippy::type_complexity)]));
        let mut out = quote! {
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
        let object = StructShape {
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

    /// `Serialize` for a struct: an object of the listed members that are set, then the
    /// catch-all map's.
    fn struct_serialize(&self, shape: &StructShape<'_>) -> TokenStream {
        let name = shape.name;
        let entries = shape.fields.iter().map(|field| {
            let rust = ident(&field.rust);
            let wire = &field.wire;
            if field.presence.is_required() {
                quote!(map.serialize_entry(#wire, &self.#rust)?;)
            } else {
                quote!(__tray::entry_if_set(&mut map, #wire, &self.#rust)?;)
            }
        });
        let rest = shape.catch_all().map(|rest| {
            let rest = ident(rest);
            quote!(__tray::entries(&mut map, &self.#rest)?;)
        });
        let body = if shape.fields.is_empty() && rest.is_none() {
            quote!(serializer.serialize_map(__tray::Some(0))?.end())
        } else {
            quote! {
                let mut map = serializer.serialize_map(__tray::None)?;
                #(#entries)*
                #rest
                map.end()
            }
        };
        quote! {
            impl __tray::Serialize for #name {
                fn serialize<S: __tray::Serializer>(
                    &self,
                    serializer: S,
                ) -> __tray::Result<S::Ok, S::Error> {
                    use __tray::SerializeMap as _;
                    #body
                }
            }
        }
    }

    /// `Deserialize` for a struct: objects only, one pass over the members, unlisted ones into
    /// the catch-all map (or refused when the schema forbids them).
    fn struct_deserialize(&self, shape: &StructShape<'_>) -> TokenStream {
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
            let value = if self.reads_wrapped(field, shape.strict_optional) {
                quote!(__tray::Some(__map.next_value()?))
            } else {
                quote!(__map.next_value()?)
            };
            quote!(#wire => __tray::set(&mut #slot, #wire, #value)?,)
        });
        let finish = shape.fields.iter().zip(&slots).map(|(field, slot)| {
            let rust = ident(&field.rust);
            let wire = &field.wire;
            if field.presence.is_required() {
                quote!(#rust: __tray::required(#slot, #wire)?,)
            } else {
                quote!(#rust: __tray::optional(#slot),)
            }
        });
        let rest_ty = match (shape.additional, shape.extra) {
            (Some(additional), _) => {
                let ty = self.ty(&additional.ty);
                Some(quote!(__tray::BTreeMap<__tray::String, #ty>))
            }
            (None, Some(_)) => Some(quote!(__tray::Map<__tray::String, __tray::Value>)),
            (None, None) => None,
        };
        let next_key = quote!(__map.next_key::<__tray::Key<'de>>()?);
        let (rest_init, members, rest_finish) = match shape.catch_all() {
            Some(rest) => {
                let rest = ident(rest);
                let keep = quote!(#rest.insert(__key.into_string(), __map.next_value()?););
                let members = if shape.fields.is_empty() {
                    quote!(while let __tray::Some(__key) = #next_key { #keep })
                } else {
                    quote! {
                        while let __tray::Some(__key) = #next_key {
                            match __key.as_str() {
                                #(#arms)*
                                _ => { #keep }
                            }
                        }
                    }
                };
                (
                    Some(quote!(let mut #rest: #rest_ty = __tray::Default::default();)),
                    members,
                    Some(quote!(#rest,)),
                )
            }
            // The schema forbids unlisted members: reading one must fail, or an untagged enum
            // would take any object as this alternative.
            None => {
                let wires = shape.fields.iter().map(|f| f.wire.as_str());
                let refuse = quote! {
                    return __tray::Err(__tray::de::Error::unknown_field(
                        __key.as_str(),
                        &[#(#wires),*],
                    ));
                };
                let members = if shape.fields.is_empty() {
                    quote!(if let __tray::Some(__key) = #next_key { #refuse })
                } else {
                    quote! {
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
        quote! {
            impl<'de> __tray::Deserialize<'de> for #name {
                fn deserialize<D: __tray::Deserializer<'de>>(
                    deserializer: D,
                ) -> __tray::Result<Self, D::Error> {
                    struct __Visitor;
                    impl<'de> __tray::Visitor<'de> for __Visitor {
                        type Value = #name;
                        fn expecting(
                            &self,
                            f: &mut __tray::fmt::Formatter<'_>,
                        ) -> __tray::fmt::Result {
                            __tray::expecting_object(f, #type_name)
                        }
                        fn visit_map<A: __tray::MapAccess<'de>>(
                            self,
                            mut __map: A,
                        ) -> __tray::Result<#name, A::Error> {
                            #(let mut #slots = __tray::None;)*
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

    fn builder(
        &self,
        def: &Def,
        fields: &[Field],
        additional: Option<&AdditionalMap>,
        extra: Option<&str>,
    ) -> TokenStream {
        let name = ident(&def.name);
        let builder_name = def.builder.as_deref().unwrap_or(&def.name);
        let builder = ident(builder_name);
        let (required, optional): (Vec<&Field>, Vec<&Field>) =
            fields.iter().partition(|f| f.presence.is_required());

        // Type parameters are named after the inputs they track; they must not shadow a
        // generated type used in a setter, nor a prelude name.
        let mut params_taken: HashSet<String> =
            self.type_names.iter().map(|n| (*n).to_owned()).collect();
        let params: Vec<Ident> = required
            .iter()
            .map(|f| ident(&naming::type_param(&f.rust, &mut params_taken)))
            .collect();
        let state_mod = ident(def.state_module.as_deref().unwrap_or("__state"));
        let unset = quote!(__tray::Unset);
        let set = quote!(__tray::Set);

        // Setter names: a property called `build` or `maybe_x` must not shadow those methods.
        let mut method_names: HashSet<String> = HashSet::from(["build".to_owned()]);
        for f in &optional {
            method_names.insert(format!("maybe_{}", f.rust));
        }
        for f in &required {
            if matches!(f.presence, Presence::RequiredNullable) {
                method_names.insert(format!("maybe_{}", f.rust));
            }
        }
        let setter_name = |f: &Field| {
            if method_names.contains(&f.rust) {
                format_ident!("{}_", f.rust)
            } else {
                ident(&f.rust)
            }
        };

        let optional_tys: Vec<TokenStream> = optional.iter().map(|f| self.field_ty(f)).collect();
        let required_tys: Vec<TokenStream> = required.iter().map(|f| self.field_ty(f)).collect();
        let mut storage = Vec::new();
        let mut init = Vec::new();
        if !required.is_empty() {
            let unsets = required.iter().map(|_| &unset);
            storage.push(quote!(required: (#(#params,)*),));
            init.push(quote!(required: (#(#unsets,)*),));
        }
        if !optional.is_empty() {
            let nones = optional.iter().map(|_| quote!(__tray::None));
            storage.push(quote!(optional: (#(#optional_tys,)*),));
            init.push(quote!(optional: (#(#nones,)*),));
        }
        if let Some(additional) = additional {
            let ty = self.ty(&additional.ty);
            storage.push(quote!(additional: __tray::BTreeMap<__tray::String, #ty>,));
            init.push(quote!(additional: __tray::BTreeMap::new(),));
        }
        if extra.is_some() {
            storage.push(quote!(extra: __tray::Map<__tray::String, __tray::Value>,));
            init.push(quote!(extra: __tray::Map::new(),));
        }
        let keep_optional = (!optional.is_empty()).then(|| quote!(optional: self.optional,));
        let keep_additional = additional
            .is_some()
            .then(|| quote!(additional: self.additional,));
        let keep_extra = extra.is_some().then(|| quote!(extra: self.extra,));

        let op = &def.operation;
        let is_root = self.inputs.contains(def.name.as_str());
        let mut setters = Vec::new();
        let mut traits = Vec::new();
        for (k, field) in required.iter().enumerate() {
            let param = &params[k];
            let setter = setter_name(field);
            let doc = doc_attrs(&setter_doc_lines(field, REQUIRED_NOTE));
            let inner = self.ty(&field.ty);
            let stored = &required_tys[k];
            let after: Vec<TokenStream> = params
                .iter()
                .enumerate()
                .map(|(j, p)| {
                    if j == k {
                        quote!(#set<#stored>)
                    } else {
                        quote!(#p)
                    }
                })
                .collect();
            let moved = |value: TokenStream| {
                let parts = (0..params.len()).map(|j| {
                    if j == k {
                        quote!(#set(#value))
                    } else {
                        let j = proc_macro2::Literal::usize_unsuffixed(j);
                        quote!(self.required.#j)
                    }
                });
                quote! {
                    #builder {
                        required: (#(#parts,)*),
                        #keep_optional
                        #keep_additional
                        #keep_extra
                    }
                }
            };
            let nullable = matches!(field.presence, Presence::RequiredNullable);
            let value = if nullable {
                quote!(__tray::Some(value.into()))
            } else {
                quote!(value.into())
            };
            let body = moved(value);
            let unit = unit_arg(&field.ty);
            setters.push(quote! {
                #doc
                #unit
                pub fn #setter(self, value: impl __tray::Into<#inner>) -> #builder<#(#after),*>
                where
                    #param: __tray::IsUnset,
                {
                    #body
                }
            });
            if nullable {
                let maybe = format_ident!("maybe_{}", field.rust);
                let doc = format!(" Sets `{}` or, with `None`, sends `null`.", field.rust);
                let body = moved(quote!(value));
                setters.push(quote! {
                    #[doc = #doc]
                    pub fn #maybe(self, value: __tray::Option<#inner>) -> #builder<#(#after),*>
                    where
                        #param: __tray::IsUnset,
                    {
                        #body
                    }
                });
            }
            let wire = &field.wire;
            let message = if is_root {
                format!(
                    "missing required input `{wire}` for operation `{op}`: call `.{setter}(..)` before `.build()`"
                )
            } else {
                format!(
                    "missing required input `{wire}` of `{}` in operation `{op}`: call `.{setter}(..)` before `.build()`",
                    def.name
                )
            };
            let label = format!("`{wire}` is not set");
            traits.push(quote! {
                #[diagnostic::on_unimplemented(message = #message, label = #label)]
                pub trait #param<T> {
                    /// The value that was set.
                    fn into_input(self) -> T;
                }
                impl<T> #param<T> for ::tray_connect::__private::Set<T> {
                    fn into_input(self) -> T {
                        self.0
                    }
                }
            });
        }
        for (k, field) in optional.iter().enumerate() {
            let setter = setter_name(field);
            let maybe = format_ident!("maybe_{}", field.rust);
            let doc = doc_attrs(&setter_doc_lines(field, OPTIONAL_NOTE));
            let inner = self.ty(&field.ty);
            let k = proc_macro2::Literal::usize_unsuffixed(k);
            let (value, maybe_ty, maybe_doc) = match field.presence {
                Presence::OptionalNullable => (
                    quote!(__tray::Some(__tray::Some(value.into()))),
                    quote!(__tray::Option<#inner>),
                    format!(" Sets `{}` or, with `None`, sends `null`.", field.rust),
                ),
                _ => (
                    quote!(__tray::Some(value.into())),
                    quote!(__tray::Option<#inner>),
                    format!(
                        " Sets `{}` when `Some`, leaves it out when `None`.",
                        field.rust
                    ),
                ),
            };
            let maybe_value = match field.presence {
                Presence::OptionalNullable => quote!(__tray::Some(value)),
                _ => quote!(value),
            };
            let unit = unit_arg(&field.ty);
            setters.push(quote! {
                #doc
                #unit
                pub fn #setter(mut self, value: impl __tray::Into<#inner>) -> Self {
                    self.optional.#k = #value;
                    self
                }
                #[doc = #maybe_doc]
                pub fn #maybe(mut self, value: #maybe_ty) -> Self {
                    self.optional.#k = #maybe_value;
                    self
                }
            });
        }
        if let Some(additional) = additional {
            let value_ty = self.ty(&additional.ty);
            let unit = unit_arg(&additional.ty);
            setters.push(quote! {
                /// Adds a property beyond the listed ones (`additionalProperties`).
                #unit
                pub fn insert_additional(
                    mut self,
                    key: impl __tray::Into<__tray::String>,
                    value: impl __tray::Into<#value_ty>,
                ) -> Self {
                    self.additional.insert(key.into(), value.into());
                    self
                }
            });
        }
        if let Some(extra) = extra {
            let setter = ident(extra);
            setters.push(quote! {
                /// Sends an input the schema does not list (documents often lag behind
                /// connectors). A listed input set this way is sent twice: use its setter.
                pub fn #setter(
                    mut self,
                    key: impl __tray::Into<__tray::String>,
                    value: impl __tray::Into<__tray::Value>,
                ) -> Self {
                    self.extra.insert(key.into(), value.into());
                    self
                }
            });
        }

        let bounds = required
            .iter()
            .zip(&params)
            .zip(&required_tys)
            .map(|((_, p), ty)| quote!(#p: #state_mod::#p<#ty>,));
        let required_fields = required.iter().zip(&params).enumerate().map(|(k, (f, p))| {
            let rust = ident(&f.rust);
            let k = proc_macro2::Literal::usize_unsuffixed(k);
            quote!(#rust: #state_mod::#p::into_input(self.required.#k),)
        });
        let optional_names: Vec<Ident> = optional.iter().map(|f| ident(&f.rust)).collect();
        let unpack =
            (!optional.is_empty()).then(|| quote!(let (#(#optional_names,)*) = self.optional;));
        let additional_init = additional.map(|additional| {
            let field = ident(&additional.rust);
            quote!(#field: self.additional,)
        });
        let extra_init = extra.map(|extra| {
            let field = ident(extra);
            quote!(#field: self.extra,)
        });
        let generics = (!params.is_empty()).then(|| quote!(<#(#params),*>));
        let defaults = (!params.is_empty()).then(|| quote!(<#(#params = #unset),*>));
        let whose = if is_root {
            format!("the `{}` input", docs::code(op))
        } else {
            format!("part of the `{}` input", docs::code(op))
        };
        let required_list = required
            .iter()
            .map(|f| format!("`{}`", docs::code(&f.wire)))
            .collect::<Vec<_>>()
            .join(", ");
        let builder_doc = if required.is_empty() {
            format!(
                " Builds [`{}`], {whose}: every input is optional; set those you need, then \
                 call `.build()`.",
                def.name
            )
        } else {
            format!(
                " Builds [`{}`], {whose}: set each required input ({required_list}) once, then \
                 call `.build()`.",
                def.name
            )
        };
        let state_mod_tokens = (!traits.is_empty()).then(|| {
            quote! {
                /// Which required inputs a builder has set, tracked in its type.
                #[doc(hidden)]
                pub mod #state_mod {
                    #(#traits)*
                }
            }
        });
        let start_doc = if is_root {
            format!(" Starts building a `{}` input.", docs::code(op))
        } else {
            format!(" Starts building a [`{}`], {whose}.", def.name)
        };
        let build_doc = match (is_root, required.is_empty()) {
            (true, true) => format!(" The `{}` input.", docs::code(op)),
            (true, false) => format!(
                " The `{}` input. Compiles once every required input is set.",
                docs::code(op)
            ),
            (false, true) => format!(" The [`{}`].", def.name),
            (false, false) => format!(
                " The [`{}`]. Compiles once every required input is set.",
                def.name
            ),
        };
        let allow = allow_lints(builder_name);
        // The optional inputs are kept in one tuple, so each setter of a required input moves
        // them at once; clippy finds the tuple's type complex.
        let deep = fields.iter().any(|f| nesting(&f.ty) > DEEP_NESTING);
        let complex =
            (optional.len() > 1 || deep).then(|| quote!(#[allow(clippy::type_complexity)]));
        let deep_impl = deep.then(|| quote!(#[allow(clippy::type_complexity)]));
        quote! {
            impl #name {
                #[doc = #start_doc]
                pub fn builder() -> #builder {
                    #builder { #(#init)* }
                }
            }

            #[doc = #builder_doc]
            #[must_use = "a builder does nothing until `.build()` is called"]
            #allow
            #complex
            pub struct #builder #defaults {
                #(#storage)*
            }

            #deep_impl
            impl #generics #builder #generics {
                #(#setters)*

                #[doc = #build_doc]
                pub fn build(self) -> #name
                where
                    #(#bounds)*
                {
                    #unpack
                    #name {
                        #(#required_fields)*
                        #(#optional_names,)*
                        #additional_init
                        #extra_init
                    }
                }
            }

            #state_mod_tokens
        }
    }

    /// A string enum with `as_str`, `Display` and `FromStr`; serde through those (strings
    /// only, and less code than serde's derives).
    fn string_enum(&self, def: &Def, variants: &[Variant], unknown: Option<&str>) -> TokenStream {
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
            quote! { #doc #rust, }
        });
        let rust: Vec<Ident> = variants.iter().map(|v| ident(&v.rust)).collect();
        let wire: Vec<&str> = variants.iter().map(|v| v.wire.as_str()).collect();
        let unknown_ident = unknown.map(ident);
        let unknown_variant = unknown_ident.as_ref().map(|u| {
            quote! {
                /// A value this version of the document does not list, kept as received.
                #u(__tray::String),
            }
        });
        let unknown_text = unknown_ident
            .as_ref()
            .map(|u| quote!(#name::#u(value) => value,));
        let (error, other) = match &unknown_ident {
            // Outputs keep what they do not know.
            Some(u) => (
                quote!(__tray::Infallible),
                quote!(other => #name::#u(__tray::String::from(other))),
            ),
            None => (
                quote!(::tray_connect::ParseEnumError),
                quote!(other => {
                    return __tray::Err(::tray_connect::ParseEnumError::new(other, Self::VALUES));
                }),
            ),
        };
        let serialize = self.serialises(def.role).then(|| {
            quote! {
                impl __tray::Serialize for #name {
                    fn serialize<S: __tray::Serializer>(
                        &self,
                        serializer: S,
                    ) -> __tray::Result<S::Ok, S::Error> {
                        serializer.serialize_str(self.as_str())
                    }
                }
            }
        });
        let deserialize = self.deserialises(def.role).then(|| {
            quote! {
                impl<'de> __tray::Deserialize<'de> for #name {
                    fn deserialize<D: __tray::Deserializer<'de>>(
                        deserializer: D,
                    ) -> __tray::Result<Self, D::Error> {
                        __tray::from_str(deserializer)
                    }
                }
            }
        });
        let parse_doc = if unknown.is_some() {
            " Parses a value; one the document does not list is kept as `Unknown`."
        } else {
            " Parses a value; one the document does not list is an error naming the valid ones."
        };
        quote! {
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
                pub const VALUES: &'static [&'static str] = &[#(#wire),*];

                /// The value as Tray sends and receives it.
                pub fn as_str(&self) -> &str {
                    match self {
                        #(#name::#rust => #wire,)*
                        #unknown_text
                    }
                }
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
                        #(#wire => #name::#rust,)*
                        #other
                    })
                }
            }

            #serialize
            #deserialize
        }
    }

    fn untagged(&self, def: &Def, variants: &[(String, Ty)]) -> TokenStream {
        let name = ident(&def.name);
        let doc = doc_attrs(&self.def_docs(def));
        let allow = allow_enum_lints(&def.name, variants.iter().map(|(v, _)| v.as_str()));
        let derives = self.derives(def.role, quote!());
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
            quote! { #doc #v_ident(#ty), }
        });
        // Conversions follow each variant's type, not its name (a `oneOf` alternative named
        // `String` may hold a struct), and each source type converts into its first variant.
        let mut froms = Vec::new();
        let mut sources: HashSet<String> = HashSet::new();
        let mut from = |src: TokenStream, variant: &str, conv: TokenStream| {
            if !sources.insert(src.to_string()) {
                return;
            }
            let v = ident(variant);
            froms.push(quote! {
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
                    from(quote!(&str), v, quote!(value.to_owned()));
                    from(quote!(__tray::String), v, quote!(value));
                    from(quote!(&__tray::String), v, quote!(value.clone()));
                }
                Ty::Boolean => from(quote!(bool), v, quote!(value)),
                Ty::Integer => {
                    from(quote!(i64), v, quote!(value));
                    from(quote!(i32), v, quote!(i64::from(value)));
                }
                Ty::Number => {
                    if !has_integer {
                        from(quote!(i64), v, quote!(value as f64));
                        from(quote!(i32), v, quote!(f64::from(value)));
                    }
                    from(quote!(f64), v, quote!(value));
                }
                Ty::Vec(_) | Ty::JsonMap | Ty::Map(_) => {
                    let src = self.ty(ty);
                    from(src, v, quote!(value));
                }
                Ty::Named(index) if self.model.defs[*index].name != def.name => {
                    let src = self.ty(ty);
                    from(src, v, quote!(value));
                }
                _ => {}
            }
        }
        // A struct alternative beside a `Value` is larger; boxing it would cost every reader an
        // allocation for clippy's sake.
        let large = variants
            .iter()
            .any(|(_, ty)| matches!(ty, Ty::Named(_)))
            .then(|| quote!(#[allow(clippy::large_enum_variant)]));
        quote! {
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

    fn map_newtype(&self, def: &Def) -> TokenStream {
        let name = ident(&def.name);
        let builder_name = def.builder.as_deref().unwrap_or(&def.name);
        let builder = ident(builder_name);
        let builder_allow = allow_lints(builder_name);
        let doc = doc_attrs(&self.def_docs(def));
        let allow = allow_lints(&def.name);
        let derives = self.derives(def.role, quote!());
        let map = self.ty(&Ty::JsonMap);
        let op = docs::code(&def.operation);
        let start_doc = format!(" Starts building a `{op}` input.");
        let builder_doc = format!(" Builds [`{}`] one input at a time.", def.name);
        let build_doc = format!(" The `{op}` input.");
        quote! {
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

/// What a struct's serde impls need to know.
struct StructShape<'a> {
    name: &'a Ident,
    type_name: &'a str,
    fields: &'a [Field],
    additional: Option<&'a AdditionalMap>,
    extra: Option<&'a str>,
    strict_optional: bool,
}

impl StructShape<'_> {
    /// The field holding unlisted members, if the struct has one.
    fn catch_all(&self) -> Option<&str> {
        self.additional
            .map(|additional| additional.rust.as_str())
            .or(self.extra)
    }
}

/// Said by a required input's setter.
const REQUIRED_NOTE: &str = "Required: `.build()` compiles once it is set.";
/// Said by an optional input's setter.
const OPTIONAL_NOTE: &str = "Optional: left out of the input unless set.";

/// A setter's docs: the property's, then whether it is required.
fn setter_doc_lines(field: &Field, presence_note: &str) -> Vec<String> {
    let mut lines = docs::lines(&field.docs, &format!("`{}`", docs::code(&field.wire)));
    lines.push(String::new());
    lines.push(format!(" {presence_note}"));
    lines
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

/// A setter of a `()` input (`{"type": "null"}`) passes `()` on, which clippy flags.
fn unit_arg(ty: &Ty) -> Option<TokenStream> {
    (*ty == Ty::Unit).then(|| quote!(#[allow(clippy::unit_arg)]))
}

/// Type names that keep a `_` between letters (from non-ASCII characters) would trip
/// `non_camel_case_types`; they are allowed on that item alone.
fn allow_lints(name: &str) -> Option<TokenStream> {
    (!naming::is_camel_case(name)).then(|| quote!(#[allow(non_camel_case_types)]))
}

/// The same for an enum, whose variants (renamed values) may read like that too.
fn allow_enum_lints<'v>(
    name: &'v str,
    variants: impl IntoIterator<Item = &'v str>,
) -> Option<TokenStream> {
    let mut names = std::iter::once(name).chain(variants);
    names
        .any(|n| !naming::is_camel_case(n))
        .then(|| quote!(#[allow(non_camel_case_types)]))
}
