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

import os
import stat
import sys
from pathlib import Path

from ..errors import (
    CdcheckError,
    DocumentTooLarge,
    EmptyDocument,
    UnreadableDocument,
    UnsupportedFormat,
)
from .document import TRIM_ABOVE, Document, describe, detached, release_memory

TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".text"})
DOCX_SUFFIXES = frozenset({".docx"})
PDF_SUFFIXES = frozenset({".pdf"})
SUPPORTED = TEXT_SUFFIXES | DOCX_SUFFIXES | PDF_SUFFIXES
#: Largest file read, in bytes; larger inputs are refused before they are read.
MAX_BYTES = 20 * 1024 * 1024

__all__ = ["Document", "SUPPORTED", "MAX_BYTES", "describe", "load_path", "load_bytes",
           "load_stdin", "read_file"]


def _unsupported(source: str, suffix: str) -> str:
    return (f"{source}: unsupported file type {suffix or '(none)'}; "
            f"cdcheck reads {', '.join(sorted(SUPPORTED))}")


def _kind(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    for test, kind in ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return kind
    return "not a regular file"


def _not_regular(source: str, mode: int) -> UnreadableDocument:
    if stat.S_ISDIR(mode):
        return UnreadableDocument(f"{source}: is a directory")
    return UnreadableDocument(f"{source}: {_kind(mode)}, not a regular file; only regular files "
                              "are read")


def _stat(path: Path, source: str) -> os.stat_result:
    """The file's status (links followed), or the error that says why it cannot be read."""
    try:
        return os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise UnreadableDocument(f"{source}: a broken symbolic link (to "
                                     f"{os.readlink(path)!r})") from None
        raise UnreadableDocument(f"{source}: no such file") from None
    except PermissionError:
        raise UnreadableDocument(f"{source}: permission denied") from None
    except OSError as exc:  # ELOOP: a loop of symbolic links; ENAMETOOLONG...
        raise UnreadableDocument(f"{source}: cannot be read ({exc.strerror})") from None


def _read_at_most(fd: int, limit: int) -> bytes:
    """Up to `limit` bytes from `fd`, in chunks (never a read of unknown size)."""
    chunks, left = [], limit
    while left > 0:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_file(path: Path, source: str, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file, reading at most `limit` + 1 of them.

    Anything else is that entry's error, never read: a FIFO would block forever, a device such
    as /dev/zero never ends, a socket cannot be opened, a broken link has nothing behind it. The
    type is checked before opening and again on the open file (it may have been swapped).
    """
    mode = _stat(path, source).st_mode
    if not stat.S_ISREG(mode):
        raise _not_regular(source, mode)
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise UnreadableDocument(f"{source}: no such file") from None
    except PermissionError:
        raise UnreadableDocument(f"{source}: permission denied") from None
    except OSError as exc:
        raise UnreadableDocument(f"{source}: cannot be read ({exc.strerror})") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise _not_regular(source, st.st_mode)
        if st.st_size > limit:
            raise _too_large(source, st.st_size, limit)
        data = _read_at_most(fd, limit + 1)
    except OSError as exc:
        raise UnreadableDocument(f"{source}: cannot be read ({exc.strerror})") from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise _too_large(source, len(data), limit)
    return data


def _too_large(source: str, size: int, limit: int = MAX_BYTES) -> DocumentTooLarge:
    return DocumentTooLarge(f"{source}: {size:,} bytes is over the {limit:,}-byte limit")


def load_path(path: Path, source: str | None = None, max_chars: int | None = None) -> Document:
    """Read one file into a Document; raises a CdcheckError subclass that says what is wrong.

    Only regular files are read (see `read_file`); `max_chars` (by default the checker's limit)
    lets a reader stop as soon as the text is over it.
    """
    path = Path(path)
    source = source or str(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        mode = _stat(path, source).st_mode
        if stat.S_ISDIR(mode):
            raise UnreadableDocument(f"{source}: is a directory")
        raise UnsupportedFormat(_unsupported(source, suffix))
    return load_bytes(read_file(path, source), source, suffix, max_chars)


def load_bytes(data: bytes, source: str, suffix: str = ".txt",
               max_chars: int | None = None) -> Document:
    """A Document from raw bytes of a given type (the web upload path shares this); `max_chars`
    (by default the checker's limit) lets the reader stop as soon as the text is over it."""
    if len(data) > MAX_BYTES:
        raise _too_large(source, len(data))
    suffix = suffix.lower()
    if suffix and not suffix.startswith("."):
        suffix = "." + suffix
    if suffix not in SUPPORTED:
        raise UnsupportedFormat(_unsupported(source, suffix))
    if not data.strip():
        raise EmptyDocument(f"{source}: the document is empty")
    if len(data) <= TRIM_ABOVE:
        return _read(data, source, suffix, max_chars)
    try:  # a large input: hand the memory its reading freed back to the system, error or not
        document = _read(data, source, suffix, max_chars)
    except CdcheckError as exc:
        error = detached(exc)
    else:
        error = None
    release_memory()
    if error is not None:
        raise error
    return document


def _read(data: bytes, source: str, suffix: str, max_chars: int | None) -> Document:
    """The reader for `suffix` on `data`."""
    if suffix in DOCX_SUFFIXES:
        from .docx_reader import read_docx

        return read_docx(data, source, max_chars)
    if suffix in PDF_SUFFIXES:
        from .pdf_reader import read_pdf

        return read_pdf(data, source, max_chars)
    from .text_reader import read_text

    return read_text(data, source, suffix, max_chars)


def load_stdin(max_chars: int | None = None) -> Document:
    """Standard input as one document named <stdin> (at most MAX_BYTES + 1 bytes are read)."""
    data = sys.stdin.buffer.read(MAX_BYTES + 1)
    return load_bytes(data, "<stdin>", ".txt", max_chars)
