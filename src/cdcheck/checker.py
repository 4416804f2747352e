"""The one core object: owns the loaded models and runs the road from text to a DocumentReport.

The CLI, the web app and the spaCy component are thin shells around `Checker`; none of them
re-implements a stage. Models load lazily, once, on first use.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cached_property

from . import context, followup, gazetteer
from .errors import DocumentTooLarge, EmptyDocument
from .mentions import MentionFinder
from .rules import Policy, load_policy
from .schema import DocumentReport, Finding, Mention
from .settings import Settings
from .suggest import rewrite
from .verdict import carried_finding, document_verdict, make_finding


class Checker:
    """Checks statements against the no-naming rule.

    >>> checker = Checker()
    >>> report = checker.check("Country X has failed its victims.")
    >>> report.verdict
    'violation'
    """

    def __init__(self, settings: Settings | None = None, aliases: dict[str, str] | None = None):
        self.settings = settings or Settings.from_env()
        self._aliases = aliases or {}

    @property
    def aliases(self) -> dict[str, str]:
        """The extra aliases this checker was built with (to build an equal one in a worker)."""
        return dict(self._aliases)

    # ---------------------------------------------------------------- loaded once

    @cached_property
    def nlp(self):
        from .nlp import load_pipeline

        return load_pipeline(self.settings.spacy_model)

    @cached_property
    def gazetteer(self) -> gazetteer.Gazetteer:
        gaz = gazetteer.load(self.settings.rules_dir)
        return gazetteer.with_aliases(gaz, self._aliases) if self._aliases else gaz

    @cached_property
    def finder(self) -> MentionFinder:
        return MentionFinder(self.gazetteer)

    @cached_property
    def policy(self) -> Policy:
        return load_policy(self.settings.rules_dir)

    @cached_property
    def classifier(self):
        from .classifier import load_classifier

        return load_classifier(self.settings.model_dir, self.settings.base_model)

    def resolve_country(self, value: str | None) -> str | None:
        """ISO3 for a speaker country given as alpha-2, alpha-3 or name; BadOption if unknown."""
        if value is None or not str(value).strip():
            return None
        return gazetteer.resolve_country(str(value), self.gazetteer)

    # ---------------------------------------------------------------- stages

    def validate(self, text: str) -> str:
        """The text itself if it can be checked; EmptyDocument or DocumentTooLarge if not."""
        if not isinstance(text, str) or not text.strip():
            raise EmptyDocument("the statement is empty: there is no text to check")
        if len(text) > self.settings.max_chars:
            raise DocumentTooLarge(
                f"the statement has {len(text):,} characters; the limit is "
                f"{self.settings.max_chars:,} (set CDCHECK_MAX_CHARS to change it)"
            )
        return text

    def mentions_in_doc(self, doc) -> list[Mention]:
        """Country mentions in a spaCy Doc (from this checker's pipeline or a user's own)."""
        return self.finder(doc)

    def find_mentions(self, text: str, source: str = "<text>") -> DocumentReport:
        """A mentions-only report: every country mention, no classification."""
        doc = self.nlp(self.validate(text))
        return DocumentReport(source=source, text=text, mentions=self.mentions_in_doc(doc))

    def check(self, text: str, source: str = "<text>",
              speaker_country: str | None = None) -> DocumentReport:
        """The full check of one statement: findings with reasons and rewrites, and a verdict."""
        return next(self.check_many([(source, text)], speaker_country=speaker_country))

    def check_doc(self, doc, source: str = "<doc>",
                  speaker_country: str | None = None) -> DocumentReport:
        """The full check of an already parsed spaCy Doc (used by the spaCy component)."""
        return self._classify([(source, doc)], self.resolve_country(speaker_country))[0]

    def check_many(self, items: Iterable[tuple[str, str]], speaker_country: str | None = None,
                   batch_docs: int = 16) -> Iterator[DocumentReport]:
        """Check (source, text) pairs, batching spaCy and the classifier across documents."""
        speaker = self.resolve_country(speaker_country)
        pending: list[tuple[str, str]] = []
        for source, text in items:
            pending.append((source, self.validate(text)))
            if len(pending) >= batch_docs:
                yield from self._check_batch(pending, speaker)
                pending = []
        if pending:
            yield from self._check_batch(pending, speaker)

    def _check_batch(self, pending, speaker) -> list[DocumentReport]:
        docs = self.nlp.pipe([t for _, t in pending])
        return self._classify([(s, d) for (s, _), d in zip(pending, docs, strict=True)], speaker)

    def _classify(self, parsed, speaker) -> list[DocumentReport]:
        per_doc = []
        inputs: list[str] = []
        for source, doc in parsed:
            mentions = self.mentions_in_doc(doc)
            sentences = [(s.start_char, s.end_char) for s in doc.sents]
            later = followup.follow_ups(doc.text, sentences, mentions)
            per_doc.append((source, doc.text, mentions, later))
            inputs.extend(context.build_input(doc.text, sentences, mentions, m) for m in mentions)
            inputs.extend(f.input for f in later)
        probs = self.classifier.predict(inputs, self.settings.batch_size) if inputs else []
        reports, k = [], 0
        for source, text, mentions, later in per_doc:
            findings = {}
            for m in mentions:
                findings[id(m)] = self._finding(text, m, mentions, probs[k], speaker)
                k += 1
            for f in later:  # blame carried by a later sentence reaches the mentions before it
                for m in f.antecedents:
                    found = findings[id(m)]
                    carried = carried_finding(found, probs[k], f.reference, self.policy, speaker)
                    if carried is not found:
                        carried.suggestion = found.suggestion or self._rewrite(text, m, mentions)
                        findings[id(m)] = carried
                k += 1
            findings = list(findings.values())
            reports.append(DocumentReport(
                source=source, text=text, mentions=mentions, findings=findings,
                verdict=document_verdict(findings, self.policy),
                meta={"speaker_country": speaker} if speaker else {},
            ))
        return reports

    def _finding(self, text: str, m: Mention, mentions: list[Mention], probs,
                 speaker: str | None) -> Finding:
        f = make_finding(m, probs, text[m.sent_start:m.sent_end].strip(), self.policy, speaker)
        if f.label in ("blame", "situation"):
            f.suggestion = self._rewrite(text, m, mentions)
        return f

    def _rewrite(self, text: str, m: Mention, mentions: list[Mention]) -> str | None:
        """The suggested rewrite of the sentence `m` is in (suggest.py)."""
        raw = text[m.sent_start:m.sent_end]
        lead = len(raw) - len(raw.lstrip())
        return rewrite(raw.strip(), m.sent_start + lead, mentions, self.policy.suggest)
