"""Loading spaCy: only the components the mention finder needs, once per process."""

from __future__ import annotations

import os
import sys
from functools import lru_cache

from .errors import ModelNotFound

#: What the mention finder uses: sentences (senter) and entities (ner, with its tok2vec).
KEEP = ("tok2vec", "senter", "cdcheck_blocks", "ner")


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
    anchor = "senter" if "senter" in nlp.pipe_names else (
        "sentencizer" if "sentencizer" in nlp.pipe_names else "parser")
    nlp.add_pipe("cdcheck_blocks", after=anchor)
    return nlp


#: Characters of text parsed in one spaCy batch. The CNN's working arrays grow with the tokens of
#: the whole batch: sixteen statements of 16,000 characters cost 220 MiB more at the peak, one at
#: a time 36 MiB, and short statements still go in batches of many (bench/bench_batch.py).
PIPE_CHARS = 24_000


def parse(nlp, texts):
    """`nlp.pipe(texts)` in batches of at most PIPE_CHARS characters (one text may be longer),
    so that a folder of long documents keeps the memory of a folder of short ones."""
    batch: list[str] = []
    size = 0
    for text in texts:
        if batch and size + len(text) > PIPE_CHARS:
            yield from nlp.pipe(batch, batch_size=len(batch))
            batch, size = [], 0
        batch.append(text)
        size += len(text)
    if batch:
        yield from nlp.pipe(batch, batch_size=len(batch))


_BLOCK_START = ("#", "- ", "* ", "+ ", "> ")


def _split_blocks(doc):
    """Start a sentence at every block: after a blank line, at a heading or a list item.

    spaCy's senter runs on through headings, table cells and footers that end without a full
    stop; such a run-on "sentence" would give the classifier a window of unrelated text.
    """
    text = doc.text  # built from the tokens on every access: read it once
    for i, tok in enumerate(doc[:-1]):
        if not tok.is_space or "\n" not in tok.text:
            continue
        nxt = doc[i + 1]
        line_start = text[nxt.idx:nxt.idx + 2]
        prev_line = text[text.rfind("\n", 0, tok.idx) + 1:tok.idx]
        if tok.text.count("\n") >= 2 or line_start.startswith(_BLOCK_START) or (
            prev_line.startswith("#")
        ) or (
            line_start[:1].isdigit() and text[nxt.idx:nxt.idx + 4].split(" ")[0].endswith(".")
        ):
            nxt.is_sent_start = True
    return doc


def _import_spacy() -> None:
    """Import spaCy without letting thinc import torch.

    thinc imports torch at import time whenever it is installed (`thinc.compat`), for GPU and
    PyTorch-wrapped layers that the CNN pipelines cdcheck loads never use: with the `train` extra
    installed, every checking process and web worker paid about 185 MiB of memory and a second of
    start-up for it. torch stays importable afterwards (`cdcheck train` imports it later in the
    same process). A transformer pipeline (`*_trf`, which needs torch) is imported as usual.
    """
    if "thinc" in sys.modules or "torch" in sys.modules \
            or os.environ.get("CDCHECK_SPACY_MODEL", "").endswith("_trf"):
        import spacy  # noqa: F401
        return
    sys.modules["torch"] = None  # type: ignore[assignment]  # `import torch` raises ImportError
    try:
        import spacy  # noqa: F401
    finally:
        if "torch" in sys.modules and sys.modules["torch"] is None:
            del sys.modules["torch"]


def _register() -> None:
    _import_spacy()
    from spacy.language import Language

    if "cdcheck_blocks" not in Language.factories:
        Language.component("cdcheck_blocks", func=_split_blocks)


_register()


@lru_cache(maxsize=1)
def blank_tokenizer():
    """spaCy's English tokenizer alone: splits gazetteer surfaces the way the pipeline splits text."""
    import spacy

    return spacy.blank("en").tokenizer
