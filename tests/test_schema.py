"""Value objects (schema.py): validation and the to_dict() contracts every output starts from."""

from __future__ import annotations

import json

import pytest

from cdcheck.schema import (
    KINDS,
    LABELS,
    VERDICTS,
    Acceptance,
    DocumentReport,
    Explanation,
    Finding,
    Location,
    Mention,
    worst_verdict,
)

MENTION_KEYS = {"start", "end", "text", "country", "country_name", "kind", "in_org"}
FINDING_KEYS = MENTION_KEYS | {"label", "severity", "confidence", "sentence", "message",
                               "suggestion", "explanation"}


def _mention(**kw):
    base = dict(start=4, end=9, text="Ghana", country="GHA", country_name="Ghana", kind="name")
    base.update(kw)
    return Mention(**base)


def _finding(**kw):
    base = dict(mention=_mention(), label="blame", severity="error", confidence=0.9,
                sentence="In Ghana police fail.", message="Names and shames Ghana.")
    base.update(kw)
    return Finding(**base)


def test_mention_to_dict_is_the_contract():
    d = _mention().to_dict()
    assert set(d) == MENTION_KEYS
    assert d == {"start": 4, "end": 9, "text": "Ghana", "country": "GHA", "country_name": "Ghana",
                 "kind": "name", "in_org": False}
    assert _mention(org="Ghana Police Service").to_dict()["in_org"] is True


def test_placeholder_mention_has_null_country_and_key_x():
    m = _mention(text="Country X", end=13, country=None, country_name="Country X", kind="placeholder")
    assert m.to_dict()["country"] is None and m.key == "X"
    assert _mention().key == "GHA"


@pytest.mark.parametrize("kw", [
    {"kind": "planet"}, {"start": -1}, {"start": 9, "end": 9}, {"start": 10, "end": 9},
])
def test_mention_validates_itself(kw):
    with pytest.raises(ValueError):
        _mention(**kw)


def test_every_kind_is_accepted():
    for kind in KINDS:
        assert _mention(kind=kind).kind == kind


def test_finding_to_dict_extends_the_mention_contract():
    d = _finding(suggestion="In some countries police fail.",
                 explanation=Explanation({"blame": 0.9}, "x")).to_dict()
    assert set(d) == FINDING_KEYS
    assert d["label"] == "blame" and d["severity"] == "error" and d["confidence"] == 0.9
    assert d["suggestion"] == "In some countries police fail."
    assert _finding().to_dict()["suggestion"] is None
    json.dumps(d)  # JSON-ready


def test_finding_rounds_confidence_and_adds_location_and_acceptance_only_when_set():
    f = _finding(confidence=0.123456789)
    assert f.to_dict()["confidence"] == 0.1235
    assert "location" not in f.to_dict() and "accepted" not in f.to_dict()
    d = _finding(location=Location(line=3, column=7),
                 accepted=Acceptance("the Secretariat agreed")).to_dict()
    assert d["location"] == {"line": 3, "column": 7}
    assert d["accepted"] == "the Secretariat agreed"


@pytest.mark.parametrize("kw", [{"label": "shame"}, {"confidence": 1.5}, {"confidence": -0.1},
                                {"severity": "fatal"}])
def test_finding_validates_itself(kw):
    with pytest.raises(ValueError):
        _finding(**kw)


def test_every_label_is_accepted():
    for label in LABELS:
        assert _finding(label=label).label == label


def test_accepted_findings_do_not_count():
    assert _finding().counts
    assert not _finding(accepted=Acceptance("reviewed")).counts


def test_location_to_dict_leaves_out_what_is_unknown():
    assert Location().to_dict() == {}
    assert Location(page=2, part="footnote").to_dict() == {"page": 2, "part": "footnote"}


def test_report_of_a_check():
    r = DocumentReport(source="a.txt", text="In Ghana police fail.", mentions=[_mention()],
                       findings=[_finding()], verdict="violation", speaker_country="NOR")
    d = r.to_dict()
    assert list(d)[:3] == ["source", "verdict", "findings"]
    assert d["verdict"] == "violation" and d["speaker_country"] == "NOR"
    assert set(d["findings"][0]) == FINDING_KEYS
    assert "mentions" not in d and "text" not in d  # the statement's text is never echoed
    assert r.ok


def test_report_of_mentions_only():
    d = DocumentReport(source="<stdin>", text="In Ghana.", mentions=[_mention()]).to_dict()
    assert d == {"source": "<stdin>", "mentions": [_mention().to_dict()]}


def test_report_of_an_error_is_source_and_error_only():
    r = DocumentReport(source="bad.pdf", error="bad.pdf: cannot be read")
    assert r.to_dict() == {"source": "bad.pdf", "error": "bad.pdf: cannot be read"}
    assert not r.ok


def test_worst_verdict():
    assert worst_verdict([]) == "ok"
    assert worst_verdict(["ok", "review"]) == "review"
    assert worst_verdict(["review", "violation", "ok"]) == "violation"
    assert worst_verdict(iter(["ok"])) == "ok"
    assert VERDICTS == ("ok", "review", "violation")


def test_explanation_to_dict_names_what_decided():
    e = Explanation({"blame": 0.123456, "work": 0.5}, "P(blame) ...", exempt_from="blame")
    assert e.to_dict() == {"model": {"blame": 0.1235, "work": 0.5}, "decision": "P(blame) ...",
                           "exempt_from": "blame"}
    e = Explanation({"blame": 0.9}, "later", follow_up="its courts", own_scores={"work": 0.8})
    assert list(e.to_dict()) == ["model", "decision", "own_sentence", "follow_up"]
    d = _finding(explanation=e, accepted=Acceptance("ok", line=4)).to_dict()["explanation"]
    assert d["accepted_by"] == "directive on line 4" and list(d)[-1] == "accepted_by"
    assert Acceptance("ok", None, "cdcheck.toml").describe() == "allow entry in cdcheck.toml"


@pytest.mark.parametrize("accepted", [None, Acceptance("ok", line=3),
                                      Acceptance("ok", None, "the configuration file")])
def test_reports_round_trip_through_their_dicts(accepted):
    f = _finding(explanation=Explanation({"blame": 0.9}, "d", follow_up="its courts",
                                         own_scores={"work": 0.7}),
                 location=Location(page=2, line=1, column=4), suggestion="Some countries.",
                 accepted=accepted)
    r = DocumentReport(source="a.txt", findings=[f], mentions=[f.mention], verdict="violation",
                       speaker_country="NOR", directives=[{"countries": ["GRC"]}])
    back = DocumentReport.from_dict(r.to_dict())
    assert back.to_dict() == r.to_dict()
    assert back.findings[0].accepted == accepted
    for d in ({"source": "x", "error": "x: broken"}, {"source": "y", "mentions": [
            _mention().to_dict()]}):
        assert DocumentReport.from_dict(d).to_dict() == d
