"""The verdict policy as data (rules.py, rules/labels.toml)."""

from __future__ import annotations

import shutil
import tomllib

import pytest

from cdcheck.rules import load_policy
from cdcheck.schema import LABELS, VERDICTS
from cdcheck.settings import Settings

RULES = Settings().rules_dir


@pytest.fixture(scope="module")
def policy():
    return load_policy(RULES)


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
    assert load_policy(RULES) is policy


def _copy(tmp_path):
    for name in ("labels.toml",):
        shutil.copy(RULES / name, tmp_path / name)
    return tmp_path / "labels.toml"


def test_a_changed_file_changes_the_policy(tmp_path):
    path = _copy(tmp_path)
    text = path.read_text(encoding="utf-8").replace("blame_min = ", "blame_min = 0.77 #")
    path.write_text(text, encoding="utf-8")
    assert load_policy(tmp_path).blame_min == 0.77


def test_a_missing_label_is_refused(tmp_path):
    path = _copy(tmp_path)
    text = path.read_text(encoding="utf-8").replace("[labels.exempt]", "[labels.unused]")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="exempt"):
        load_policy(tmp_path)
