"""Suggested rewrites: the sentence that carries an accusation or a country's situation, with
the mentions the rule objects to generalised away, and nothing else changed.

A rewrite must be something the checker itself accepts and must keep what the speaker may say:
the flagged mentions of the sentence become "some countries", "in some places"...; the allowed
ones (the speaker's own work, a venue, a treaty's name) keep their words; when a later sentence
carries the accusation ("The judiciary there remains corrupt"), that sentence is the one
rewritten. Where no rewrite is safe (the sentence names the same country both in allowed and in
objected words) the advice says so instead of offering a bad sentence. The words used live in
rules/labels.toml ([suggest]); this module only decides which slot a mention stands in.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .context import UNMASKED, mentions_between
from .schema import Mention, Rewrite  # noqa: F401  (Rewrite: the suggestions this module makes)

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
#: A part of a country named before its name ("in eastern Senegal"): it goes with the name.
_PART = re.compile(r"\b(?:(?:north|south)(?:-?(?:east|west))?ern|eastern|western|central|"
                   r"rural|coastal|mainland|northernmost|southernmost)\s*$", re.IGNORECASE)
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
    if prev in ("and", "or") and before[:-len(prev)].rstrip().endswith((",", ";")):
        prev = ""  # ", and Libya remains the pivot": a new clause, the name is its subject
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


def rewrite(sentence: str, offset: int, mentions: Sequence[Mention], words: dict[str, str],
            only: set[int] | None = None) -> str:
    """`sentence` (starting at `offset` in the document) with its mentions generalised: all of
    them, or those whose `id()` is in `only` (the others keep their words)."""
    inside = [m for m in mentions_between(mentions, offset, offset + len(sentence))
              if offset <= m.start and m.end <= offset + len(sentence) and m.kind not in UNMASKED
              and (only is None or id(m) in only)]
    text = sentence
    # Right to left, so earlier offsets stay valid.
    for m in sorted(inside, key=lambda m: m.start, reverse=True):
        s, e = m.start - offset, m.end - offset
        kind, part = m.kind, _PART.search(text[:s]) if m.kind != "demonym" else None
        if part:  # "in eastern Senegal" -> "in some places", not "in eastern some countries"
            s, kind = part.start(), "region"
        local = Mention(s, e, m.text, m.country, m.country_name, kind)
        rep, after = _replacement(text, local, words, text[e:])
        head = text[:s]
        if head.rstrip().lower().endswith("the") and not rep.startswith("national"):
            cut = head.rstrip()
            head = cut[:-3] + head[len(cut):] if cut[-4:-3] in (" ", "") else head
        if not head.strip() or head.rstrip().endswith((".", "!", "?", "\n")):
            rep = rep[:1].upper() + rep[1:]  # it now opens a sentence
        text = head + rep + after
    text = _merge_repeats(" ".join(text.split()), words)
    if text and text[0].islower():
        text = text[0].upper() + text[1:]
    return text


def _merge_repeats(text: str, words: dict[str, str]) -> str:
    """Mentions generalised side by side read as one: "some countries and some countries",
    "in some countries and in some countries", "some places, some places and some places"."""
    for phrase in {words["in_country"], words["place_in"], words["country_plural"],
                   words["place_subject"]}:
        for case in (phrase, phrase[:1].upper() + phrase[1:]):
            item = rf"(?:(?P<prep>\b(?:in|from|to|into|of|across|through|at)\s+)?{re.escape(phrase)})"
            run = re.compile(rf"(?:\b(?:in|from|to|into|of|across|through|at)\s+)?{re.escape(case)}"
                             rf"(?:(?:\s*,\s*|\s+(?:and|or)\s+|\s*,\s*(?:and|or)\s+){item})+")
            text = run.sub(lambda m, case=case: _first_item(m.group(0), case), text)
    return _agree_after_merge(text, words)


def _first_item(run: str, case: str) -> str:
    """The first item of a merged run, with its preposition if it had one."""
    return run[:run.index(case) + len(case)]


def _agree_after_merge(text: str, words: dict[str, str]) -> str:
    """Auxiliaries coordinated after a generalised subject agree too: "Some countries have
    failed and has ignored" -> "... and have ignored"."""
    subject = words["country_plural"]
    head = re.compile(rf"\b{re.escape(subject)}\b", re.IGNORECASE)
    if not head.search(text):
        return text
    aux = re.compile(r"(\b(?:and|but|or)\s+)(has|is|was|does|hasn't|isn't|wasn't|doesn't)\b")
    start = head.search(text).end()
    clause_end = min((text.find(c, start) for c in (";", ". ", " which ", " who ")
                      if text.find(c, start) >= 0), default=len(text))
    part = aux.sub(lambda m: m.group(1) + _AUX[m.group(2)], text[start:clause_end])
    return text[:start] + part + text[clause_end:]


