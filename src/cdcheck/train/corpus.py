"""Labelled statements: reading them, splitting them, and turning them into classifier examples.

Two formats are read: the project's corpus (data/*.jsonl, see data/README.md) and the shared
evaluation format (eval-sample.jsonl). Both list, per statement, every mention's exact surface,
country (ISO3 or "X") and label.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..context import build_input, paragraph_bounds
from ..normalize import fold
from ..policy import load_label_policy
from ..schema import Mention, worst_verdict
from ..settings import Settings


def read_jsonl(path: Path) -> list[dict]:
    """The statements in a JSONL file (blank lines skipped)."""
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def gold_verdict(stmt: dict, policy=None) -> str:
    """The statement's verdict: given, or the worst of its mentions' labels (labels.toml)."""
    if stmt.get("verdict"):
        return stmt["verdict"]
    policy = policy or load_label_policy(Settings.from_env().rules_dir)
    return worst_verdict(policy.verdict_of(m["label"]) for m in stmt.get("mentions", []))


def train_label(m: dict) -> str:
    """The label the classifier learns: an exempt mention teaches what it was exempted from."""
    if m["label"] == "exempt":
        return m.get("base") or "situation"
    return m["label"]


def gold_spans(stmt: dict) -> list[tuple[int, int, dict]]:
    """(start, end, mention) for each gold mention, located in order in the text."""
    text, pos, out = stmt["text"], 0, []
    for m in stmt.get("mentions", []):
        s = text.find(m["surface"], pos)
        if s < 0:
            s = text.find(m["surface"])
        if s < 0:
            raise ValueError(f"{stmt.get('id')}: surface {m['surface']!r} not in text")
        out.append((s, s + len(m["surface"]), m))
        pos = s + len(m["surface"])
    return out


@dataclass(frozen=True)
class Example:
    """One mention in context, ready for the classifier, with its gold label."""

    input: str
    label: str  # "" for an unlabelled pool example (learnt from `soft` alone)
    statement_id: str
    country: str
    kind: str
    #: A teacher's probabilities over the classifier's labels (distillation), if any.
    soft: tuple[float, ...] | None = None


def _kind_for(surface: str, country: str, found: Sequence[Mention], s: int, e: int,
              gaz) -> str:
    for m in found:
        if m.start < e and s < m.end:
            return m.kind
    if country == "X":
        return "placeholder"
    key = fold(surface)
    hit = gaz.lookup_place(key) if gaz is not None else None
    return hit.kind if hit else "name"


def statement_examples(stmt: dict, checker, window: str = "sentences") -> list[Example]:
    """Classifier examples for every gold mention of one statement."""
    doc = checker.nlp(stmt["text"])
    found = checker.finder(doc)
    sentences = [(s.start_char, s.end_char) for s in doc.sents]
    mentions, labels = [], []
    for s, e, g in gold_spans(stmt):
        kind = _kind_for(g["surface"], g["country"], found, s, e, checker.gazetteer)
        country = None if g["country"] == "X" else g["country"]
        sent = next(((a, b) for a, b in sentences if a <= s < b), (0, len(stmt["text"])))
        mentions.append(Mention(s, e, stmt["text"][s:e], country, g["country"], kind,
                                sent_start=sent[0], sent_end=sent[1]))
        labels.append(train_label(g))
    paragraphs = paragraph_bounds(stmt["text"]) if window == "paragraph" else None
    return [
        Example(build_input(stmt["text"], sentences, mentions, m, window, paragraphs), label,
                str(stmt.get("id")), m.key, m.kind)
        for m, label in zip(mentions, labels, strict=True)
    ]


def examples(statements: Iterable[dict], checker, window: str = "sentences") -> list[Example]:
    """Classifier examples for all statements, in order."""
    out: list[Example] = []
    for stmt in statements:
        out.extend(statement_examples(stmt, checker, window))
    return out


def pool_inputs(checker, paths: Sequence[Path], window: str = "sentences") -> list[tuple[str, str]]:
    """(statement id, classifier input) for every mention the finder sees in unlabelled pool
    statements, in text order (the teacher labels them; data/distill/)."""
    rows = [r for p in paths for r in read_jsonl(p)]
    out = []
    for row, doc in zip(rows, checker.nlp.pipe(r["text"] for r in rows), strict=True):
        mentions = checker.finder(doc)
        sentences = [(s.start_char, s.end_char) for s in doc.sents]
        paragraphs = paragraph_bounds(doc.text) if window == "paragraph" else None
        for m in mentions:
            if m.kind not in checker.policy.by_kind:
                out.append((str(row["id"]), build_input(doc.text, sentences, mentions, m, window,
                                                        paragraphs)))
    return out


def data_hash(paths: Iterable[Path]) -> str:
    """A short SHA-256 over the training data files, recorded in the model card."""
    h = hashlib.sha256()
    for p in sorted(paths):
        h.update(Path(p).read_bytes())
    return h.hexdigest()[:16]


# ------------------------------------------------------------------ splits and swaps


def split_statements(statements: Sequence[dict], seed: int = 13,
                     dev: float = 0.15, test: float = 0.15,
                     train_only: Sequence[dict] = ()) -> dict[str, list[dict]]:
    """Train/dev/test by source statement, stratified by file part, with a fixed seed.

    Statements that share a "group" (a contrast pair: the same words with one clause changed) are
    one unit, so a pair never straddles train and dev/test. `train_only` statements go to train
    whole: material to learn from that leaves dev and test, and every figure on them, as they were.
    """
    by_part: dict[str, dict[str, list[dict]]] = {}
    for s in statements:
        units = by_part.setdefault(str(s["id"]).split("-")[0], {})
        units.setdefault(str(s.get("group") or s["id"]), []).append(s)
    out = {"train": [], "dev": [], "test": []}
    for part in sorted(by_part):
        keys = sorted(by_part[part])
        random.Random(f"{seed}-{part}").shuffle(keys)  # adding a part never moves another's
        n_dev, n_test = round(len(keys) * dev), round(len(keys) * test)
        for i, key in enumerate(keys):
            split = "dev" if i < n_dev else "test" if i < n_dev + n_test else "train"
            out[split] += by_part[part][key]
    out["train"] += train_only
    return out


def swap_country(stmt: dict, new_iso3: str, new_name: str, suffix: str,
                 is_name) -> dict | None:
    """A copy of `stmt` with every `name`-like mention of its first named country replaced.

    Only plain names (`is_name(surface)`) are swapped, never demonyms, cities or codes, so the
    text stays grammatical and the labels stay true: the label must not depend on the country.
    """
    spans = gold_spans(stmt)
    targets = [(s, e, m) for s, e, m in spans if m["country"] not in ("X",)]
    if not targets:
        return None
    iso = targets[0][2]["country"]
    text = stmt["text"]
    name_spans = [(s, e, m) for s, e, m in spans if m["country"] == iso and is_name(m["surface"])]
    if not name_spans:
        return None
    new_mentions, out, pos = [], [], 0
    for s, e, m in spans:
        out.append(text[pos:s])
        if (s, e, m) in name_spans:
            out.append(new_name)
            nm = dict(m, surface=new_name, country=new_iso3)
        else:
            out.append(text[s:e])
            nm = dict(m)
        new_mentions.append(nm)
        pos = e
    out.append(text[pos:])
    speaker = stmt.get("speaker_country")
    if speaker == iso:
        if len(name_spans) < sum(m["country"] == iso for _, _, m in spans):
            # The speaker's cities or demonyms would stay: they would no longer be the speaker's
            # own country, and their `exempt` labels would be false. No swap for such a text.
            return None
        speaker = new_iso3
    return dict(stmt, id=f"{stmt['id']}~{suffix}", text="".join(out), mentions=new_mentions,
                speaker_country=speaker, swapped_from=stmt["id"])
