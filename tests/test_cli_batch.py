"""`cdcheck check` on folders: formats, --output/--report, include/exclude, config, progress, exits."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import docbuild
import pytest

from cdcheck import cli

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli")
    docbuild.sample_folder(root / "batch")
    clean = root / "clean"
    clean.mkdir()
    (clean / "guide.txt").write_text(docbuild.GUIDE_NOT_ALLOWED_1 + "\n", encoding="utf-8")
    (clean / "work.md").write_text("Our programme trains judges in Ghana.\n", encoding="utf-8")
    return root


@pytest.fixture(autouse=True)
def _isolated(monkeypatch, tmp_path, checker):
    """Each test runs in an empty folder (no configuration file above it is read) with the
    session's models already loaded; CI unset unless a test sets it."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CI", raising=False)


def _json(capsys) -> dict:
    return json.loads(capsys.readouterr().out)


def test_folder_json_has_summary_and_errors_exit_2(folder, capsys):
    code = cli.main(["check", "--no-config", "--format", "json", str(folder / "batch")])
    out = _json(capsys)
    assert code == 2
    assert set(out) == {"tool", "version", "documents", "summary"}
    assert out["tool"] == "cdcheck" and len(out["documents"]) == 8
    errors = [d for d in out["documents"] if "error" in d]
    assert {Path(d["source"]).name for d in errors} == {"broken.docx", "scan.pdf", "empty.txt"}
    assert all(set(d) == {"source", "error"} for d in errors)
    s = out["summary"]
    assert s["documents"] == 8 and s["errors"] == 3 and s["verdicts"]["violation"] == 3
    assert s["most_blamed"][0]["country_name"] == "Country X"
    assert {Path(u["source"]).name for u in s["unreadable"]} == \
        {"broken.docx", "scan.pdf", "empty.txt"}
    located = [f for d in out["documents"] for f in d.get("findings", [])]
    assert located and all("location" in f for f in located)


def test_text_output_ends_with_the_summary_and_no_progress_in_a_pipe(folder, capsys):
    code = cli.main(["check", "--no-config", str(folder / "batch")])
    captured = capsys.readouterr()
    assert code == 2
    lines = captured.out.strip().splitlines()
    summary = next(i for i, line in enumerate(lines) if line.startswith("8 documents:"))
    last_doc = max(i for i, line in enumerate(lines) if "submission.pdf" in line)
    assert summary > last_doc  # the summary comes after every document
    assert [line.split(" ", 3)[3].split(":")[0] for line in lines[-3:]] == \
        [str(folder / "batch" / n) for n in ("broken.docx", "empty.txt", "scan.pdf")]
    assert all(line.startswith("could not read ") for line in lines[-3:])
    # One line per failing finding, as linters print: line:column in a text file, the place in
    # words in a .docx or .pdf; an ok document prints no line.
    assert f"{folder / 'batch' / 'guide.txt'}:3:1: error blame X:" in captured.out
    assert "submission.docx:table 1, row 2, cell 2: error blame X:" in captured.out
    assert "windows.txt" not in captured.out
    assert "checking" not in captured.err and "━" not in captured.err


@pytest.mark.parametrize("fmt", ["html", "csv", "sarif", "json", "text"])
def test_output_file_for_every_format(folder, tmp_path, fmt, capsys):
    out = tmp_path / f"report.{fmt}"
    code = cli.main(["check", "--no-config", "--format", fmt, "-o", str(out),
                     str(folder / "clean")])
    assert code == 1  # the Guide's not-allowed example
    assert capsys.readouterr().out == ""
    body = out.read_text(encoding="utf-8")
    if fmt == "html":
        assert body.startswith("<!DOCTYPE html>") and "guide.txt" in body
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(body)))
        assert {Path(r["source"]).name for r in rows} == {"guide.txt", "work.md"}
    elif fmt in ("sarif", "json"):
        data = json.loads(body)
        assert data["version"] == ("2.1.0" if fmt == "sarif" else data["version"])
    else:  # linter lines, then the summary
        assert "guide.txt:1:1: error blame X:" in body and "work.md" not in body
        assert "1 violation" in body


def test_extra_reports_by_extension_in_one_run(folder, tmp_path, capsys):
    html, sarif = tmp_path / "r.html", tmp_path / "r.sarif"
    code = cli.main(["check", "--no-config", "--format", "json", str(folder / "batch"),
                     "--report", str(html), "--report", str(sarif)])
    out = _json(capsys)
    assert code == 2 and len(out["documents"]) == 8
    assert "<!DOCTYPE html>" in html.read_text(encoding="utf-8")
    assert json.loads(sarif.read_text(encoding="utf-8"))["version"] == "2.1.0"


def test_unknown_report_extension_is_a_usage_error(folder, tmp_path, capsys):
    code = cli.main(["check", "--no-config", str(folder / "clean"),
                     "--report", str(tmp_path / "r.pdf")])
    assert code == 2
    assert "cannot tell the format" in capsys.readouterr().err


