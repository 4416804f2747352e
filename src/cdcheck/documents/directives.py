"""Accepting reviewed mentions: inline directives in .txt/.md and `allow` entries of the config.

A directive is an HTML comment (invisible when Markdown is rendered):

    <!-- cdcheck: allow GRC "the speaker is Greece, the country under review" -->
    Greece adopted a new national action plan in 2023.

- `allow CODES "reason"` on a line of its own accepts the findings for those countries in the
  next paragraph (the next run of non-blank lines); written at the end of a line of text, it
  accepts them in the paragraph it stands in.
- `allow-file CODES "reason"` accepts them anywhere in the document.

CODES is one or more countries separated by commas: ISO 3166 alpha-2 or alpha-3 codes or names
("GRC", "GR", "Greece"), `X` for placeholders such as "Country X", or `*` for any country. The
reason is required: accepted findings stay in every report, marked accepted with it, and no longer
count towards the verdict. A malformed directive is an error for that document, never ignored.

Directives are blanked out with spaces before the text is checked, so they are never read as
statement text and every offset after them stays what it was in the file.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

from ..errors import BadOption, CdcheckError, DocumentTooComplex
from ..schema import Acceptance

#: After "<!--": the prefix of a directive, matched anchored (never searched for).
_PREFIX = re.compile(r"\s*cdcheck\s*:")
_VERB = re.compile(r"[A-Za-z-]+")
_QUOTE = re.compile("[\"“”]")
_NON_SPACE = re.compile(r"\S")
_NOT_BREAK = re.compile(r"[^\r\n]")
#: Most directives read in one document; a real statement has a handful.
MAX_DIRECTIVES = 500
VERBS = ("allow", "allow-file")
ANY = "*"
PLACEHOLDER = "X"


@dataclass(frozen=True)
class Directive:
    """One acceptance: which countries, why, and which span of the text it covers."""

    countries: frozenset[str]  # ISO3 codes, "X" for placeholders, "*" for any
    reason: str
    start: int = 0
    end: int = 0  # offsets into the text; the whole document for allow-file and config entries
    line: int | None = None  # where it was written (None: from the configuration file)
    scope: str = "paragraph"  # "paragraph", "next paragraph", "file"
    origin: str = "directive"  # "directive" or the configuration file's name

    def covers(self, country_key: str, offset: int) -> bool:
        """Whether a mention of `country_key` (ISO3 or "X") at `offset` is accepted."""
        return (ANY in self.countries or country_key in self.countries) and \
            self.start <= offset < self.end

    def acceptance(self) -> Acceptance:
        """What a finding this directive covers records about its acceptance."""
        return Acceptance(self.reason, self.line, self.origin)

    def to_dict(self, used: int = 0) -> dict:
        """The directive in a report, with the number of findings it accepted."""
        d = {"countries": sorted(self.countries), "reason": self.reason, "scope": self.scope,
             "accepted": used}
        if self.line is not None:
            d["line"] = self.line
        else:
            d["origin"] = self.origin
        return d


def resolve_codes(codes: Iterable[str], resolve: Callable[[str], str | None]) -> frozenset[str]:
    """ISO3 codes (and "X", "*") for the countries a directive or config entry names."""
    out = set()
    for raw in codes:
        code = raw.strip()
        if not code:
            continue
        if code in (ANY, PLACEHOLDER, PLACEHOLDER.lower()):
            out.add(code.upper())
            continue
        resolved = resolve(code)
        if resolved:
            out.add(resolved)
    if not out:
        raise BadOption("no country named (give ISO codes, names, X or *)")
    return frozenset(out)


def _comments(text: str, source: str) -> list[tuple[int, int, int]]:
    """(start, body start, end) of every `<!-- cdcheck: ... -->` comment, in one pass.

    The delimiters are found with str.find and the prefix matched anchored, so the scan is
    linear whatever the text (a lazy regular expression over the whole text was quadratic on
    unclosed comments); DocumentTooComplex past MAX_DIRECTIVES.
    """
    found: list[tuple[int, int, int]] = []
    pos = 0
    while (start := text.find("<!--", pos)) != -1:
        prefix = _PREFIX.match(text, start + 4)
        if prefix is None:
            pos = start + 1
            continue
        close = text.find("-->", prefix.end())
        if close == -1:
            break  # no comment that starts later can be closed either
        if len(found) == MAX_DIRECTIVES:
            raise DocumentTooComplex(f"{source}: more than {MAX_DIRECTIVES:,} cdcheck directives; "
                                     f"the limit is {MAX_DIRECTIVES:,} per document")
        found.append((start, prefix.end(), close + 3))
        pos = close + 3
    return found


def _parse_body(body: str) -> tuple[str, str, str] | None:
    """(verb, codes, reason) of a directive's body `VERB CODES "reason"`, or None.

    Read left to right with anchored matches and str methods: each character is looked at a
    bounded number of times (the single pattern this replaces backtracked on runs of spaces).
    """
    rest = body.lstrip()
    verb = _VERB.match(rest)
    if verb is None or not rest[verb.end():verb.end() + 1].isspace():
        return None
    after = rest[verb.end():]
    quote = _QUOTE.search(after)
    if quote is None or quote.group() == "”":
        return None
    closer = '"' if quote.group() == '"' else "”"
    close = after.find(closer, quote.end())
    if close == -1 or after[close + 1:].strip():
        return None
    return verb.group(), after[:quote.start()].strip(), after[quote.end():close]


class _Layout:
    """Where lines and paragraphs of the blanked text start and end, computed once, so each
    directive's scope costs a bisection instead of a scan of the text."""

    def __init__(self, clean: str):
        self.clean = clean
        lines = clean.splitlines(keepends=True)
        self.starts = list(accumulate((len(line) for line in lines[:-1]), initial=0))
        self.ends = [s + len(line) for s, line in zip(self.starts, lines, strict=True)]
        filled = [bool(line.strip()) for line in lines]
        self.lo = list(range(len(lines)))
        for i in range(1, len(lines)):
            if filled[i - 1]:
                self.lo[i] = self.lo[i - 1]
        self.hi = list(range(len(lines)))
        for i in range(len(lines) - 2, -1, -1):
            if filled[i + 1]:
                self.hi[i] = self.hi[i + 1]
        self.newlines = [m.start() for m in re.finditer("\n", clean)]
        self._filled_lines: dict[tuple[int, int], bool] = {}
        #: The last search: [start, found) holds only whitespace, `found` is the next \S (or the end).
        self._scan: tuple[int, int] | None = None

    def paragraph(self, pos: int) -> tuple[int, int]:
        """The (start, end) of the run of non-blank lines around `pos`."""
        idx = max(0, bisect_right(self.starts, pos) - 1)
        return self.starts[self.lo[idx]], self.ends[self.hi[idx]]

    def next_paragraph(self, pos: int) -> tuple[int, int]:
        """The (start, end) of the first run of non-blank lines at or after `pos` (positions
        asked for never decrease, so whitespace already skipped is not scanned again)."""
        if self._scan is not None and self._scan[0] <= pos <= self._scan[1]:
            found = self._scan[1]
        else:
            m = _NON_SPACE.search(self.clean, pos)
            found = len(self.clean) if m is None else m.start()
        self._scan = (pos, found)
        if found == len(self.clean):
            return found, found
        return self.paragraph(found)

    def line_of(self, start: int, end: int) -> tuple[int, int, bool]:
        """(start, end, has text) of the newline-delimited line around the comment [start, end)."""
        k = bisect_right(self.newlines, start)
        line_start = self.newlines[k - 1] + 1 if k else 0
        j = bisect_left(self.newlines, end)
        line_end = self.newlines[j] if j < len(self.newlines) else len(self.clean)
        if (line_start, line_end) not in self._filled_lines:
            self._filled_lines[line_start, line_end] = bool(
                self.clean[line_start:line_end].strip())
        return line_start, line_end, self._filled_lines[line_start, line_end]


