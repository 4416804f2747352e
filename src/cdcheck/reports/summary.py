"""A batch's summary: documents by verdict, findings by label, the countries most often blamed,
and the documents that could not be read; as numbers (`summarize`, which every format reports)
and in a terminal (`render_summary`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from ..schema import VERDICTS, DocumentReport
from .text import VERDICT_STYLE


def summarize(reports: Iterable[DocumentReport], top: int = 10) -> dict:
    """Counts for a batch: documents by verdict, findings by label, most blamed, unreadable."""
    reports = list(reports)
    verdicts = Counter(r.verdict for r in reports if r.ok and r.verdict)
    labels: Counter = Counter()
    accepted = 0
    blamed: Counter = Counter()
    blamed_docs: dict[str, set] = {}
    names: dict[str, str] = {}
    for r in reports:
        for f in r.findings or []:
            if not f.counts:
                accepted += 1
                continue
            labels[f.label] += 1
            if f.label == "blame":
                # Placeholders ("Country X", "State B") are counted apart, each by its own name.
                name = " ".join(f.mention.country_name.split())
                key = f.mention.country or "?" + name.casefold()
                blamed[key] += 1
                blamed_docs.setdefault(key, set()).add(r.source)
                names.setdefault(key, name if f.mention.country else name[:1].upper() + name[1:])
    return {
        "documents": len(reports),
        "verdicts": {v: verdicts.get(v, 0) for v in VERDICTS},
        "errors": sum(1 for r in reports if not r.ok),
        "findings": {"blame": labels.get("blame", 0), "situation": labels.get("situation", 0),
                     "accepted": accepted},
        "most_blamed": [
            {"country": None if key.startswith("?") else key, "country_name": names[key],
             "findings": n, "documents": len(blamed_docs[key])}
            for key, n in sorted(blamed.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
        ],
        "unreadable": [{"source": r.source, "error": error_reason(r)} for r in reports if not r.ok],
    }


def error_reason(report: DocumentReport) -> str:
    """The error of an unreadable document without its leading "source: " (for lists by source)."""
    return (report.error or "").removeprefix(f"{report.source}: ")


def render_summary(console, summary: dict) -> None:
    """Print the summary of a batch after its documents."""
    from rich.markup import escape
    from rich.text import Text

    v = summary["verdicts"]
    n = summary["documents"]
    line = Text(f"{n} document{'s' if n != 1 else ''}: ", style="bold")
    for key in ("violation", "review", "ok"):
        line.append(f" {v[key]} {key} ", style=VERDICT_STYLE[key])
        line.append(" ")
    if summary["errors"]:
        line.append(f" {summary['errors']} unreadable ", style="bold white on grey30")
    console.print(line)
    f = summary["findings"]
    console.print(f"findings: {f['blame']} blame, {f['situation']} situation, "
                  f"{f['accepted']} accepted")
    if summary["most_blamed"]:
        names = ", ".join(
            f"{escape(row['country_name'])}{' (' + row['country'] + ')' if row['country'] else ''}"
            f" {row['findings']}"
            for row in summary["most_blamed"])
        console.print(f"most often blamed: {names}")
    for row in summary["unreadable"]:
        console.print(f"[red]could not read[/] {escape(row['source'])}: {escape(row['error'])}")
