"""CSV: one row per finding with its location, error rows for unreadable files, no formulas."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import docbuild
import pytest

from cdcheck.batch import screen
from cdcheck.reports.csv import COLUMNS, render_csv
from cdcheck.schema import DocumentReport, Finding, Location, Mention


@pytest.fixture(scope="module")
def reports(checker, tmp_path_factory):
    root = tmp_path_factory.mktemp("csv")
    files = docbuild.sample_folder(root)
    return screen(checker, sorted(files.values()), jobs=1)


def _rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_one_row_per_finding_and_one_per_unreadable_document(reports):
    rows = _rows(render_csv(reports))
    assert list(rows[0]) == COLUMNS
    findings = [r for r in rows if not r["error"]]
    assert len(findings) == sum(len(r.findings) for r in reports if r.ok)
    errors = [r for r in rows if r["error"]]
    assert sorted(Path(r["source"]).name for r in errors) == ["broken.docx", "empty.txt", "scan.pdf"]
    assert all(not r["label"] for r in errors)


def test_rows_carry_offsets_locations_and_policy_text(reports):
    rows = _rows(render_csv(reports))
    by_file = {}
    for r in rows:
        by_file.setdefault(Path(r["source"]).name, []).append(r)
    guide = by_file["guide.txt"]
    report = next(r for r in reports if r.source.endswith("guide.txt"))
    for row, f in zip(guide, report.findings, strict=True):
        assert int(row["start"]) == f.mention.start and row["text"] == f.mention.text
        assert report.text[int(row["start"]):int(row["end"])] == row["text"]
        assert row["line"] == "3" and row["location"].startswith("line 3, column ")
        assert row["verdict"] == "violation" and row["message"] == f.message
        assert row["evidence"] and row["evidence"] == f.evidence.text  # the deciding words
    accepted = by_file["accepted.md"]
    assert all(r["accepted"] == "the Guide's own example, quoted" for r in accepted)
    assert any(r["table"] == "1" and r["cell"] == "2" for r in by_file["submission.docx"])
    assert all(r["page"] == "2" for r in by_file["submission.pdf"])


def test_cells_that_look_like_formulas_are_quoted():
    m = Mention(0, 6, "Norway", "NOR", "Norway", "name")
    f = Finding(m, "situation", "warning", 0.8, "=HYPERLINK(\"http://x\") Norway", "msg",
                suggestion="-2+3 some countries", location=Location(line=1, column=1))
    report = DocumentReport("@evil.txt", text="Norway", mentions=[m], findings=[f],
                            verdict="review")
    (row,) = _rows(render_csv([report]))
    assert row["sentence"].startswith("'=HYPERLINK")
    assert row["suggestion"] == "'-2+3 some countries"
    assert row["source"] == "'@evil.txt"
    assert row["start"] == "0"  # numbers are left alone
