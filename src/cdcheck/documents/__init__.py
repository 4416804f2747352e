"""Documents in: files, folders and stdin become a `Document` (text plus a map from offsets back
to a place a person can find), with clear errors for what cannot be read.

One reader per format (`text_reader`, `docx_reader`, `pdf_reader`), bytes decoded in
`decoding`, inline acceptances in `directives`, which files a folder holds in `paths`. Untrusted
input is the normal case here (uploads, written submissions), so every reader checks sizes
before it parses.

To add an input format: write `read_<format>(data, source) -> Document` in a module of its own,
add its suffixes to `SUFFIXES` below and a branch in `load_bytes`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import DocumentTooLarge, EmptyDocument, UnreadableDocument, UnsupportedFormat
from .document import Document, describe

TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".text"})
DOCX_SUFFIXES = frozenset({".docx"})
PDF_SUFFIXES = frozenset({".pdf"})
SUPPORTED = TEXT_SUFFIXES | DOCX_SUFFIXES | PDF_SUFFIXES
#: Largest file read, in bytes; larger inputs are refused before they are read.
MAX_BYTES = 20 * 1024 * 1024

__all__ = ["Document", "SUPPORTED", "MAX_BYTES", "describe", "load_path", "load_bytes",
           "load_stdin"]


def _unsupported(source: str, suffix: str) -> str:
    return (f"{source}: unsupported file type {suffix or '(none)'}; "
            f"cdcheck reads {', '.join(sorted(SUPPORTED))}")


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
        from .docx_reader import read_docx

        return read_docx(data, source)
    if suffix in PDF_SUFFIXES:
        from .pdf_reader import read_pdf

        return read_pdf(data, source)
    from .text_reader import read_text

    return read_text(data, source, suffix)


def load_stdin() -> Document:
    """Standard input as one document named <stdin>."""
    data = sys.stdin.buffer.read(MAX_BYTES + 1)
    return load_bytes(data, "<stdin>", ".txt")
