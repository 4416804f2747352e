"""Reading .docx: WordprocessingML story elements in document order (body, tables, text boxes,
tracked changes, headers and footers, footnotes and endnotes), with locations a person counts.

A .docx is untrusted input (uploads, written submissions), small on disk and possibly huge
inside (a 616 KB file declared 190 MB of XML). So the package is read here with zipfile and lxml
rather than python-docx, which inflates and parses every part up front:

- the zip is checked before anything is inflated (entry count, declared sizes, encryption);
- only the parts that hold the statement are inflated, in chunks, counting the bytes actually
  produced (a declared size can lie), per part and in all;
- their XML is parsed as a stream: elements and text are counted as they arrive, each top-level
  block (paragraph, table) is read and freed as soon as it ends, and formatting the reader never
  looks at is dropped on the way;
- reading stops with DocumentTooLarge as soon as one of those limits, or the checker's character
  limit, is passed.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import replace

from ..errors import CdcheckError, DocumentTooLarge, UnreadableDocument
from ..schema import Location
from .document import (
    TRIM_ABOVE,
    Builder,
    Document,
    detached,
    reason,
    release_memory,
    text_limit,
)

#: Largest total a .docx may declare once unzipped (a real statement is a few megabytes at most).
MAX_UNZIPPED = 200 * 1024 * 1024
MAX_ZIP_ENTRIES = 5000
#: Largest story part (document, header, footer, notes) inflated, in bytes actually produced; a
#: 100-page statement's document.xml is a few megabytes.
MAX_PART_BYTES = 32 * 1024 * 1024
#: Largest total of XML inflated for one document (all the parts read).
MAX_XML_BYTES = 64 * 1024 * 1024
#: Largest package part (content types, relationships): a few kilobytes in real files.
MAX_PACKAGE_PART_BYTES = 1024 * 1024
#: Most XML elements parsed in one document (a 100-page statement written in Word has about
#: 50,000 to 100,000); about 400 bytes of memory each while a block is open, about 1.5 s of
#: parsing at the limit.
MAX_ELEMENTS = 500_000
#: Elements parsed past which the memory freed is handed back after reading (the open blocks
#: of a document this large can have held tens of megabytes).
TRIM_ELEMENTS = 100_000
#: Raw text in w:t elements, as a multiple of the character limit, past which reading stops
#: inside a block (the exact limit is applied to the text kept, block by block).
RAW_TEXT_FACTOR = 4
_CHUNK = 64 * 1024

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_MAIN_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_NOTE_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml": "footnote",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.endnotes+xml": "endnote",
}
#: Header/footer references of a section, in the order python-docx (and this reader) reads them.
_HF_TYPES = ("default", "first", "even")


def _guard_zip(data: bytes, source: str) -> zipfile.ZipFile:
    """The open zip, or an error for one that is not a zip, is encrypted, or declares too many or
    too large contents (checked before anything is inflated)."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
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
    if any(i.flag_bits & 0x1 for i in infos):
        raise UnreadableDocument(f"{source}: the .docx is encrypted (password-protected), "
                                 "cannot check")
    return zf


def _docx_errors() -> tuple[type[BaseException], ...]:
    from lxml.etree import LxmlError

    # What zipfile and lxml raise on damaged packages; nothing broader.
    return (LxmlError, zipfile.BadZipFile, zlib.error, KeyError, ValueError, TypeError,
            AttributeError, IndexError, EOFError, OSError, NotImplementedError, RecursionError)


