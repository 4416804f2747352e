"""One self-contained HTML report for the Secretariat's file: summary, then every document's text
with its mentions highlighted by severity and the words that decided each finding (its
evidence) underlined, the reason for each, those words and a suggested rewrite.

The page is a Jinja2 template (templates/report.html.j2, autoescaped: every piece of document
text is escaped) with its stylesheet inlined: no external assets and no scripts, so the file can
be archived and opened anywhere. This module only shapes the reports into what the template
shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

from .. import __version__
from ..documents import describe
from ..schema import DocumentReport, Finding
from .summary import error_reason, summarize

SEVERITY_TAG = {"error": "E", "warning": "W", "info": "i"}
TEMPLATES = Path(__file__).resolve().parent / "templates"


@dataclass
class _Item:
    """A finding as the page shows it: its number, tag, status and tooltip."""

    i: int
    finding: Finding

    @property
    def status(self) -> str:
        return "accepted" if self.finding.accepted is not None else self.finding.severity

    @property
    def tag(self) -> str:
        return f"{SEVERITY_TAG[self.finding.severity]}{self.i}"

    @property
    def where(self) -> str:
        return describe(self.finding.location)

    @property
    def tip(self) -> str:
        f = self.finding
        tip = f"{f.label}: {f.message}"
        return f"accepted ({f.accepted.reason}); {tip}" if f.accepted is not None else tip


@dataclass
class _Chunk:
    text: str
    item: _Item | None = None
    #: Whether the run is part of some finding's evidence.
    evidence: bool = False


def _runs(text: str, a: int, b: int, spans: list[tuple[int, int]]) -> list[_Chunk]:
    """text[a:b] cut where evidence spans begin and end, so the template marks the runs inside
    one without nesting marks in the mentions' (a whole-sentence evidence holds its mention)."""
    cuts = sorted({a, b, *(x for span in spans for x in span if a < x < b)})
    return [_Chunk(text[x:y], evidence=any(s <= x and y <= e for s, e in spans))
            for x, y in pairwise(cuts)]


def _chunks(r: DocumentReport, items: list[_Item]) -> list[_Chunk]:
    """The text cut into plain runs, evidence runs and marked mentions (overlapping mentions:
    the first one is marked)."""
    spans = [(it.finding.evidence.start, it.finding.evidence.end) for it in items
             if it.finding.evidence is not None]
    out, pos = [], 0
    for item in items:
        m = item.finding.mention
        if m.start < pos:
            continue
        out += _runs(r.text, pos, m.start, spans)
        out.append(_Chunk(r.text[m.start:m.end], item))
        pos = m.end
    out += _runs(r.text, pos, len(r.text), spans)
    return out


def _document(n: int, r: DocumentReport) -> dict:
    if not r.ok:
        return {"n": n, "source": r.source, "error": error_reason(r)}
    items = [_Item(i, f) for i, f in enumerate(r.findings or [], 1)]
    fs = r.findings or []
    return {
        "n": n, "source": r.source, "error": None, "verdict": r.verdict, "entries": items,
        "flagged": [it for it in items if it.finding.flagged],
        "allowed": [it for it in items if not it.finding.flagged],
        "chunks": _chunks(r, items),
        "counts": {"blame": sum(1 for f in fs if f.label == "blame" and f.counts),
                   "situation": sum(1 for f in fs if f.label == "situation" and f.counts),
                   "accepted": sum(1 for f in fs if not f.counts)},
    }


@lru_cache(maxsize=1)
def _template():
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(
        enabled_extensions=("html", "j2"), default_for_string=True), trim_blocks=False)
    return env.get_template("report.html.j2")


def render_html(reports: Sequence[DocumentReport], title: str = "cdcheck report") -> str:
    """The whole report as one HTML page (a string)."""
    return _template().render(
        title=title, version=__version__, css=(TEMPLATES / "report.css").read_text("utf-8"),
        stamp=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        summary=summarize(reports),
        documents=[_document(n, r) for n, r in enumerate(reports, 1)],
    )
