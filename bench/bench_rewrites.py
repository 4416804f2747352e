"""The rewrite property: applying every suggestion of a flagged document and checking it again
gives `ok`, and every allowed mention of the original is still found with its label.

    python bench/bench_rewrites.py [data/dev.jsonl data/test.jsonl ../shared/eval-sample.jsonl ...]

For each file: the flagged documents (verdict violation or review, speaker as the file says),
the share for which the property holds (target >= 0.97), and the documents where it fails with
the reason (still flagged, or an allowed mention lost or relabelled). Swapped copies in the
corpus splits (ids with "~") are left out: they are the same sentences.
"""

from __future__ import annotations

import sys
from pathlib import Path

from cdcheck.checker import Checker
from cdcheck.documents import Document
from cdcheck.suggest import apply, moved
from cdcheck.train.corpus import read_jsonl

DEFAULT = ["data/dev.jsonl", "data/test.jsonl", "../shared/eval-sample.jsonl",
           "../shared/eval-full-sample.jsonl"]


def holds(checker: Checker, report, options) -> str | None:
    """None when the property holds for `report`, else why not."""
    new_text, shifts = apply(report.text, report.findings)
    if not new_text.strip():
        return "nothing left"
    again = checker.check_document(Document(report.source, new_text), options)
    if again.verdict != "ok":
        still = [f"{f.mention.text}={f.label}" for f in again.findings if f.flagged]
        return "still " + again.verdict + ": " + ", ".join(still)
    found = {(f.mention.start, f.mention.key): f.label for f in again.findings}
    for f in report.findings:
        if f.flagged:
            continue
        at = moved(f.mention.start, shifts)
        if at is None:  # inside a rewritten sentence: it kept its words, so look it up there
            hits = [k for k in found if k[1] == f.mention.key]
            ok = any(found[k] == f.label for k in hits)
        else:
            ok = found.get((at, f.mention.key)) == f.label
        if not ok:
            return f"allowed {f.mention.text}={f.label} lost"
    return None


def run(paths: list[str]) -> int:
    checker = Checker()
    total_ok = total = 0
    for path in paths:
        stmts = [s for s in read_jsonl(Path(path)) if "~" not in str(s.get("id"))]
        flagged = fails = 0
        bad = []
        for s in stmts:
            options = checker.options(s.get("speaker_country"))
            report = checker.check_document(Document(str(s.get("id")), s["text"]), options)
            if report.verdict == "ok":
                continue
            flagged += 1
            why = holds(checker, report, options)
            if why:
                fails += 1
                bad.append(f"{s.get('id')}: {why}")
        share = (flagged - fails) / max(1, flagged)
        print(f"{path}: {flagged} flagged documents, property holds for {flagged - fails} "
              f"({share:.3f}; target >= 0.97)")
        for line in bad[:15]:
            print("   ", line)
        total_ok += flagged - fails
        total += flagged
    print(f"all: {total_ok}/{total} = {total_ok / max(1, total):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:] or DEFAULT))
