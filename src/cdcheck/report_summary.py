"""The batch summary in a terminal: documents by verdict, countries most often blamed, and the
documents that could not be read (the numbers come from `batch.summarize`)."""

from __future__ import annotations

from .report import VERDICT_STYLE


def render_summary(console, summary: dict) -> None:
    """Print the summary of a batch after its documents."""
    from rich.markup import escape
    from rich.text import Text

    v = summary["verdicts"]
    line = Text(f"{summary['documents']} documents: ", style="bold")
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
