"""The classifier on the checking road (classifier.py): ONNX Runtime and `tokenizers` only,
scores independent of the batch, nothing heavy imported where it is not needed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cdcheck.classifier import CLASSES, MODEL_FILE, TOKENS_PER_BATCH, Classifier, _batches
from cdcheck.errors import ModelNotFound

ROOT = Path(__file__).resolve().parent.parent

INPUTS = [
    "\u00b6 country \u00b6 has not addressed this issue, which has resulted in several incidents.",
    "for two years our organization has trained judges in \u00b6 country \u00b6 .",
    "the permanent mission of \u00b6 country \u00b6 hosted the side event.",
    "\u00b6 country \u00b6 adopted a new national action plan in 2022.",
] * 3


#: What a user's `pip install cdcheck` lacks. thinc imports torch when it is installed (as in this
#: development environment), so the probe hides them, as on a machine without the train extra.
TRAINING = ("torch", "transformers", "peft", "sklearn")
_HIDE = ("import sys\n"
         "class _Absent:\n"
         "    def find_spec(self, name, path=None, target=None):\n"
         f"        if name.split('.')[0] in {TRAINING!r}:\n"
         "            raise ModuleNotFoundError(name)\n"
         "sys.meta_path.insert(0, _Absent())\n")


def _loaded(code: str) -> set[str]:
    """The top-level modules a fresh interpreter, without the training libraries, has imported
    after running `code` (which must succeed)."""
    probe = (f"{_HIDE}{code}\nimport json\n"
             "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         cwd=ROOT, timeout=300, check=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_probabilities_for_every_class(checker):
    for probs in checker.classifier.predict(INPUTS[:4]):
        assert set(probs) == set(CLASSES)
        assert sum(probs.values()) == pytest.approx(1.0, abs=1e-4)


def test_scores_do_not_depend_on_the_batch(checker):
    """Blockwise int8 quantises activations per row: a statement's scores are its own."""
    clf = checker.classifier
    alone = [clf.predict([x])[0] for x in INPUTS[:4]]
    together = clf.predict(INPUTS, batch_size=5)[:4]
    for a, b in zip(alone, together, strict=True):
        for c in CLASSES:
            assert a[c] == pytest.approx(b[c], abs=1e-5)


def test_batches_keep_order_and_bound_their_tokens():
    """Long inputs go in smaller batches: rows x padded width stays within the budget, so the
    memory of a batch of long windows is that of a batch of short ones."""
    lengths = [5] * 40 + [60] * 40 + [150] * 20 + [TOKENS_PER_BATCH + 10]
    order = list(range(len(lengths)))  # sorted by length, as predict sorts them
    batches = _batches(order, lengths, batch_size=32)
    assert [i for b in batches for i in b] == order
    for b in batches:
        assert len(b) <= 32
        assert len(b) == 1 or len(b) * max(lengths[i] for i in b) <= TOKENS_PER_BATCH
    assert max(len(b) for b in batches) == 32  # short inputs still fill a batch
    assert [len(b) for b in batches][-1] == 1  # an input over the budget goes alone


def test_long_inputs_score_as_they_do_alone(checker):
    clf = checker.classifier
    long_input = " ".join(INPUTS) * 3  # truncated to the model's length, in a batch of its own
    together = clf.predict([*INPUTS[:3], long_input])
    alone = clf.predict([long_input])[0]
    for c in CLASSES:
        assert together[3][c] == pytest.approx(alone[c], abs=1e-5)


def test_a_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(ModelNotFound, match="cdcheck train"):
        Classifier(tmp_path)
    assert not (tmp_path / MODEL_FILE).exists()


def test_help_and_mentions_load_no_inference_engine(tmp_path):
    loaded = _loaded("from cdcheck.cli import build_parser; build_parser().format_help()")
    assert not loaded & {"onnxruntime", "torch", "transformers", "peft", "spacy"}
    statement = tmp_path / "s.txt"
    statement.write_text("Our programme trains judges in Ghana.", encoding="utf-8")
    loaded = _loaded(f"from cdcheck.cli import main; main(['mentions', r'{statement}'])")
    assert "spacy" in loaded and not loaded & {"onnxruntime", "torch", "transformers", "peft"}


@pytest.mark.slow
def test_checking_imports_no_training_library(tmp_path):
    statement = tmp_path / "s.txt"
    statement.write_text("Country X has failed its victims.", encoding="utf-8")
    loaded = _loaded("from cdcheck.cli import main; "
                     f"main(['check', '--fail-on', 'never', r'{statement}'])")
    assert "onnxruntime" in loaded and "tokenizers" in loaded
    assert not loaded & set(TRAINING)


@pytest.mark.slow
def test_checking_keeps_an_installed_torch_unloaded(tmp_path):
    """thinc imports torch whenever it is installed; cdcheck's check path keeps it out (185 MiB a
    worker), and torch stays importable afterwards in the same process, as training needs."""
    pytest.importorskip("torch")
    statement = tmp_path / "s.txt"
    statement.write_text("Country X has failed its victims.", encoding="utf-8")
    probe = ("import sys\nfrom cdcheck.cli import main\n"
             f"main(['check', '--fail-on', 'never', r'{statement}'])\n"
             "print('torch' in sys.modules)\nimport torch\nprint(torch.tensor([1]).sum().item())")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         cwd=ROOT, timeout=300, check=True)
    assert out.stdout.strip().splitlines()[-2:] == ["False", "1"]


def test_the_package_does_not_require_torch():
    from importlib.metadata import requires

    needs = requires("cdcheck") or []
    plain = [r for r in needs if "extra ==" not in r]
    assert not any(r.split()[0].lower().startswith(("torch", "transformers", "peft"))
                   for r in plain), plain
    assert any(r.startswith("torch") and 'extra == "train"' in r for r in needs)
