"""Inline directives: parsing, blanking without moving offsets, scopes, and accepting findings."""

from __future__ import annotations

import re

import pytest

from cdcheck.checker import Checker, CheckOptions
from cdcheck.config import AllowEntry
from cdcheck.documents import Document
from cdcheck.documents.directives import (
    MAX_DIRECTIVES,
    Directive,
    covering,
    extract,
    from_config,
    resolve_codes,
)
from cdcheck.errors import BadOption, DocumentTooComplex

CODES = {"GRC": "GRC", "GR": "GRC", "GREECE": "GRC", "TUR": "TUR", "NOR": "NOR", "NO": "NOR"}


def resolve(value: str) -> str:
    try:
        return CODES[value.strip().upper()]
    except KeyError:
        raise BadOption(f"unknown country {value!r}") from None


TEXT = """Intro paragraph about Greece.

<!-- cdcheck: allow GRC "the speaker is Greece, the country under review" -->
Greece adopted a national action plan.
Greece also trains prosecutors.

Later, Greece again.
"""


def test_directives_are_blanked_without_moving_offsets():
    clean, found = extract(TEXT, resolve)
    assert len(clean) == len(TEXT)
    assert "cdcheck" not in clean and "<!--" not in clean
    # Every character outside the comment is where it was.
    start = TEXT.index("<!--")
    end = TEXT.index("-->") + 3
    assert clean[:start] == TEXT[:start] and clean[end:] == TEXT[end:]
    assert clean[start:end].strip() == ""
    assert [d.line for d in found] == [3]


def test_own_line_directive_covers_the_next_paragraph_only():
    clean, (d,) = extract(TEXT, resolve)
    assert d.scope == "next paragraph" and d.countries == {"GRC"}
    assert d.reason == "the speaker is Greece, the country under review"
    covered = clean[d.start:d.end]
    assert covered.startswith("Greece adopted") and "Greece also trains" in covered
    assert "Later" not in covered and "Intro" not in covered
    assert d.covers("GRC", clean.index("Greece adopted"))
    assert not d.covers("GRC", clean.index("Later, Greece"))
    assert not d.covers("TUR", clean.index("Greece adopted"))


def test_inline_directive_covers_its_own_paragraph():
    text = ('First paragraph on Norway.\n\nNorway adopted a law. <!-- cdcheck: allow NO, TUR '
            '"reviewed by the Secretariat" -->\nStill the same paragraph.\n\nNext one, Norway.\n')
    clean, (d,) = extract(text, resolve)
    assert d.scope == "paragraph" and d.countries == {"NOR", "TUR"}
    assert d.covers("NOR", clean.index("Norway adopted"))
    assert d.covers("NOR", clean.index("Still"))
    assert not d.covers("NOR", clean.index("First paragraph on Norway") + 20)
    assert not d.covers("NOR", clean.index("Next one"))


def test_allow_file_star_and_placeholders():
    text = ("<!-- cdcheck: allow-file X \"the Guide's own example\" -->\nCountry X failed.\n\n"
            "<!-- cdcheck: allow * “anything here” -->\nAll of it.\n")
    _, (whole, star) = extract(text, resolve)
    assert whole.scope == "file" and whole.countries == {"X"}
    assert whole.start == 0 and whole.end == len(text)
    assert star.countries == {"*"} and star.covers("NOR", text.index("All of it"))


@pytest.mark.parametrize("comment,words", [
    ('<!-- cdcheck: allow GRC -->', "cannot read"),
    ('<!-- cdcheck: allow GRC "" -->', "needs a reason"),
    ('<!-- cdcheck: alow GRC "typo" -->', "cannot read"),
    ('<!-- cdcheck: allow ATLANTIS "no such country" -->', "unknown country"),
    ('<!-- cdcheck: allow  "no country" -->', "no country named"),
])
def test_malformed_directives_are_errors_naming_the_line(comment, words):
    with pytest.raises(BadOption, match=words) as exc:
        extract(f"Line one.\n{comment}\nGreece.\n", resolve, "s.md")
    assert "s.md: line 2" in str(exc.value)


