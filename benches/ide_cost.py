#!/usr/bin/env python3
"""What rust-analyzer sees and costs on a big connector: `connector!` against the same code pasted.

Writes two crates over the synthetic document (benches/synthetic.py, 300 operations, ~3 MB):
`ide_macro` holds `tray_connect::connector!(..)`, `ide_pasted` holds `tray-connect generate`'s
output of the same document as a module. For each, it runs

    rust-analyzer diagnostics CRATE
    rust-analyzer analysis-stats --skip-mir-stats --skip-data-layout --skip-const-eval CRATE

(proc macros expanded by the toolchain's `rust-analyzer-proc-macro-srv`), each ROUNDS times
alternately, and prints: whether any expansion went over rust-analyzer's token limit, the
declarations and ADTs it knows, the expressions of unknown type, its analysis time (median)
and peak memory (the largest of the rounds, from /usr/bin/time).

    python3 benches/ide_cost.py --rust-analyzer /work/ra/bin/rust-analyzer [--rounds 3]

rust-analyzer is not a rustup component here; build it once with
`cargo +nightly install ra_ap_rust-analyzer --version 0.0.349 --locked --root DIR`.
"""
import argparse, json, os, re, shutil, statistics, subprocess, sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
WORK = HERE / "work"
ROOT = HERE.parent
CORE = ROOT / "core"

from synthetic import document  # noqa: E402


def write_crate(path, name, lib):
    (path / "src").mkdir(parents=True, exist_ok=True)
    (path / "Cargo.toml").write_text(
        f'[package]\nname = "{name}"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n\n'
        f'[dependencies]\ntray-connect = {{ path = "{CORE}" }}\n\n[workspace]\n')
    (path / "src" / "lib.rs").write_text(lib)


def run_measured(cmd, env):
    """Runs cmd under /usr/bin/time; returns (seconds, peak RSS in MB, stdout + stderr)."""
    timed = ["/usr/bin/time", "-f", "__measured %e %M"] + [str(c) for c in cmd]
    done = subprocess.run(timed, env=env, capture_output=True, text=True)
    output = done.stdout + done.stderr
    if done.returncode != 0 and "diagnostics" not in cmd:
        sys.exit(f"{' '.join(timed)} failed ({done.returncode}):\n{output[-4000:]}")
    m = re.findall(r"__measured ([\d.]+) (\d+)", done.stderr)
    if not m:
        sys.exit(f"no measurement from /usr/bin/time:\n{done.stderr[-2000:]}")
    seconds, kilobytes = m[-1]
    return float(seconds), int(kilobytes) / 1024, output


def stats(output):
    """The figures analysis-stats prints."""
    def find(pattern):
        m = re.search(pattern, output)
        return m.group(1).replace(",", "") if m else "?"
    return {
        "declarations": find(r"decls: (\d+)"),
        "adts": find(r"adts: (\d+)"),
        "exprs": find(r"exprs: (\d+)"),
        "unknown": find(r"exprs: \d+, \?\?ty: (\d+)"),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rust-analyzer", default=shutil.which("rust-analyzer") or "rust-analyzer")
    ap.add_argument("--operations", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--no-diagnostics", action="store_true",
                    help="skip `rust-analyzer diagnostics` (the token-limit verdict)")
    args = ap.parse_args()
    ra = args.rust_analyzer

    doc = document(args.operations)
    macro, pasted = WORK / "ide_macro", WORK / "ide_pasted"
    write_crate(macro, "ide_macro", '//! connector! on the synthetic document.\n'
                'tray_connect::connector!("synthetic", "1.0", "synthetic.json");\n')
    (macro / "synthetic.json").write_text(json.dumps(doc))
    env = dict(os.environ, CARGO_TARGET_DIR=str(WORK / "target"))
    generated = WORK / "ide_pasted_generated.rs"
    subprocess.run(["cargo", "run", "-q", "-p", "tray-connect-cli", "--", "generate",
                    str(macro / "synthetic.json"), "-o", str(generated)],
                   cwd=ROOT, env=dict(os.environ), check=True)
    write_crate(pasted, "ide_pasted", "//! tray-connect generate's output of the synthetic "
                "document, pasted.\n" + generated.read_text())
    for crate in (macro, pasted):  # build dependencies and the proc macro once
        subprocess.run(["cargo", "check", "-q"], cwd=crate, env=env, check=True)

    results = {"macro": [], "pasted": []}
    verdicts = {}
    for name, crate in (("macro", macro), ("pasted", pasted)):
        if args.no_diagnostics:
            verdicts[name] = "not run"
            continue
        _, _, output = run_measured([ra, "diagnostics", str(crate)], env)
        limit = re.findall(r"exceeds token limit[^\n]*", output)
        verdicts[name] = limit[0] if limit else "no expansion over the token limit"
    for r in range(args.rounds):
        for name, crate in (("macro", macro), ("pasted", pasted)):
            seconds, rss, output = run_measured(
                [ra, "analysis-stats", "--skip-mir-stats", "--skip-data-layout",
                 "--skip-const-eval", str(crate)], env)
            results[name].append((seconds, rss, stats(output)))
            if r == 0:
                (WORK / f"ide_{name}_analysis_stats.txt").write_text(output)
            print(f"round {r + 1} {name}: {seconds:.1f} s, {rss:.0f} MB", flush=True)

    print(f"document: {args.operations} operations; rust-analyzer {ra}; rounds: {args.rounds}")
    print(f"| | macro crate | pasted crate |\n|---|---|---|")
    print(f"| token limit | {verdicts['macro']} | {verdicts['pasted']} |")
    first = {k: v[0][2] for k, v in results.items()}
    for key, label in (("declarations", "declarations"), ("adts", "ADTs"),
                       ("exprs", "expressions"), ("unknown", "of unknown type")):
        print(f"| {label} | {first['macro'][key]} | {first['pasted'][key]} |")
    med = {k: statistics.median(s for s, _, _ in v) for k, v in results.items()}
    mem = {k: max(m for _, m, _ in v) for k, v in results.items()}
    print(f"| analysis time (median) | {med['macro']:.1f} s | {med['pasted']:.1f} s |")
    print(f"| peak memory (largest round) | {mem['macro']:.0f} MB | {mem['pasted']:.0f} MB |")
    print(f"time ratio macro/pasted: {med['macro'] / med['pasted']:.2f} (target <= 1.2); "
          f"full outputs in {WORK}/ide_*_analysis_stats.txt")


if __name__ == "__main__":
    main()
