"""From probabilities to findings and a verdict (verdict.py), as rules/labels.toml says."""

from __future__ import annotations

from dataclasses import replace

import pytest

from cdcheck.policy import load_label_policy
from cdcheck.schema import Acceptance, EvidenceSpan, Location, Mention, Rewrite
from cdcheck.settings import Settings
from cdcheck.verdict import carry, decide_label, document_verdict, judge, make_finding

POLICY = load_label_policy(Settings().rules_dir)
B, S = POLICY.blame_min, POLICY.situation_min
NORWAY = Mention(0, 6, "Norway", "NOR", "Norway", "name")
GHANA = Mention(10, 15, "Ghana", "GHA", "Ghana", "name")


def probs(blame=0.0, situation=0.0, work=0.0, neutral=0.0):
    return {"blame": blame, "situation": situation, "work": work, "neutral": neutral}


def test_blame_at_its_threshold():
    assert decide_label(probs(blame=B, work=1 - B), POLICY)[0] == "blame"
    below = B - 0.01
    label = decide_label(probs(blame=below, work=1 - below), POLICY)[0]
    assert label != "blame"


def test_situation_at_its_threshold():
    assert decide_label(probs(situation=S, neutral=1 - S), POLICY)[0] == "situation"
    below = S - 0.01
    assert decide_label(probs(situation=below, neutral=1 - below), POLICY)[0] != "situation"


def test_blame_wins_over_situation_when_both_pass():
    assert decide_label(probs(blame=B, situation=S), replace(POLICY, blame_min=0.4,
                                                             situation_min=0.4))[0] == "blame"


def test_thresholds_are_read_from_the_policy_not_fixed():
    p = probs(blame=0.45, work=0.35, neutral=0.2)
    assert decide_label(p, replace(POLICY, blame_min=0.4))[0] == "blame"
    assert decide_label(p, replace(POLICY, blame_min=0.5))[0] == "work"


def test_below_the_thresholds_the_better_allowed_label_wins():
    label, conf, why = decide_label(probs(blame=0.25, situation=0.2, work=0.15, neutral=0.4),
                                    replace(POLICY, blame_min=0.5, situation_min=0.5))
    assert (label, conf) == ("neutral", 0.4) and why


@pytest.mark.parametrize("b,s,expected", [(0.49, 0.47, "blame"), (0.3, 0.45, "situation"),
                                          (0.2, 0.2, "neutral")])
def test_flagged_mass_below_both_thresholds(b, s, expected):
    p = probs(blame=b, situation=s, work=0.0, neutral=1 - b - s)
    label, _, why = decide_label(p, replace(POLICY, blame_min=0.5, situation_min=0.5,
                                            flagged_min=0.5))
    assert label == expected and why


def test_confidence_is_the_chosen_labels_probability():
    label, conf, _ = decide_label(probs(work=0.7, neutral=0.3), POLICY)
    assert (label, conf) == ("work", 0.7)


def _finding(mention, p, sentence="s", speaker=None, **kw):
    return make_finding(mention, judge(mention, p, POLICY, speaker), sentence, POLICY, **kw)


def test_finding_has_severity_and_message_of_its_label():
    f = _finding(GHANA, probs(blame=0.95, work=0.05), "Ghana fails.")
    assert (f.label, f.severity) == ("blame", "error")
    assert f.message == POLICY.rule("blame").message.format(country="Ghana", text="Ghana")
    assert f.explanation.to_dict()["model"]["blame"] == 0.95 and f.explanation.decision
    assert f.sentence == "Ghana fails." and f.suggestion is None


def test_a_finding_is_built_complete():
    where, ok = Location(line=2, column=3), Acceptance("reviewed", 1)
    fix = Rewrite(10, 22, "Some countries fail.")
    f = _finding(GHANA, probs(blame=0.9), suggestion=fix, location=where, accepted=ok,
                 evidence=EvidenceSpan(16, 22, "fails.", 0.4))
    assert (f.suggestion, f.rewrite, f.location, f.accepted) == ("Some countries fail.", fix,
                                                                 where, ok)
    assert f.message.startswith('"fails." portrays Ghana negatively.')
    assert POLICY.rule("blame").message.split(":")[0] not in f.message  # said once, not twice
    assert f.to_dict()["evidence"] == {"start": 16, "end": 22, "text": "fails.", "weight": 0.4}
    assert f.to_dict()["rewrite"] == {"start": 10, "end": 22, "text": "Some countries fail."}
    assert f.to_dict()["explanation"]["accepted_by"] == "directive on line 1" and not f.counts


@pytest.mark.parametrize("label", ["blame", "situation"])
def test_the_speakers_own_country_is_exempt_from_blame_and_situation(label):
    f = _finding(NORWAY, probs(**{label: 0.9, "work": 0.1}), speaker="NOR")
    assert (f.label, f.severity) == ("exempt", POLICY.rule("exempt").severity)
    assert f.explanation.exempt_from == label


@pytest.mark.parametrize("label", ["work", "neutral"])
def test_allowed_labels_of_the_speakers_country_stay_as_they_are(label):
    f = _finding(NORWAY, probs(**{label: 0.9, "blame": 0.1}), speaker="NOR")
    assert f.label == label and "exempt_from" not in f.explanation.to_dict()


def test_other_countries_are_not_exempt_when_a_speaker_is_given():
    assert _finding(GHANA, probs(blame=0.9), speaker="NOR").label == "blame"


def test_placeholder_is_never_exempt():
    x = Mention(0, 9, "Country X", None, "Country X", "placeholder")
    assert _finding(x, probs(blame=0.9), speaker="NOR").label == "blame"


def _f(label, **kw):
    p = {"blame": probs(blame=0.9), "situation": probs(situation=0.9), "work": probs(work=0.9),
         "neutral": probs(neutral=0.9)}[label]
    return _finding(GHANA, p, **kw)


def test_document_verdict_is_the_worst_finding():
    assert document_verdict([], POLICY) == "ok"
    assert document_verdict([_f("work"), _f("neutral")], POLICY) == "ok"
    assert document_verdict([_f("work"), _f("situation")], POLICY) == "review"
    assert document_verdict([_f("situation"), _f("blame"), _f("work")], POLICY) == "violation"


def test_accepted_findings_do_not_count_towards_the_verdict():
    blame = _f("blame", accepted=Acceptance("the Secretariat agreed"))
    assert document_verdict([blame, _f("situation")], POLICY) == "review"
    assert document_verdict([blame], POLICY) == "ok"


def test_a_blaming_later_sentence_carries_blame_to_the_earlier_mention():
    work = judge(GHANA, probs(work=0.9, neutral=0.1), POLICY)
    carried = carry(work, GHANA, probs(blame=B, work=1 - B), "the ministry there", POLICY)
    f = make_finding(GHANA, carried, "Our programme in Ghana.", POLICY)
    assert f.label == "blame" and f.severity == "error"
    assert "the ministry there" in f.message
    assert f.explanation.to_dict()["own_sentence"]["work"] == 0.9
    assert f.explanation.follow_up == "the ministry there"


def test_a_later_sentence_below_the_threshold_changes_nothing():
    work = judge(GHANA, probs(work=0.9, neutral=0.1), POLICY)
    below = B - 0.01
    assert carry(work, GHANA, probs(blame=below, work=1 - below), "its courts", POLICY) is work


def test_the_speakers_own_country_is_not_carried_into_blame():
    work = judge(GHANA, probs(work=0.9, neutral=0.1), POLICY, "GHA")
    assert carry(work, GHANA, probs(blame=0.99), "its courts", POLICY, "GHA") is work
