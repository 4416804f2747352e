"""Evidence (evidence.py): the phrase whose absence lowers the label's probability most."""

from __future__ import annotations

from cdcheck.context import phrases
from cdcheck.evidence import MIN_DROP, Occlusion, occlusions, strongest
from cdcheck.schema import Mention

TEXT = ("We thank the Chair. Of the 212 cases reported in Ghana, only three reached a court, "
        "and no official was charged. The police there did not reply.")


def _mention():
    start = TEXT.index("Ghana")
    sent = (TEXT.index("Of the"), TEXT.index(" The police") + 1)
    return Mention(start, start + 5, "Ghana", "GHA", "Ghana", "name", sent_start=sent[0],
                   sent_end=sent[1])


def _sentences():
    a = TEXT.index("Of the")
    b = TEXT.index("The police")
    return [(0, a - 1), (a, b - 1), (b, len(TEXT))]


def test_phrases_leave_out_the_mention_and_cover_its_clauses():
    m = _mention()
    parts = phrases(TEXT, (m.sent_start, m.sent_end), m)
    texts = [TEXT[a:b] for a, b in parts]
    assert all("Ghana" not in t for t in texts)
    assert any("only three reached a court" in t for t in texts)
    assert any("no official was charged" in t for t in texts)


def test_no_phrase_cuts_a_name_that_contains_and():
    text = "Trinidad and Tobago fails its victims, and Bosnia and Herzegovina does too."
    names = [("Trinidad and Tobago", "TTO"), ("Bosnia and Herzegovina", "BIH")]
    found = [Mention(text.index(n), text.index(n) + len(n), n, c, n, "name", sent_start=0,
                     sent_end=len(text)) for n, c in names]
    parts = phrases(text, (0, len(text)), found[0], found)
    assert parts and all(not (m.start < cut < m.end) for m in found for a, b in parts
                         for cut in (a, b))
    assert any(text[a:b].strip(" ,") == "fails its victims" for a, b in parts)


def test_occlusions_drop_one_phrase_each_within_the_limit():
    m = _mention()
    variants = occlusions(TEXT, _sentences(), [m], m, "sentences", None, limit=3)
    assert len(variants) == 3
    assert variants[0].neighbour and not variants[-1].neighbour
    # Only a neighbour that refers back to a State can carry the accusation: the one that
    # names no one ("We thank the Chair.") is never left out on its own.
    assert [TEXT[v.start:v.end].strip() for v in variants if v.neighbour] == [
        "The police there did not reply."]
    for v in variants:
        assert "\u00b6 country \u00b6" in v.input  # the mention stays, masked and marked
        left_out = " ".join(TEXT[v.start:v.end].strip(" ,.").split()).lower()
        assert left_out and left_out not in v.input.lower()


def test_strongest_is_the_largest_drop_above_the_floor():
    m = _mention()
    a = Occlusion(m, 0, 5, "a", False)
    b = Occlusion(m, 6, 9, "b", False)
    probs = {"blame": 0.9}
    best, drop = strongest("blame", probs, [a, b], [{"blame": 0.8}, {"blame": 0.3}])
    assert best is b and abs(drop - 0.6) < 1e-9
    assert strongest("blame", probs, [a], [{"blame": 0.9 - MIN_DROP / 2}]) == (None, 0.0)


def test_flagged_findings_carry_evidence_inside_the_text(checker):
    text = ("Of the 212 cases of forced labour reported in Country X since 2019, only three "
            "reached a court, and no official was ever charged.")
    report = checker.check(text)
    assert any(f.flagged for f in report.findings)
    for f in report.findings:
        if f.flagged:
            assert f.evidence is not None
            assert text[f.evidence.start:f.evidence.end] == f.evidence.text
            assert f.evidence.text.strip(" ,.") in f.message or "..." in f.message
        else:
            assert f.evidence is None
