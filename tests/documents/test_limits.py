"""Hostile input (issue 12): each trick that held a worker for minutes or blew up its memory,
and an adversarial variant of each, is refused with its documented error within seconds.

The time bounds are generous (a shared, loaded 2-core machine); the figures themselves are
measured by `python bench/fuzz_readers.py --hostile`, with peak memory.
"""

from __future__ import annotations

import io
import os
import socket
import threading
import time
import zipfile

import docbuild
import pytest

from cdcheck.documents import MAX_BYTES, _read_at_most, load_bytes, load_path, read_file
from cdcheck.documents.docx_reader import (
    MAX_ELEMENTS,
    MAX_PART_BYTES,
    MAX_UNZIPPED,
    read_docx,
)
from cdcheck.documents.paths import expand_paths
from cdcheck.documents.pdf_reader import (
    MAX_PDF_OPERATORS,
    MAX_PDF_PAGES,
    MAX_PDF_TOKENS,
    MAX_PDF_XOBJECTS,
    read_pdf,
)
from cdcheck.documents.text_reader import read_text
from cdcheck.errors import DocumentTooComplex, DocumentTooLarge, UnreadableDocument

SECONDS = 10  # generous: each case takes a few seconds at most on the 2-core machine
MB = 1024 * 1024


def _refused(data: bytes, suffix: str, error: type, words: str, **kw):
    """Read `data`; assert it is refused with `error` naming `words`, within SECONDS."""
    start = time.perf_counter()
    with pytest.raises(error, match=words) as exc:
        if kw:
            (read_pdf if suffix == ".pdf" else read_docx)(data, "h" + suffix, **kw)
        else:
            load_bytes(data, "h" + suffix, suffix)
    assert time.perf_counter() - start < SECONDS
    assert str(exc.value).startswith("h" + suffix + ": ")
    return exc.value


# --------------------------------------------------------------------------- PDF


def test_pdf_pages_sharing_one_stream_of_operators():
    """Issue 12's PDF: pages drawing one shared stream of operators (8 KB took 83 s to read;
    2,000 pages of it, hours); the stream is counted again for every page that draws it."""
    data = docbuild.shared_stream_pdf(pages=MAX_PDF_PAGES, operators=90_000)
    assert len(data) < 400_000
    exc = _refused(data, ".pdf", DocumentTooComplex, f"more than {MAX_PDF_OPERATORS:,} content")
    assert (exc.code, exc.http_status) == ("too_complex", 422)


def test_pdf_one_stream_too_long_to_parse():
    """Counted before it is parsed (a million objects); under that count, pypdf's own limit
    on one stream (tightened) stops the parse."""
    data = docbuild.shared_stream_pdf(pages=MAX_PDF_PAGES, operators=900_000)
    _refused(data, ".pdf", DocumentTooComplex, f"more than {MAX_PDF_TOKENS:,} objects")
    data = docbuild.shared_stream_pdf(pages=MAX_PDF_PAGES, operators=400_000)
    _refused(data, ".pdf", DocumentTooComplex, "too complex to read: LimitReachedError")


def test_pdf_many_small_streams_add_up():
    data = docbuild.many_streams_pdf(pages=MAX_PDF_PAGES, operators=1500)
    _refused(data, ".pdf", DocumentTooComplex, f"more than {MAX_PDF_OPERATORS:,} content")


def test_pdf_deeply_nested_form_xobjects():
    """Forms 12 deep, each drawing the next 10 times: 10**12 draws a page if nothing counted."""
    data = docbuild.nested_forms_pdf(depth=12, fanout=10, pages=50, inner=0)
    assert len(data) < 20_000
    _refused(data, ".pdf", DocumentTooComplex, f"more than {MAX_PDF_XOBJECTS:,} XObjects")


def test_pdf_nested_forms_with_content_are_charged_every_draw():
    data = docbuild.nested_forms_pdf(depth=6, fanout=10, pages=50, inner=200)
    _refused(data, ".pdf", DocumentTooComplex, f"more than {MAX_PDF_TOKENS:,} objects")


def test_pdf_huge_page_count_is_refused_before_the_page_tree_is_walked():
    _refused(docbuild.many_pages_pdf(100_000), ".pdf", DocumentTooLarge,
             f"100,000 pages; the limit is {MAX_PDF_PAGES:,}")


