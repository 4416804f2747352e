"""Reading .pdf: the text layer page by page (pypdf), lines joined into sentences, with pages and
lines as locations. Damaged, encrypted and scanned files are refused with a reason."""

from __future__ import annotations

import io
import logging
import warnings
import zlib

from ..errors import DocumentTooLarge, UnreadableDocument
from ..schema import Location
from .document import Builder, Document, reason

MAX_PDF_PAGES = 2000


def _pdf_errors() -> tuple[type[BaseException], ...]:
    from pypdf.errors import PyPdfError

    # pypdf raises its own errors and, on damaged files, a handful of builtin ones.
    return (PyPdfError, zlib.error, KeyError, ValueError, TypeError, AttributeError, IndexError,
            AssertionError, EOFError, OSError, NotImplementedError, RecursionError,
            ZeroDivisionError, OverflowError, UnicodeError)


def read_pdf(data: bytes, source: str) -> Document:
    """A PDF's text layer and locations; raises UnreadableDocument or DocumentTooLarge."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    if b"%PDF-" not in data[:1024]:
        raise UnreadableDocument(f"{source}: not a PDF file (no %PDF header)")
    builder = Builder()
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
        raise UnreadableDocument(f"{source}: not a readable PDF ({reason(exc)})") from None
    if builder.empty:
        raise UnreadableDocument(
            f"{source}: no text layer, cannot check (a scanned PDF? run OCR on it first)"
        )
    return builder.document(source, "pdf", {"pages": pages})


