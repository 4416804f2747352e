"""The classifier as PyTorch modules: what training fits, export converts to ONNX, and the parity
test compares with the deployed model. Never imported on the checking road.

Each member is a transformer encoder (LoRA-adapted, merged after loading) with a head over two
vectors: the mean of all token states (the sentence-transformers pooling the base model was
trained with) and the state of the opening mention marker. The artifact holds, per member, only
the LoRA adapter and the head, plus one metadata file; the base model comes from
`Settings.base_model`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from ..classifier import CLASSES, MAX_LENGTH, META_FILE
from ..context import MARK
from ..errors import ModelNotFound

HEAD_FILE = "head.safetensors"


def torch_threads(n: int = 2):
    """torch, with at most `n` threads (the machines here have two cores)."""
    import torch

    torch.set_num_threads(max(1, min(n, torch.get_num_threads())))
    return torch


def build_module(encoder, hidden: int, n_labels: int = len(CLASSES), dropout: float = 0.1):
    """The classification module around `encoder` (a transformers model or its peft wrapper)."""
    torch = torch_threads()
    nn = torch.nn

    class MentionClassifier(nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = encoder
            self.dropout = nn.Dropout(dropout)
            self.head = nn.Linear(2 * hidden, n_labels)

        def forward(self, input_ids, attention_mask, marker_index):
            states = self.encoder(input_ids=input_ids, attention_mask=attention_mask)[0]
            mask = attention_mask.unsqueeze(-1).to(states.dtype)
            mean = (states * mask).sum(1) / mask.sum(1).clamp(min=1.0)
            marker = states[torch.arange(states.size(0)), marker_index]
            return self.head(self.dropout(torch.cat([mean, marker], dim=-1)))

    return MentionClassifier()


def encode(tokenizer, texts: Sequence[str], max_length: int = MAX_LENGTH):
    """Tokenized batch plus the index of each text's opening mention marker (0 if cut off)."""
    torch = torch_threads()
    batch = tokenizer(list(texts), padding=True, truncation=True, max_length=max_length,
                      return_tensors="pt")
    mark_id = tokenizer.convert_tokens_to_ids(MARK)
    hits = batch["input_ids"] == mark_id
    first = torch.where(hits.any(1), hits.float().argmax(1), torch.zeros_like(hits[:, 0],
                                                                                dtype=torch.long))
    return batch["input_ids"], batch["attention_mask"], first


def _quiet_transformers() -> None:
    import warnings

    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()  # no "Loading weights" bar on a user's terminal
    warnings.filterwarnings("ignore", category=FutureWarning, module=r"(transformers|peft)")


class TorchClassifier:
    """A trained classifier in PyTorch: `predict(inputs)` gives one {label: probability} each."""

    def __init__(self, model_dir: Path, base_model: str):
        torch = torch_threads()
        meta_path = Path(model_dir) / META_FILE
        if not meta_path.exists():
            raise ModelNotFound(
                f"no trained classifier in {model_dir}; run `cdcheck train` to build one"
            )
        self.meta = json.loads(meta_path.read_text(encoding="utf-8"))
        self.classes = tuple(self.meta["classes"])
        from transformers import AutoTokenizer

        _quiet_transformers()
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(base_model)
            members = [Path(model_dir) / m["dir"] for m in self.meta.get("members", [])]
            # An ensemble keeps its members in sub-folders; an older artifact is one model.
            self.models = [self._load_member(base_model, d) for d in members or [Path(model_dir)]]
        except OSError as exc:
            raise ModelNotFound(
                f"base model {base_model!r} cannot be loaded (set CDCHECK_BASE_MODEL)"
            ) from exc
        self.max_length = int(self.meta.get("max_length", MAX_LENGTH))
        self._torch = torch

    def _load_member(self, base_model: str, where: Path):
        """One trained model: the base with its adapter merged in (or a full encoder), its head."""
        from peft import PeftModel
        from safetensors.torch import load_file
        from transformers import AutoModel

        if self.meta.get("method") == "full":  # full fine-tuning saved the whole encoder
            encoder = AutoModel.from_pretrained(str(where / "encoder"))
        else:
            encoder = AutoModel.from_pretrained(base_model)
            encoder = PeftModel.from_pretrained(encoder, str(where)).merge_and_unload()
        model = build_module(encoder, encoder.config.hidden_size, len(self.classes))
        head = load_file(str(where / HEAD_FILE))
        model.head.load_state_dict({k.removeprefix("head."): v for k, v in head.items()})
        return model.eval()

    def predict(self, inputs: Sequence[str], batch_size: int = 32) -> list[dict[str, float]]:
        """Label probabilities for each classifier input (see `context.build_input`)."""
        torch = self._torch
        # Sorting by length keeps padding (and time) down; results go back in input order.
        order = sorted(range(len(inputs)), key=lambda i: len(inputs[i]))
        probs_by_index: dict[int, list[float]] = {}
        with torch.inference_mode():
            for b in range(0, len(order), batch_size):
                idx = order[b:b + batch_size]
                ids, mask, marker = encode(self.tokenizer, [inputs[i] for i in idx],
                                           self.max_length)
                # The ensemble's probability: the mean of its members' (models/README.md).
                probs = torch.stack([torch.softmax(m(ids, mask, marker), dim=-1)
                                     for m in self.models]).mean(0).tolist()
                probs_by_index.update(zip(idx, probs, strict=True))
        return [dict(zip(self.classes, probs_by_index[i], strict=True))
                for i in range(len(inputs))]
