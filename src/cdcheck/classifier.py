"""The mention classifier on the checking road: ONNX Runtime and `tokenizers`, nothing heavier.

The deployed model is one ONNX graph (`model.onnx`, int8, exported by `cdcheck export` or at
the end of `cdcheck train`) that maps a batch of token ids, attention masks and the index of each
input's opening mention marker to label probabilities; `tokenizer.json` beside it is the base
model's tokenizer. Inputs are sorted by length and batched, so padding stays small. One session
per process, with as many threads as the process may use (2 on the 2-core machines here, 1 in
each of two batch workers); a process forked after loading (spaCy's `n_process`) opens its own
session, since ONNX Runtime's thread pools do not survive a fork.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from .errors import ModelNotFound

#: What the model predicts. `exempt` is not learned: it is decided from the speaker's country.
CLASSES = ("blame", "situation", "work", "neutral")
META_FILE = "cdcheck.json"
MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
MAX_LENGTH = 192
#: The mark that opens the mention in a classifier input (context.MARK), as a token.
MARK = "\u00b6"

#: Threads per inference session: CDCHECK_THREADS, else OMP_NUM_THREADS (gunicorn sets it to the
#: cores per worker), else up to two.
_threads = int(os.environ.get("CDCHECK_THREADS") or os.environ.get("OMP_NUM_THREADS") or 0) \
    or min(2, os.cpu_count() or 1)


#: Sessions a forked process inherited from its parent (see `Classifier.predict`).
_INHERITED: list = []


def use_one_thread() -> None:
    """Inference on one thread: in a worker process, the other core is the other worker's."""
    global _threads
    _threads = 1


class Classifier:
    """The deployed classifier: `predict(inputs)` gives one {label: probability} per input."""

    def __init__(self, model_dir: Path, threads: int | None = None):
        model_dir = Path(model_dir)
        meta_path = model_dir / META_FILE
        if not (meta_path.exists() and (model_dir / MODEL_FILE).exists()):
            raise ModelNotFound(f"no exported classifier in {model_dir} ({MODEL_FILE}); run "
                                "`cdcheck train` to build one, or `cdcheck export` for a "
                                "trained one")
        self.meta = json.loads(meta_path.read_text(encoding="utf-8"))
        self.classes = tuple(self.meta["classes"])
        self.max_length = int(self.meta.get("max_length", MAX_LENGTH))
        self.model_dir = model_dir
        self.threads = threads or _threads
        self.tokenizer = self._tokenizer()
        self.mark_id = self.tokenizer.token_to_id(MARK)
        self._open()

    def _tokenizer(self):
        from tokenizers import Tokenizer

        tok = Tokenizer.from_file(str(self.model_dir / TOKENIZER_FILE))
        tok.no_padding()  # padded here, to the longest input of each batch
        tok.enable_truncation(self.max_length)
        return tok

    def _open(self) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = self.threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(str(self.model_dir / MODEL_FILE), options,
                                            providers=["CPUExecutionProvider"])
        self._pid = os.getpid()

    def _arrays(self, encodings):
        """Token ids, attention mask and mention-marker index of a batch, padded to its longest."""
        import numpy as np

        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros((len(encodings), width), dtype=np.int64)
        for k, e in enumerate(encodings):
            ids[k, :len(e.ids)] = e.ids
            mask[k, :len(e.ids)] = 1
        hits = ids == self.mark_id
        marker = np.where(hits.any(1), hits.argmax(1), 0).astype(np.int64)
        return ids, mask, marker

    def predict(self, inputs: Sequence[str], batch_size: int = 32) -> list[dict[str, float]]:
        """Label probabilities for each classifier input (see `context.build_input`)."""
        if os.getpid() != self._pid:
            # Forked: the parent's session and its threads are not ours. It is kept, never
            # freed here: its destructor would wait for thread-pool workers that did not
            # survive the fork, and hang the child.
            _INHERITED.append(self.session)
            self._open()
        encodings = self.tokenizer.encode_batch(list(inputs))
        # Sorted by length, padding (and time) stays small; results go back in input order.
        order = sorted(range(len(inputs)), key=lambda i: len(encodings[i].ids))
        out: list[dict[str, float] | None] = [None] * len(inputs)
        for idx in _batches(order, [len(e.ids) for e in encodings], batch_size):
            ids, mask, marker = self._arrays([encodings[i] for i in idx])
            probs = self.session.run(None, {"input_ids": ids, "attention_mask": mask,
                                            "marker_index": marker})[0]
            for i, row in zip(idx, probs.tolist(), strict=True):
                out[i] = dict(zip(self.classes, row, strict=True))
        return out  # type: ignore[return-value]


#: Tokens (rows x padded width) in one inference batch: `batch_size` inputs of a typical
#: sentence window, fewer of long ones. The activations, and the memory ONNX Runtime keeps for
#: the largest batch it has seen, grow with rows x width (attention with rows x width^2).
TOKENS_PER_BATCH = 32 * 64


def _batches(order: list[int], lengths: list[int], batch_size: int) -> list[list[int]]:
    """`order` (sorted by length) cut into batches of at most `batch_size` inputs and
    TOKENS_PER_BATCH padded tokens (a longer input goes alone)."""
    out: list[list[int]] = []
    for i in order:
        if out and len(out[-1]) < batch_size \
                and (len(out[-1]) + 1) * lengths[i] <= TOKENS_PER_BATCH:
            out[-1].append(i)
        else:
            out.append([i])
    return out


def read_meta(model_dir: Path) -> dict:
    """The model's metadata (classes, window, figures), without loading the model; {} if none."""
    try:
        return json.loads((Path(model_dir) / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


@lru_cache(maxsize=2)
def load_classifier(model_dir: Path) -> Classifier:
    """The classifier in `model_dir`, loaded once per process."""
    return Classifier(model_dir)
