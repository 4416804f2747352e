"""Reading .txt and .md: decoded bytes, one location segment per line."""

from __future__ import annotations

import re

from ..errors import DocumentTooLarge
from ..schema import Location
from .decoding import decode_text
from .document import Document, Segment, check_text, text_limit


def line_segments(text: str) -> list[Segment]:
    """One segment per line of a text file (lines count from 1; `locate` adds the column)."""
    segs = [(0, Location(line=1))]
    for n, m in enumerate(re.finditer("\n", text), start=2):
        segs.append((m.end(), Location(line=n)))
    return segs


def read_text(data: bytes, source: str, suffix: str, max_chars: int | None = None) -> Document:
    """A text file's Document: its decoded text, lines as locations, the encoding in `meta`;
    DocumentTooLarge for a text over `max_chars` (by default the checker's limit), refused
    before its lines are mapped or its directives scanned."""
    text, enc = decode_text(data, source)
    limit = text_limit(max_chars)
    if len(text) > limit:
        raise DocumentTooLarge(f"{source}: the statement has {len(text):,} characters; the limit "
                               f"is {limit:,} (set CDCHECK_MAX_CHARS to change it)")
    fmt = "md" if suffix in (".md", ".markdown") else "txt"
    return Document(source, check_text(text, source), fmt, {"encoding": enc}, line_segments(text))
