"""Documents in: files, folders and stdin become text, with clear errors for what cannot be read."""

from __future__ import annotations

import codecs
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import DocumentTooLarge, EmptyDocument, UnreadableDocument, UnsupportedFormat

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
SUPPORTED = set(TEXT_SUFFIXES)
#: Largest file read, in bytes; larger inputs are refused before they are read.
MAX_BYTES = 20 * 1024 * 1024


@dataclass
class Document:
    """A document's text and where it came from."""

    source: str
    text: str
    format: str = "txt"
    meta: dict = field(default_factory=dict)


_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


def decode_text(data: bytes, source: str = "<input>") -> tuple[str, str]:
    """(text, encoding) for the bytes of a text file: BOMs, UTF-8, then cp1252; binary refused."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc.replace("-sig", "")
            except UnicodeDecodeError:
                raise UnreadableDocument(f"{source}: the file claims {enc} but is not") from None
    if b"\x00" in data[:8192]:
        raise UnreadableDocument(f"{source}: this looks like a binary file, not text")
    try:
        text, enc = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        try:
            text, enc = data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            raise UnreadableDocument(
                f"{source}: the text is neither UTF-8, UTF-16 nor Windows-1252"
            ) from None
    sample = text[:8192]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f")
    if sample and controls / len(sample) > 0.05:
        raise UnreadableDocument(f"{source}: this looks like a binary file, not text")
    return text, enc


def _check_text(text: str, source: str) -> str:
    if not text.strip():
        raise EmptyDocument(f"{source}: the document is empty")
    return text


def load_path(path: Path, source: str | None = None) -> Document:
    """Read one file into a Document; raises a CdcheckError subclass that says what is wrong."""
    source = source or str(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise UnsupportedFormat(
            f"{source}: unsupported file type {suffix or '(none)'}; "
            f"cdcheck reads {', '.join(sorted(SUPPORTED))}"
        )
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise DocumentTooLarge(f"{source}: {size:,} bytes is over the {MAX_BYTES:,}-byte limit")
        data = path.read_bytes()
    except FileNotFoundError:
        raise UnreadableDocument(f"{source}: no such file") from None
    except IsADirectoryError:
        raise UnreadableDocument(f"{source}: is a directory") from None
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
    if suffix not in SUPPORTED:
        raise UnsupportedFormat(f"{source}: unsupported file type {suffix or '(none)'}")
    text, enc = decode_text(data, source)
    fmt = "md" if suffix in (".md", ".markdown") else "txt"
    return Document(source, _check_text(text, source), fmt, {"encoding": enc})


def load_stdin() -> Document:
    """Standard input as one document named <stdin>."""
    data = sys.stdin.buffer.read(MAX_BYTES + 1)
    return load_bytes(data, "<stdin>", ".txt")


def expand_paths(paths: Iterable[str]) -> Iterator[Path | str]:
    """Files named, and supported files under folders named (sorted); "-" passes through."""
    for p in paths:
        if p == "-":
            yield p
            continue
        path = Path(p)
        if path.is_dir():
            yield from sorted(f for f in path.rglob("*")
                              if f.is_file() and f.suffix.lower() in SUPPORTED)
        else:
            yield path
