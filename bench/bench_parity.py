"""Parity of the deployed int8 ONNX classifier with the PyTorch model it was exported from.

    python bench/bench_parity.py [data/dev.jsonl data/test.jsonl]

Checks every statement twice on the same road, once with each classifier (the Checker takes its
classifier as a collaborator), and prints: the share of statements with the same verdict (target
>= 99.5%), violation F1 of each against the gold verdicts (target: within 0.005), the share of
mentions with the same label, and the largest probability difference. Needs the `train` extra.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from cdcheck.checker import Checker
from cdcheck.documents import Document
from cdcheck.settings import Settings
from cdcheck.train.corpus import gold_verdict, read_jsonl
from cdcheck.train.metrics import verdict_metrics
from cdcheck.train.torch_model import TorchClassifier


def run(paths: list[str]) -> int:
    settings = Settings.from_env()
    onnx = Checker(settings)
    torch_checker = Checker(settings, nlp=onnx.nlp, gazetteer=onnx.gazetteer,
                            classifier=TorchClassifier(settings.model_dir, settings.base_model))
    stmts = [s for p in paths for s in read_jsonl(Path(p))]
    gold = [gold_verdict(s) for s in stmts]
    results = {}
    for name, checker in (("onnx int8", onnx), ("torch", torch_checker)):
        started = time.perf_counter()
        reports = []
        for s in stmts:
            options = checker.options(s.get("speaker_country"))
            reports.append(checker.check_document(Document(str(s.get("id")), s["text"]), options))
        results[name] = (reports, time.perf_counter() - started)
    a, b = results["onnx int8"][0], results["torch"][0]
    same = sum(x.verdict == y.verdict for x, y in zip(a, b, strict=True))
    # Mentions labelled by rule (a treaty's name) have no scores; they are the same by design.
    labels = [(f.label, g.label, max((abs(f.explanation.scores[k] - g.explanation.scores[k])
                                      for k in f.explanation.scores), default=0.0))
              for x, y in zip(a, b, strict=True)
              for f, g in zip(x.findings, y.findings, strict=True)]
    print(f"{', '.join(paths)}: {len(stmts)} statements, {len(labels)} mentions")
    print(f"same verdict: {same / len(stmts):.4f} ({same}/{len(stmts)}; target >= 0.995)")
    for name, (reports, seconds) in results.items():
        m = verdict_metrics(gold, [r.verdict for r in reports])
        print(f"{name:>10}: violation F1 {m['violation_f1']:.4f}, 3-way accuracy "
              f"{m['accuracy_3way']:.4f}, {seconds:.1f} s")
    print(f"same mention label: {sum(x == y for x, y, _ in labels) / max(1, len(labels)):.4f}; "
          f"largest probability difference {max((d for *_, d in labels), default=0):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:] or ["data/dev.jsonl", "data/test.jsonl"]))
