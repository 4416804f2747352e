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

import re
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from . import context, evidence, followup, gazetteer
from .documents import Document
from .documents import directives as directives_mod
from .errors import CdcheckError, DocumentTooComplex, DocumentTooLarge, EmptyDocument, OverTimeBudget
from .mentions import MentionFinder
from .nlp import parse
from .normalize import Cleaned, clean
from .policy import LabelPolicy, MentionPolicy, load_label_policy, load_mention_policy
from .schema import DocumentReport, EvidenceSpan, Finding, Mention, Rewrite
from .settings import Settings
from .suggest import apply, failed_rewrites, rewrite, rewrite_reference
from .verdict import Judgement, by_rule, carry, document_verdict, judge, make_finding


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
    """A document ready to parse: its text (directives blanked), the directives, and the same
    text cleaned for matching (normalize.clean: hidden characters, lookalike letters)."""

    document: Document
    original: str
    directives: list[directives_mod.Directive] = field(default_factory=list)
    cleaned: Cleaned | None = None

    @property
    def text(self) -> str:
        """The text every stage reads (cleaned; offsets map back through `cleaned`)."""
        return self.cleaned.text if self.cleaned is not None else self.original

    def restore(self, m: Mention) -> Mention:
        """The mention with its offsets, text and sentence in the original text."""
        if self.cleaned is None or not self.cleaned.tricks:
            return m  # nothing changed: the same text at the same offsets
        start, end = self.cleaned.original(m.start, m.end)
        sent_start, sent_end = self.cleaned.original(m.sent_start, max(m.sent_end,
                                                                       m.sent_start + 1))
        return replace(m, start=start, end=end, text=self.original[start:end],
                       sent_start=sent_start, sent_end=sent_end)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Checked text [start, end) as offsets in the original text."""
        if self.cleaned is None:
            return start, end
        if end <= start:  # an empty span: where it stands in the original text
            at = self.cleaned.original(start, start + 1)[0] if start < len(self.text) else \
                len(self.original)
            return at, at
        return self.cleaned.original(start, end)

    def hidden(self, m: Mention) -> tuple[str, ...]:
        """The hidden characters and lookalike letters in or right after an original mention."""
        return tuple(self.cleaned.tricks_in(m.start, m.end)) if self.cleaned else ()


@dataclass
class _Analysis:
    """One parsed document's mentions, sentences and follow-up sentences, before classifying."""

    prepared: _Prepared
    mentions: list[Mention]
    sentences: list[tuple[int, int]]
    later: list[followup.FollowUp]
    #: The mentions the classifier reads (the others are labelled by rule, e.g. treaty names).
    classified: list[Mention] = field(default_factory=list)
    #: How much context the classifier reads (context.WINDOWS): as it was trained.
    window: str = "sentences"

    def inputs(self) -> list[str]:
        """The classifier inputs: one per classified mention, then one per follow-up sentence."""
        text = self.prepared.text
        paragraphs = context.paragraph_bounds(text) if self.window == "paragraph" else None
        own = [context.build_input(text, self.sentences, self.mentions, m, self.window,
                                   paragraphs) for m in self.classified]
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

        return load_classifier(self.settings.model_dir)

    @property
    def window(self) -> str:
        """The context window the classifier was trained with (its metadata; "sentences")."""
        if "classifier" in self.__dict__:
            meta = getattr(self.classifier, "meta", None) or {}
        else:  # the metadata alone: finding mentions must not load the inference engine
            from .classifier import read_meta

            meta = read_meta(self.settings.model_dir)
        return meta.get("window", "sentences")

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
        return self._run([self._prepare(document, options)], options, raise_errors=True)[0]

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
        text = self.validate(text)
        prepared = _Prepared(document, text, found, clean(text))
        self._limit_candidates(prepared)
        return prepared

    def _limit_candidates(self, prepared: _Prepared) -> None:
        """DocumentTooComplex before the full parse when the gazetteer's matches on the bare
        tokens alone pass the mention limit: a hostile text of 50,000 country names would
        otherwise cost a minute of parsing before `_analyse` refused it. A name takes at least
        three characters, so shorter texts cannot pass and are not counted."""
        limit = self.settings.max_mentions
        if len(prepared.text) <= 3 * limit:
            return
        count = self.finder.candidate_count(self.nlp.make_doc(prepared.text))
        if count > limit:
            raise DocumentTooComplex(
                f"{prepared.document.source}: {count:,} country names; the limit is {limit:,} "
                "mentions (set CDCHECK_MAX_MENTIONS to change it)")

    def _run(self, batch: list[_Prepared], options: CheckOptions, raise_errors: bool = False,
             deadline: float | None = None, advise: bool = True,
             memo: dict | None = None) -> list[DocumentReport]:
        """Reports of a batch, in order; a document over a budget gets its error (or raises)."""
        if deadline is None:
            deadline = time.monotonic() + self.settings.time_budget * len(batch)
        docs = parse(self.nlp, [p.text for p in batch])
        analyses: list[_Analysis | DocumentReport] = []
        for p, d in zip(batch, docs, strict=True):
            try:
                analyses.append(self._analyse(p, d))
            except CdcheckError as exc:
                if raise_errors:
                    raise
                analyses.append(DocumentReport(source=p.document.source, error=str(exc)))
        ready = [a for a in analyses if isinstance(a, _Analysis)]
        if options.mentions_only:
            done = iter([DocumentReport(source=a.prepared.document.source,
                                        text=a.prepared.original,
                                        mentions=[a.prepared.restore(m) for m in a.mentions])
                         for a in ready])
        else:
            try:
                done = iter(self._classify(ready, options, deadline, advise, memo))
            except CdcheckError as exc:  # the batch's one classifier pass ran over its budget
                if raise_errors:
                    raise
                done = iter([DocumentReport(source=a.prepared.document.source, error=str(exc))
                             for a in ready])
        return [next(done) if isinstance(a, _Analysis) else a for a in analyses]

    def _classify(self, analyses: list[_Analysis], options: CheckOptions,
                  deadline: float | None = None, advise: bool = True,
                  memo: dict | None = None) -> list[DocumentReport]:
        """Every analysed document's inputs in one classifier pass, then each one's report
        (with `advise`: evidence, and rewrites checked again; without: the verdict alone).
        `memo` (input -> probabilities) holds what was classified already and gains the rest."""
        memo = {} if memo is None else memo
        judged = [self._judge(a, options, p) for a, p in
                  zip(analyses, self._predict_each([a.inputs() for a in analyses], deadline,
                                                   memo), strict=True)]
        if not advise:
            return [self._report(a, options, j, {}) for a, j in zip(analyses, judged, strict=True)]
        variants = [self._variants(a, j) for a, j in zip(analyses, judged, strict=True)]
        scores = self._predict_each([[v.input for v in vs] for vs in variants], deadline,
                                    memo)
        evidence_of = [self._evidence(a, j, vs, sc)
                       for a, j, vs, sc in zip(analyses, judged, variants, scores, strict=True)]
        reports = [self._report(a, options, j, ev)
                   for a, j, ev in zip(analyses, judged, evidence_of, strict=True)]
        if self.settings.verify_rewrites:
            self._verify(analyses, options, judged, evidence_of, reports, deadline, memo)
        return reports

    def _verify(self, analyses: list[_Analysis], options: CheckOptions, judged, evidence_of,
                reports: list[DocumentReport], deadline: float | None, memo: dict) -> None:
        """Each flagged report's rewrites applied and the new text checked again (verdicts only,
        in one batch): a rewrite after which a mention is still flagged, or an allowed one is
        lost or relabelled, steps down to a safer one (`_rewrites`), three times at most. A
        rewrite the checker itself objects to is no advice; over the time budget the rewrites
        stand as they are. A window the rewrites left as it was is not classified again
        (`memo`). Replaces the reports in place."""
        levels: list[dict[int, int]] = [{} for _ in analyses]
        plain = CheckOptions(speaker_country=options.speaker_country)
        todo = [i for i, r in enumerate(reports)
                if any(f.counts and f.rewrite is not None for f in r.findings)
                and not _settled(r)]
        for _ in range(3):
            if not todo:
                return
            applied = [apply(reports[i].text, reports[i].findings) for i in todo]
            batch = []
            for i, (new_text, _) in zip(todo, applied, strict=True):
                try:
                    batch.append(self._prepare(Document(reports[i].source, new_text, "txt"),
                                               plain))
                except CdcheckError:  # nothing left to check: the rewrites removed it all
                    batch.append(None)
            done = iter(self._run([b for b in batch if b is not None], plain,
                                  deadline=deadline, advise=False, memo=memo))
            changed = []
            for i, (_, shifts), b in zip(todo, applied, batch, strict=True):
                again = next(done) if b is not None else None
                if again is None or again.error:  # over the budget: the rewrites stand
                    continue
                failing = failed_rewrites(reports[i].findings, again.findings, shifts)
                a = analyses[i]
                for m, f in zip(a.mentions, reports[i].findings, strict=True):
                    if f.rewrite is not None and (f.rewrite.start, f.rewrite.end) in failing:
                        levels[i][id(m)] = levels[i].get(id(m), 0) + 1
                if failing:
                    reports[i] = self._report(a, options, judged[i], evidence_of[i], levels[i])
                    changed.append(i)
            todo = changed

    def _predict_each(self, per_doc: list[list[str]], deadline,
                      memo: dict | None = None) -> list[list[dict[str, float]]]:
        """The classifier's probabilities for each document's inputs, in one pass over the
        distinct inputs that `memo` (input -> probabilities; filled here) does not hold."""
        memo = {} if memo is None else memo
        new = list(dict.fromkeys(x for xs in per_doc for x in xs if x not in memo))
        memo.update(zip(new, self._predict(new, deadline), strict=True))
        return [[memo[x] for x in xs] for xs in per_doc]

    def _judge(self, a: _Analysis, options: CheckOptions, probs) -> dict[int, Judgement]:
        """Each mention's judgement (by `id`): by rule, by the classifier, or carried from a
        later sentence that refers back to it."""
        speaker = options.speaker_country
        judgements = {id(m): by_rule(m, self.policy) for m in a.mentions}
        judgements.update({id(m): judge(m, p, self.policy, speaker)
                           for m, p in zip(a.classified, probs, strict=False)})
        for f, p in zip(a.later, probs[len(a.classified):], strict=True):
            # blame carried by a later sentence reaches the mentions before it
            for m in f.antecedents:
                judgements[id(m)] = carry(judgements[id(m)], m, p, f.reference, self.policy,
                                          speaker, later=f.sentence)
        return judgements

    def _variants(self, a: _Analysis, judgements) -> list[evidence.Occlusion]:
        """Occlusion variants of the flagged mentions' windows, within the document's budget
        (about as many as it has classifier inputs, so evidence costs at most half again)."""
        text = a.prepared.text
        paragraphs = context.paragraph_bounds(text) if a.window == "paragraph" else None
        budget = max(evidence.PER_MENTION, len(a.classified))
        siblings = _siblings(a, judgements)
        out: list[evidence.Occlusion] = []
        for m in a.classified:
            j = judgements[id(m)]
            if j.carried or not self.policy.rule(j.label).counts or j.label == "exempt":
                continue
            if id(m) in siblings:
                continue  # the sentence's first flagged mention speaks for it (`_evidence`)
            limit = min(evidence.PER_MENTION, budget - len(out))
            if limit <= 0:
                break
            out += evidence.occlusions(text, a.sentences, a.mentions, m, a.window, paragraphs,
                                       limit)
        return out

    def _evidence(self, a: _Analysis, judgements, variants, scores) -> dict[int, tuple]:
        """Per flagged mention (by `id`): (EvidenceSpan in the original text, whether it is a
        neighbouring sentence)."""
        out = {}
        siblings = _siblings(a, judgements)
        by_mention: dict[int, list] = {}
        for v, p in zip(variants, scores, strict=True):
            by_mention.setdefault(id(v.mention), []).append((v, p))
        for m in a.mentions:
            j = judgements[id(m)]
            if not self.policy.rule(j.label).counts or j.label == "exempt":
                continue
            sibling = siblings.get(id(m))
            if j.carried and j.later:
                span, weight, neighbour = j.later, 0.0, True
            elif sibling is not None and id(sibling) in out:  # same sentence, same label
                out[id(m)] = out[id(sibling)]
                continue
            else:
                pairs = by_mention.get(id(m), [])
                best, weight = evidence.strongest(j.label, j.explanation.scores,
                                                  [v for v, _ in pairs], [p for _, p in pairs])
                span = (best.start, best.end) if best else (m.sent_start, m.sent_end)
                neighbour = bool(best and best.neighbour)
            s, e = _strip(a.prepared.text, span)
            start, end = a.prepared.original_span(s, e)
            out[id(m)] = (EvidenceSpan(start, end, a.prepared.original[start:end], weight),
                          neighbour, (s, e))
        return out

    def _predict(self, inputs: list[str], deadline: float | None) -> list[dict[str, float]]:
        """The classifier's probabilities, in slices, within the time budget."""
        out: list[dict[str, float]] = []
        step = self.settings.batch_size * 8
        for k in range(0, len(inputs), step):
            if deadline is not None and time.monotonic() > deadline:
                raise OverTimeBudget(
                    f"checking took longer than the {self.settings.time_budget:.0f}-second "
                    "budget (set CDCHECK_TIME_BUDGET to change it)")
            out += self.classifier.predict(inputs[k:k + step], self.settings.batch_size)
        return out

    def _analyse(self, prepared: _Prepared, doc) -> _Analysis:
        mentions = self.finder(doc)
        if len(mentions) > self.settings.max_mentions:
            raise DocumentTooComplex(
                f"{prepared.document.source}: {len(mentions):,} country mentions; the limit is "
                f"{self.settings.max_mentions:,} (set CDCHECK_MAX_MENTIONS to change it)")
        sentences = [(s.start_char, s.end_char) for s in doc.sents]
        later = followup.follow_ups(doc.text, sentences, mentions)
        classified = [m for m in mentions if m.kind not in self.policy.by_kind]
        return _Analysis(prepared, mentions, sentences, later, classified, self.window)

    def _report(self, a: _Analysis, options: CheckOptions, judgements,
                evidence_of: dict[int, tuple],
                levels: dict[int, int] | None = None) -> DocumentReport:
        """The finished report of one analysed document, from its judgements and evidence."""
        speaker = options.speaker_country
        used: dict[int, int] = {}
        rewrites = self._rewrites(a, judgements, evidence_of, levels)
        findings = [self._finding(a, m, judgements[id(m)], used, rewrites.get(id(m)),
                                  evidence_of.get(id(m), (None,))[0])
                    for m in a.mentions]
        prepared = a.prepared
        return DocumentReport(
            source=prepared.document.source, text=prepared.original,
            mentions=[f.mention for f in findings], hints=self._hints(a, speaker),
            findings=findings, verdict=document_verdict(findings, self.policy),
            speaker_country=speaker,
            directives=[d.to_dict(used.get(id(d), 0)) for d in prepared.directives],
        )

    def _hints(self, a: _Analysis, speaker: str | None) -> list[str]:
        """Advice about the check: a statement that says it speaks for the country under review
        while no speaker country was given."""
        if speaker:
            return []
        said = _UNDER_REVIEW.search(a.prepared.text)
        if said is None:
            return []
        near = [m for m in a.mentions if m.country and abs(m.start - said.start()) < 300]
        who = f" ({near[0].in_sentence}: --speaker-country {near[0].country})" if near else ""
        return [f"The statement says it is spoken by the country under review{who}. If so, give "
                "its country (--speaker-country, or speaker_country in the API): its own "
                "mentions are then allowed."]

    def _rewrites(self, a: _Analysis, judgements: dict[int, Judgement],
                  evidence_of: dict[int, tuple],
                  levels: dict[int, int] | None = None) -> dict[int, Rewrite]:
        """The rewrite for each flagged mention (by `id`): its sentence with the flagged mentions
        of that sentence generalised, or the later sentence that carried the accusation; one
        Rewrite per sentence, shared by the findings in it; offsets in the original text.

        `levels` (by `id`, from `_verify`) steps a mention down to safer rewrites when the one
        before did not pass the check again. A follow-up's accusation: the later sentence
        generalised, then advice to remove it (the allowed words before it kept), then the
        mention's own sentence naming no country (the facts kept); any other sentence:
        generalised, then advice only."""
        text, words, levels = a.prepared.text, self.policy.suggest, levels or {}
        flagged = [m for m in a.mentions if self.policy.rule(judgements[id(m)].label).counts]
        # Another sentence carries the accusation when the evidence is a neighbouring sentence
        # that refers back to the country ("the ministry there"); a neighbour that names no one
        # only sharpens the mention's own sentence, which is the one rewritten.
        elsewhere = {id(m): evidence_of[id(m)][2] for m in flagged
                     if id(m) in evidence_of and evidence_of[id(m)][1]
                     and (judgements[id(m)].explanation.follow_up
                          or followup.reference(text[slice(*evidence_of[id(m)][2])]))}
        renamed = {i for i in elsewhere if levels.get(i, 0) >= 2}
        only = {id(m) for m in flagged if id(m) not in elsewhere or id(m) in renamed}
        made: dict[tuple[int, int], Rewrite] = {}
        out = {}
        for m in flagged:
            j, level = judgements[id(m)], levels.get(id(m), 0)
            away = id(m) in elsewhere and id(m) not in renamed
            s, e = elsewhere[id(m)] if away else _strip(text, (m.sent_start, m.sent_end))
            if (s, e) not in made:
                new, advice = None, ""
                if away:  # another sentence accuses: that one is rewritten, or removed
                    reference = j.explanation.follow_up or followup.reference(text[s:e])
                    new = rewrite_reference(text[s:e], reference, words) if level == 0 else None
                    advice = "" if new else self.policy.accuses_elsewhere.format(
                        country=m.in_sentence)
                elif level >= 1 and id(m) not in renamed:
                    advice = self.policy.no_rewrite_holds.format(country=m.in_sentence)
                else:
                    labels = {i: j.label for i, j in judgements.items()}
                    new, advice = self._sentence_rewrite(a, s, e, only, labels)
                    if new and id(m) in renamed:
                        advice = self.policy.name_no_country.format(country=m.in_sentence)
                start, end = a.prepared.original_span(s, e)
                made[(s, e)] = Rewrite(start, end, new, advice)
            out[id(m)] = made[(s, e)]
        return out

    def _sentence_rewrite(self, a: _Analysis, s: int, e: int, only: set[int],
                          labels: dict[int, str]) -> tuple[str | None, str]:
        """(rewrite, advice) of text[s:e], generalising the mentions in `only`; no rewrite when
        the same country is named there in words the rule allows."""
        inside = context.mentions_between(a.mentions, s, e)
        targets = {m.key: m for m in inside if id(m) in only}
        for m in inside:  # the speaker's own work with this very country, in this sentence
            if id(m) not in only and m.key in targets and labels.get(id(m)) == "work":
                country = targets[m.key].in_sentence
                return None, self.policy.no_safe_rewrite.format(country=country)
        return rewrite(a.prepared.text[s:e], s, a.mentions, self.policy.suggest, only), ""

    def _finding(self, a: _Analysis, m: Mention, j: Judgement, used: dict[int, int],
                 suggestion: Rewrite | None = None,
                 evidence_span: EvidenceSpan | None = None) -> Finding:
        """The complete finding of one mention: rewrite, location and acceptance included, all
        in the original text's offsets."""
        prepared = a.prepared
        shown = prepared.restore(m)
        accepted = None
        if self.policy.rule(j.label).counts:
            d = directives_mod.covering(prepared.directives, shown.key, shown.start)
            if d is not None:
                used[id(d)] = used.get(id(d), 0) + 1
                accepted = d.acceptance()
        sentence = prepared.original[shown.sent_start:shown.sent_end].strip()
        return make_finding(shown, j, sentence, self.policy, suggestion=suggestion,
                            location=prepared.document.locate(shown.start), accepted=accepted,
                            hidden=prepared.hidden(shown), evidence=evidence_span)


