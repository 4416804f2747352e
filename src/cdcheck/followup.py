"""Blame carried by a follow-up sentence: "Our programme runs in X. The ministry there ...".

ANNOTATION.md: a later sentence that continues through "its government", "the authorities" or
"the ministry there" makes the earlier mention blame. The classifier sees the next sentence in a
mention's window, but a mention whose own sentence is the organization's work still reads as work.
This stage reads each later sentence that names no country, finds a reference to the State of the
one country named just before ("the ministry there", "its courts", "the customs authority",
"officials in the capital"), rewrites that reference as if the country were named (masked, as
every classifier input is) and asks the same classifier. What it says of that sentence is
attributed to the antecedent's mentions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .context import FOCUS, MASK, MAX_CHARS, UNMASKED, _masked, sentence_index
from .schema import Mention

#: How many sentences after the antecedent a reference may come (the next, or the one after).
REACH = 2

_STATE_NOUNS = (
    r"government|governments|authorit(?:y|ies)|ministr(?:y|ies)|minister|police|police force|"
    r"courts?|judiciary|judges|prosecutors?|prosecution(?: service)?|prosecutor's office|"
    r"customs(?: service| authority| officers| officials)?|border guards|border police|"
    r"immigration service|regulators?|supervisors?|officials|officers|civil servants|inspectors|"
    r"inspectorate|parliament|legislature|lawmakers|laws?|legislation|institutions|agenc(?:y|ies)|"
    r"administration|state|army|military|security forces|intelligence services|registry|"
    r"central bank|financial intelligence unit|ombudsman|prisons|shelters|cabinet|president|"
    r"presidency|municipality|mayors?|governors?|ports? authority|congress|senate|"
    r"national assembly|(?:criminal|penal) code"
)
#: "the ministry there", "the public works authority there": the reference before "there".
_THERE = re.compile(r"\b(?:the|its|their|local)\s+(?:[\w'-]+\s+){0,3}?(?:" + _STATE_NOUNS
                    + r")\s+there\b", re.IGNORECASE)
#: "its courts", "their own police".
_ITS = re.compile(r"\b(?:its|their)\s+(?:own\s+)?(?:[\w'-]+\s+){0,2}?(?:" + _STATE_NOUNS
                  + r")\b", re.IGNORECASE)
#: "officials in the capital".
_CAPITAL = re.compile(r"\bin the capital\b", re.IGNORECASE)
#: "the country", "the same country": the State itself.
_COUNTRY = re.compile(r"\bthe (?:same )?country\b(?! under review)", re.IGNORECASE)
#: "the customs authority", "local prosecutors", "the same officials".
_THE = re.compile(r"\b(?:the|local|national)\s+(?:same\s+)?(?:[\w'-]+\s+){0,2}?(?:"
                  + _STATE_NOUNS + r")\b", re.IGNORECASE)


@dataclass(frozen=True)
class FollowUp:
    """A later sentence that refers back to the State of `antecedents`, ready to classify."""

    antecedents: tuple[Mention, ...]
    sentence: tuple[int, int]
    reference: str  # the words that refer back, as written
    input: str  # the classifier input: the reference rewritten as the (masked) country


def _rewrite(sentence: str) -> tuple[str, str] | None:
    """(reference, sentence with the reference read as the masked country), or None."""
    for pattern, how in ((_THERE, "there"), (_CAPITAL, "capital"), (_COUNTRY, "country"),
                         (_ITS, "its"), (_THE, "the")):
        m = pattern.search(sentence)
        if not m:
            continue
        ref = m.group(0)
        if how == "there":  # "the ministry there" -> "the ministry in <country>"
            new = ref[:-len("there")] + "in " + FOCUS.format(MASK["name"])
        elif how == "capital":
            new = "in " + FOCUS.format(MASK["capital"])
        elif how == "country":  # "the country" -> "<country>"
            new = FOCUS.format(MASK["name"])
        elif how == "its":  # "its courts" -> "<country>'s courts"
            new = FOCUS.format(MASK["name"]) + "'s" + ref[ref.index(" "):]
        else:  # "the customs authority" -> "the <national> customs authority"
            first, rest = ref.split(None, 1)
            new = f"{first} {FOCUS.format(MASK['demonym'])} {rest}"
        return ref, sentence[:m.start()] + new + sentence[m.end():]
    return None


def reference(sentence: str) -> str | None:
    """The words of `sentence` that refer back to a State named before it, if any."""
    found = _rewrite(sentence)
    return found[0] if found else None


def follow_ups(text: str, sentences: Sequence[tuple[int, int]],
               mentions: Sequence[Mention]) -> list[FollowUp]:
    """Later sentences that refer back to the only country named in the sentence before them."""
    by_sentence: list[list[Mention]] = [[] for _ in sentences]
    for m in mentions:
        i = sentence_index(sentences, m.start)
        if i is not None and m.kind not in UNMASKED:  # a treaty's name refers to no State
            by_sentence[i].append(m)
    out = []
    last = None  # index of the last sentence with a mention
    for j, (s, e) in enumerate(sentences):
        if by_sentence[j]:
            last = j
            continue
        if last is None or j - last > REACH:
            continue
        ante = by_sentence[last]
        if len({(m.key, m.text.lower() if m.kind == "placeholder" else "") for m in ante}) != 1:
            continue  # two countries before: "there" could be either
        found = _rewrite(text[s:e])
        if not found:
            continue
        ref, own = found
        ps, pe = sentences[last]
        prev = _masked(text, ps, pe, mentions, None)
        between = " ".join(text[a:b].strip() for a, b in sentences[last + 1:j])
        own = " ".join(own.split())
        before = " ".join(x for x in (prev, " ".join(between.split())) if x)
        before = before[max(0, len(before) - (MAX_CHARS - len(own))):] if len(own) < MAX_CHARS else ""
        out.append(FollowUp(tuple(ante), (s, e), ref, f"{before} {own}".strip()))
    return out
