"""Builders for real test documents: .docx (python-docx, plus footnotes it cannot write), small
valid PDFs written by hand, and the broken files a batch must survive; the hostile documents of
issue 12 (small files that are a great deal of work) and the fuzz strategies for the readers.
Also used by bench/.

Each builder returns bytes, so a test decides where (or whether) to write them.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable, Sequence

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
FOOTNOTES_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"


def docx_bytes(paragraphs: Sequence[str] = (), table: Sequence[Sequence[str]] = (),
               header: str | None = None, footer: str | None = None,
               footnotes: Sequence[str] = (), after_table: Sequence[str] = ()) -> bytes:
    """A .docx: body paragraphs, then an optional table and more paragraphs; header, footer and
    footnotes (the first body paragraph carries the footnote references)."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    d = docx.Document()
    if header is not None:
        d.sections[0].header.paragraphs[0].text = header
    if footer is not None:
        d.sections[0].footer.paragraphs[0].text = footer
    paras = [d.add_paragraph(text) for text in paragraphs]
    if table:
        t = d.add_table(rows=len(table), cols=max(len(r) for r in table))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                t.cell(r, c).text = value
    for text in after_table:
        d.add_paragraph(text)
    if footnotes and paras:
        for n in range(1, len(footnotes) + 1):
            ref = OxmlElement("w:footnoteReference")
            ref.set(qn("w:id"), str(n))
            paras[0].add_run()._r.append(ref)
    buf = io.BytesIO()
    d.save(buf)
    data = buf.getvalue()
    return _add_footnotes(data, footnotes) if footnotes else data


def _add_footnotes(data: bytes, notes: Sequence[str]) -> bytes:
    from xml.sax.saxutils import escape

    body = "".join(
        f'<w:footnote w:id="{n}"><w:p><w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'
        f"</w:p></w:footnote>" for n, text in enumerate(notes, start=1))
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{W_NS}">'
           '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
           '</w:footnote><w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r>'
           f"<w:continuationSeparator/></w:r></w:p></w:footnote>{body}</w:footnotes>")
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                content = content.replace(
                    b"</Types>", f'<Override PartName="/word/footnotes.xml" '
                    f'ContentType="{FOOTNOTES_CT}"/></Types>'.encode())
            elif info.filename == "word/_rels/document.xml.rels":
                content = content.replace(
                    b"</Relationships>", f'<Relationship Id="rIdFootnotes" Type="{FOOTNOTES_REL}" '
                    'Target="footnotes.xml"/></Relationships>'.encode())
            dst.writestr(info, content)
        dst.writestr("word/footnotes.xml", xml)
    return out.getvalue()


def _pdf_string(text: str) -> str:
    raw = text.encode("cp1252", errors="replace").decode("latin-1")
    return raw.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf_bytes(pages: Sequence[Sequence[str]], text_layer: bool = True) -> bytes:
    """A small valid PDF, one list of lines per page, in Helvetica (WinAnsi). Without a text
    layer each page only draws a grey box, as a scan would have an image."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in below, once the page tree's number is known
    pages_obj = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
               b"/Encoding /WinAnsiEncoding >>")
    kids = []
    for lines in pages:
        if text_layer:
            ops = ["BT /F1 11 Tf 14 TL 72 770 Td"]
            ops += [f"({_pdf_string(line)}) Tj T*" for line in lines]
            ops.append("ET")
        else:
            ops = ["0.6 g 72 500 450 250 re f"]
        stream = "\n".join(ops).encode("latin-1")
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(add(
            b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (pages_obj, content, font)))
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_obj
    objects[pages_obj - 1] = (b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids)
                              + b"] /Count %d >>" % len(kids))
    return _write_pdf(objects, catalog)


def _write_pdf(objects: Sequence[bytes], root: int) -> bytes:
    """A PDF file of numbered objects (1, 2, ...) with its cross-reference table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, root, xref)
    return bytes(out)


# --------------------------------------------------------------------------- hostile PDFs
# Issue 12: small files that cost pypdf minutes or hours to read. Each is what a test (and
# bench/fuzz_readers.py --hostile) feeds the PDF reader to show its budget holds.

_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
#: One line of text and then drawing: a stream with a text operator is always parsed whole.
_TEXT_OPS = b"BT /F1 11 Tf 72 770 Td (Our programme trains judges in Ghana.) Tj ET\n"
_DRAW_OPS = b"0 0 m 1 1 l S\n"


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    packed = zlib.compress(data, 9)
    return (b"<< /Length %d /Filter /FlateDecode %s>>\nstream\n" % (len(packed), extra) + packed
            + b"\nendstream")


