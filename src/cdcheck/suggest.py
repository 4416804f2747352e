"""Suggested rewrites: the sentence with every country mention generalised away.

A rewrite must be something the checker itself accepts: with no specific country named, the rule
has nothing to object to (a statement with no country mention is `ok`). The words used live in
rules/labels.toml ([suggest]); this module only decides which slot a mention stands in.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .schema import Mention

_PLACE = {"capital", "city", "region"}
_PREPS = {"in", "from", "to", "into", "across", "throughout", "within", "inside", "at", "via",
          "through", "on", "with", "by", "of", "for", "against", "between", "and", "near"}
_AUX = {"has": "have", "is": "are", "was": "were", "does": "do", "hasn't": "haven't",
        "isn't": "aren't", "wasn't": "weren't", "doesn't": "don't"}
_DETERMINERS = {"the", "a", "an", "its", "their", "our", "his", "her", "this", "that", "these",
                "those", "whose", "of"}
#: Nouns a country name often modifies ("Kenya police"): the name becomes "national".
_MODIFIED = {"police", "authorities", "government", "officials", "courts", "customs", "ministry",
             "prosecutors", "army", "navy", "military", "border", "law", "laws", "judiciary",
             "coast", "coastguard", "security", "forces", "state", "judges", "officers"}
_WORD = re.compile(r"[A-Za-z'\u2019]+")
_PLURAL_PRONOUN = {"its": "their", "Its": "Their", "itself": "themselves"}
_ITS = re.compile(r"\b(?:[Ii]ts|itself)\b")


def _plural_verb(word: str) -> str:
    """The plural form of a 3rd-person singular verb ("fails" -> "fail"), or the word as is."""
    low = word.lower()
    if low in _AUX:
        return _AUX[low]
    if len(low) <= 3 or not low.endswith("s") or low.endswith("ss"):
        return word
    if low.endswith("ies"):
        return word[:-3] + "y"
    if low.endswith(("sses", "shes", "ches", "xes", "zes", "oes")):
        return word[:-2]
    return word[:-1]


def _replacement(text: str, m: Mention, words: dict[str, str], after: str) -> tuple[str, str]:
    """(replacement for the mention, possibly adjusted text after it)."""
    before = text[:m.start].rstrip()
    prev = (_WORD.findall(before[-20:]) or [""])[-1].lower()
    possessive = after.startswith(("'s", "\u2019s"))
    if possessive:
        after = after[2:]
    if m.kind == "demonym":
        # "the Nigerian police" -> "the national police"; "Albanian gangs" -> "some gangs"
        return (words["demonym"] if prev in _DETERMINERS else words["demonym_bare"]), after
    place = m.kind in _PLACE
    if after.startswith(("-based", "-registered", "-flagged", "-owned", "-led", "-linked")):
        return "locally", " " + after[1:]  # "Kenya-based groups" -> "locally based groups"
    nxt_word = (_WORD.match(after.lstrip()) or [None])[0]
    if not possessive and nxt_word and nxt_word.lower() in _MODIFIED:
        # the name used as a modifier: "Country X police" -> "the national police"
        return ("the " if prev not in _DETERMINERS else "") + words["demonym"], after
    if possessive:
        return words["place_possessive" if place else "country_possessive"], after
    if prev in _PREPS:
        return words["place_in" if place else "in_country"], after
    # Subject position: the verb that follows agrees with a plural now.
    subject = words["place_subject" if place else "country_plural"]
    nxt = _WORD.match(after.lstrip())
    if nxt and after[: len(after) - len(after.lstrip())] in (" ", ""):
        verb = nxt.group(0)
        plural = _plural_verb(verb)
        if plural != verb:
            lead = after[: len(after) - len(after.lstrip())]
            after = lead + plural + after.lstrip()[len(verb):]
    # The pronouns that referred to the country now refer to a plural: "failed its victims".
    after = _ITS.sub(lambda w: _PLURAL_PRONOUN[w.group(0)], after, count=2)
    return subject, after


def rewrite(sentence: str, offset: int, mentions: Sequence[Mention], words: dict[str, str]) -> str:
    """`sentence` (starting at `offset` in the document) with each mention in it generalised."""
    inside = [m for m in mentions if offset <= m.start and m.end <= offset + len(sentence)]
    text = sentence
    # Right to left, so earlier offsets stay valid.
    for m in sorted(inside, key=lambda m: m.start, reverse=True):
        s, e = m.start - offset, m.end - offset
        local = Mention(s, e, m.text, m.country, m.country_name, m.kind)
        rep, after = _replacement(text, local, words, text[e:])
        head = text[:s]
        if head.rstrip().lower().endswith("the") and not rep.startswith("national"):
            cut = head.rstrip()
            head = cut[:-3] + head[len(cut):] if cut[-4:-3] in (" ", "") else head
        if not head.strip() or head.rstrip().endswith((".", "!", "?", "\n")):
            rep = rep[:1].upper() + rep[1:]  # it now opens a sentence
        text = head + rep + after
    text = " ".join(text.split())
    for words_ in {words["in_country"], words["place_in"], words["country_plural"]}:
        # two mentions generalised side by side: "some countries and some countries"
        for joint in (" and ", " or ", ", "):
            text = text.replace(words_ + joint + words_, words_)
            text = text.replace(words_[:1].upper() + words_[1:] + joint + words_,
                                words_[:1].upper() + words_[1:])
    if text and text[0].islower():
        text = text[0].upper() + text[1:]
    return text
