"""Parity of the deployed int8 ONNX classifier with the PyTorch model it was exported from.

    python bench/bench_parity.py [data/dev.jsonl data/test.jsonl]

Checks every statement twice on the same road, once with each classifier (the Checker takes its
classifier as a collaborator), and prints: the share of statements with the same verdict (target
>= 99.5%), violation F1 of each against the gold verdicts (target: within 0.005), the share of
mentions with the same label, the largest probability difference of a mention's own scores, and
the same comparison over every distinct classifier input. Needs the `train` extra.
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
    # A mention made blame by a later sentence shows that sentence's scores: the mention's own
    # are compared, or a carry on one side only would compare two different inputs.
    labels = [(f.label, g.label, max((abs(_own(f)[k] - _own(g)[k]) for k in _own(f)),
                                     default=0.0))
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
    inputs_parity(onnx, torch_checker.classifier, stmts)
    return 0


def _own(finding) -> dict[str, float]:
    e = finding.explanation
    return e.own_scores if e.follow_up and e.own_scores else e.scores


def inputs_parity(checker: Checker, torch_classifier, stmts: list[dict]) -> None:
    """Every distinct classifier input of the statements (mentions' windows and follow-up
    sentences) through both classifiers: the largest probability difference and the share of
    inputs whose most probable class differs."""
    import numpy as np

    from cdcheck.checker import _Prepared

    texts = [s["text"] for s in stmts]
    inputs: list[str] = []
    for text, doc in zip(texts, checker.nlp.pipe(texts, batch_size=64), strict=True):
        inputs += checker._analyse(_Prepared(Document("parity", text), text), doc).inputs()
    inputs = list(dict.fromkeys(inputs))
    a, b = checker.classifier.predict(inputs, 32), torch_classifier.predict(inputs, 32)
    classes = list(a[0]) if a else []
    pa = np.array([[p[k] for k in classes] for p in a])
    pb = np.array([[p[k] for k in classes] for p in b])
    diff = np.abs(pa - pb).max(1) if len(inputs) else np.zeros(1)
    print(f"per classifier input ({len(inputs)}): largest probability difference "
          f"{diff.max():.3f}, 99th percentile {np.quantile(diff, 0.99):.3f}, mean {diff.mean():.4f}; "
          f"most probable class differs for {(pa.argmax(1) != pb.argmax(1)).mean():.4f}")


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:] or ["data/dev.jsonl", "data/test.jsonl"]))
