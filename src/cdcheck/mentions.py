"""Find country mentions in a spaCy Doc: gazetteer matches, confirmed or vetoed by NER.

The gazetteer proposes (word boundaries, longest match, case rules per entry); spaCy's NER
confirms ambiguous names, vetoes people and languages, marks mentions inside organization names,
and catches places the gazetteer lacks, which are kept only if they resolve to a country. NER is
weak evidence on its own (the small English model tags "Kraków" PERSON and "Agadez" PRODUCT), so
the words around a hit weigh in too: a place preposition ("in", "into", "across"), a person cue
("my colleague", ", who"), a language cue ("in Russian and English"). The words are policy data
(rules/policy.toml), not code.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache

from .gazetteer import Entry, Gazetteer, fold, place_key
from .nlp import blank_tokenizer
from .schema import Mention

_LETTER = re.compile(r"^([A-Z])\.?$|^([a-z])\.?$")
_GENERIC_TAIL = {"province", "state", "region", "city", "district", "county", "department",
                 "governorate", "prefecture", "municipality", "area", "island", "islands"}
_COORD = {",", "and", "or", "&"}
_HYPHENS = {"-", "\u2010", "\u2011", "\u2013"}
#: Capitalised words that start a longer place name: "St. Elizabeth" is no "Elizabeth".
_NAME_STARTS = {"st.", "st", "saint", "ste", "ste.", "sainte", "san", "santa", "santo", "sao",
                "port", "fort", "mount", "mt.", "cape", "lake", "puerto", "porto", "ciudad"}
#: What glued to a demonym by a hyphen makes it a language: "French-speaking".
_LANGUAGE_TAILS = {"speaking", "speaker", "speakers", "language", "languages", "medium"}
_DETERMINERS = {"a", "an", "the", "one", "every", "each", "this", "that", "another"}
_APPOSITIVE_STOP = {",", ".", ";", ":", "(", ")", "where", "which", "that", "whose", "when",
                    "while", "with", "in", "from", "for", "to", "has", "have", "had", "is", "was",
                    "are", "were", "and"}
#: Entity labels that never stand for a place: the NER fallback ignores them.
_NOT_PLACES = {"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"}


@lru_cache(maxsize=4096)
def _surface_caps(surface: str) -> tuple[bool, ...]:
    """For each token of a surface: must the text's token start with a capital?"""
    return tuple(t.text[:1].isupper() for t in blank_tokenizer()(surface))


_fold = lru_cache(maxsize=65536)(fold)  # the same words come back in every statement


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def _case_ok(entry: Entry, span) -> bool:
    if entry.case == "any":
        return True
    if entry.case == "exact":
        return "".join(t.text for t in span) == entry.surface.replace(" ", "")
    caps = _surface_caps(entry.surface)
    if len(caps) != len(span):
        return False
    return all(t.text[:1].isupper() for t, cap in zip(span, caps, strict=True) if cap)


def _singular(word: str) -> str:
    return word[:-1] if word.endswith("s") and len(word) > 3 else word


