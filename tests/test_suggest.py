"""Suggested rewrites (suggest.py): every mention generalised away, in grammatical slots."""

from __future__ import annotations

import pytest

from cdcheck.suggest import rewrite

SENTENCES = [
    "Country X has not addressed this issue.",
    "Ghana's police fail victims.",
    "Victims are detained in Ghana and prosecuted.",
    "Nigerian police detain victims.",
    "Traffickers in Lagos operate freely.",
    "The Philippines fails its victims.",
    "Moscow refuses to cooperate.",
    "Norway and Sweden fail to act.",
    "The government of Ghana does nothing.",
    "Victims from Nigeria are detained in Italy.",
    "Ghana hasn't acted, and the UAE isn't acting either.",
    "In the United States, gun shops sell freely.",
    "Country X's authorities ignore victims in country X.",
    "Mexican cartels bribe officials in Sinaloa and Guatemala City.",
    "Oftentimes, victims are detained in Côte d'Ivoire and prosecuted as criminals.",
]


@pytest.fixture(scope="module")
def suggest(checker):
    """sentence -> (mentions, rewrite) with the real finder and the policy's words."""

    def run(sentence):
        mentions = checker.find_mentions(sentence).mentions
        return mentions, rewrite(sentence, 0, mentions, checker.policy.suggest)

    return run


@pytest.fixture(scope="module")
def words(checker):
    return checker.policy.suggest


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


@pytest.mark.parametrize("sentence", SENTENCES)
def test_rewrite_removes_every_mention(checker, suggest, sentence):
    mentions, out = suggest(sentence)
    assert mentions, "the sentence must have something to generalise"
    assert checker.find_mentions(out).mentions == []
    for m in mentions:
        assert m.text not in out


@pytest.mark.parametrize("sentence", SENTENCES[:6])
def test_rewrite_rechecked_by_the_checker_is_ok(checker, suggest, sentence):
    _, out = suggest(sentence)
    report = checker.check(out)
    assert report.mentions == [] and report.findings == [] and report.verdict == "ok"


def test_subject_takes_the_plural_and_its_verb_agrees(suggest, words):
    assert suggest("Country X has not addressed this issue.")[1] == \
        f"{_cap(words['country_plural'])} have not addressed this issue."
    assert suggest("Ghana fails its victims.")[1] == f"{_cap(words['country_plural'])} fail their victims."
    assert suggest("Ghana hasn't acted.")[1] == f"{_cap(words['country_plural'])} haven't acted."
    assert suggest("Ghana is a hub.")[1] == f"{_cap(words['country_plural'])} are a hub."


def test_pronouns_of_a_generalised_subject_become_plural(suggest, words):
    assert suggest("Ghana protects itself and its officials.")[1] == \
        f"{_cap(words['country_plural'])} protect themselves and their officials."
    # not in subject position: "its" belongs to something else and stays
    assert suggest("Victims are detained in Ghana and its ports.")[1] == \
        f"Victims are detained in {words['in_country']} and its ports."


def test_possessive_takes_the_possessive_form(suggest, words):
    assert suggest("Ghana's police fail victims.")[1] == \
        f"{_cap(words['country_possessive'])} police fail victims."
    assert suggest("Ghana\u2019s police fail victims.")[1] == \
        f"{_cap(words['country_possessive'])} police fail victims."


def test_after_a_preposition_takes_the_in_form(suggest, words):
    assert suggest("Victims are detained in Ghana and prosecuted.")[1] == \
        f"Victims are detained in {words['in_country']} and prosecuted."
    assert suggest("Traffickers in Lagos operate freely.")[1] == \
        f"Traffickers in {words['place_in']} operate freely."


def test_the_article_before_a_name_goes_with_it(suggest, words):
    out = suggest("The Philippines fails its victims.")[1]
    assert out == f"{_cap(words['country_plural'])} fail their victims."
    assert "The " not in out and "the " not in out


def test_rewrite_keeps_the_rest_of_the_sentence(suggest):
    sentence = "Oftentimes, victims are detained in Côte d'Ivoire and prosecuted as criminals."
    _, out = suggest(sentence)
    assert out.startswith("Oftentimes, victims are detained in ")
    assert out.endswith(" and prosecuted as criminals.")


