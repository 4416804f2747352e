"""The words that drove a finding: occlusion with the classifier that decided it.

For a mention labelled blame or situation, each phrase of its window (the neighbouring
sentences that refer back to a State, and the clauses of its own sentence around it) is left
out in turn and the window
classified again; the phrase whose absence lowers the label's probability most is the
evidence. The variants of every flagged mention of a batch are classified in one pass, and
their number is capped per document so that a check costs at most about half again as much.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .context import phrases, render, sentence_windows, window_ranges
from .followup import reference
from .schema import Mention

#: The most variants classified for one mention.
PER_MENTION = 2
#: A phrase must lower the probability at least this much to count as the evidence; below it
#: the mention's own sentence is the evidence.
MIN_DROP = 0.02


@dataclass(frozen=True)
class Occlusion:
    """The window of `mention` with text [start, end) left out, ready to classify."""

    mention: Mention
    start: int
    end: int
    input: str
    #: Whether the text left out is a neighbouring sentence (not the mention's own).
    neighbour: bool


def occlusions(text: str, sentences: Sequence[tuple[int, int]], mentions: Sequence[Mention],
               focus: Mention, window: str, paragraphs, limit: int = PER_MENTION) -> list[Occlusion]:
    """Up to `limit` variants of `focus`'s window, each without one phrase: the neighbouring
    sentences that refer back to a State ("the police there"; only such a sentence can carry
    the accusation elsewhere) first, then the longest clauses of its own sentence."""
    ranges = window_ranges(text, sentences, mentions, focus, window, paragraphs)
    own = sentence_windows(sentences, focus).own
    near = [(a, b) for a, b in ranges if not (a <= focus.start < b) and reference(text[a:b])]
    clauses = sorted(phrases(text, own, focus, mentions), key=lambda p: p[0] - p[1])
    out = []
    for (a, b), neighbour in [*((r, True) for r in near), *((c, False) for c in clauses)]:
        if len(out) >= limit:
            break
        out.append(Occlusion(focus, a, b, render(text, ranges, mentions, focus, (a, b)),
                             neighbour))
    return out


def strongest(label: str, probs: dict[str, float], variants: Sequence[Occlusion],
              variant_probs: Sequence[dict[str, float]]) -> tuple[Occlusion | None, float]:
    """The variant whose left-out phrase lowers P(label) most, and by how much (None below
    MIN_DROP: no single phrase decides, the sentence as a whole does)."""
    best, drop = None, MIN_DROP
    for v, p in zip(variants, variant_probs, strict=True):
        d = probs.get(label, 0.0) - p.get(label, 0.0)
        if d > drop:
            best, drop = v, d
    return best, (drop if best is not None else 0.0)
