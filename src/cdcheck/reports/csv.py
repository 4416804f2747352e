"""CSV out: one row per finding, for spreadsheets; a document that could not be read is one row
with only `source` and `error` filled, so nothing in the batch goes missing."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from ..documents import describe
from ..schema import DocumentReport

COLUMNS = [
    "source", "verdict", "location", "line", "column", "paragraph", "table", "row", "cell", "page",
    "part", "start", "end", "text", "country", "country_name", "kind", "label", "severity",
    "confidence", "accepted", "message", "evidence", "suggestion", "sentence", "error",
]
#: Free-text columns: statement text must never be read as a spreadsheet formula.
_TEXT = {"source", "text", "country_name", "message", "evidence", "suggestion", "sentence",
         "accepted", "error", "location"}


def _cell(key: str, value) -> str:
    if value is None:
        return ""
    value = str(value)
    # A cell starting with = + - @ (or a tab/CR) is a formula to Excel and LibreOffice: quote it.
    if key in _TEXT and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def rows(reports: Sequence[DocumentReport]) -> list[dict]:
    """The CSV rows as dicts keyed by COLUMNS (values not yet escaped for spreadsheets)."""
    out = []
    for r in reports:
        if not r.ok:
            out.append({"source": r.source, "error": r.error})
            continue
        for f in r.findings or []:
            m = f.mention
            loc = f.location.to_dict() if f.location else {}
            out.append({
                "source": r.source, "verdict": r.verdict, "location": describe(f.location),
                **{k: loc.get(k) for k in ("line", "column", "paragraph", "table", "row", "cell",
                                           "page", "part")},
                "start": m.start, "end": m.end, "text": m.text, "country": m.country,
                "country_name": m.country_name, "kind": m.kind, "label": f.label,
                "severity": f.severity, "confidence": f"{f.confidence:.4f}",
                "accepted": f.accepted.reason if f.accepted else None, "message": f.message,
                "evidence": f.evidence.text if f.evidence else None,
                "suggestion": f.suggestion, "sentence": f.sentence,
            })
    return out


def render_csv(reports: Sequence[DocumentReport]) -> str:
    """The CSV text (header row first, RFC 4180 quoting, \\r\\n line ends)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, extrasaction="raise")
    writer.writeheader()
    for row in rows(reports):
        writer.writerow({k: _cell(k, row.get(k)) for k in COLUMNS})
    return buf.getvalue()