def test_other_html_comments_are_left_alone():
    text = "<!-- a note for editors -->\nText about Peru.\n"
    clean, found = extract(text, resolve)
    assert clean == text and found == []


class _Fixed:
    """A classifier that gives every mention the same scores (the acceptance is under test)."""

    classes = ("blame", "situation", "work", "neutral")

    def __init__(self, probs):
        self.probs = probs

    def predict(self, inputs, batch_size=32):
        return [dict(self.probs) for _ in inputs]


BLAME = {"blame": 0.9, "situation": 0.05, "work": 0.03, "neutral": 0.02}
WORK = {"blame": 0.02, "situation": 0.03, "work": 0.9, "neutral": 0.05}


@pytest.fixture(scope="module")
def blaming(checker):
    return Checker(checker.settings, nlp=checker.nlp, gazetteer=checker.gazetteer,
                   classifier=_Fixed(BLAME))


def _findings(report, *surfaces):
    return [next(f for f in report.findings if report.text[f.mention.start:].startswith(s))
            for s in surfaces]


def test_accepted_findings_are_marked_and_the_verdict_recomputed(blaming):
    report = blaming.check_document(Document("s.md", TEXT, "md"))
    f, later = _findings(report, "Greece adopted", "Greece again")
    assert f.accepted.reason == "the speaker is Greece, the country under review"
    assert f.counts is False and f.to_dict()["explanation"]["accepted_by"] == "directive on line 3"
    assert f.to_dict()["accepted"] == f.accepted.reason and f.label == "blame"  # still visible
    assert later.accepted is None and later.counts  # outside the directive's paragraph
    assert report.verdict == "violation"
    assert report.to_dict()["directives"] == [{
        "countries": ["GRC"], "reason": "the speaker is Greece, the country under review",
        "scope": "next paragraph", "accepted": 2, "line": 3}]


def test_a_directive_over_every_flagged_mention_makes_the_document_ok(blaming):
    text = "<!-- cdcheck: allow-file GRC \"reviewed\" -->\nGreece failed. Greece again.\n"
    report = blaming.check_document(Document("s.md", text, "md"))
    assert report.findings and all(not f.counts for f in report.findings)
    assert report.verdict == "ok"


def test_allowed_labels_are_never_marked_accepted(checker):
    working = Checker(checker.settings, nlp=checker.nlp, gazetteer=checker.gazetteer,
                      classifier=_Fixed(WORK))
    report = working.check_document(Document("s.md", TEXT, "md"))
    assert report.findings and all(f.accepted is None for f in report.findings)
    assert report.to_dict()["directives"][0]["accepted"] == 0


def test_directives_are_read_only_in_text_formats(blaming):
    text = "<!-- cdcheck: allow-file GRC \"reviewed\" -->\nGreece failed.\n"
    report = blaming.check_document(Document("s.docx", text, "docx"))
    assert any(f.counts for f in report.findings)


def test_config_entries_become_file_wide_directives(tmp_path):
    entries = (AllowEntry(["statements/*.md"], ["GRC"], "reviewed"),)
    (d,) = from_config(entries, str(tmp_path / "statements" / "a.md"), 40, tmp_path, resolve)
    assert (d.start, d.end, d.scope, d.line, d.countries) == (0, 40, "file", None, {"GRC"})
    assert from_config(entries, str(tmp_path / "other" / "a.md"), 40, tmp_path, resolve) == []
    assert from_config(entries, "<stdin>", 40, tmp_path, resolve) == []


def test_config_directive_reports_its_origin(blaming):
    options = CheckOptions(allow=(AllowEntry(["*.md"], ["GRC"], "reviewed"),))
    report = blaming.check_document(Document("s.md", "Greece failed.", "md"), options)
    (f,) = report.findings
    assert f.to_dict()["explanation"]["accepted_by"] == "allow entry in the configuration file"
    assert report.to_dict()["directives"][0]["origin"] == "the configuration file"


def test_covering_picks_the_first_directive_that_applies():
    a = Directive(frozenset({"GRC"}), "a", 0, 10)
    b = Directive(frozenset({"*"}), "b", 0, 100)
    assert covering([a, b], "GRC", 5) is a
    assert covering([a, b], "GRC", 50) is b
    assert covering([a], "NOR", 5) is None


