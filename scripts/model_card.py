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


def _method(meta: dict, hp: dict) -> str:
    lora = (f"LoRA r={hp.get('r')}, alpha={hp.get('alpha')}, dropout {hp.get('dropout')} on "
            "query/key/value/dense; a linear head over [mean pooling; opening mention marker]")
    if meta.get("recipe") == "student":
        return (f"distilled student: {lora}; one model trained on the gold labels and a "
                f"teacher's probabilities (weight {hp.get('gold_weight')} on the gold label), "
                "over the train split and the unlabelled pool (data/distill/teacher.jsonl; "
                "the teacher: a 2-member LoRA ensemble of the same encoder)")
    members = hp.get("members", 1)
    return f"{meta['method']}: {lora}" + (
        f"; an ensemble of {members} such models that differ only in seed, their probabilities "
        "averaged" if members > 1 else "")


def _window(meta: dict) -> str:
    if meta.get("window") == "paragraph":
        return "the mention's paragraph (or previous + own + next sentence, if longer)"
    return "previous + own + next sentence"


def _onnx(meta: dict) -> str:
    onnx = meta.get("onnx") or {}
    if not onnx:
        return "(not exported)"
    return (f"{onnx['bytes'] / 1e6:.1f} MB, opset {onnx['opset']}, {onnx['quantization']} 8-bit "
            f"weights ({onnx['members']} member(s) in one graph)")


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
        f"| method | {_method(meta, hp)} |",
        f"| training | {hp['epochs']} epochs max per member, batch {hp['batch']} (length-bucketed), "
        f"lr {hp['lr']} (adapter) / "
        f"{hp['head_lr']} (head), AdamW, linear warm-up and decay, inverse-sqrt class weights, "
        f"seed {hp['seed']}, the best epoch on dev macro-F1 |",
        f"| input | {_window(meta)}, every country mention masked by kind "
        f"(\"country\", \"national\", \"capital\", \"city\", \"province\"), the focus between "
        f"pilcrows; at most {meta['max_length']} word pieces |",
        f"| data | `data/train.jsonl` ({meta['train_examples']} mention examples: "
        f"{meta['train_label_counts']}), data hash `{meta['data_hash']}` (train, dev"
        f"{' and teacher' if meta.get('recipe') == 'student' else ''} files) |",
        f"| artifact | `models/classifier/model.onnx` {_onnx(meta)}, plus `tokenizer.json`, the "
        f"LoRA adapter and head the ONNX graph was exported from, and this metadata: "
        f"{size / 1e6:.1f} MB in all |",
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
    if len(meta.get("members") or []) > 1:
        lines += [f"| **ensemble** (mean of the members' probabilities, each at its best epoch) "
                  f"| {meta['dev']['accuracy']:.3f} | {meta['dev']['macro_f1']:.3f} |"]
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
