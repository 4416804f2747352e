"""A batch's summary (reports/summary.py): counts by verdict and label, most blamed, unreadable."""

from __future__ import annotations

from cdcheck.reports.summary import error_reason, summarize
from cdcheck.schema import Acceptance, DocumentReport, Finding, Mention


def _finding(label, country, text, accepted=None):
    m = Mention(0, len(text), text, country, text if country is None else f"name-{country}",
                "placeholder" if country is None else "name")
    return Finding(m, label, "error", 0.9, text, "msg",
                   accepted=Acceptance(accepted) if accepted else None)


def test_summary_counts():
    reports = [
        DocumentReport("a", findings=[_finding("blame", "NGA", "Nigeria"),
                                      _finding("blame", "NGA", "Nigerian"),
                                      _finding("situation", "GHA", "Ghana")], verdict="violation"),
        DocumentReport("b", findings=[_finding("blame", "NGA", "Lagos"),
                                      _finding("blame", None, "Country X"),
                                      _finding("blame", None, "State B"),
                                      _finding("blame", "PER", "Peru", accepted="ok")],
                       verdict="violation"),
        DocumentReport("c", findings=[], verdict="ok"),
        DocumentReport("d", error="d: the document is empty"),
    ]
    s = summarize(reports)
    assert s["documents"] == 4 and s["errors"] == 1
    assert s["verdicts"] == {"ok": 1, "review": 0, "violation": 2}
    assert s["findings"] == {"blame": 5, "situation": 1, "accepted": 1}
    assert s["most_blamed"][0] == {"country": "NGA", "country_name": "name-NGA", "findings": 3,
                                   "documents": 2}
    assert {(b["country"], b["country_name"]) for b in s["most_blamed"][1:]} == \
        {(None, "Country X"), (None, "State B")}  # placeholders apart, never merged
    assert s["unreadable"] == [{"source": "d", "error": "the document is empty"}]


def test_error_reason_drops_the_source():
    assert error_reason(DocumentReport("a.pdf", error="a.pdf: no text layer")) == "no text layer"
