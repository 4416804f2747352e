"""The spaCy pipeline component: `nlp.add_pipe("cdcheck")` runs the same Checker on a Doc.

Results land on `doc._.cd_findings` (list of Finding), `doc._.cd_verdict` ("violation", "review"
or "ok") and `doc._.cd_mentions`. The component uses the pipeline's own sentences and entities
when it has them, and parses the text with cdcheck's pipeline when it does not.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from .checker import Checker
from .settings import Settings

for _name, _default in (("cd_findings", None), ("cd_verdict", None), ("cd_mentions", None)):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)


@Language.factory(
    "cdcheck",
    default_config={"speaker_country": None, "model_dir": None, "rules_dir": None},
)
def make_cdcheck(nlp: Language, name: str, speaker_country: str | None,
                 model_dir: str | None, rules_dir: str | None) -> CdcheckComponent:
    """Factory for the "cdcheck" component (config: speaker_country, model_dir, rules_dir)."""
    from pathlib import Path

    settings = Settings.from_env(model_dir=Path(model_dir) if model_dir else None,
                                 rules_dir=Path(rules_dir) if rules_dir else None)
    return CdcheckComponent(name, Checker(settings), speaker_country)


class CdcheckComponent:
    """Checks each Doc against the no-naming rule and stores the findings on it."""

    def __init__(self, name: str, checker: Checker, speaker_country: str | None = None):
        self.name = name
        self.checker = checker
        self.speaker_country = checker.resolve_country(speaker_country)

    def __call__(self, doc: Doc) -> Doc:
        parsed = doc
        if not (doc.has_annotation("SENT_START") and doc.has_annotation("ENT_IOB")):
            parsed = self.checker.nlp(doc.text)  # same text, so offsets carry over unchanged
        if not doc.text.strip():
            doc._.cd_findings, doc._.cd_mentions, doc._.cd_verdict = [], [], "ok"
            return doc
        report = self.checker.check_doc(parsed, speaker_country=self.speaker_country)
        doc._.cd_findings = report.findings
        doc._.cd_mentions = report.mentions
        doc._.cd_verdict = report.verdict
        return doc

    def pipe(self, stream, batch_size: int = 32):
        for doc in stream:
            yield self(doc)