def test_include_and_exclude(folder, capsys):
    cli.main(["check", "--no-config", "--format", "json", "--include", "*.md",
              "--include", "*.pdf", "--exclude", "scan.pdf", str(folder / "batch")])
    names = sorted(Path(d["source"]).name for d in _json(capsys)["documents"])
    assert names == ["accepted.md", "submission.pdf"]


def test_configuration_file_is_found_and_options_win(folder, tmp_path, capsys):
    (tmp_path / "cdcheck.toml").write_text(
        'fail-on = "never"\nexclude = ["work.md"]\n[aliases]\n"the Hermit Kingdom" = "PRK"\n',
        encoding="utf-8")
    (tmp_path / "s").mkdir()
    stmt = tmp_path / "s" / "a.txt"
    stmt.write_text("We met officials of the Hermit Kingdom.\n", encoding="utf-8")
    code = cli.main(["check", "--format", "json", str(folder / "clean"), str(stmt)])
    docs = _json(capsys)["documents"]
    assert code == 0  # fail-on "never" from the file
    assert sorted(Path(d["source"]).name for d in docs) == ["a.txt", "guide.txt"]
    assert [f["country"] for f in docs[1]["findings"]] == ["PRK"]  # the alias from the file
    assert cli.main(["check", "--fail-on", "violation", str(folder / "clean")]) == 1
    capsys.readouterr()
    (tmp_path / "cdcheck.toml").write_text('speaker-country = "Atlantis"\n', encoding="utf-8")
    assert cli.main(["check", str(stmt)]) == 2
    assert "unknown country 'Atlantis'" in capsys.readouterr().err


def test_mentions_reads_every_format_and_skips_directives(folder, capsys):
    code = cli.main(["mentions", "--no-config", "--format", "json", str(folder / "batch")])
    docs = {Path(d["source"]).name: d for d in _json(capsys)["documents"]}
    assert code == 2
    assert {m["text"] for m in docs["submission.docx"]["mentions"]} >= {"Country X", "country X"}
    accepted = docs["accepted.md"]["mentions"]
    assert all(m["start"] > 30 for m in accepted)  # nothing inside the directive comment


def test_show_progress_only_on_a_terminal_outside_ci(monkeypatch):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    assert cli._show_progress() is True
    monkeypatch.setenv("CI", "true")
    assert cli._show_progress() is False
    monkeypatch.delenv("CI")
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    assert cli._show_progress() is False


def _run_on_pty(args: list[str], env: dict) -> tuple[int, str, str]:
    """Run cdcheck with stderr on a pseudo-terminal (as a person's shell): (code, out, err)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "cdcheck.cli", *args], stdout=subprocess.PIPE,
                            stderr=slave, env=env, cwd=ROOT)
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    out = proc.stdout.read().decode()
    proc.wait()
    os.close(master)
    return proc.returncode, out, b"".join(chunks).decode(errors="replace")


@pytest.mark.slow
def test_progress_bar_on_a_terminal(folder):
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    args = ["check", "--no-config", "--format", "json", str(folder / "clean")]
    code, out, err = _run_on_pty(args, env)
    assert code == 1 and json.loads(out)["summary"]["documents"] == 2  # stdout stays clean JSON
    assert "checking" in err or "loading models" in err
    assert "2/2" in err or "0/2" in err


def test_no_progress_under_ci_even_on_a_terminal(folder, monkeypatch, capsys):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    monkeypatch.setenv("CI", "true")
    assert cli.main(["check", "--no-config", "--format", "json", str(folder / "clean")]) == 1
    err = capsys.readouterr().err
    assert "loading models" not in err and "checking" not in err and "/2" not in err


def test_bad_jobs_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["check", "--jobs", "-1", "x.txt"])
    assert exc.value.code == 2
    assert "not 0 (automatic) or a number of processes" in capsys.readouterr().err


def test_empty_selection_is_an_error_not_a_clean_run(tmp_path, folder, capsys):
    """Checking nothing must not pass: an empty folder, or globs that exclude everything."""
    (tmp_path / "empty").mkdir()
    for argv in ([str(tmp_path / "empty")],
                 ["--include", "*.odt", str(folder / "batch")],
                 ["--exclude", "*", str(folder / "clean")]):
        assert cli.main(["check", "--no-config", "--format", "json", *argv]) == 2, argv
        captured = capsys.readouterr()
        assert captured.out == ""
        assert captured.err.startswith("cdcheck: error: no documents to check in ")
    assert cli.main(["mentions", "--no-config", str(tmp_path / "empty")]) == 2


def test_force_exclude_of_every_file_named_is_a_clean_run(folder, capsys):
    """pre-commit and the GitHub Action name the changed files: all excluded is normal."""
    guide = str(folder / "clean" / "guide.txt")
    assert cli.main(["check", "--no-config", "--format", "json", "--force-exclude",
                     "--exclude", "*.txt", guide]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["documents"] == []
    assert "no documents to check: every file named is excluded" in captured.err
