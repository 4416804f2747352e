"""One self-contained HTML report for the Secretariat's file: summary, then every document's text
with its mentions highlighted by severity, the reason for each and a suggested rewrite.

No external assets (inline CSS, system fonts, no scripts) so the file can be archived and opened
anywhere; every piece of document text is escaped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape

from . import __version__
from .batch import error_reason, summarize
from .documents import describe
from .schema import DocumentReport, Finding

SEVERITY_TAG = {"error": "E", "warning": "W", "info": "i"}

CSS = """
:root { --red:#b3261e; --red-bg:#fde7e4; --amber:#8a5a00; --amber-bg:#fff2c6; --green:#1e6b35;
  --green-bg:#e3f4e7; --grey:#5f6368; --line:#d9dce1; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  sans-serif; color:#1f2328; margin:0 auto; max-width: 980px; padding: 24px; }
h1 { font-size: 1.6em; margin: 0 0 4px; } h2 { font-size: 1.2em; margin: 0; word-break: break-all; }
.meta { color: var(--grey); margin: 0 0 20px; }
.cards { display:flex; gap:12px; flex-wrap:wrap; margin: 12px 0 20px; }
.card { border:1px solid var(--line); border-radius:8px; padding:10px 16px; min-width:120px; }
.card b { display:block; font-size:1.6em; }
table { border-collapse: collapse; width:100%; margin: 8px 0 20px; }
th, td { text-align:left; border-bottom:1px solid var(--line); padding:6px 8px; vertical-align:top; }
th { font-weight:600; background:#f6f8fa; }
.badge { display:inline-block; border-radius:4px; padding:1px 8px; font-weight:700;
  font-size:.8em; letter-spacing:.03em; text-transform:uppercase; white-space:nowrap; }
.v-violation, .s-error { background:var(--red); color:#fff; }
.v-review, .s-warning { background:#f2c230; color:#1f2328; }
.v-ok, .s-info { background:var(--green); color:#fff; }
.v-error { background:#444; color:#fff; }
.s-accepted { background:#e8eaed; color:#3c4043; }
.doc { border-top: 3px solid var(--line); margin-top: 28px; padding-top: 12px; }
.doc header { display:flex; gap:12px; align-items:baseline; flex-wrap:wrap; }
.text { white-space: pre-wrap; word-wrap: break-word; background:#fbfbfc; border:1px solid var(--line);
  border-radius:6px; padding:12px 14px; margin:10px 0; font-size:14px; }
mark { border-radius:3px; padding:0 2px; color:inherit; }
mark.m-error { background:var(--red-bg); box-shadow: inset 0 -2px var(--red); }
mark.m-warning { background:var(--amber-bg); box-shadow: inset 0 -2px #d29b00; }
mark.m-info { background:var(--green-bg); }
mark.m-accepted { background:#eef0f2; box-shadow: inset 0 -2px #9aa0a6; text-decoration: none; }
mark sup { font-size:.7em; color:var(--grey); margin-left:1px; }
ol.findings { padding-left: 0; list-style: none; }
ol.findings li { border:1px solid var(--line); border-left-width:4px; border-radius:6px;
  padding:8px 12px; margin:8px 0; }
li.f-error { border-left-color: var(--red); } li.f-warning { border-left-color: #d29b00; }
li.f-info { border-left-color: var(--green); } li.f-accepted { border-left-color: #9aa0a6; }
.why, .try, .acc { margin: 4px 0 0; } .try { color: #0b5394; } .acc { color:#3c4043; }
.label { font-weight:600; } .where, .conf { color: var(--grey); font-size:.9em; }
.error { color: var(--red); font-weight:600; }
details > summary { cursor: pointer; color: var(--grey); margin: 6px 0; }
a { color: #0b5394; }
@media print { body { max-width:none; padding:0; } .doc { break-before: page; }
  details { display:block; } a { color: inherit; text-decoration: none; } }
"""


def _e(value) -> str:
    return escape("" if value is None else str(value), quote=True)


def _status(f: Finding) -> str:
    return "accepted" if f.accepted is not None else f.severity


def _summary_html(summary: dict) -> str:
    v = summary["verdicts"]
    cards = "".join(
        f'<div class="card"><span class="badge v-{k}">{label}</span><b>{n}</b></div>'
        for k, label, n in (("violation", "violation", v["violation"]),
                             ("review", "review", v["review"]), ("ok", "ok", v["ok"]),
                             ("error", "unreadable", summary["errors"])))
    f = summary["findings"]
    parts = [
        '<section id="summary"><h2>Summary</h2>',
        f'<div class="cards"><div class="card">documents<b>{summary["documents"]}</b></div>'
        f'{cards}</div>',
        f'<p>{f["blame"]} naming-and-shaming finding{"s" if f["blame"] != 1 else ""}, '
        f'{f["situation"]} country situation{"s" if f["situation"] != 1 else ""} to review, '
        f'{f["accepted"]} accepted by a reviewer.</p>',
    ]
    if summary["most_blamed"]:
        parts.append('<h3>Countries most often blamed</h3><table><thead><tr><th>country</th>'
                     '<th>findings</th><th>documents</th></tr></thead><tbody>')
        for row in summary["most_blamed"]:
            code = f' ({_e(row["country"])})' if row["country"] else ""
            parts.append(f'<tr><td>{_e(row["country_name"])}{code}</td><td>{row["findings"]}</td>'
                         f'<td>{row["documents"]}</td></tr>')
        parts.append("</tbody></table>")
    if summary["unreadable"]:
        parts.append('<h3>Documents that could not be read</h3><ul>')
        for row in summary["unreadable"]:
            parts.append(f'<li><b>{_e(row["source"])}</b>: {_e(row["error"])}</li>')
        parts.append("</ul>")
    parts.append("</section>")
    return "".join(parts)


def _contents(reports: Sequence[DocumentReport]) -> str:
    rows = []
    for n, r in enumerate(reports, 1):
        if not r.ok:
            rows.append(f'<tr><td><a href="#doc-{n}">{_e(r.source)}</a></td>'
                        '<td><span class="badge v-error">error</span></td>'
                        f'<td colspan="3" class="error">{_e(error_reason(r))}</td></tr>')
            continue
        fs = r.findings or []
        blame = sum(1 for f in fs if f.label == "blame" and f.counts)
        situation = sum(1 for f in fs if f.label == "situation" and f.counts)
        accepted = sum(1 for f in fs if not f.counts)
        rows.append(f'<tr><td><a href="#doc-{n}">{_e(r.source)}</a></td>'
                    f'<td><span class="badge v-{_e(r.verdict)}">{_e(r.verdict)}</span></td>'
                    f'<td>{blame}</td><td>{situation}</td><td>{accepted}</td></tr>')
    return ('<section id="contents"><h2>Documents</h2><table><thead><tr><th>document</th>'
            '<th>verdict</th><th>blame</th><th>situation</th><th>accepted</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></section>')


def _marked_text(n: int, r: DocumentReport, findings: list[Finding]) -> str:
    out, pos = [], 0
    for i, f in enumerate(findings, 1):
        m = f.mention
        if m.start < pos:
            continue  # overlapping mentions: the first one is marked
        status = _status(f)
        tip = f"{f.label}: {f.message}"
        if f.accepted is not None:
            tip = f"accepted ({f.accepted}); {tip}"
        out.append(_e(r.text[pos:m.start]))
        out.append(f'<mark class="m-{status}" id="doc-{n}-m-{i}" title="{_e(tip)}">'
                   f'{_e(r.text[m.start:m.end])}<sup><a href="#doc-{n}-f-{i}">'
                   f'{SEVERITY_TAG[f.severity]}{i}</a></sup></mark>')
        pos = m.end
    out.append(_e(r.text[pos:]))
    return f'<div class="text">{"".join(out)}</div>'


def _finding_html(n: int, i: int, f: Finding) -> str:
    m = f.mention
    status = _status(f)
    where = describe(f.location)
    badge = "accepted" if f.accepted is not None else f.severity
    parts = [
        f'<li class="f-{status}" id="doc-{n}-f-{i}">',
        f'<a href="#doc-{n}-m-{i}">{SEVERITY_TAG[f.severity]}{i}</a> ',
        f'<span class="badge s-{status}">{_e(badge)}</span> ',
        f'<span class="label">{_e(f.label)}</span> &ldquo;<b>{_e(m.text)}</b>&rdquo; ',
        f'<span class="where">{_e(m.country_name)}{" · " + _e(where) if where else ""}</span> ',
        f'<span class="conf">confidence {f.confidence:.2f}</span>',
        f'<p class="why"><b>Why:</b> {_e(f.message)}</p>',
    ]
    if f.suggestion:
        parts.append(f'<p class="try"><b>Try:</b> {_e(f.suggestion)}</p>')
    if f.accepted is not None:
        parts.append(f'<p class="acc"><b>Accepted:</b> {_e(f.accepted)}</p>')
    parts.append("</li>")
    return "".join(parts)


def _document_html(n: int, r: DocumentReport) -> str:
    head = f'<section class="doc" id="doc-{n}"><header><h2>{_e(r.source)}</h2>'
    if not r.ok:
        return (head + '<span class="badge v-error">error</span></header>'
                f'<p class="error">{_e(error_reason(r))}</p></section>')
    findings = r.findings or []
    flagged = [(i, f) for i, f in enumerate(findings, 1) if f.label in ("blame", "situation")]
    allowed = [(i, f) for i, f in enumerate(findings, 1) if f.label not in ("blame", "situation")]
    parts = [head, f'<span class="badge v-{_e(r.verdict)}">{_e(r.verdict)}</span>',
             f'<span class="where">{len(findings)} country mention'
             f'{"s" if len(findings) != 1 else ""}</span></header>']
    text = _marked_text(n, r, findings)
    if r.verdict == "ok" and not flagged:
        parts.append(f"<details><summary>Show the text</summary>{text}</details>")
    else:
        parts.append(text)
    if flagged:
        parts.append('<ol class="findings">')
        parts.extend(_finding_html(n, i, f) for i, f in flagged)
        parts.append("</ol>")
    if allowed:
        parts.append(f'<details><summary>{len(allowed)} allowed mention'
                     f'{"s" if len(allowed) != 1 else ""}</summary><ol class="findings">')
        parts.extend(_finding_html(n, i, f) for i, f in allowed)
        parts.append("</ol></details>")
    parts.append("</section>")
    return "".join(parts)


def render_html(reports: Sequence[DocumentReport], title: str = "cdcheck report") -> str:
    """The whole report as one HTML page (a string)."""
    summary = summarize(reports)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    body = [
        f"<h1>{_e(title)}</h1>",
        f'<p class="meta">No-naming rule of the Constructive Dialogues · cdcheck {_e(__version__)}'
        f" · {_e(stamp)} · {len(reports)} document{'s' if len(reports) != 1 else ''}</p>",
        _summary_html(summary),
        _contents(reports),
        *(_document_html(n, r) for n, r in enumerate(reports, 1)),
    ]
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{_e(title)}</title><style>{CSS}</style></head><body>"
            + "".join(body) + "</body></html>")
