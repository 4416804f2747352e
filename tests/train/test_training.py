"""`cdcheck train` (training.py): a real, tiny training run end to end, and what it saves.

One epoch on a few dozen corpus statements: it checks the plumbing (examples, batches, ensemble
members, selection on dev, the saved layout, loading it back), not the quality of the model.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from cdcheck.classifier import CLASSES, META_FILE
from cdcheck.train.corpus import Example
from cdcheck.train.torch_model import TorchClassifier as Classifier
from cdcheck.train.training import BATCH, _batches, metrics, train

ROOT = Path(__file__).resolve().parents[2]


def _sample(split: str, n: int) -> list[str]:
    lines = (ROOT / "data" / f"{split}.jsonl").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if json.loads(line)["mentions"]][:n]


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    (data / "train.jsonl").write_text("\n".join(_sample("train", 24)) + "\n", encoding="utf-8")
    (data / "dev.jsonl").write_text("\n".join(_sample("dev", 8)) + "\n", encoding="utf-8")
    out = tmp_path_factory.mktemp("model")
    (out / "head.safetensors").write_bytes(b"stale")  # a previous single-model layout
    meta = train(data, out, epochs=1, quiet=True, members=2)
    return out, meta


def test_training_saves_every_member_and_the_metadata(trained):
    out, meta = trained
    assert [m["dir"] for m in meta["members"]] == ["member-1", "member-2"]
    assert [m["seed"] for m in meta["members"]] == [13, 14]
    for m in meta["members"]:
        assert (out / m["dir"] / "adapter_model.safetensors").is_file()
        assert (out / m["dir"] / "head.safetensors").is_file()
    assert not (out / "head.safetensors").exists(), "the old layout was left behind"
    saved = json.loads((out / META_FILE).read_text(encoding="utf-8"))
    assert saved["classes"] == list(CLASSES) and saved["train_examples"] > 0
    assert 0.0 <= saved["dev"]["macro_f1"] <= 1.0
    adapters = sum(f.stat().st_size for d in ("member-1", "member-2")
                   for f in (out / d).rglob("*") if f.is_file())
    assert adapters < 20_000_000  # the trained weights stay small enough to commit
    assert (out / "model.onnx").is_file() and (out / "tokenizer.json").is_file()
    assert saved["onnx"]["members"] == 2  # exported at the end of training


def test_trained_ensemble_loads_and_predicts_probabilities(trained, checker):
    out, _ = trained
    clf = Classifier(out, checker.settings.base_model)
    assert len(clf.models) == 2
    probs = clf.predict(["We train \u00b6 country \u00b6 police.", "\u00b6 national \u00b6 courts fail."])
    assert len(probs) == 2
    for p in probs:
        assert set(p) == set(CLASSES) and abs(sum(p.values()) - 1.0) < 1e-4


def test_batches_cover_every_example_once_in_small_length_groups():
    exs = [Example("w " * random.Random(i).randint(1, 60), "work", str(i), "GHA", "name")
           for i in range(100)]
    batches = _batches(exs, random.Random(1))
    assert sorted(id(e) for b in batches for e in b) == sorted(id(e) for e in exs)
    assert all(1 <= len(b) <= BATCH for b in batches)
    # inside a batch lengths are close: the pool was sorted before it was cut
    spread = max(max(len(e.input) for e in b) - min(len(e.input) for e in b) for b in batches)
    assert spread < max(len(e.input) for e in exs) / 2


def test_metrics_macro_f1_counts_every_class():
    m = metrics(["blame", "work", "neutral", "situation"], ["blame", "work", "work", "situation"])
    assert m["accuracy"] == 0.75
    assert m["f1"]["neutral"] == 0.0 and m["f1"]["blame"] == 1.0
    assert abs(m["macro_f1"] - (1 + 2 / 3 + 0 + 1) / 4) < 1e-9


def test_parallel_and_one_process_training_give_the_same_members(trained, tmp_path, monkeypatch):
    """Members trained in worker processes equal members trained one after the other."""
    import os

    from safetensors.torch import load_file

    out, parallel = trained
    data = tmp_path / "data"
    data.mkdir()
    (data / "train.jsonl").write_text("\n".join(_sample("train", 24)) + "\n", encoding="utf-8")
    (data / "dev.jsonl").write_text("\n".join(_sample("dev", 8)) + "\n", encoding="utf-8")
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    sequential = train(data, tmp_path / "model", epochs=1, quiet=True, members=2)
    assert [m["seed"] for m in sequential["members"]] == [13, 14]
    for k in (1, 2):  # same seed, same data, same order: the same weights (up to float sums)
        a = load_file(str(out / f"member-{k}" / "head.safetensors"))
        b = load_file(str(tmp_path / "model" / f"member-{k}" / "head.safetensors"))
        for name in a:
            assert (a[name] - b[name]).abs().max().item() < 1e-3, name
    one = load_file(str(out / "member-1" / "head.safetensors"))
    two = load_file(str(out / "member-2" / "head.safetensors"))
    assert any((one[n] - two[n]).abs().max().item() > 1e-3 for n in one)  # seeds do differ


def test_with_teacher_maps_the_teachers_probabilities_across_windows(tmp_path):
    """A student reading paragraphs learns, for each mention, what the teacher said of the same
    mention in its sentence window; pool mentions come with the student's own input."""
    from cdcheck.train.training import with_teacher

    rows = [{"input": "t1", "probs": [0.7, 0.1, 0.1, 0.1], "source": "train", "id": "a"},
            {"input": "t2", "probs": [0.1, 0.7, 0.1, 0.1], "source": "train", "id": "a"},
            {"input": "p1", "probs": [0.1, 0.1, 0.7, 0.1], "source": "pool", "id": "pool-1"}]
    teacher = tmp_path / "teacher.jsonl"
    teacher.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    train_ex = [Example("para-2", "situation", "a", "GHA", "name"),
                Example("para-1", "blame", "a", "GHA", "name"),
                Example("para-3", "work", "b", "KEN", "name")]
    out = with_teacher(train_ex, teacher, twins=["t2", "t1", "t9"],
                       pool_twins=[("pool-1", "p1", "pool-para-1"), ("pool-2", "p9", "x")])
    assert [(e.input, e.soft) for e in out] == [
        ("para-2", (0.1, 0.7, 0.1, 0.1)), ("para-1", (0.7, 0.1, 0.1, 0.1)), ("para-3", None),
        ("pool-para-1", (0.1, 0.1, 0.7, 0.1))]
    assert out[-1].label == ""  # the pool is learnt from the teacher alone
    same = with_teacher(train_ex[:1], teacher)  # one window: keyed by the input itself
    assert same[0].soft is None and [e.input for e in same[1:]] == ["p1"]


def test_teacher_adapts_every_linear_projection_of_its_top_layers_only():
    """`targets = "all-linear"` with `lora_layers`: peft takes a layer range only with module
    names, so the names are read from the encoder itself."""
    from cdcheck.settings import Settings
    from cdcheck.train.training import _encoder

    encoder = _encoder(Settings.from_env().base_model,
                       {"r": 4, "alpha": 8, "dropout": 0.0, "lora_layers": 2,
                        "targets": "all-linear"}, full=False)
    adapted = {name.split(".layer.")[1].split(".")[0]: name
               for name, _ in encoder.named_modules() if name.endswith("lora_A")}
    layers = encoder.config.num_hidden_layers
    assert set(adapted) == {str(layers - 2), str(layers - 1)}
    kinds = {name.split(".")[-2] for name, _ in encoder.named_modules()
             if name.endswith("lora_A") and f".layer.{layers - 1}." in name}
    assert {"query", "key", "value", "dense"} <= kinds
