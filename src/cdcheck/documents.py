"""Documents in: files, folders and stdin become text plus a map from offsets back to a place a
person can find (line and column, paragraph or table cell, page), with clear errors for what
cannot be read.

Every reader returns a `Document`: the text that is checked and its `segments`, a sorted list of
(start offset, Location) pairs. `Document.locate(offset)` turns a finding's start offset into the
Location of the segment it falls in. Text is never rewritten in place after segments are made:
directives are blanked with spaces (see `directives`), so offsets stay valid.

Untrusted input is the normal case here (uploads, written submissions), so each reader checks
sizes before it parses: a .docx's declared uncompressed size, a PDF's page count.
"""

from __future__ import annotations

import codecs
import io
import logging
import re
import sys
import warnings
import zipfile
import zlib
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import DocumentTooLarge, EmptyDocument, UnreadableDocument, UnsupportedFormat
from .schema import DocumentReport, Location

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
DOCX_SUFFIXES = {".docx"}
PDF_SUFFIXES = {".pdf"}
SUPPORTED = TEXT_SUFFIXES | DOCX_SUFFIXES | PDF_SUFFIXES
#: Largest file read, in bytes; larger inputs are refused before they are read.
MAX_BYTES = 20 * 1024 * 1024
#: Largest total a .docx may declare once unzipped (a real statement is a few megabytes at most).
MAX_UNZIPPED = 200 * 1024 * 1024
MAX_ZIP_ENTRIES = 5000
MAX_PDF_PAGES = 2000

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


def locate_findings(report: DocumentReport, doc: Document) -> DocumentReport:
    """The report with each finding's `location` set from the document's offset map."""
    for f in report.findings or []:
        f.location = doc.locate(f.mention.start)
    return report


# --------------------------------------------------------------------------- plain text

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


def _bomless_utf16(data: bytes) -> str | None:
    """"utf-16-le"/"utf-16-be" when the bytes look like UTF-16 text without a BOM, else None."""
    sample = data[:4096]
    sample = sample[: len(sample) - len(sample) % 2]
    if len(sample) < 4:
        return None
    pairs = len(sample) // 2
    odd_nul = sum(1 for i in range(1, len(sample), 2) if sample[i] == 0)
    even_nul = sum(1 for i in range(0, len(sample), 2) if sample[i] == 0)
    # Mostly-Latin text in UTF-16 has a zero in the high byte of nearly every code unit.
    if odd_nul > 0.7 * pairs and even_nul < 0.05 * pairs:
        return "utf-16-le"
    if even_nul > 0.7 * pairs and odd_nul < 0.05 * pairs:
        return "utf-16-be"
    return None


def decode_text(data: bytes, source: str = "<input>") -> tuple[str, str]:
    """(text, encoding) for the bytes of a text file: BOMs, UTF-16, UTF-8, then cp1252; binary refused."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc.replace("-sig", "")
            except UnicodeDecodeError:
                raise UnreadableDocument(f"{source}: the file claims {enc} but is not") from None
    if b"\x00" in data[:8192]:
        enc = _bomless_utf16(data)
        if enc is None:
            raise UnreadableDocument(f"{source}: this looks like a binary file, not text")
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            raise UnreadableDocument(f"{source}: this looks like a binary file, not text") from None
    else:
        try:
            text, enc = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            try:
                text, enc = data.decode("cp1252"), "cp1252"
            except UnicodeDecodeError:
                raise UnreadableDocument(
                    f"{source}: the text is neither UTF-8, UTF-16 nor Windows-1252"
                ) from None
    sample = text[:8192]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f")
    if sample and controls / len(sample) > 0.05:
        raise UnreadableDocument(f"{source}: this looks like a binary file, not text")
    return text, enc


def line_segments(text: str) -> list[Segment]:
    """One segment per line of a text file (lines count from 1; `locate` adds the column)."""
    segs = [(0, Location(line=1))]
    for n, m in enumerate(re.finditer("\n", text), start=2):
        segs.append((m.end(), Location(line=n)))
    return segs


def _text_document(data: bytes, source: str, suffix: str) -> Document:
    text, enc = decode_text(data, source)
    fmt = "md" if suffix in (".md", ".markdown") else "txt"
    return Document(source, _check_text(text, source), fmt, {"encoding": enc}, line_segments(text))


def _check_text(text: str, source: str) -> str:
    if not text.strip():
        raise EmptyDocument(f"{source}: the document is empty")
    return text


class _Builder:
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

    def document(self, source: str, fmt: str, meta: dict) -> Document:
        text = "".join(self.parts)
        return Document(source, _check_text(text, source), fmt, meta, self.segments)


# --------------------------------------------------------------------------- .docx

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_NOTE_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml": "footnote",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.endnotes+xml": "endnote",
}


def _guard_zip(data: bytes, source: str) -> None:
    """Refuse a .docx that is not a zip, or whose declared contents are too many or too large."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise UnreadableDocument(
            f"{source}: not a valid .docx file (it is not a zip archive: corrupt, or another format)"
        ) from None
    if len(infos) > MAX_ZIP_ENTRIES:
        raise DocumentTooLarge(f"{source}: the .docx holds {len(infos):,} files; the limit is "
                               f"{MAX_ZIP_ENTRIES:,}")
    total = sum(i.file_size for i in infos)
    if total > MAX_UNZIPPED:
        raise DocumentTooLarge(
            f"{source}: the .docx would expand to {total:,} bytes (limit {MAX_UNZIPPED:,}); "
            "refused as a possible zip bomb"
        )


