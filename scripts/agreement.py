"""Agreement between the corpus writers' labels and a second annotator's, labelled blind.

    python scripts/agreement.py [data/agreement/round7-blind-second.jsonl]
    python scripts/agreement.py data/agreement/round8-blind-second.jsonl
    python scripts/agreement.py data/agreement/round9-blind-second.jsonl   (held out)
    python scripts/agreement.py data/agreement/round10-blind-second.jsonl  (held out)

The second annotator saw each statement and its mentions (surface and country) but not the
first labels (data/agreement/round{7,8,9,10}-blind-input.jsonl). Prints verdict agreement and Cohen's
kappa, mention-label agreement and kappa, the confusion of mention labels, and the
disagreements by id, for data/README.md's grey zones.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from sklearn.metrics import cohen_kappa_score

from cdcheck.train.corpus import gold_verdict

ROOT = Path(__file__).resolve().parent.parent


def first_labels() -> dict[str, dict]:
    rows = {}
    paths = [*(ROOT / "data" / "raw").glob("part-*.jsonl"),
             *(ROOT / "data" / "holdout").glob("*.jsonl")]
    for path in sorted(paths):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                rows[row["id"]] = row
    return rows


def main(path: str = "data/agreement/round7-blind-second.jsonl") -> int:
    first = first_labels()
    second = [json.loads(x) for x in Path(path).read_text(encoding="utf-8").splitlines() if x]
    v1, v2, m1, m2, disagree = [], [], [], [], []
    for row in second:
        a = first[row["id"]]
        v1.append(gold_verdict(a))
        v2.append(row["verdict"])
        for x, y in zip(a["mentions"], row["mentions"], strict=True):
            m1.append(x["label"])
            m2.append(y["label"])
            if x["label"] != y["label"]:
                disagree.append((row["id"], x["surface"], x["label"], y["label"]))
    vs = sum(a == b for a, b in zip(v1, v2, strict=True))
    ms = sum(a == b for a, b in zip(m1, m2, strict=True))
    print(f"{len(second)} statements, {len(m1)} mentions")
    print(f"verdict agreement {vs / len(v1):.3f} ({vs}/{len(v1)}), "
          f"Cohen's kappa {cohen_kappa_score(v1, v2):.3f}")
    print(f"mention-label agreement {ms / len(m1):.3f} ({ms}/{len(m1)}), "
          f"Cohen's kappa {cohen_kappa_score(m1, m2):.3f}")
    pairs = Counter((a, b) for a, b in zip(m1, m2, strict=True) if a != b)
    print("disagreements (first -> second):", ", ".join(f"{a}->{b} {n}" for (a, b), n in
                                                         pairs.most_common()))
    for sid, surface, a, b in disagree[:60]:
        print(f"  {sid}: {surface!r} {a} -> {b}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:2]))
