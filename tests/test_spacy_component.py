"""The spaCy component (spacy_component.py): nlp.add_pipe("cdcheck") on the same core."""

from __future__ import annotations

import pytest
import spacy

import cdcheck.spacy_component  # noqa: F401  (registers the "cdcheck" factory)
from cdcheck.errors import BadOption
from cdcheck.schema import VERDICTS, Finding
from cdcheck.settings import Settings

TEXT = ("Thank you, Chair. Country X has not addressed this issue, which has resulted in several "
        "incidences in the last years. Our organization trains judges in Ghana.")


@pytest.fixture(scope="module")
def full_nlp(checker):  # the checker fixture loads the classifier once for everyone
    nlp = spacy.load(Settings().spacy_model)
    nlp.add_pipe("cdcheck")
    return nlp


@pytest.fixture(scope="module")
def blank_nlp(checker):
    nlp = spacy.blank("en")
    nlp.add_pipe("cdcheck")
    return nlp


def _summary(findings):
    return [(f.mention.start, f.mention.end, f.mention.country, f.label) for f in findings]


@pytest.mark.parametrize("which", ["full_nlp", "blank_nlp"])
def test_findings_and_verdict_land_on_the_doc(request, checker, which):
    nlp = request.getfixturevalue(which)
    assert nlp.pipe_names[-1] == "cdcheck"
    doc = nlp(TEXT)
    assert doc.text == TEXT
    assert all(isinstance(f, Finding) for f in doc._.cd_findings)
    assert doc._.cd_verdict in VERDICTS
    assert [m.text for m in doc._.cd_mentions] == ["Country X", "Ghana"]
    for f in doc._.cd_findings:
        assert doc.text[f.mention.start:f.mention.end] == f.mention.text
    # the same core: the component agrees with Checker.check on the same text
    report = checker.check(TEXT)
    assert _summary(doc._.cd_findings) == _summary(report.findings)
    assert doc._.cd_verdict == report.verdict


def test_a_blank_pipeline_is_parsed_with_cdchecks_own(blank_nlp):
    doc = blank_nlp("Victims are detained in Country X. Our programme trains judges in Ghana.")
    assert not doc.has_annotation("ENT_IOB")  # the user's Doc is left as it was
    assert [m.text for m in doc._.cd_mentions] == ["Country X", "Ghana"]


def test_an_empty_doc_is_ok(full_nlp, blank_nlp):
    for nlp in (full_nlp, blank_nlp):
        doc = nlp("   ")
        assert (doc._.cd_findings, doc._.cd_mentions, doc._.cd_verdict) == ([], [], "ok")


def test_a_doc_without_mentions_is_ok(full_nlp):
    doc = full_nlp("Governments must protect victims.")
    assert (doc._.cd_findings, doc._.cd_verdict) == ([], "ok")


def test_pipe_processes_a_stream(full_nlp):
    docs = list(full_nlp.pipe(["Ghana ratified the Protocol.", "No country here."]))
    assert [len(d._.cd_mentions) for d in docs] == [1, 0]
    assert docs[1]._.cd_verdict == "ok"


def test_speaker_country_from_the_config(checker):
    nlp = spacy.blank("en")
    nlp.add_pipe("cdcheck", config={"speaker_country": "NO"})
    text = ("Norway has not addressed this issue, which has resulted in several incidences in the "
            "last years. The authorities of Norway detain victims and prosecute them as criminals.")
    doc = nlp(text)
    assert {f.label for f in doc._.cd_findings} == {"exempt"}
    assert doc._.cd_verdict == "ok"
    assert {f.label for f in checker.check(text).findings} <= {"blame", "situation"}


def test_unknown_speaker_country_fails_when_the_pipe_is_added(checker):
    nlp = spacy.blank("en")
    with pytest.raises(BadOption):
        nlp.add_pipe("cdcheck", config={"speaker_country": "Qwertyland"})


def test_the_extensions_default_to_none_on_other_docs(checker):
    doc = spacy.blank("en")("Ghana")
    assert (doc._.cd_findings, doc._.cd_verdict, doc._.cd_mentions) == (None, None, None)
