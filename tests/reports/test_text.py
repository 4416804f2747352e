"""The terminal report (reports/text.py): the full view's marked statement and the compact lines."""

from __future__ import annotations

import io

from rich.console import Console

from cdcheck.reports.text import render_check, render_lines

ACCUSATION = "Country X has failed its victims for years and its police still jail them."


def _plain(render, *args, **kwargs) -> str:
    console = Console(file=io.StringIO(), width=400, color_system=None, highlight=False)
    render(console, *args, **kwargs)
    return console.file.getvalue()


def test_marks_stay_on_their_mentions_in_a_crlf_text(checker):
    text = f"Thank you, Chair.\r\n{ACCUSATION}\r\nWe thank Ghana.\r\n"
    report = checker.check(text)
    assert report.verdict == "violation"
    out = _plain(render_check, report, show_text=True).replace("I2", "")
    # Every character of the statement is still there, around the marks, in its place.
    marked = ACCUSATION.replace("Country X", "[Country X]E1")
    assert f"Thank you, Chair. \n{marked} \nWe thank [Ghana]" in out


def test_compact_lines_name_path_line_and_column_once(checker):
    report = checker.check(f"Thank you.\n{ACCUSATION}", "s.txt")
    lines = _plain(render_lines, report).splitlines()
    assert lines and lines[0].startswith("s.txt:2:1: error blame X: ")
    assert lines[0].count("s.txt") == 1
