//! What a property schema's Tray keywords say: an input Tray fills itself, a lookup.

use serde_json::{Map, Value};

/// The path Tray fills a trigger input from, when the property says it does: legacy documents
/// write `default_jsonpath: "$.env.public_url"` (or `"$.auth.api_key"`), CDK documents a
/// `default` of `"{$.env.public_url}"`. Tray's sources advise against making callers fill
/// them (`docs/fidelity.md`, *Triggers*): `trigger!` makes them optional to set, and the
/// emulator does not require them of a subscription, by this one rule.
pub fn filled_by_tray(property: &Map<String, Value>) -> Option<String> {
    let path = |text: &str| text.starts_with("$.").then(|| text.to_owned());
    if let Some(Value::String(jsonpath)) = property.get("default_jsonpath") {
        return path(jsonpath);
    }
    match property.get("default") {
        Some(Value::String(default)) => default
            .strip_prefix('{')
            .and_then(|d| d.strip_suffix('}'))
            .and_then(path),
        _ => None,
    }
}

/// A property's `lookup`, in Tray's current form whatever form the document writes.
#[derive(Debug, Clone, PartialEq)]
pub struct LookupRef {
    /// The lookup operation's wire name.
    pub operation: String,
    /// Its input, templates (`{{x}}`, `{{{x}}}`) included.
    pub input: Value,
    /// Whether it needs an authentication (`authRequired`).
    pub auth_required: bool,
}

/// The `lookup` of a property schema, in any of the forms Tray has published: the current
/// `{"operation", "input", "authRequired"}`; the same with the key `message` (a published doc
/// quirk); and the legacy `{"url", "body": {"message", "step_settings", "auth_id"}}`, whose
/// `step_settings` (`{"x": {"type", "value"}}`, objects nesting `value`s) become the input and
/// whose `{{{properties.x}}}` templates name the input `x`.
pub fn lookup_of(property: &Map<String, Value>) -> Option<LookupRef> {
    let lookup = property.get("lookup")?.as_object()?;
    let named = |map: &Map<String, Value>| {
        map.get("operation")
            .or_else(|| map.get("message"))
            .and_then(Value::as_str)
            .filter(|o| !o.is_empty())
            .map(str::to_owned)
    };
    if let Some(operation) = named(lookup) {
        return Some(LookupRef {
            operation,
            input: lookup
                .get("input")
                .cloned()
                .unwrap_or_else(|| Value::Object(Map::new())),
            auth_required: lookup.get("authRequired").and_then(Value::as_bool) == Some(true),
        });
    }
    let body = lookup.get("body")?.as_object()?;
    let operation = named(body)?;
    let input = match body.get("step_settings") {
        Some(Value::Object(settings)) => Value::Object(
            settings
                .iter()
                .map(|(k, v)| (k.clone(), legacy_setting(v)))
                .collect(),
        ),
        _ => Value::Object(Map::new()),
    };
    Some(LookupRef {
        operation,
        input,
        auth_required: body.get("auth_id").is_some_and(|a| !a.is_null()),
    })
}

/// A legacy `step_settings` entry (`{"type", "value"}`) as a plain input value.
fn legacy_setting(setting: &Value) -> Value {
    let Some(value) = setting.as_object().and_then(|s| s.get("value")) else {
        return setting.clone();
    };
    match value {
        Value::Object(fields) if setting.get("type") == Some(&Value::from("object")) => {
            Value::Object(
                fields
                    .iter()
                    .map(|(k, v)| (k.clone(), legacy_setting(v)))
                    .collect(),
            )
        }
        Value::String(text) => Value::String(
            text.replace("{{{properties.", "{{{")
                .replace("{{properties.", "{{"),
        ),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_tray_fills_are_told_by_a_jsonpath_default_in_either_form() {
        let filled = |property: Value| filled_by_tray(property.as_object().unwrap());
        let legacy = serde_json::json!({"type": "string", "default_jsonpath": "$.env.public_url"});
        assert_eq!(filled(legacy).as_deref(), Some("$.env.public_url"));
        let cdk = serde_json::json!({"type": "string", "default": "{$.env.public_url}"});
        assert_eq!(filled(cdk).as_deref(), Some("$.env.public_url"));
        for caller_fills in [
            serde_json::json!({"type": "string", "default": "Tray webhook"}),
            serde_json::json!({"type": "string", "default_jsonpath": "env.public_url"}),
            serde_json::json!({"type": "string", "default": "{not a path}"}),
            serde_json::json!({"type": "string"}),
        ] {
            assert_eq!(filled(caller_fills.clone()), None, "{caller_fills}");
        }
    }
}
