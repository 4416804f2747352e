"""The Participation Guide's four examples (../shared/guide-examples/) must always come out right."""

from __future__ import annotations

from pathlib import Path

import pytest

GUIDE = Path(__file__).resolve().parent.parent.parent / "shared" / "guide-examples"
FILES = sorted(GUIDE.glob("*.txt"))
EXPECTED = {"not-allowed": "violation", "allowed": "ok"}


def _expected(path: Path) -> str:
    return EXPECTED["not-allowed" if path.stem.endswith("-not-allowed") else "allowed"]


def test_the_four_examples_are_there(guide_examples):
    assert guide_examples == GUIDE
    assert [p.name for p in FILES] == ["1-allowed.txt", "1-not-allowed.txt", "2-allowed.txt",
                                       "2-not-allowed.txt"]


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_guide_example_verdict(checker, path):
    text = path.read_text(encoding="utf-8")
    report = checker.check(text, source=path.name)
    assert report.mentions, "every example names Country X"
    assert all(m.kind == "placeholder" for m in report.mentions)
    assert report.verdict == _expected(path), [(f.mention.text, f.label, round(f.confidence, 2))
                                                for f in report.findings]


@pytest.mark.parametrize("path", [p for p in FILES if "not-allowed" in p.stem],
                         ids=lambda p: p.stem)
def test_not_allowed_examples_get_a_rewrite_the_checker_accepts(checker, path):
    report = checker.check(path.read_text(encoding="utf-8"))
    suggestions = [f.suggestion for f in report.findings if f.label == "blame"]
    assert suggestions and all(suggestions)
    for s in suggestions:
        again = checker.check(s)
        assert again.verdict == "ok" and again.mentions == []


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_guide_example_with_a_real_country_in_place_of_country_x(checker, path):
    """The rule does not care which country: the same examples about Ghana get the same verdict."""
    text = path.read_text(encoding="utf-8").replace("Country X", "Ghana").replace("country X", "Ghana")
    report = checker.check(text)
    assert {m.country for m in report.mentions} == {"GHA"}
    assert report.verdict == _expected(path)