def _docx_errors() -> tuple[type[BaseException], ...]:
    from docx.opc.exceptions import OpcError
    from lxml.etree import LxmlError

    # What python-docx, zipfile and lxml raise on damaged packages; nothing broader.
    return (OpcError, LxmlError, zipfile.BadZipFile, zlib.error, KeyError, ValueError, TypeError,
            AttributeError, IndexError, EOFError, OSError, NotImplementedError, RecursionError)


_SKIP = {f"{_W}del", f"{_W}moveFrom", f"{_W}pPr", f"{_W}rPr", f"{_W}instrText",
         "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"}
_CHARS = {f"{_W}tab": "\t", f"{_W}ptab": "\t", f"{_W}br": "\n", f"{_W}cr": "\n",
          f"{_W}noBreakHyphen": "-"}


def _paragraph_text(p, boxes: list) -> str:
    """A w:p's visible text, tracked insertions included and deletions left out; text boxes
    met on the way are collected in `boxes` (python-docx's Paragraph.text sees only plain runs)."""
    out: list[str] = []

    def walk(el) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP:
                continue
            if tag == f"{_W}t":
                out.append(child.text or "")
            elif tag in _CHARS:
                out.append(_CHARS[tag])
            elif tag == f"{_W}txbxContent":
                boxes.append(child)
            else:
                walk(child)

    walk(p)
    return "".join(out)


def _owner_table(el):
    """The nearest w:tbl above `el` (rows of a nested table belong to the nested one)."""
    parent = el.getparent()
    while parent is not None and parent.tag != f"{_W}tbl":
        parent = parent.getparent()
    return parent


class _DocxReader:
    """Walks WordprocessingML story elements in document order, numbering what a person counts:
    non-empty paragraphs of a story, and top-level tables with their rows and grid cells."""

    def __init__(self, builder: _Builder):
        self.builder = builder
        self.tables = 0
        self.paragraphs = 0

    def story(self, element, where: Location, count: bool) -> None:
        counter = [0] if count else None
        self.blocks(element, where, counter)
        if count:
            self.paragraphs += counter[0]

    def blocks(self, element, where: Location, counter: list[int] | None) -> None:
        for child in element:
            tag = child.tag
            if tag == f"{_W}p":
                boxes: list = []
                text = _paragraph_text(child, boxes)
                here = where
                if text.strip() and counter is not None:
                    counter[0] += 1
                    here = replace(where, paragraph=counter[0])
                elif counter is not None and counter[0]:
                    here = replace(where, paragraph=counter[0])
                self.builder.add(text, here)
                for box in boxes:
                    self.blocks(box, here, None)
            elif tag == f"{_W}tbl":
                self.table(child, where)
            elif tag in (f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml", f"{_W}ins",
                         f"{_W}moveTo"):
                self.blocks(child, where, counter)

    def table(self, tbl, where: Location) -> None:
        nested = where.table is not None  # a nested table reports the outer table's cell
        if not nested:
            self.tables += 1
            where = replace(where, table=self.tables, paragraph=None)
        rows = [tr for tr in tbl.iter(f"{_W}tr") if _owner_table(tr) is tbl]
        for r, tr in enumerate(rows, start=1):
            before = tr.find(f"{_W}trPr/{_W}gridBefore")
            col = 1 + int(before.get(f"{_W}val", "0")) if before is not None else 1
            for tc in tr.findall(f"{_W}tc"):
                span = tc.find(f"{_W}tcPr/{_W}gridSpan")
                merge = tc.find(f"{_W}tcPr/{_W}vMerge")
                cell_where = where if nested else replace(where, row=r, cell=col)
                # A vertically merged continuation cell holds no content of its own.
                if merge is None or merge.get(f"{_W}val", "continue") != "continue":
                    self.blocks(tc, cell_where, None)
                col += int(span.get(f"{_W}val", "1")) if span is not None else 1

    def notes(self, package) -> None:
        """Footnotes and endnotes (python-docx has no API for them: read their XML parts)."""
        from lxml import etree

        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        for part in package.iter_parts():
            kind = _NOTE_TYPES.get(part.content_type)
            if kind is None:
                continue
            root = etree.fromstring(part.blob, parser)
            n = 0
            for note in root.iterchildren(f"{_W}{kind}"):
                if note.get(f"{_W}type") in ("separator", "continuationSeparator",
                                             "continuationNotice"):
                    continue
                n += 1
                self.blocks(note, Location(part=kind, paragraph=n), None)

    def headers_footers(self, doc, kind: str) -> None:
        seen = set()
        counter = [0]
        for section in doc.sections:
            for hf in (getattr(section, kind), getattr(section, f"first_page_{kind}"),
                       getattr(section, f"even_page_{kind}")):
                if hf.is_linked_to_previous or id(hf.part) in seen:
                    continue
                seen.add(id(hf.part))
                self.blocks(hf.part.element, Location(part=kind), counter)


