"""Builders for real test documents: .docx (python-docx, plus footnotes it cannot write), small
valid PDFs written by hand, and the broken files a batch must survive. Also used by bench/.

Each builder returns bytes, so a test decides where (or whether) to write them.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Sequence

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
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, catalog, xref)
    return bytes(out)


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
