"""The teacher's probabilities for every train example and the unlabelled pool, for the student.

    python scripts/distill_labels.py [--teacher .models/teacher] [--base DIR]

    # what data/distill/teacher.jsonl was made with: a 2-member MiniLM LoRA ensemble
    cdcheck train --recipe lora --no-export --out /tmp/teacher
    python scripts/distill_labels.py --teacher /tmp/teacher --base "$(python -c 'from \
        cdcheck.settings import default_base_model as d; print(d())')"

Writes data/distill/teacher.jsonl: one row per classifier input (the masked mention window, as
`context.build_input` makes it), {"input", "probs", "source": "train" | "pool", "id"}. Pool
statements (data/pool/*.jsonl, written for this project, unlabelled) get their mentions from
cdcheck's own finder; the teacher gives the labels. `cdcheck train` reads this file when present.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from cdcheck.checker import Checker
from cdcheck.train.corpus import examples, pool_inputs, read_jsonl
from cdcheck.train.torch_model import TorchClassifier
from cdcheck.train.training import TEACHER_FILE, _dedupe

ROOT = Path(__file__).resolve().parent.parent
MPNET = ROOT / ".models" / "all-mpnet-base-v2" / "all-mpnet-base-v2"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--teacher", default=str(ROOT / ".models" / "teacher"))
    p.add_argument("--base", default=str(MPNET))
    p.add_argument("--data", default=str(ROOT / "data"))
    args = p.parse_args(argv)
    data = Path(args.data)
    checker = Checker()
    teacher = TorchClassifier(Path(args.teacher), args.base)
    window = teacher.meta.get("window", "sentences")
    train_inputs = [("train", e.statement_id, e.input)
                    for e in _dedupe(examples(read_jsonl(data / "train.jsonl"), checker, window))]
    seen = {x for *_, x in train_inputs}
    pool = [("pool", sid, x) for sid, x in pool_inputs(checker, sorted((data / "pool").glob(
        "*.jsonl")), window) if x not in seen]
    rows = train_inputs + pool
    probs = teacher.predict([x for *_, x in rows], batch_size=32)
    out = data / TEACHER_FILE
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8") as fh:
        for (source, sid, x), pr in zip(rows, probs, strict=True):
            fh.write(json.dumps({"input": x, "probs": [round(pr[c], 4) for c in teacher.classes],
                                 "source": source, "id": sid}, ensure_ascii=False) + "\n")
    print(f"wrote {out}: {len(train_inputs)} train and {len(pool)} pool inputs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