def test_rewrite_uses_document_offsets(checker, words):
    text = "We thank the Chair. Ghana fails its victims."
    mentions = checker.find_mentions(text).mentions
    offset = text.index("Ghana")
    assert rewrite(text[offset:], offset, mentions, words) == \
        f"{_cap(words['country_plural'])} fail their victims."
    # a mention outside the sentence is left alone
    assert rewrite("We thank the Chair.", 0, mentions, words) == "We thank the Chair."


def test_rewrite_words_come_from_the_policy(checker):
    mentions = checker.find_mentions("Victims are detained in Ghana.").mentions
    custom = dict(checker.policy.suggest, in_country="several States")
    assert rewrite("Victims are detained in Ghana.", 0, mentions, custom) == \
        "Victims are detained in several States."


def test_only_the_mentions_asked_for_are_generalised(checker, words):
    text = "At our meeting in Vienna we heard that Ghana fails its victims."
    mentions = checker.find_mentions(text).mentions
    ghana = {id(m) for m in mentions if m.text == "Ghana"}
    out = rewrite(text, 0, mentions, words, only=ghana)
    assert "Vienna" in out and "Ghana" not in out
    assert out.endswith(f"{words['country_plural']} fail their victims.")


def test_repeated_mentions_read_as_one(checker, words):
    for text, expected in [
        ("The police in Brazil and in Argentina have failed.",
         f"The police in {words['in_country']} have failed."),
        ("Norway, Sweden and Denmark fail to act.", f"{_cap(words['country_plural'])} fail to act."),
    ]:
        assert rewrite(text, 0, checker.find_mentions(text).mentions, words) == expected


def test_coordinated_auxiliaries_agree_with_the_generalised_subject(checker, words):
    text = "Ghana has failed and has ignored its victims."
    out = rewrite(text, 0, checker.find_mentions(text).mentions, words)
    assert out == f"{_cap(words['country_plural'])} have failed and have ignored their victims."


@pytest.mark.parametrize("sentence,reference,expected", [
    ("The judiciary there remains deeply corrupt.", "The judiciary there",
     "In {w}, judiciary remains deeply corrupt."),
    ("Its courts acquit every official.", "Its courts", "In {w}, courts acquit every official."),
    ("Officials in the capital look away.", "in the capital", "Officials in {p} look away."),
])
def test_a_later_sentence_loses_its_reference(words, sentence, reference, expected):
    from cdcheck.suggest import rewrite_reference

    assert rewrite_reference(sentence, reference, words) == expected.format(
        w=words["in_country"], p=words["place_in"])
    assert rewrite_reference(sentence, "no such words", words) is None


def test_the_checker_rewrites_the_sentence_that_accuses(checker):
    text = "Our programme trains judges in Ghana. The judiciary there remains deeply corrupt."
    (f,) = checker.check(text).findings
    assert f.label == "blame" and f.rewrite is not None
    assert text[f.rewrite.start:f.rewrite.end] == "The judiciary there remains deeply corrupt."
    assert "Ghana" not in (f.suggestion or "") and "there" not in (f.suggestion or "")


def test_apply_and_moved():
    from cdcheck.schema import Rewrite
    from cdcheck.suggest import apply, moved

    class F:
        counts = True

        def __init__(self, rewrite):
            self.rewrite = rewrite

    text = "One. Two is bad. Three."
    new, shifts = apply(text, [F(Rewrite(5, 16, "Some are bad.")), F(None)])
    assert new == "One. Some are bad. Three."
    assert moved(0, shifts) == 0 and moved(8, shifts) is None
    assert new[moved(text.index("Three"), shifts):].startswith("Three")
    assert apply(text, [F(Rewrite(5, 16, None, "remove it"))])[0] == "One.  Three."


def test_applied_rewrites_clear_the_statement_and_keep_allowed_mentions(checker):
    """The rewrite property (bench/bench_rewrites.py) on a fixed sample: the first 40 flagged
    source statements of data/dev.jsonl. Measured over dev+test and both shared samples it
    holds for 0.974 of flagged documents (target 0.97); on this sample every one must hold but
    one."""
    import json
    import sys
    from pathlib import Path

    from cdcheck.documents import Document

    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root / "bench"))
    from bench_rewrites import holds

    held = flagged = 0
    for line in (root / "data" / "dev.jsonl").read_text(encoding="utf-8").splitlines():
        s = json.loads(line)
        if "~" in s["id"]:
            continue
        options = checker.options(s.get("speaker_country"))
        report = checker.check_document(Document(s["id"], s["text"]), options)
        if report.verdict == "ok":
            continue
        flagged += 1
        held += holds(checker, report, options) is None
        if flagged == 40:
            break
    assert flagged == 40 and held >= 39, (held, flagged)


