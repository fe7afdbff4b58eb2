//! `{path}_lookup(..)` functions: the call of a lookup operation, its input built at run time
//! from the template parameters.

use super::common::{Emitter, ident};
use super::source::{Source, src};
use crate::docs;
use crate::model::{LookupModel, LookupParam, TemplatePiece};

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
