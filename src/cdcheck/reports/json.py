"""The JSON contract: {"tool", "version", "documents": [...]}, never broken, only extended."""

from __future__ import annotations

import json
from collections.abc import Sequence

from .. import __version__
from ..schema import DocumentReport


def to_json(reports: Sequence[DocumentReport], **extra) -> str:
    """The JSON report: each document's `to_dict()`, plus `extra` top-level keys (summary)."""
    body = {"tool": "cdcheck", "version": __version__,
            "documents": [r.to_dict() for r in reports]}
    body.update(extra)
    return json.dumps(body, ensure_ascii=False, indent=2)
