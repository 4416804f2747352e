"""The `cdcheck` command (cli.py): the JSON contract of issues 2 and 3, exit codes, errors, stdin."""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from cdcheck import __version__, cli
from cdcheck.cli import printable

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT.parent / "shared" / "guide-examples"

# The contract: exactly these keys (issue 2: mentions, issue 3: findings), plus the extensions
# later issues added. A key outside both lists is a contract change and must be added here.
MENTION_KEYS = {"start", "end", "text", "country", "country_name", "kind"}
FINDING_KEYS = MENTION_KEYS | {"label", "severity", "confidence", "sentence", "message",
                               "suggestion"}
MENTION_EXTENSIONS = {"in_org"}
FINDING_EXTENSIONS = {"in_org", "explanation", "location", "accepted", "evidence", "rewrite",
                      "hidden_characters"}
DOCUMENT_EXTENSIONS = {"speaker_country", "location", "format", "meta", "directives", "hints"}

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


# ------------------------------------------------------------- hostile inputs (issue 12)


def _main_in_time(capsys, *argv):
    """`_main` in a thread: a read that blocks (a FIFO) fails the test instead of hanging it."""
    box = {}
    thread = threading.Thread(target=lambda: box.update(result=_main(capsys, *argv)),
                              daemon=True)
    thread.start()
    thread.join(60)
    assert not thread.is_alive(), "cdcheck blocked on an input"
    return box["result"]


def _special_files(folder: Path) -> dict[str, str]:
    """A FIFO, a link to /dev/zero, a socket and a broken link: {name: words of its error}."""
    folder.mkdir(exist_ok=True)
    os.mkfifo(folder / "pipe.txt")
    (folder / "zero.txt").symlink_to("/dev/zero")
    (folder / "gone.md").symlink_to(folder / "nowhere.md")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(folder / "sock.txt"))
    return {"pipe.txt": "FIFO", "zero.txt": "character device", "gone.md": "broken symbolic link",
            "sock.txt": "socket"}


def test_only_regular_files_are_read_named_or_in_a_folder(capsys, files, tmp_path):
    special = _special_files(tmp_path / "special")
    named = [str(tmp_path / "special" / name) for name in special]
    code, out, _ = _main_in_time(capsys, "check", "@nc", "--format", "json", *named,
                                 str(files["good"]))
    docs = _envelope(json.loads(out))
    assert code == 2 and [d["source"] for d in docs] == [*named, str(files["good"])]
    for doc, words in zip(docs, special.values(), strict=False):
        assert set(doc) == {"source", "error"} and words in doc["error"]
    assert docs[-1]["verdict"] == "ok"
    code, out, _ = _main_in_time(capsys, "check", "@nc", "--format", "json",
                                 str(tmp_path / "special"))
    docs = {Path(d["source"]).name: d for d in _envelope(json.loads(out))}
    assert code == 2 and set(docs) == set(special)  # reported, never skipped silently
    assert all(words in docs[name]["error"] for name, words in special.items())


@pytest.mark.parametrize("name,shown", [
    ("good.txt\nVIOLATION  forged.txt", "\\n"),
    ("good\r.txt", "\\r"),
    ("\x1b[2J\x1b[31mred.txt", "\\x1b["),
    ("report\u202etxt.exe.txt", "\\u202e"),
    ("bell\x07\x9b.txt", "\\x07\\x9b"),
])
def test_control_characters_in_names_are_escaped_in_text_output(capsys, tmp_path, name, shown):
    path = tmp_path / name
    path.write_text(GOOD, encoding="utf-8")
    missing = tmp_path / ("missing-" + name)
    code, out, err = _main(capsys, "check", "@nc", str(path), str(missing))
    assert code == 2 and shown in out
    for raw in (str(path), str(missing), "\r", "\x1b", "\u202e", "\x07", "\x9b"):
        assert raw not in out and raw not in err
    assert not any(line.startswith("VIOLATION  forged") for line in out.splitlines())
    assert f"{printable(str(missing))}: error: no such file" in out.splitlines()  # named once
    code, out, _ = _main(capsys, "check", "@nc", "--format", "json", str(path), str(missing))
    assert [d["source"] for d in _envelope(json.loads(out))] == [str(path), str(missing)]


