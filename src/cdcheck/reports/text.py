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


def _ordered(report: DocumentReport):
    """(number, finding) pairs, the ones that count first (blame, then situation), then the
    accepted ones, then the allowed ones; numbered in text order as the marked text shows."""
    numbered = list(enumerate(report.findings or [], 1))
    rank = {"error": 0, "warning": 1, "info": 2}
    return sorted(numbered, key=lambda nf: (not nf[1].counts, rank[nf[1].severity], nf[0]))


def where(report: DocumentReport, f) -> str:
    """"line:column" for a text file, else the location in words ("page 2, line 3")."""
    loc = f.location
    if loc is not None and loc.line is not None and loc.page is None:
        return f"{loc.line}:{loc.column or 1}"
    return describe(loc) or "1:1"


def render_lines(console, report: DocumentReport, fail_labels: tuple[str, ...] = ("blame",
                 "situation")) -> int:
    """The compact format, as linters print: one line per finding whose label is in
    `fail_labels` and that counts, `path:line:col: severity label country: message`; an
    unreadable document is one error line. Returns the number of lines printed."""
    from rich.markup import escape

    if report.error:
        console.print(f"{escape(report.source)}: [red]error:[/] {escape(report.error)}")
        return 1
    n = 0
    for _, f in _ordered(report):
        if not f.counts or f.label not in fail_labels:
            continue
        country = f.mention.country or "X"
        console.print(f"{escape(report.source)}:{where(report, f)}: "
                      f"[{SEVERITY_STYLE[f.severity]}]{f.severity}[/] {f.label} {country}: "
                      f"{escape(f.message)}")
        n += 1
    if n:  # advice about the check itself ("give --speaker-country"), with what it concerns
        for hint in report.hints:
            console.print(f"{escape(report.source)}: [cyan]hint:[/] {escape(hint)}")
    return n


def render_check(console, report: DocumentReport, show_text: bool = True,
                 show_allowed: bool = False) -> None:
    """The full view of one document: its verdict, the statement with mentions marked by
    severity and the words that drove each finding underlined (`show_text`), then each finding,
    those that count first, the allowed ones folded into one line unless `show_allowed`."""
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
    if show_text and any(f.flagged for f in findings):
        console.print(_marked_text(report))
    shared: dict[object, int] = {}
    for i, f in _ordered(report):
        if f.flagged or show_allowed:
            _print_finding(console, report, i, f, shared)
    allowed = [f for _, f in _ordered(report) if not f.flagged]
    if allowed and not show_allowed:
        names = ", ".join(f"{f.mention.text} ({f.label})" for f in allowed)
        console.print(Text(f"  {len(allowed)} allowed mention{'s' if len(allowed) != 1 else ''}:"
                           f" {names}", style="dim"))
    for hint in report.hints:
        console.print(Text(f"  hint: {hint}", style="cyan"))
    console.print()


_BLANKED = {ord(c): " " for c in "\r\x0b\x0c\x07\x08"}


def _marked_text(report: DocumentReport):
    """The statement with each mention marked by severity and tagged with its number, and the
    evidence of each finding underlined."""
    from rich.text import Text

    # rich drops carriage returns and other control characters from a Text; blanking them first
    # keeps every offset of the report pointing at the same character (CRLF files).
    body = Text(report.text.translate(_BLANKED))
    for f in report.findings or []:
        if f.evidence is not None:
            body.stylize("underline", f.evidence.start, f.evidence.end)
    out, pos = Text(), 0
    for i, f in enumerate(report.findings or [], 1):
        m = f.mention
        if m.start < pos:
            continue
        out.append_text(body[pos:m.start])
        out.append(f"[{m.text}]", style=SEVERITY_STYLE[f.severity])
        out.append(f"{SEVERITY_TAG[f.severity]}{i}", style="dim")
        pos = m.end
    out.append_text(body[pos:])
    return out


def _print_finding(console, report: DocumentReport, i: int, f, shared: dict) -> None:
    """One finding: tag, severity, label, mention, location; why; the rewrite (once per
    sentence: a second finding in it points to the first)."""
    from rich.text import Text

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
    if f.rewrite is not None and f.rewrite in shared:
        console.print(Text(f"        try: the rewrite of {shared[f.rewrite]}", style="dim"))
    elif f.rewrite is not None and f.rewrite.text is None:
        console.print(Text(f"        try: {f.rewrite.advice}"))
    elif f.suggestion:
        console.print(Text(f"        try: {f.suggestion}"))
    if f.rewrite is not None:
        shared.setdefault(f.rewrite, tag)
