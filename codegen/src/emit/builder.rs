//! Input builders: `X::builder()`, the builder struct, its setters, `build()`, and the state
//! traits that make `build()` compile only once every required input is set. The names
//! (setters, type parameters) come from the model.

use super::{DEEP_NESTING, Emitter, allow_lints, doc_attrs, ident, nesting, unit_arg};
use crate::docs;
use crate::model::{AdditionalMap, Def, Field, Presence};
use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

/// Said by a required input's setter.
const REQUIRED_NOTE: &str = "Required: `.build()` compiles once it is set.";
/// Said by an optional input's setter.
const OPTIONAL_NOTE: &str = "Optional: left out of the input unless set.";

/// What the parts of one builder share.
struct Shape<'a> {
    def: &'a Def,
    /// The type built.
    name: Ident,
    /// The builder type.
    builder: Ident,
    /// The module of its state traits.
    state_mod: Ident,
    required: Vec<&'a Field>,
    optional: Vec<&'a Field>,
    /// One type parameter per required input.
    params: Vec<Ident>,
    /// The stored type of each required input.
    required_tys: Vec<TokenStream>,
    additional: Option<&'a AdditionalMap>,
    extra: Option<&'a str>,
    /// "the `op` input" or "part of the `op` input".
    whose: String,
}

impl Shape<'_> {
    /// The fields a setter of a required input carries over unchanged.
    fn kept(&self) -> TokenStream {
        let optional = (!self.optional.is_empty()).then(|| quote!(optional: self.optional,));
        let additional = self
            .additional
            .is_some()
            .then(|| quote!(additional: self.additional,));
        let extra = self.extra.is_some().then(|| quote!(extra: self.extra,));
        quote!(#optional #additional #extra)
    }
}