@pytest.mark.slow
def test_directive_in_a_real_check(checker):
    """End to end with the model: the directive text itself is never a mention."""
    text = ("Thank you, Chair.\n\n"
            "<!-- cdcheck: allow-file NOR \"Norway speaks as the country under review\" -->\n"
            "Norway has failed to protect victims, and its police routinely detain them.\n")
    report = checker.check(text, "s.md")
    assert all("cdcheck" not in f.sentence for f in report.findings)
    # "Norway" inside the directive is never a mention: only the statement's own are found.
    assert report.findings and all(f.mention.start > text.index("-->") for f in report.findings)
    assert {f.mention.country for f in report.findings} == {"NOR"}
    counted = [f for f in report.findings if f.counts and f.flagged]
    assert counted == [] and report.verdict == "ok"


# --------------------------------------------------------------------------- hostile input
# Issue 12: the directive regular expressions were quadratic (73 s for "<!--cdcheck:" * 25000,
# 15 s for a directive with 60,000 spaces). The scan is now linear; each case below is timed
# generously (a loaded 2-core machine), the speed itself is measured in bench/fuzz_readers.py.

def _timed_extract(text: str, limit: float = 2.0):
    import time

    t = time.perf_counter()
    try:
        result = extract(text, resolve, "h.md")
    except (BadOption, DocumentTooComplex) as exc:
        result = exc
    assert time.perf_counter() - t < limit
    return result


@pytest.mark.parametrize("text", [
    "<!--cdcheck:" * 25000,                                             # never closed
    "<!-- cdcheck: allow" + " " * 60000 + "-->",                        # spaces, no reason
    "<!-- cdcheck: allow GRC" + " " * 60000 + "x -->",                  # spaces, then junk
    "<!-- cdcheck: allow GRC \"" + " " * 60000 + "\" x" + " " * 60000 + "-->",
    "<!--" + " " * 200000 + "cdcheck" + " " * 200000,                   # an open prefix
    "<!-- " * 50000 + "cdcheck: allow GRC \"r\" -->",                   # many plain openers
    "<!-- cdcheck: allow " + "GRC, " * 40000 + "-->",                   # codes, no quote
    "<!-- cdcheck: allow GRC “" + "\"“" * 40000 + " -->",              # a curly quote never closed
    "-->" * 50000 + "<!--cdcheck:" * 10000,
])
def test_hostile_directive_input_is_linear(text):
    result = _timed_extract(text)
    assert isinstance(result, (tuple, BadOption))


def test_many_directives_on_one_long_line_and_paragraph_are_linear():
    one = '<!-- cdcheck: allow GRC "r" --> Greece. '
    clean, found = _timed_extract(one * MAX_DIRECTIVES + "x" * 1_000_000)
    assert len(found) == MAX_DIRECTIVES and len(clean) == len(one) * MAX_DIRECTIVES + 1_000_000
    assert {d.scope for d in found} == {"paragraph"}
    own_lines = ('<!-- cdcheck: allow GRC "r" -->\n' * MAX_DIRECTIVES) + " " * 1_000_000 + "Greece."
    _, found = _timed_extract(own_lines)
    assert {(d.scope, d.start) for d in found} == {("next paragraph", 32 * MAX_DIRECTIVES)}


def test_more_directives_than_the_cap_are_refused_early():
    text = '<!-- cdcheck: allow GRC "r" -->\n' * (MAX_DIRECTIVES + 1) + "Greece.\n"
    with pytest.raises(DocumentTooComplex, match=f"more than {MAX_DIRECTIVES:,} cdcheck") as exc:
        extract(text, resolve, "many.md")
    assert str(exc.value).startswith("many.md: ") and exc.value.http_status == 422
    huge = '<!-- cdcheck: allow GRC "r" -->' * 200_000  # stops at the cap, not at the end
    assert isinstance(_timed_extract(huge), DocumentTooComplex)


