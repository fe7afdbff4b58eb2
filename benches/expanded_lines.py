#!/usr/bin/env python3
"""Expanded lines per operation: `tray-connect generate` output of the synthetic document, divided
by its operations, with a breakdown of where the lines go.

    cargo build -p tray-connect-cli            # in the main workspace
    python3 benches/expanded_lines.py [--operations 300] [--flat]

--flat uses the first reading's flat document (16 inputs / 12 outputs of scalars, enums, string
arrays and one-level objects) instead of the ~3 MB nested one.
"""
import argparse, re, subprocess, sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import synthetic  # noqa: E402


def classify(header):
    h = header.strip()
    if re.match(r"pub mod __\w+_state", h):
        return "state-trait modules (one trait per required input)"
    if re.match(r"(pub )?const ", h):
        return "constants"
    if h.startswith("impl ::tray_connect::Operation for"):
        return "Operation impls"
    if re.match(r"pub struct \w+Builder\b", h):
        return "builder structs"
    if re.match(r"pub (trait|struct) ", h) and "Builder" not in h and h.startswith("pub trait"):
        return "state traits + impls"
    if h.startswith("impl") and re.search(r"\bfor\b", h):
        return "trait impls (state traits, Default, From, ...)"
    if re.match(r"impl(<[^{]*>)? \w+Builder\b", h) or re.match(r"impl<\s*$", h):
        return "builder setters + build"
    if re.match(r"impl \w+ \{", h):
        return "builder() entry points / inherent impls"
    if h.startswith("pub struct"):
        return "data structs (fields)"
    if h.startswith("pub enum"):
        return "data enums (variants)"
    return "other: " + h[:40]


def breakdown(text):
    lines = text.splitlines()
    totals, docs, derives, serde_attrs = Counter(), 0, 0, 0
    i, pending, in_derive = 0, [], False
    item_kind, depth = None, 0
    for line in lines:
        s = line.strip()
        if s.startswith("///") or s.startswith("//!") or s.startswith("#[doc"):
            docs += 1
        elif s.startswith("#[derive(") or in_derive:
            derives += 1
            in_derive = not s.endswith(")]")
        elif s.startswith("#[serde"):
            serde_attrs += 1
        if item_kind is None:
            if not line or line.startswith("//") or line.startswith("#") or line.startswith(" ") \
                    or line.startswith(")") or line.startswith("}"):
                pending.append(line)
                continue
            item_kind = classify(line)
            # an `impl<` header spread over lines: look ahead is unnecessary, the kind is refined
            totals[item_kind] += len(pending)
            pending = []
        totals[item_kind] += 1
        depth += line.count("{") - line.count("}")
        if depth <= 0 and (line.rstrip().endswith("}") or line.rstrip().endswith(";")):
            item_kind, depth = None, 0
    totals["(trailing)"] += len(pending)
    return totals, docs, derives, serde_attrs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--operations", type=int, default=300)
    ap.add_argument("--flat", action="store_true")
    a = ap.parse_args()
    work = HERE / "work"
    work.mkdir(exist_ok=True)
    path = work / ("flat.json" if a.flat else "synthetic.json")
    if a.flat:
        sys.path.insert(0, str(HERE / "work"))
        import json
        path.write_text(json.dumps(flat_document(a.operations)))
    else:
        synthetic.write(path, a.operations)
    cli = HERE.parent / "target" / "debug" / "tray-connect"
    out = subprocess.run([str(cli), "generate", str(path)], check=True, capture_output=True,
                         text=True).stdout
    # What `connector!` expands to: without the header comment and the `#[allow(dead_code)]`
    # that `generate` adds to every item of a file users may include only in part.
    out = "\n".join(l for l in out.splitlines()
                    if l.strip() != "#[allow(dead_code)]" and not l.startswith("// ")
                    and l.strip()) + "\n"
    n = len(out.splitlines())
    documented, previous = 0, False
    for line in out.splitlines():
        is_doc = line.strip().startswith("///")
        documented += is_doc and not previous
        previous = is_doc
    totals, docs, derives, serde_attrs = breakdown(out)
    print(f"{path.name}: {a.operations} operations, {path.stat().st_size / 1e6:.2f} MB; "
          f"{n} lines, {n / a.operations:.0f} lines per operation (target <= 120)")
    print(f"  structs: {out.count('pub struct ')}, enums: {out.count('pub enum ')}, "
          f"traits: {out.count('pub trait ')}, setters: {len(re.findall(r'^    pub fn ', out, re.M))}")
    print(f"  documented items: {documented / a.operations:.1f} per operation; DESIGN asks for docs on "
          f"each type, field and setter, so at least {2 * documented / a.operations:.0f} lines per "
          f"operation (one doc line and one declaration line each)")
    print("  by item (lines per operation, items include their docs and attributes):")
    for k, v in totals.most_common():
        print(f"    {v / a.operations:8.1f}  {k}")
    print("  across items (lines per operation):")
    print(f"    {docs / a.operations:8.1f}  doc comments")
    print(f"    {derives / a.operations:8.1f}  #[derive(..)] lines")
    print(f"    {serde_attrs / a.operations:8.1f}  #[serde(..)] lines")


def flat_document(n_ops):
    """The first reading's generator (compile_cost.py before issue 6)."""
    kinds = ["string", "integer", "boolean", "enum", "array", "object"]

    def prop(kind, i, j, req):
        base = {"title": f"Field {j}", "description": f"Field {j} of operation {i}: what it means, in a sentence."}
        if kind == "string":
            return {**base, "type": "string"}
        if kind == "integer":
            return {**base, "type": "integer", "default": 10}
        if kind == "boolean":
            return {**base, "type": "boolean"}
        if kind == "enum":
            return {**base, "type": "string", "enum": ["alpha", "beta", "gamma-delta"]}
        if kind == "array":
            return {**base, "type": "array", "items": {"type": "string"}}
        return {**base, "type": "object", "properties": {
            "name": {"type": "string", "description": "A name."},
            "count": {"type": "integer", "description": "A count."}}, "required": ["name"] if req else []}

    def schema(i, n, r):
        props = {f"field_{j}": prop(kinds[(i + j) % 6], i, j, j % 2 == 0) for j in range(n)}
        return {"type": "object", "properties": props, "required": [f"field_{j}" for j in range(r)]}

    return {"connector": {"name": "synthetic", "version": "1.0"}, "elements": [
        {"name": f"operation_{i}", "title": f"Operation {i}", "description": f"Does thing number {i}.",
         "inputSchema": schema(i, 16, 4), "outputSchema": schema(i + 1, 12, 3), "hasDynamicOutput": False}
        for i in range(n_ops)]}


if __name__ == "__main__":
    main()
