//! Input builders: `X::builder()`, the builder struct, its setters, `build()`, and the state
//! traits that make `build()` compile only once every required input is set. The names
//! (setters, type parameters) come from the model.

use super::common::{Emitter, doc_attrs, ident};
use super::lints::{COMPLEXITY_LIMIT, allow_deep_nesting, allow_lints, field_complexity, unit_arg};
use super::source::{Ident, Source, src};
use crate::docs;
use crate::model::{
    AdditionalMap, BUILD, Builder, Def, DefKind, Field, INSERT_ADDITIONAL, Presence, RequiredState,
    SetterKind, StructBody, Ty,
};

/// A required input: its field and the names its builder gives it.
struct RequiredInput<'a> {
    field: &'a Field,
    setter: &'a str,
    maybe: Option<&'a str>,
    state: &'a RequiredState,
}

/// An optional input: its field and its setters.
struct OptionalInput<'a> {
    field: &'a Field,
    setter: &'a str,
    maybe: &'a str,
}

/// What the parts of one builder share.
struct Shape<'a> {
    def: &'a Def,
    /// The type built.
    name: Ident,
    /// The builder type.
    builder: Ident,
    /// Its name, as the model gives it.
    builder_name: &'a str,
    /// The module of its state traits.
    state_mod: Ident,
    required: Vec<RequiredInput<'a>>,
    optional: Vec<OptionalInput<'a>>,
    /// The builder's field for each required input, named after its setter.
    required_slots: Vec<Ident>,
    /// The builder's field for each optional input, named after its setter.
    optional_slots: Vec<Ident>,
    /// One type parameter per required input.
    params: Vec<Ident>,
    /// The stored type of each required input.
    required_tys: Vec<Source>,
    additional: Option<&'a AdditionalMap>,
    extra: Option<&'a str>,
    /// The catch-alls' fields, named as in the built struct: `additional`, then `extra`.
    catch_alls: Vec<Ident>,
    /// "the `op` input" or "part of the `op` input".
    whose: String,
}

