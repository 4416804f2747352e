"""Bytes of a text file to text: a byte-order mark says the encoding exactly; else UTF-8; else
charset-normalizer chooses among the other encodings cdcheck reads (UTF-16/32 without a mark,
Windows-1252) and refuses what reads as none of them (binary data)."""

from __future__ import annotations

import codecs

from ..errors import UnreadableDocument

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
#: Without a mark, zero bytes are how UTF-16 and UTF-32 text looks; legacy text never has them.
_WIDE = ["utf_16_le", "utf_16_be", "utf_32_le", "utf_32_be"]
_LEGACY = ["cp1252"]
#: Share of control characters above which decoded text is taken for binary data.
_MAX_CONTROLS = 0.05


def _binary(source: str) -> UnreadableDocument:
    return UnreadableDocument(f"{source}: this looks like a binary file, not text")


def _best(data: bytes, encodings: list[str], source: str) -> tuple[str, str]:
    """(text, encoding) as charset-normalizer reads `data` among `encodings`, or a binary error."""
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=encodings, preemptive_behaviour=False).best()
    if best is None:
        raise _binary(source)
    return str(best), best.encoding.replace("_", "-")


def decode_text(data: bytes, source: str = "<input>") -> tuple[str, str]:
    """(text, encoding) for the bytes of a text file; UnreadableDocument for binary data."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc.replace("-sig", "")
            except UnicodeDecodeError:
                raise UnreadableDocument(f"{source}: the file claims {enc} but is not") from None
    if b"\x00" in data[:8192]:
        text, enc = _best(data, _WIDE, source)
    else:
        try:
            text, enc = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, enc = _best(data, _LEGACY, source)
    sample = text[:8192]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f")
    if sample and controls / len(sample) > _MAX_CONTROLS:
        raise _binary(source)
    return text, enc
