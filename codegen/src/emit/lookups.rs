//! `{path}_lookup(..)` functions: the call of a lookup operation, its input built at run time
//! from the template parameters.

use super::common::{Emitter, ident};
use super::source::{Source, src};
use crate::docs;
use crate::model::{LookupInput, LookupModel, LookupParam, TextPiece};
use serde_json::Value;

impl Emitter<'_> {
    /// `{path}_lookup(..)` functions on an operation's input type.
    pub(super) fn lookups(&self, input: &str, lookups: &[LookupModel]) -> Source {
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
            let templates: Vec<&str> = lookup.params.iter().map(|p| p.template.as_str()).collect();
            let doc = docs::items::lookup(
                &lookup.property,
                operation,
                &templates,
                lookup.auth_required,
            );
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
}

/// Source that builds the lookup input at run time, templates replaced by the parameters.
fn lookup_input(input: &LookupInput, params: &[LookupParam]) -> Source {
    let json = src!(__tray::serde_json);
    match input {
        LookupInput::Scalar(value) => match value {
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
            Value::String(text) => src!(#json::Value::String(__tray::String::from(#text))),
            // `null` (the model keeps arrays and objects as trees).
            _ => src!(#json::Value::Null),
        },
        LookupInput::Param(index) => {
            let rust = ident(&params[*index].rust);
            src!(__tray::lookup_value(&#rust))
        }
        // Only templates naming nothing the lookup can fill: they are left out.
        LookupInput::Text(pieces) if pieces.is_empty() => {
            src!(#json::Value::String(__tray::String::new()))
        }
        LookupInput::Text(pieces) => {
            let parts = pieces.iter().map(|piece| match piece {
                TextPiece::Text(text) => src!(__text += #text;),
                TextPiece::Param(index) => {
                    let rust = ident(&params[*index].rust);
                    src!(__text += &__tray::lookup_text(&#rust);)
                }
            });
            src!({
                let mut __text = __tray::String::new();
                #(#parts)*
                #json::Value::String(__text)
            })
        }
        LookupInput::Array(items) => {
            let items = items.iter().map(|v| lookup_input(v, params));
            src!(#json::Value::Array(::std::vec![#(#items),*]))
        }
        LookupInput::Object(members) if members.is_empty() => {
            src!(#json::Value::Object(#json::Map::new()))
        }
        LookupInput::Object(members) => {
            let entries = members.iter().map(|(k, v)| {
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
