"""The one core object: owns the loaded models and runs the road from a Document to its final
DocumentReport.

The road, per batch of documents: directives are read and blanked (documents.directives), the
text is validated, spaCy parses it (nlp), mentions are found (mentions), each is masked in its
window (context) and with the follow-up sentences (followup) classified in one batch
(classifier), judged (verdict), rewritten (suggest), located (Document.locate) and accepted where a
directive or the configuration says so; the finding is built once, complete, and the verdict
decided from the findings. The CLI, the web app, the batch workers and the spaCy component all
call `check_document` / `check_documents` (or `check_docs` for parsed Docs); none re-implements a
stage. Collaborators (spaCy pipeline, classifier, gazetteer, policies) can be passed in; what is
not passed loads lazily, once, on first use.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from . import context, followup, gazetteer
from .documents import Document
from .documents import directives as directives_mod
from .errors import CdcheckError, DocumentTooLarge, EmptyDocument
from .mentions import MentionFinder
from .policy import LabelPolicy, MentionPolicy, load_label_policy, load_mention_policy
from .schema import DocumentReport, Finding, Mention
from .settings import Settings
from .suggest import rewrite
from .verdict import Judgement, carry, document_verdict, judge, make_finding


@dataclass(frozen=True)
class CheckOptions:
    """How to check: who speaks, what a configuration accepts, whether to classify at all.

    Build it with `Checker.options()`, which resolves the speaker's country once (BadOption for an
    unknown one) before any document is read.
    """

    speaker_country: str | None = None  # ISO3
    allow: tuple = ()  # config.AllowEntry, from `[[allow]]` of a configuration file
    allow_base: Path | None = None  # the configuration file's folder: `allow` paths are relative
    mentions_only: bool = False


@dataclass
class _Prepared:
    """A document ready to parse: its text with directives blanked, and the directives."""

    document: Document
    text: str
    directives: list[directives_mod.Directive] = field(default_factory=list)


@dataclass
class _Analysis:
    """One parsed document's mentions, sentences and follow-up sentences, before classifying."""

    prepared: _Prepared
    mentions: list[Mention]
    sentences: list[tuple[int, int]]
    later: list[followup.FollowUp]

    def inputs(self) -> list[str]:
        """The classifier inputs: one per mention, then one per follow-up sentence."""
        text = self.prepared.text
        own = [context.build_input(text, self.sentences, self.mentions, m) for m in self.mentions]
        return own + [f.input for f in self.later]


