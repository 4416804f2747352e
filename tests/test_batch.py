"""Batch screening: order, errors that never stop the batch, locations, acceptances, summary."""

from __future__ import annotations

import io
import os
import sys
from dataclasses import replace

import docbuild
import pytest

from cdcheck.batch import load_one, screen, worker_count
from cdcheck.checker import Checker, CheckOptions
from cdcheck.config import AllowEntry
from cdcheck.schema import DocumentReport


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    root = tmp_path_factory.mktemp("batch")
    files = docbuild.sample_folder(root)
    (root / "bad-directive.md").write_text(
        "<!-- cdcheck: allow GRC -->\nGreece adopted a law.\n", encoding="utf-8")
    return root, sorted([*files.values(), root / "bad-directive.md"])


@pytest.fixture(scope="module")
def reports(checker, sample):
    return screen(checker, sample[1], jobs=1)


def _by_name(reports):
    return {r.source.rsplit("/", 1)[-1]: r for r in reports}


def test_one_report_per_input_in_input_order(reports, sample):
    assert [r.source for r in reports] == [str(p) for p in sample[1]]


def test_broken_files_are_errors_and_the_rest_is_checked(reports):
    by = _by_name(reports)
    errors = {name for name, r in by.items() if not r.ok}
    assert errors == {"broken.docx", "scan.pdf", "empty.txt", "bad-directive.md"}
    assert "needs a reason" in by["bad-directive.md"].error or \
        "cannot read the cdcheck directive" in by["bad-directive.md"].error
    assert "line 1" in by["bad-directive.md"].error
    for name in ("guide.txt", "submission.docx", "submission.pdf"):
        assert by[name].verdict == "violation", name  # the Guide's example, in every format
    assert by["windows.txt"].ok and by["windows.txt"].findings


def test_every_finding_has_a_location_of_its_format(reports):
    by = _by_name(reports)
    for name, r in by.items():
        for f in r.findings or []:
            loc = f.location
            assert loc is not None, name
            if name.endswith((".txt", ".md")):
                line = r.text.split("\n")[loc.line - 1]
                assert line[loc.column - 1:].startswith(f.mention.text)
            elif name.endswith(".docx"):
                assert loc.part in ("body", "header", "footer")
                assert loc.paragraph or loc.table
            else:
                assert loc.page and loc.line and loc.column


def test_directive_accepts_and_recomputes_the_verdict(reports):
    r = _by_name(reports)["accepted.md"]
    flagged = [f for f in r.findings if f.flagged]
    assert flagged and all(f.accepted.reason == "the Guide's own example, quoted" for f in flagged)
    assert r.verdict == "ok"
    assert r.to_dict()["directives"][0]["accepted"] == len(flagged)
    assert "cdcheck" not in r.text  # blanked before checking


def _comparable(report: DocumentReport) -> dict:
    """A report's dict without model scores (one or two PyTorch threads sum in another order)."""
    d = report.to_dict()
    for f in d.get("findings", []):
        f.pop("confidence")
        f.pop("explanation")
    return d


@pytest.mark.slow
def test_two_checking_processes_give_the_same_reports(checker, sample, reports):
    parallel = screen(checker, sample[1], jobs=2)
    assert [_comparable(r) for r in parallel] == [_comparable(r) for r in reports]
    for a, b in zip(parallel, reports, strict=True):
        for fa, fb in zip(a.findings or [], b.findings or [], strict=True):
            assert fa.confidence == pytest.approx(fb.confidence, abs=1e-3)


def test_config_allow_entries_accept_findings_in_matching_files(checker, sample):
    root, items = sample
    options = CheckOptions(allow_base=root,
                           allow=(AllowEntry(["*.docx"], ["X"], "reviewed submission"),))
    by = _by_name(screen(checker, items, options, jobs=1))
    docx = by["submission.docx"]
    flagged = [f for f in docx.findings if f.flagged]
    placeholders = [f for f in flagged if f.mention.country is None]
    assert placeholders and all(f.accepted.reason == "reviewed submission" for f in placeholders)
    assert all(f.to_dict()["explanation"]["accepted_by"] == "allow entry in the configuration file"
               for f in placeholders)
    # Real countries in the same file are not covered by an entry for placeholders.
    assert all(f.accepted is None for f in flagged if f.mention.country is not None)
    assert by["guide.txt"].verdict == "violation"  # other files untouched


def test_progress_callback_once_per_document(checker, sample):
    seen = []
    screen(checker, sample[1][:4], jobs=1, on_done=lambda r: seen.append(r.source))
    assert sorted(seen) == sorted(str(p) for p in sample[1][:4])


def test_stdin_is_one_document(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(
        "Texte en français: Côte d’Ivoire.".encode("utf-16"))))
    source, doc, error = load_one("-")
    assert (source, error) == ("<stdin>", None)
    assert doc.text == "Texte en français: Côte d’Ivoire." and doc.meta["encoding"] == "utf-16"


def test_worker_processes_only_for_large_batches(tmp_path, monkeypatch):
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    few = [tmp_path / f"{i}.pdf" for i in range(5)]
    many = [tmp_path / f"{i}.docx" for i in range(40)]
    assert worker_count(few) == 1
    assert worker_count(many) == 2
    assert worker_count(["-", *many]) == 1  # standard input is read in this process
    assert worker_count(few, jobs=3) == 3 and worker_count(few[:2], jobs=3) == 2
    monkeypatch.setattr("os.cpu_count", lambda: 1)
    assert worker_count(many) == 1


def test_special_files_and_the_character_limit_are_that_documents_error(checker, tmp_path):
    """Issue 12: a FIFO is reported, never read (it would block); a text over the checker's
    limit is refused by the reader, before anything else is done with it."""
    os.mkfifo(tmp_path / "pipe.txt")
    long = tmp_path / "long.txt"
    long.write_text("word " * 100, encoding="utf-8")
    source, doc, error = load_one(tmp_path / "pipe.txt")
    assert doc is None and "FIFO" in error and source == str(tmp_path / "pipe.txt")
    _, doc, error = load_one(long, max_chars=50)
    assert doc is None and error == f"{long}: the statement has 500 characters; the limit is 50 " \
                                     "(set CDCHECK_MAX_CHARS to change it)"
    small = Checker(replace(checker.settings, max_chars=50), nlp=checker.nlp,
                    gazetteer=checker.gazetteer, classifier=checker.classifier)
    reports = screen(small, [long, tmp_path / "pipe.txt"], jobs=1)
    assert [r.error.split(":")[0] for r in reports] == [str(long), str(tmp_path / "pipe.txt")]