class _Budget:
    """What reading one .docx has cost so far (bytes inflated, elements parsed, text kept),
    against the limits; DocumentTooLarge the moment one is passed."""

    def __init__(self, source: str, max_chars: int):
        self.source = source
        self.max_chars = max_chars
        self.inflated = 0
        self.elements = 0
        self.raw_text = 0
        self.text = 0

    def inflate(self, part: str, part_bytes: int, limit: int, new: int) -> None:
        """`new` more bytes inflated from `part` (`part_bytes` so far): the actual bytes, which
        zipfile also holds to what the part declared."""
        self.inflated += new
        if part_bytes > limit:
            raise DocumentTooLarge(f"{self.source}: the .docx part {part} inflates to more than "
                                   f"{limit:,} bytes; refused as a possible zip bomb")
        if self.inflated > MAX_XML_BYTES:
            raise DocumentTooLarge(f"{self.source}: the .docx inflates to more than "
                                   f"{MAX_XML_BYTES:,} bytes of XML; refused as a possible zip bomb")

    def element(self) -> None:
        """Raise if the elements counted (by `_stream`, inline) are over the limit."""
        if self.elements > MAX_ELEMENTS:
            raise DocumentTooLarge(f"{self.source}: the .docx holds more than {MAX_ELEMENTS:,} "
                                   "XML elements; refused")

    def raw(self, length: int) -> None:
        """A w:t's text, kept or not: stops a giant paragraph before it ends."""
        self.raw_text += length
        if self.raw_text > RAW_TEXT_FACTOR * self.max_chars:
            raise self._over_text()

    def kept(self, length: int) -> None:
        """A block of `length` characters joins the text (after a blank line if not the first)."""
        self.text += length + (2 if self.text else 0)
        if self.text > self.max_chars:
            raise self._over_text()

    def _over_text(self) -> DocumentTooLarge:
        return DocumentTooLarge(f"{self.source}: the text is over the limit of {self.max_chars:,} "
                                "characters (set CDCHECK_MAX_CHARS to change it); reading stopped")


class _Inflating:
    """A zip member as a file for lxml: inflated in chunks, each counted against the budget."""

    def __init__(self, member, part: str, budget: _Budget, limit: int):
        self.member = member
        self.part = part
        self.budget = budget
        self.limit = limit
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        """At most one chunk, however much lxml asks for."""
        data = self.member.read(_CHUNK if size is None or size < 0 else min(size, _CHUNK))
        self.size += len(data)
        self.budget.inflate(self.part, self.size, self.limit, len(data))
        return data

    def read_all(self) -> bytes:
        """The whole part, chunk by chunk, within its limit."""
        chunks = []
        while chunk := self.read():
            chunks.append(chunk)
        return b"".join(chunks)


def _package_xml(zf: zipfile.ZipFile, part: str, budget: _Budget):
    """A small package part (content types, relationships), read within its limit and parsed."""
    from lxml import etree

    with zf.open(part) as member:
        data = _Inflating(member, part, budget, MAX_PACKAGE_PART_BYTES).read_all()
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    return etree.fromstring(data, parser)


