"""Reading .pdf: the text layer page by page (pypdf), lines joined into sentences, with pages and
lines as locations. Damaged, encrypted and scanned files are refused with a reason.

A PDF is a program: an 8 KB file whose pages share one content stream of drawing operators
took pypdf 83 s to read (2,000 such pages would take hours). So reading one runs under a budget,
counted where the work happens, and stops with a clear error the moment it is spent:

- pages (MAX_PDF_PAGES), before any page is read;
- objects to parse across the document (MAX_PDF_TOKENS): each page's content streams and its
  fonts' character maps, counted before they are parsed, a stream shared by many pages once
  for each page (pypdf parses it again for each), and each form XObject's every time it is
  drawn; and the bytes of the distinct streams decoded (MAX_PDF_DECODED_BYTES: memory);
- operators interpreted (MAX_PDF_OPERATORS), those of form XObjects included however deeply
  they nest, counted as pypdf runs them; and XObjects drawn (MAX_PDF_XOBJECTS), since pypdf
  sets up and parses each form afresh every time it is drawn;
- wall-clock time per document (MAX_PDF_SECONDS), checked at every operator and page;
- the text kept (the checker's character limit), page by page;
- and pypdf's own per-stream limits tightened to the same scale, so that no single stream
  decodes or parses for long before the count above sees it.
"""

from __future__ import annotations

import io
import logging
import time
import warnings
import zlib
from collections.abc import Iterator

from ..errors import DocumentTooComplex, DocumentTooLarge, UnreadableDocument
from ..schema import Location
from .document import Builder, Document, reason, text_limit

MAX_PDF_PAGES = 2000
#: Objects pypdf parses across the document (numbers, names, operators; counted generously:
#: every word of a text string, every delimiter counts one), for each time it parses them: a
#: page's content and its fonts' character maps per page, a form's every time it is drawn.
#: pypdf parses about half a million a second; a dense page of text (pdfTeX) counts about
#: 4,700, so a statement at the character limit (about 150 such pages) is about 700,000.
MAX_PDF_TOKENS = 1_000_000
#: Decoded bytes of the distinct streams read (pypdf keeps them in memory while it reads).
MAX_PDF_DECODED_BYTES = 16 * 1024 * 1024
#: Operators interpreted across the document, those of form XObjects included. A dense page of
#: text has a few hundred (pdfTeX: about 360); the limit costs 1 to 2 s.
MAX_PDF_OPERATORS = 150_000
#: XObjects drawn (`Do`) across the document: a logo, a picture bullet or a header form is one
#: each time it is drawn.
MAX_PDF_XOBJECTS = 10_000
#: Wall-clock time one document may take to read, whatever the counts above say.
MAX_PDF_SECONDS = 10.0
#: pypdf's limit on the objects of one content stream (its default is 2,000,000: seconds of
#: parsing before any operator is seen).
MAX_STREAM_PARSE_WORK = 300_000
#: Byte classes for counting tokens fast (bytes.translate, then bytes.count): whitespace,
#: delimiters, and everything else.
_CLASSES = bytes(32 if b in b" \t\n\r\f\x00" else 40 if b in b"()<>[]{}/%" else 97
                 for b in range(256))


def _pdf_errors() -> tuple[type[BaseException], ...]:
    from pypdf.errors import PyPdfError

    # pypdf raises its own errors and, on damaged files, a handful of builtin ones.
    return (PyPdfError, zlib.error, KeyError, ValueError, TypeError, AttributeError, IndexError,
            AssertionError, EOFError, OSError, NotImplementedError, RecursionError,
            ZeroDivisionError, OverflowError, UnicodeError)


def _tokens(data: bytes) -> int:
    """A generous count of the objects pypdf parses in `data`: each run of regular characters
    and each delimiter counts one (a string's words too). Runs at hundreds of MB/s."""
    classes = data.translate(_CLASSES)
    return (classes.count(b" a") + classes.count(b"(a") + classes.count(b"(")
            + (classes[:1] == b"a"))


