"""Compare training settings on the dev split: each variant's members, ensemble and time.

Two steps, so that the comparison can run where there is no spaCy (a GPU machine, say):

    python scripts/compare_training.py export data/ /tmp/examples.json
    python scripts/compare_training.py run /tmp/examples.json --base DIR \\
        --variant epochs=5 --variant epochs=4 --variant epochs=5,lora_layers=4

`run` uses the same `fit_member` as `cdcheck train`, on CUDA when available. Figures are
comparable between variants of one run, not with CPU wall-clock times.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from cdcheck.train.corpus import Example, examples, read_jsonl  # noqa: E402
from cdcheck.train.training import DEFAULTS, _dedupe, fit_member, labels, metrics  # noqa: E402


def export(data_dir: Path, out: Path) -> None:
    from cdcheck.checker import Checker

    checker = Checker()
    rows = {"train": _dedupe(examples(read_jsonl(data_dir / "train.jsonl"), checker)),
            "dev": examples(read_jsonl(data_dir / "dev.jsonl"), checker)}
    out.write_text(json.dumps({k: [[e.input, e.label] for e in v] for k, v in rows.items()}))
    print(f"{out}: train {len(rows['train'])}, dev {len(rows['dev'])}")


def _value(v: str):
    try:
        return int(v)
    except ValueError:
        try:
            return float(v)
        except ValueError:
            return v


def run(path: Path, base: str, variants: list[str], seed: int) -> None:
    import torch

    device = "cuda" if torch.cuda.is_available() else "cpu"
    raw = json.loads(path.read_text())
    train_ex = [Example(i, lab, "", "", "") for i, lab in raw["train"]]
    dev_ex = [Example(i, lab, "", "", "") for i, lab in raw["dev"]]
    gold = [e.label for e in dev_ex]
    for spec in variants:
        hp = dict(DEFAULTS["lora"])
        hp.update({k: _value(v) for k, v in (kv.split("=") for kv in spec.split(",") if kv)})
        started, scores, ensemble = time.time(), [], None
        for k in range(hp["members"]):
            _, best, probs, hist = fit_member(train_ex, dev_ex, hp, seed + k, base, device=device)
            scores.append(round(best, 3))
            ensemble = probs if ensemble is None else ensemble + probs
            print(f"  {spec} member {k + 1}: " + " ".join(
                f"{h['epoch']}:{h['macro_f1']:.3f}" for h in hist), flush=True)
        m = metrics(gold, labels(ensemble))
        print(f"{spec}: members {scores} ensemble macro-F1 {m['macro_f1']:.3f} accuracy "
              f"{m['accuracy']:.3f} ({time.time() - started:.0f} s on {device})", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("export")
    e.add_argument("data", type=Path)
    e.add_argument("out", type=Path)
    r = sub.add_parser("run")
    r.add_argument("examples", type=Path)
    r.add_argument("--base", required=True)
    r.add_argument("--variant", action="append", default=[])
    r.add_argument("--seed", type=int, default=13)
    a = ap.parse_args()
    if a.cmd == "export":
        export(a.data, a.out)
    else:
        run(a.examples, a.base, a.variant or [""], a.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