class Checker:
    """Checks statements against the no-naming rule.

    >>> checker = Checker()
    >>> report = checker.check("Country X has failed its victims.")
    >>> report.verdict
    'violation'
    """

    def __init__(self, settings: Settings | None = None, *, nlp=None, classifier=None,
                 gazetteer: gazetteer.Gazetteer | None = None,
                 label_policy: LabelPolicy | None = None,
                 mention_policy: MentionPolicy | None = None,
                 aliases: dict[str, str] | None = None):
        self.settings = settings or Settings.from_env()
        self._aliases = dict(aliases or {})
        for name, given in (("nlp", nlp), ("classifier", classifier), ("gazetteer", gazetteer),
                            ("policy", label_policy), ("mention_policy", mention_policy)):
            if given is not None:
                self.__dict__[name] = given  # a given collaborator replaces the lazy default

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
    def mention_policy(self) -> MentionPolicy:
        return load_mention_policy(self.settings.rules_dir)

    @cached_property
    def finder(self) -> MentionFinder:
        return MentionFinder(self.gazetteer, self.mention_policy)

    @cached_property
    def policy(self) -> LabelPolicy:
        return load_label_policy(self.settings.rules_dir)

    @cached_property
    def classifier(self):
        from .classifier import load_classifier

        return load_classifier(self.settings.model_dir, self.settings.base_model)

    @property
    def loaded(self) -> bool:
        """Whether the spaCy pipeline and the classifier are loaded (a check will be fast)."""
        return "nlp" in self.__dict__ and "classifier" in self.__dict__

    def warm_up(self) -> None:
        """Load every model now rather than in the first check."""
        _ = self.nlp, self.finder, self.policy, self.classifier

    # ---------------------------------------------------------------- options

    def resolve_country(self, value: str | None) -> str | None:
        """ISO3 for a speaker country given as alpha-2, alpha-3 or name; BadOption if unknown."""
        if value is None or not str(value).strip():
            return None
        return gazetteer.resolve_country(str(value), self.gazetteer)

    def options(self, speaker_country: str | None = None, allow: Sequence = (),
                allow_base: Path | None = None, mentions_only: bool = False) -> CheckOptions:
        """Validated options: the speaker's country resolved to ISO3 (BadOption if unknown)."""
        return CheckOptions(self.resolve_country(speaker_country), tuple(allow), allow_base,
                            mentions_only)

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

    # ---------------------------------------------------------------- the road

    def check(self, text: str, source: str = "<text>",
              speaker_country: str | None = None) -> DocumentReport:
        """The full check of one statement given as text (read as a .txt file would be)."""
        from .documents.text_reader import line_segments

        document = Document(source, text, "txt", segments=line_segments(text or ""))
        return self.check_document(document, self.options(speaker_country))

    def find_mentions(self, text: str, source: str = "<text>") -> DocumentReport:
        """A mentions-only report: every country mention, no classification."""
        return self.check_document(Document(source, text, "txt"),
                                   CheckOptions(mentions_only=True))

    def check_document(self, document: Document,
                       options: CheckOptions | None = None) -> DocumentReport:
        """The final report of one document; raises the CdcheckError that stops it."""
        options = options or CheckOptions()
        return self._run([self._prepare(document, options)], options)[0]

    def check_documents(self, documents: Iterable[Document], options: CheckOptions | None = None,
                        batch_docs: int = 16) -> Iterator[DocumentReport]:
        """Final reports of many documents, in order, batching spaCy and the classifier across
        them; a document that cannot be checked gets a report with its error, never stops the
        others."""
        options = options or CheckOptions()
        pending: list[_Prepared | DocumentReport] = []
        for document in documents:
            try:
                pending.append(self._prepare(document, options))
            except CdcheckError as exc:
                pending.append(DocumentReport(source=document.source, error=str(exc)))
            if len(pending) >= batch_docs:
                yield from self._run_mixed(pending, options)
                pending = []
        if pending:
            yield from self._run_mixed(pending, options)

    def check_docs(self, docs: Sequence, options: CheckOptions | None = None,
                   source: str = "<doc>") -> list[DocumentReport]:
        """Final reports of already parsed spaCy Docs (the spaCy component's road), with one
        classifier pass for all of them."""
        options = options or CheckOptions()
        analyses = [self._analyse(_Prepared(Document(source, d.text, "doc"), d.text), d)
                    for d in docs]
        return self._classify(analyses, options)

    def _run_mixed(self, pending, options: CheckOptions) -> list[DocumentReport]:
        ready = [p for p in pending if isinstance(p, _Prepared)]
        done = iter(self._run(ready, options)) if ready else iter(())
        return [next(done) if isinstance(p, _Prepared) else p for p in pending]

    def _prepare(self, document: Document, options: CheckOptions) -> _Prepared:
        """The text to check (directives blanked, validated) and the directives that apply."""
        text, found = document.text, []
        if document.has_directives:
            text, found = directives_mod.extract(text, self.resolve_country, document.source)
        found += directives_mod.from_config(options.allow, document.source, len(text),
                                            options.allow_base, self.resolve_country)
        return _Prepared(document, self.validate(text), found)

    def _run(self, batch: list[_Prepared], options: CheckOptions) -> list[DocumentReport]:
        docs = self.nlp.pipe([p.text for p in batch])
        analyses = [self._analyse(p, d) for p, d in zip(batch, docs, strict=True)]
        if options.mentions_only:
            return [DocumentReport(source=a.prepared.document.source, text=a.prepared.text,
                                   mentions=a.mentions) for a in analyses]
        return self._classify(analyses, options)

    def _classify(self, analyses: list[_Analysis], options: CheckOptions) -> list[DocumentReport]:
        """Every analysed document's inputs in one classifier pass, then each one's report."""
        inputs = [a.inputs() for a in analyses]
        flat = [x for xs in inputs for x in xs]
        probs = self.classifier.predict(flat, self.settings.batch_size) if flat else []
        reports, k = [], 0
        for a, xs in zip(analyses, inputs, strict=True):
            reports.append(self._report(a, options, probs[k:k + len(xs)]))
            k += len(xs)
        return reports

    def _analyse(self, prepared: _Prepared, doc) -> _Analysis:
        mentions = self.finder(doc)
        sentences = [(s.start_char, s.end_char) for s in doc.sents]
        later = followup.follow_ups(doc.text, sentences, mentions)
        return _Analysis(prepared, mentions, sentences, later)

    def _report(self, a: _Analysis, options: CheckOptions, probs) -> DocumentReport:
        """The finished report of one analysed document, from its classifier scores."""
        speaker = options.speaker_country
        judgements = {id(m): judge(m, p, self.policy, speaker)
                      for m, p in zip(a.mentions, probs, strict=False)}
        for f, p in zip(a.later, probs[len(a.mentions):], strict=True):
            # blame carried by a later sentence reaches the mentions before it
            for m in f.antecedents:
                judgements[id(m)] = carry(judgements[id(m)], m, p, f.reference, self.policy,
                                          speaker)
        used: dict[int, int] = {}
        findings = [self._finding(a, m, judgements[id(m)], used) for m in a.mentions]
        prepared = a.prepared
        return DocumentReport(
            source=prepared.document.source, text=prepared.text, mentions=a.mentions,
            findings=findings, verdict=document_verdict(findings, self.policy),
            speaker_country=speaker,
            directives=[d.to_dict(used.get(id(d), 0)) for d in prepared.directives],
        )

    def _finding(self, a: _Analysis, m: Mention, j: Judgement, used: dict[int, int]) -> Finding:
        """The complete finding of one mention: rewrite, location and acceptance included."""
        text = a.prepared.text
        accepted = None
        if self.policy.rule(j.label).counts:
            d = directives_mod.covering(a.prepared.directives, m.key, m.start)
            if d is not None:
                used[id(d)] = used.get(id(d), 0) + 1
                accepted = d.acceptance()
        suggestion = self._rewrite(text, m, a.mentions) if self.policy.rule(j.label).counts \
            else None
        return make_finding(m, j, text[m.sent_start:m.sent_end].strip(), self.policy,
                            suggestion=suggestion, location=a.prepared.document.locate(m.start),
                            accepted=accepted)

    def _rewrite(self, text: str, m: Mention, mentions: list[Mention]) -> str | None:
        """The suggested rewrite of the sentence `m` is in (suggest.py)."""
        raw = text[m.sent_start:m.sent_end]
        lead = len(raw) - len(raw.lstrip())
        return rewrite(raw.strip(), m.sent_start + lead, mentions, self.policy.suggest)
