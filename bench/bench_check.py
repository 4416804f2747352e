"""End-to-end speed of `Checker.check_documents`, cold start of `cdcheck check`, and peak memory.

    .venv/bin/python bench/bench_check.py [--rounds 3] [--cold 3]

1. Cold start (issue 11: target <= 2.0x): wall clock of `cdcheck check` on one fixture file in
   a fresh process, against `python -c "import spacy; spacy.load(MODEL)"`, best of --cold each,
   twice: as installed here, and as a user's install without the `train` extra (torch,
   transformers, peft and scikit-learn hidden from the child: thinc imports torch whenever it
   is installed, which costs both sides a second here and nobody who installs cdcheck alone).
2. Throughput (target >= 0.8x): statements/s and words/s of Checker.check_documents (spaCy, mentions,
   classifier, evidence, rewrites) on the fixtures/ statements plus every text of
   data/test.jsonl, against the same spaCy pipeline alone (senter + NER, the components cdcheck
   loads), and against spaCy's full pipeline; best of --rounds alternating rounds.
3. Peak RSS: of each cold-start child (wait4's rusage), and of this process after loading the
   Checker and checking everything, before the full spaCy pipeline is loaded for comparison.
4. The cost of advice (issue 14: evidence within 1.5x): the same statements checked for
   verdicts only, with evidence, and with evidence and rewrites checked again (the default),
   alternating rounds on one loaded Checker.

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


#: Run first in a child: the training libraries cannot be imported, as on a user's machine.
HIDE = ("import sys\n"
        "class _Absent:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('torch', 'transformers', 'peft', 'sklearn'):\n"
        "            raise ModuleNotFoundError(name)\n"
        "sys.meta_path.insert(0, _Absent())\n")


def cold_start(rounds: int, model: str) -> None:
    sample = ROOT / "fixtures" / "panel-trafficking-ngo.txt"
    check = ("from cdcheck.cli import main; sys.exit(main(['check', '--no-config', '--fail-on', "
             f"'never', {str(sample)!r}]))")
    load = f"import spacy; spacy.load({model!r})"
    for label, prefix in (("as installed here", "import sys\n"),
                          ("without the train extra", HIDE)):
        runs = {"cdcheck check (one file)": [sys.executable, "-c", prefix + check],
                f"spacy.load({model!r})": [sys.executable, "-c", prefix + load]}
        best = {name: (float("inf"), 0, 0) for name in runs}
        for _ in range(rounds):
            for name, argv in runs.items():
                wall, code, rss = timed_child(argv)
                if code != 0:
                    print(f"  warning: {name} exited {code}")
                if wall < best[name][0]:
                    best[name] = (wall, code, rss)
        print(f"cold start, {label}, wall clock, best of {rounds}:")
        for name, (wall, _, rss) in best.items():
            print(f"  {name:<48} {wall:6.2f} s   peak RSS {_mib(rss):7.0f} MiB")
        a, b = (best[name][0] for name in runs)
        print(f"  ratio cdcheck check / spaCy load: {a / b:.2f}x (target <= 2.0x)")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--cold", type=int, default=3, help="cold-start runs (0: skip)")
    p.add_argument("--advice-only", action="store_true", help="only part 4, the cost of advice")
    args = p.parse_args(argv)
    from cdcheck.checker import Checker
    from cdcheck.documents import Document
    from cdcheck.settings import Settings

    settings = Settings.from_env()
    if args.cold:
        # First, while this process is still small: a child's peak RSS counts what it shared
        # with its parent before exec.
        cold_start(args.cold, settings.spacy_model)
        print()

    import spacy

    items = statements()
    texts = [t for _, t in items]
    n_words = sum(len(t.split()) for t in texts)
    checker = Checker(settings)
    t0 = time.perf_counter()
    checker.warm_up()
    load_s = time.perf_counter() - t0
    documents = [Document(source, text, "txt") for source, text in items]
    if args.advice_only:
        advice_cost(checker, documents, args.rounds)
        return 0
    list(checker.check_documents(documents[:4]))  # warm-up
    reports: list = []

    def run_check():
        reports[:] = list(checker.check_documents(documents))

    def run_nlp():  # the very pipeline the Checker runs: senter + NER
        for _ in checker.nlp.pipe(texts, batch_size=64):
            pass

    runs = {"check": run_check, "nlp": run_nlp}
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(args.rounds):
        for name, fn in runs.items():
            t = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - t)
    self_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    full = spacy.load(settings.spacy_model)
    list(full.pipe(texts[:4]))
    t = time.perf_counter()
    for _ in full.pipe(texts, batch_size=64):
        pass
    best["full"] = time.perf_counter() - t
    n = len(items)
    findings = sum(len(r.findings) for r in reports)
    n_fix = sum(1 for p in (ROOT / "fixtures").iterdir() if p.suffix in (".txt", ".md"))
    print(f"texts: {n} statements ({n_fix} fixtures + {n - n_fix} of data/test.jsonl), "
          f"{n_words:,} words, {findings:,} findings; best of {args.rounds} rounds; models "
          f"loaded in {load_s:.1f} s; {checker.settings.spacy_model}: {checker.nlp.pipe_names}")
    for name, what in (("check", "Checker.check_documents (end to end)"),
                       ("nlp", "spaCy senter + NER alone (same pipeline)"),
                       ("full", "spaCy full pipeline (one round)")):
        print(f"  {what:<42} {n / best[name]:8.1f} statements/s "
              f"{n_words / best[name]:9,.0f} words/s  ({best[name]:.2f} s)")
    print(f"  ratio check_documents / spaCy senter + NER: {best['nlp'] / best['check']:.2f}x "
          "(target >= 0.8x)")
    print(f"  peak RSS of this process (Checker loaded, everything checked): "
          f"{_mib(self_rss):.0f} MiB")
    advice_cost(checker, documents, args.rounds)
    return 0


def advice_cost(checker, documents, rounds: int) -> None:
    """Verdicts only, + evidence, + verified rewrites: the Checker's own batched road (its
    internal `_run`, 16 documents a batch as check_documents), best of `rounds`."""
    from dataclasses import replace

    from cdcheck.checker import Checker

    unverified = Checker(replace(checker.settings, verify_rewrites=False), nlp=checker.nlp,
                         classifier=checker.classifier, gazetteer=checker.gazetteer)
    options = checker.options()
    prepared = [checker._prepare(d, options) for d in documents]
    batches = [prepared[k:k + 16] for k in range(0, len(prepared), 16)]
    runs = {"verdicts only": lambda: [unverified._run(b, options, advise=False) for b in batches],
            "+ evidence": lambda: [unverified._run(b, options) for b in batches],
            "+ evidence + verified rewrites": lambda: [checker._run(b, options) for b in batches]}
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(rounds):
        for name, fn in runs.items():
            t = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - t)
    base = best["verdicts only"]
    print("  cost of advice (same statements, same loaded models):")
    for name, seconds in best.items():
        print(f"    {name:<32} {seconds:7.2f} s  {seconds / base:5.2f}x")


if __name__ == "__main__":
    sys.exit(main())
