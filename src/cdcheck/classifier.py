"""The mention classifier on the checking road: label probabilities for masked mention windows.

What it predicts and how inputs are cut is fixed here; the trained model's artifact lives under
models/classifier/ (see models/README.md).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

#: What the model predicts. `exempt` is not learned: it is decided from the speaker's country.
CLASSES = ("blame", "situation", "work", "neutral")
META_FILE = "cdcheck.json"
MAX_LENGTH = 192


def use_one_thread() -> None:
    """Inference on one thread: in a worker process, the other core is the other worker's."""
    import torch

    torch.set_num_threads(1)


@lru_cache(maxsize=2)
def load_classifier(model_dir: Path, base_model: str):
    """The classifier in `model_dir`, loaded once per process."""
    from .train.torch_model import TorchClassifier

    return TorchClassifier(model_dir, base_model)