def test_a_part_of_a_country_goes_with_its_name(suggest):
    """"in eastern Senegal" is a place: "in some places", never "in eastern some countries"."""
    _, out = suggest("Outreach teams counted 600 women in the camps of eastern Senegal last year.")
    assert "eastern" not in out and "some places" in out


def test_a_name_opening_a_new_clause_after_and_is_its_subject(suggest, words):
    """", and Libya remains the pivot": the verb agrees with the generalised subject."""
    _, out = suggest("The pattern has lasted five years, and Libya remains the pivot of it.")
    assert f"and {words['country_plural']} remain the pivot" in out


def test_failed_rewrites_charges_each_objection_to_the_rewrite_that_left_it():
    """What the check of a rewritten text still objects to, by the rewritten span (original
    offsets) responsible: a mention flagged inside a rewrite, a mention flagged outside every
    rewrite (its own finding's rewrite), an allowed mention lost or relabelled."""
    from types import SimpleNamespace as N

    from cdcheck.schema import Rewrite
    from cdcheck.suggest import failed_rewrites

    def finding(start, key, label, rewrite=None, counts=True):
        flagged = label in ("blame", "situation")
        return N(mention=N(start=start, key=key), label=label, rewrite=rewrite,
                 flagged=flagged, counts=counts)

    first, second = Rewrite(0, 20, "x" * 10), Rewrite(30, 50, "y" * 30)
    original = [finding(5, "GHA", "blame", first), finding(25, "KEN", "work"),
                finding(40, "NGA", "blame", second)]
    shifts = [(0, 20, 10), (30, 50, 30)]  # first shortened by 10, second lengthened by 10
    # Nothing flagged again, the allowed mention found where it moved (25 - 10): no failure.
    assert failed_rewrites(original, [finding(15, "KEN", "work")], shifts) == set()
    # A flagged mention inside the second rewrite's new text (20 + 10 .. 20 + 40).
    again = [finding(15, "KEN", "work"), finding(35, "NGA", "situation")]
    assert failed_rewrites(original, again, shifts) == {(30, 50)}
    # The allowed mention relabelled: charged to the nearest rewrite.
    assert failed_rewrites(original, [finding(15, "KEN", "blame")], shifts) == {(0, 20)}
    assert failed_rewrites(original, [], shifts) == {(0, 20)}  # lost
    # A mention accepted by a directive in the original is no objection to the rewrites.
    accepted = [*original, finding(55, "FRA", "blame", None, counts=False)]
    again = [finding(15, "KEN", "work"), finding(55, "FRA", "blame")]  # net shift 0
    assert failed_rewrites(accepted, again, shifts) == set()
    assert failed_rewrites(original, again, []) == set()


def test_rewrites_are_checked_again_before_they_are_offered(checker):
    """A follow-up accusation whose generalised wording still reads as about the country named
    before it: the rewrite offered is one the checker accepts, and the work mention keeps its
    words; with verification off the first rewrite stands."""
    from dataclasses import replace

    from cdcheck.checker import Checker
    from cdcheck.suggest import apply

    text = "Our programme trains judges in Ghana. The judiciary there remains deeply corrupt."
    report = checker.check(text)
    new_text, _ = apply(report.text, report.findings)
    assert "Ghana" in new_text and checker.check(new_text).verdict == "ok"
    plain = Checker(replace(checker.settings, verify_rewrites=False), nlp=checker.nlp,
                    classifier=checker.classifier, gazetteer=checker.gazetteer)
    unverified = plain.check(text)
    assert [f.label for f in unverified.findings] == [f.label for f in report.findings]
    first, _ = apply(unverified.text, unverified.findings)
    if checker.check(first).verdict != "ok":  # the first rewrite failed: it was replaced
        assert first != new_text