class _Budget:
    """What reading one PDF has cost so far, against the limits. It is also pypdf's operator
    visitor: pypdf swallows exceptions raised inside a form XObject, so once spent the budget
    raises again at every operator until the page's own content stream lets it out."""

    def __init__(self, source: str, seconds: float):
        self.source = source
        self.deadline = time.monotonic() + seconds
        self.seconds = seconds
        self.operators = self.xobjects = self.tokens = self.decoded = 0
        self._streams: dict[int, int] = {}  # id of a stream read -> its tokens
        #: Tokens pypdf parses to draw each form XObject the current page can reach, by name.
        self.draw_costs: dict[str, int] = {}
        self.spent: DocumentTooComplex | None = None

    def __call__(self, operator, operands, cm, tm) -> None:
        if self.spent is not None:
            raise self.spent
        self.operators += 1
        if self.operators > MAX_PDF_OPERATORS:
            self._spend(f"more than {MAX_PDF_OPERATORS:,} content-stream operators")
        if operator == b"Do":
            self.xobjects += 1
            if self.xobjects > MAX_PDF_XOBJECTS:
                self._spend(f"more than {MAX_PDF_XOBJECTS:,} XObjects drawn")
            if operands and isinstance(operands[0], str):
                self.parse(self.draw_costs.get(operands[0], 0))
        self.clock()

    def clock(self) -> None:
        """Raise once the document has taken longer than its time budget."""
        if self.spent is not None:
            raise self.spent
        if time.monotonic() > self.deadline:
            self._spend(f"reading it took more than {self.seconds:g} s")

    def read(self, stream) -> int:
        """Decode `stream` (once: pypdf keeps it), count its bytes; its tokens."""
        if id(stream) not in self._streams:
            data = stream.get_data()
            self.decoded += len(data)
            if self.decoded > MAX_PDF_DECODED_BYTES:
                self._spend(f"more than {MAX_PDF_DECODED_BYTES:,} bytes of streams to decode")
            self._streams[id(stream)] = _tokens(data)
        return self._streams[id(stream)]

    def parse(self, tokens: int) -> None:
        """Count `tokens` objects that pypdf is about to parse (see MAX_PDF_TOKENS)."""
        self.tokens += tokens
        if self.tokens > MAX_PDF_TOKENS:
            self._spend(f"more than {MAX_PDF_TOKENS:,} objects in page content, font maps and "
                        "forms to parse")

    def page(self, page, forms: _Forms) -> None:
        """Before pypdf reads a page: charge its content streams and font maps, and learn what
        drawing each form it can reach will cost."""
        self.clock()
        for stream in _page_streams(page):
            self.parse(self.read(stream))
        self.draw_costs = forms.reachable(_resolved(page.get("/Resources")))

    def _spend(self, what: str) -> None:
        self.spent = DocumentTooComplex(
            f"{self.source}: the PDF is too complex to read: {what} (the limit for one document); "
            "refused")
        raise self.spent


def _resolved(obj):
    return obj.get_object() if obj is not None else None


def _font_maps(resources) -> Iterator:
    """The character maps (/ToUnicode, an /Encoding CMap) of the fonts in `resources`, which
    pypdf parses each time it sets the fonts up: for every page, for every form drawn."""
    from pypdf.generic import DictionaryObject, StreamObject

    fonts = _resolved(resources.get("/Font")) if isinstance(resources, DictionaryObject) else None
    for font in fonts.values() if isinstance(fonts, DictionaryObject) else ():
        font = _resolved(font)
        for key in ("/ToUnicode", "/Encoding"):
            if isinstance(font, DictionaryObject) and isinstance(
                    cmap := _resolved(font.get(key)), StreamObject):
                yield cmap


def _page_streams(page) -> Iterator:
    """The streams pypdf parses for a page's own text: its content streams and font maps."""
    from pypdf.generic import ArrayObject, StreamObject

    contents = _resolved(page.get("/Contents"))
    for item in contents if isinstance(contents, ArrayObject) else [contents]:
        if isinstance(stream := _resolved(item), StreamObject):
            yield stream
    yield from _font_maps(_resolved(page.get("/Resources")))


