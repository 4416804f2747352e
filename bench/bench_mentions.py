"""Words per second of the mention finder against spaCy's full pipeline, on the same text, same run.

    .venv/bin/python bench/bench_mentions.py [--words 50000] [--rounds 3]

The text is the sample statements in fixtures/ (*.txt, *.md), repeated until it holds about
--words words, one Doc per statement. cdcheck's side is what `cdcheck mentions` runs: the trimmed
spaCy pipeline (senter + NER only, nlp.py) and the gazetteer matching and NER checks
(mentions.py). The baseline is spaCy's full pipeline (Settings().spacy_model loaded with nothing
excluded) on the same Docs. Each side runs --rounds times, alternating; the best round counts
(machines here are shared and noisy). Figures only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def corpus(words: int) -> list[str]:
    """The fixture statements, repeated until they hold at least `words` words."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "fixtures").iterdir())
             if p.suffix in (".txt", ".md")]
    if not texts:
        raise SystemExit("no fixtures/*.txt or *.md to measure on")
    out, n = [], 0
    while n < words:
        for t in texts:
            out.append(t)
            n += len(t.split())
    return out


def best_of(rounds: int, runs: dict) -> dict[str, float]:
    """Best wall-clock seconds of each named callable over `rounds` alternating rounds."""
    best = {name: float("inf") for name in runs}
    for _ in range(rounds):
        for name, fn in runs.items():
            t0 = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - t0)
    return best


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--words", type=int, default=50_000)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--batch-size", type=int, default=64)
    args = p.parse_args(argv)

    import spacy

    from cdcheck.checker import Checker
    from cdcheck.settings import Settings

    texts = corpus(args.words)
    n_words = sum(len(t.split()) for t in texts)
    settings = Settings.from_env()
    checker = Checker(settings)
    trimmed, finder = checker.nlp, checker.finder
    full = spacy.load(settings.spacy_model)
    found = []

    def cdcheck_run():
        found.clear()
        for doc in trimmed.pipe(texts, batch_size=args.batch_size):
            found.extend(finder(doc))

    def spacy_run():
        for _ in full.pipe(texts, batch_size=args.batch_size):
            pass

    for doc in trimmed.pipe(texts[:8]):  # warm-up: first calls allocate and fill caches
        finder(doc)
    list(full.pipe(texts[:8]))
    best = best_of(args.rounds, {"cdcheck": cdcheck_run, "spacy": spacy_run})
    ours, theirs = n_words / best["cdcheck"], n_words / best["spacy"]
    print(f"text: {len(texts)} statements, {n_words:,} words (fixtures/ repeated); "
          f"best of {args.rounds} rounds")
    print(f"cdcheck mention finder  ({', '.join(trimmed.pipe_names)} + gazetteer): "
          f"{ours:>10,.0f} words/s  ({best['cdcheck']:.2f} s, {len(found):,} mentions)")
    print(f"spaCy full pipeline     ({', '.join(full.pipe_names)}): "
          f"{theirs:>10,.0f} words/s  ({best['spacy']:.2f} s)")
    print(f"ratio cdcheck / spaCy full: {ours / theirs:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
