"""Mention recall and precision of the finder on labelled JSONL files, with every miss and false mention.

    .venv/bin/python bench/mention_quality.py                      # data/test.jsonl + data/dev.jsonl
    .venv/bin/python bench/mention_quality.py ../shared/eval-sample.jsonl

Reads the corpus format and the eval-sample format (both list every mention's exact `surface`
and `country`, ISO3 or "X" for a placeholder). A gold mention counts as found when a predicted
mention overlaps it with the same country key (`Mention.key`: ISO3, or "X" for a placeholder); a
predicted mention that overlaps no gold mention of its key is a false mention. Only the finder
runs (spaCy's trimmed pipeline and the gazetteer), not the classifier.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = [ROOT / "data" / "test.jsonl", ROOT / "data" / "dev.jsonl"]


def _context(text: str, start: int, end: int, width: int = 40) -> str:
    lo, hi = max(0, start - width), min(len(text), end + width)
    return " ".join((text[lo:start] + "[" + text[start:end] + "]" + text[end:hi]).split())


def measure(path: Path, checker, show: bool = True,
            written: bool = False) -> tuple[int, int, int, int]:
    """(gold, found, predicted, correct predicted) for one file; prints misses and false mentions.

    `written`: only statements as their writers wrote them, without the splits' country-swapped
    copies (`swapped_from`). A swap renames the country and keeps its towns with their old code,
    so "Ecuador's Esmeraldas province" becomes "Djibouti's Esmeraldas province": the finder, which
    reads the town as the text anchors it, then disagrees with a gold code the text no longer
    supports."""
    from cdcheck.train.corpus import gold_spans, read_jsonl

    stmts = [s for s in read_jsonl(path) if not (written and s.get("swapped_from"))]
    docs = checker.nlp.pipe([s["text"] for s in stmts], batch_size=64)
    n_gold = n_found = n_pred = n_correct = 0
    misses, false = [], []
    for stmt, doc in zip(stmts, docs, strict=True):
        pred = checker.finder(doc)
        gold = gold_spans(stmt)
        n_gold += len(gold)
        n_pred += len(pred)
        for s, e, g in gold:
            if any(m.start < e and s < m.end and m.key == g["country"] for m in pred):
                n_found += 1
            else:
                got = [f"{m.text}={m.key}" for m in pred if m.start < e and s < m.end]
                misses.append((stmt.get("id"), g["surface"], g["country"], got,
                               _context(stmt["text"], s, e)))
        for m in pred:
            if any(m.start < e and s < m.end and m.key == g["country"] for s, e, g in gold):
                n_correct += 1
            else:
                false.append((stmt.get("id"), m.text, m.key, m.kind, m.source,
                              _context(stmt["text"], m.start, m.end)))
    if show:
        print(f"\n== {path}: {len(stmts)} statements")
        print(f"-- missed gold mentions ({len(misses)})")
        for sid, surface, country, got, ctx in misses:
            extra = f"  (found {', '.join(got)})" if got else ""
            print(f"  {sid}  {surface!r} {country}{extra}  | {ctx}")
        print(f"-- false mentions ({len(false)})")
        for sid, text, key, kind, source, ctx in false:
            print(f"  {sid}  {text!r} {key} {kind} ({source})  | {ctx}")
    return n_gold, n_found, n_pred, n_correct


def _rates(gold: int, found: int, pred: int, correct: int) -> str:
    recall = found / gold if gold else 1.0
    precision = correct / pred if pred else 1.0
    return (f"recall {recall:.4f} ({found}/{gold})  precision {precision:.4f} ({correct}/{pred})")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("data", nargs="*", type=Path, default=DEFAULT, metavar="DATA.jsonl")
    p.add_argument("--quiet", "-q", action="store_true", help="only the figures, no lists")
    p.add_argument("--written", action="store_true",
                   help="leave out the splits' country-swapped copies (see measure)")
    args = p.parse_args(argv)

    from cdcheck.checker import Checker

    checker = Checker()
    total = [0, 0, 0, 0]
    results = []
    for path in args.data:
        r = measure(path, checker, show=not args.quiet, written=args.written)
        results.append((path, r))
        total = [a + b for a, b in zip(total, r, strict=True)]
    print()
    for path, r in results:
        print(f"{path.name:<24} {_rates(*r)}")
    if len(results) > 1:
        print(f"{'all':<24} {_rates(*total)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