def _relationships(zf: zipfile.ZipFile, part: str, budget: _Budget) -> list[tuple[str, str, str]]:
    """(id, type, target part) of `part`'s internal relationships, in the order written."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    try:
        zf.getinfo(rels)
    except KeyError:
        return []
    out = []
    for rel in _package_xml(zf, rels, budget).iter(f"{_REL}Relationship"):
        target = rel.get("Target") or ""
        if rel.get("TargetMode") == "External" or not target:
            continue
        path = target[1:] if target.startswith("/") else posixpath.join(folder, target)
        out.append((rel.get("Id") or "", rel.get("Type") or "", posixpath.normpath(path)))
    return out


def _content_types(zf: zipfile.ZipFile, budget: _Budget) -> Callable[[str], str | None]:
    """The content type of a part, from [Content_Types].xml (overrides, then defaults)."""
    root = _package_xml(zf, "[Content_Types].xml", budget)
    defaults = {(d.get("Extension") or "").lower(): d.get("ContentType")
                for d in root.iter(f"{_CT}Default")}
    overrides = {(o.get("PartName") or "").lower(): o.get("ContentType")
                 for o in root.iter(f"{_CT}Override")}

    def content_type(part: str) -> str | None:
        name = "/" + part.lower()
        return overrides.get(name) or defaults.get(posixpath.splitext(name)[1][1:])

    return content_type


_T, _PPR, _SECT_PR = f"{_W}t", f"{_W}pPr", f"{_W}sectPr"
#: Elements the reader never looks at inside: emptied as they end, so an open block stays small.
_DROP = {f"{_W}rPr", f"{_W}del", f"{_W}moveFrom", f"{_W}instrText", f"{_W}delText",
         "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"}


def _stream(zf: zipfile.ZipFile, part: str, budget: _Budget, depth: int,
            keep_blank: bool = False) -> Iterator:
    """The elements at `depth` of `part` (its root is depth 0), each complete when yielded and
    freed once the caller is done with it; every element and all w:t text counted on the way."""
    from lxml import etree

    with zf.open(part) as member:
        events = etree.iterparse(
            _Inflating(member, part, budget, MAX_PART_BYTES), events=("start", "end"),
            remove_blank_text=not keep_blank, remove_comments=True, remove_pis=True,
            resolve_entities=False, no_network=True, huge_tree=False)
        level = 0
        for event, el in events:
            if event == "start":  # the hot loop: a million turns at the limit, kept lean
                level += 1
                budget.elements += 1
                if budget.elements > MAX_ELEMENTS:
                    budget.element()
                continue
            level -= 1
            tag = el.tag
            if tag == _T:
                budget.raw(len(el.text or ""))
            elif tag in _DROP:
                el.clear()
            elif tag == _PPR:
                for child in [c for c in el if c.tag != _SECT_PR]:
                    el.remove(child)
            if level == depth:
                yield el
                el.clear()
                parent = el.getparent()
                while parent is not None and el.getprevious() is not None:
                    del parent[0]


_SKIP = {f"{_W}del", f"{_W}moveFrom", f"{_W}pPr", f"{_W}rPr", f"{_W}instrText",
         "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"}
_CHARS = {f"{_W}tab": "\t", f"{_W}ptab": "\t", f"{_W}br": "\n", f"{_W}cr": "\n",
          f"{_W}noBreakHyphen": "-"}
_WRAPPERS = (f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml", f"{_W}ins", f"{_W}moveTo")


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


def _rows(el) -> Iterator:
    """The w:tr rows of a table in document order, those inside row-level wrappers included and
    those of tables nested in its cells not (one walk: linear however deep tables nest)."""
    for child in el:
        tag = child.tag
        if tag == f"{_W}tbl" or not isinstance(tag, str):
            continue
        if tag == f"{_W}tr":
            yield child
        yield from _rows(child)


class _DocxReader:
    """Walks WordprocessingML story elements in document order, numbering what a person counts:
    non-empty paragraphs of a story, and top-level tables with their rows and grid cells."""

    def __init__(self, budget: _Budget):
        self.budget = budget
        self.out: list[tuple[str, Location]] = []
        self.tables = 0
        self.paragraphs = 0

    def emit(self, text: str, where: Location) -> None:
        """A block of text for the document (blank ones are left out, as Builder does)."""
        if text.strip():
            self.budget.kept(len(text))
            self.out.append((text, where))

    def block(self, child, where: Location, counter: list[int] | None) -> None:
        """One child of a story or cell: a paragraph, a table, or a wrapper around blocks."""
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
            self.emit(text, here)
            for box in boxes:
                self.blocks(box, here, None)
        elif tag == f"{_W}tbl":
            self.table(child, where)
        elif tag in _WRAPPERS:
            self.blocks(child, where, counter)

    def blocks(self, element, where: Location, counter: list[int] | None) -> None:
        for child in element:
            self.block(child, where, counter)

    def table(self, tbl, where: Location) -> None:
        """A table's cells by row and grid column (a merged cell once, at its first column)."""
        nested = where.table is not None  # a nested table reports the outer table's cell
        if not nested:
            self.tables += 1
            where = replace(where, table=self.tables, paragraph=None)
        for r, tr in enumerate(_rows(tbl), start=1):
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


def _references(sect_pr) -> dict[tuple[str, str], str]:
    """{(header|footer, default|first|even): relationship id} of one w:sectPr (the first
    reference of each type counts, as in python-docx)."""
    refs: dict[tuple[str, str], str] = {}
    for kind in ("header", "footer"):
        for ref in sect_pr.iterchildren(f"{_W}{kind}Reference"):
            refs.setdefault((kind, ref.get(f"{_W}type") or ""), ref.get(
                "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id") or "")
    return refs


def _body(zf: zipfile.ZipFile, part: str, reader: _DocxReader) -> list[dict]:
    """Read the body of the main document part; the sections' header/footer references."""
    sections: list[dict] = []
    counter = [0]
    body = None
    where = Location(part="body")
    for el in _stream(zf, part, reader.budget, depth=2):
        if not len(el):
            continue  # an empty paragraph or section adds nothing (and is the cheapest flood)
        parent = el.getparent()
        if body is None and parent.tag == f"{_W}body":
            body = parent  # the first w:body is the document's, as for python-docx
        if parent is not body:
            continue
        tag = el.tag
        if tag == _SECT_PR:
            sections.append(_references(el))
        elif tag == f"{_W}p" and (sect := el.find(f"{_PPR}/{_SECT_PR}")) is not None:
            sections.append(_references(sect))
        reader.block(el, where, counter)
    reader.paragraphs += counter[0]
    return sections


