"""Blame carried by a later sentence (followup.py): which sentences are read, and the effect."""

from __future__ import annotations

import pytest

from cdcheck.context import MARK
from cdcheck.followup import follow_ups


def _parts(checker, text):
    doc = checker.nlp(text)
    return doc.text, [(s.start_char, s.end_char) for s in doc.sents], checker.finder(doc)


@pytest.mark.parametrize("later, reference", [
    ("The ministry there sells the seized timber back to the same firms.", "The ministry there"),
    ("Its courts take years to hear a single case.", "Its courts"),
    ("Officials in the capital award permits by private arrangement.", "in the capital"),
    ("The customs authority has never shared a seizure record.", "The customs authority"),
    ("Unfortunately, local prosecutors keep returning the files.", "local prosecutors"),
    ("A year later the country was still on the grey list.", "the country"),
    ("Since then the penal code has lowered the penalty for bribery.", "the penal code"),
])
def test_a_later_reference_to_the_state_is_read_as_the_country(checker, later, reference):
    text, sents, mentions = _parts(checker, f"Our project in Ghana trains court clerks. {later}")
    [fu] = follow_ups(text, sents, mentions)
    assert fu.reference == reference
    assert [m.country for m in fu.antecedents] == ["GHA"]
    assert "Ghana" not in fu.input  # masked, like every classifier input
    assert fu.input.count(MARK) == 2  # one focus: the reference, not the earlier mention


def test_the_reference_may_come_two_sentences_later_but_not_three(checker):
    two = ("We have followed mining licences in Mali since 2019. The cadastre went online in "
           "2021. Officials in the capital still award permits privately.")
    assert len(follow_ups(*_parts(checker, two))) == 1
    three = ("We have followed mining licences in Mali since 2019. The cadastre went online in "
             "2021. We welcomed it. Officials in the capital still award permits privately.")
    assert follow_ups(*_parts(checker, three)) == []


@pytest.mark.parametrize("text", [
    # two countries before: "there" could be either
    "Our programme runs in Ghana and Togo. The ministry there lets most trafficking files lapse.",
    # the later sentence names a country itself: its own mention is classified instead
    "Our programme runs in Ghana. The ministry in Togo lets most trafficking files lapse.",
    # no reference to a State
    "Our programme runs in Ghana. We trained 40 guards this year.",
    # nothing named before
    "Our project trains court clerks. The ministry there sells the seized timber back.",
    # "the country under review" is the reviewed State, whoever was named before
    "Our programme runs in Ghana. The country under review should say more about it.",
])
def test_no_follow_up_without_one_antecedent_and_a_reference(checker, text):
    assert follow_ups(*_parts(checker, text)) == []


def test_an_accusing_follow_up_makes_the_earlier_work_mention_blame(checker):
    # The accusation comes two sentences on, outside the mention's own context window: only the
    # follow-up stage can see it.
    first = ("Our project in Ghana gives district prosecutors a case-management system. Twelve "
             "offices have used it since 2022.")
    alone = checker.check(first)
    assert alone.findings[0].label == "work"
    report = checker.check(f"{first} The prosecutors there, regrettably, let most trafficking "
                           "files lapse before trial and nobody is held to account for it.")
    [finding] = report.findings
    assert report.verdict == "violation" and finding.label == "blame"
    assert finding.explanation.follow_up == "The prosecutors there"
    assert "later sentence" in finding.message
    assert finding.suggestion and "Ghana" not in finding.suggestion
    assert checker.check(finding.suggestion).verdict == "ok"


def test_a_good_or_neutral_follow_up_leaves_the_mention_alone(checker):
    text = ("Our project in Ghana gives district prosecutors a case-management system. The ministry "
            "there pays for the licences and has asked us to add two more districts next year.")
    report = checker.check(text)
    assert report.verdict == "ok"
    assert report.findings[0].label == "work"


def test_the_speaker_may_say_it_of_its_own_country(checker):
    text = ("Our project in Ghana gives district prosecutors a case-management system. The "
            "prosecutors there let most trafficking files lapse before trial.")
    report = checker.check(text, speaker_country="GHA")
    assert report.verdict == "ok"
    assert {f.label for f in report.findings} <= {"exempt", "work"}
