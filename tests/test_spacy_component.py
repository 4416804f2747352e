"""The spaCy component (spacy_component.py): nlp.add_pipe("cdcheck") on the same core."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import DocBin

from cdcheck.errors import BadOption
from cdcheck.schema import VERDICTS, Finding
from cdcheck.settings import Settings
from cdcheck.spacy_component import SPANS_KEY, findings

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
    assert all(isinstance(f, Finding) for f in findings(doc))
    assert doc._.cd_verdict in VERDICTS
    assert [s.text for s in doc.spans[SPANS_KEY]] == ["Country X", "Ghana"]
    assert [s.label_ for s in doc.spans[SPANS_KEY]] == [f.label for f in findings(doc)]
    assert [s.kb_id_ for s in doc.spans[SPANS_KEY]] == ["X", "GHA"]
    for f in findings(doc):
        assert doc.text[f.mention.start:f.mention.end] == f.mention.text
    # the same core: the component agrees with Checker.check on the same text
    report = checker.check(TEXT)
    assert _summary(findings(doc)) == _summary(report.findings)
    assert doc._.cd_verdict == report.verdict


def test_a_blank_pipeline_is_parsed_with_cdchecks_own(blank_nlp):
    doc = blank_nlp("Victims are detained in Country X. Our programme trains judges in Ghana.")
    assert not doc.has_annotation("ENT_IOB")  # the user's Doc is left as it was
    assert [f.mention.text for f in findings(doc)] == ["Country X", "Ghana"]
    # Spans follow the Doc's own tokens ("X." is one token of a blank pipeline): each covers
    # its mention, and the finding keeps the exact offsets.
    for span, f in zip(doc.spans[SPANS_KEY], findings(doc), strict=True):
        assert span.start_char <= f.mention.start < f.mention.end <= span.end_char


def test_an_empty_doc_is_ok(full_nlp, blank_nlp):
    for nlp in (full_nlp, blank_nlp):
        doc = nlp("   ")
        assert (doc._.cd_findings, list(doc.spans[SPANS_KEY]), doc._.cd_verdict) == ([], [], "ok")


def test_a_doc_without_mentions_is_ok(full_nlp):
    doc = full_nlp("Governments must protect victims.")
    assert (doc._.cd_findings, doc._.cd_verdict) == ([], "ok")


def test_pipe_processes_a_stream(full_nlp):
    docs = list(full_nlp.pipe(["Ghana ratified the Protocol.", "No country here.", " "],
                              batch_size=2))
    assert [len(d.spans[SPANS_KEY]) for d in docs] == [1, 0, 0]
    assert docs[1]._.cd_verdict == "ok" and docs[2]._.cd_verdict == "ok"


def test_pipe_batches_the_classifier(full_nlp, checker, monkeypatch):
    calls = []
    predict = checker.classifier.predict
    component = full_nlp.get_pipe("cdcheck")
    monkeypatch.setattr(component.checker.classifier, "predict",
                        lambda xs, bs=32: calls.append(len(xs)) or predict(xs, bs))
    from dataclasses import replace

    settings = component.checker.settings
    monkeypatch.setattr(component.checker, "settings", replace(settings, verify_rewrites=False))
    list(full_nlp.pipe(["Ghana ratified.", "Peru signed it.", "Chile acceded to it."],
                       batch_size=8))
    # One classifier pass for the batch's mentions (and at most one more for the words that
    # decided each finding), not one per Doc; inputs alike once masked are read once.
    assert calls[0] == 3 and len(calls) <= 2
    # Checking the rewrites again is batched too: as many passes for six Docs as for three.
    monkeypatch.setattr(component.checker, "settings", replace(settings, verify_rewrites=True))
    passes = []
    for texts in (["Ghana fails.", "Peru fails.", "Chile fails."],
                  ["Ghana fails.", "Peru fails.", "Chile fails.", "Mali fails.", "Togo fails.",
                   "Iran fails."]):
        calls.clear()
        list(full_nlp.pipe(texts, batch_size=8))
        passes.append(len(calls))
    assert passes[0] == passes[1]


def test_a_checked_doc_round_trips_through_docbin(full_nlp):
    doc = full_nlp(TEXT)
    store = DocBin(store_user_data=True)
    store.add(doc)
    (back,) = DocBin(store_user_data=True).from_bytes(store.to_bytes()).get_docs(full_nlp.vocab)
    assert back._.cd_verdict == doc._.cd_verdict
    assert [dict(f) for f in back._.cd_findings] == doc._.cd_findings
    assert [f.to_dict() for f in findings(back)] == doc._.cd_findings
    assert [(s.text, s.label_) for s in back.spans[SPANS_KEY]] == \
        [(s.text, s.label_) for s in doc.spans[SPANS_KEY]]


@pytest.mark.slow
def test_pipe_with_two_processes(full_nlp):
    texts = [TEXT, "Our programme trains judges in Ghana.", "No country here."]
    one = [(d._.cd_verdict, [s.label_ for s in d.spans[SPANS_KEY]]) for d in full_nlp.pipe(texts)]
    two = [(d._.cd_verdict, [s.label_ for s in d.spans[SPANS_KEY]])
           for d in full_nlp.pipe(texts, n_process=2, batch_size=1)]
    assert two == one


def test_analyze_pipes_sees_what_the_component_writes(full_nlp):
    analysis = full_nlp.analyze_pipes()
    assert "doc._.cd_verdict" in analysis["summary"]["cdcheck"]["assigns"]


def test_speaker_country_from_the_config(checker):
    nlp = spacy.blank("en")
    nlp.add_pipe("cdcheck", config={"speaker_country": "NO"})
    text = ("Norway has not addressed this issue, which has resulted in several incidences in the "
            "last years. The authorities of Norway detain victims and prosecute them as criminals.")
    doc = nlp(text)
    assert {f.label for f in findings(doc)} == {"exempt"}
    assert doc._.cd_verdict == "ok"
    assert {f.label for f in checker.check(text).findings} <= {"blame", "situation"}


def test_unknown_speaker_country_fails_when_the_pipe_is_added(checker):
    nlp = spacy.blank("en")
    with pytest.raises(BadOption):
        nlp.add_pipe("cdcheck", config={"speaker_country": "Qwertyland"})


def test_the_extensions_default_to_none_on_other_docs(checker):
    doc = spacy.blank("en")("Ghana")
    assert (doc._.cd_findings, doc._.cd_verdict) == (None, None)
    assert SPANS_KEY not in doc.spans