def _headers_footers(zf: zipfile.ZipFile, kind: str, sections: list[dict], rels: dict[str, str],
                     reader: _DocxReader) -> None:
    """Each section's own headers (or footers), each part once, in section order."""
    seen = set()
    counter = [0]
    for refs in sections:
        for hf_type in _HF_TYPES:
            rid = refs.get((kind, hf_type))
            if rid is None:
                continue  # linked to the previous section's
            part = rels[rid]  # KeyError: a reference to no part is a damaged package
            if part in seen:
                continue
            seen.add(part)
            for el in _stream(zf, part, reader.budget, depth=1):
                reader.block(el, Location(part=kind), counter)


def _notes(zf: zipfile.ZipFile, parts: list[tuple[str, str]], reader: _DocxReader) -> None:
    """Footnotes and endnotes, numbered per part in the order stored, separators left out."""
    for part, kind in parts:
        n = 0
        for note in _stream(zf, part, reader.budget, depth=1, keep_blank=True):
            if note.tag != f"{_W}{kind}" or note.get(f"{_W}type") in (
                    "separator", "continuationSeparator", "continuationNotice"):
                continue
            n += 1
            reader.blocks(note, Location(part=kind, paragraph=n), None)


def _main_part(zf: zipfile.ZipFile, budget: _Budget, source: str) -> tuple[str, Callable]:
    """The main document part's name and the content-type lookup; an error if not Word."""
    content_type = _content_types(zf, budget)
    main = next((target for _, rtype, target in _relationships(zf, "", budget)
                 if rtype == _RT + "officeDocument"), None)
    if main is None:
        raise UnreadableDocument(f"{source}: not a readable .docx file (no main document part)")
    if content_type(main) != _MAIN_TYPE:
        raise UnreadableDocument(f"{source}: not a readable .docx file (not a Word document, "
                                 f"content type is {str(content_type(main))[:80]!r})")
    return main, content_type


def _read(zf: zipfile.ZipFile, reader: _DocxReader, source: str) -> list[tuple[str, Location]]:
    """All the document's blocks in reading order: headers, body, notes, footers; what zipfile
    and lxml raise on a damaged package becomes UnreadableDocument."""
    try:
        return _read_parts(zf, reader, source)
    except _docx_errors() as exc:
        raise UnreadableDocument(f"{source}: not a readable .docx file ({reason(exc)})") from None


def _read_parts(zf: zipfile.ZipFile, reader: _DocxReader,
                source: str) -> list[tuple[str, Location]]:
    """The body first (its sections name the headers and footers), then the other parts."""
    main, content_type = _main_part(zf, reader.budget, source)
    rels = _relationships(zf, main, reader.budget)
    sections = _body(zf, main, reader)
    body, reader.out = reader.out, []
    by_id = {rid: target for rid, _, target in rels}
    _headers_footers(zf, "header", sections, by_id, reader)
    headers, reader.out = reader.out, []
    notes = list(dict.fromkeys((target, _NOTE_TYPES[content_type(target)]) for _, _, target in rels
                               if content_type(target) in _NOTE_TYPES))
    _notes(zf, notes, reader)
    _headers_footers(zf, "footer", sections, by_id, reader)
    return headers + body + reader.out


def read_docx(data: bytes, source: str, max_chars: int | None = None) -> Document:
    """A .docx file's text and locations; raises UnreadableDocument or DocumentTooLarge (also
    as soon as the text passes `max_chars`, by default the checker's limit)."""
    zf = _guard_zip(data, source)
    budget = _Budget(source, text_limit(max_chars))
    reader = _DocxReader(budget)
    error = None
    try:
        blocks = _read(zf, reader, source)
    except CdcheckError as exc:
        error = detached(exc)  # so the parse it stopped is freed before the trim
    finally:
        zf.close()
    if budget.inflated > TRIM_ABOVE or budget.elements > TRIM_ELEMENTS:
        release_memory()
    if error is not None:
        raise error
    builder = Builder()
    for text, where in blocks:
        builder.add(text, where)
    return builder.document(source, "docx", {"paragraphs": reader.paragraphs,
                                             "tables": reader.tables})
