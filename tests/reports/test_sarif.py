"""SARIF 2.1.0: valid against the official schema, one rule per failing label, usable locations."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote

import docbuild
import jsonschema
import pytest

from cdcheck.batch import screen
from cdcheck.documents import describe
from cdcheck.reports.sarif import artifact_uri, render_sarif, rules, to_sarif
from cdcheck.schema import DocumentReport, EvidenceSpan, Finding, Location, Mention

SCHEMA = Path(__file__).parents[1] / "data" / "sarif-schema-2.1.0.json"


@pytest.fixture(scope="module")
def batch(checker, tmp_path_factory):
    root = tmp_path_factory.mktemp("sarif")
    files = docbuild.sample_folder(root)
    reports = screen(checker, sorted(files.values()), jobs=1)
    return root, reports


@pytest.fixture(scope="module")
def log(batch, checker):
    root, reports = batch
    return json.loads(render_sarif(reports, checker.policy, root=root))


def test_validates_against_the_official_schema(log):
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["id"].endswith("/sarif-schema-2.1.0.json")
    errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(log), key=str)
    assert errors == []


def test_the_schema_check_is_not_vacuous(log):
    """The validator does reject a broken log (so the test above can fail)."""
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    bad = json.loads(json.dumps(log))
    bad["runs"][0]["results"][0]["level"] = "fatal"
    del bad["runs"][0]["tool"]["driver"]["name"]
    assert len(list(jsonschema.Draft4Validator(schema).iter_errors(bad))) >= 2


def test_one_rule_per_label_that_can_fail(log, checker):
    driver = log["runs"][0]["tool"]["driver"]
    assert [r["id"] for r in driver["rules"]] == ["blame", "situation"]
    assert [r["defaultConfiguration"]["level"] for r in driver["rules"]] == ["error", "warning"]
    assert driver["name"] == "cdcheck" and log["version"] == "2.1.0"
    for result in log["runs"][0]["results"]:
        assert result["ruleId"] in ("blame", "situation")
        assert rules(checker.policy)[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] == {"blame": "error", "situation": "warning"}[result["ruleId"]]


def test_text_results_point_at_line_and_column_of_the_mention(batch, log):
    root, reports = batch
    by_uri = {}
    for result in log["runs"][0]["results"]:
        loc = result["locations"][0]["physicalLocation"]
        by_uri.setdefault(loc["artifactLocation"]["uri"], []).append(loc["region"])
    regions = by_uri["guide.txt"]
    lines = (root / "guide.txt").read_text(encoding="utf-8").split("\n")
    assert regions, "the Guide's not-allowed example must give results"
    for region in regions:
        line = lines[region["startLine"] - 1]
        start, end = region["startColumn"] - 1, region["endColumn"] - 1
        assert line[start:end] == region["snippet"]["text"]
        assert region["snippet"]["text"].lower() == "country x"


def _offset(lines: list[str], line: int, column: int) -> int:
    """The character offset of a 1-based line and column in text split on newlines."""
    return sum(len(ln) + 1 for ln in lines[:line - 1]) + column - 1


def test_blame_results_carry_the_words_that_decided_them(batch, log):
    root, _ = batch
    text = (root / "guide.txt").read_text(encoding="utf-8")
    lines = text.split("\n")
    blamed = [r for r in log["runs"][0]["results"] if r["ruleId"] == "blame"
              and r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "guide.txt"]
    assert blamed
    for result in blamed:
        evidence = result["properties"]["evidence"]
        assert evidence["text"].strip() and text[evidence["start"]:evidence["end"]] == evidence["text"]
        words = " ".join(evidence["text"].split())
        assert result["message"]["text"].count(words[:60]) == 1  # quoted once, by the message
        (related,) = result["relatedLocations"]
        assert related["message"]["text"] == "the words that decided it"
        region = related["physicalLocation"]["region"]
        start = _offset(lines, region["startLine"], region["startColumn"])
        end = _offset(lines, region["endLine"], region["endColumn"])
        assert (start, end) == (evidence["start"], evidence["end"])
        assert region["snippet"]["text"] == evidence["text"]


def test_evidence_on_other_lines_than_the_mention_gets_its_own_line_and_column(checker):
    text = "Thank you.\nCountry X jails victims.\nIt also tortures them."
    m = Mention(11, 20, "Country X", None, "Country X", "placeholder")
    after = EvidenceSpan(text.index("It"), len(text), "It also tortures them.")
    before = EvidenceSpan(0, 10, "Thank you.")
    findings = [Finding(m, "blame", "error", 0.9, text, "msg", location=Location(line=2, column=1),
                        evidence=e) for e in (after, before)]
    report = DocumentReport("s.txt", text, [m], findings, "violation")
    results = to_sarif([report], checker.policy)["runs"][0]["results"]
    regions = [r["relatedLocations"][0]["physicalLocation"]["region"] for r in results]
    assert [(g["startLine"], g["startColumn"], g["endLine"], g["endColumn"]) for g in regions] == [
        (3, 1, 3, 23), (1, 1, 1, 11)]
    assert "Decided by the words \u201cIt also tortures them.\u201d" in results[0]["message"]["text"]


def test_docx_and_pdf_results_give_paragraph_or_page_and_say_where(log):
    results = log["runs"][0]["results"]
    docx = [r for r in results
            if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "submission.docx"]
    pdf = [r for r in results
           if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "submission.pdf"]
    assert docx and pdf
    tables = [r for r in docx if r["properties"]["location"].get("table") == 1]
    assert tables, "the Guide's example in the table must be found"
    for r in docx + pdf:
        loc = Location(**r["properties"]["location"])
        assert r["message"]["text"].startswith(describe(loc) + ": ")
        start_line = r["locations"][0]["physicalLocation"]["region"]["startLine"]
        assert start_line == (loc.page or loc.paragraph or 1)
    assert tables[0]["message"]["text"].startswith("table 1, row 2, cell 2: ")
    assert all(r["properties"]["location"]["page"] == 2 for r in pdf)
    assert pdf[0]["message"]["text"].startswith("page 2, line 1, column 1: ")


def test_accepted_findings_are_suppressed_with_the_reason(log):
    suppressed = [r for r in log["runs"][0]["results"] if r.get("suppressions")]
    assert suppressed
    for r in suppressed:
        assert r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "accepted.md"
        assert r["suppressions"] == [{"kind": "inSource",
                                      "justification": "the Guide's own example, quoted"}]


def test_unreadable_documents_are_error_notifications(log):
    inv = log["runs"][0]["invocations"][0]
    assert inv["executionSuccessful"] is False
    uris = sorted(n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                  for n in inv["toolExecutionNotifications"])
    assert uris == ["broken.docx", "empty.txt", "scan.pdf"]
    assert all(n["level"] == "error" for n in inv["toolExecutionNotifications"])


def test_fingerprints_are_stable_and_distinct(batch, checker):
    root, reports = batch
    a = to_sarif(reports, checker.policy, root)["runs"][0]["results"]
    b = to_sarif(reports, checker.policy, root)["runs"][0]["results"]
    prints = [r["partialFingerprints"]["cdcheckFinding/v1"] for r in a]
    assert prints == [r["partialFingerprints"]["cdcheckFinding/v1"] for r in b]
    assert len(set(prints)) == len(prints)


def test_artifact_uris_are_relative_and_escaped(tmp_path):
    path = tmp_path / "my drafts" / "état #1.txt"
    assert artifact_uri(str(path), tmp_path) == "my%20drafts/%C3%A9tat%20%231.txt"
    assert unquote(artifact_uri(str(path), tmp_path)) == "my drafts/état #1.txt"
    assert artifact_uri("<stdin>") == "stdin"


def test_rule_texts_come_from_the_policy(checker):
    (blame, situation) = rules(checker.policy)
    assert blame["name"] == checker.policy.rule("blame").sarif.name
    assert "no-naming" in blame["fullDescription"]["text"]
    assert situation["help"]["markdown"] == checker.policy.rule("situation").sarif.help_markdown
