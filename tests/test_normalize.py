"""Matching keys and hidden characters (normalize.py): tricks cannot hide a name, offsets stay
those of the original text, and every trick is reported."""

from __future__ import annotations

import pytest

from cdcheck.normalize import MAX_RUN, clean, fold, place_key

TRICKS = [
    ("Nige\u200bria", "zero-width space"),
    ("Nigeria\u200b", "zero-width space"),
    ("Nige\u00adria", "soft hyphen"),
    ("Nige\u2060ria", "word joiner"),
    ("\u202eNigeria\u202c", "bidirectional control"),
    ("Nige\u200dria", "zero-width joiner"),
    ("N\u0456geria", "lookalike"),  # Cyrillic i
    ("Nig\u0435ria", "lookalike"),  # Cyrillic ie
    ("\uff2eigeria", "lookalike"),  # fullwidth N
]


@pytest.mark.parametrize("written,what", TRICKS)
def test_a_trick_is_undone_and_reported(written, what):
    c = clean(f"{written} has failed its victims.")
    assert c.text.startswith("Nigeria has failed")
    assert any(what in t for _, t in c.tricks)


@pytest.mark.parametrize("written,what", TRICKS)
def test_offsets_map_back_to_the_original(written, what):
    text = f"In short, {written} has failed."
    c = clean(text)
    start = c.text.index("Nigeria")
    s, e = c.original(start, start + len("Nigeria"))
    # The original span is the name as written, hidden characters inside it included.
    assert clean(text[s:e]).text == "Nigeria"
    assert text[:s].startswith("In short, ") and text[e:].lstrip("\u200b\u202c").startswith(" has")
    assert c.tricks_in(s, e)


def test_odd_spaces_become_plain_spaces_without_moving_offsets():
    c = clean("South\u00a0Sudan and Country\u2009X")
    assert c.text == "South Sudan and Country X" and c.offsets is None
    assert [t for _, t in c.tricks] == ["no-break space U+00A0", "typographic space U+2009"]


def test_lone_surrogates_are_replaced():
    c = clean("Ghana \udc00 failed")
    assert c.text == "Ghana \ufffd failed" and "lone surrogate" in c.tricks[0][1]


def test_words_in_another_script_are_left_alone():
    for text in ("Россия и Греция", "Ελλάδα", "Côte d’Ivoire, Türkiye, São Tomé"):
        assert clean(text).text == text and not clean(text).tricks


def test_long_runs_of_one_mark_are_capped_at_the_same_length():
    text = "(" * 20000 + " Nigeria"
    c = clean(text)
    assert len(c.text) == len(text) and c.text.count("(") == MAX_RUN
    assert c.text.endswith(" Nigeria")


def test_plain_text_is_untouched():
    c = clean("Ghana ratified the Protocol in 2011.")
    assert (c.text, c.offsets, c.tricks) == ("Ghana ratified the Protocol in 2011.", None, ())


def test_fold_and_place_key():
    assert fold("Türkiye") == fold("TÜRKIYE") == "turkiye"
    assert place_key("St. Elizabeth") == place_key("Saint Elizabeth")
    assert place_key("Sharm El-Sheikh") == place_key("sharm el sheikh")


@pytest.mark.parametrize("written,what", TRICKS)
def test_a_checked_finding_points_at_the_name_as_written(checker, written, what):
    """The Checker reads the cleaned text but reports the original: the finding's text is what
    stands at its offsets, lookalike letters and all, and it says what was hidden."""
    text = f"Thank you. {written} has failed its victims for years."
    (f,) = checker.check(text).findings
    assert f.mention.country == "NGA" and text[f.mention.start:f.mention.end] == f.mention.text
    assert f.hidden and f.sentence.startswith(f.mention.text)
