"""Choose rules/labels.toml's decision thresholds on the dev split, never on evaluation data.

    python scripts/choose_thresholds.py data/dev.jsonl

Runs the checker once, keeps each mention's label probabilities, then replays the verdict stage for
a grid of (blame_min, situation_min) and prints violation F1 and 3-way accuracy for each, best
first. The thresholds in rules/labels.toml are the ones this prints for the committed model.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

from cdcheck.checker import Checker
from cdcheck.schema import worst_verdict
from cdcheck.train.corpus import gold_verdict, read_jsonl
from cdcheck.train.metrics import verdict_metrics
from cdcheck.verdict import judge


def main(path: str) -> int:
    checker = Checker()
    stmts = read_jsonl(Path(path))
    gold = [gold_verdict(s) for s in stmts]
    runs = []  # per statement: the speaker and its findings that count, with their probabilities
    for s in stmts:
        r = checker.check(s["text"], s.get("id", "?"), s.get("speaker_country"))
        runs.append((checker.resolve_country(s.get("speaker_country")),
                     [f for f in r.findings if f.counts]))
    policy = checker.policy
    rows = []
    for b in [x / 20 for x in range(4, 17)]:
        for sit in [x / 20 for x in range(4, 17)]:
            p = dataclasses.replace(policy, blame_min=b, situation_min=sit)
            # The verdict stage itself (verdict.py), replayed with other thresholds.
            # (a finding labelled by rule, without the classifier's scores, keeps its label)
            pred = [worst_verdict(p.verdict_of(judge(f.mention, f.explanation.scores, p,
                                                     speaker).label
                                               if f.explanation.scores else f.label)
                                  for f in found)
                    for speaker, found in runs]
            m = verdict_metrics(gold, pred)
            f1, acc = m["violation_f1"], m["accuracy_3way"]
            rows.append((f1 + acc, b, sit, f1, acc))
    rows.sort(reverse=True)
    print(f"{path}: {len(stmts)} statements; current blame_min {policy.blame_min}, "
          f"situation_min {policy.situation_min}")
    print("blame_min  situation_min  viol. F1  3-way acc")
    current = next(r for r in rows if (r[1], r[2]) == (policy.blame_min, policy.situation_min))
    for _, b, sit, f1, acc in [*rows[:10], current]:
        print(f"{b:9.2f}  {sit:13.2f}  {f1:8.3f}  {acc:9.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:2] or ["data/dev.jsonl"]))
