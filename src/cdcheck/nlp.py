"""Loading spaCy: only the components the mention finder needs, once per process."""

from __future__ import annotations

from functools import lru_cache

from .errors import ModelNotFound

#: What the mention finder uses: sentences (senter) and entities (ner, with its tok2vec).
KEEP = ("tok2vec", "senter", "ner")


@lru_cache(maxsize=2)
def load_pipeline(name: str):
    """The spaCy pipeline `name` with everything but sentence splitting and NER left out."""
    import spacy

    try:
        nlp = spacy.load(name, exclude=["tagger", "parser", "attribute_ruler", "lemmatizer"])
    except OSError as exc:
        raise ModelNotFound(
            f"spaCy model {name!r} is not installed (set CDCHECK_SPACY_MODEL to another)"
        ) from exc
    if "senter" in nlp.disabled:
        nlp.enable_pipe("senter")
    if "senter" not in nlp.pipe_names and "parser" not in nlp.pipe_names:
        nlp.add_pipe("sentencizer", first=True)
    return nlp


@lru_cache(maxsize=1)
def blank_tokenizer():
    """spaCy's English tokenizer alone: splits gazetteer surfaces the way the pipeline splits text."""
    import spacy

    return spacy.blank("en").tokenizer