class MentionFinder:
    """Finds mentions with one gazetteer and its policy; create once, call per Doc."""

    def __init__(self, gazetteer: Gazetteer):
        self.gaz = gazetteer
        policy = gazetteer.policy
        conf = policy["confirm"]
        self.locatives = {fold(w) for w in conf["locatives"]}
        self.place_preps = {fold(w) for w in conf.get("place_prepositions", conf["locatives"])}
        self.person_override = {fold(w) for w in conf.get("person_override", ())}
        self.person_before = {fold(w) for w in conf.get("person_before", ())}
        self.person_after = {fold(w) for w in conf.get("person_after", ())}
        self.person_nouns = {_singular(fold(w)) for w in conf.get("person_nouns", ())}
        self.confirm_labels = set(conf["confirm_labels"])
        self.veto_labels = set(conf["veto_labels"])
        self.ner_labels = set(conf["ner_labels"])
        self.container_labels = set(conf.get("container_labels", ["ORG"]))
        lang = policy.get("language", {})
        self.language_cues = {fold(w) for w in lang.get("cues", ())}
        self.language_names = {fold(w) for w in lang.get("names", ())}
        self.language_after_cue = {fold(w) for w in lang.get("after_cue", ())}
        water = policy.get("water", {})
        self.water_before = {tuple(fold(w) for w in h.split()) for h in water.get("before", ())}
        self.water_after = {fold(w) for w in water.get("after", ())}
        ph = policy["placeholders"]
        heads = [tuple(fold(w) for w in h.split()) for h in ph["heads"]]
        self.placeholder_heads = sorted(heads, key=len, reverse=True)
        self.placeholder_lower = set(ph["lowercase_letters"])
        self.placeholder_never = set(ph.get("never_letters", ()))
        self.generic_words = {fold(w) for w in policy.get("regions", {}).get("generic_words", ())}
        tok = blank_tokenizer()
        # Cues written in capitals ("US") match only as written, so that "us" the pronoun is no
        # cue; the others match folded ("state of Georgia").
        self.us_cues = []
        for cue in policy["resolve"]["Georgia_us_context"]:
            words = tuple(t.text for t in tok(cue))
            exact = len(cue) > 1 and cue.replace(".", "").isupper()
            self.us_cues.append((words if exact else tuple(fold(w) for w in words), exact))

    # ------------------------------------------------------------------ matching

    def _placeholder(self, doc, folded, i) -> int:
        """Length in tokens of a placeholder ("Country X", "Member State B") at i, or 0."""
        for head in self.placeholder_heads:
            n = len(head)
            if i + n >= len(doc) or tuple(folded[i:i + n]) != head:
                continue
            letter = doc[i + n].text
            m = _LETTER.match(letter)
            if not m or (m.group(1) or "") in self.placeholder_never:
                continue
            # A lowercase letter only for x/y/z ("country y"): "State a" and "a State in Africa"
            # are no placeholders. A capital letter after a lowercase head is ("country B").
            if m.group(2) and m.group(2) not in self.placeholder_lower:
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
        folded = [_fold(t.text) for t in doc]
        ent_at = {}
        for ent in doc.ents:
            for k in range(ent.start, ent.end):
                ent_at[k] = ent
        hits = self._gazetteer_hits(doc, folded)
        hit_at: dict[int, tuple[int, int, object]] = {}
        for h in hits:
            for k in range(h[0], h[1]):
                hit_at[k] = h
        ctx = _Context(doc, folded, ent_at, hit_at)
        found: list[tuple[Mention, Entry | None]] = []
        covered: set[int] = set()
        for start, end, entry in hits:
            if entry != "placeholder" and not entry.is_block and self._hyphen_part(ctx, start, end,
                                                                                   entry):
                continue  # "Gorno-Badakhshan", "St. Elizabeth": left to NER below
            covered.update(range(start, end))
            if entry != "placeholder" and entry.is_block:
                continue
            ents = {ent_at[k] for k in range(start, end) if k in ent_at}
            # The organization the hit sits inside ("Nigerian Red Cross"), recorded on the
            # mention; and a named thing around it that confirms an ambiguous hit.
            org = next((e for e in ents if e.label_ == "ORG" and e.end - e.start > end - start),
                       None)
            container = next((e for e in ents if e.label_ in self.container_labels
                              and e.end - e.start > end - start
                              and self._names_a_place(e, start)), None)
            if entry == "placeholder":
                found.append((self._mention(ctx, start, end, None, "placeholder", org,
                                            "gazetteer"), None))
                continue
            if entry.kind == "demonym" and self._is_language(ctx, start, end, ents):
                continue
            if self._names_water(ctx, start, end):
                continue
            if self._vetoed(ctx, entry, start, end, ents):
                continue
            source = "gazetteer"
            if entry.confirm:
                confirmed = (
                    any(e.label_ in self.confirm_labels for e in ents)
                    or container is not None
                    or self._place_before(ctx, start, self.locatives)
                    or self._place_after(ctx, end)
                )
                if not confirmed:
                    continue
                source = "gazetteer+ner"
            country, kind = entry.country, entry.kind
            if country == "GEO" and kind == "name" and self._us_context(doc, folded):
                country, kind = "USA", "region"  # the US state: a place inside the USA
            found.append((self._mention(ctx, start, end, country, kind, org, source), entry))
        for ent in doc.ents:
            if ent.label_ in _NOT_PLACES or any(k in covered for k in range(ent.start, ent.end)):
                continue
            if ent.label_ not in self.ner_labels:
                # Not tagged as a place: kept only right after a place preposition ("in Mae
                # Sot" tagged PERSON, "from Agadez" tagged PRODUCT).
                preps = self.person_override if ent.label_ == "PERSON" else self.place_preps
                if not self._place_before(ctx, ent.start, preps, coordination=False):
                    continue
            resolved = self._resolve_entity(ent)
            if resolved:
                s, e, country, kind = resolved
                found.append((self._mention(ctx, s, e, country, kind, None, "ner"), None))
        mentions = self._disambiguate(found)
        mentions.sort(key=lambda m: m.start)
        return mentions

    def _disambiguate(self, found) -> list[Mention]:
        """Ambiguous names ("Congo", "Congolese") take the reading the text itself names.

        The entry's country is the policy's default; an alternative wins when the text names it
        with an unambiguous mention and does not name the default.
        """
        named = [m.country for m, e in found if m.country and (e is None or not e.alt)]
        out = []
        for m, e in found:
            if e is not None and e.alt and m.country not in named:
                choice = next((c for c in named if c in e.alt), None)
                if choice is not None:
                    m.country, m.country_name = choice, self.gaz.country_name(choice)
            out.append(m)
        return out

    # ------------------------------------------------------------------ evidence

    def _place_before(self, ctx: _Context, start: int, words: set[str],
                      coordination: bool = True) -> bool:
        """Whether the hit at `start` follows a place word, or is coordinated with a place.

        "in Salta", "northern Niger"; "Misiones and Salta" when "Misiones" is itself a
        gazetteer hit or a place to NER.
        """
        if start == 0:
            return False
        prev = ctx.folded[start - 1]
        if prev in words:
            return True
        if not coordination or prev not in _COORD or start < 2:
            return False
        return self._sure_place(ctx, start - 2)

    def _place_after(self, ctx: _Context, end: int) -> bool:
        """Whether the hit ending at `end` is coordinated with a following place ("Rotterdam and
        Antwerp", when "Antwerp" is a gazetteer hit or a place to NER)."""
        folded, n = ctx.folded, len(ctx.folded)
        j, skipped = end, 0
        while j < n and folded[j] in _COORD and skipped < 2:
            j, skipped = j + 1, skipped + 1
        if not skipped or j >= n:
            return False
        return self._sure_place(ctx, j)

    def _sure_place(self, ctx: _Context, i: int) -> bool:
        """Whether token i is in a place that needs no confirmation, or in a place to NER.

        Two first-name-like hits do not confirm each other ("Chad and Jordan presented"), but
        one after a place word does ("the assemblies of Koshi and Lumbini").
        """
        h = ctx.hit_at.get(i)
        if h is not None and h[2] != "placeholder" and not h[2].is_block:
            if not h[2].confirm or (h[0] > 0 and ctx.folded[h[0] - 1] in self.place_preps | {"of"}):
                return True
        ent = ctx.ent_at.get(i)
        return ent is not None and ent.label_ in ("GPE", "LOC", "NORP")

    @staticmethod
    def _names_a_place(container, start: int) -> bool:
        """Whether a named entity around a hit is the kind that names places inside it.

        Laws, events and buildings do ("the Palermo Protocol"); an organization does when it is
        long enough or has the place after "of"/"in" ("University of Texas"), not when it is a
        two-word mislabelled person ("Indiana Jones" tagged ORG).
        """
        if container.label_ != "ORG":
            return True
        if container.end - container.start >= 3:
            return True
        return start > container.start and container.doc[start - 1].lower_ in ("of", "in")

    def _vetoed(self, ctx: _Context, entry: Entry, start: int, end: int, ents) -> bool:
        """Whether NER or the words around say this is not a country: a person, a title.

        An NER label alone is weak evidence (spaCy tags "Recife" PRODUCT), so it vetoes only
        entries that needed confirmation anyway, and not after a place preposition ("in
        Kraków" tagged PERSON), except a person's name that runs past the hit ("Chad Smith").
        """
        for e in ents:
            if e.label_ not in self.veto_labels or e.label_ == "LANGUAGE":
                continue
            if e.label_ == "PERSON":
                if any(t.is_alpha for t in e if t.i < start or t.i >= end):
                    return True
                if entry.confirm and not (self._place_before(ctx, start, self.person_override)
                                          or self._place_after(ctx, end)):
                    return True
            elif entry.confirm and not (self._place_before(ctx, start, self.place_preps)
                                        or self._place_after(ctx, end)):
                return True
        return entry.confirm and self._person_cue(ctx, start, end)

    def _person_cue(self, ctx: _Context, start: int, end: int) -> bool:
        """Whether the words around a first-name-like hit make it a person.

        "my colleague Chad", "Our team lead, Chad,", "Georgia, who leads ...", "Jordan, our
        outreach worker, ...".
        """
        folded, n = ctx.folded, len(ctx.folded)
        if self._place_before(ctx, start, self.place_preps, coordination=False):
            return False  # "in Jordan, our lawyers ...": a place, whatever follows
        j = start - 1
        if j >= 0 and folded[j] == ",":
            j -= 1
        if j >= 0 and (folded[j] in self.person_before or _singular(folded[j]) in self.person_nouns):
            return True  # "my colleague Chad", "Our lead researcher, Chad,"
        k = end
        if k < n and folded[k] == ",":
            k += 1
        if k < n and folded[k] in self.person_after:
            return True
        for i, between in ((start - 2, start - 1), (end + 1, end)):  # "Jordan and Maria"
            if not (0 <= i < n and 0 <= between < n) or folded[between] not in ("and", "&"):
                continue
            ent = ctx.ent_at.get(i)
            if ent is not None and ent.label_ == "PERSON" and i not in ctx.hit_at:
                return True
        if end < n and folded[end] == ",":
            # An appositive closed by a comma, holding a person noun: "Jordan, our outreach
            # worker, was ..."; "In Osh and Jalal-Abad, our lawyers sit ..." is no appositive.
            person = False
            for w in folded[end + 1:end + 10]:
                if w in (",", ".", "who", "whose"):
                    return person or w in ("who", "whose")
                if w in _APPOSITIVE_STOP:
                    return False
                person = person or _singular(w) in self.person_nouns
        return False

    def _is_language(self, ctx: _Context, start: int, end: int, ents) -> bool:
        """Whether a demonym names a language: "in Kazakh, Russian and English", "into French".

        Needs a language cue before the demonym (or before the list it stands in), or NER's
        LANGUAGE, and no noun after the list: "in Russian prisons" is a mention.
        """
        folded, doc = ctx.folded, ctx.doc
        if end + 1 < len(doc) and folded[end] in _HYPHENS and folded[end + 1] in _LANGUAGE_TAILS:
            return True  # "French-speaking participants"

        def item(i: int) -> tuple[int, int] | None:  # a demonym or a language name at token i
            if folded[i] in self.language_names:
                return i, i + 1
            h = ctx.hit_at.get(i)
            if h is None or h[2] == "placeholder" or h[2].kind != "demonym":
                return None
            return h[0], h[1]

        def across(i: int, step: int) -> int | None:  # over ", and" to the next item's token
            j, skipped = i + step, 0
            while 0 <= j < len(doc) and folded[j] in _COORD and skipped < 2:
                j, skipped = j + step, skipped + 1
            return j if skipped and 0 <= j < len(doc) else None

        first, last = start, end  # the list of coordinated languages this one stands in
        while (j := across(first, -1)) is not None and (span := item(j)):
            first = span[0]
        while (j := across(last - 1, 1)) is not None and (span := item(j)):
            last = span[1]
        prev = folded[first - 1] if first > 0 else ""
        cue = prev in self.language_cues or (
            any(e.label_ == "LANGUAGE" for e in ents) and prev not in _DETERMINERS) or (
            prev in self.language_after_cue
            and any(w in self.language_cues for w in folded[max(0, first - 5):first - 1]))
        if not cue:
            return False
        if last < len(doc):
            nxt = doc[last]
            if nxt.is_alpha and nxt.text.islower() and nxt.lower_ not in _stop_words():
                return False  # "in Russian prisons": an adjective before its noun
        return True

    def _names_water(self, ctx: _Context, start: int, end: int) -> bool:
        """Whether the hit names a sea, strait or gulf: "the Strait of Gibraltar", "the Gulf of
        Aden", "the Philippine Sea" are not the country (policy.toml [water])."""
        folded, doc = ctx.folded, ctx.doc
        for head in self.water_before:
            n = len(head)
            if start >= n and tuple(folded[start - n:start]) == head \
                    and doc[start - n].text[:1].isupper():
                return True
        return end < len(doc) and folded[end] in self.water_after and doc[end].text[:1].isupper()

    def _hyphen_part(self, ctx: _Context, start: int, end: int, entry: Entry) -> bool:
        """Whether a place hit is part of a longer name the gazetteer lacks: glued by a hyphen
        to a capitalised word that is no hit itself, or after "St.", "San", "Port"....

        "Gorno-Badakhshan" is not "Badakhshan", "Baden-Württemberg" not "Baden", "St.
        Elizabeth" (Jamaica) not "Elizabeth" (New Jersey); but "Kenya-based", "Lagos-Ibadan" and
        "Afro-Colombian" (a demonym) keep their mentions.
        """
        if entry.kind not in ("city", "region", "capital"):
            return False
        doc = ctx.doc
        if start >= 1 and ctx.folded[start - 1] in _NAME_STARTS and doc[start - 1].text[:1].isupper() \
                and (start - 1) not in ctx.hit_at:
            return True
        if start >= 2 and doc[start - 1].text in _HYPHENS and not doc[start - 2].whitespace_ \
                and not doc[start - 1].whitespace_:
            w = doc[start - 2]
            if w.is_alpha and w.text[:1].isupper() and (start - 2) not in ctx.hit_at:
                return True
        if end + 1 < len(doc) and doc[end].text in _HYPHENS and not doc[end - 1].whitespace_ \
                and not doc[end].whitespace_:
            w = doc[end + 1]
            if w.is_alpha and w.text[:1].isupper() and (end + 1) not in ctx.hit_at:
                return True
        return False

    def _us_context(self, doc, folded) -> bool:
        """Whether the text speaks of the USA around "Georgia" (Atlanta, Texas, "U.S.")."""
        texts = [t.text for t in doc]
        for words, exact in self.us_cues:
            seq = texts if exact else folded
            n = len(words)
            for i in range(len(seq) - n + 1):
                if tuple(seq[i:i + n]) == words:
                    return True
        return False

    def _resolve_entity(self, ent):
        """(start, end, ISO3, kind) for an NER place the gazetteer did not match, or None.

        Only capitalised names resolve ("fine china" is porcelain, whatever NER says); the
        whole name is tried before its generic tail ("Kivu Province" -> "Kivu").
        """
        tokens = list(ent)
        while tokens and fold(tokens[0].text) in ("the",):
            tokens = tokens[1:]
        while tokens and tokens[-1].text in ("'s", "\u2019s", "'", "\u2019"):
            tokens = tokens[:-1]
        if not tokens or not tokens[0].text[:1].isupper():
            return None
        while tokens:
            name = ent.doc[tokens[0].i:tokens[-1].i + 1].text
            if all(w in self.generic_words for w in place_key(name).split()):
                return None  # "Western Province", "North East": one in many countries
            hit = self.gaz.lookup_place(name)
            if hit is not None:
                return tokens[0].i, tokens[-1].i + 1, hit[0], hit[1]
            if fold(tokens[-1].text) not in _GENERIC_TAIL:
                return None
            tokens = tokens[:-1]
        return None

    def _mention(self, ctx: _Context, start, end, country, kind, org, source) -> Mention:
        doc = ctx.doc
        span = doc[start:end]
        s, e = span.start_char, span.end_char
        text = doc.text[s:e]
        if kind == "placeholder" and text.endswith("."):
            text, e = text[:-1], e - 1
        # The sentence around the mention, from the bounds listed once per Doc.
        sents = ctx.sentences()
        _, sent_start, sent_end = sents[bisect_right(sents, (start, float("inf"), 0)) - 1]
        name = self.gaz.country_name(country) if country else " ".join(text.split())
        return Mention(start=s, end=e, text=text, country=country, country_name=name, kind=kind,
                       org=org.text if org is not None else None, source=source,
                       sent_start=sent_start, sent_end=sent_end)


class _Context:
    """What the deciding steps read about one Doc: tokens, folded forms, entities, hits."""

    __slots__ = ("doc", "folded", "ent_at", "hit_at", "_sents")

    def __init__(self, doc, folded, ent_at, hit_at):
        self.doc, self.folded, self.ent_at, self.hit_at = doc, folded, ent_at, hit_at
        self._sents = None

    def sentences(self) -> list[tuple[int, int, int]]:
        """(first token, start char, end char) of each sentence, listed once per Doc."""
        if self._sents is None:
            self._sents = [(s.start, s.start_char, s.end_char) for s in self.doc.sents]
        return self._sents