def test_pdf_page_tree_that_lies_about_its_count():
    data = docbuild.many_pages_pdf(20_000, count=1)
    _refused(data, ".pdf", DocumentTooComplex, "page tree entry limit")


def test_pdf_stream_that_inflates_past_the_content_budget():
    _refused(docbuild.inflating_stream_pdf(200 * MB), ".pdf", DocumentTooComplex,
             "too complex to read: LimitReachedError")


def test_pdf_font_maps_parsed_for_every_page_count():
    _refused(docbuild.big_cmap_pdf(entries=10_000, pages=MAX_PDF_PAGES), ".pdf",
             DocumentTooComplex, f"more than {MAX_PDF_TOKENS:,} objects in page content")


def test_pdf_forms_without_operators_are_charged_what_they_cost_to_parse():
    """Operand-only forms: pypdf parses each draw again and runs no operator of it."""
    data = docbuild.operand_forms_pdf(tokens=250_000, draws=100, pages=50)
    _refused(data, ".pdf", DocumentTooComplex, f"more than {MAX_PDF_TOKENS:,} objects")


def test_pdf_wall_clock_budget():
    data = docbuild.pdf_bytes([["Our work in Ghana."]])
    with pytest.raises(DocumentTooComplex, match="reading it took more than 0 s"):
        read_pdf(data, "slow.pdf", seconds=0)
    assert read_pdf(data, "ok.pdf").text == "Our work in Ghana."


def test_pdf_text_over_the_character_limit_stops_reading():
    data = docbuild.pdf_bytes([[f"Line {i} of page {p} about our work." for i in range(40)]
                               for p in range(30)])
    exc = _refused(data, ".pdf", DocumentTooLarge, "over the limit of 2,000 characters",
                   max_chars=2000)
    assert "reading stopped at page 2" in str(exc) and exc.http_status == 413
    assert read_pdf(data, "ok.pdf", max_chars=100_000).meta == {"pages": 30}


# --------------------------------------------------------------------------- .docx


@pytest.fixture(scope="module")
def empty_paragraphs_190mb() -> bytes:
    """Issue 12's .docx: a few hundred KB declaring 190 MB of XML (then 1.2 -> 5.4 GiB)."""
    return docbuild.huge_xml_docx(b"<w:p/>", 190 * MB)


def test_docx_declaring_190mb_of_xml_stops_at_the_element_limit(empty_paragraphs_190mb):
    data = empty_paragraphs_190mb
    declared = zipfile.ZipFile(io.BytesIO(data)).getinfo("word/document.xml").file_size
    assert len(data) < MB and 190 * MB < declared < MAX_UNZIPPED  # passes the zip guard
    exc = _refused(data, ".docx", DocumentTooLarge, f"more than {MAX_ELEMENTS:,} XML elements")
    assert exc.http_status == 413


def test_docx_zip_bomb_whose_declared_sizes_lie(empty_paragraphs_190mb):
    """Declares 4 KiB, holds 190 MB: nothing past the declared size is ever inflated."""
    data = docbuild.lying_bomb_docx(190 * MB)
    assert zipfile.ZipFile(io.BytesIO(data)).getinfo("word/document.xml").file_size == 4096
    _refused(data, ".docx", UnreadableDocument, "not a readable .docx")


def test_docx_huge_text_stops_at_the_character_limit():
    data = docbuild.huge_xml_docx(b"<w:p><w:r><w:t>Country X has failed. </w:t></w:r></w:p>",
                                  190 * MB)
    exc = _refused(data, ".docx", DocumentTooLarge, "the text is over the limit of")
    assert "reading stopped" in str(exc)


def test_docx_one_giant_paragraph_stops_at_the_element_limit():
    data = docbuild.huge_xml_docx(b"<w:r><w:rPr><w:b/></w:rPr><w:t>a</w:t></w:r>", 190 * MB,
                                  head=b"<w:p>", tail=b"</w:p>")
    _refused(data, ".docx", DocumentTooLarge, "XML elements")


