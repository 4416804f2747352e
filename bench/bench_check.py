"""End-to-end speed of `Checker.check_many`, cold start of `cdcheck check`, and peak memory.

    .venv/bin/python bench/bench_check.py [--rounds 3] [--cold 3]

1. Throughput: statements/s and words/s of Checker.check_many (spaCy, mentions, classifier,
   findings, rewrites) on the fixtures/ statements plus every text of data/test.jsonl, against
   spaCy's full pipeline alone (Settings().spacy_model, nothing excluded) on the same texts, in
   the same run, best of --rounds alternating rounds.
2. Cold start: wall clock of `cdcheck check` on one fixture file in a fresh process (best of
   --cold), against `python -c "import torch, transformers, spacy"`, the floor any tool built on
   those libraries pays.
3. Peak RSS: of this process after loading the models and checking everything (getrusage of
   the process), and of each child above (wait4's rusage of that child).

Figures only: nothing is asserted (machines here are shared and noisy).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def statements() -> list[tuple[str, str]]:
    """(source, text) for the fixtures and the data/test.jsonl statements."""
    items = [(p.name, p.read_text(encoding="utf-8")) for p in sorted((ROOT / "fixtures").iterdir())
             if p.suffix in (".txt", ".md")]
    test = ROOT / "data" / "test.jsonl"
    if test.exists():
        with open(test, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    s = json.loads(line)
                    items.append((str(s.get("id")), s["text"]))
    return items


def _mib(kib: int) -> float:
    return kib / 1024  # Linux reports ru_maxrss in KiB


def timed_child(argv: list[str]) -> tuple[float, int, int]:
    """(wall seconds, exit status, peak RSS in KiB) of one child process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            cwd=ROOT)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, proc.returncode, usage.ru_maxrss


def cold_start(rounds: int) -> None:
    exe = Path(sys.executable).parent / "cdcheck"
    sample = ROOT / "fixtures" / "panel-trafficking-ngo.txt"
    runs = {
        "cdcheck check (one file)": [str(exe), "check", "--no-config", "--fail-on", "never",
                                     str(sample)],
        "python -c 'import torch, transformers, spacy'": [
            sys.executable, "-c", "import torch, transformers, spacy"],
    }
    best = {name: (float("inf"), 0, 0) for name in runs}
    for _ in range(rounds):
        for name, argv in runs.items():
            wall, code, rss = timed_child(argv)
            if code not in (0, 1):
                print(f"  warning: {name} exited {code}")
            if wall < best[name][0]:
                best[name] = (wall, code, rss)
    print(f"cold start, wall clock, best of {rounds}:")
    for name, (wall, _, rss) in best.items():
        print(f"  {name:<48} {wall:6.2f} s   peak RSS {_mib(rss):7.0f} MiB")
    a = best["cdcheck check (one file)"][0]
    b = best["python -c 'import torch, transformers, spacy'"][0]
    print(f"  cdcheck's own start-up on top of the imports: {a - b:+.2f} s ({a / b:.2f}x)")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--cold", type=int, default=3, help="cold-start runs (0: skip)")
    args = p.parse_args(argv)
    if args.cold:
        # First, while this process is still small: a child's peak RSS counts what it shared
        # with its parent before exec.
        cold_start(args.cold)
        print()

    import spacy

    from cdcheck.checker import Checker
    from cdcheck.settings import Settings

    items = statements()
    n_words = sum(len(t.split()) for _, t in items)
    settings = Settings.from_env()
    checker = Checker(settings)
    t0 = time.perf_counter()
    _ = checker.nlp, checker.finder, checker.policy, checker.classifier
    load_s = time.perf_counter() - t0
    full = spacy.load(settings.spacy_model)
    list(checker.check_many(items[:4]))  # warm-up
    list(full.pipe([t for _, t in items[:4]]))
    reports: list = []

    def run_check():
        reports[:] = list(checker.check_many(items))

    def run_spacy():
        for _ in full.pipe([t for _, t in items], batch_size=64):
            pass

    best = {"check": float("inf"), "spacy": float("inf")}
    for _ in range(args.rounds):
        for name, fn in (("check", run_check), ("spacy", run_spacy)):
            t = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - t)
    n = len(items)
    findings = sum(len(r.findings) for r in reports)
    n_fix = sum(1 for p in (ROOT / "fixtures").iterdir() if p.suffix in (".txt", ".md"))
    print(f"texts: {n} statements ({n_fix} fixtures + {n - n_fix} of data/test.jsonl), "
          f"{n_words:,} words, {findings:,} findings; "
          f"best of {args.rounds} rounds; models loaded in {load_s:.1f} s")
    print(f"  {'Checker.check_many (end to end)':<40} {n / best['check']:8.1f} statements/s "
          f"{n_words / best['check']:9,.0f} words/s  ({best['check']:.2f} s)")
    print(f"  {'spaCy full pipeline alone':<40} {n / best['spacy']:8.1f} statements/s "
          f"{n_words / best['spacy']:9,.0f} words/s  ({best['spacy']:.2f} s)")
    print(f"  ratio check_many / spaCy full: {best['spacy'] / best['check']:.2f}x")
    self_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"  peak RSS of this process (both pipelines + classifier loaded): {_mib(self_rss):.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
