"""Build data/{train,dev,test}.jsonl from the hand-written statements in data/raw/.

Splits by source statement (stratified by part, fixed seed), then adds country-swapped copies of
statements inside their own split only, so no swap of a dev/test text reaches train. Files named
`train-*.jsonl` go to the train split whole: material to learn from that leaves dev and test, and
so every figure measured on them, as they were.

    python scripts/build_corpus.py            # writes data/*.jsonl and prints the counts
"""

from __future__ import annotations

import json
import random
import sys
from collections import Counter
from pathlib import Path

from cdcheck.checker import Checker
from cdcheck.gazetteer import fold
from cdcheck.train.corpus import gold_spans, read_jsonl, split_statements, swap_country

ROOT = Path(__file__).resolve().parent.parent
SEED = 13
SWAPS_PER_STATEMENT = 1


def main() -> int:
    seen: set[str] = set()

    def statements_in(pattern: str) -> list[dict]:
        out = []
        for path in sorted((ROOT / "data" / "raw").glob(pattern)):
            for s in read_jsonl(path):
                key = " ".join(s["text"].split()).lower()
                if key not in seen:
                    seen.add(key)
                    gold_spans(s)  # raises on a surface that is not in its text
                    out.append(s)
        return out

    statements = statements_in("part-*.jsonl")
    train_only = statements_in("train-*.jsonl")
    checker = Checker()
    gaz = checker.gazetteer
    # Swap targets: single-word names that need no confirmation and no capital-only rule.
    names = sorted({(e.surface, e.country) for es in gaz.index.values() for e in es
                    if e.kind == "name" and not e.confirm and e.case == "any" and e.country
                    and len(e.tokens) == 1 and e.surface.isalpha()})
    name_keys = {fold(s) for s, _ in names} | {fold(e.surface) for es in gaz.index.values()
                                                for e in es if e.kind in ("name", "alias")
                                                and len(e.tokens) == 1}

    def is_name(surface: str) -> bool:
        return fold(surface) in name_keys

    splits = split_statements(statements, seed=SEED, train_only=train_only)
    out_dir = ROOT / "data"
    for split, items in splits.items():
        rows = list(items)
        for s in items:
            rng = random.Random(f"{SEED}-{s['id']}")  # adding statements never moves a swap
            for k in range(SWAPS_PER_STATEMENT):
                surface, iso3 = rng.choice(names)
                swapped = swap_country(s, iso3, surface, f"s{k}", is_name)
                if swapped is not None and swapped["text"] != s["text"]:
                    rows.append(swapped)
        with open(out_dir / f"{split}.jsonl", "w", encoding="utf-8") as fh:
            for r in rows:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        labels = Counter(m["label"] for r in rows for m in r["mentions"])
        print(f"{split}: {len(items)} source statements, {len(rows)} with swaps, "
              f"{sum(labels.values())} mentions {dict(labels)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