def test_docx_part_over_its_inflated_size_limit():
    """No element, no text: only the bytes actually inflated can tell (comments here)."""
    data = docbuild.huge_xml_docx(b"<!-- " + b"x" * 58 + b" -->", 64 * MB)
    _refused(data, ".docx", DocumentTooLarge, f"inflates to more than {MAX_PART_BYTES:,} bytes")


def test_docx_text_budget_follows_the_checkers_limit():
    data = docbuild.docx_bytes([f"Paragraph {i} about our programme." for i in range(100)])
    _refused(data, ".docx", DocumentTooLarge, "over the limit of 500 characters", max_chars=500)
    assert "Paragraph 99" in read_docx(data, "ok.docx", max_chars=10_000).text


def test_docx_nesting_deeper_than_the_parser_allows():
    data = docbuild.huge_xml_docx(b"<w:tbl><w:tr><w:tc>", 64 * 1024)
    _refused(data, ".docx", UnreadableDocument, "not a readable .docx")


def test_docx_encrypted_entries_and_other_packages():
    _refused(docbuild.encrypted_docx_bytes(), ".docx", UnreadableDocument, "encrypted")
    other = docbuild._rezip(docbuild.docx_bytes(["x"]), "[Content_Types].xml",
                            lambda b: b.replace(b"document.main+xml", b"template.main+xml"))
    _refused(other, ".docx", UnreadableDocument, "not a Word document")


# --------------------------------------------------------------------------- text


def test_text_over_the_character_limit_is_refused_by_the_reader():
    with pytest.raises(DocumentTooLarge, match="the statement has 1,000 characters; the limit "
                                               "is 999"):
        read_text(b"a" * 1000, "t.txt", ".txt", max_chars=999)
    assert read_text(b"a" * 1000, "t.txt", ".txt", max_chars=1000).text == "a" * 1000


# --------------------------------------------------------------------------- files


def _in_time(fn, *args):
    """fn(*args) in a thread: a reader that blocks (a FIFO) fails the test instead of hanging."""
    box: dict = {}

    def run():
        try:
            box["value"] = fn(*args)
        except Exception as exc:  # noqa: BLE001 - handed back to the test thread to assert on
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(SECONDS)
    assert not thread.is_alive(), "the read blocked"
    if "error" in box:
        raise box["error"]
    return box["value"]


def _special(tmp_path) -> dict:
    """A FIFO, a link to /dev/zero, a socket, a broken link and a link loop, named .txt/.md."""
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    (tmp_path / "gone.md").symlink_to(tmp_path / "nowhere.md")
    (tmp_path / "loop.txt").symlink_to(tmp_path / "loop.txt")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(tmp_path / "sock.txt"))
    return {"pipe.txt": "FIFO", "zero.txt": "character device", "gone.md": "broken symbolic link",
            "loop.txt": "cannot be read", "sock.txt": "socket"}


def test_only_regular_files_are_read(tmp_path):
    for name, words in _special(tmp_path).items():
        with pytest.raises(UnreadableDocument, match=words) as exc:
            _in_time(load_path, tmp_path / name)
        assert str(exc.value).startswith(str(tmp_path / name) + ": ")
    (tmp_path / "real.txt").write_text("Our work in Peru.", encoding="utf-8")
    (tmp_path / "link.txt").symlink_to(tmp_path / "real.txt")
    assert load_path(tmp_path / "link.txt").text == "Our work in Peru."  # a link to a file


def test_special_files_in_a_folder_are_listed_to_be_reported(tmp_path):
    expected = _special(tmp_path)
    (tmp_path / "real.md").write_text("x", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "linked").symlink_to(tmp_path / "sub", target_is_directory=True)
    found = sorted(p.name for p in expand_paths([str(tmp_path)]))
    assert found == sorted([*expected, "real.md"])


def test_reads_are_bounded_by_the_byte_limit(tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * 101)
    with pytest.raises(DocumentTooLarge, match="101 bytes"):
        read_file(big, "big.txt", limit=100)
    assert read_file(big, "big.txt", limit=101) == b"a" * 101
    read_end, write_end = os.pipe()  # what a file of unknown size looks like: read in bounds
    os.write(write_end, b"b" * 5000)
    try:
        assert _read_at_most(read_end, 10) == b"b" * 10
    finally:
        os.close(read_end)
        os.close(write_end)
    assert MAX_BYTES == 20 * MB
