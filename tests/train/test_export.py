"""Export (train/export.py): the deployed ONNX model gives PyTorch's judgement. The full parity
figure over dev+test is bench/bench_parity.py's; this is the fixed sample CI runs."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch", reason="the `train` extra (PyTorch) is not installed")

from cdcheck.train.corpus import examples, read_jsonl  # noqa: E402
from cdcheck.train.torch_model import TorchClassifier  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sample(checker):
    from conftest import ROOT

    stmts = read_jsonl(ROOT / "data" / "test.jsonl")[:120]
    return [e.input for e in examples(stmts, checker, checker.window)]


def test_onnx_matches_pytorch_on_a_fixed_sample(checker, sample):
    reference = TorchClassifier(checker.settings.model_dir, checker.settings.base_model)
    ours, theirs = checker.classifier.predict(sample), reference.predict(sample)
    same = sum(max(a, key=a.get) == max(b, key=b.get) for a, b in zip(ours, theirs, strict=True))
    worst = max(abs(a[c] - b[c]) for a, b in zip(ours, theirs, strict=True) for c in a)
    assert same / len(sample) >= 0.99, (same, len(sample))
    assert worst < 0.1
