"""`cdcheck eval`: how well cdcheck decides, against two baselines measured in the same run.

Baselines: (a) "a careful reader with a list of countries": every statement with a country
mention is a violation; (b) TF-IDF + logistic regression trained on the train split's mention
contexts (masked the same way), in place of the fine-tuned classifier, everything else equal.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from ..schema import LABELS
from .corpus import examples, gold_spans, gold_verdict, read_jsonl
from .metrics import verdict_metrics

CONFUSION_LABELS = list(LABELS) + ["(missed)"]


class TfidfBaseline:
    """TF-IDF over the masked mention context + logistic regression, as the classifier's stand-in."""

    def __init__(self, train_path: Path, checker):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline

        exs = examples(read_jsonl(train_path), checker)
        self.model = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True),
                                   LogisticRegression(max_iter=2000, C=4.0,
                                                      class_weight="balanced"))
        self.model.fit([e.input for e in exs], [e.label for e in exs])
        self.classes = list(self.model.classes_)

    def predict(self, inputs, batch_size: int = 32):
        if not inputs:
            return []
        return [dict(zip(self.classes, map(float, row), strict=True))
                for row in self.model.predict_proba(list(inputs))]


def _align(stmt: dict, findings) -> list[tuple[str, str]]:
    """(gold label, predicted label or "(missed)") for each gold mention."""
    pairs = []
    for s, e, g in gold_spans(stmt):
        hit = next((f for f in findings if f.mention.start < e and s < f.mention.end
                    and f.mention.key == g["country"]), None)
        pairs.append((g["label"], hit.label if hit else "(missed)"))
    return pairs


def check_all(checker, stmts: list[dict]) -> list:
    """Each statement's report, batched through `Checker.check_documents` (statements with a
    speaker, few, one by one with their own options)."""
    from ..documents import Document

    docs = [Document(str(s.get("id", "?")), s["text"]) for s in stmts]
    plain = [i for i, s in enumerate(stmts) if not s.get("speaker_country")]
    reports = dict(zip(plain, checker.check_documents(docs[i] for i in plain), strict=True))
    for i, s in enumerate(stmts):
        if i not in reports:
            reports[i] = checker.check_document(docs[i], checker.options(s["speaker_country"]))
    return [reports[i] for i in range(len(stmts))]


def evaluate_file(path: Path, checker, baseline_checker) -> dict:
    """Metrics for cdcheck and both baselines on one labelled file."""
    stmts = read_jsonl(path)
    gold = [gold_verdict(s) for s in stmts]
    pred, pred_tfidf, pred_all, confusion = [], [], [], Counter()
    false_mentions = []
    n_pred = 0
    ours, theirs = check_all(checker, stmts), check_all(baseline_checker, stmts)
    for s, r, b in zip(stmts, ours, theirs, strict=True):
        pred.append(r.verdict)
        confusion.update(_align(s, r.findings))
        n_pred += len(r.mentions)
        spans = gold_spans(s)
        for m in r.mentions:
            if not any(m.start < e and b < m.end and m.key == g["country"] for b, e, g in spans):
                false_mentions.append({"id": s.get("id"), "text": m.text, "country": m.key})
        pred_all.append("violation" if r.mentions else "ok")
        pred_tfidf.append(b.verdict)
    mention_pairs = list(confusion.elements())
    n_gold = len(mention_pairs)
    found = sum(1 for _, p in mention_pairs if p != "(missed)")
    return {
        "mentions": {"gold": n_gold, "found": found, "predicted": n_pred,
                     "recall": found / max(1, n_gold),
                     "precision": (n_pred - len(false_mentions)) / max(1, n_pred),
                     "false": false_mentions},
        "file": str(path),
        "statements": len(stmts),
        "cdcheck": verdict_metrics(gold, pred),
        "baseline_every_mention": verdict_metrics(gold, pred_all),
        "baseline_tfidf_logreg": verdict_metrics(gold, pred_tfidf),
        "mention_label_accuracy": (sum(g == p for g, p in mention_pairs)
                                   / max(1, len(mention_pairs))),
        "confusion": {g: {p: confusion[(g, p)] for p in CONFUSION_LABELS if confusion[(g, p)]}
                      for g in LABELS},
        "errors": [
            {"id": s.get("id"), "gold": g, "predicted": p}
            for s, g, p in zip(stmts, gold, pred, strict=True) if g != p
        ],
    }


def format_table(result: dict) -> str:
    """A plain-text table of one file's results."""
    lines = [f"{result['file']} ({result['statements']} statements)", ""]
    lines.append(f"{'system':<26}{'viol. P':>9}{'viol. R':>9}{'viol. F1':>10}{'3-way acc':>11}")
    for name, key in (("cdcheck", "cdcheck"), ("baseline: every mention", "baseline_every_mention"),
                      ("baseline: tf-idf + logreg", "baseline_tfidf_logreg")):
        m = result[key]
        lines.append(f"{name:<26}{m['violation_precision']:>9.3f}{m['violation_recall']:>9.3f}"
                     f"{m['violation_f1']:>10.3f}{m['accuracy_3way']:>11.3f}")
    mm = result["mentions"]
    lines += ["", f"mentions: recall {mm['recall']:.3f} ({mm['found']}/{mm['gold']}), precision "
              f"{mm['precision']:.3f} ({len(mm['false'])} false of {mm['predicted']})"]
    if mm["false"]:
        lines.append("false mentions: " + ", ".join(
            f"{f['id']}:{f['text']!r}->{f['country']}" for f in mm["false"][:30]))
    lines += ["", f"mention label accuracy: {result['mention_label_accuracy']:.3f}",
              "confusion (rows gold, columns predicted):"]
    cols = CONFUSION_LABELS
    lines.append(" " * 11 + "".join(f"{c[:9]:>10}" for c in cols))
    for g in LABELS:
        row = result["confusion"].get(g, {})
        lines.append(f"{g:<11}" + "".join(f"{row.get(c, 0):>10}" for c in cols))
    if result["errors"]:
        lines += ["", "verdict errors: " + ", ".join(
            f"{e['id']} ({e['gold']}->{e['predicted']})" for e in result["errors"][:40])]
    return "\n".join(lines)


def run_eval(paths: list[Path], train_path: Path, fmt: str = "text",
             output: str | None = None, torch_model: Path | None = None,
             base: str | None = None) -> int:
    """Evaluate each file; print a table (or JSON); exit code 0, or 2 if a file is missing."""
    from ..checker import Checker
    from ..errors import BadOption

    for p in paths + [train_path]:
        if not p.exists():
            raise BadOption(f"no such data file: {p}")
    checker = Checker()
    if torch_model is not None:  # a trained model before export (a teacher, a candidate)
        from .torch_model import TorchClassifier

        classifier = TorchClassifier(torch_model, base or checker.settings.base_model)
        checker = Checker(checker.settings, nlp=checker.nlp, gazetteer=checker.gazetteer,
                          classifier=classifier)
    baseline = Checker(checker.settings, nlp=checker.nlp, gazetteer=checker.gazetteer,
                       classifier=TfidfBaseline(train_path, checker))
    results = [evaluate_file(p, checker, baseline) for p in paths]
    text = (json.dumps(results, indent=2) if fmt == "json"
            else "\n\n".join(format_table(r) for r in results))
    if output:
        Path(output).write_text(text + "\n", encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")
    return 0
