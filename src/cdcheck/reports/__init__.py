"""Reports out, one module per format; every format starts from the finished `DocumentReport`s
(and their `to_dict()`), plus the batch's `summarize()`.

To add a report format: write `render_<format>(reports, ...) -> str` in a module of its own and
a branch in `render` below; the CLI's `--format` and `--report FILE.ext` pick it up from
`FORMATS` and `SUFFIXES`.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..schema import DocumentReport

FORMATS = ("text", "json", "html", "csv", "sarif")
#: A --report file's format, from its extension (x.sarif.json is SARIF).
SUFFIXES = {".html": "html", ".htm": "html", ".sarif": "sarif", ".json": "json", ".csv": "csv",
            ".txt": "text", ".log": "text"}


def render(fmt: str, reports: Sequence[DocumentReport], summary: dict, policy) -> str:
    """The report in one of the file formats (json, html, csv, sarif) as text."""
    if fmt == "json":
        from .json import to_json

        return to_json(reports, summary=summary)
    if fmt == "html":
        from .html import render_html

        return render_html(reports)
    if fmt == "csv":
        from .csv import render_csv

        return render_csv(reports)
    if fmt == "sarif":
        from .sarif import render_sarif

        return render_sarif(reports, policy)
    raise ValueError(f"no file format {fmt!r}")


def print_check(console, reports: Sequence[DocumentReport], summary: dict, *,
                full: bool = True, show_text: bool = True, quiet: bool = False,
                fail_labels: tuple[str, ...] = ("blame", "situation")) -> None:
    """The text format. Full: each document's view (the marked statement with `show_text`),
    then the batch's summary. Compact (`full` False): one line per failing finding, as linters
    print, then the summary. Quiet: only the lines of findings in `fail_labels`."""
    from .summary import render_summary
    from .text import render_check, render_lines

    if quiet:
        for r in reports:
            render_lines(console, r, fail_labels)
        return
    if not full:
        for r in reports:
            render_lines(console, r)
            if show_text and not r.error and any(f.flagged for f in r.findings or []):
                render_check(console, r, show_text=True)
        render_summary(console, summary)
        return
    for r in reports:
        render_check(console, r, show_text=show_text)
    if len(reports) > 1:
        render_summary(console, summary)