class _Forms:
    """What drawing each form XObject costs: the tokens pypdf parses every time it draws it (the
    form's content and its fonts' maps), by the name a page or a form draws it with.

    Each form is decoded here once (its bytes counted: pypdf keeps decoded streams in memory);
    maps are kept per XObject dictionary, so pages that share resources cost nothing more.
    """

    MAX_DEPTH = 32  # forms nested deeper are still counted by the XObject and time budgets

    def __init__(self, budget: _Budget):
        self.budget = budget
        self._maps: dict[int, dict[str, int]] = {}
        self._costs: dict[int, int] = {}

    def reachable(self, resources, depth: int = 0) -> dict[str, int]:
        """{name: cost} of the forms drawable from `resources`, nested forms' included."""
        from pypdf.generic import DictionaryObject, StreamObject

        xobjects = (_resolved(resources.get("/XObject"))
                    if isinstance(resources, DictionaryObject) else None)
        if not isinstance(xobjects, DictionaryObject) or depth > self.MAX_DEPTH:
            return {}
        if id(xobjects) in self._maps:
            return self._maps[id(xobjects)]
        self._maps[id(xobjects)] = {}  # a cycle of forms meets an empty map
        costs: dict[str, int] = {}
        for name, ref in xobjects.items():
            form = _resolved(ref)
            if not isinstance(form, StreamObject) or form.get("/Subtype") != "/Form":
                continue  # images cost pypdf nothing here
            costs[name] = max(costs.get(name, 0), self._cost(form))
            for inner, cost in self.reachable(_resolved(form.get("/Resources")), depth + 1).items():
                costs[inner] = max(costs.get(inner, 0), cost)
        self._maps[id(xobjects)] = costs
        return costs

    def _cost(self, form) -> int:
        if id(form) not in self._costs:
            self._costs[id(form)] = self.budget.read(form) + sum(
                self.budget.read(m) for m in _font_maps(_resolved(form.get("/Resources"))))
        return self._costs[id(form)]


def _open(data: bytes, source: str):
    """A PdfReader on `data`, decrypted when only an owner password protects it."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

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
    return reader


def _read_pages(reader, builder: Builder, budget: _Budget, source: str, max_chars: int) -> int:
    """Each page's text into `builder`, within the budget; the number of pages."""
    declared = reader.root_object["/Pages"].get("/Count")  # cheap: no page tree walked yet
    if isinstance(declared, int) and declared > MAX_PDF_PAGES:
        raise DocumentTooLarge(f"{source}: {declared:,} pages; the limit is {MAX_PDF_PAGES:,}")
    pages = len(reader.pages)  # a /Count that lies meets page_tree_maximum_entries instead
    if pages > MAX_PDF_PAGES:
        raise DocumentTooLarge(f"{source}: {pages:,} pages; the limit is {MAX_PDF_PAGES:,}")
    forms = _Forms(budget)
    for number, page in enumerate(reader.pages, start=1):
        budget.page(page, forms)
        text = (page.extract_text(visitor_operand_before=budget) or "").rstrip()
        budget.clock()  # spent inside the page's last form XObject
        lines = text.split("\n") if text else []
        builder.add_lines([(line, Location(page=number, line=i))
                           for i, line in enumerate(lines, start=1)])
        if builder.length > max_chars:
            raise DocumentTooLarge(
                f"{source}: the text is over the limit of {max_chars:,} characters (set "
                f"CDCHECK_MAX_CHARS to change it); reading stopped at page {number:,}")
    return pages


def _limits():
    """pypdf's per-stream limits, tightened to this reader's budget for the read."""
    from pypdf import apply_configuration

    return apply_configuration(
        page_tree_maximum_entries=2 * MAX_PDF_PAGES,
        stream_parsing_work_maximum_count=MAX_STREAM_PARSE_WORK,
        zlib_maximum_output_length=MAX_PDF_DECODED_BYTES,
        lzw_maximum_output_length=MAX_PDF_DECODED_BYTES,
        run_length_maximum_output_length=MAX_PDF_DECODED_BYTES,
        array_based_stream_maximum_output_length=MAX_PDF_DECODED_BYTES,
    )


def read_pdf(data: bytes, source: str, max_chars: int | None = None,
             seconds: float = MAX_PDF_SECONDS) -> Document:
    """A PDF's text layer and locations; raises UnreadableDocument, DocumentTooLarge (pages,
    text) or DocumentTooComplex (content, operators, time) within `seconds` or little more."""
    from pypdf.errors import LimitReachedError

    if b"%PDF-" not in data[:1024]:
        raise UnreadableDocument(f"{source}: not a PDF file (no %PDF header)")
    builder = Builder()
    budget = _Budget(source, seconds)
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)  # damaged files: nothing on stderr
    try:
        with warnings.catch_warnings(), _limits():
            warnings.simplefilter("ignore")
            pages = _read_pages(_open(data, source), builder, budget, source, text_limit(max_chars))
    except (UnreadableDocument, DocumentTooLarge):
        raise
    except LimitReachedError as exc:
        raise DocumentTooComplex(f"{source}: the PDF is too complex to read: {reason(exc)}; "
                                 "refused") from None
    except _pdf_errors() as exc:
        raise UnreadableDocument(f"{source}: not a readable PDF ({reason(exc)})") from None
    if builder.empty:
        raise UnreadableDocument(
            f"{source}: no text layer, cannot check (a scanned PDF? run OCR on it first)"
        )
    return builder.document(source, "pdf", {"pages": pages})
