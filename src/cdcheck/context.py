"""Classifier inputs: the mention in its context window, marked, with every country name masked.

Masking makes the label independent of which country is named (ANNOTATION.md, Invariance): the
classifier sees "@ country @ has not addressed this issue", never "Norway" or "Nigeria". Only the
kind of mention survives (a demonym reads differently from a city), as a neutral word.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .schema import Mention

#: The neutral word that replaces a mention of each kind.
MASK = {
    "name": "country",
    "alias": "country",
    "code": "country",
    "placeholder": "country",
    "demonym": "national",
    "capital": "capital",
    "city": "city",
    "region": "province",
}
#: A character statements practically never contain; stripped from the text before masking.
MARK = "\u00b6"
FOCUS = MARK + " {} " + MARK  # the mention being classified (typed markers, as in relation extraction)
MAX_CHARS = 700  # about 160 word pieces: the whole window fits the encoder's budget



#: Kinds whose surface may carry a leading article ("the Philippines", "the DRC").
_ARTICLE_KINDS = {"name", "alias", "code", "placeholder"}
_ARTICLE = re.compile(r"(?:^|(?<=[\s(\"'\u201c]))[Tt]he\s+$")


@dataclass(frozen=True)
class Window:
    """A sentence split into (start, end) character bounds, for the mention's neighbourhood."""

    prev: tuple[int, int] | None
    own: tuple[int, int]
    next: tuple[int, int] | None


def sentence_windows(sentences: Sequence[tuple[int, int]], mention: Mention) -> Window:
    """The previous, own and next sentence bounds of a mention."""
    for i, (s, e) in enumerate(sentences):
        if s <= mention.start < e:
            prev = sentences[i - 1] if i > 0 else None
            nxt = sentences[i + 1] if i + 1 < len(sentences) else None
            return Window(prev, (s, e), nxt)
    return Window(None, (mention.sent_start, mention.sent_end or mention.end), None)


def _masked(text: str, lo: int, hi: int, mentions: Sequence[Mention], focus: Mention) -> str:
    """text[lo:hi] with each mention inside replaced by its mask word, the focus marked."""
    out, pos = [], lo
    for m in mentions:
        if m.end <= lo or m.start >= hi or m.start < pos:
            continue
        chunk = text[pos:m.start].replace(MARK, " ")
        if m.kind in _ARTICLE_KINDS:  # "the United States" and "Norway" must read the same
            chunk = _ARTICLE.sub("", chunk)
        out.append(chunk)
        word = MASK[m.kind]
        out.append(FOCUS.format(word) if m is focus else word)
        pos = m.end
    out.append(text[pos:hi].replace(MARK, " "))
    return " ".join("".join(out).split())


def build_input(text: str, sentences: Sequence[tuple[int, int]], mentions: Sequence[Mention],
                focus: Mention) -> str:
    """The classifier's input for `focus`: previous, own and next sentence, masked and marked."""
    w = sentence_windows(sentences, focus)
    s, e = w.own
    if e - s > MAX_CHARS:  # a very long sentence: keep the part around the mention
        half = MAX_CHARS // 2
        s, e = max(s, focus.start - half), min(e, focus.end + half)
    own = _masked(text, s, e, mentions, focus)
    budget = MAX_CHARS - len(own)
    parts = [own]
    if w.prev and budget > 40:
        ps, pe = w.prev
        ps = max(ps, pe - budget // 2)
        parts.insert(0, _masked(text, ps, pe, mentions, focus))
    if w.next and budget > 40:
        ns, ne = w.next
        ne = min(ne, ns + budget // 2)
        parts.append(_masked(text, ns, ne, mentions, focus))
    return " ".join(parts)
