"""`cdcheck export`: the trained PyTorch classifier as the ONNX graph the checking road runs.

The members' LoRA adapters are merged into their encoders; an ensemble becomes one graph that
averages its members' probabilities (their frozen embeddings shared, so stored once). The graph
is exported with eager attention (a pattern ONNX Runtime's transformer optimizer fuses), fused,
then quantised with ONNX Runtime's own tools:

- `blockwise` (default): int8 weights in blocks of 32 with int8 arithmetic on activations
  quantised per block and row (`MatMulNBits`, accuracy level 4), and the word-embedding table in
  float16. Each input's scores are the same whatever else is in its batch, and they stay within
  a few hundredths of PyTorch's (bench/bench_parity.py).
- `dynamic`: classic dynamic int8 (`quantize_dynamic`, per channel). About 1.8x faster on these
  CPUs, but its activation scales are per tensor, so scores depend on the batch and move by up
  to 0.3: about one statement in a hundred changes its verdict.

The base model's tokenizer is saved beside it as tokenizer.json, so checking needs neither torch
nor transformers.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import time
from pathlib import Path

from ..classifier import META_FILE, MODEL_FILE, TOKENIZER_FILE
from .torch_model import TorchClassifier, encode, torch_threads

OPSET = 17
INPUTS = ("input_ids", "attention_mask", "marker_index")


def _graph_module(models):
    """One module over the members: the mean of their softmax outputs."""
    torch = torch_threads()
    first = models[0].encoder.embeddings
    for m in models[1:]:
        same = all(torch.equal(a, b) for a, b in zip(first.state_dict().values(),
                                                     m.encoder.embeddings.state_dict().values(),
                                                     strict=True))
        if same:  # LoRA leaves the embeddings as the base has them: store them once
            m.encoder.embeddings = first

    class Graph(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.members = torch.nn.ModuleList(models)

        def forward(self, input_ids, attention_mask, marker_index):
            probs = [torch.softmax(m(input_ids, attention_mask, marker_index), dim=-1)
                     for m in self.members]
            return torch.stack(probs).mean(0)

    return Graph().eval()


def _export_fp32(classifier: TorchClassifier, path: Path) -> None:
    torch = torch_threads()
    for m in classifier.models:
        m.encoder.set_attn_implementation("eager")  # the attention pattern the optimizer fuses
    graph = _graph_module(classifier.models)
    sample = encode(classifier.tokenizer, ["the \u00b6 country \u00b6 has failed its victims",
                                           "our \u00b6 city \u00b6 programme goes on"])
    axes = {"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
            "marker_index": {0: "batch"}, "probs": {0: "batch"}}
    with torch.inference_mode():
        torch.onnx.export(graph, sample, str(path), input_names=list(INPUTS),
                          output_names=["probs"], dynamic_axes=axes, opset_version=OPSET,
                          dynamo=False)


QUANTIZATIONS = ("blockwise", "dynamic")
#: Embedding tables at least this large are stored in float16 (`blockwise`).
FP16_EMBEDDINGS_MIN = 1_000_000


def _fp16_embeddings(model) -> None:
    """Store large embedding tables (the inputs of Gather nodes) in float16, cast back to float
    after the lookup: half the bytes of the biggest tensor, no measurable change in scores."""
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper

    inits = {i.name: i for i in model.graph.initializer}
    for node in list(model.graph.node):
        table = inits.get(node.input[0]) if node.op_type == "Gather" else None
        if table is None or table.data_type != TensorProto.FLOAT or \
                int(np.prod(table.dims)) < FP16_EMBEDDINGS_MIN:
            continue
        half = numpy_helper.from_array(numpy_helper.to_array(table).astype(np.float16),
                                       table.name + "_fp16")
        model.graph.initializer.remove(table)
        model.graph.initializer.append(half)
        cast = helper.make_node("Cast", [half.name], [table.name], to=TensorProto.FLOAT,
                                name=table.name + "_cast")
        model.graph.node.insert(0, cast)
        inits.pop(table.name)


def _optimize_and_quantize(fp32: Path, out: Path, config, quantization: str) -> dict:
    """Fused (attention, GELU, layer norms), then quantised: returns what was fused."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers.fusion_options import FusionOptions
    from onnxruntime.transformers.optimizer import optimize_model

    # The embedding lookup stays a Gather (not fused into EmbedLayerNormalization), so that its
    # table can be stored in float16: a third of a MiniLM's bytes.
    options = FusionOptions("bert")
    options.enable_embed_layer_norm = False
    opt = optimize_model(str(fp32), model_type="bert", num_heads=config.num_attention_heads,
                         hidden_size=config.hidden_size, opt_level=1,
                         optimization_options=options)
    fused = {k: v for k, v in opt.get_fused_operator_statistics().items() if v}
    if quantization == "dynamic":
        fused_path = fp32.with_name("fused.onnx")
        opt.save_model_to_file(str(fused_path))
        quantize_dynamic(str(fused_path), str(out), weight_type=QuantType.QInt8,
                         per_channel=True,
                         extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
        return fused
    from onnxruntime.quantization.matmul_nbits_quantizer import (
        DefaultWeightOnlyQuantConfig,
        MatMulNBitsQuantizer,
    )

    settings = {"block_size": 32, "is_symmetric": True, "accuracy_level": 4, "bits": 8}
    quantizer = MatMulNBitsQuantizer(opt.model, algo_config=DefaultWeightOnlyQuantConfig(
        **settings), **settings)
    quantizer.process()
    model = quantizer.model.model
    _fp16_embeddings(model)
    onnx.save(model, str(out))
    return fused


def export(model_dir: Path, base_model: str, quiet: bool = False,
           quantization: str = "blockwise") -> dict:
    """Write model.onnx (int8) and tokenizer.json into `model_dir`; returns the metadata."""
    import logging

    logging.getLogger("onnxruntime").setLevel(logging.ERROR)
    model_dir = Path(model_dir)
    started = time.time()
    classifier = TorchClassifier(model_dir, base_model)
    config = classifier.models[0].encoder.config
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "fp32.onnx"
        _export_fp32(classifier, fp32)
        fused = _optimize_and_quantize(fp32, model_dir / MODEL_FILE, config, quantization)
    classifier.tokenizer.backend_tokenizer.save(str(model_dir / TOKENIZER_FILE))
    data = (model_dir / MODEL_FILE).read_bytes()
    meta = json.loads((model_dir / META_FILE).read_text(encoding="utf-8"))
    meta["onnx"] = {"file": MODEL_FILE, "tokenizer": TOKENIZER_FILE, "opset": OPSET,
                    "quantization": quantization,
                    "fused": fused, "members": len(classifier.models), "bytes": len(data),
                    "sha256": hashlib.sha256(data).hexdigest()[:16],
                    "export_seconds": round(time.time() - started, 1)}
    (model_dir / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    if not quiet:
        print(f"exported {model_dir / MODEL_FILE}: {len(data) / 1e6:.1f} MB int8, "
              f"{len(classifier.models)} member(s), fused {fused}")
    return meta["onnx"]
