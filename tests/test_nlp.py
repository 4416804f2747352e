"""Loading spaCy (nlp.py): only what the mention finder needs, once per process."""

from __future__ import annotations

import pytest

from cdcheck.errors import ModelNotFound
from cdcheck.nlp import KEEP, PIPE_CHARS, blank_tokenizer, load_pipeline, parse
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


class _Recorder:
    """A stand-in pipeline that records the batches it is given."""

    def __init__(self):
        self.batches = []

    def pipe(self, texts, batch_size):
        texts = list(texts)
        assert batch_size == len(texts)
        self.batches.append(texts)
        return iter(texts)


def test_parse_bounds_the_characters_of_a_spacy_batch():
    """spaCy's working memory grows with the whole batch's tokens: long documents are parsed a
    few at a time, short statements still many at once, and every text comes back in order."""
    texts = ["a" * 200] * 30 + ["b" * (PIPE_CHARS // 3)] * 7 + ["c" * (PIPE_CHARS + 5)] + ["d"]
    rec = _Recorder()
    assert list(parse(rec, texts)) == texts
    assert [t for b in rec.batches for t in b] == texts
    for b in rec.batches:
        assert len(b) == 1 or sum(map(len, b)) <= PIPE_CHARS
    assert len(rec.batches[0]) >= 30  # the short statements went together


def test_parse_gives_the_pipeline_docs():
    nlp = load_pipeline(MODEL)
    docs = list(parse(nlp, ["Victims are held in Ghana.", "Our office in Peru is open."]))
    assert [d.text for d in docs] == ["Victims are held in Ghana.", "Our office in Peru is open."]

