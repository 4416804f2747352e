"""The policy as typed data (policy.py): rules/labels.toml and rules/policy.toml."""

from __future__ import annotations

import shutil
import tomllib

import pytest

from cdcheck.policy import MentionPolicy, load_label_policy, load_mention_policy
from cdcheck.schema import LABELS, VERDICTS
from cdcheck.settings import Settings

RULES = Settings().rules_dir


@pytest.fixture(scope="module")
def policy():
    return load_label_policy(RULES)


def test_every_label_has_a_rule_that_matches_the_guideline(policy):
    assert set(policy.labels) >= set(LABELS)
    expected = {"blame": ("error", "violation"), "situation": ("warning", "review"),
                "work": ("info", "ok"), "neutral": ("info", "ok"), "exempt": ("info", "ok")}
    for label, (severity, verdict) in expected.items():
        rule = policy.rule(label)
        assert (rule.label, rule.severity, rule.verdict) == (label, severity, verdict)
        assert rule.verdict in VERDICTS


def test_thresholds_come_from_the_file(policy):
    raw = tomllib.loads((RULES / "labels.toml").read_text(encoding="utf-8"))
    assert policy.blame_min == raw["decision"]["blame_min"]
    assert policy.situation_min == raw["decision"]["situation_min"]
    assert 0 < policy.blame_min <= 1 and 0 < policy.situation_min <= 1


def test_messages_format_with_country_and_text(policy):
    for label in LABELS:
        msg = policy.rule(label).message.format(country="Norway", text="Oslo")
        assert "{" not in msg and msg.strip()
    assert "Norway" in policy.rule("blame").message.format(country="Norway", text="Oslo")


def test_suggestion_words_cover_every_slot(policy):
    for slot in ("country_plural", "country_possessive", "in_country", "demonym", "place_in",
                 "place_subject", "place_possessive"):
        assert policy.suggest[slot].strip()


def test_policy_is_read_once(policy):
    assert load_label_policy(RULES) is policy


def _copy(tmp_path):
    for name in ("labels.toml",):
        shutil.copy(RULES / name, tmp_path / name)
    return tmp_path / "labels.toml"


def test_a_changed_file_changes_the_policy(tmp_path):
    path = _copy(tmp_path)
    text = path.read_text(encoding="utf-8").replace("blame_min = ", "blame_min = 0.77 #")
    path.write_text(text, encoding="utf-8")
    assert load_label_policy(tmp_path).blame_min == 0.77


def test_a_missing_label_is_refused(tmp_path):
    path = _copy(tmp_path)
    text = path.read_text(encoding="utf-8").replace("[labels.exempt]", "[labels.unused]")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="exempt"):
        load_label_policy(tmp_path)


def test_flagged_labels_come_from_the_verdicts(policy):
    assert policy.flagged == ("blame", "situation")
    assert all(policy.rule(label).sarif is not None for label in policy.flagged)


def test_a_counting_label_without_sarif_texts_is_refused(tmp_path):
    path = _copy(tmp_path)
    text = path.read_text(encoding="utf-8").replace("[labels.situation.sarif]", "[unused]")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="situation.sarif"):
        load_label_policy(tmp_path)


def test_mention_policy_is_typed_and_folded():
    mp = load_mention_policy(RULES)
    assert isinstance(mp, MentionPolicy)
    assert "jordan" in mp.confirm_names and "turkey" in mp.title_case_only
    heads = mp.placeholder_heads
    assert len(heads[0]) == 2 and len(heads[-1]) == 1  # longest first
    assert all(len(a) >= len(b) for a, b in zip(heads, heads[1:], strict=False))
    assert mp.resolve["Congo"] == ("COG", "COD")
    assert mp.cities.min_population > 0 and "in" in mp.place_prepositions
    with pytest.raises(AttributeError):
        mp.locatives = frozenset()  # frozen