def _blank(text: str, comments: list[tuple[int, int, int]]) -> str:
    """The text with each comment replaced by spaces, its line breaks kept (offsets unchanged)."""
    parts, pos = [], 0
    for start, _, end in comments:
        parts.append(text[pos:start])
        parts.append(_NOT_BREAK.sub(" ", text[start:end]))
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def _malformed(source: str, line: int, comment: str) -> BadOption:
    return BadOption(
        f"{source}: line {line}: cannot read the cdcheck directive "
        f"{comment.strip()[:80]!r}; write <!-- cdcheck: allow CODE \"reason\" --> "
        "or <!-- cdcheck: allow-file CODE \"reason\" -->"
    )


def _directive(text: str, comment: tuple[int, int, int], line: int, layout: _Layout,
               resolve: Callable[[str], str | None], source: str) -> Directive:
    """One comment as a Directive with its scope; BadOption, naming the line, if malformed."""
    start, body_start, end = comment
    parsed = _parse_body(text[body_start:end - 3])
    if parsed is None or parsed[0].lower() not in VERBS:
        raise _malformed(source, line, text[start:end])
    verb, codes, reason = parsed[0].lower(), parsed[1], parsed[2].strip()
    if not reason:
        raise BadOption(f"{source}: line {line}: a cdcheck directive needs a reason in quotes")
    try:
        countries = resolve_codes(codes.split(","), resolve)
    except CdcheckError as exc:
        raise BadOption(f"{source}: line {line}: {exc}") from None
    _, line_end, inline = layout.line_of(start, end)
    if verb == "allow-file":
        (lo, hi), scope = (0, len(layout.clean)), "file"
    elif inline:
        (lo, hi), scope = layout.paragraph(start), "paragraph"
    else:
        (lo, hi), scope = layout.next_paragraph(line_end), "next paragraph"
    return Directive(countries, reason, lo, hi, line, scope)


def extract(text: str, resolve: Callable[[str], str | None],
            source: str = "<text>") -> tuple[str, list[Directive]]:
    """(the text with every directive blanked to spaces, the directives found in it).

    Raises BadOption, naming the line, for a directive that cannot be understood, and
    DocumentTooComplex past MAX_DIRECTIVES. Time and memory are linear in the text's length.
    """
    comments = _comments(text, source)
    if not comments:
        return text, []
    clean = _blank(text, comments)  # first: scopes are computed on the text as it will be checked
    layout = _Layout(clean)
    directives, line, counted = [], 1, 0
    for comment in comments:
        line += text.count("\n", counted, comment[0])
        counted = comment[0]
        directives.append(_directive(text, comment, line, layout, resolve, source))
    return clean, directives


def from_config(allow, source: str, length: int, base: Path | None,
                resolve: Callable[[str], str | None]) -> list[Directive]:
    """File-wide directives from a configuration's `[[allow]]` entries whose paths match `source`
    (paths relative to the configuration file's folder, `base`)."""
    if not allow or source == "<stdin>":
        return []
    from .paths import PathFilter

    out = []
    for entry in allow:
        if PathFilter(include=entry.paths, include_base=base)(Path(source), None):
            out.append(Directive(resolve_codes(entry.countries, resolve), entry.reason, 0, length,
                                 None, "file", "the configuration file"))
    return out


def covering(directives: Iterable[Directive], country_key: str, offset: int) -> Directive | None:
    """The first directive that accepts a mention of `country_key` at `offset`, if any."""
    return next((d for d in directives if d.covers(country_key, offset)), None)
