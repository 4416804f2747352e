"""Find country mentions in a spaCy Doc: gazetteer matches, confirmed or vetoed by NER.

The gazetteer proposes (word boundaries, longest match, case rules per entry); spaCy's NER
confirms ambiguous names, vetoes people and languages, marks mentions inside organization names,
and catches places the gazetteer lacks, which are kept only if they resolve to a country.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .gazetteer import Entry, Gazetteer, fold
from .nlp import blank_tokenizer
from .schema import Mention

_LETTER = re.compile(r"^([A-Z])\.?$|^([a-z])$")
_GENERIC_TAIL = {"province", "state", "region", "city", "district", "county", "department",
                 "governorate", "prefecture", "municipality", "area", "island", "islands"}


@lru_cache(maxsize=4096)
def _surface_caps(surface: str) -> tuple[bool, ...]:
    """For each token of a surface: must the text's token start with a capital?"""
    return tuple(t.text[:1].isupper() for t in blank_tokenizer()(surface))


def _case_ok(entry: Entry, span) -> bool:
    if entry.case == "any":
        return True
    if entry.case == "exact":
        return "".join(t.text for t in span) == entry.surface.replace(" ", "")
    caps = _surface_caps(entry.surface)
    if len(caps) != len(span):
        return False
    return all(t.text[:1].isupper() for t, cap in zip(span, caps, strict=True) if cap)


class MentionFinder:
    """Finds mentions with one gazetteer and its policy; create once, call per Doc."""

    def __init__(self, gazetteer: Gazetteer):
        self.gaz = gazetteer
        conf = gazetteer.policy["confirm"]
        self.locatives = set(conf["locatives"])
        self.confirm_labels = set(conf["confirm_labels"])
        self.veto_labels = set(conf["veto_labels"])
        self.ner_labels = set(conf["ner_labels"])
        ph = gazetteer.policy["placeholders"]
        heads = [tuple(fold(w) for w in h.split()) for h in ph["heads"]]
        self.placeholder_heads = sorted(heads, key=len, reverse=True)
        self.placeholder_lower = set(ph["lowercase_letters"])
        res = gazetteer.policy["resolve"]
        self.us_cues = [fold(c) for c in res["Georgia_us_context"]]

    # ------------------------------------------------------------------ matching

    def _placeholder(self, doc, folded, i) -> int:
        """Length in tokens of a placeholder ("Country X", "Member State B") at i, or 0."""
        for head in self.placeholder_heads:
            n = len(head)
            if i + n >= len(doc) or tuple(folded[i:i + n]) != head:
                continue
            letter = doc[i + n].text
            m = _LETTER.match(letter)
            if not m:
                continue
            if m.group(2) and m.group(2) not in self.placeholder_lower:
                continue
            if m.group(2) and not doc[i].text.islower() and doc[i].text[0].isupper() is False:
                continue
            # "State A" needs a capital head or letter x/y/z; "a State in Africa" never matches.
            if not doc[i].text[:1].isupper() and not (m.group(2) or letter in "XYZ"):
                continue
            return n + 1
        return 0

    def _gazetteer_hits(self, doc, folded):
        hits, i, n = [], 0, len(doc)
        while i < n:
            best, length = None, 0
            for e in self.gaz.candidates(folded[i]):
                k = len(e.tokens)
                if i + k > n or tuple(folded[i:i + k]) != e.tokens:
                    continue
                if not _case_ok(e, doc[i:i + k]):
                    continue
                best, length = e, k
                break
            p = self._placeholder(doc, folded, i)
            if p > length:
                best, length = "placeholder", p
            if best is None:
                i += 1
                continue
            hits.append((i, i + length, best))
            i += length
        return hits

    # ------------------------------------------------------------------ deciding

    def __call__(self, doc) -> list[Mention]:
        """Every country mention in `doc`, in text order."""
        folded = [fold(t.text) for t in doc]
        ent_at = {}
        for ent in doc.ents:
            for k in range(ent.start, ent.end):
                ent_at[k] = ent
        text_folded = None
        mentions: list[Mention] = []
        covered: set[int] = set()
        for start, end, entry in self._gazetteer_hits(doc, folded):
            covered.update(range(start, end))
            if entry != "placeholder" and entry.is_block:
                continue
            ents = {ent_at[k] for k in range(start, end) if k in ent_at}
            org = next((e for e in ents if e.label_ == "ORG" and e.end - e.start > end - start),
                       None)
            source = "gazetteer"
            if entry == "placeholder":
                mentions.append(self._mention(doc, start, end, None, "placeholder", org, source))
                continue
            if self._vetoed(entry, start, end, ents):
                continue
            if entry.confirm:
                confirmed = (
                    any(e.label_ in self.confirm_labels for e in ents)
                    or org is not None
                    or (start > 0 and folded[start - 1] in self.locatives)
                )
                if not confirmed:
                    continue
                source = "gazetteer+ner"
            country, kind = entry.country, entry.kind
            if country == "GEO" and kind == "name":
                if text_folded is None:
                    text_folded = " " + " ".join(folded) + " "
                if any(f" {c} " in text_folded for c in self.us_cues):
                    country, kind = "USA", "region"  # the US state: a place inside the USA
            mentions.append(self._mention(doc, start, end, country, kind, org, source))
        for ent in doc.ents:
            if ent.label_ not in self.ner_labels or any(k in covered for k in range(ent.start,
                                                                                    ent.end)):
                continue
            resolved = self._resolve_entity(ent)
            if resolved:
                s, e, country, kind = resolved
                mentions.append(self._mention(doc, s, e, country, kind, None, "ner"))
        mentions.sort(key=lambda m: m.start)
        return mentions

    def _vetoed(self, entry: Entry, start: int, end: int, ents) -> bool:
        """Whether NER says this is not a country: a person, a language, a title.

        An NER label alone is weak evidence (spaCy tags "Recife" PRODUCT), so it vetoes only
        entries that needed confirmation anyway, except a person's name that runs past the hit
        ("Chad Smith") and a demonym used as a language ("translated into French").
        """
        for e in ents:
            if e.label_ not in self.veto_labels:
                continue
            if e.label_ == "LANGUAGE" and entry.kind == "demonym":
                return True
            if e.label_ == "PERSON" and e.end - e.start > end - start:
                return True
            if entry.confirm:
                return True
        return False

    def _resolve_entity(self, ent):
        """(start, end, ISO3, kind) for an NER place the gazetteer did not match, or None."""
        tokens = list(ent)
        while tokens and fold(tokens[0].text) in ("the",):
            tokens = tokens[1:]
        while tokens and fold(tokens[-1].text) in _GENERIC_TAIL:
            tokens = tokens[:-1]
        if not tokens:
            return None
        key = " ".join(fold(t.text) for t in tokens)
        hit = self.gaz.lookup_place(key)
        if hit is None:
            return None
        return tokens[0].i, tokens[-1].i + 1, hit[0], hit[1]

    def _mention(self, doc, start, end, country, kind, org, source) -> Mention:
        span = doc[start:end]
        s, e = span.start_char, span.end_char
        text = doc.text[s:e]
        if kind == "placeholder" and text.endswith("."):
            text, e = text[:-1], e - 1
        sent = doc[start].sent
        name = self.gaz.country_name(country) if country else " ".join(text.split())
        return Mention(start=s, end=e, text=text, country=country, country_name=name, kind=kind,
                       org=org.text if org is not None else None, source=source,
                       sent_start=sent.start_char, sent_end=sent.end_char)
