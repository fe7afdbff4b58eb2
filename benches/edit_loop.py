#!/usr/bin/env python3
"""The edit loop: edit one function of a crate holding `connector!`, then `cargo check`
(incremental, as cargo's dev profile does), against the same crate with the expansion pasted in
as source (`tray-connect generate`'s output). Issue 15 goal 3: ratio <= 1.05.

    python3 benches/edit_loop.py [--document github|synthetic|PATH] [--rounds 5] [--optimised-macro]

`--optimised-macro` adds `[profile.dev.build-override] opt-level = 3` to both crates, the one
line a user can add to run the macro as optimised code (the pasted crate runs no macro, so it
only keeps the two configurations identical).

Both crates live under benches/work/edit_loop/ and share one target directory; after one
warm-up check of each, rounds alternate: rewrite `edited()` in src/lib.rs with a new constant,
then `cargo check`. Prints the median of each side and the ratio macro/pasted.
"""
import argparse, json, os, statistics, subprocess, sys, time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "work" / "edit_loop"
CORE = ROOT / "core"
sys.path.insert(0, str(HERE))


def document(which):
    """(name, version, document text) of the document to expand."""
    if which == "github":
        return "github", "1.2", (ROOT / "codegen/tests/fixtures/github-legacy.json").read_text()
    if which == "synthetic":
        from synthetic import document as synthetic
        return "synthetic", "1.0", json.dumps(synthetic(300))
    # Any document with a header, e.g. schemas/twilio-output.json.
    text = Path(which).read_text()
    header = json.loads(text)["connector"]
    return header["name"], header["version"], text


def write_crate(path, name, module, optimised_macro=False):
    (path / "src").mkdir(parents=True, exist_ok=True)
    (path / "Cargo.toml").write_text(
        f'[package]\nname = "{name}"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n\n'
        f'[dependencies]\ntray-connect = {{ path = "{CORE}", default-features = false, '
        f'features = ["macros"] }}\n\n[workspace]\n'
        + ('\n[profile.dev.build-override]\nopt-level = 3\n' if optimised_macro else ''))
    (path / "src" / "connector.rs").write_text(module)
    edit(path, 0)


def edit(path, n):
    """The user's own code, changed each round; the connector module is untouched."""
    (path / "src" / "lib.rs").write_text(
        "//! A crate holding a connector and code of its own.\n"
        "#![allow(missing_docs, dead_code)]\n"
        "pub mod connector;\n\n"
        f"/// The function being edited.\npub fn edited() -> u32 {{\n    {n}\n}}\n")


def check(crate, env, n):
    edit(crate, n)
    start = time.monotonic()
    subprocess.run(["cargo", "check", "-q"], cwd=crate, env=env, check=True)
    return time.monotonic() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--document", default="github",
                    help="github, synthetic, or the path of a document with a header")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--optimised-macro", action="store_true")
    args = ap.parse_args()
    name, version, text = document(args.document)
    label = args.document if args.document in ("github", "synthetic") else Path(args.document).stem
    work = WORK / (label + ("-optimised" if args.optimised_macro else ""))
    macro_crate, pasted_crate = work / "macro", work / "pasted"
    (work).mkdir(parents=True, exist_ok=True)
    (work / "document.json").write_text(text)
    write_crate(macro_crate, "edit_loop_macro",
                f'tray_connect::connector!("{name}", "{version}", "../document.json");\n',
                args.optimised_macro)
    # The pasted crate holds what the macro expands to, as source.
    subprocess.run(["cargo", "build", "-q", "-p", "tray-connect-cli"], cwd=ROOT, check=True)
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    generated = subprocess.run(
        [str(target / "debug" / "tray-connect"), "generate", str(work / "document.json"),
         "--name", name, "--version", version],
        check=True, capture_output=True, text=True).stdout
    write_crate(pasted_crate, "edit_loop_pasted", generated, args.optimised_macro)
    env = dict(os.environ, CARGO_TARGET_DIR=str(work / "target"), CARGO_INCREMENTAL="1")
    for crate in (macro_crate, pasted_crate):
        subprocess.run(["cargo", "check", "-q"], cwd=crate, env=env, check=True)
    times = {"macro": [], "pasted": []}
    for r in range(args.rounds):
        times["macro"].append(check(macro_crate, env, r + 1))
        times["pasted"].append(check(pasted_crate, env, r + 1))
        print(f"round {r + 1}: macro {times['macro'][-1]:.2f}s, pasted {times['pasted'][-1]:.2f}s",
              flush=True)
    m, p = statistics.median(times["macro"]), statistics.median(times["pasted"])
    ratios = [x / y for x, y in zip(times["macro"], times["pasted"])]
    print(f"document: {args.document}; rounds: {args.rounds}"
          + ("; macro optimised (build-override opt-level 3)" if args.optimised_macro else ""))
    print(f"incremental cargo check after an edit, connector!: median {m:.2f}s "
          f"(min {min(times['macro']):.2f}, max {max(times['macro']):.2f})")
    print(f"same, expansion pasted in: median {p:.2f}s "
          f"(min {min(times['pasted']):.2f}, max {max(times['pasted']):.2f})")
    print(f"ratio of medians: {m / p:.2f}; per-round {min(ratios):.2f}-{max(ratios):.2f} (target <= 1.05)")


if __name__ == "__main__":
    main()