#: A later sentence's words that referred back to a country ("the ministry there", "its
#: courts"), generalised: "the ministry there" -> "in some countries, the ministry".
_THERE = re.compile(r"\s+there\b", re.IGNORECASE)
_ITS_REF = re.compile(r"^(?P<its>[Ii]ts|[Tt]heir)\s+(?:own\s+)?")


def rewrite_reference(sentence: str, reference: str, words: dict[str, str]) -> str | None:
    """`sentence` (a later sentence that carries an accusation through `reference`) with the
    reference made general; None if the reference cannot be found in it."""
    at = sentence.find(reference)
    if at < 0:
        return None
    ref = reference
    if ref.lower() == "in the capital":
        new = "in " + words["place_in"]
        return (sentence[:at] + new + sentence[at + len(ref):]).strip()
    new = _THERE.sub("", ref)
    # Without its determiner the phrase no longer points back at one State: "the police
    # there", "its courts" -> "police", "courts".
    new = re.sub(r"^(?:the|its|their|local|national|same)\s+(?:own\s+|same\s+)?", "", new,
                 flags=re.IGNORECASE)
    lead = words["in_country"]
    out = sentence[:at] + new + sentence[at + len(ref):]
    head = out[:at].strip()
    if not head:  # the reference opens the sentence: "In some countries, the ministry ..."
        out = f"In {lead}, {out[0].lower()}{out[1:]}"
    else:
        out = f"In {lead}, {out[0].lower()}{out[1:]}" if out[:1].isupper() else out
    return " ".join(out.split())


def apply(text: str, findings) -> tuple[str, list[tuple[int, int, int]]]:
    """`text` with every finding's rewrite applied (a sentence without a safe rewrite removed,
    as its advice says), and the shifts made: (start, end, new length) per replaced span, to
    map an offset of `text` into the new text (`moved`)."""
    spans = {}
    for f in findings:
        r = f.rewrite
        if r is not None and f.counts:
            spans[(r.start, r.end)] = r.text or ""
    out, pos, shifts = [], 0, []
    for (s, e), new in sorted(spans.items()):
        if s < pos:
            continue  # overlapping rewrites: the first one wins
        out += [text[pos:s], new]
        shifts.append((s, e, len(new)))
        pos = e
    out.append(text[pos:])
    return "".join(out), shifts


def moved(offset: int, shifts: list[tuple[int, int, int]]) -> int | None:
    """Where `offset` of the original text is in the text `apply` made (None: rewritten)."""
    delta = 0
    for s, e, n in shifts:
        if offset >= e:
            delta += n - (e - s)
        elif offset >= s:
            return None
    return offset + delta


def failed_rewrites(findings, again, shifts: list[tuple[int, int, int]]) -> set[tuple[int, int]]:
    """The rewritten spans (original offsets) that the check of the rewritten text, `again`'s
    findings, still objects to: a mention flagged inside one, or flagged outside all of them
    (charged to its own finding's rewrite, else to the nearest); an allowed mention of the
    original lost or relabelled. `findings` and `shifts` are the original report's and
    `apply`'s."""
    spans = [(s, e) for s, e, _ in shifts]
    if not spans:
        return set()
    placed, delta = [], 0
    for s, e, n in shifts:
        placed.append(((s, e), s + delta, s + delta + n))
        delta += n - (e - s)

    def origin(p: int) -> tuple[int | None, tuple[int, int] | None]:
        """The original offset of new offset `p`, or the rewritten span it falls in."""
        shift = 0
        for span, ns, ne in placed:
            if p < ns:
                break
            if p < ne:
                return None, span
            shift = ne - span[1]
        return p - shift, None

    def nearest(o: int) -> tuple[int, int]:
        return min(spans, key=lambda sp: 0 if sp[0] <= o < sp[1] else min(abs(o - sp[0]),
                                                                          abs(o - sp[1])))

    by_start = {f.mention.start: f for f in findings}
    out: set[tuple[int, int]] = set()
    for g in again:
        if not (g.flagged and g.counts):
            continue
        o, span = origin(g.mention.start)
        if span is not None:
            out.add(span)
            continue
        f = by_start.get(o)
        if f is not None and f.flagged and not f.counts:
            continue  # accepted in the original (a directive): not the rewrite's doing
        own = (f.rewrite.start, f.rewrite.end) if f is not None and f.rewrite else None
        out.add(own if own in spans else nearest(o))
    found = {(g.mention.start, g.mention.key): g.label for g in again}
    for f in findings:
        if f.flagged:
            continue
        at = moved(f.mention.start, shifts)
        if at is None:  # inside a rewritten sentence: it kept its words, so look for it there
            k = next(k for k, sp in enumerate(spans) if sp[0] <= f.mention.start < sp[1])
            _, ns, ne = placed[k]
            if not any(key == f.mention.key and ns <= s < ne and label == f.label
                       for (s, key), label in found.items()):
                out.add(spans[k])
        elif found.get((at, f.mention.key)) != f.label:
            out.add(nearest(f.mention.start))
    return out
