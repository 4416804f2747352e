"""Compare a raw corpus file's listed mentions with what cdcheck's mention finder sees.

For writers and reviewers: prints, per statement, the mentions the finder sees that the file
does not list (a mention the writer may have forgotten) and those the file lists that the
finder does not see (a place the finder misses, or a surface that is no mention). Neither side
is the authority; each difference is for a person to decide.

    python data/raw/crosscheck.py data/raw/part-r7a.jsonl
"""
import json
import sys

from cdcheck.checker import Checker
from cdcheck.train.corpus import gold_spans


def main(paths: list[str]) -> int:
    checker = Checker()
    n_diff = 0
    for path in paths:
        rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
        docs = checker.nlp.pipe([r["text"] for r in rows])
        for r, doc in zip(rows, docs, strict=True):
            try:
                gold = gold_spans(r)
            except ValueError as exc:
                print(f"{r.get('id')}: {exc}")
                n_diff += 1
                continue
            found = checker.finder(doc)
            extra = [m for m in found if not any(m.start < e and s < m.end for s, e, _ in gold)]
            missed = [(s, e, g) for s, e, g in gold
                      if not any(m.start < e and s < m.end for m in found)]
            if extra or missed:
                n_diff += 1
                parts = [f"unlisted: {m.text!r}->{m.key}" for m in extra]
                parts += [f"not seen: {g['surface']!r}->{g['country']}" for _, _, g in missed]
                print(f"{r.get('id')}: " + "; ".join(parts))
    print(f"{n_diff} statements with differences")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
