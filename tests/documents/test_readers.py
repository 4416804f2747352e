"""Reading documents: encodings, .docx parts, PDF pages, locations, and every way a file is broken."""

from __future__ import annotations

import codecs
import random

import docbuild
import pytest

from cdcheck.documents import describe, load_bytes, load_path
from cdcheck.documents.docx_reader import MAX_UNZIPPED
from cdcheck.errors import (
    CdcheckError,
    DocumentTooLarge,
    EmptyDocument,
    UnreadableDocument,
    UnsupportedFormat,
)
from cdcheck.schema import Location

TEXT = "Première ligne: our work in Côte d'Ivoire.\nSecond line about Türkiye — and “quotes”.\n"


# --------------------------------------------------------------------------- text and encodings

@pytest.mark.parametrize("encoding,data", [
    ("utf-8", TEXT.encode("utf-8")),
    ("utf-8", codecs.BOM_UTF8 + TEXT.encode("utf-8")),
    ("utf-16", TEXT.encode("utf-16")),  # with a BOM (little-endian here)
    ("utf-16", codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be")),
    ("utf-16-le", TEXT.encode("utf-16-le")),  # no BOM: recognised by its zero bytes
    ("cp1252", TEXT.encode("cp1252")),
])
def test_text_encodings_decode_to_the_same_text(encoding, data):
    doc = load_bytes(data, "s.txt", ".txt")
    assert doc.text == TEXT
    assert doc.meta["encoding"] == encoding
    assert doc.format == "txt"


def test_markdown_is_its_own_format_and_text_is_kept_verbatim():
    doc = load_bytes(b"# Title\r\n\r\nBody about Peru.\r\n", "a.md", ".md")
    assert doc.format == "md"
    assert doc.text == "# Title\r\n\r\nBody about Peru.\r\n"  # offsets are into the file's text


def test_text_locations_are_line_and_column():
    doc = load_bytes(TEXT.encode(), "s.txt", ".txt")
    i = doc.text.index("Türkiye")
    loc = doc.locate(i)
    assert (loc.line, loc.column) == (2, doc.text.split("\n")[1].index("Türkiye") + 1)
    assert doc.locate(0) == Location(line=1, column=1)
    assert describe(loc) == f"line 2, column {loc.column}"


def test_fixture_cp1252_file(tmp_path):
    path = tmp_path / "windows.txt"
    path.write_bytes("Statement on Curaçao’s ports – “à propos”.".encode("cp1252"))
    doc = load_path(path)
    assert "Curaçao’s" in doc.text and "“à propos”" in doc.text
    assert doc.meta["encoding"] == "cp1252"


# --------------------------------------------------------------------------- .docx

def _docx(**kw) -> bytes:
    defaults = dict(
        paragraphs=["Constructive Dialogue on firearms", "",
                    "Our organization trains judges in Ghana."],
        table=[["Country", "Note"], ["Norway", "Norway adopted a new law."]],
        after_table=["Closing remarks about Peru."],
        header="Statement by the Coalition", footer="Vienna, Austria",
        footnotes=["Report on Chile, 2023."],
    )
    defaults.update(kw)
    return docbuild.docx_bytes(**defaults)


def test_docx_reads_body_tables_header_footer_and_footnotes():
    doc = load_bytes(_docx(), "s.docx", ".docx")
    assert doc.format == "docx"
    for text in ("Statement by the Coalition", "Constructive Dialogue on firearms", "Ghana",
                 "Norway adopted a new law.", "Closing remarks about Peru.", "Report on Chile",
                 "Vienna, Austria"):
        assert text in doc.text
    # Reading order: header, body (with its table), footnotes, footer.
    order = [doc.text.index(t) for t in ("Coalition", "Ghana", "Norway adopted", "Peru",
                                         "Chile", "Vienna")]
    assert order == sorted(order)
    assert doc.meta == {"paragraphs": 3, "tables": 1}


def test_docx_locations_name_paragraph_table_cell_and_part():
    doc = load_bytes(_docx(), "s.docx", ".docx")

    def where(text):
        return doc.locate(doc.text.index(text))

    assert where("Ghana") == Location(paragraph=2, part="body")  # the empty paragraph is not counted
    assert where("Norway adopted") == Location(table=1, row=2, cell=2, part="body")
    assert where("Peru") == Location(paragraph=3, part="body")
    assert where("Coalition") == Location(paragraph=1, part="header")
    assert where("Vienna") == Location(paragraph=1, part="footer")
    assert where("Chile") == Location(paragraph=1, part="footnote")
    assert describe(where("Norway adopted")) == "table 1, row 2, cell 2"
    assert describe(where("Chile")) == "footnote 1"
    assert describe(where("Vienna")) == "footer, paragraph 1"


def test_docx_merged_cells_are_read_once():
    import io

    import docx

    d = docx.Document()
    t = d.add_table(rows=2, cols=3)
    t.cell(0, 0).merge(t.cell(0, 1)).text = "Merged heading on Kenya"
    t.cell(0, 2).text = "third"
    t.cell(1, 0).merge(t.cell(1, 2)).text = "Whole row"
    buf = io.BytesIO()
    d.save(buf)
    doc = load_bytes(buf.getvalue(), "m.docx", ".docx")
    assert doc.text.count("Merged heading on Kenya") == 1
    assert doc.locate(doc.text.index("third")) == Location(table=1, row=1, cell=3, part="body")
    assert doc.locate(doc.text.index("Whole row")).cell == 1


def test_docx_tracked_insertions_are_read_and_deletions_left_out():
    import io
    import zipfile

    data = docbuild.docx_bytes(["PLACEHOLDER"])
    zin = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            content = zin.read(info.filename)
            if info.filename == "word/document.xml":
                content = content.replace(
                    b"<w:r><w:t>PLACEHOLDER</w:t></w:r>",
                    b'<w:r><w:t xml:space="preserve">Kept </w:t></w:r>'
                    b'<w:ins w:id="1" w:author="a"><w:r><w:t>inserted about Mali</w:t></w:r></w:ins>'
                    b'<w:del w:id="2" w:author="a"><w:r><w:delText>deleted Chad</w:delText></w:r>'
                    b"</w:del>")
                assert b"inserted about Mali" in content
            zout.writestr(info, content)
    doc = load_bytes(out.getvalue(), "t.docx", ".docx")
    assert "Kept inserted about Mali" in doc.text
    assert "Chad" not in doc.text


def test_docx_sections_nested_tables_and_parts_read_as_python_docx_would():
    """The streaming reader (issue 12) against a document python-docx writes: each section's
    own headers (first-page ones included, linked ones once), nested tables reported at the
    outer cell, the body after a section break."""
    import io

    import docx

    d = docx.Document()
    t = d.add_table(rows=2, cols=3)
    t.cell(0, 0).text = "Heading on Kenya"
    t.cell(0, 2).text = "third"
    inner = t.cell(1, 0).add_table(rows=2, cols=2)
    inner.cell(0, 0).text = "nested A"
    inner.cell(1, 1).text = "nested B"
    d.sections[0].header.paragraphs[0].text = "first section header"
    second = d.add_section()
    second.header.is_linked_to_previous = False
    second.header.paragraphs[0].text = "second header"
    second.different_first_page_header_footer = True
    second.first_page_header.paragraphs[0].text = "first page header"
    d.sections[0].footer.paragraphs[0].text = "the footer"
    d.add_paragraph("after the section break")
    buf = io.BytesIO()
    d.save(buf)
    doc = load_bytes(buf.getvalue(), "s.docx", ".docx")
    assert doc.text == ("first section header\n\nfirst page header\n\nsecond header\n\n"
                        "Heading on Kenya\n\nthird\n\nnested A\n\nnested B\n\n"
                        "after the section break\n\nthe footer")
    assert [describe(loc) for _, loc in doc.segments] == [
        "header, paragraph 1", "header, paragraph 2", "header, paragraph 3",
        "table 1, row 1, cell 1", "table 1, row 1, cell 3", "table 1, row 2, cell 1",
        "table 1, row 2, cell 1", "paragraph 1", "footer, paragraph 1"]


def test_docx_text_boxes_and_content_controls_are_read_in_place():
    data = docbuild._rezip(docbuild.docx_bytes(["PLACEHOLDER"]), "word/document.xml",
                           lambda b: b.replace(
                               b"<w:r><w:t>PLACEHOLDER</w:t></w:r>",
                               b'<w:r><w:t xml:space="preserve">Before </w:t></w:r><w:r><w:drawing>'
                               b"<w:txbxContent><w:p><w:r><w:t>Boxed Peru</w:t></w:r></w:p>"
                               b"</w:txbxContent></w:drawing></w:r>")
                           .replace(b"<w:sectPr", b"<w:sdt><w:sdtContent><w:p><w:r><w:t>In a "
                                    b"control</w:t></w:r></w:p></w:sdtContent></w:sdt><w:sectPr"))
    doc = load_bytes(data, "b.docx", ".docx")
    assert doc.text == "Before \n\nBoxed Peru\n\nIn a control"
    assert [describe(loc) for _, loc in doc.segments] == ["paragraph 1"] * 2 + ["paragraph 2"]


# --------------------------------------------------------------------------- .pdf

def test_pdf_pages_lines_and_soft_wraps():
    pdf = docbuild.pdf_bytes([
        ["Our programme in Norway and", "its police academy continues.", "A new sentence."],
        ["Page two names Country X."],
    ])
    doc = load_bytes(pdf, "s.pdf", ".pdf")
    assert doc.format == "pdf" and doc.meta == {"pages": 2}
    # A line that does not end a sentence is joined to the next with a space.
    assert "Norway and its police academy continues." in doc.text
    loc = doc.locate(doc.text.index("police"))
    assert (loc.page, loc.line, loc.column) == (1, 2, 5)
    assert doc.locate(doc.text.index("Country X")).page == 2
    assert describe(loc) == "page 1, line 2, column 5"


def test_pdf_title_line_is_not_glued_to_the_first_sentence():
    pdf = docbuild.pdf_bytes([[
        "Statement of the Civil Society Coalition",
        "Thank you, Chair. Our programme trains border officers in many regions and",
        "shares what it learns with every delegation that asks for the material.",
    ]])
    text = load_bytes(pdf, "t.pdf", ".pdf").text
    assert text.startswith("Statement of the Civil Society Coalition\nThank you, Chair.")
    assert "regions and shares" in text  # a full-width line still wraps softly


def test_pdf_with_only_an_owner_password_is_read():
    data = docbuild.encrypted_pdf_bytes([["Open text about Chile."]], user_password="")
    assert "Open text about Chile." in load_bytes(data, "o.pdf", ".pdf").text


# --------------------------------------------------------------------------- broken inputs

BROKEN = {
    "empty.txt": (b"", EmptyDocument, "empty"),
    "blank.md": (b"  \n\t\n", EmptyDocument, "empty"),
    "binary.txt": (bytes(range(256)) * 16, UnreadableDocument, "binary"),
    "corrupt.docx": (docbuild.corrupt_docx_bytes(), UnreadableDocument, "not a valid .docx"),
    "not-a-zip.docx": (b"Hello, I am plain text pretending to be Word.", UnreadableDocument,
                       "not a valid .docx"),
    "zip-bomb.docx": (docbuild.zip_bomb_docx(), DocumentTooLarge, "zip bomb"),
    "encrypted.pdf": (docbuild.encrypted_pdf_bytes([["Secret."]]), UnreadableDocument,
                      "encrypted"),
    "scanned.pdf": (docbuild.pdf_bytes([["x"]], text_layer=False), UnreadableDocument,
                    "no text layer, cannot check"),
    "junk.pdf": (bytes(range(256)) * 16, UnreadableDocument, "not a PDF"),
    "empty.pdf": (b"", EmptyDocument, "empty"),
    "truncated.pdf": (docbuild.pdf_bytes([["Some text."]])[:200], UnreadableDocument, "PDF"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_inputs_get_a_clear_error(tmp_path, name):
    data, error, words = BROKEN[name]
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(error) as exc:
        load_path(path)
    assert words in str(exc.value)
    assert str(exc.value).startswith(str(path))  # the message names the file


def test_zip_that_lies_about_its_size_is_refused_without_inflating_it():
    # Declares 4 KiB, inflates to 50 MiB: zipfile stops at the declared size and the CRC fails.
    data = docbuild.lying_zip_docx(50 * 1024 * 1024)
    assert len(data) < MAX_UNZIPPED
    with pytest.raises(UnreadableDocument, match="not a readable .docx"):
        load_bytes(data, "lie.docx", ".docx")


def test_damaged_pdfs_never_raise_anything_but_cdcheck_errors():
    good = docbuild.pdf_bytes([["Our work in Ghana continues.", "Second line."]] * 2)
    rng = random.Random(4)
    for _ in range(60):
        data = bytearray(good)
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        cut = rng.choice([len(data), rng.randrange(20, len(data))])
        try:
            load_bytes(bytes(data[:cut]), "fuzz.pdf", ".pdf")
        except CdcheckError:
            pass


def test_damaged_docx_never_raise_anything_but_cdcheck_errors():
    good = docbuild.docx_bytes(["Our work in Ghana continues."])
    rng = random.Random(5)
    for _ in range(40):
        data = bytearray(good)
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        try:
            load_bytes(bytes(data), "fuzz.docx", ".docx")
        except CdcheckError:
            pass


def test_unsupported_and_missing_files(tmp_path):
    with pytest.raises(UnreadableDocument, match="no such file"):
        load_path(tmp_path / "missing.txt")
    with pytest.raises(UnreadableDocument, match="no such file"):
        load_path(tmp_path / "missing.odt")
    (tmp_path / "x.odt").write_bytes(b"x")
    with pytest.raises(UnsupportedFormat, match="unsupported file type .odt"):
        load_path(tmp_path / "x.odt")
    with pytest.raises(UnreadableDocument, match="is a directory"):
        load_path(tmp_path)
    with pytest.raises(UnsupportedFormat):
        load_bytes(b"text", "upload", ".rtf")


def test_load_bytes_accepts_a_suffix_without_dot():
    assert load_bytes(b"Our work in Peru.", "upload", "txt").text == "Our work in Peru."
