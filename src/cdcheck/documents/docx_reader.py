"""Reading .docx: WordprocessingML story elements in document order (body, tables, text boxes,
tracked changes, headers and footers, footnotes and endnotes), with locations a person counts.

A .docx is untrusted input (uploads, written submissions): the zip is checked before it is
parsed (entry count, declared uncompressed size).
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import replace

from ..errors import DocumentTooLarge, UnreadableDocument
from ..schema import Location
from .document import Builder, Document, reason

#: Largest total a .docx may declare once unzipped (a real statement is a few megabytes at most).
MAX_UNZIPPED = 200 * 1024 * 1024
MAX_ZIP_ENTRIES = 5000

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

    def __init__(self, builder: Builder):
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


def read_docx(data: bytes, source: str) -> Document:
    """A .docx file's text and locations; raises UnreadableDocument or DocumentTooLarge."""
    _guard_zip(data, source)
    import docx

    builder = Builder()
    reader = _DocxReader(builder)
    try:
        doc = docx.Document(io.BytesIO(data))
        reader.headers_footers(doc, "header")
        reader.story(doc.element.body, Location(part="body"), count=True)
        reader.notes(doc.part.package)
        reader.headers_footers(doc, "footer")
    except _docx_errors() as exc:
        raise UnreadableDocument(
            f"{source}: not a readable .docx file ({reason(exc)})"
        ) from None
    return builder.document(source, "docx", {"paragraphs": reader.paragraphs,
                                             "tables": reader.tables})


