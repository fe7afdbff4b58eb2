#!/usr/bin/env python3
"""The synthetic operations document the benchmarks share (seeded, deterministic).

Each operation has 16 inputs (4 required + 12 optional) and 16 output fields (3 required), drawn
from strings (some with formats), integers with defaults and bounds, booleans, enums, arrays of
strings, arrays of objects and nested objects (two levels, with their own enums and arrays).
300 operations make a document of about 3 MB.

    python3 benches/synthetic.py [--operations 300] OUT.json
"""
import argparse, json

KINDS = ["string", "integer", "boolean", "enum", "array", "object", "string", "array_of_objects",
         "number", "enum", "string", "object"]
WORDS = ["account", "record", "channel", "message", "owner", "status", "label", "region",
         "source", "target", "policy", "member", "folder", "invoice", "ticket", "project"]


def leaf(kind, i, j, depth):
    word = WORDS[(i * 7 + j * 3 + depth) % len(WORDS)]
    base = {"title": f"{word.title()} {j}",
            "description": f"The {word} used by operation {i} (field {j})." if depth == 0
            else f"The {word}."}
    if kind == "string":
        extra = {"format": "date-time"} if (i + j) % 5 == 0 else {}
        return {**base, "type": "string", **extra}
    if kind == "integer":
        return {**base, "type": "integer", "default": 10, "minimum": 0, "maximum": 1000}
    if kind == "number":
        return {**base, "type": "number"}
    if kind == "boolean":
        return {**base, "type": "boolean", "default": False}
    if kind == "enum":
        n = 3 + (i + j) % 4
        return {**base, "type": "string", "enum": [f"{w}-{k}" if k % 2 else w
                                                    for k, w in enumerate(WORDS[j % 5: j % 5 + n])]}
    if kind == "array":
        return {**base, "type": "array", "items": {"type": "string"}}
    if kind == "array_of_objects":
        return {**base, "type": "array", "items": nested(i, j, depth + 1, 3)}
    return {**base, **nested(i, j, depth + 1, 4 if depth < 1 else 2)}


def nested(i, j, depth, n):
    """An object of n properties; at depth 1 it may hold another object."""
    kinds = ["string", "integer", "enum", "array", "boolean"] + (["object"] if depth < 2 else [])
    kinds = kinds[:5] if n < 4 else kinds
    props = {}
    for k in range(n):
        kind = kinds[(i + j + k) % len(kinds)]
        name = f"{WORDS[(j + k) % len(WORDS)]}_{k}"
        props[name] = leaf(kind, i, k, depth)
    return {"type": "object", "properties": props, "required": list(props)[:1]}


def schema(i, n_props, n_required):
    props = {}
    for j in range(n_props):
        kind = KINDS[(i + j) % len(KINDS)]
        props[f"{WORDS[(i + j) % len(WORDS)]}_{j}"] = leaf(kind, i, j, 0)
    return {"type": "object", "properties": props, "required": list(props)[:n_required]}


def document(n_ops):
    elements = []
    for i in range(n_ops):
        elements.append({
            "name": f"operation_{i}", "title": f"Operation {i}",
            "description": f"Does thing number {i} to a {WORDS[i % len(WORDS)]}: creates it when "
                           f"missing and returns the stored version.",
            "inputSchema": schema(i, 16, 4), "outputSchema": schema(i + 1, 16, 3),
            "hasDynamicOutput": False,
        })
    return {"connector": {"name": "synthetic", "version": "1.0"}, "elements": elements}


def write(path, n_ops):
    text = json.dumps(document(n_ops))
    with open(path, "w") as f:
        f.write(text)
    return len(text)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--operations", type=int, default=300)
    ap.add_argument("out")
    a = ap.parse_args()
    print(f"{a.out}: {a.operations} operations, {write(a.out, a.operations) / 1e6:.2f} MB")
