"""The HTML report: self-contained, everything escaped, every document with its marked mentions."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

import docbuild
import pytest

from cdcheck.batch import screen
from cdcheck.reports.html import render_html
from cdcheck.schema import DocumentReport, EvidenceSpan, Finding, Location, Mention


class _Collect(HTMLParser):
    """Tags, attributes and text of a page, to look for anything that loads from outside."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if "id" in attrs:
            self.ids.add(attrs["id"])

    def handle_data(self, data):
        self.text.append(data)


@pytest.fixture(scope="module")
def reports(checker, tmp_path_factory):
    root = tmp_path_factory.mktemp("html")
    files = docbuild.sample_folder(root)
    hostile = root / "hostile.md"
    hostile.write_text('<script>alert("x")</script> <img src="http://evil.example/x.png"> '
                       "&amp; Our programme trains judges in Ghana.\n", encoding="utf-8")
    return screen(checker, sorted([*files.values(), hostile]), jobs=1)


@pytest.fixture(scope="module")
def page(reports):
    html = render_html(reports)
    parser = _Collect()
    parser.feed(html)
    return html, parser


def test_self_contained_no_external_assets_no_script(page):
    html, parsed = page
    tags = [t for t, _ in parsed.tags]
    assert "script" not in tags and "link" not in tags and "img" not in tags
    assert "iframe" not in tags and "object" not in tags
    for tag, attrs in parsed.tags:
        for key in ("src", "href"):
            value = attrs.get(key)
            assert value is None or value.startswith("#"), (tag, attrs)
    style = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    assert "url(" not in style and "@import" not in style


def test_document_text_is_escaped(page):
    html, parsed = page
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "&amp;amp; Our programme" in html  # the document's own "&amp;" shown as typed
    text = "".join(parsed.text)
    assert '<img src="http://evil.example/x.png">' in text  # visible as text, not a tag


def test_summary_and_every_document(page, reports):
    html, parsed = page
    text = " ".join("".join(parsed.text).split())
    assert "Summary" in text and "Countries most often blamed" in text
    assert "Documents that could not be read" in text
    for n, r in enumerate(reports, 1):
        assert f"doc-{n}" in parsed.ids
        assert r.source in text
        if not r.ok:
            assert " ".join(r.error.split()) in text


def test_mentions_are_marked_by_severity_and_linked_to_their_finding(page, reports):
    html, parsed = page
    marks = [(a["class"], a["id"]) for t, a in parsed.tags if t == "mark" and a["class"] != "evidence"]
    assert len(marks) == sum(len(r.findings or []) for r in reports)
    classes = {c for c, _ in marks}
    assert {"m-error", "m-accepted", "m-info"} <= classes
    for _, mark_id in marks:
        assert mark_id.replace("-m-", "-f-") in parsed.ids  # each mark has its explanation


def test_findings_show_reason_suggestion_location_and_acceptance(page, reports):
    html, parsed = page
    text = " ".join("".join(parsed.text).split())
    blame = next(f for r in reports if r.ok for f in r.findings
                 if f.label == "blame" and f.counts and f.suggestion)
    assert " ".join(blame.message.split()) in text
    assert "Try: " + " ".join(blame.suggestion.split()) in text
    assert "table 1, row 2, cell 2" in text and "page 2, line 1, column 1" in text
    assert "Accepted: the Guide's own example, quoted" in text


def _evidence_marks(html: str) -> list[str]:
    return [unescape(m) for m in re.findall(r'<mark class="evidence">(.*?)</mark>', html, re.S)]


def test_the_words_that_decided_a_blame_finding_are_highlighted(page, reports):
    html, _ = page
    blame = next(f for r in reports if r.ok for f in r.findings
                 if f.label == "blame" and f.counts and f.evidence is not None)
    marked = _evidence_marks(html)
    assert any(m.strip() and m in blame.evidence.text for m in marked)


def test_evidence_is_escaped_and_split_around_the_mention_it_holds():
    text = "Thanks. Country X jails <b>victims</b> & more. Next."
    m = Mention(8, 17, "Country X", None, "Country X", "placeholder")
    end = text.index(" & more")
    finding = Finding(m, "blame", "error", 0.9, "Country X jails <b>victims</b> & more.", "msg",
                      location=Location(line=1, column=9),
                      evidence=EvidenceSpan(8, end, text[8:end], 0.3))
    html = render_html([DocumentReport("s.txt", text, [m], [finding], "violation")])
    # in the statement, the evidence around the mention; in the finding, the words themselves
    assert _evidence_marks(html) == [" jails <b>victims</b>", "Country X jails <b>victims</b>"]
    assert "<b>victims</b>" not in html
    assert 'Decided by:</b> &ldquo;<mark class="evidence">Country X jails &lt;b&gt;' in html


def test_empty_batch_renders():
    html = render_html([])
    assert html.startswith("<!DOCTYPE html>") and "0 documents" in html
