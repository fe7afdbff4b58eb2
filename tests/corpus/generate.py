#!/usr/bin/env python3
"""Writes the seeded round-trip corpus of `tests/corpus.rs` (DESIGN §8).

Run from anywhere: `python3 tests/corpus/generate.py`. Deterministic: the same seed always writes
byte-identical files, so a re-run must leave `git status` clean. It writes

* `tests/corpus/doc_NN.json`: operations documents with the header `corpus-NN` / `1.0`, whose
  input and output schemas mix the Tray dialect (DESIGN §4 mapping table);
* `tests/corpus_modules.rs`: one `connector!` module per document (so each document is expanded
  exactly once) and one `#[test]` per document calling `roundtrip::<Type>(..)` for each
  operation's output and input type (the types differ per module, so the dispatch is generated).

Constructs left out because of codegen bugs are listed in `EXCLUDED` below, with the bug.
"""

import json
import os
import random

SEED = 0x7EA7C0DE
DOCUMENTS = 36
HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)

# Constructs a codegen bug keeps out of the corpus (re-add them once the bug is fixed).
EXCLUDED = {
    # Fixed: an optional `{"type": ["null"]}` property was `Option<()>` and lost `null`; it is
    # now nullable like any other `"null"` type (`Option<Option<()>>`).
    "optional_null_only": False,
}

PLAIN_NAMES = [
    "id", "name", "title", "count", "total", "status", "owner", "created_at", "url", "email",
    "label", "score", "ratio", "enabled", "notes", "items", "tags", "amount", "region", "kind",
    "payload", "settings", "limit", "offset", "cursor", "message", "channel", "priority",
]
# Keywords of every edition, `self`/`Self`, leading digits, dashes, spaces, catch-all names.
ODD_NAMES = [
    "type", "self", "Self", "super", "crate", "async", "gen", "try", "match", "fn", "1st_place",
    "2fa", "with-dash", "Content-Type", "display name", "extra", "additional", "_private", "ALLCAPS",
]
# Case twins: each group is added whole.
TWINS = [
    ["camelCase", "camel_case", "CAMEL_CASE"],
    ["userId", "user_id"],
    ["Value", "value"],
]
ENUM_POOLS = [
    ["open", "closed", "in-progress"],
    ["low", "medium", "high", "urgent"],
    ["asc", "desc"],
    ["type", "self", "2nd", "with space", "Unknown", "unknown"],
    ["a", "A", "b"],
]
VERBS = ["get", "list", "create", "update", "delete", "search", "send", "sync"]
NOUNS = [
    "widget", "record", "message", "invoice", "ticket", "contact", "file", "event", "order",
    "channel", "report", "user",
]
TYPE_ARRAYS = [
    ["string", "integer"],
    ["string", "null"],
    ["integer", "number"],
    ["", "integer", "string"],
    ["boolean", "string", "number"],
    ["integer", "null"],
    ["null"],
]


