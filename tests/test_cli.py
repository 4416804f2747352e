"""The `cdcheck` command (cli.py): the JSON contract of issues 2 and 3, exit codes, errors, stdin."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cdcheck import __version__, cli

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT.parent / "shared" / "guide-examples"

# The contract: exactly these keys (issue 2: mentions, issue 3: findings), plus the extensions
# later issues added. A key outside both lists is a contract change and must be added here.
MENTION_KEYS = {"start", "end", "text", "country", "country_name", "kind"}
FINDING_KEYS = MENTION_KEYS | {"label", "severity", "confidence", "sentence", "message",
                               "suggestion"}
MENTION_EXTENSIONS = {"in_org"}
FINDING_EXTENSIONS = {"in_org", "explanation", "location", "accepted"}
DOCUMENT_EXTENSIONS = {"speaker_country", "location", "format", "meta"}

GOOD = "Our programme trains judges in Ghana.\n"
TEXT = "Thank you, Chair. We trained judges in Ghana and Côte d\u2019Ivoire, with Kenya's police.\n"


@pytest.fixture(autouse=True)
def _isolated(monkeypatch, tmp_path, checker):
    """Each test runs in an empty folder (no configuration file above it is read) with the
    session's models already loaded."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.fixture
def files(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    text = tmp_path / "text.md"
    text.write_text(TEXT, encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_text((GUIDE / "1-not-allowed.txt").read_text(encoding="utf-8"), encoding="utf-8")
    return {"good": good, "text": text, "bad": bad}


def _main(capsys, *argv):
    code = cli.main(["--no-config" if a == "@nc" else a for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def _check_mention(d: dict, text: str, keys: set[str], extensions: set[str]) -> None:
    assert keys <= set(d) <= keys | extensions, set(d) ^ keys
    assert text[d["start"]:d["end"]] == d["text"]
    assert d["country"] is None or (len(d["country"]) == 3 and d["country"].isupper())
    assert d["kind"] in ("name", "alias", "code", "demonym", "capital", "city", "region",
                         "placeholder")
    assert d["country_name"]


def _envelope(body: dict) -> list[dict]:
    assert {"tool", "version", "documents"} <= set(body)
    assert body["tool"] == "cdcheck" and body["version"] == __version__
    return body["documents"]


# ------------------------------------------------------------------------------- mentions


def test_mentions_json_contract(capsys, files):
    code, out, _ = _main(capsys, "mentions", "@nc", "--format", "json", str(files["text"]))
    assert code == 0
    (doc,) = _envelope(json.loads(out))
    assert set(doc) == {"source", "mentions"}
    assert doc["source"] == str(files["text"])
    assert [m["text"] for m in doc["mentions"]] == ["Ghana", "Côte d\u2019Ivoire", "Kenya"]
    for m in doc["mentions"]:
        _check_mention(m, TEXT, MENTION_KEYS, MENTION_EXTENSIONS)


def test_mentions_text_format_lists_each_mention(capsys, files):
    code, out, _ = _main(capsys, "mentions", "@nc", str(files["text"]))
    assert code == 0
    assert "3 mentions" in out
    for surface, iso3 in (("Ghana", "GHA"), ("Kenya", "KEN"), ("Côte d\u2019Ivoire", "CIV")):
        line = next(line for line in out.splitlines() if surface in line)
        assert iso3 in line


def test_mentions_from_a_folder_recurse(capsys, files, tmp_path):
    code, out, _ = _main(capsys, "mentions", "@nc", "--format", "json", str(tmp_path))
    assert code == 0
    sources = [Path(d["source"]).name for d in _envelope(json.loads(out))]
    assert sorted(sources) == ["bad.txt", "good.txt", "text.md"]


# ---------------------------------------------------------------------------------- check


def test_check_json_contract(capsys, files):
    code, out, _ = _main(capsys, "check", "@nc", "--format", "json", str(files["text"]),
                         str(files["bad"]))
    docs = _envelope(json.loads(out))
    assert [d["source"] for d in docs] == [str(files["text"]), str(files["bad"])]
    texts = [TEXT, files["bad"].read_text(encoding="utf-8")]
    for doc, text in zip(docs, texts, strict=True):
        assert {"source", "verdict", "findings"} <= set(doc)
        assert set(doc) - {"source", "verdict", "findings"} <= DOCUMENT_EXTENSIONS
        assert doc["verdict"] in ("violation", "review", "ok")
        assert doc["findings"], "both documents name a country"
        for f in doc["findings"]:
            _check_mention(f, text, FINDING_KEYS, FINDING_EXTENSIONS)
            assert f["label"] in ("blame", "situation", "work", "neutral", "exempt")
            assert f["severity"] in ("error", "warning", "info")
            assert 0.0 <= f["confidence"] <= 1.0
            assert f["message"]
            assert " ".join(f["sentence"].split()) in " ".join(text.split())
            assert (f["suggestion"] is not None) == (f["label"] in ("blame", "situation"))
    assert docs[1]["verdict"] == "violation" and code == 1


def test_exit_0_when_nothing_reaches_fail_on(capsys, files):
    assert _main(capsys, "check", "@nc", str(files["good"]))[0] == 0


def test_exit_1_on_a_violation_unless_fail_on_never(capsys, files):
    assert _main(capsys, "check", "@nc", str(files["good"]), str(files["bad"]))[0] == 1
    assert _main(capsys, "check", "@nc", "--fail-on", "review", str(files["bad"]))[0] == 1
    assert _main(capsys, "check", "@nc", "--fail-on", "never", str(files["bad"]))[0] == 0


def test_speaker_country_exempts_its_own_mentions(capsys, tmp_path):
    path = tmp_path / "own.txt"
    path.write_text((GUIDE / "2-not-allowed.txt").read_text(encoding="utf-8")
                    .replace("Country X", "Norway"), encoding="utf-8")
    code, out, _ = _main(capsys, "check", "@nc", "--format", "json", str(path))
    assert code == 1
    code, out, _ = _main(capsys, "check", "@nc", "--format", "json", "--speaker-country", "NO",
                         str(path))
    (doc,) = _envelope(json.loads(out))
    assert code == 0 and doc["verdict"] == "ok"
    assert {f["label"] for f in doc["findings"]} == {"exempt"}


def test_unreadable_file_is_that_documents_error_and_the_others_are_checked(capsys, files,
                                                                             tmp_path):
    missing = tmp_path / "missing.txt"
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    code, out, _ = _main(capsys, "check", "@nc", "--format", "json", str(missing),
                         str(files["good"]), str(binary))
    assert code == 2
    docs = _envelope(json.loads(out))
    assert [d["source"] for d in docs] == [str(missing), str(files["good"]), str(binary)]
    for d in (docs[0], docs[2]):
        assert set(d) == {"source", "error"} and d["error"]
    assert docs[1]["verdict"] == "ok" and docs[1]["findings"]
    code, out, _ = _main(capsys, "mentions", "@nc", "--format", "json", str(missing),
                         str(files["good"]))
    assert code == 2
    docs = _envelope(json.loads(out))
    assert "error" in docs[0] and docs[1]["mentions"][0]["text"] == "Ghana"


@pytest.mark.parametrize("argv", [
    ["check"],
    ["check", "--fail-on", "sometimes", "x.txt"],
    ["check", "--format", "yaml", "x.txt"],
    ["mentions", "--bogus", "x.txt"],
    ["train", "--members", "0"],
    ["train", "--epochs", "two"],
    ["frobnicate"],
    [],
])
def test_usage_error_is_one_line_on_stderr_and_exit_2(capsys, argv):
    with pytest.raises(SystemExit) as exc:
        cli.main(argv)
    out, err = capsys.readouterr()
    assert exc.value.code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith("cdcheck: error:")


def test_unknown_speaker_country_is_a_usage_error(capsys, files):
    code, out, err = _main(capsys, "check", "@nc", "--speaker-country", "Qwertyland",
                           str(files["good"]))
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and "Qwertyland" in err


def test_stdin_is_read_for_dash(capsys, monkeypatch):
    data = b"Victims are detained in Country X and prosecuted as criminals.\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    code, out, _ = _main(capsys, "mentions", "@nc", "--format", "json", "-")
    (doc,) = _envelope(json.loads(out))
    assert code == 0 and doc["source"] == "<stdin>"
    assert [(m["text"], m["country"], m["kind"]) for m in doc["mentions"]] == [
        ("Country X", None, "placeholder")]


def test_output_file_gets_the_report(capsys, files, tmp_path):
    target = tmp_path / "report.json"
    code, out, _ = _main(capsys, "check", "@nc", "--format", "json", "-o", str(target),
                         str(files["good"]))
    assert code == 0 and out == ""
    assert _envelope(json.loads(target.read_text(encoding="utf-8")))[0]["verdict"] == "ok"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("command", ["check", "mentions"])
def test_no_color_at_a_terminal_has_no_ansi_escapes(monkeypatch, files, command):
    """NO_COLOR (no-color.org): readable without escapes even when the output is a terminal."""
    monkeypatch.setenv("TERM", "xterm-256color")
    for no_color, expect_escapes in ((None, True), ("1", False)):
        if no_color:
            monkeypatch.setenv("NO_COLOR", no_color)
        term = _Terminal()
        monkeypatch.setattr(sys, "stdout", term)
        cli.main([command, "--no-config", str(files["bad"])])
        out = term.getvalue()
        assert "Country X" in out
        assert ("\x1b[" in out) == expect_escapes, out[:300]


# ------------------------------------------------------------------- the installed command


@pytest.mark.slow
def test_installed_console_script(files, tmp_path):
    """One real run of the `cdcheck` console script: a file, stdin and a missing file."""
    exe = Path(sys.executable).parent / "cdcheck"
    assert exe.exists(), "install the package (pip install -e .)"
    missing = tmp_path / "missing.txt"
    env = dict(os.environ, NO_COLOR="1")
    env.pop("CI", None)
    run = subprocess.run(
        [str(exe), "check", "--no-config", "--format", "json", str(files["bad"]), "-",
         str(missing)],
        input=GOOD.encode(), capture_output=True, env=env, cwd=tmp_path, timeout=600,
    )
    assert run.returncode == 2, run.stderr.decode()[-2000:]
    docs = _envelope(json.loads(run.stdout))
    assert [d["source"] for d in docs] == [str(files["bad"]), "<stdin>", str(missing)]
    assert docs[0]["verdict"] == "violation"
    assert docs[1]["verdict"] == "ok"
    assert set(docs[2]) == {"source", "error"}
    bad_text = files["bad"].read_text(encoding="utf-8")
    for f in docs[0]["findings"]:
        _check_mention(f, bad_text, FINDING_KEYS, FINDING_EXTENSIONS)
