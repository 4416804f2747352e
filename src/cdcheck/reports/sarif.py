"""SARIF 2.1.0 out, for GitHub code scanning: one rule per label that can fail, one result each.

- One rule per label that fails a check (`blame`, level error; `situation`, level warning), its
  texts from rules/labels.toml; other labels never fail and are not reported here.
- A result's region is the line and column in the file for .txt and .md (columns count Unicode
  code points: `columnKind`). GitHub needs a `startLine` for every result, and cannot show a .docx
  or .pdf line by line, so there `startLine` carries the paragraph (.docx, body) or the page
  (.pdf); the message says exactly where ("table 1, row 2, cell 3"), and `properties.location`
  holds the full location object of the JSON report.
- Accepted findings are kept, with a suppression that carries the reviewer's reason (`inSource`
  for an inline directive, `external` for the configuration file).
- The words that decided a finding (its evidence) are a related location, "the words that
  decided it", with the same kind of region as the mention's; the message quotes them (the
  Checker's messages do already) and `properties.evidence` holds them with their offsets in the
  checked text.
- Unreadable documents become error notifications of the run's invocation.
- `partialFingerprints` hash the rule, country, mention and sentence, so an alert keeps its
  identity when lines move.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote

from .. import __version__
from ..documents import describe
from ..policy import LabelPolicy
from ..schema import DocumentReport, Finding

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"


def rules(policy: LabelPolicy) -> list[dict]:
    """One SARIF rule per label that fails a check, worst first, from rules/labels.toml."""
    out = []
    for label in policy.flagged:
        rule = policy.rule(label)
        text = rule.sarif
        out.append({
            "id": label,
            "name": text.name,
            "shortDescription": {"text": text.short},
            "fullDescription": {"text": text.full},
            "help": {"text": text.help, "markdown": text.help_markdown},
            "defaultConfiguration": {"level": rule.severity},
            "properties": {"tags": ["no-naming", "constructive-dialogues"], "precision": "medium",
                           "problem.severity": rule.severity},
        })
    return out


def artifact_uri(source: str, root: Path | None = None) -> str:
    """A relative URI for a source path (relative to `root`, default the current directory)."""
    if source == "<stdin>":
        return "stdin"
    path = Path(source)
    root = (root or Path.cwd()).resolve()
    try:
        rel = path.resolve().relative_to(root).as_posix()
    except (ValueError, OSError):
        return path.resolve().as_uri() if path.is_absolute() else quote(path.as_posix())
    return quote(rel)


def _region(report: DocumentReport, f: Finding) -> dict:
    loc = f.location
    m = f.mention
    if loc is not None and loc.line is not None and loc.page is None:
        start_col = loc.column or 1
        # The mention's end in the same line numbering: mentions never span a newline in practice,
        # but count them to be safe.
        span = report.text[m.start:m.end]
        extra_lines = span.count("\n")
        end_col = (len(span) - span.rfind("\n")) if extra_lines else start_col + len(span)
        return {"startLine": loc.line, "startColumn": start_col,
                "endLine": loc.line + extra_lines, "endColumn": end_col,
                "snippet": {"text": span}}
    if loc is not None and loc.page is not None:
        return {"startLine": loc.page}
    if loc is not None and loc.paragraph is not None:
        return {"startLine": loc.paragraph}
    return {"startLine": 1}


def _line_column(text: str, anchor: int, line: int, column: int, offset: int) -> tuple[int, int]:
    """Line and column of `offset`, counted from `anchor` whose line and column are known (the
    reports keep the text, not the document's map of offsets to lines)."""
    newlines = text.count("\n", min(anchor, offset), max(anchor, offset))
    if not newlines:
        return line, column + offset - anchor
    return line + (newlines if offset > anchor else -newlines), offset - text.rfind("\n", 0, offset)


def _evidence_location(report: DocumentReport, f: Finding, uri: str) -> dict:
    """The evidence as a related location: line and column in .txt and .md; in .docx and .pdf,
    whose lines SARIF cannot show, the mention's paragraph or page."""
    loc, m, e = f.location, f.mention, f.evidence
    region = _region(report, f)
    if "startColumn" in region:
        start = _line_column(report.text, m.start, loc.line, loc.column or 1, e.start)
        end = _line_column(report.text, m.start, loc.line, loc.column or 1, e.end)
        region = {"startLine": start[0], "startColumn": start[1], "endLine": end[0],
                  "endColumn": end[1], "snippet": {"text": e.text}}
    return {"id": 1, "message": {"text": "the words that decided it"},
            "physicalLocation": {"artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"},
                                 "region": region}}


def _fingerprint(f: Finding, uri: str) -> str:
    key = "\x1f".join([f.label, f.mention.key, f.mention.text, f.sentence, uri])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _result(report: DocumentReport, f: Finding, uri: str, index: dict[str, int]) -> dict:
    where = describe(f.location)
    text = f.message
    words = " ".join(f.evidence.text.split()) if f.evidence is not None else ""
    if words and words[:60] not in text:  # the Checker's messages quote them already
        text += f" Decided by the words \u201c{words}\u201d."
    if f.suggestion:
        text += f" Suggested rewrite: {f.suggestion}"
    if where and (f.location.line is None or f.location.page is not None):
        text = f"{where}: {text}"  # .docx/.pdf: say where, since startLine is not a line there
    result = {
        "ruleId": f.label,
        "ruleIndex": index[f.label],
        "level": f.severity,
        "message": {"text": text},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"},
            "region": _region(report, f),
        }}],
        "partialFingerprints": {"cdcheckFinding/v1": _fingerprint(f, uri)},
        "properties": {
            "country": f.mention.country, "countryName": f.mention.country_name,
            "mention": f.mention.text, "kind": f.mention.kind,
            "confidence": round(f.confidence, 4), "sentence": f.sentence,
        },
    }
    if f.location is not None:
        result["properties"]["location"] = f.location.to_dict()
    if f.evidence is not None:
        result["relatedLocations"] = [_evidence_location(report, f, uri)]
        result["properties"]["evidence"] = f.evidence.to_dict()
    if f.accepted is not None:
        result["suppressions"] = [{"kind": "inSource" if f.accepted.inline else "external",
                                   "justification": f.accepted.reason}]
    return result


def to_sarif(reports: Sequence[DocumentReport], policy: LabelPolicy,
             root: Path | None = None) -> dict:
    """The SARIF log (a dict) for checked reports; paths relative to `root` (default: cwd)."""
    driver_rules = rules(policy)
    index = {rule["id"]: i for i, rule in enumerate(driver_rules)}
    results = []
    notifications = []
    for r in reports:
        uri = artifact_uri(r.source, root)
        if not r.ok:
            notifications.append({
                "level": "error",
                "message": {"text": r.error},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"}}}],
            })
            continue
        for f in r.findings or []:
            if f.label in index:
                results.append(_result(r, f, uri, index))
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "cdcheck", "version": __version__, "semanticVersion": __version__,
                "rules": driver_rules,
            }},
            "invocations": [{"executionSuccessful": not notifications,
                             "toolExecutionNotifications": notifications}],
            "originalUriBaseIds": {"%SRCROOT%": {
                "uri": (root or Path.cwd()).resolve().as_uri() + "/"}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }


def render_sarif(reports: Sequence[DocumentReport], policy: LabelPolicy,
                 root: Path | None = None) -> str:
    """The SARIF log as JSON text."""
    return json.dumps(to_sarif(reports, policy, root), ensure_ascii=False, indent=2)