# The patterns this module used before issue 12, kept as the oracle for the linear scanner on
# inputs small enough for them: same directives, same blanked text, same messages.
_OLD_COMMENT = re.compile(r"<!--\s*cdcheck\s*:(?P<body>.*?)-->", re.S)
_OLD_BODY = re.compile(
    r'\s*(?P<verb>[A-Za-z-]+)\s+(?P<codes>[^"“”]*?)\s*(?:"(?P<r1>[^"]*)"|“(?P<r2>[^”]*)”)\s*\Z',
    re.S)


def _old_paragraph(text, pos):
    lines = text.splitlines(keepends=True)
    starts = [sum(len(x) for x in lines[:i]) for i in range(len(lines))]
    idx = max(0, next((i for i, s in enumerate(starts) if s > pos), len(starts)) - 1)
    lo = idx
    while lo > 0 and lines[lo - 1].strip():
        lo -= 1
    hi = idx
    while hi + 1 < len(lines) and lines[hi + 1].strip():
        hi += 1
    return starts[lo], starts[hi] + len(lines[hi])


def _old_extract(text, source="o.md"):
    found = list(_OLD_COMMENT.finditer(text))
    if not found:
        return text, []
    chars = list(text)
    for m in found:
        for i in range(m.start(), m.end()):
            if chars[i] not in "\r\n":
                chars[i] = " "
    clean = "".join(chars)
    out = []
    for m in found:
        line = text.count("\n", 0, m.start()) + 1
        body = _OLD_BODY.match(m.group("body"))
        if body is None or body.group("verb").lower() not in ("allow", "allow-file"):
            raise BadOption(
                f"{source}: line {line}: cannot read the cdcheck directive "
                f"{m.group(0).strip()[:80]!r}; write <!-- cdcheck: allow CODE \"reason\" --> "
                "or <!-- cdcheck: allow-file CODE \"reason\" -->")
        reason = (body.group("r1") if body.group("r1") is not None else body.group("r2")).strip()
        if not reason:
            raise BadOption(f"{source}: line {line}: a cdcheck directive needs a reason in quotes")
        try:
            countries = resolve_codes(body.group("codes").split(","), resolve)
        except BadOption as exc:
            raise BadOption(f"{source}: line {line}: {exc}") from None
        line_start = clean.rfind("\n", 0, m.start()) + 1
        line_end = clean.find("\n", m.end())
        line_end = len(clean) if line_end == -1 else line_end
        if body.group("verb").lower() == "allow-file":
            start, end, scope = 0, len(clean), "file"
        elif clean[line_start:line_end].strip():
            (start, end), scope = _old_paragraph(clean, m.start()), "paragraph"
        else:
            nxt = re.compile(r"\S").search(clean, line_end)
            (start, end) = (len(clean), len(clean)) if nxt is None else _old_paragraph(
                clean, nxt.start())
            scope = "next paragraph"
        out.append(Directive(countries, reason, start, end, line, scope))
    return clean, out


_PIECES = ["<!--", "-->", " cdcheck", "cdcheck", ":", " allow", "allow-file", "alow", " GRC",
           ",", " TUR", " X", " *", '"', '"why"', "“", "”", "“a \"q\"”", " ", "  ", "\n", "\n\n",
           "\r\n", "\x0c", "\u2028", "Greece.", "text", "\t"]


_SKELETON = ["<!--", " cdcheck", ":", " allow", " GRC", ",", " TUR", ' "why"', " -->", "\n",
             "Greece.", "\n\n"]


def _mutated(edits) -> str:
    """The skeleton of a valid directive and its paragraph with some pieces replaced."""
    pieces = list(_SKELETON)
    for i, piece in edits:
        pieces[i] = piece
    return "".join(pieces)


def _outcome(fn, text):
    try:
        return fn(text)
    except BadOption as exc:
        return ("error", str(exc))


def test_linear_scanner_agrees_with_the_old_patterns():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    edits = st.lists(st.tuples(st.integers(0, len(_SKELETON) - 1),
                               st.sampled_from([*_PIECES, ""])), max_size=3)
    texts = st.one_of(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join),
                      st.lists(edits.map(_mutated), min_size=1, max_size=4).map("".join))

    @settings(max_examples=400, deadline=None, database=None)
    @given(texts)
    def agree(text):
        assert _outcome(lambda t: extract(t, resolve, "o.md"), text) == \
            _outcome(_old_extract, text)

    agree()
