//! Walking a value together with the schema nodes that describe it: which nodes apply to a
//! value (the node, what its `$ref` points to, the branches of `allOf`/`anyOf`/`oneOf`), and
//! which apply to a member or an item of it. The fixture module finds `format: password`
//! inputs with it (in the schema as written: normalising drops `format`), and the output check
//! finds the members an `outputSchema` does not list.

use serde_json::{Map, Value};

use crate::normalise::resolve_local_ref;

/// How many `$ref`s one path may follow (a recursive schema refers to itself).
const MAX_REFS: usize = 16;
/// How many nodes may apply to one value: a guard against schemas that fan out absurdly.
const MAX_NODES: usize = 256;
/// Values nested deeper than this are not walked.
pub(crate) const MAX_DEPTH: usize = 64;

/// The schema objects that apply to a value `node` describes, `node` first. Keywords of
/// other shapes, dangling references and non-object schemas are skipped.
pub(crate) fn applicable<'a>(root: &'a Value, node: &'a Value) -> Vec<&'a Map<String, Value>> {
    let mut nodes = Vec::new();
    collect(root, node, 0, &mut nodes);
    nodes
}

fn collect<'a>(
    root: &'a Value,
    node: &'a Value,
    refs: usize,
    into: &mut Vec<&'a Map<String, Value>>,
) {
    let Value::Object(map) = node else {
        return;
    };
    if into.len() >= MAX_NODES {
        return;
    }
    into.push(map);
    if let Some(reference) = map.get("$ref").and_then(Value::as_str)
        && refs < MAX_REFS
        && let Some(target) = resolve_local_ref(root, reference)
    {
        collect(root, target, refs + 1, into);
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(branches)) = map.get(key) {
            for branch in branches {
                collect(root, branch, refs, into);
            }
        }
    }
}

/// The schemas of member `key` of an object the `nodes` describe: each node's
/// `properties[key]`, or its `additionalProperties` schema when it does not list `key`.
pub(crate) fn member_schemas<'a>(nodes: &[&'a Map<String, Value>], key: &str) -> Vec<&'a Value> {
    let mut schemas = Vec::new();
    for node in nodes {
        let listed = node
            .get("properties")
            .and_then(Value::as_object)
            .and_then(|properties| properties.get(key));
        match (listed, node.get("additionalProperties")) {
            (Some(schema), _) => schemas.push(schema),
            (None, Some(schema @ Value::Object(_))) => schemas.push(schema),
            _ => {}
        }
    }
    schemas
}

/// The schemas of item `index` of an array the `nodes` describe: `items` when it is one
/// schema, its `index`th entry when it is a list (else `additionalItems`).
pub(crate) fn item_schemas<'a>(nodes: &[&'a Map<String, Value>], index: usize) -> Vec<&'a Value> {
    let mut schemas = Vec::new();
    for node in nodes {
        match node.get("items") {
            Some(schema @ Value::Object(_)) => schemas.push(schema),
            Some(Value::Array(list)) => match list.get(index) {
                Some(schema) => schemas.push(schema),
                None => {
                    if let Some(schema @ Value::Object(_)) = node.get("additionalItems") {
                        schemas.push(schema);
                    }
                }
            },
            _ => {}
        }
    }
    schemas
}

/// Whether the `nodes` list the members of an object (some node has `properties`) and
/// `key` is not among them, nor allowed by an `additionalProperties` schema or any
/// `patternProperties`: a member the document does not describe.
pub(crate) fn undocumented_member(nodes: &[&Map<String, Value>], key: &str) -> bool {
    let mut lists_members = false;
    for node in nodes {
        if let Some(Value::Object(properties)) = node.get("properties") {
            lists_members = true;
            if properties.contains_key(key) {
                return false;
            }
        }
        if matches!(node.get("additionalProperties"), Some(Value::Object(_)))
            || node.get("patternProperties").is_some()
        {
            return false;
        }
    }
    lists_members
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn refs_and_combinators_apply_bounded() {
        let root = json!({
            "definitions": {"loop": {"$ref": "#/definitions/loop", "title": "l"},
                            "named": {"properties": {"a": {}}}},
            "allOf": [{"$ref": "#/definitions/named"}, {"anyOf": [{"title": "x"}]}],
            "properties": {"r": {"$ref": "#/definitions/loop"}}
        });
        let nodes = applicable(&root, &root);
        // root, the allOf ref and its target, the anyOf holder and its branch.
        assert_eq!(nodes.len(), 5);
        let looping = applicable(&root, &root["properties"]["r"]);
        assert_eq!(looping.len(), 1 + MAX_REFS);
        assert!(!undocumented_member(&nodes, "a"));
        assert!(undocumented_member(&nodes, "b"));
        assert!(!undocumented_member(&applicable(&root, &json!({})), "b"));
    }

    #[test]
    fn members_and_items_find_their_schemas() {
        let root = json!({"properties": {"a": {"title": "a"}},
                          "additionalProperties": {"title": "more"},
                          "items": [{"title": "0"}], "additionalItems": {"title": "rest"}});
        let nodes = applicable(&root, &root);
        assert_eq!(member_schemas(&nodes, "a"), [&json!({"title": "a"})]);
        assert_eq!(member_schemas(&nodes, "z"), [&json!({"title": "more"})]);
        assert_eq!(item_schemas(&nodes, 0), [&json!({"title": "0"})]);
        assert_eq!(item_schemas(&nodes, 5), [&json!({"title": "rest"})]);
        assert!(!undocumented_member(&nodes, "z"));
    }
}
