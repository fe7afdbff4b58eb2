#!/usr/bin/env python3
"""Compile cost of `connector!` against hand-written bon builders for the same types.

Writes the synthetic operations document (seeded, N operations, default 300), a crate that
expands it with `tray_connect::connector!`, and a crate with the equivalent types written with
`#[derive(bon::Builder)]` + `#[builder(on(String, into))]` + serde derives and the same docs.
After one warm-up build of each (dependencies cached, shared target dir), it alternates
`cargo check` of the two crates (touching lib.rs each time) for ROUNDS rounds and prints the
median wall time of each and the ratio ours / baseline.

    python3 benches/compile_cost.py [--operations 300] [--rounds 5]
    python3 benches/compile_cost.py --only operation_0,operation_150,operation_299
    python3 benches/compile_cost.py --serde one-way

Generated types serialise and deserialise both ways by default, as the baseline's derives do;
`--serde one-way` gives the macro `serde = "one-way"` (inputs Serialize, outputs Deserialize)
against the same baseline.

The document is benches/synthetic.py's (~3 MB at 300 operations). With --only, the macro gets
`operations = [..]` and the baseline crate holds only those operations' types.
"""
import argparse, json, os, statistics, subprocess, sys, time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
WORK = HERE / "work"
CORE = HERE.parent / "core"

from synthetic import document  # noqa: E402  (the shared ~3 MB document)


def pascal(s):
    return "".join(w[:1].upper() + w[1:] for w in s.replace("-", "_").split("_"))


def bon_crate(doc, only=None):
    """The same types as connector! generates, written as a user would with bon + serde."""
    out = ["//! Hand-written equivalent of the synthetic document, with bon builders.",
           "#![allow(missing_docs)]", "use serde::{Deserialize, Serialize};", ""]

    def rust_struct(name, sch, output):
        items = []
        fields = []
        req = sch.get("required", [])
        order = req + [k for k in sch["properties"] if k not in req]
        for key in order:
            p = sch["properties"][key]
            t = p.get("type")
            if "enum" in p:
                en = name + pascal(key)
                variants = "".join(f'    /// `{v}`\n    #[serde(rename = "{v}")]\n    {pascal(v)},\n' for v in p["enum"])
                if output:
                    variants += "    /// Unknown value.\n    #[serde(untagged)]\n    Unknown(String),\n"
                items.append(f"/// {p.get('title', key)}\n#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]\npub enum {en} {{\n{variants}}}\n")
                ty = en
            elif t == "string":
                ty = "String"
            elif t == "integer":
                ty = "i64"
            elif t == "number":
                ty = "f64"
            elif t == "boolean":
                ty = "bool"
            elif t == "array" and p["items"].get("type") == "object":
                item = name + pascal(key) + "Item"
                items.extend(rust_struct(item, p["items"], output))
                ty = f"Vec<{item}>"
            elif t == "array":
                ty = "Vec<String>"
            else:
                ty = name + pascal(key)
                items.extend(rust_struct(ty, p, output))
            title = p.get("title", key)
            doc_lines = f"    /// {title}\n    ///\n    /// {p.get('description', '')}\n"
            if key in req:
                fields.append(f"{doc_lines}    pub {key}: {ty},\n")
            else:
                fields.append(f'{doc_lines}    #[serde(default, skip_serializing_if = "Option::is_none")]\n    pub {key}: Option<{ty}>,\n')
        if output:
            fields.append("    /// Unlisted fields.\n    #[serde(flatten)]\n    pub extra: serde_json::Map<String, serde_json::Value>,\n")
            derive = "#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]"
        else:
            derive = "#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, bon::Builder)]\n#[builder(on(String, into))]"
        items.insert(0, f"/// {name}\n{derive}\npub struct {name} {{\n{''.join(fields)}}}\n")
        return items

    for el in doc["elements"]:
        if only and el["name"] not in only:
            continue
        name = pascal(el["name"])
        out.extend(rust_struct(name, el["inputSchema"], False))
        out.extend(rust_struct(name + "Output", el["outputSchema"], True))
    return "\n".join(out)


def write_crate(path, name, deps, lib):
    (path / "src").mkdir(parents=True, exist_ok=True)
    (path / "Cargo.toml").write_text(
        f'[package]\nname = "{name}"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n\n'
        f'[dependencies]\n{deps}\n\n[workspace]\n')
    (path / "src" / "lib.rs").write_text(lib)


def check(crate, env):
    (crate / "src" / "lib.rs").touch()
    start = time.monotonic()
    subprocess.run(["cargo", "check", "-q"], cwd=crate, env=env, check=True)
    return time.monotonic() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--operations", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--only", default="",
                    help="comma-separated operation names: `operations = [..]` against a crate "
                         "with only those operations' types")
    ap.add_argument("--serde", choices=["both", "one-way"], default="both",
                    help="the macro's serde argument (the baseline derives both ways)")
    args = ap.parse_args()
    only = [o for o in args.only.split(",") if o]

    doc = document(args.operations)
    suffix = ("_only" if only else "") + ("_oneway" if args.serde == "one-way" else "")
    ours, bon = WORK / f"ours{suffix}", WORK / f"bon_baseline{suffix}"
    selection = (", operations = [" + ", ".join(json.dumps(o) for o in only) + "]") if only else ""
    if args.serde == "one-way":
        selection += ', serde = "one-way"'
    write_crate(ours, f"ours{suffix}", f'tray-connect = {{ path = "{CORE}" }}',
                '//! connector! on the synthetic document.\n'
                f'tray_connect::connector!("synthetic", "1.0", "synthetic.json"{selection});\n')
    (ours / "synthetic.json").write_text(json.dumps(doc))
    write_crate(bon, f"bon_baseline{suffix}",
                'bon = "3"\nserde = { version = "1", features = ["derive"] }\nserde_json = "1"',
                bon_crate(doc, only or None))
    size = (ours / "synthetic.json").stat().st_size
    env = dict(os.environ, CARGO_TARGET_DIR=str(WORK / "target"), CARGO_INCREMENTAL="0")
    for crate in (ours, bon):  # warm the dependency cache
        subprocess.run(["cargo", "check", "-q"], cwd=crate, env=env, check=True)
    times = {"ours": [], "bon": []}
    for r in range(args.rounds):
        times["ours"].append(check(ours, env))
        times["bon"].append(check(bon, env))
        print(f"round {r + 1}: ours {times['ours'][-1]:.2f}s, bon {times['bon'][-1]:.2f}s", flush=True)
    o, b = statistics.median(times["ours"]), statistics.median(times["bon"])
    ratios = [x / y for x, y in zip(times["ours"], times["bon"])]
    what = (f"operations = {only}" if only else "whole document") + f", serde {args.serde}"
    print(f"document: {args.operations} operations, {size / 1e6:.2f} MB; {what}; rounds: {args.rounds}")
    print(f"cargo check, connector!: median {o:.2f}s  (min {min(times['ours']):.2f}, max {max(times['ours']):.2f})")
    print(f"cargo check, bon + serde: median {b:.2f}s  (min {min(times['bon']):.2f}, max {max(times['bon']):.2f})")
    print(f"ratio of medians ours/baseline: {o / b:.2f}; per-round ratios {min(ratios):.2f}-{max(ratios):.2f}"
          f"  (target <= {0.8 if only else (0.4 if args.serde == 'one-way' else 0.5)})")


if __name__ == "__main__":
    main()
