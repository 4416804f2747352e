"""The core (checker.py): one statement or many, errors, the speaker's exemption."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import docbuild
import pytest

from cdcheck.checker import Checker, CheckOptions
from cdcheck.documents import Document, load_bytes
from cdcheck.errors import BadOption, DocumentTooComplex, DocumentTooLarge, EmptyDocument, OverTimeBudget
from cdcheck.schema import VERDICTS

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# Flagrant accusations (the Guide's not-allowed pattern): any sane model flags them.
ACCUSATION = ("{C} has not addressed this issue, which has resulted in several incidences in the "
              "last years. The authorities of {C} routinely detain victims of trafficking and "
              "prosecute them as criminals.")


def _texts():
    texts = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(FIXTURES.glob("*"))
             if p.suffix in (".txt", ".md")]
    texts += [
        ("short", "Our programme trains judges in Ghana."),
        ("none", "Governments everywhere must do more for victims."),
        ("many", "Victims from Nigeria, Ghana and Togo were found in Italy, Spain and Malta. "
                 "Country X has not acted."),
    ]
    return texts


def test_check_gives_a_report_with_a_finding_per_mention(checker):
    text = "Our organization trains judges in Ghana. Country X has not addressed this issue."
    r = checker.check(text, source="s.txt")
    assert r.source == "s.txt" and r.ok and r.text == text
    assert [f.mention.text for f in r.findings] == ["Ghana", "Country X"]
    assert [m.text for m in r.mentions] == ["Ghana", "Country X"]
    assert r.verdict in VERDICTS
    for f in r.findings:
        assert text[f.mention.start:f.mention.end] == f.mention.text
        assert 0.0 <= f.confidence <= 1.0
        assert f.message and f.sentence in text
        assert set(f.explanation.scores) == set(checker.classifier.classes)
        assert (f.suggestion is not None) == f.flagged


def _documents(items):
    return [Document(source, text) for source, text in items]


def test_verdict_is_the_worst_finding(checker):
    for r in checker.check_documents(_documents(_texts())):
        worst = max((checker.policy.rule(f.label).verdict for f in r.findings),
                    key=VERDICTS.index, default="ok")
        assert r.verdict == worst


def test_no_mention_is_ok_however_critical(checker):
    r = checker.check("Governments fail victims, violate their rights and protect traffickers.")
    assert (r.mentions, r.findings, r.verdict) == ([], [], "ok")


def test_check_documents_gives_the_same_as_one_by_one(checker):
    items = _texts()
    single = [checker.check(t, s) for s, t in items]
    for batch in (1, 4):
        many = list(checker.check_documents(_documents(items), batch_docs=batch))
        assert [r.source for r in many] == [s for s, _ in items]
        for a, b in zip(single, many, strict=True):
            assert a.verdict == b.verdict
            assert [(f.mention.start, f.mention.end, f.label) for f in a.findings] == \
                [(f.mention.start, f.mention.end, f.label) for f in b.findings]
            for fa, fb in zip(a.findings, b.findings, strict=True):
                assert fa.confidence == pytest.approx(fb.confidence, abs=1e-4)


def test_check_documents_is_lazy_and_keeps_order(checker):
    gen = checker.check_documents(_documents([("a", "Ghana ratified."), ("b", "Peru ratified.")]),
                                  batch_docs=1)
    assert next(gen).source == "a"
    assert next(gen).source == "b"
    with pytest.raises(StopIteration):
        next(gen)


@pytest.mark.parametrize("text", ["", "   ", "\n\t\n"])
def test_empty_text_is_refused(checker, text):
    with pytest.raises(EmptyDocument):
        checker.check(text)
    with pytest.raises(EmptyDocument):
        checker.find_mentions(text)


def test_too_large_text_is_refused(checker):
    small = Checker(replace(checker.settings, max_chars=50))
    with pytest.raises(DocumentTooLarge, match="50"):
        small.check("Ghana. " * 20)
    a, b = small.check_documents(_documents([("a", "ok"), ("b", "x" * 51)]))
    assert a.ok and not b.ok and "50" in b.error  # one document's error never stops the others
    assert small.find_mentions("Ghana ratified.").mentions[0].country == "GHA"


@pytest.mark.parametrize("bad", ["QQ", "Atlantisland", "XYZW"])
def test_unknown_speaker_country_is_a_bad_option(checker, bad):
    with pytest.raises(BadOption):
        checker.check("Ghana ratified.", speaker_country=bad)


@pytest.mark.parametrize("speaker", ["NO", "NOR", "Norway", "norway"])
def test_speaker_country_is_resolved_from_any_form(checker, speaker):
    assert checker.resolve_country(speaker) == "NOR"


def test_no_speaker_is_none(checker):
    assert checker.resolve_country(None) is None and checker.resolve_country("  ") is None


def test_the_speakers_own_mentions_are_exempt(checker):
    text = ACCUSATION.format(C="Norway")
    plain = checker.check(text)
    assert {f.label for f in plain.findings} <= {"blame", "situation"}
    assert plain.verdict in ("violation", "review")
    own = checker.check(text, speaker_country="NO")
    assert [f.label for f in own.findings] == ["exempt"] * len(plain.findings)
    assert own.verdict == "ok"
    assert own.to_dict()["speaker_country"] == "NOR"
    assert all(f.suggestion is None for f in own.findings)


def test_the_speaker_exempts_only_its_own_country(checker):
    text = ACCUSATION.format(C="Norway") + " " + ACCUSATION.format(C="Ghana")
    r = checker.check(text, speaker_country="GHA")
    labels = {f.mention.country: set() for f in r.findings}
    for f in r.findings:
        labels[f.mention.country].add(f.label)
    assert labels["GHA"] == {"exempt"}
    assert labels["NOR"] <= {"blame", "situation"}
    assert r.verdict in ("violation", "review")


def test_find_mentions_does_not_classify(checker):
    r = checker.find_mentions("Ghana ratified.", source="m.txt")
    assert r.findings is None and r.verdict is None
    assert r.to_dict() == {"source": "m.txt", "mentions": [m.to_dict() for m in r.mentions]}


def test_check_docs_on_already_parsed_docs(checker):
    text = ACCUSATION.format(C="Country X")
    (a,), b = checker.check_docs([checker.nlp(text)]), checker.check(text)
    assert [(f.mention.start, f.label) for f in a.findings] == \
        [(f.mention.start, f.label) for f in b.findings]


def test_project_aliases_are_found(checker):
    custom = Checker(checker.settings, aliases={"Ruritania": "NOR"})
    (m,) = custom.find_mentions("Ruritania ratified.").mentions
    assert (m.country, m.kind) == ("NOR", "alias")
    assert checker.find_mentions("Ruritania ratified.").mentions == []


def test_check_document_for_a_document_already_read(checker):
    doc = load_bytes(("<!-- cdcheck: allow X \"quoted from the Guide\" -->\n"
                      + docbuild.GUIDE_NOT_ALLOWED_1 + "\n").encode(), "upload.md", ".md")
    report = checker.check_document(doc)
    flagged = [f for f in report.findings if f.flagged]
    assert flagged and all(f.accepted.reason == "quoted from the Guide" for f in flagged)
    assert report.verdict == "ok"
    assert all(f.location.line == 2 for f in report.findings)


def test_too_many_mentions_are_refused_before_the_full_parse(checker):
    """A text of country names only is refused on its tokens, before spaCy's full pipeline."""

    class NoParse:
        def __init__(self, nlp):
            self.make_doc = nlp.make_doc

        def pipe(self, texts):
            raise AssertionError("the full pipeline ran")

    small = Checker(replace(checker.settings, max_mentions=20), nlp=NoParse(checker.nlp))
    with pytest.raises(DocumentTooComplex, match="61 country names; the limit is 20"):
        small.check("Chad. Peru. Mali. " * 20 + "Ghana.")
    fine = Checker(replace(checker.settings, max_mentions=20), nlp=checker.nlp)
    text = "Our programme trains judges in Ghana and in Peru. " * 2 + "Thank you. " * 10
    assert len(text) > 3 * 20 and len(fine.check(text).findings) == 4  # counted, not refused
    report, = small.check_documents(_documents([("many", "Chad. " * 30)]))
    assert "30 country names" in report.error  # a batch reports it as the document's error