def _docx_document(data: bytes, source: str) -> Document:
    _guard_zip(data, source)
    import docx

    builder = _Builder()
    reader = _DocxReader(builder)
    try:
        doc = docx.Document(io.BytesIO(data))
        reader.headers_footers(doc, "header")
        reader.story(doc.element.body, Location(part="body"), count=True)
        reader.notes(doc.part.package)
        reader.headers_footers(doc, "footer")
    except _docx_errors() as exc:
        raise UnreadableDocument(
            f"{source}: not a readable .docx file ({_reason(exc)})"
        ) from None
    return builder.document(source, "docx", {"paragraphs": reader.paragraphs,
                                             "tables": reader.tables})


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    text = text[:120]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# --------------------------------------------------------------------------- .pdf

def _pdf_errors() -> tuple[type[BaseException], ...]:
    from pypdf.errors import PyPdfError

    # pypdf raises its own errors and, on damaged files, a handful of builtin ones.
    return (PyPdfError, zlib.error, KeyError, ValueError, TypeError, AttributeError, IndexError,
            AssertionError, EOFError, OSError, NotImplementedError, RecursionError,
            ZeroDivisionError, OverflowError, UnicodeError)


def _pdf_document(data: bytes, source: str) -> Document:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    if b"%PDF-" not in data[:1024]:
        raise UnreadableDocument(f"{source}: not a PDF file (no %PDF header)")
    builder = _Builder()
    pages = 0
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # damaged files: no warnings on stderr
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                try:
                    opened = reader.decrypt("")  # an owner password alone still lets us read
                except DependencyError:
                    raise UnreadableDocument(
                        f"{source}: the PDF is encrypted with AES; reading it needs the "
                        "`cryptography` package (pip install cryptography)"
                    ) from None
                except NotImplementedError:
                    opened = 0
                if not opened:
                    raise UnreadableDocument(
                        f"{source}: the PDF is encrypted (password-protected), cannot check"
                    )
            pages = len(reader.pages)
            if pages > MAX_PDF_PAGES:
                raise DocumentTooLarge(f"{source}: {pages:,} pages; the limit is {MAX_PDF_PAGES:,}")
            for number, page in enumerate(reader.pages, start=1):
                text = (page.extract_text() or "").rstrip()
                lines = text.split("\n") if text else []
                builder.add_lines([(line, Location(page=number, line=i))
                                   for i, line in enumerate(lines, start=1)])
    except (UnreadableDocument, DocumentTooLarge):
        raise
    except _pdf_errors() as exc:
        raise UnreadableDocument(f"{source}: not a readable PDF ({_reason(exc)})") from None
    if not "".join(builder.parts).strip():
        raise UnreadableDocument(
            f"{source}: no text layer, cannot check (a scanned PDF? run OCR on it first)"
        )
    return builder.document(source, "pdf", {"pages": pages})


# --------------------------------------------------------------------------- entry points

def load_path(path: Path, source: str | None = None) -> Document:
    """Read one file into a Document; raises a CdcheckError subclass that says what is wrong."""
    path = Path(path)
    source = source or str(path)
    suffix = path.suffix.lower()
    try:
        if path.is_dir():
            raise UnreadableDocument(f"{source}: is a directory")
        if suffix not in SUPPORTED:
            if not path.exists():
                raise UnreadableDocument(f"{source}: no such file")
            raise UnsupportedFormat(_unsupported(source, suffix))
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise DocumentTooLarge(f"{source}: {size:,} bytes is over the {MAX_BYTES:,}-byte limit")
        data = path.read_bytes()
    except FileNotFoundError:
        raise UnreadableDocument(f"{source}: no such file") from None
    except PermissionError:
        raise UnreadableDocument(f"{source}: permission denied") from None
    except OSError as exc:
        raise UnreadableDocument(f"{source}: cannot be read ({exc.strerror})") from None
    return load_bytes(data, source, suffix)