#: A statement saying it is spoken by the country under review.
_UNDER_REVIEW = re.compile(r"\b(?:as|being|we are)\s+(?:the\s+)?(?:country|state|state party)\s+"
                           r"(?:currently\s+)?under\s+review\b", re.IGNORECASE)


def _settled(report: DocumentReport) -> bool:
    """Whether the report's rewrites need no second check: every mention is flagged and
    generalised away by the rewrite of its own sentence, so the rewritten text names no
    country, and a statement that names none is `ok` (ANNOTATION.md)."""
    return all(f.flagged and f.counts and f.rewrite is not None and f.rewrite.text is not None
               and f.rewrite.start <= f.mention.start < f.rewrite.end
               and f.mention.text not in f.rewrite.text for f in report.findings)


def _siblings(a: _Analysis, judgements) -> dict[int, Mention]:
    """For each classified mention (by `id`) that has one, the first mention before it in its
    sentence that the classifier flagged with the same label: the words that decided that one
    decided it too ("Brazil and Argentina have failed"), so one set of occlusion variants
    serves both. One pass over the mentions."""
    first: dict[tuple[int, str], Mention] = {}
    out = {}
    for m in a.classified:
        j = judgements[id(m)]
        key = (m.sent_start, j.label)
        if key in first:
            out[id(m)] = first[key]
        elif not j.carried:  # a carried label was decided by another sentence's words
            first[key] = m
    return out


def _strip(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """`span` without the whitespace at its ends."""
    s, e = span
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e
