"""Classifier inputs: the mention in its context window, marked, with every country name masked.

Masking makes the label independent of which country is named (ANNOTATION.md, Invariance): the
classifier sees "@ country @ has not addressed this issue", never "Norway" or "Nigeria". Only the
kind of mention survives (a demonym reads differently from a city), as a neutral word.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import zip_longest

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
#: Kinds that stay as written in every window: the place in a treaty's or document's name ("the
#: Palermo Protocol") says nothing about a country, and masking it would make a name nobody uses.
UNMASKED = frozenset({"document"})
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


def sentence_index(sentences: Sequence[tuple[int, int]], offset: int) -> int | None:
    """The index of the sentence holding `offset` (sentences sorted, not overlapping), or None."""
    i = bisect_right(sentences, (offset, float("inf"))) - 1
    return i if i >= 0 and sentences[i][0] <= offset < sentences[i][1] else None


def sentence_windows(sentences: Sequence[tuple[int, int]], mention: Mention) -> Window:
    """The previous, own and next sentence bounds of a mention."""
    i = sentence_index(sentences, mention.start)
    if i is None:
        return Window(None, (mention.sent_start, mention.sent_end or mention.end), None)
    prev = sentences[i - 1] if i > 0 else None
    nxt = sentences[i + 1] if i + 1 < len(sentences) else None
    return Window(prev, sentences[i], nxt)


def mentions_between(mentions: Sequence[Mention], lo: int, hi: int) -> Sequence[Mention]:
    """The mentions (sorted by start, not overlapping) that overlap [lo, hi), found by bisection:
    a document with thousands of mentions must not cost a scan of all of them per window."""
    a = max(0, bisect_left(mentions, lo, key=_start) - 1)
    b = bisect_left(mentions, hi, key=_start)
    return [m for m in mentions[a:b] if m.end > lo and m.start < hi]


def _start(m: Mention) -> int:
    return m.start


def _masked(text: str, lo: int, hi: int, mentions: Sequence[Mention], focus: Mention) -> str:
    """text[lo:hi] with each mention inside replaced by its mask word, the focus marked."""
    out, pos = [], lo
    for m in mentions_between(mentions, lo, hi):
        if m.start < pos or m.kind in UNMASKED:
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


WINDOWS = ("sentences", "paragraph")
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")


def paragraph_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph: the runs of text between blank lines."""
    out, pos = [], 0
    for m in _BLANK_LINE.finditer(text):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(text)))
    return out


def _own_range(w: Window, focus: Mention) -> tuple[int, int]:
    """The mention's own sentence; a very long one cut to the part around the mention."""
    s, e = w.own
    if e - s > MAX_CHARS:
        half = MAX_CHARS // 2
        s, e = max(s, focus.start - half), min(e, focus.end + half)
    return s, e


def window_ranges(text: str, sentences: Sequence[tuple[int, int]], mentions: Sequence[Mention],
                  focus: Mention, window: str = "sentences",
                  paragraphs: Sequence[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """The (start, end) ranges of text the classifier reads for `focus`, in order: its previous,
    own and next sentence ("sentences"), or as much of its paragraph as fits around its own
    sentence ("paragraph"; a paragraph of one sentence reads its neighbours as "sentences"
    does). Budgets count masked characters, as the classifier reads them."""
    w = sentence_windows(sentences, focus)
    own = _own_range(w, focus)
    own_len = len(_masked(text, own[0], own[1], mentions, focus))
    if window == "paragraph" and paragraphs is not None:
        grown = _paragraph_ranges(text, sentences, mentions, focus, own, own_len, paragraphs)
        if grown is not None:
            return grown
    budget = MAX_CHARS - own_len
    ranges = [own]
    if w.prev and budget > 40:
        ps, pe = w.prev
        ranges.insert(0, (max(ps, pe - budget // 2), pe))
    if w.next and budget > 40:
        ns, ne = w.next
        ranges.append((ns, min(ne, ns + budget // 2)))
    return ranges


def render(text: str, ranges: Sequence[tuple[int, int]], mentions: Sequence[Mention],
           focus: Mention | None, drop: tuple[int, int] | None = None) -> str:
    """The classifier input of `ranges`, masked and marked, with text `drop` left out (to
    measure what a phrase contributes: occlusion)."""
    parts = []
    for lo, hi in ranges:
        if drop is not None and drop[0] < hi and lo < drop[1]:
            pieces = [(lo, max(lo, drop[0])), (min(hi, drop[1]), hi)]
            parts += [_masked(text, a, b, mentions, focus) for a, b in pieces if b > a]
        else:
            parts.append(_masked(text, lo, hi, mentions, focus))
    return " ".join(p for p in parts if p)


def build_input(text: str, sentences: Sequence[tuple[int, int]], mentions: Sequence[Mention],
                focus: Mention, window: str = "sentences",
                paragraphs: Sequence[tuple[int, int]] | None = None) -> str:
    """The classifier's input for `focus`: its window (`window_ranges`), masked and marked."""
    return render(text, window_ranges(text, sentences, mentions, focus, window, paragraphs),
                  mentions, focus)


def _paragraph_ranges(text, sentences, mentions, focus, own: tuple[int, int], own_len: int,
                      paragraphs) -> list[tuple[int, int]] | None:
    """Own sentence plus its paragraph's sentences, nearest first, while they fit MAX_CHARS;
    None when the paragraph has no other sentence."""
    k = sentence_index(sentences, focus.start)
    p = next(((a, b) for a, b in paragraphs if a <= focus.start < b), None)
    if k is None or p is None:
        return None
    before = [j for j in range(k - 1, -1, -1) if sentences[j][0] >= p[0]]
    after = [j for j in range(k + 1, len(sentences)) if sentences[j][1] <= p[1] + 1]
    if not before and not after:
        return None
    chosen, used = {k: own}, own_len
    for j in (x for pair in zip_longest(before, after) for x in pair if x is not None):
        size = len(_masked(text, sentences[j][0], sentences[j][1], mentions, focus))
        if used + size + 1 > MAX_CHARS:
            break
        chosen[j] = sentences[j]
        used += size + 1
    return [chosen[j] for j in sorted(chosen)]


#: Where a sentence divides into the phrases occlusion leaves out one at a time.
_CLAUSE = re.compile(r"[,;:()\u2013\u2014]|\s(?:and|but|while|whereas|because|which|where|who|"
                     r"although|though|so that|since|after|before|until)\s")


def phrases(text: str, span: tuple[int, int], focus: Mention,
            mentions: Sequence[Mention] = ()) -> list[tuple[int, int]]:
    """The phrases of sentence `span` around the mention (clauses; the mention's own clause cut
    before and after it), without the mention itself: the units evidence is made of. No cut
    falls inside a mention ("Trinidad and Tobago" is one name, not two clauses)."""
    s, e = span
    inside = [(m.start, m.end) for m in (focus, *mentions) if m.start < e and m.end > s]
    cuts = [s] + [c for c in (m.start() + 1 for m in _CLAUSE.finditer(text, s, e))
                  if s < c < e and not any(a < c < b for a, b in inside)]
    cuts += [e]
    out = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        if a <= focus.start < b:  # the mention's clause: what comes before it, what after it
            out += [(a, focus.start), (focus.end, b)]
        else:
            out.append((a, b))
    return [(a, b) for a, b in out if len(text[a:b].strip(" ,;:.")) >= 3]

