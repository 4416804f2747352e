"""Classifier inputs (context.py): masking, the focus marker, the sentence window, clipping."""

from __future__ import annotations

import pytest

from cdcheck.context import FOCUS, MARK, MASK, MAX_CHARS, build_input, sentence_windows
from cdcheck.normalize import fold
from cdcheck.schema import Mention


@pytest.fixture(scope="module")
def parse(checker):
    """text -> (text, sentence bounds, mentions), with the real pipeline and finder."""

    def run(text):
        doc = checker.nlp(text)
        return text, [(s.start_char, s.end_char) for s in doc.sents], checker.finder(doc)

    return run


def _focus_count(s: str) -> int:
    return s.count(MARK) // 2


def test_every_country_name_is_masked(parse):
    text = ("Mexican cartels move cocaine from Colombia through Guatemala City and Sinaloa. "
            "Country X and the USA have failed; Moscow refuses to help, and so does Côte d'Ivoire.")
    text, sents, mentions = parse(text)
    assert len(mentions) == 8
    for focus in mentions:
        out = build_input(text, sents, mentions, focus)
        low = fold(out)
        for m in mentions:
            assert fold(m.text) not in low, (m.text, out)
        assert _focus_count(out) == 1


def test_mask_word_depends_on_the_kind_only(parse):
    text, sents, mentions = parse("Nigerian police in Lagos and Kenya detained them.")
    by_text = {m.text: m for m in mentions}
    out = build_input(text, sents, mentions, by_text["Lagos"])
    assert out == (f"{MASK['demonym']} police in {FOCUS.format(MASK['city'])} and "
                   f"{MASK['name']} detained them.")


def test_focus_marks_the_mention_being_classified(parse):
    text, sents, mentions = parse("Norway trains judges in Ghana.")
    norway, ghana = mentions
    focus = FOCUS.format("country")
    assert build_input(text, sents, mentions, ghana) == f"country trains judges in {focus}."
    assert build_input(text, sents, mentions, norway) == f"{focus} trains judges in country."


def test_the_marker_character_in_the_text_cannot_fake_a_focus(parse):
    text, sents, mentions = parse(f"Paragraph {MARK} 3: victims in Ghana are detained.")
    out = build_input(text, sents, mentions, mentions[0])
    assert _focus_count(out) == 1 and out.startswith("Paragraph 3:")


def test_the_same_sentence_about_any_country_gives_the_same_input(parse):
    inputs = set()
    # (Names without an article: "the United States" leaves its "the" before the mask word.)
    for name in ("Norway", "Nigeria", "Country X", "Trinidad and Tobago", "United States",
                 "Papua New Guinea", "Türkiye", "DRC"):
        text, sents, mentions = parse(f"The police of {name} routinely detain victims.")
        (m,) = mentions
        inputs.add(build_input(text, sents, mentions, m))
    assert len(inputs) == 1, inputs


def test_window_is_the_previous_own_and_next_sentence(parse):
    text = ("First we thank the Chair. Second comes the context. Victims in Ghana are detained. "
            "The authorities there do nothing. Finally we conclude.")
    text, sents, mentions = parse(text)
    assert len(sents) == 5
    (m,) = mentions
    w = sentence_windows(sents, m)
    assert (w.prev, w.own, w.next) == (sents[1], sents[2], sents[3])
    out = build_input(text, sents, mentions, m)
    assert "Second comes the context." in out and "The authorities there do nothing." in out
    assert "Chair" not in out and "conclude" not in out


def test_window_at_the_edges_of_the_text(parse):
    text, sents, mentions = parse("Ghana ratified it. Then Kenya did. Finally Peru did.")
    first, _, last = mentions
    assert sentence_windows(sents, first).prev is None
    assert sentence_windows(sents, last).next is None
    _, one, (m,) = parse("Ghana ratified it.")
    w = sentence_windows(one, m)
    assert (w.prev, w.own, w.next) == (None, one[0], None)


def test_window_of_a_mention_outside_every_sentence_falls_back_to_its_own_bounds():
    m = Mention(50, 55, "Ghana", "GHA", "Ghana", "name", sent_start=40, sent_end=60)
    w = sentence_windows([(0, 10)], m)
    assert (w.prev, w.own, w.next) == (None, (40, 60), None)


def test_a_very_long_sentence_is_clipped_around_the_mention(parse):
    filler = " ".join(["the"] + ["officials kept delaying the procedures"] * 60)
    text, sents, mentions = parse(f"In {filler}, victims in Ghana are detained, and {filler}.")
    assert len(sents) == 1 and len(text) > 3 * MAX_CHARS
    (m,) = mentions
    out = build_input(text, sents, mentions, m)
    assert len(out) <= MAX_CHARS + 20  # the window around the mention, plus the markers
    assert FOCUS.format("country") in out and "are detained" in out


def test_neighbour_sentences_share_what_is_left_of_the_budget(parse):
    long = " ".join(["officials kept delaying the procedures"] * 30) + "."
    text, sents, mentions = parse(f"{long} Victims in Ghana are detained. {long}")
    (m,) = mentions
    out = build_input(text, sents, mentions, m)
    assert len(out) <= MAX_CHARS + 20
    assert out.count("Victims in") == 1
