"""Reports in a terminal: the checked statement with its mentions marked, each finding with its
reason and rewrite (`render_check`), or one line per mention (`render_mentions`), through rich."""

from __future__ import annotations

from ..documents import describe
from ..schema import DocumentReport

SEVERITY_STYLE = {"error": "bold red", "warning": "bold yellow", "info": "green"}
SEVERITY_TAG = {"error": "E", "warning": "W", "info": "i"}
VERDICT_STYLE = {"violation": "bold white on red", "review": "bold black on yellow",
                 "ok": "bold white on green"}


def render_mentions(console, report: DocumentReport) -> None:
    """Mentions-only text output: one line per mention, readable in a terminal and in a pipe."""
    from rich.markup import escape

    if report.error:
        console.print(f"[bold]{escape(report.source)}[/]: [red]error:[/] {escape(report.error)}")
        return
    n = len(report.mentions)
    console.print(f"[bold]{escape(report.source)}[/]: {n} mention{'s' if n != 1 else ''}")
    for m in report.mentions:
        where = f"{m.start}-{m.end}"
        org = f"  (in {escape(m.org)})" if m.org else ""
        console.print(f"  {where:>11}  {escape(m.text)!s:<28} {m.country or 'X':<4} "
                      f"{escape(m.country_name)!s:<24} {m.kind}{org}")


def render_check(console, report: DocumentReport) -> None:
    """Full-check text output: the statement with mentions marked by severity, then each finding."""
    from rich.markup import escape
    from rich.text import Text

    if report.error:
        console.print(f"[bold]{escape(report.source)}[/]: [red]error:[/] {escape(report.error)}")
        return
    verdict = report.verdict or "ok"
    head = Text()
    head.append(f" {verdict.upper()} ", style=VERDICT_STYLE[verdict])
    head.append(f"  {report.source}", style="bold")
    head.append(f"  ({len(report.findings or [])} mention"
                f"{'s' if len(report.findings or []) != 1 else ''})")
    console.print(head)
    findings = report.findings or []
    marked = [f for f in findings if f.flagged]
    if marked:
        body = Text()
        pos = 0
        for i, f in enumerate(findings, 1):
            m = f.mention
            if m.start < pos:
                continue
            body.append(report.text[pos:m.start])
            tag = f"{SEVERITY_TAG[f.severity]}{i}"
            body.append(f"[{m.text}]", style=SEVERITY_STYLE[f.severity])
            body.append(f"{tag}", style="dim")
            pos = m.end
        body.append(report.text[pos:])
        console.print(body)
    for i, f in enumerate(findings, 1):
        m = f.mention
        tag = f"{SEVERITY_TAG[f.severity]}{i}"
        line = Text(f"  {tag:<4}")
        line.append(f"{f.severity:<8}", style=SEVERITY_STYLE[f.severity])
        line.append(f"{f.label:<10}")
        line.append(f"\"{m.text}\"", style="bold")
        line.append(f"  {m.country or 'X'} {m.kind}  confidence {f.confidence:.2f}")
        if f.location is not None:
            line.append(f"  at {describe(f.location)}", style="dim")
        if f.accepted:
            line.append(f"  accepted: {f.accepted.reason}", style="cyan")
        console.print(line)
        console.print(Text(f"        why: {f.message}"))
        if f.suggestion:
            console.print(Text(f"        try: {f.suggestion}"))
    console.print()
