//! Lookups (Tray's dynamic dropdowns) and the `{{templates}}` in their inputs, resolved against
//! the properties of the input that holds them.

use super::ir::*;
use super::state::*;
use crate::naming::{self, Namespace};
use serde_json::{Map, Value};

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

pub(super) fn collect_templates<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
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

/// The lookup input `value` as a tree, each template resolved to its parameter.
fn parse_input(value: &Value, params: &[LookupParam]) -> LookupInput {
    let param_of = |name: &str| params.iter().position(|p| p.template == name);
    match value {
        Value::String(text) => {
            // A whole-string template sends the input's own JSON value (a number stays a
            // number); templates inside text are written into the text.
            if let Some(index) = template_name(text).and_then(param_of) {
                return LookupInput::Param(index);
            }
            let pieces = template_pieces(text);
            if !pieces.iter().any(|p| matches!(p, TemplatePiece::Name(_))) {
                return LookupInput::Scalar(value.clone());
            }
            LookupInput::Text(
                pieces
                    .iter()
                    .filter_map(|piece| match piece {
                        TemplatePiece::Text(text) => Some(TextPiece::Text((*text).to_owned())),
                        TemplatePiece::Name(name) => param_of(name).map(TextPiece::Param),
                    })
                    .collect(),
            )
        }
        Value::Array(items) => {
            LookupInput::Array(items.iter().map(|v| parse_input(v, params)).collect())
        }
        Value::Object(map) => LookupInput::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), parse_input(v, params)))
                .collect(),
        ),
        scalar => LookupInput::Scalar(scalar.clone()),
    }
}

impl ModelBuilder<'_> {
    /// Turns the lookups found in the current input into functions: each template names an
    /// input, looked up among the property's siblings first, then each ancestor's.
    pub(super) fn resolve_lookups(&mut self) -> Vec<LookupModel> {
        let sites = std::mem::take(&mut self.lookups);
        let mut functions = Namespace::new();
        let mut out = Vec::with_capacity(sites.len());
        for site in sites {
            let mut templates = Vec::new();
            collect_templates(&site.input, &mut templates);
            let rust_names = naming::field_names(&templates, &mut Namespace::new());
            let params: Vec<LookupParam> = templates
                .iter()
                .zip(rust_names)
                .map(|(template, rust)| LookupParam {
                    template: (*template).to_owned(),
                    rust,
                    ty: site.chain.iter().rev().find_map(|&index| {
                        self.defs[index]
                            .draft()
                            .and_then(Draft::body)?
                            .fields
                            .iter()
                            .find(|f| f.wire == *template)
                            .map(|f| f.ty.clone())
                    }),
                })
                .collect();
            let input = parse_input(&site.input, &params);
            // `type_lookup`, not `type__lookup`: a keyword's escape is not doubled.
            let path = naming::snake(&site.path.join("_"));
            let base = format!("{}_lookup", path.trim_end_matches('_'));
            let function = naming::claim(&base, naming::Suffix::Snake, &mut functions);
            out.push(LookupModel {
                function,
                property: site.path.join("."),
                operation: site.operation,
                input,
                params,
                auth_required: site.auth_required,
            });
        }
        out
    }

    /// Records a property's `lookup` (see [`crate::document::lookup_of`]).
    pub(super) fn note_lookup(&mut self, property: &Map<String, Value>) {
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
