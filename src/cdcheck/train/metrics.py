"""The figures training and evaluation report, computed by scikit-learn."""

from __future__ import annotations

from collections.abc import Sequence

from ..classifier import CLASSES


def class_metrics(gold: Sequence[str], pred: Sequence[str]) -> dict:
    """Accuracy, macro-F1 and per-class F1 over the classifier's labels."""
    from sklearn.metrics import accuracy_score, f1_score

    f1s = f1_score(gold, pred, labels=list(CLASSES), average=None, zero_division=0)
    return {"accuracy": float(accuracy_score(gold, pred)) if len(gold) else 0.0,
            "macro_f1": float(sum(f1s) / len(CLASSES)),
            "f1": {c: float(v) for c, v in zip(CLASSES, f1s, strict=True)}}


def verdict_metrics(gold: Sequence[str], pred: Sequence[str], positive: str = "violation") -> dict:
    """Precision, recall and F1 of `positive` verdicts, and 3-way accuracy."""
    from sklearn.metrics import accuracy_score, precision_recall_fscore_support

    if not gold:
        return {"violation_precision": 0.0, "violation_recall": 0.0, "violation_f1": 0.0,
                "accuracy_3way": 0.0, "n": 0}
    p, r, f, _ = precision_recall_fscore_support(gold, pred, labels=[positive], zero_division=0)
    return {"violation_precision": float(p[0]), "violation_recall": float(r[0]),
            "violation_f1": float(f[0]), "accuracy_3way": float(accuracy_score(gold, pred)),
            "n": len(gold)}
