"""Write models/README.md, the model card, from the model's metadata and `cdcheck eval` results.

    cdcheck eval --format json -o /tmp/eval.json data/dev.jsonl data/test.jsonl
    python scripts/model_card.py /tmp/eval.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from cdcheck.policy import load_label_policy
from cdcheck.train.evaluate import format_table

ROOT = Path(__file__).resolve().parent.parent


def main(eval_json: str, notes_file: str | None = None) -> int:
    policy = load_label_policy(ROOT / "rules")
    meta = json.loads((ROOT / "models" / "classifier" / "cdcheck.json").read_text())
    results = json.loads(Path(eval_json).read_text())
    hp = meta["hyperparameters"]
    size = sum(f.stat().st_size for f in (ROOT / "models" / "classifier").rglob("*") if f.is_file())
    lines = [
        "# Model card: cdcheck mention classifier",
        "",
        "Labels each country mention in its context as `blame`, `situation`, `work` or `neutral`",
        "(ANNOTATION.md); `exempt` is applied afterwards by rule from the speaker's country.",
        "",
        "| | |",
        "|---|---|",
        f"| base model | {meta['base_model']} (BERT, 6 layers, 384 wide, 22M parameters) |",
        f"| method | {meta['method']}: LoRA r={hp.get('r')}, alpha={hp.get('alpha')}, dropout "
        f"{hp.get('dropout')} on query/key/value/dense; a linear head over [mean pooling; "
        f"opening mention marker]; an ensemble of {hp.get('members', 1)} such models that differ "
        "only in seed, their probabilities averaged |",
        f"| training | {hp['epochs']} epochs max per member, batch {hp['batch']} (length-bucketed), "
        f"lr {hp['lr']} (adapter) / "
        f"{hp['head_lr']} (head), AdamW, linear warm-up and decay, inverse-sqrt class weights, "
        f"seeds {hp['seed']} and up, each member's best epoch on dev macro-F1 |",
        f"| input | previous + own + next sentence, every country mention masked by kind "
        f"(\"country\", \"national\", \"capital\", \"city\", \"province\"), the focus between "
        f"pilcrows; at most {meta['max_length']} word pieces |",
        f"| data | `data/train.jsonl` ({meta['train_examples']} de-duplicated mention examples: "
        f"{meta['train_label_counts']}), data hash `{meta['data_hash']}` (train + dev files) |",
        f"| artifact | `models/classifier/` {size / 1e6:.1f} MB (per member: adapter + head; "
        "metadata) |",
        f"| training time | {meta['train_seconds'] / 60:.1f} min on the 2-core CPU (`cdcheck train`) |",
        f"| decision | `blame` when P(blame) >= {policy.blame_min}, else `situation` when "
        f"P(situation) >= {policy.situation_min} (rules/labels.toml), chosen on dev with "
        "`scripts/choose_thresholds.py` |",
        "",
        "## Dev curve (selection)",
        "",
        "| member, epoch | dev accuracy | dev macro-F1 |",
        "|---|---|---|",
    ]
    for m in meta.get("members") or [{"dir": "model", "seed": hp["seed"], "history": meta["history"]}]:
        lines += [f"| {m['dir']} (seed {m['seed']}) epoch {h['epoch']} | {h['accuracy']:.3f} | "
                  f"{h['macro_f1']:.3f} |" for h in m["history"]]
    lines += [f"| **ensemble** (mean of the members' probabilities, each at its best epoch) | "
              f"{meta['dev']['accuracy']:.3f} | {meta['dev']['macro_f1']:.3f} |"]
    lines += ["", "## Evaluation (`cdcheck eval`)", ""]
    for r in results:
        lines += ["```", format_table(r), "```", ""]
    if notes_file:
        lines += [Path(notes_file).read_text().rstrip(), ""]
    (ROOT / "models" / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {ROOT / 'models' / 'README.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
