"""The `Document` every reader returns: the text that is checked, where it came from, and a map
from offsets back to places a person can find (line and column, paragraph or table cell, page).

Text is never rewritten in place after segments are made: directives are blanked with spaces
(see `directives`), so offsets stay valid.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from ..errors import EmptyDocument
from ..schema import Location

Segment = tuple[int, Location]


@dataclass
class Document:
    """A document's text, where it came from, and the map from offsets to locations."""

    source: str
    text: str
    format: str = "txt"
    meta: dict = field(default_factory=dict)
    #: (start offset, Location) sorted by offset; a Location with `line` set also gets a column.
    segments: list[Segment] = field(default_factory=list, repr=False)
    _starts: list[int] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def has_directives(self) -> bool:
        """Whether inline `<!-- cdcheck: ... -->` directives are read in this format."""
        return self.format in ("txt", "md")

    def locate(self, offset: int) -> Location | None:
        """The Location of the character at `offset` (None when the document has no map)."""
        if not self.segments:
            return None
        if self._starts is None or len(self._starts) != len(self.segments):
            self._starts = [s for s, _ in self.segments]
        i = max(0, bisect_right(self._starts, offset) - 1)
        start, where = self.segments[i]
        if where.line is not None:
            return replace(where, column=offset - start + 1)
        return replace(where)


def describe(loc: Location | None) -> str:
    """A Location in words for people: "line 3, column 7", "table 1, row 2, cell 3", "page 4"."""
    if loc is None:
        return ""
    parts = []
    if loc.part and loc.part != "body":
        parts.append(f"{loc.part} {loc.paragraph}" if loc.part in ("footnote", "endnote")
                     and loc.paragraph else loc.part)
    if loc.page is not None:
        parts.append(f"page {loc.page}")
    if loc.table is not None:
        parts.append(f"table {loc.table}, row {loc.row}, cell {loc.cell}")
    elif loc.paragraph is not None and loc.part not in ("footnote", "endnote"):
        parts.append(f"paragraph {loc.paragraph}")
    if loc.line is not None:
        parts.append(f"line {loc.line}" + (f", column {loc.column}" if loc.column else ""))
    return ", ".join(parts)


def check_text(text: str, source: str) -> str:
    """The text itself, or EmptyDocument when it holds nothing to check."""
    if not text.strip():
        raise EmptyDocument(f"{source}: the document is empty")
    return text


class Builder:
    """Joins blocks of text with blank lines and records where each block starts."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.segments: list[Segment] = []
        self.length = 0

    def add(self, text: str, where: Location) -> None:
        """A block (paragraph, cell, note) of its own, after a blank line."""
        if not text.strip():
            return
        if self.parts:
            self.parts.append("\n\n")
            self.length += 2
        self.segments.append((self.length, where))
        self.parts.append(text)
        self.length += len(text)

    def add_lines(self, lines: Sequence[tuple[str, Location]]) -> None:
        """Lines of one flow (a PDF page): soft line breaks become spaces, hard ones newlines.

        A line well short of the page's width that is followed by a capital ends its block (a
        title, a heading, a signature): joining it would glue it to the next sentence.
        """
        width = max((len(t.rstrip()) for t, _ in lines), default=0)
        for text, where in lines:
            if not self.parts:
                self.add(text, where)
                continue
            prev = self.parts[-1].rstrip()
            hard = not prev or not text.strip() or prev[-1] in ".!?:;" or (
                len(prev) > 1 and prev[-1] in "\"'”’)" and prev[-2] in ".!?") or (
                len(prev) < 0.6 * width and text.lstrip()[:1].isupper())
            self.parts.append("\n" if hard else " ")
            self.length += 1
            self.segments.append((self.length, where))
            self.parts.append(text)
            self.length += len(text)

    @property
    def empty(self) -> bool:
        return not "".join(self.parts).strip()

    def document(self, source: str, fmt: str, meta: dict) -> Document:
        text = "".join(self.parts)
        return Document(source, check_text(text, source), fmt, meta, self.segments)


def text_limit(max_chars: int | None) -> int:
    """The character limit a reader stops reading at: the one given, else the checker's
    default (`Settings.max_chars`, CDCHECK_MAX_CHARS), so a reader never builds a text the
    checker would refuse."""
    if max_chars is not None:
        return max_chars
    from ..settings import Settings

    return Settings.max_chars


_malloc_trim = None
#: Bytes read or inflated past which the memory a reader freed is handed back afterwards.
TRIM_ABOVE = 8 * 1024 * 1024


def release_memory() -> None:
    """Hand the memory freed after a large document back to the system. glibc keeps freed heap
    in its arenas otherwise (a worker stayed 347 MiB bigger for good after one 20 MB upload);
    the garbage collector runs first, since lxml's and pypdf's objects hold reference cycles.
    Where there is no glibc only the collection is done."""
    import gc

    global _malloc_trim
    gc.collect()
    if _malloc_trim is None:
        import ctypes

        try:
            _malloc_trim = ctypes.CDLL("libc.so.6").malloc_trim
        except (OSError, AttributeError):
            _malloc_trim = False
    if _malloc_trim:
        _malloc_trim(0)


def detached(exc: BaseException) -> BaseException:
    """`exc` without its traceback and context, which keep the reader's frames alive, and with
    them a large input's parse, until the error is handled: detached, they can be freed (and the
    memory trimmed) before it is raised again."""
    exc.__traceback__ = exc.__context__ = exc.__cause__ = None
    return exc


def reason(exc: BaseException) -> str:
    """A one-line reason for a library's parse error (type and first line, no traceback)."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    text = text[:120]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