def test_printable_escapes_every_control_and_keeps_the_rest():
    assert printable("plain name-é.txt") == "plain name-é.txt"
    assert printable("a\nb\tc\x00\x7f\x85\u200f\u2066\u2028\udcff") == \
        "a\\nb\\tc\\x00\\x7f\\x85\\u200f\\u2066\\u2028\\udcff"


def test_an_error_line_names_the_path_once(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"   \n"), encoding="utf-8"))
    code, out, _ = _main(capsys, "check", "@nc", "-")
    line = next(line for line in out.splitlines() if "error:" in line)
    assert code == 2 and line == "<stdin>: error: the document is empty"


def test_a_file_name_that_is_not_utf8_is_reported_without_a_traceback(capsys, tmp_path):
    name = os.fsdecode(b"caf\xe9.txt")  # a Latin-1 name: a lone surrogate in Python
    (tmp_path / name).write_text((GUIDE / "1-not-allowed.txt").read_text(encoding="utf-8"),
                                 encoding="utf-8")
    code, out, _ = _main(capsys, "check", "@nc", str(tmp_path / name))
    assert code == 1 and "caf\\udce9.txt:" in out
    code, out, _ = _main(capsys, "check", "@nc", "--format", "json", str(tmp_path / name))
    assert _envelope(json.loads(out))[0]["source"] == str(tmp_path / name)  # the same name


def test_running_out_of_memory_is_an_error_never_a_traceback(capsys, monkeypatch, files):
    import cdcheck.batch

    real = cdcheck.batch.load_path

    def hungry(path, source=None, max_chars=None):
        if path.name == "bad.txt":
            raise MemoryError
        return real(path, source, max_chars)

    monkeypatch.setattr(cdcheck.batch, "load_path", hungry)
    code, out, _ = _main(capsys, "check", "@nc", "--format", "json", str(files["bad"]),
                         str(files["good"]))
    docs = _envelope(json.loads(out))
    assert code == 2 and "not enough memory" in docs[0]["error"] and docs[1]["verdict"] == "ok"

    def exhausted(args):
        raise MemoryError

    monkeypatch.setattr(cli, "cmd_check", exhausted)
    code, out, err = _main(capsys, "check", "@nc", str(files["good"]))
    assert code == 2 and err == "cdcheck: error: out of memory\n"


@pytest.fixture
def three(tmp_path):
    """A clean statement, a violation naming a country that takes its article, and one that
    says it is spoken by the country under review without --speaker-country."""
    (tmp_path / "a-good.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b-bad.txt").write_text(
        "The Philippines has failed every victim of trafficking, and its police look away.\n",
        encoding="utf-8")
    (tmp_path / "c-review.txt").write_text(
        "As the country under review, Kenya has strengthened its courts since 2019.\n",
        encoding="utf-8")
    return [str(tmp_path / n) for n in ("a-good.txt", "b-bad.txt", "c-review.txt")]


def test_compact_default_prints_a_line_per_failure_then_the_summary(capsys, three):
    code, out, _ = _main(capsys, "check", "@nc", *three)
    lines = out.splitlines()
    assert code == 1
    assert lines[0].startswith(f"{three[1]}:1:5: error blame PHL: ")
    assert "the Philippines" in lines[0]  # the display name with its article
    assert not any(line.startswith(three[0]) for line in lines)  # nothing for a clean one
    assert any("3 documents" in line for line in lines)
    assert "[Philippines]" not in out  # the marked statement only with --show-text


def test_quiet_prints_only_the_failures(capsys, three):
    code, out, _ = _main(capsys, "check", "@nc", "--quiet", "--fail-on", "violation", *three)
    assert code == 1
    assert [line.split(":")[0] for line in out.splitlines()] == [three[1]]


def test_show_text_adds_the_marked_statement_and_the_rewrite(capsys, three):
    code, out, _ = _main(capsys, "check", "@nc", "--show-text", three[1])
    assert code == 1
    assert "The [Philippines]E1 has failed" in out
    assert "try: " in out and "Philippines" not in out.split("try: ")[1].splitlines()[0]


def test_a_statement_spoken_by_the_country_under_review_gets_a_hint(capsys, three):
    code, out, _ = _main(capsys, "check", "@nc", three[2])
    assert f"{three[2]}: hint: " in out and "--speaker-country KEN" in out
    code, out, _ = _main(capsys, "check", "@nc", "--speaker-country", "KEN", three[2])
    assert code == 0 and "hint" not in out