def test_a_check_over_its_time_budget_stops_with_its_error(checker):
    hasty = Checker(replace(checker.settings, time_budget=0.0), nlp=checker.nlp,
                    classifier=checker.classifier)
    with pytest.raises(OverTimeBudget, match="0-second budget"):
        hasty.check("Ghana has failed its victims.")
    late, = hasty.check_documents(_documents([("late", "Ghana has failed its victims.")]))
    assert "budget" in late.error  # in a batch: that document's error
    assert hasty.find_mentions("Ghana has failed.").mentions  # finding mentions needs no budget


def test_collaborators_can_be_given():
    class Fixed:
        classes = ("blame", "situation", "work", "neutral")

        def predict(self, inputs, batch_size=32):
            return [{"blame": 0.0, "situation": 0.0, "work": 0.9, "neutral": 0.1}] * len(inputs)

    checker = Checker(classifier=Fixed())
    r = checker.check("Country X has not addressed this issue.")
    assert [f.label for f in r.findings] == ["work"] and r.verdict == "ok"


def test_options_resolve_the_speaker_once(checker):
    assert checker.options("NO") == CheckOptions(speaker_country="NOR")
    with pytest.raises(BadOption):
        checker.options("Qwertyland")


def test_any_text_is_checked_or_refused_with_a_documented_error(checker):
    """Fuzzing the whole road (surrogates, controls, hidden characters, directives, names):
    a report or a CdcheckError, never another exception. bench/fuzz_check.py runs 10,000."""
    from hypothesis import HealthCheck, given, settings

    from cdcheck.errors import CdcheckError

    @settings(max_examples=150, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(docbuild.statement_texts())
    def holds(text):
        try:
            report = checker.check(text)
        except CdcheckError:
            return
        assert report.verdict in VERDICTS
        for f in report.findings:
            assert 0 <= f.mention.start < f.mention.end <= len(text)

    holds()
