"""Inline directives: parsing, blanking without moving offsets, scopes, and accepting findings."""

from __future__ import annotations

import pytest

from cdcheck.directives import Directive, accept, extract
from cdcheck.errors import BadOption
from cdcheck.rules import load_policy
from cdcheck.schema import DocumentReport, Mention
from cdcheck.settings import Settings
from cdcheck.verdict import make_finding

CODES = {"GRC": "GRC", "GR": "GRC", "GREECE": "GRC", "TUR": "TUR", "NOR": "NOR", "NO": "NOR"}


def resolve(value: str) -> str:
    try:
        return CODES[value.strip().upper()]
    except KeyError:
        raise BadOption(f"unknown country {value!r}") from None


@pytest.fixture(scope="module")
def policy():
    return load_policy(Settings.from_env().rules_dir)


TEXT = """Intro paragraph about Greece.

<!-- cdcheck: allow GRC "the speaker is Greece, the country under review" -->
Greece adopted a national action plan.
Greece also trains prosecutors.

Later, Greece again.
"""


def test_directives_are_blanked_without_moving_offsets():
    clean, found = extract(TEXT, resolve)
    assert len(clean) == len(TEXT)
    assert "cdcheck" not in clean and "<!--" not in clean
    # Every character outside the comment is where it was.
    start = TEXT.index("<!--")
    end = TEXT.index("-->") + 3
    assert clean[:start] == TEXT[:start] and clean[end:] == TEXT[end:]
    assert clean[start:end].strip() == ""
    assert [d.line for d in found] == [3]


def test_own_line_directive_covers_the_next_paragraph_only():
    clean, (d,) = extract(TEXT, resolve)
    assert d.scope == "next paragraph" and d.countries == {"GRC"}
    assert d.reason == "the speaker is Greece, the country under review"
    covered = clean[d.start:d.end]
    assert covered.startswith("Greece adopted") and "Greece also trains" in covered
    assert "Later" not in covered and "Intro" not in covered
    assert d.covers("GRC", clean.index("Greece adopted"))
    assert not d.covers("GRC", clean.index("Later, Greece"))
    assert not d.covers("TUR", clean.index("Greece adopted"))


def test_inline_directive_covers_its_own_paragraph():
    text = ('First paragraph on Norway.\n\nNorway adopted a law. <!-- cdcheck: allow NO, TUR '
            '"reviewed by the Secretariat" -->\nStill the same paragraph.\n\nNext one, Norway.\n')
    clean, (d,) = extract(text, resolve)
    assert d.scope == "paragraph" and d.countries == {"NOR", "TUR"}
    assert d.covers("NOR", clean.index("Norway adopted"))
    assert d.covers("NOR", clean.index("Still"))
    assert not d.covers("NOR", clean.index("First paragraph on Norway") + 20)
    assert not d.covers("NOR", clean.index("Next one"))


def test_allow_file_star_and_placeholders():
    text = ("<!-- cdcheck: allow-file X \"the Guide's own example\" -->\nCountry X failed.\n\n"
            "<!-- cdcheck: allow * “anything here” -->\nAll of it.\n")
    _, (whole, star) = extract(text, resolve)
    assert whole.scope == "file" and whole.countries == {"X"}
    assert whole.start == 0 and whole.end == len(text)
    assert star.countries == {"*"} and star.covers("NOR", text.index("All of it"))


@pytest.mark.parametrize("comment,words", [
    ('<!-- cdcheck: allow GRC -->', "cannot read"),
    ('<!-- cdcheck: allow GRC "" -->', "needs a reason"),
    ('<!-- cdcheck: alow GRC "typo" -->', "cannot read"),
    ('<!-- cdcheck: allow ATLANTIS "no such country" -->', "unknown country"),
    ('<!-- cdcheck: allow  "no country" -->', "no country named"),
])
def test_malformed_directives_are_errors_naming_the_line(comment, words):
    with pytest.raises(BadOption, match=words) as exc:
        extract(f"Line one.\n{comment}\nGreece.\n", resolve, "s.md")
    assert "s.md: line 2" in str(exc.value)


def test_other_html_comments_are_left_alone():
    text = "<!-- a note for editors -->\nText about Peru.\n"
    clean, found = extract(text, resolve)
    assert clean == text and found == []


def _report(text, spans, policy, label_probs):
    findings, mentions = [], []
    for surface, country in spans:
        start = text.index(surface)
        m = Mention(start, start + len(surface), surface, country, surface, "name")
        mentions.append(m)
        findings.append(make_finding(m, label_probs, text, policy))
    return DocumentReport("s.md", text=text, mentions=mentions, findings=findings,
                          verdict="violation")


BLAME = {"blame": 0.9, "situation": 0.05, "work": 0.03, "neutral": 0.02}
WORK = {"blame": 0.02, "situation": 0.03, "work": 0.9, "neutral": 0.05}


def test_accept_marks_findings_and_recomputes_the_verdict(policy):
    clean, found = extract(TEXT, resolve)
    report = _report(clean, [("Greece adopted", "GRC")], policy, BLAME)
    accept(report, found, policy)
    (f,) = report.findings
    assert f.accepted == "the speaker is Greece, the country under review"
    assert f.counts is False and f.explanation["accepted_by"] == "directive on line 3"
    assert f.to_dict()["accepted"] == f.accepted and f.label == "blame"  # still visible
    assert report.verdict == "ok"
    assert report.meta["directives"] == [{
        "countries": ["GRC"], "reason": "the speaker is Greece, the country under review",
        "scope": "next paragraph", "accepted": 1, "line": 3}]


def test_findings_outside_the_scope_still_count(policy):
    clean, found = extract(TEXT, resolve)
    report = _report(clean, [("Greece adopted", "GRC"), ("Later, Greece", "GRC")], policy, BLAME)
    accept(report, found, policy)
    assert [f.accepted is not None for f in report.findings] == [True, False]
    assert report.verdict == "violation"


def test_allowed_labels_are_never_marked_accepted(policy):
    clean, found = extract(TEXT, resolve)
    report = _report(clean, [("Greece adopted", "GRC")], policy, WORK)
    report.verdict = "ok"
    accept(report, found, policy)
    assert report.findings[0].accepted is None and found[0].used == 0


def test_config_directive_reports_its_origin(policy):
    text = "Greece failed."
    d = Directive(frozenset({"GRC"}), "reviewed", 0, len(text), None, "file", "cdcheck.toml")
    report = _report(text, [("Greece", "GRC")], policy, BLAME)
    accept(report, [d], policy)
    assert report.findings[0].explanation["accepted_by"] == "allow entry in cdcheck.toml"
    assert report.meta["directives"][0]["origin"] == "cdcheck.toml"


@pytest.mark.slow
def test_directive_in_a_real_check(checker):
    """End to end with the model: the directive text itself is never a mention."""
    text = ("Thank you, Chair.\n\n"
            "<!-- cdcheck: allow-file NOR \"Norway speaks as the country under review\" -->\n"
            "Norway has failed to protect victims, and its police routinely detain them.\n")
    clean, found = extract(text, checker.resolve_country)
    report = checker.check(clean, "s.md")
    assert all("cdcheck" not in f.sentence for f in report.findings)
    # "Norway" inside the directive is never a mention: only the statement's own are found.
    assert report.findings and all(f.mention.start > text.index("-->") for f in report.findings)
    assert {f.mention.country for f in report.findings} == {"NOR"}
    accept(report, found, checker.policy)
    counted = [f for f in report.findings if f.counts and f.label in ("blame", "situation")]
    assert counted == [] and report.verdict == "ok"