impl Shape<'_> {
    /// Every field of the builder, the `k`th required input's set to `value`, the others
    /// carried over: what a setter of a required input returns.
    fn moved(&self, k: usize, value: Source) -> Source {
        let builder = &self.builder;
        let required = self.required_slots.iter().enumerate().map(|(j, slot)| {
            if j == k {
                src!(#slot: __tray::Set(#value),)
            } else {
                src!(#slot: self.#slot,)
            }
        });
        let rest = self.optional_slots.iter().chain(&self.catch_alls);
        src!(#builder { #(#required)* #(for rest in rest => #rest: self.#rest,)* })
    }
}

impl Emitter<'_> {
    /// The builder of an input struct.
    pub(super) fn builder(&self, def: &Def, body: &StructBody, builder: &Builder) -> Source {
        let fields = &body.fields;
        let (additional, extra) = (body.additional.as_ref(), body.extra.as_deref());
        let mut required = Vec::new();
        let mut optional = Vec::new();
        for (field, setter) in fields.iter().zip(&builder.setters) {
            match &setter.kind {
                SetterKind::Required { state, maybe } => required.push(RequiredInput {
                    field,
                    setter: &setter.name,
                    maybe: maybe.as_deref(),
                    state,
                }),
                SetterKind::Optional { maybe } => optional.push(OptionalInput {
                    field,
                    setter: &setter.name,
                    maybe,
                }),
            }
        }
        let shape = Shape {
            def,
            name: ident(&def.name),
            builder: ident(&builder.name),
            builder_name: &builder.name,
            state_mod: ident(&builder.state_module),
            params: required.iter().map(|r| ident(&r.state.param)).collect(),
            required_tys: required.iter().map(|r| self.field_ty(r.field)).collect(),
            required_slots: required.iter().map(|r| ident(r.setter)).collect(),
            optional_slots: optional.iter().map(|o| ident(o.setter)).collect(),
            required,
            optional,
            additional,
            extra,
            catch_alls: additional
                .map(|additional| ident(&additional.rust))
                .into_iter()
                .chain(extra.map(ident))
                .collect(),
            whose: docs::items::whose_input(def.root, &def.operation),
        };
        let start = self.builder_start(&shape);
        let declaration = self.builder_declaration(&shape, fields);
        let setters = self.setters(&shape);
        let finish = builder_finish(&shape);
        let states = state_module(&shape);
        let builder = &shape.builder;
        let params = &shape.params;
        let generics = (!params.is_empty()).then(|| src!(<#(#params),*>));
        let deep = allow_deep_nesting(fields);
        src! {
            #start
            #declaration
            #deep
            impl #generics #builder #generics {
                #setters
                #finish
            }
            #states
        }
    }

    /// `X::builder()`.
    fn builder_start(&self, shape: &Shape<'_>) -> Source {
        let Shape {
            def, name, builder, ..
        } = shape;
        let required = &shape.required_slots;
        let optional = &shape.optional_slots;
        let additional = shape.additional.map(|additional| {
            let field = ident(&additional.rust);
            src!(#field: __tray::BTreeMap::new(),)
        });
        let extra = shape.extra.map(|extra| {
            let field = ident(extra);
            src!(#field: __tray::Map::new(),)
        });
        let doc = docs::items::builder_start(def.root, &def.operation, &def.name, &shape.whose);
        src! {
            impl #name {
                #[doc = #doc]
                pub fn builder() -> #builder {
                    #builder {
                        #(for slot in required => #slot: __tray::Unset,)*
                        #(for slot in optional => #slot: __tray::None,)*
                        #additional
                        #extra
                    }
                }
            }
        }
    }

    /// The builder struct: one field per input, named after its setter (required inputs typed
    /// by their state parameter), then the catch-alls'.
    fn builder_declaration(&self, shape: &Shape<'_>, fields: &[Field]) -> Source {
        let Shape {
            def,
            builder,
            params,
            ..
        } = shape;
        let required = &shape.required_slots;
        let optional = &shape.optional_slots;
        let optional_tys = shape.optional.iter().map(|o| self.field_ty(o.field));
        let additional = shape.additional.map(|additional| {
            let field = ident(&additional.rust);
            let ty = self.ty(&additional.ty);
            src!(#field: __tray::BTreeMap<__tray::String, #ty>,)
        });
        let extra = shape.extra.map(|extra| {
            let field = ident(extra);
            src!(#field: __tray::Map<__tray::String, __tray::Value>,)
        });
        let defaults = (!params.is_empty())
            .then(|| src!(<#(for param in params => #param = __tray::Unset),*>));
        let wires: Vec<&str> = shape
            .required
            .iter()
            .map(|r| r.field.wire.as_str())
            .collect();
        let doc = docs::items::builder_type(&def.name, &shape.whose, &wires);
        let allow = allow_lints(shape.builder_name);
        let complex = allow_deep_nesting(fields);
        src! {
            #[doc = #doc]
            #[must_use = "a builder does nothing until `.build()` is called"]
            #allow
            #complex
            pub struct #builder #defaults {
                #(for (slot, param) in required.iter().zip(params.iter()) => #slot: #param,)*
                #(for (slot, ty) in optional.iter().zip(optional_tys) => #slot: #ty,)*
                #additional
                #extra
            }
        }
    }

    /// Every setter: required inputs (each moves the builder to a new type), optional ones,
    /// then the catch-all's.
    fn setters(&self, shape: &Shape<'_>) -> Source {
        let required = (0..shape.required.len()).map(|k| self.required_setters(shape, k));
        let optional = shape
            .optional
            .iter()
            .zip(&shape.optional_slots)
            .map(|(input, slot)| self.optional_setters(input, slot));
        let additional = shape.additional.map(|additional| {
            let field = ident(&additional.rust);
            let value_ty = self.ty(&additional.ty);
            let unit = unit_arg(&additional.ty);
            let insert = ident(INSERT_ADDITIONAL);
            src! {
                /// Adds a property beyond the listed ones (`additionalProperties`).
                #unit
                pub fn #insert(
                    mut self,
                    key: impl __tray::Into<__tray::String>,
                    value: impl __tray::Into<#value_ty>,
                ) -> Self {
                    self.#field.insert(key.into(), value.into());
                    self
                }
            }
        });
        let extra = shape.extra.map(|extra| {
            // The catch-all's setter and field share its name.
            let field = ident(extra);
            src! {
                /// Sends an input the schema does not list (documents often lag behind
                /// connectors). A listed input set this way is sent twice: use its setter.
                pub fn #field(
                    mut self,
                    key: impl __tray::Into<__tray::String>,
                    value: impl __tray::Into<__tray::Value>,
                ) -> Self {
                    self.#field.insert(key.into(), value.into());
                    self
                }
            }
        });
        src!(#(#required)* #(#optional)* #additional #extra)
    }

    /// The setter of the `k`th required input (and its `maybe_` form when it is nullable).
    fn required_setters(&self, shape: &Shape<'_>, k: usize) -> Source {
        let input = &shape.required[k];
        let field = input.field;
        let builder = &shape.builder;
        let param = &shape.params[k];
        let state_mod = &shape.state_mod;
        let unset = ident(&input.state.unset);
        let setter = ident(input.setter);
        let doc = doc_attrs(&setter_doc_lines(field, docs::items::REQUIRED_SETTER));
        let inner = self.ty(&field.ty);
        let stored = &shape.required_tys[k];
        let after = shape.params.iter().enumerate().map(|(j, p)| {
            if j == k {
                src!(__tray::Set<#stored>)
            } else {
                src!(#p)
            }
        });
        let after = src!(#builder<#(#after),*>);
        let moved = |value: Source| shape.moved(k, value);
        let nullable = matches!(field.presence, Presence::RequiredNullable);
        let (takes, convert) = self.setter_argument(&field.ty, &inner);
        let value = if nullable {
            src!(__tray::Some(#convert))
        } else {
            convert.clone()
        };
        let body = moved(value);
        let unit = unit_arg(&field.ty);
        // The builder type it returns names every state parameter: many required inputs make it
        // complex to clippy (`Builder<A, B, Set<T>, ..>` at nesting 1, its arguments at 2).
        let score = 10 + 20 * shape.params.len() + field_complexity(field, 3);
        let complex = (score > COMPLEXITY_LIMIT).then(|| src!(#[allow(clippy::type_complexity)]));
        let maybe = input.maybe.map(|maybe| {
            let maybe = ident(maybe);
            let doc = docs::items::maybe_setter(&field.rust, true);
            let body = moved(src!(value));
            src! {
                #[doc = #doc]
                #complex
                pub fn #maybe(self, value: __tray::Option<#inner>) -> #after
                where
                    #param: #state_mod::#unset,
                {
                    #body
                }
            }
        });
        src! {
            #doc
            #unit
            #complex
            pub fn #setter(self, value: impl #takes) -> #after
            where
                #param: #state_mod::#unset,
            {
                #body
            }
            #maybe
        }
    }

    /// The setter and `maybe_` setter of an optional input, kept in the builder's `slot`.
    fn optional_setters(&self, input: &OptionalInput<'_>, slot: &Ident) -> Source {
        let field = input.field;
        let setter = ident(input.setter);
        let maybe = ident(input.maybe);
        let doc = doc_attrs(&setter_doc_lines(field, docs::items::OPTIONAL_SETTER));
        let inner = self.ty(&field.ty);
        let (takes, convert) = self.setter_argument(&field.ty, &inner);
        let nullable = matches!(field.presence, Presence::OptionalNullable);
        let (value, maybe_value) = if nullable {
            (
                src!(__tray::Some(__tray::Some(#convert))),
                src!(__tray::Some(value)),
            )
        } else {
            (src!(__tray::Some(#convert)), src!(value))
        };
        let maybe_doc = docs::items::maybe_setter(&field.rust, nullable);
        let unit = unit_arg(&field.ty);
        src! {
            #doc
            #unit
            pub fn #setter(mut self, value: impl #takes) -> Self {
                self.#slot = #value;
                self
            }
            #[doc = #maybe_doc]
            pub fn #maybe(mut self, value: __tray::Option<#inner>) -> Self {
                self.#slot = #maybe_value;
                self
            }
        }
    }
}

/// `build()`: compiles once every type parameter is a set input.
fn builder_finish(shape: &Shape<'_>) -> Source {
    let Shape {
        def,
        name,
        state_mod,
        params,
        ..
    } = shape;
    let bounds = params
        .iter()
        .zip(&shape.required_tys)
        .map(|(p, ty)| src!(#p: #state_mod::#p<#ty>,));
    let required = shape
        .required
        .iter()
        .zip(params)
        .zip(&shape.required_slots)
        .map(|((r, p), slot)| {
            let rust = ident(&r.field.rust);
            src!(#rust: #state_mod::#p::into_input(self.#slot),)
        });
    let optional = shape
        .optional
        .iter()
        .zip(&shape.optional_slots)
        .map(|(o, slot)| {
            let rust = ident(&o.field.rust);
            src!(#rust: self.#slot,)
        });
    let catch_alls = &shape.catch_alls;
    let doc = docs::items::build(
        def.root,
        &def.operation,
        &def.name,
        !shape.required.is_empty(),
    );
    let build = ident(BUILD);
    src! {
        #[doc = #doc]
        pub fn #build(self) -> #name
        where
            #(#bounds)*
        {
            #name {
                #(#required)*
                #(#optional)*
                #(for field in catch_alls => #field: self.#field,)*
            }
        }
    }
}

/// The state traits, one per required input, each naming the input when it is not set.
fn state_module(shape: &Shape<'_>) -> Option<Source> {
    let Shape { def, state_mod, .. } = shape;
    let traits = shape
        .required
        .iter()
        .zip(&shape.params)
        .map(|(input, param)| {
            let [message, label, unset_message, unset_label] = docs::items::state_messages(
                def.root,
                &def.operation,
                &def.name,
                &input.field.wire,
                input.setter,
            );
            let unset = ident(&input.state.unset);
            src! {
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
                #[diagnostic::on_unimplemented(
                    message = #unset_message,
                    label = #unset_label,
                    note = "each required input is set once before `.build()`"
                )]
                pub trait #unset {}
                impl #unset for ::tray_connect::__private::Unset {}
            }
        });
    (!shape.required.is_empty()).then(|| {
        src! {
            /// Which required inputs a builder has set, tracked in its type.
            #[doc(hidden)]
            pub mod #state_mod {
                #(#traits)*
            }
        }
    })
}

/// A setter's docs: the property's, then whether it is required.
fn setter_doc_lines(field: &Field, presence_note: &str) -> Vec<String> {
    let mut lines = docs::lines(&field.docs, &format!("`{}`", docs::code(&field.wire)));
    lines.push(String::new());
    lines.push(format!(" {presence_note}"));
    lines
}

impl Emitter<'_> {
    /// What a setter of a `ty` input takes, and how it turns the argument into the value:
    /// `impl Into<T>`, except for enums of string values, which take `impl IntoEnum<T>` (the same
    /// values, through `Into`) so that a wrong argument's error names the enum's variants and
    /// `.parse()` rather than `From<&str>`.
    fn setter_argument(&self, ty: &Ty, inner: &Source) -> (Source, Source) {
        let is_enum = matches!(ty, Ty::Named(index)
            if matches!(self.model.defs[*index].kind, DefKind::StringEnum { .. }));
        if is_enum {
            (
                src!(__tray::IntoEnum<#inner>),
                src!(__tray::IntoEnum::into_enum(value)),
            )
        } else {
            (src!(__tray::Into<#inner>), src!(value.into()))
        }
    }
}
