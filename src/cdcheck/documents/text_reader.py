"""Reading .txt and .md: decoded bytes, one location segment per line."""

from __future__ import annotations

import re

from ..schema import Location
from .decoding import decode_text
from .document import Document, Segment, check_text


def line_segments(text: str) -> list[Segment]:
    """One segment per line of a text file (lines count from 1; `locate` adds the column)."""
    segs = [(0, Location(line=1))]
    for n, m in enumerate(re.finditer("\n", text), start=2):
        segs.append((m.end(), Location(line=n)))
    return segs


def read_text(data: bytes, source: str, suffix: str) -> Document:
    """A text file's Document: its decoded text, lines as locations, the encoding in `meta`."""
    text, enc = decode_text(data, source)
    fmt = "md" if suffix in (".md", ".markdown") else "txt"
    return Document(source, check_text(text, source), fmt, {"encoding": enc}, line_segments(text))