impl Emitter<'_> {
    /// The builder of an input struct.
    pub(super) fn builder(
        &self,
        def: &Def,
        fields: &[Field],
        additional: Option<&AdditionalMap>,
        extra: Option<&str>,
    ) -> TokenStream {
        let (required, optional): (Vec<&Field>, Vec<&Field>) =
            fields.iter().partition(|f| f.presence.is_required());
        let op = docs::code(&def.operation);
        let shape = Shape {
            def,
            name: ident(&def.name),
            builder: ident(def.builder.as_deref().unwrap_or(&def.name)),
            state_mod: ident(def.state_module.as_deref().unwrap_or("__state")),
            params: required
                .iter()
                .map(|f| ident(f.state_param.as_deref().unwrap_or("Input")))
                .collect(),
            required_tys: required.iter().map(|f| self.field_ty(f)).collect(),
            required,
            optional,
            additional,
            extra,
            whose: if def.root {
                format!("the `{op}` input")
            } else {
                format!("part of the `{op}` input")
            },
        };
        let start = self.builder_start(&shape);
        let declaration = self.builder_declaration(&shape, fields);
        let setters = self.setters(&shape);
        let finish = builder_finish(&shape);
        let states = state_module(&shape);
        let builder = &shape.builder;
        let params = &shape.params;
        let generics = (!params.is_empty()).then(|| quote!(<#(#params),*>));
        let deep = fields
            .iter()
            .any(|f| nesting(&f.ty) > DEEP_NESTING)
            .then(|| quote!(#[allow(clippy::type_complexity)]));
        quote! {
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
    fn builder_start(&self, shape: &Shape<'_>) -> TokenStream {
        let Shape {
            def, name, builder, ..
        } = shape;
        let unsets = shape.required.iter().map(|_| quote!(__tray::Unset));
        let nones = shape.optional.iter().map(|_| quote!(__tray::None));
        let required = (!shape.required.is_empty()).then(|| quote!(required: (#(#unsets,)*),));
        let optional = (!shape.optional.is_empty()).then(|| quote!(optional: (#(#nones,)*),));
        let additional = shape
            .additional
            .is_some()
            .then(|| quote!(additional: __tray::BTreeMap::new(),));
        let extra = shape
            .extra
            .is_some()
            .then(|| quote!(extra: __tray::Map::new(),));
        let doc = if def.root {
            format!(" Starts building a `{}` input.", docs::code(&def.operation))
        } else {
            format!(" Starts building a [`{}`], {}.", def.name, shape.whose)
        };
        quote! {
            impl #name {
                #[doc = #doc]
                pub fn builder() -> #builder {
                    #builder { #required #optional #additional #extra }
                }
            }
        }
    }

    /// The builder struct: required inputs in type-tracked slots, optional ones in one tuple.
    fn builder_declaration(&self, shape: &Shape<'_>, fields: &[Field]) -> TokenStream {
        let Shape {
            def,
            builder,
            params,
            ..
        } = shape;
        let optional_tys = shape.optional.iter().map(|f| self.field_ty(f));
        let required = (!params.is_empty()).then(|| quote!(required: (#(#params,)*),));
        let optional =
            (!shape.optional.is_empty()).then(|| quote!(optional: (#(#optional_tys,)*),));
        let additional = shape.additional.map(|additional| {
            let ty = self.ty(&additional.ty);
            quote!(additional: __tray::BTreeMap<__tray::String, #ty>,)
        });
        let extra = shape
            .extra
            .is_some()
            .then(|| quote!(extra: __tray::Map<__tray::String, __tray::Value>,));
        let defaults = (!params.is_empty()).then(|| quote!(<#(#params = __tray::Unset),*>));
        let doc = if shape.required.is_empty() {
            format!(
                " Builds [`{}`], {}: every input is optional; set those you need, then call \
                 `.build()`.",
                def.name, shape.whose
            )
        } else {
            let list = shape
                .required
                .iter()
                .map(|f| format!("`{}`", docs::code(&f.wire)))
                .collect::<Vec<_>>()
                .join(", ");
            format!(
                " Builds [`{}`], {}: set each required input ({list}) once, then call \
                 `.build()`.",
                def.name, shape.whose
            )
        };
        let allow = allow_lints(def.builder.as_deref().unwrap_or(&def.name));
        // The optional inputs are kept in one tuple, so each setter of a required input moves
        // them at once; clippy finds the tuple's type complex.
        let deep = fields.iter().any(|f| nesting(&f.ty) > DEEP_NESTING);
        let complex =
            (shape.optional.len() > 1 || deep).then(|| quote!(#[allow(clippy::type_complexity)]));
        quote! {
            #[doc = #doc]
            #[must_use = "a builder does nothing until `.build()` is called"]
            #allow
            #complex
            pub struct #builder #defaults {
                #required
                #optional
                #additional
                #extra
            }
        }
    }

    /// Every setter: required inputs (each moves the builder to a new type), optional ones,
    /// then the catch-all's.
    fn setters(&self, shape: &Shape<'_>) -> TokenStream {
        let required = (0..shape.required.len()).map(|k| self.required_setters(shape, k));
        let optional = shape
            .optional
            .iter()
            .enumerate()
            .map(|(k, field)| self.optional_setters(field, k));
        let additional = shape.additional.map(|additional| {
            let value_ty = self.ty(&additional.ty);
            let unit = unit_arg(&additional.ty);
            quote! {
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
            }
        });
        let extra = shape.extra.map(|extra| {
            let setter = ident(extra);
            quote! {
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
            }
        });
        quote!(#(#required)* #(#optional)* #additional #extra)
    }

    /// The setter of the `k`th required input (and its `maybe_` form when it is nullable).
    fn required_setters(&self, shape: &Shape<'_>, k: usize) -> TokenStream {
        let field = shape.required[k];
        let builder = &shape.builder;
        let param = &shape.params[k];
        let setter = ident(&field.setter);
        let doc = doc_attrs(&setter_doc_lines(field, REQUIRED_NOTE));
        let inner = self.ty(&field.ty);
        let stored = &shape.required_tys[k];
        let after = shape.params.iter().enumerate().map(|(j, p)| {
            if j == k {
                quote!(__tray::Set<#stored>)
            } else {
                quote!(#p)
            }
        });
        let after = quote!(#builder<#(#after),*>);
        let kept = shape.kept();
        let moved = |value: TokenStream| {
            let parts = (0..shape.params.len()).map(|j| {
                if j == k {
                    quote!(__tray::Set(#value))
                } else {
                    let j = Literal::usize_unsuffixed(j);
                    quote!(self.required.#j)
                }
            });
            quote!(#builder { required: (#(#parts,)*), #kept })
        };
        let nullable = matches!(field.presence, Presence::RequiredNullable);
        let value = if nullable {
            quote!(__tray::Some(value.into()))
        } else {
            quote!(value.into())
        };
        let body = moved(value);
        let unit = unit_arg(&field.ty);
        let maybe = nullable.then(|| {
            let maybe = format_ident!("maybe_{}", field.rust);
            let doc = format!(" Sets `{}` or, with `None`, sends `null`.", field.rust);
            let body = moved(quote!(value));
            quote! {
                #[doc = #doc]
                pub fn #maybe(self, value: __tray::Option<#inner>) -> #after
                where
                    #param: __tray::IsUnset,
                {
                    #body
                }
            }
        });
        quote! {
            #doc
            #unit
            pub fn #setter(self, value: impl __tray::Into<#inner>) -> #after
            where
                #param: __tray::IsUnset,
            {
                #body
            }
            #maybe
        }
    }

    /// The setter and `maybe_` setter of the `k`th optional input.
    fn optional_setters(&self, field: &Field, k: usize) -> TokenStream {
        let setter = ident(&field.setter);
        let maybe = format_ident!("maybe_{}", field.rust);
        let doc = doc_attrs(&setter_doc_lines(field, OPTIONAL_NOTE));
        let inner = self.ty(&field.ty);
        let k = Literal::usize_unsuffixed(k);
        let nullable = matches!(field.presence, Presence::OptionalNullable);
        let (value, maybe_value, maybe_doc) = if nullable {
            (
                quote!(__tray::Some(__tray::Some(value.into()))),
                quote!(__tray::Some(value)),
                format!(" Sets `{}` or, with `None`, sends `null`.", field.rust),
            )
        } else {
            (
                quote!(__tray::Some(value.into())),
                quote!(value),
                format!(
                    " Sets `{}` when `Some`, leaves it out when `None`.",
                    field.rust
                ),
            )
        };
        let unit = unit_arg(&field.ty);
        quote! {
            #doc
            #unit
            pub fn #setter(mut self, value: impl __tray::Into<#inner>) -> Self {
                self.optional.#k = #value;
                self
            }
            #[doc = #maybe_doc]
            pub fn #maybe(mut self, value: __tray::Option<#inner>) -> Self {
                self.optional.#k = #maybe_value;
                self
            }
        }
    }
}

/// `build()`: compiles once every type parameter is a set input.
fn builder_finish(shape: &Shape<'_>) -> TokenStream {
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
        .map(|(p, ty)| quote!(#p: #state_mod::#p<#ty>,));
    let required = shape
        .required
        .iter()
        .zip(params)
        .enumerate()
        .map(|(k, (f, p))| {
            let rust = ident(&f.rust);
            let k = Literal::usize_unsuffixed(k);
            quote!(#rust: #state_mod::#p::into_input(self.required.#k),)
        });
    let optional: Vec<Ident> = shape.optional.iter().map(|f| ident(&f.rust)).collect();
    let unpack = (!optional.is_empty()).then(|| quote!(let (#(#optional,)*) = self.optional;));
    let additional = shape.additional.map(|additional| {
        let field = ident(&additional.rust);
        quote!(#field: self.additional,)
    });
    let extra = shape.extra.map(|extra| {
        let field = ident(extra);
        quote!(#field: self.extra,)
    });
    let op = docs::code(&def.operation);
    let doc = match (def.root, shape.required.is_empty()) {
        (true, true) => format!(" The `{op}` input."),
        (true, false) => format!(" The `{op}` input. Compiles once every required input is set."),
        (false, true) => format!(" The [`{}`].", def.name),
        (false, false) => format!(
            " The [`{}`]. Compiles once every required input is set.",
            def.name
        ),
    };
    quote! {
        #[doc = #doc]
        pub fn build(self) -> #name
        where
            #(#bounds)*
        {
            #unpack
            #name {
                #(#required)*
                #(#optional,)*
                #additional
                #extra
            }
        }
    }
}

/// The state traits, one per required input, each naming the input when it is not set.
fn state_module(shape: &Shape<'_>) -> Option<TokenStream> {
    let Shape { def, state_mod, .. } = shape;
    let op = &def.operation;
    let traits = shape.required.iter().zip(&shape.params).map(|(field, param)| {
        let wire = &field.wire;
        let setter = &field.setter;
        let message = if def.root {
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
        quote! {
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
        }
    });
    (!shape.required.is_empty()).then(|| {
        quote! {
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