def _unsupported(source: str, suffix: str) -> str:
    return (f"{source}: unsupported file type {suffix or '(none)'}; "
            f"cdcheck reads {', '.join(sorted(SUPPORTED))}")


def load_bytes(data: bytes, source: str, suffix: str = ".txt") -> Document:
    """A Document from raw bytes of a given type (the web upload path shares this)."""
    if len(data) > MAX_BYTES:
        raise DocumentTooLarge(f"{source}: {len(data):,} bytes is over the {MAX_BYTES:,}-byte limit")
    suffix = suffix.lower()
    if suffix and not suffix.startswith("."):
        suffix = "." + suffix
    if suffix not in SUPPORTED:
        raise UnsupportedFormat(_unsupported(source, suffix))
    if not data.strip():
        raise EmptyDocument(f"{source}: the document is empty")
    if suffix in DOCX_SUFFIXES:
        return _docx_document(data, source)
    if suffix in PDF_SUFFIXES:
        return _pdf_document(data, source)
    return _text_document(data, source, suffix)


def load_stdin() -> Document:
    """Standard input as one document named <stdin>."""
    data = sys.stdin.buffer.read(MAX_BYTES + 1)
    return load_bytes(data, "<stdin>", ".txt")


# --------------------------------------------------------------------------- finding files

def glob_regex(pattern: str) -> re.Pattern:
    """A compiled regex for a gitignore-like glob: `*` within a folder, `**` across folders.

    A pattern without "/" matches a file's name at any depth ("*.pdf", "draft-*"); one with "/"
    matches the path relative to the folder named on the command line ("2024/**/*.docx").
    """
    pat = pattern.strip().replace("\\", "/").removeprefix("./")
    anchored = "/" in pat.rstrip("/")
    if pat.endswith("/"):
        pat += "**"
    out, i = [], 0
    while i < len(pat):
        ch = pat[i]
        if pat.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pat.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if ch == "*":
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "[":
            j = pat.find("]", i + 1)
            if j == -1:
                out.append(re.escape(ch))
            else:
                body = pat[i + 1:j].replace("\\", "\\\\")
                out.append("[" + ("^" + body[1:] if body.startswith("!") else body) + "]")
                i = j
        else:
            out.append(re.escape(ch))
        i += 1
    body = "".join(out)
    return re.compile(body + r"\Z" if anchored else r"(?:.*/)?" + body + r"\Z")


class PathFilter:
    """Decides which files to check from `include` and `exclude` globs (see `glob_regex`).

    Globs from the command line are relative to the folder named there (`base` None); globs from
    a configuration file are relative to that file's folder (`base` set).
    """

    def __init__(self, include: Iterable[str] = (), exclude: Iterable[str] = (),
                 include_base: Path | None = None, exclude_base: Path | None = None):
        self.include = [glob_regex(p) for p in include]
        self.exclude = [glob_regex(p) for p in exclude]
        self.include_base = include_base
        self.exclude_base = exclude_base

    @staticmethod
    def _rel(path: Path, root: Path | None, base: Path | None) -> str:
        anchor = base or root
        if anchor is not None:
            try:
                return path.resolve().relative_to(anchor.resolve()).as_posix()
            except ValueError:
                pass
        return path.as_posix().removeprefix("./")

    def __call__(self, path: Path, root: Path | None = None) -> bool:
        """Whether to check `path` (found under folder `root`, or named explicitly: root None)."""
        if self.exclude:
            parts = self._rel(path, root, self.exclude_base).split("/")
            # A folder that matches an exclude pattern excludes everything under it.
            for k in range(1, len(parts) + 1):
                if any(rx.match("/".join(parts[:k])) for rx in self.exclude):
                    return False
        if not self.include:
            return True
        rel = self._rel(path, root, self.include_base)
        return any(rx.match(rel) for rx in self.include)


def expand_paths(paths: Iterable[str], keep: PathFilter | None = None,
                 force_exclude: bool = False) -> Iterator[Path | str]:
    """Files named, and supported files under folders named (sorted, filtered); "-" passes through.

    `keep` filters files found in folders; files named explicitly are always checked unless
    `force_exclude` (as in a pre-commit hook, which names every changed file): then it filters
    them too.
    """
    keep = keep or PathFilter()
    for p in paths:
        if p == "-":
            yield p
            continue
        path = Path(p)
        if path.is_dir():
            yield from sorted(f for f in path.rglob("*")
                              if f.suffix.lower() in SUPPORTED and f.is_file() and keep(f, path))
        elif not force_exclude or keep(path, None):
            yield path