class Doc:
    """Builds one operation's schema; `definitions` collects the `$ref` targets it uses."""

    def __init__(self, rng, output):
        self.rng = rng
        self.output = output
        self.definitions = {}

    def scalar(self):
        r = self.rng
        kind = r.choice(["string", "string", "enum", "password", "integer", "number", "boolean",
                         "int_enum", "described"])
        if kind == "string":
            return {"type": "string"}
        if kind == "described":
            return {"type": r.choice(["string", "integer"]), "title": "A <b>field</b>",
                    "description": "Text with [brackets], `ticks` and https://example.com/x"}
        if kind == "enum":
            values = r.choice(ENUM_POOLS)
            return {"type": "string", "enum": values,
                    "enumLabels": [v.title() for v in values]}
        if kind == "password":
            return {"type": "string", "format": "password"}
        if kind == "int_enum":
            return {"type": "integer", "enum": [1, 2, 3]}
        return {"type": kind}

    def definition(self, depth):
        """A `$ref` to a shared definition, generated once per schema."""
        r = self.rng
        name = r.choice(["address", "status", "amount", "tag_list", "node", "money"])
        if name not in self.definitions:
            if name == "address":
                self.definitions[name] = {
                    "type": "object",
                    "properties": {"street": {"type": "string"}, "city": {"type": "string"},
                                   "zip": {"type": ["string", "integer"]}},
                    "required": ["street"]}
            elif name == "status":
                self.definitions[name] = {"type": "string", "enum": ["active", "archived"],
                                          "enumLabels": ["Active", "Archived"]}
            elif name == "amount":
                self.definitions[name] = {"type": "number"}
            elif name == "tag_list":
                self.definitions[name] = {"type": "array", "items": {"type": "string"}}
            elif name == "node":
                # A recursive definition: the struct edge inside the cycle is boxed.
                self.definitions[name] = {
                    "type": "object",
                    "properties": {"value": {"type": "string"},
                                   "children": {"type": "array",
                                                "items": {"$ref": "#/definitions/node"}},
                                   "parent": {"$ref": "#/definitions/node"}},
                    "required": ["value"]}
            else:
                self.definitions[name] = {
                    "type": "object",
                    "properties": {"currency": {"$ref": "#/definitions/currency"},
                                   "cents": {"type": "integer"}},
                    "required": ["currency", "cents"]}
                self.definitions["currency"] = {"type": "string", "enum": ["EUR", "USD"]}
        return {"$ref": "#/definitions/" + name}

    def alternatives(self, depth):
        """`oneOf`/`anyOf` of objects, each told apart by its own required property."""
        r = self.rng
        parts = []
        for i in range(r.randint(2, 3)):
            key = ["by_id", "by_name", "by_email"][i]
            part = self.obj(depth + 1, max_props=2)
            part["properties"] = {key: {"type": "string"}, **part["properties"]}
            part["required"] = [key] + [k for k in part.get("required", []) if k != key]
            part["title"] = "Variant " + key
            parts.append(part)
        return {r.choice(["oneOf", "anyOf"]): parts}

    def prop(self, depth):
        r = self.rng
        if depth >= 3:
            return self.scalar()
        kind = r.choice([
            "scalar", "scalar", "scalar", "array_scalar", "array_object", "object", "free_form",
            "map", "object_additional", "type_array", "nullable", "alternatives", "ref", "ref",
        ])
        if kind == "scalar":
            return self.scalar()
        if kind == "array_scalar":
            return {"type": "array", "items": self.scalar()}
        if kind == "array_object":
            return {"type": "array", "items": self.obj(depth + 1, max_props=3)}
        if kind == "object":
            return self.obj(depth + 1, max_props=4)
        if kind == "free_form":
            return {"type": "object"}
        if kind == "map":
            return {"type": "object", "additionalProperties": self.scalar()}
        if kind == "object_additional":
            o = self.obj(depth + 1, max_props=2)
            o["additionalProperties"] = {"type": r.choice(["integer", "string", "boolean"])}
            return o
        if kind == "type_array":
            types = r.choice(TYPE_ARRAYS)
            return {"type": list(types)}
        if kind == "nullable":
            inner = r.choice([self.scalar(), self.obj(depth + 1, max_props=2)])
            inner["nullable"] = True
            return inner
        if kind == "alternatives":
            return self.alternatives(depth)
        return self.definition(depth)

    def names(self, count):
        r = self.rng
        names = []
        if r.random() < 0.35:
            names.extend(r.choice(TWINS))
        while len(names) < count:
            pool = ODD_NAMES if r.random() < 0.3 else PLAIN_NAMES
            name = r.choice(pool)
            if name not in names:
                names.append(name)
        return names

    def obj(self, depth, max_props):
        r = self.rng
        names = self.names(r.randint(1, max_props))
        properties = {n: self.prop(depth) for n in names}
        required = [n for n in names if r.random() < 0.4
                    or (EXCLUDED.get("optional_null_only") and properties[n] == {"type": ["null"]})]
        o = {"type": "object", "properties": properties}
        # An empty `required` is allowed by Tray documents (the normaliser drops it).
        if required or r.random() < 0.2:
            o["required"] = required
        return o

    def root(self):
        r = self.rng
        o = self.obj(0, max_props=7)
        if r.random() < 0.3:
            o["$schema"] = "http://json-schema.org/draft-04/schema#"
        if self.output and r.random() < 0.1:
            o["additionalProperties"] = {"type": "string"}
        if self.definitions:
            o["definitions"] = dict(sorted(self.definitions.items()))
        return o


def pascal(name):
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def document(rng, number):
    ops = []
    names = set()
    count = rng.randint(2, 4)
    while len(names) < count:
        names.add(rng.choice(VERBS) + "_" + rng.choice(NOUNS))
    for name in sorted(names):
        element = {"name": name, "title": name.replace("_", " ").capitalize()}
        if rng.random() < 0.08:
            # A non-object input root: a transparent map newtype.
            element["inputSchema"] = {"type": "object"}
        else:
            element["inputSchema"] = Doc(rng, output=False).root()
        element["outputSchema"] = Doc(rng, output=True).root()
        ops.append(element)
    return {"connector": {"name": "corpus-%02d" % number, "version": "1.0"}, "elements": ops}


def main():
    rng = random.Random(SEED)
    modules = [
        "// @generated by tests/corpus/generate.py: do not edit; re-run the script instead.\n",
        "// One `connector!` module per corpus document (each expanded exactly once), then one\n",
        "// `#[test]` per document round-tripping each operation's output and input type.\n",
    ]
    tests = []
    for number in range(1, DOCUMENTS + 1):
        doc = document(rng, number)
        path = os.path.join(HERE, "doc_%02d.json" % number)
        with open(path, "w") as f:
            json.dump(doc, f, indent=2, ensure_ascii=False)
            f.write("\n")
        module = "corpus_%02d" % number
        modules.append(
            "\n/// `tests/corpus/doc_%02d.json`.\n"
            "#[allow(dead_code)]\n"
            "mod %s {\n"
            "    tray_connect::connector!(\"corpus-%02d\", \"1.0\", \"tests/corpus/doc_%02d.json\");\n"
            "}\n" % (number, module, number, number))
        body = ["\n#[test]\nfn doc_%02d() {\n" % number,
                "    let doc = Document::new(\"doc_%02d\", include_str!(\"corpus/doc_%02d.json\"));\n"
                % (number, number)]
        for element in doc["elements"]:
            name = element["name"]
            body.append("    doc.output::<%s::%sOutput>(\"%s\");\n" % (module, pascal(name), name))
            body.append("    doc.input::<%s::%s>(\"%s\");\n" % (module, pascal(name), name))
        body.append("    doc.finish();\n}\n")
        tests.append("".join(body))
    with open(os.path.join(TESTS, "corpus_modules.rs"), "w") as f:
        f.write("".join(modules))
        f.write("".join(tests))


if __name__ == "__main__":
    main()
