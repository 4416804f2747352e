"""Loading spaCy (nlp.py): only what the mention finder needs, once per process."""

from __future__ import annotations

import pytest

from cdcheck.errors import ModelNotFound
from cdcheck.nlp import KEEP, blank_tokenizer, load_pipeline
from cdcheck.settings import Settings

MODEL = Settings().spacy_model


def test_pipeline_runs_only_sentences_and_entities():
    nlp = load_pipeline(MODEL)
    assert set(nlp.pipe_names) <= set(KEEP) | {"sentencizer"}
    assert "ner" in nlp.pipe_names
    for heavy in ("tagger", "parser", "lemmatizer", "attribute_ruler"):
        assert heavy not in nlp.pipe_names
    doc = nlp("Victims are detained in Ghana. The authorities there do nothing.")
    assert [s.text for s in doc.sents] == ["Victims are detained in Ghana.",
                                           "The authorities there do nothing."]
    assert ("Ghana", "GPE") in [(e.text, e.label_) for e in doc.ents]


def test_pipeline_is_loaded_once():
    assert load_pipeline(MODEL) is load_pipeline(MODEL)


def test_unknown_model_says_which_setting_to_change():
    with pytest.raises(ModelNotFound, match="CDCHECK_SPACY_MODEL"):
        load_pipeline("no_such_spacy_model_xyz")


def test_blank_tokenizer_splits_like_the_pipeline():
    text = "Côte d'Ivoire's U.S.-backed Guinea-Bissau (DRC) Kenya-based"
    assert [t.text for t in blank_tokenizer()(text)] == [t.text for t in load_pipeline(MODEL)(text)]
    assert blank_tokenizer() is blank_tokenizer()


def test_blank_lines_headings_and_list_items_start_sentences():
    nlp = load_pipeline(MODEL)
    doc = nlp("# Statement on firearms\nCountry X has failed.\n\nFooter Vienna 2024\n\n- one item\n- two")
    starts = [s.text.strip() for s in doc.sents]
    assert starts == ["# Statement on firearms", "Country X has failed.", "Footer Vienna 2024",
                      "- one item", "- two"]


def test_a_hard_wrapped_line_does_not_split_a_sentence():
    nlp = load_pipeline(MODEL)
    doc = nlp("This line is wrapped in\nthe middle of a sentence about Country X.")
    assert len(list(doc.sents)) == 1
