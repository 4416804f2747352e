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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import BadOption, CdcheckError
from ..schema import Acceptance

_COMMENT = re.compile(r"<!--\s*cdcheck\s*:(?P<body>.*?)-->", re.S)
_BODY = re.compile(
    r'\s*(?P<verb>[A-Za-z-]+)\s+(?P<codes>[^"“”]*?)\s*(?:"(?P<r1>[^"]*)"|“(?P<r2>[^”]*)”)\s*\Z',
    re.S,
)
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


def _paragraph_bounds(text: str, pos: int) -> tuple[int, int]:
    """The (start, end) of the run of non-blank lines around `pos`."""
    lines = text.splitlines(keepends=True)
    starts, acc = [], 0
    for line in lines:
        starts.append(acc)
        acc += len(line)
    idx = max(0, next((i for i, s in enumerate(starts) if s > pos), len(starts)) - 1)
    lo = idx
    while lo > 0 and lines[lo - 1].strip():
        lo -= 1
    hi = idx
    while hi + 1 < len(lines) and lines[hi + 1].strip():
        hi += 1
    return starts[lo], starts[hi] + len(lines[hi])


def _next_paragraph(text: str, pos: int) -> tuple[int, int]:
    """The (start, end) of the first run of non-blank lines at or after `pos`."""
    m = re.compile(r"\S").search(text, pos)
    if m is None:
        return len(text), len(text)
    return _paragraph_bounds(text, m.start())


def extract(text: str, resolve: Callable[[str], str | None],
            source: str = "<text>") -> tuple[str, list[Directive]]:
    """(the text with every directive blanked to spaces, the directives found in it).

    Raises BadOption, naming the line, for a directive that cannot be understood.
    """
    found = list(_COMMENT.finditer(text))
    if not found:
        return text, []
    chars = list(text)
    for m in found:  # blank first: scopes are computed on the text as it will be checked
        for i in range(m.start(), m.end()):
            if chars[i] not in "\r\n":
                chars[i] = " "
    clean = "".join(chars)
    directives = []
    for m in found:
        line = text.count("\n", 0, m.start()) + 1
        body = _BODY.match(m.group("body"))
        if body is None or body.group("verb").lower() not in VERBS:
            raise BadOption(
                f"{source}: line {line}: cannot read the cdcheck directive "
                f"{m.group(0).strip()[:80]!r}; write <!-- cdcheck: allow CODE \"reason\" --> "
                "or <!-- cdcheck: allow-file CODE \"reason\" -->"
            )
        reason = (body.group("r1") if body.group("r1") is not None else body.group("r2")).strip()
        if not reason:
            raise BadOption(f"{source}: line {line}: a cdcheck directive needs a reason in quotes")
        try:
            countries = resolve_codes(body.group("codes").split(","), resolve)
        except CdcheckError as exc:
            raise BadOption(f"{source}: line {line}: {exc}") from None
        verb = body.group("verb").lower()
        line_start = clean.rfind("\n", 0, m.start()) + 1
        line_end = clean.find("\n", m.end())
        line_end = len(clean) if line_end == -1 else line_end
        if verb == "allow-file":
            start, end, scope = 0, len(clean), "file"
        elif clean[line_start:line_end].strip():
            (start, end), scope = _paragraph_bounds(clean, m.start()), "paragraph"
        else:
            (start, end), scope = _next_paragraph(clean, line_end), "next paragraph"
        directives.append(Directive(countries, reason, start, end, line, scope))
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
