//! Sampled output schemas (`tray-connect pull --sample`): the key
//! [`SAMPLED_OUTPUT_SCHEMA`] that only vendored documents have. Tray's own answers never
//! hold it, so `pull` carries it over from the previous document and `check` lends it to the
//! live answer before comparing: neither reads its absence upstream as drift, as long as the
//! operation's output is still dynamic.

use serde_json::Value;
use tray_connect_codegen::document::SAMPLED_OUTPUT_SCHEMA;

/// Whether `element` says `hasDynamicOutput: true`.
pub fn is_dynamic(element: &Value) -> bool {
    element.get("hasDynamicOutput").and_then(Value::as_bool) == Some(true)
}

/// Gives each operation of `elements` whose output is dynamic, and that has no sampled schema
/// yet, the one `vendored(name)` returns. Returns the names of the operations it gave one.
pub fn carry_over(elements: &mut [Value], vendored: impl Fn(&str) -> Option<Value>) -> Vec<String> {
    let mut given = Vec::new();
    for element in elements {
        if !is_dynamic(element) {
            continue;
        }
        let Some(name) = element
            .get("name")
            .and_then(Value::as_str)
            .map(str::to_owned)
        else {
            continue;
        };
        let Some(map) = element.as_object_mut() else {
            continue;
        };
        if map.contains_key(SAMPLED_OUTPUT_SCHEMA) {
            continue;
        }
        if let Some(sampled) = vendored(&name) {
            map.insert(SAMPLED_OUTPUT_SCHEMA.to_owned(), sampled);
            given.push(name);
        }
    }
    given
}

/// The sampled schemas of a document's raw `elements`, by operation name.
pub fn of_elements(elements: &Value) -> Vec<(String, Value)> {
    elements
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|element| {
            let name = element.get("name")?.as_str()?;
            let sampled = element.get(SAMPLED_OUTPUT_SCHEMA)?;
            Some((name.to_owned(), sampled.clone()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_dynamic_operations_without_one_are_given_the_vendored_schema() {
        let sampled = json!({"schema": {"type": "object"}, "sample": {}});
        let mut elements = vec![
            json!({"name": "dynamic", "hasDynamicOutput": true}),
            json!({"name": "now_static", "hasDynamicOutput": false}),
            json!({"name": "fresh", "hasDynamicOutput": true,
                   "sampledOutputSchema": {"schema": {}, "sample": 1}}),
        ];
        let given = carry_over(&mut elements, |_| Some(sampled.clone()));
        assert_eq!(given, ["dynamic"]);
        assert_eq!(elements[0][SAMPLED_OUTPUT_SCHEMA], sampled);
        assert!(elements[1].get(SAMPLED_OUTPUT_SCHEMA).is_none());
        assert_eq!(elements[2][SAMPLED_OUTPUT_SCHEMA]["sample"], 1);
    }
}
