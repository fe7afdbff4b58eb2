#!/usr/bin/env python3
"""Writes the red team's document families (issue 22, finding 4) at the sizes the tests use.

    python3 codegen/tests/hostile/make.py [--levels N] [--required N] [--name-bytes N] DIR

Each document is small; before the expansion budget each asked for far more code than its size:
- all-of-explosion.json: definitions L0..Ln, each property of L(i) an `allOf` of L(i+1) with its
  own description (so no two are the same JSON), two properties per level;
- required-inputs.json: one input object requiring N short names;
- long-names.json: objects nested N levels, each property name K bytes long.
"""
import argparse, json, os


def all_of_explosion(levels):
    definitions = {}
    for i in range(levels):
        nxt = {"$ref": f"#/definitions/L{i + 1}"}
        definitions[f"L{i}"] = {
            "type": "object",
            "properties": {
                "left": {"description": f"left of {i}", "allOf": [nxt]},
                "right": {"description": f"right of {i}", "allOf": [nxt]},
            },
        }
    definitions[f"L{levels}"] = {"type": "object", "properties": {"leaf": {"type": "string"}}}
    schema = {"type": "object", "definitions": definitions,
              "properties": {"root": {"allOf": [{"$ref": "#/definitions/L0"}]}}}
    return document("all-of-explosion", [{"name": "explode", "inputSchema": schema,
                                           "outputSchema": schema}])


def required_inputs(count):
    names = [f"r{i}" for i in range(count)]
    schema = {"type": "object", "properties": {n: {"type": "string"} for n in names},
              "required": names}
    return document("required-inputs", [{"name": "many", "inputSchema": schema,
                                         "outputSchema": {"type": "object"}}])


def long_names(levels, name_bytes):
    schema = {"type": "string"}
    for i in reversed(range(levels)):
        name = chr(ord("a") + i % 26) * name_bytes
        schema = {"type": "object", "properties": {name: schema, f"short{i}": {"type": "integer"}}}
    return document("long-names", [{"name": "deep", "inputSchema": schema,
                                    "outputSchema": schema}])


def document(name, elements):
    return {"connector": {"name": name, "version": "1.0"}, "elements": elements}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--levels", type=int, default=20)
    parser.add_argument("--required", type=int, default=500)
    parser.add_argument("--name-bytes", type=int, default=1000)
    parser.add_argument("dir")
    args = parser.parse_args()
    docs = {
        "all-of-explosion.json": all_of_explosion(args.levels),
        "required-inputs.json": required_inputs(args.required),
        "long-names.json": long_names(args.levels, args.name_bytes),
    }
    for file, doc in docs.items():
        path = os.path.join(args.dir, file)
        with open(path, "w") as out:
            json.dump(doc, out, separators=(",", ":"))
            out.write("\n")
        print(f"{path}: {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    main()