def _pages_pdf(contents: Sequence[int], objects: list[bytes], resources: bytes = b"",
               font: bytes = _FONT, count: int | None = None) -> bytes:
    """A PDF whose pages draw the given content objects (already in `objects`, which gets the
    catalog, page tree, font and pages appended); `count` is the page count the tree declares."""
    n = len(objects)
    catalog, tree, font_obj = n + 1, n + 2, n + 3
    kids = [n + 4 + i for i in range(len(contents))]
    objects += [b"<< /Type /Catalog /Pages %d 0 R >>" % tree,
                b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids)
                + b"] /Count %d >>" % (len(kids) if count is None else count), font]
    objects += [b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
                b"/Resources << /Font << /F1 %d 0 R >> %s>> >>" % (tree, c, font_obj, resources)
                for c in contents]
    return _write_pdf(objects, catalog)


def shared_stream_pdf(pages: int = 2000, operators: int = 300_000) -> bytes:
    """Issue 12's 8 KB PDF: every page draws one shared, deflated stream of a line of text and
    `operators` drawing operators (pypdf parses it again for every page)."""
    stream = _stream(_TEXT_OPS + _DRAW_OPS * (operators // 3))
    return _pages_pdf([1] * pages, [stream])


def many_streams_pdf(pages: int = 2000, operators: int = 3000) -> bytes:
    """The adversarial variant: each page its own small stream, every one under any per-stream
    limit, together far over the document's budget."""
    body = _TEXT_OPS + _DRAW_OPS * (operators // 3)
    return _pages_pdf(list(range(1, pages + 1)), [_stream(body) for _ in range(pages)])


def nested_forms_pdf(depth: int = 12, fanout: int = 10, pages: int = 50,
                     inner: int = 200) -> bytes:
    """Form XObjects nested `depth` deep, each drawing the next `fanout` times (fanout ** depth
    draws a page, a billion laughs of drawing); the innermost draws `inner` lines."""
    objects = [_stream(_TEXT_OPS + _DRAW_OPS * inner, b"/Type /XObject /Subtype /Form "
                       b"/BBox [0 0 595 842] ")]
    for _ in range(depth):
        inner = len(objects)
        objects.append(_stream(b"/X0 Do\n" * fanout, b"/Type /XObject /Subtype /Form /BBox [0 0 "
                               b"595 842] /Resources << /XObject << /X0 %d 0 R >> >> " % inner))
    top = len(objects)
    objects.append(_stream(_TEXT_OPS + b"/X0 Do\n" * fanout))
    return _pages_pdf([top + 1] * pages, objects,
                      b"/XObject << /X0 %d 0 R >> " % top)


def many_pages_pdf(pages: int = 100_000, count: int | None = None) -> bytes:
    """Far more pages than the limit, each tiny (one shared stream): about 150 bytes a page;
    `count` makes the page tree declare another number (a lie)."""
    return _pages_pdf([1] * pages, [_stream(_TEXT_OPS)], count=count)


def big_cmap_pdf(entries: int = 10_000, pages: int = 2000) -> bytes:
    """Every page's font has a /ToUnicode map of `entries` codes, which pypdf parses again for
    each page before it runs a single operator."""
    body = [b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /X def\n"
            b"1 begincodespacerange <00> <FF> endcodespacerange\n"]
    for start in range(0, entries, 100):
        body.append(b"100 beginbfchar\n" + b"".join(b"<%02X> <%04X>\n" % (i % 256, 0x41 + i % 26)
                                                    for i in range(start, start + 100))
                    + b"endbfchar\n")
    body.append(b"endcmap CMapName currentdict /CMap defineresource pop end end\n")
    font = _FONT[:-2] + b"/ToUnicode 1 0 R >>"
    return _pages_pdf([2] * pages, [_stream(b"".join(body)), _stream(_TEXT_OPS)], font=font)


def operand_forms_pdf(tokens: int = 250_000, draws: int = 100, pages: int = 50) -> bytes:
    """A form XObject of `tokens` operands and no operator, drawn `draws` times a page: each
    draw makes pypdf parse it again, and no operator count ever sees the work (only the clock)."""
    form = _stream(b"1 " * tokens, b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] "
                   b"/Resources << /ProcSet [/PDF] >> ")
    page = _stream(_TEXT_OPS + b"/X0 Do\n" * draws)
    return _pages_pdf([2] * pages, [form, page], b"/XObject << /X0 1 0 R >> ")


def inflating_stream_pdf(size: int = 200 * 1024 * 1024) -> bytes:
    """One page whose content stream deflates from `size` bytes of spaces (a zlib bomb)."""
    packer = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    packed = b"".join(packer.compress(chunk) for _ in range(size >> 20)) + packer.flush()
    stream = (b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed
              + b"\nendstream")
    return _pages_pdf([1], [stream])


def encrypted_pdf_bytes(pages: Sequence[Sequence[str]], user_password: str = "secret",
                        owner_password: str = "owner") -> bytes:
    """`pdf_bytes` encrypted with pypdf (RC4-128: AES would need the `cryptography` package)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes(pages))))
    writer.encrypt(user_password=user_password, owner_password=owner_password,
                   algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _declare_size(data: bytes, name: str, size: int) -> bytes:
    """The zip with `name`'s uncompressed size rewritten to `size` in its central directory entry
    and its local header (the data itself is left as it is)."""
    out = bytearray(data)
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    cd = out.find(b"PK\x01\x02")
    while cd != -1:
        name_len = struct.unpack_from("<H", out, cd + 28)[0]
        if bytes(out[cd + 46:cd + 46 + name_len]) == name.encode():
            struct.pack_into("<I", out, cd + 24, size)
            break
        cd = out.find(b"PK\x01\x02", cd + 4)
    struct.pack_into("<I", out, info.header_offset + 22, size)
    return bytes(out)


def zip_bomb_docx(declared: int = 3_000_000_000) -> bytes:
    """A .docx whose zip declares `declared` bytes for its document part: cheap to build, and
    what a real bomb looks like to a reader that checks declared sizes before inflating."""
    return _declare_size(docx_bytes(["A harmless paragraph."]), "word/document.xml", declared)


def lying_zip_docx(real: int = 50 * 1024 * 1024) -> bytes:
    """A .docx whose document part really inflates to `real` bytes but declares only 4 KiB:
    the bomb that a check of declared sizes alone lets through."""
    base = zipfile.ZipFile(io.BytesIO(docx_bytes(["Short."])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in base.infolist():
            content = base.read(info.filename)
            if info.filename == "word/document.xml":
                content += b" " * real
            dst.writestr(info.filename, content)
    return _declare_size(out.getvalue(), "word/document.xml", 4096)


def huge_xml_docx(unit: bytes, total: int, head: bytes = b"", tail: bytes = b"",
                  media: int = 0) -> bytes:
    """A valid .docx whose document.xml is `unit` repeated `total // len(unit)` times inside the
    body (after `head`, before `tail`), streamed into the zip: a 190 MB part costs no 190 MB
    here. Repetitive XML deflates about 300 to 1, as in the 616 KB file that declared 190 MB.
    `media` adds an incompressible picture of that many bytes (which no reader should load)."""
    import random

    base = zipfile.ZipFile(io.BytesIO(docx_bytes(["Short."])))
    out = io.BytesIO()
    per_block = max(1, (1 << 20) // len(unit))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in base.infolist():
            if info.filename != "word/document.xml":
                dst.writestr(info.filename, base.read(info.filename))
        if media:
            dst.writestr("word/media/image1.png", random.Random(0).randbytes(media),
                         zipfile.ZIP_STORED)
        with dst.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                       f'<w:document xmlns:w="{W_NS}"><w:body>'.encode() + head)
            left = total // len(unit)
            while left > 0:
                part.write(unit * min(left, per_block))
                left -= per_block
            part.write(tail + b"</w:body></w:document>")
    return out.getvalue()


def lying_bomb_docx(real: int = 190 * 1024 * 1024) -> bytes:
    """`huge_xml_docx` of empty paragraphs whose zip says its document part is 4 KiB: the
    declared sizes lie, only the bytes actually inflated tell."""
    return _declare_size(huge_xml_docx(b"<w:p/>", real), "word/document.xml", 4096)


def encrypted_docx_bytes() -> bytes:
    """A .docx whose zip entries say they are encrypted (the flag bit set, data unchanged)."""
    out = bytearray(docx_bytes(["Secret."]))
    for info in zipfile.ZipFile(io.BytesIO(bytes(out))).infolist():
        out[info.header_offset + 6] |= 1
    cd = out.find(b"PK\x01\x02")
    while cd != -1:
        out[cd + 8] |= 1
        cd = out.find(b"PK\x01\x02", cd + 4)
    return bytes(out)


def corrupt_docx_bytes() -> bytes:
    """A .docx cut in half: the zip's central directory is gone."""
    data = docx_bytes(["Country X has failed its victims."])
    return data[: len(data) // 2]


# --------------------------------------------------------------------------- a sample batch

#: The Participation Guide's examples (ANNOTATION.md): they must always come out right.
GUIDE_NOT_ALLOWED_1 = (
    "Country X is not adequately treating Victims of Trafficking in Persons. Oftentimes, victims "
    "are detained in country X and prosecuted as criminals. This clearly violates the principle "
    "of non-punishment of Victims of Trafficking in Persons.")
GUIDE_ALLOWED_1 = (
    "For two years our organization has been working together with Law Enforcement Agencies in "
    "Country X to train the Capacity of Law Enforcement to detect Victims of Trafficking in "
    "Persons, and to ensure that their human rights are respected.")
GUIDE_NOT_ALLOWED_2 = (
    "3D-Printed Handguns have become a major issue in Country X. Country X has not addressed this "
    "issue which has resulted in several incidences in the last years where such guns have been "
    "used.")


def sample_folder(root) -> dict:
    """A small mixed batch under `root`: readable .txt/.md/.docx/.pdf and broken files.

    Returns {name: path}. What holds whatever the model (the Guide's not-allowed example must
    always come out right): guide.txt, submission.docx and submission.pdf are violations; in
    accepted.md the same example is accepted by a directive, so that document is ok.
    """
    from pathlib import Path

    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    files = {
        "guide.txt": ("Thank you, Chair.\n\n" + GUIDE_NOT_ALLOWED_1 + "\n").encode("utf-8"),
        "accepted.md": ("# Statement\n\n"
                        '<!-- cdcheck: allow X "the Guide\'s own example, quoted" -->\n'
                        + GUIDE_NOT_ALLOWED_1 + "\n").encode("utf-8"),
        "windows.txt": ("Our programme trains judges in Ghana \u2013 \u201cjointly\u201d.\n"
                        ).encode("cp1252"),
        "submission.docx": docx_bytes(
            ["Written contribution"], table=[["Topic", "Text"], ["Trafficking", GUIDE_NOT_ALLOWED_1]],
            header="NGO Coalition", footer="Vienna"),
        "submission.pdf": pdf_bytes([["Written contribution on trafficking."],
                                     [GUIDE_NOT_ALLOWED_1[:71], GUIDE_NOT_ALLOWED_1[72:]]]),
        "broken.docx": corrupt_docx_bytes(),
        "scan.pdf": pdf_bytes([["x"]], text_layer=False),
        "empty.txt": b"",
    }
    out = {}
    for name, data in files.items():
        (root / name).write_bytes(data)
        out[name] = root / name
    return out


# --------------------------------------------------------------------------- fuzzing
# Inputs for the readers' fuzz (tests/documents/test_fuzz.py, bench/fuzz_readers.py): valid
# documents broken in the ways damaged and hostile files are, as hypothesis strategies.

#: Tokens of content streams and WordprocessingML that reach the readers' deeper paths.
_PDF_TOKENS = [b"BT", b"ET", b"/F1 11 Tf", b"(Ghana)", b"<4e6f72>", b"Tj", b"TJ", b"[(a) -20 (b)]",
               b"T*", b"'", b'"', b"Td", b"TD", b"Tm", b"cm", b"q", b"Q", b"/X0 Do", b"0", b"1.5",
               b"-3", b"72 770", b"re f", b"m", b"l", b"S", b"BI /W 1 /H 1 ID \x00 EI", b"<<", b">>",
               b"[", b"]", b"(", b")", b"\\", b"%", b"\n", b" "]
_XML_TOKENS = [b"<w:p>", b"</w:p>", b"<w:r>", b"</w:r>", b"<w:t>", b"</w:t>", b"Nigeria", b" ",
               b"<w:tbl>", b"</w:tbl>", b"<w:tr>", b"</w:tr>", b"<w:tc>", b"</w:tc>", b"<w:tab/>",
               b"<w:br/>", b"<w:ins>", b"</w:ins>", b"<w:del>", b"</w:del>", b"<w:sdt>",
               b"<w:sdtContent>", b"</w:sdtContent>", b"</w:sdt>", b"<w:txbxContent>",
               b"</w:txbxContent>", b'<w:gridSpan w:val="9999999999"/>', b"<w:tcPr>", b"</w:tcPr>",
               b'<w:vMerge w:val="restart"/>', b'<w:gridBefore w:val="-1"/>', b"<w:trPr>",
               b"</w:trPr>", b"<w:pPr><w:sectPr/></w:pPr>", b"&amp;", b"&x;", b"<!--", b"-->",
               b"<![CDATA[", b"]]>", b"<?pi?>", b"\xff", b"\x00"]


def _edit(data: bytes, edits) -> bytes:
    """`data` with each (where, cut, insert) edit applied; `where` is a fraction of the length."""
    out = bytearray(data)
    for where, cut, insert in edits:
        i = int(where * len(out))
        out[i:i + cut] = insert
    return bytes(out)


def _rezip(data: bytes, part: str, change) -> bytes:
    """The .docx `data` with `change(bytes) -> bytes` applied to one part (added if missing)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    names = src.namelist()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in names:
            content = src.read(name)
            dst.writestr(name, change(content) if name == part else content)
        if part not in names:
            dst.writestr(part, change(b""))
    return out.getvalue()


_TAGS = ["p", "r", "t", "tbl", "tr", "tc", "tcPr", "trPr", "gridSpan", "gridBefore", "vMerge", "sdt",
         "sdtContent", "customXml", "ins", "del", "moveTo", "moveFrom", "txbxContent", "drawing",
         "tab", "br", "noBreakHyphen", "pPr", "rPr", "sectPr", "headerReference",
         "footerReference", "instrText", "delText", "footnote", "body"]
_VALUES = ["0", "1", "2", "-1", "99999999999999999999", "continue", "restart", "x", "", "default",
           "first", "even", "separator", "rId1", "rId9", "rId99", "rIdFootnotes"]
_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _element(tree) -> bytes:
    """One (tag, attribute values, text, children) tree as well-formed WordprocessingML."""
    from lxml import etree

    def build(node, parent):
        tag, values, text, children = node
        el = etree.SubElement(parent, f"{{{W_NS}}}{tag}")
        for name, value in zip(("val", "type"), values, strict=False):
            el.set(f"{{{W_NS}}}{name}", value)
        if len(values) > 2:
            el.set(f"{{{_R_NS}}}id", values[2])
        el.text = text or None
        for child in children:
            build(child, el)

    root = etree.Element("root")
    build(tree, root)
    return etree.tostring(root[0])


def _trees():
    """Random WordprocessingML trees: the tags the .docx reader walks, with odd attributes."""
    from hypothesis import strategies as st

    text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)
    leaf = st.tuples(st.sampled_from(_TAGS), st.lists(st.sampled_from(_VALUES), max_size=3), text,
                     st.just([]))
    return st.recursive(leaf, lambda kids: st.tuples(
        st.sampled_from(_TAGS), st.lists(st.sampled_from(_VALUES), max_size=3), text,
        st.lists(kids, max_size=5)), max_leaves=40)


#: The root (and body) of each story part the fuzz rewrites.
_STORIES = {"word/document.xml": ("<w:document", "<w:body>", "</w:body></w:document>"),
            "word/header1.xml": ("<w:hdr", "", "</w:hdr>"),
            "word/footnotes.xml": ("<w:footnotes", "", "</w:footnotes>")}


def _body_xml(tokens: bytes, part: str = "word/document.xml") -> Callable[[bytes], bytes]:
    """A change for `_rezip`: the part's XML replaced by `tokens` inside its story element."""
    root, body, close = _STORIES[part]
    return lambda _: (f'<?xml version="1.0" encoding="UTF-8"?>{root} xmlns:w="{W_NS}" '
                      f'xmlns:r="{_R_NS}">{body}').encode() + tokens + close.encode()


def fuzz_strategies() -> dict:
    """{"text", "docx", "pdf"}: hypothesis strategies of (bytes, suffix) for each reader."""
    from hypothesis import strategies as st

    edits = st.lists(st.tuples(st.floats(0, 1), st.integers(0, 64), st.binary(max_size=16)),
                     min_size=1, max_size=8)
    boms = st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00"])
    text = st.one_of(
        st.binary(max_size=4000),
        st.tuples(boms, st.binary(max_size=2000)).map(b"".join),
        st.tuples(st.text(max_size=1000), st.sampled_from(["utf-8", "utf-16", "utf-16-le",
                                                           "utf-32"]))
        .map(lambda t: t[0].encode(t[1], "surrogatepass")),
        st.lists(st.sampled_from([b"<!--", b"-->", b" cdcheck:", b" allow", b" GRC", b'"r"',
                                  b"\n", b"Greece.", b"\xe2\x80\x9c", b"\x00"]), max_size=60)
        .map(b"".join),
    ).map(lambda data: (data, ".txt"))
    docx_bases = [docx_bytes(["Our work in Ghana."], table=[["a", "b"]], header="H",
                             footer="F", footnotes=["Note on Peru."])]
    parts = st.sampled_from(["word/document.xml", "word/footnotes.xml", "[Content_Types].xml",
                             "word/_rels/document.xml.rels", "_rels/.rels", "word/header1.xml"])
    story = st.sampled_from(sorted(_STORIES))
    docx = st.one_of(
        st.tuples(st.sampled_from(docx_bases), story, st.lists(_trees(), max_size=6))
        .map(lambda t: _rezip(t[0], t[1], _body_xml(b"".join(map(_element, t[2])), t[1]))),
        st.tuples(st.sampled_from(docx_bases), edits).map(lambda t: _edit(*t)),
        st.tuples(st.sampled_from(docx_bases), parts, edits)
        .map(lambda t: _rezip(t[0], t[1], lambda b, e=t[2]: _edit(b, e))),
        st.tuples(st.sampled_from(docx_bases), st.lists(st.sampled_from(_XML_TOKENS), max_size=80))
        .map(lambda t: _rezip(t[0], "word/document.xml", _body_xml(b"".join(t[1])))),
    ).map(lambda data: (data, ".docx"))
    pdf_bases = [pdf_bytes([["Our work in Ghana.", "Second line."], ["Page two."]]),
                 encrypted_pdf_bytes([["Secret."]], user_password=""),
                 nested_forms_pdf(depth=2, fanout=2, pages=2), big_cmap_pdf(200, 2)]
    pdf = st.one_of(
        st.tuples(st.sampled_from(pdf_bases), edits).map(lambda t: _edit(*t)),
        st.lists(st.sampled_from(_PDF_TOKENS), max_size=120)
        .map(lambda tokens: _pages_pdf([1, 1], [_stream(b" ".join(tokens))])),
    ).map(lambda data: (data, ".pdf"))
    return {"text": text, "docx": docx, "pdf": pdf}


#: Pieces of statements for fuzzing `Checker.check`: every stage gets work (names, demonyms,
#: cities, placeholders, accusing and working phrases, directives), and every text trick.
_STATEMENT_PIECES = [
    "Ghana", "Nigeria", "Niger", "Country X", "country B", "Congolese", "Lagos", "the Gambia",
    "Georgia", "Jordan", "Chad", "Turkey", "US", "Palermo Protocol", "Republic of Korea",
    " has failed its victims", " trains judges", " our programme in", " the ministry there",
    " remains a hub of trafficking", " ratified the Protocol", " Thank you, Chair.", ". ", ", ",
    "\n\n", " ", "<!-- cdcheck: allow GHA \"reviewed\" -->", "<!-- cdcheck:", "-->",
    "\u200b", "\u00ad", "\u2060", "\u202e", "\u200f", "\u00a0", "\u2009", "\ufeff",
    "\u0456", "\u0430", "\u0435", "Nige\u200bria", "N\u0456geria", "South\u00a0Sudan",
    "\ud800", "\udfff", "\x00", "\x07", "\x1b[31m", "\x85", "\u2028", "(" * 200, "!" * 100,
    "\u201c", "\u201d", "\u2013", "\U0001f600", "\u0301",
]


def statement_texts():
    """A hypothesis strategy of statements for `Checker.check` (bench/fuzz_check.py)."""
    from hypothesis import strategies as st

    pieces = st.lists(st.sampled_from(_STATEMENT_PIECES), max_size=40).map("".join)
    return st.one_of(
        pieces,
        st.tuples(pieces, st.text(max_size=200), pieces).map("".join),
        st.text(max_size=400),
        st.text(alphabet=st.characters(codec=None, categories=("Cc", "Cf", "Cs", "Zs", "Zl",
                                                               "Zp", "Mn", "Co")),
                max_size=100),
    )
