"""The spaCy pipeline component: `nlp.add_pipe("cdcheck")` runs the same Checker on a Doc.

What it writes (declared in `assigns`, so `nlp.analyze_pipes()` sees it), all of it msgpack-safe
so that a checked Doc survives `Doc.to_bytes`, `DocBin` and `nlp.pipe(..., n_process=2)`:

- `doc.spans["cdcheck"]`: one span per country mention, labelled with its finding's label
  ("blame", "situation", "work", "neutral", "exempt") and its country key (ISO3, or "X" for a
  placeholder) as `kb_id_`;
- `doc._.cd_verdict`: "violation", "review" or "ok";
- `doc._.cd_findings`: each finding's `to_dict()` (the CLI's JSON finding); `findings(doc)`
  gives them back as `Finding` objects.

The component uses the pipeline's own sentences and entities when it has them, and parses the
text with cdcheck's pipeline when it does not (the Doc itself is left as it was). `pipe()` checks
a batch of Docs in one pass of the classifier.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import minibatch

from .checker import Checker
from .schema import DocumentReport, Finding
from .settings import Settings

SPANS_KEY = "cdcheck"
EXTENSIONS = ("cd_verdict", "cd_findings")


def install_extensions() -> None:
    """The Doc extensions the component writes (default None on Docs it has not checked)."""
    for name in EXTENSIONS:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


def findings(doc: Doc) -> list[Finding]:
    """The findings the component stored on `doc`, as Finding objects."""
    return [Finding.from_dict(d) for d in doc._.cd_findings or []]


@Language.factory(
    "cdcheck",
    assigns=["doc.spans", "doc._.cd_verdict", "doc._.cd_findings"],
    default_config={"speaker_country": None, "model_dir": None, "rules_dir": None,
                    "spans_key": SPANS_KEY},
)
def make_cdcheck(nlp: Language, name: str, speaker_country: str | None, model_dir: str | None,
                 rules_dir: str | None, spans_key: str) -> CdcheckComponent:
    """Factory for the "cdcheck" component (config: speaker_country, model_dir, rules_dir)."""
    settings = Settings.from_env(model_dir=Path(model_dir) if model_dir else None,
                                 rules_dir=Path(rules_dir) if rules_dir else None)
    return CdcheckComponent(name, Checker(settings), speaker_country, spans_key)


class CdcheckComponent:
    """Checks each Doc against the no-naming rule and stores the findings on it."""

    def __init__(self, name: str, checker: Checker, speaker_country: str | None = None,
                 spans_key: str = SPANS_KEY):
        install_extensions()
        self.name = name
        self.checker = checker
        self.spans_key = spans_key
        self.options = checker.options(speaker_country)  # BadOption now, not at the first Doc

    def __call__(self, doc: Doc) -> Doc:
        return next(self.pipe([doc], batch_size=1))

    def pipe(self, stream: Iterable[Doc], batch_size: int = 32) -> Iterator[Doc]:
        """Check Docs in batches: one parse for those that need it, one classifier pass."""
        for batch in minibatch(stream, size=batch_size):
            todo = [d for d in batch if d.text.strip()]
            missing = [d for d in todo if not (d.has_annotation("SENT_START")
                                               and d.has_annotation("ENT_IOB"))]
            # Same text, so offsets carry over unchanged; the user's Doc is left as it was.
            parsed = dict(zip(map(id, missing), self.checker.nlp.pipe(d.text for d in missing),
                              strict=True))
            reports = self.checker.check_docs([parsed.get(id(d), d) for d in todo], self.options)
            by_doc = dict(zip(map(id, todo), reports, strict=True))
            for doc in batch:
                self._store(doc, by_doc.get(id(doc)))
                yield doc

    def _store(self, doc: Doc, report: DocumentReport | None) -> None:
        spans = []
        for f in report.findings if report is not None else []:
            m = f.mention
            span = doc.char_span(m.start, m.end, label=f.label, kb_id=m.key,
                                 alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.spans[self.spans_key] = spans
        doc._.cd_verdict = report.verdict if report is not None else "ok"
        doc._.cd_findings = [f.to_dict() for f in report.findings] if report is not None else []

    def __getstate__(self) -> dict:
        """What a worker process needs (`nlp.pipe(n_process=2)`): settings, not loaded models."""
        return {"name": self.name, "settings": self.checker.settings,
                "aliases": self.checker.aliases, "spans_key": self.spans_key,
                "options": self.options}

    def __setstate__(self, state: dict) -> None:
        install_extensions()
        self.name, self.spans_key, self.options = (state["name"], state["spans_key"],
                                                   state["options"])
        self.checker = Checker(state["settings"], aliases=state["aliases"] or None)
