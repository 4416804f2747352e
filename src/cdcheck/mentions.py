"""Find country mentions in a spaCy Doc: gazetteer hits, decided on evidence, then NER catches.

The road per Doc: the gazetteer proposes hits (word boundaries, longest match, case rules per
entry, placeholders such as "Country X"); each hit is decided on evidence (spaCy's NER confirms
ambiguous names, vetoes people and languages, marks mentions inside organization names); then
NER catches places the gazetteer lacks, kept only if they resolve to a country. NER is weak
evidence on its own (the small English model tags "Kraków" PERSON and "Agadez" PRODUCT), so the
words around a hit weigh in too: a place preposition ("in", "into", "across"), a person cue ("my
colleague", ", who"), a language cue ("in Russian and English"). The words are policy data
(rules/policy.toml, `policy.MentionPolicy`); the evidence tests are the module-level functions
below, each reading an `Evidence` of one Doc.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from functools import lru_cache

from .gazetteer import Entry, Gazetteer
from .nlp import blank_tokenizer
from .normalize import fold, place_key
from .policy import MentionPolicy
from .schema import Mention

_LETTER = re.compile(r"^([A-Z])\.?$|^([a-z])\.?$")
_GENERIC_TAIL = {"province", "state", "region", "city", "district", "county", "department",
                 "governorate", "prefecture", "municipality", "area", "island", "islands",
                 "canton"}
_COORD = {",", "and", "or", "&"}
#: Coordination of places also by a hyphen or dash: "the US-Mexico border", "UK-US".
_PLACE_COORD = _COORD | {"-", "\u2010", "\u2011", "\u2013", "\u2014"}
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
#: Entity labels that make a neighbour a sure place ("Misiones and Salta").
_PLACE_LABELS = ("GPE", "LOC", "NORP")

_fold = lru_cache(maxsize=65536)(fold)  # the same words come back in every statement


@lru_cache(maxsize=4096)
def _surface_caps(surface: str) -> tuple[bool, ...]:
    """For each token of a surface: must the text's token start with a capital?"""
    return tuple(t.text[:1].isupper() for t in blank_tokenizer()(surface))


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def _singular(word: str) -> str:
    return word[:-1] if word.endswith("s") and len(word) > 3 else word


@dataclass(frozen=True)
class Hit:
    """A gazetteer match or a placeholder over tokens [start, end)."""

    start: int
    end: int
    entry: Entry | None  # None: a placeholder ("Country X", "State B")

    @property
    def placeholder(self) -> bool:
        return self.entry is None

    @property
    def block(self) -> bool:
        """A phrase that is no mention ("Gulf of Guinea"), matched to keep others off it."""
        return self.entry is not None and self.entry.is_block


@dataclass
class Evidence:
    """What the evidence tests read about one Doc: tokens, folded forms, entities, hits."""

    doc: object
    folded: list[str]
    policy: MentionPolicy
    #: The Doc's text, read once (spaCy builds `doc.text` from the tokens on every access).
    text: str = ""
    ent_at: dict[int, object] = field(default_factory=dict)
    hit_at: dict[int, Hit] = field(default_factory=dict)
    #: Places that lacked evidence of their own, kept if coordinated with a place found:
    #: (start token, end token, mention, alternatives).
    candidates: list = field(default_factory=list)
    _sents: list[tuple[int, int, int]] | None = None

    def sentences(self) -> list[tuple[int, int, int]]:
        """(first token, start char, end char) of each sentence, listed once per Doc."""
        if self._sents is None:
            self._sents = [(s.start, s.start_char, s.end_char) for s in self.doc.sents]
        return self._sents


# --------------------------------------------------------------------------- hits


def case_ok(entry: Entry, span) -> bool:
    """Whether the tokens of `span` have the capitals the entry's case rule asks for."""
    if entry.case == "any":
        return True
    if entry.case == "exact":
        return "".join(t.text for t in span) == entry.surface.replace(" ", "")
    caps = _surface_caps(entry.surface)
    if len(caps) != len(span):
        return False
    return all(t.text[:1].isupper() for t, cap in zip(span, caps, strict=True) if cap)


def placeholder_length(ev: Evidence, i: int) -> int:
    """Length in tokens of a placeholder ("Country X", "Member State B") at i, or 0."""
    doc, folded, policy = ev.doc, ev.folded, ev.policy
    for head in policy.placeholder_heads:
        n = len(head)
        if i + n >= len(doc) or tuple(folded[i:i + n]) != head:
            continue
        m = _LETTER.match(doc[i + n].text)
        if not m or (m.group(1) or "") in policy.placeholder_never:
            continue
        # A lowercase letter only for x/y/z ("country y"): "State a" and "a State in Africa"
        # are no placeholders. A capital letter after a lowercase head is ("country B").
        if m.group(2) and m.group(2) not in policy.placeholder_lower:
            continue
        return n + 1
    return 0


def gazetteer_hits(ev: Evidence, gaz: Gazetteer) -> list[Hit]:
    """Longest matches left to right: gazetteer entries and placeholders, never overlapping."""
    doc, folded = ev.doc, ev.folded
    hits, i, n = [], 0, len(doc)
    while i < n:
        best, length = None, 0
        for e in gaz.candidates(folded[i]):
            k = len(e.tokens)
            if i + k <= n and tuple(folded[i:i + k]) == e.tokens and case_ok(e, doc[i:i + k]):
                best, length = Hit(i, i + k, e), k
                break
        p = placeholder_length(ev, i)
        if p > length:
            best, length = Hit(i, i + p, None), p
        if best is None:
            i += 1
            continue
        hits.append(best)
        i += length
    return hits


# --------------------------------------------------------------------------- evidence


def place_before(ev: Evidence, start: int, words: frozenset[str], coordination: bool = True) -> bool:
    """Whether the hit at `start` follows a place word, or is coordinated with a place.

    "in Salta", "northern Niger"; "Misiones and Salta" when "Misiones" is itself a gazetteer hit
    or a place to NER.
    """
    if start == 0:
        return False
    prev = ev.folded[start - 1]
    if prev in words:
        return True
    if not coordination or prev not in _PLACE_COORD or start < 2:
        return False
    return sure_place(ev, start - 2)


def place_after(ev: Evidence, end: int) -> bool:
    """Whether the hit ending at `end` is coordinated with a following place ("Rotterdam and
    Antwerp", when "Antwerp" is a gazetteer hit or a place to NER)."""
    folded, n = ev.folded, len(ev.folded)
    j, skipped = end, 0
    while j < n and folded[j] in _PLACE_COORD and skipped < 2:
        j, skipped = j + 1, skipped + 1
    if not skipped or j >= n:
        return False
    return sure_place(ev, j)


def sure_place(ev: Evidence, i: int) -> bool:
    """Whether token i is in a place that needs no confirmation, or in a place to NER.

    Two first-name-like hits do not confirm each other ("Chad and Jordan presented"), but one
    after a place word does ("the assemblies of Koshi and Lumbini").
    """
    h = ev.hit_at.get(i)
    if h is not None and not h.placeholder and not h.block:
        preps = ev.policy.place_prepositions | {"of"}
        if not h.entry.confirm or (h.start > 0 and ev.folded[h.start - 1] in preps):
            return True
    ent = ev.ent_at.get(i)
    return ent is not None and ent.label_ in _PLACE_LABELS


def names_a_place(container, start: int) -> bool:
    """Whether a named entity around a hit is the kind that names places inside it.

    Laws, events and buildings do ("the Palermo Protocol"); an organization does when it is long
    enough or has the place after "of"/"in" ("University of Texas"), not when it is a two-word
    mislabelled person ("Indiana Jones" tagged ORG).
    """
    if container.label_ != "ORG":
        return True
    if container.end - container.start >= 3:
        return True
    return start > container.start and container.doc[start - 1].lower_ in ("of", "in")


def vetoed(ev: Evidence, entry: Entry, start: int, end: int, ents) -> bool:
    """Whether NER or the words around say this is not a country: a person, a title.

    An NER label alone is weak evidence (spaCy tags "Recife" PRODUCT), so it vetoes only entries
    that needed confirmation anyway, and not after a place preposition ("in Kraków" tagged
    PERSON), except a person's name that runs past the hit ("Chad Smith").
    """
    policy = ev.policy
    for e in ents:
        if e.label_ not in policy.veto_labels or e.label_ == "LANGUAGE":
            continue
        # Words of the entity outside the hit; a place noun is no part of a person's name
        # ("Myanmar's Kayin State" tagged PERSON).
        outside = [t for t in e if (t.i < start or t.i >= end) and t.is_alpha
                   and ev.folded[t.i] not in _GENERIC_TAIL]
        if e.label_ == "PERSON":
            if outside:
                return True
            # A PERSON tag on the name alone vetoes only a name that is also a first name or a
            # common word ("Jordan", "Victoria"); NER tags "Rotterdam" PERSON at a sentence's
            # start too.
            if entry.strict and not (place_before(ev, start, policy.person_override)
                                     or place_after(ev, end) or owned_place_noun(ev, end)):
                return True
        elif entry.confirm and (end - start == 1 or outside) and not (
                place_before(ev, start, policy.place_prepositions) or place_after(ev, end)):
            return True  # a title or a product; a longer place name alone is a place to NER's
            # weakest labels too ("the prosecutors of Ciudad del Este" tagged WORK_OF_ART)
    # Persons next to the hit, or an appositive naming a person, make a first name a person;
    # a town NER itself reads as a place, or one listed after a sure place, keeps its reading
    # ("Cairo and Ismailia, two officers", "in Kurunegala, Kandy and Batticaloa").
    placed = any(e.label_ in _PLACE_LABELS for e in ents) or place_before(
        ev, start, policy.place_prepositions) or place_cue(ev, start, end)
    return entry.confirm and person_cue(ev, start, end, neighbours=entry.strict or not placed)


def _person_next_to(ev: Evidence, start: int, end: int) -> bool:
    """"Jordan and Maria": a PERSON entity (no hit) coordinated with the hit."""
    folded, n = ev.folded, len(ev.folded)
    for i, between in ((start - 2, start - 1), (end + 1, end)):
        if not (0 <= i < n and 0 <= between < n) or folded[between] not in ("and", "&"):
            continue
        ent = ev.ent_at.get(i)
        if ent is not None and ent.label_ == "PERSON" and i not in ev.hit_at:
            return True
    return False


def _person_appositive(ev: Evidence, end: int) -> bool:
    """An appositive closed by a comma, holding a person noun: "Jordan, our outreach worker,
    was ..."; "In Osh and Jalal-Abad, our lawyers sit ..." is no appositive."""
    folded = ev.folded
    if end >= len(folded) or folded[end] != ",":
        return False
    person = False
    for w in folded[end + 1:end + 10]:
        if w in (",", ".", "who", "whose"):
            return person or w in ("who", "whose")
        if w in _APPOSITIVE_STOP:
            return False
        person = person or _singular(w) in ev.policy.person_nouns
    return False


def person_cue(ev: Evidence, start: int, end: int, neighbours: bool = True) -> bool:
    """Whether the words around a first-name-like hit make it a person.

    "my colleague Chad", "Our team lead, Chad,", "Georgia, who leads ...", "Jordan, our outreach
    worker, ...".
    """
    folded, n, policy = ev.folded, len(ev.folded), ev.policy
    if place_before(ev, start, policy.place_prepositions):
        # "in Jordan, our lawyers ...", "in Texas and Georgia, mostly by buyers who":
        # a place, whatever follows
        return False
    j = start - 1
    if j >= 0 and folded[j] == ",":
        j -= 1
    if j >= 0 and (folded[j] in policy.person_before or _singular(folded[j]) in policy.person_nouns):
        return True  # "my colleague Chad", "Our lead researcher, Chad,"
    k = end + 1 if end < n and folded[end] == "," else end
    if k < n and folded[k] in policy.person_after:
        return True
    return neighbours and (_person_next_to(ev, start, end) or _person_appositive(ev, end))


def _language_item(ev: Evidence, i: int) -> tuple[int, int] | None:
    """A demonym or a language name at token i, as a token span."""
    if ev.folded[i] in ev.policy.language_names:
        return i, i + 1
    h = ev.hit_at.get(i)
    if h is None or h.placeholder or h.entry.kind != "demonym":
        return None
    return h.start, h.end


def _across(ev: Evidence, i: int, step: int) -> int | None:
    """Over ", and" from token i to the next item's token, in direction `step`."""
    n = len(ev.folded)
    j, skipped = i + step, 0
    while 0 <= j < n and ev.folded[j] in _COORD and skipped < 2:
        j, skipped = j + step, skipped + 1
    return j if skipped and 0 <= j < n else None


def is_language(ev: Evidence, start: int, end: int, ents) -> bool:
    """Whether a demonym names a language: "in Kazakh, Russian and English", "into French".

    Needs a language cue before the demonym (or before the list it stands in), or NER's
    LANGUAGE, and no noun after the list: "in Russian prisons" is a mention.
    """
    folded, doc, policy = ev.folded, ev.doc, ev.policy
    if end + 1 < len(doc) and folded[end] in _HYPHENS and folded[end + 1] in _LANGUAGE_TAILS:
        return True  # "French-speaking participants"
    first, last = start, end  # the list of coordinated languages this one stands in
    while (j := _across(ev, first, -1)) is not None and (span := _language_item(ev, j)):
        first = span[0]
    while (j := _across(ev, last - 1, 1)) is not None and (span := _language_item(ev, j)):
        last = span[1]
    prev = folded[first - 1] if first > 0 else ""
    cue = prev in policy.language_cues or (
        any(e.label_ == "LANGUAGE" for e in ents) and prev not in _DETERMINERS) or (
        prev in policy.language_after_cue
        and any(w in policy.language_cues for w in folded[max(0, first - 5):first - 1]))
    if not cue:
        return False
    if last < len(doc):
        nxt = doc[last]
        if nxt.is_alpha and nxt.text.islower() and nxt.lower_ not in _stop_words():
            return False  # "in Russian prisons": an adjective before its noun
    return True


def names_water(ev: Evidence, start: int, end: int) -> bool:
    """Whether the hit names a sea, strait or gulf: "the Strait of Gibraltar", "the Gulf of Aden",
    "the Philippine Sea" are not the country (policy.toml [water])."""
    folded, doc = ev.folded, ev.doc
    for head in ev.policy.water_before:
        n = len(head)
        if start >= n and tuple(folded[start - n:start]) == head \
                and doc[start - n].text[:1].isupper():
            return True
    return end < len(doc) and folded[end] in ev.policy.water_after and doc[end].text[:1].isupper()


def _glued_capital(ev: Evidence, hyphen: int, word: int) -> bool:
    """A capitalised word that is no hit, glued to the hit by the hyphen at token `hyphen`."""
    doc = ev.doc
    if doc[hyphen].text not in _HYPHENS or doc[hyphen].whitespace_:
        return False
    w = doc[word]
    return w.is_alpha and w.text[:1].isupper() and word not in ev.hit_at


def hyphen_part(ev: Evidence, start: int, end: int, entry: Entry) -> bool:
    """Whether a place hit is part of a longer name the gazetteer lacks: glued by a hyphen to a
    capitalised word that is no hit itself, or after "St.", "San", "Port"....

    "Gorno-Badakhshan" is not "Badakhshan", "Baden-Württemberg" not "Baden", "St. Elizabeth"
    (Jamaica) not "Elizabeth" (New Jersey); but "Kenya-based", "Lagos-Ibadan" and
    "Afro-Colombian" (a demonym) keep their mentions.
    """
    if entry.kind not in ("city", "region", "capital"):
        return False
    doc = ev.doc
    if start >= 1 and ev.folded[start - 1] in _NAME_STARTS and doc[start - 1].text[:1].isupper() \
            and (start - 1) not in ev.hit_at:
        return True
    return hyphen_glued(ev, start, end)


def hyphen_glued(ev: Evidence, start: int, end: int) -> bool:
    """Whether tokens [start, end) are glued by a hyphen to a capitalised word that is no hit:
    part of a longer name ("Sisak-Moslavina County" is no Sisak)."""
    doc = ev.doc
    if start >= 2 and not doc[start - 2].whitespace_ and _glued_capital(ev, start - 1, start - 2):
        return True
    return end + 1 < len(doc) and not doc[end - 1].whitespace_ and _glued_capital(ev, end, end + 1)


def document_name(ev: Evidence, start: int, end: int, immediate: bool = False) -> bool:
    """Whether the place at [start, end) is part of a treaty's, process's or document's name:
    "the Palermo Protocol", "the UK-US Extradition Treaty", "the Declaration of Antigua
    Guatemala" (policy.toml [documents]). Up to two capitalised words (and hyphens) may stand
    between the place and the document's head word."""
    folded, doc, names = ev.folded, ev.doc, ev.policy.documents
    j = end
    for _ in range(1 if immediate else 4):
        if j >= len(doc):
            break
        if doc[j].text[:1].isupper() and any(tuple(folded[j:j + len(h)]) == h for h in names.after):
            return True
        if j == end and folded[j] in names.lowercase:
            return True  # "the Palermo protocol"
        if not (doc[j].text in _HYPHENS or (doc[j].is_alpha and doc[j].text[:1].isupper())):
            break
        j += 1
    return any(start >= len(h) and tuple(folded[start - len(h):start]) == h
               and doc[start - len(h)].text[:1].isupper() for h in names.before)


def place_cue(ev: Evidence, start: int, end: int) -> bool:
    """Whether the words around [start, end) say it is a place: "in Miches", "off Lampedusa",
    "the port of Tema", "the Aflao crossing", "a Sfax-based network", "Karachi's port"
    (policy.toml [places])."""
    folded, doc, cues = ev.folded, ev.doc, ev.policy.places
    n = len(doc)
    if _cued_before(ev, start):
        return True
    if start >= 2 and folded[start - 1] in ("and", "or") \
            and (run := _run_back(ev, start - 1)) and _cued_before(ev, run[0]):
        return True  # "shipped out of Vohemar and Toamasina": the cue leads the pair
    nxt = folded[end] if end < n else ""
    if nxt in cues.nouns_after or _list_then_noun(ev, end):
        return True
    if nxt in _HYPHENS and end + 1 < n and folded[end + 1] in cues.suffixes \
            and not doc[end - 1].whitespace_:
        return True
    return owned_place_noun(ev, end)


def _cued_before(ev: Evidence, start: int) -> bool:
    """Whether the words before token `start` lead to a place: "off Lampedusa", "in the
    Bekaa", "bound for Male", "the port of Tema", "worked out of Lampedusa"."""
    folded, cues = ev.folded, ev.policy.places
    prev = folded[start - 1] if start > 0 else ""
    if prev in cues.before or (prev == "the" and start >= 2 and folded[start - 2] in cues.before):
        return True
    if any(start >= len(h) and tuple(folded[start - len(h):start]) == h
           for h in cues.before_phrases):
        return True
    if prev == "of" and any(start - 1 >= len(h) and tuple(folded[start - 1 - len(h):start - 1]) == h
                            for h in cues.nouns_before):
        return True
    return prev == "of" and start >= 2 and folded[start - 2] == "out"


def owned_place_noun(ev: Evidence, end: int) -> bool:
    """"Karachi's port", "Jordan's anti-trafficking unit": a possessive, then within three words
    a noun that places and States have and people do not."""
    folded, cues = ev.folded, ev.policy.places
    return end < len(folded) and folded[end] in ("'s", "\u2019s") and any(
        w in cues.nouns_after or w in cues.possessed for w in _words(folded, end + 1, 3))


def _words(folded: list[str], start: int, n: int) -> list[str]:
    """Up to `n` words from token `start`, a hyphenated compound as one word: spaCy splits
    "anti-trafficking" into three tokens."""
    out, k = [], start
    while k < len(folded) and len(out) < n:
        if k + 2 < len(folded) and folded[k + 1] in _HYPHENS:
            out.append(folded[k] + "-" + folded[k + 2])
            k += 3
        else:
            out.append(folded[k])
            k += 1
    return out


def _list_then_noun(ev: Evidence, end: int) -> bool:
    """"the Maule and O'Higgins regions": coordinated capitalised names, then a place noun."""
    folded, doc, j, names = ev.folded, ev.doc, end, 0
    while j < len(doc) and names < 4:
        if folded[j] in _COORD:
            j += 1
            continue
        if doc[j].text[:1].isupper() or doc[j].text in ("'", "\u2019") or folded[j] in (
                "de", "del", "la", "el", "al"):
            j, names = j + 1, names + (1 if doc[j].text[:1].isupper() else 0)
            continue
        break
    return names > 0 and j < len(doc) and folded[j] in ev.policy.places.nouns_after \
        and folded[j].endswith("s")


def _joined(ev: Evidence, end: int, start: int) -> bool:
    """Whether tokens [end, start) are one or two coordinators: ", ", "and", ", and"."""
    return 0 < start - end <= 2 and all(ev.folded[k] in _COORD for k in range(end, start))


def owner_country(ev: Evidence, start: int, found) -> str | None:
    """The country named just before a place as its owner: "Madagascar's Sava region",
    "Papua New Guinea's Western Province" (the possessive's country mention in `found`)."""
    if start < 2 or ev.folded[start - 1] not in ("'s", "\u2019s"):
        return None
    owner_end = ev.doc[start - 1].idx
    for m, _ in found:
        if m.end == owner_end and m.country:
            return m.country
    return None


def sentence_start(ev: Evidence, start: int) -> bool:
    """Whether token `start` opens a sentence (or follows an opening quote or bracket that does)."""
    doc = ev.doc
    i = start
    while i > 0 and doc[i - 1].is_punct and doc[i - 1].text in "\"'\u201c\u2018([":
        i -= 1
    return doc[i].is_sent_start or i == 0


#: Entity labels that make a run anchored to a country a place ("Kéniéba in Mali").
_ANCHOR_LABELS = ("GPE", "LOC", "FAC")
#: Lower-case words inside a place name ("Ciudad del Este", "Ras al Khaimah").
_NAME_JOINERS = {"de", "del", "la", "el", "al", "da", "do", "dos", "das", "di", "du", "des"}
#: Words that make a name part of a larger area ("the Lower Zambezi", "Upper Guinea").
_PART_WORDS = {"lower", "upper", "middle"}
#: Endings of the adjectives that name a people or a wider region, never a small place.
_ADJECTIVE = ("ian", "ean", "can", "ese", "ic", "ish")
#: Nouns after a people's name, which NER may tag a place: "Yanomami territory".
_PEOPLE_NOUNS = {"territory", "territories", "land", "lands", "people", "peoples", "community",
                 "communities"}
#: Place nouns of a subdivision rather than a town: a place they show is a region.
_REGION_NOUNS = {"province", "region", "district", "governorate", "county", "counties",
                 "municipality", "prefecture", "valley", "forest"}


def _capital(ev: Evidence, k: int) -> bool:
    tok = ev.doc[k]
    return tok.is_alpha and tok.text[:1].isupper() and not tok.is_sent_start


def _run_back(ev: Evidence, end: int) -> tuple[int, int] | None:
    """The capitalised name of at most four words that ends at token `end` (exclusive)."""
    a = end
    while a > 0 and end - a < 4 and (_capital(ev, a - 1) or (
            ev.folded[a - 1] in _NAME_JOINERS and a - 1 > 0 and _capital(ev, a - 2))):
        a -= 1
    return (a, end) if a < end and _capital(ev, a) else None


def _hyphened_back(ev: Evidence, end: int) -> tuple[int, int] | None:
    """The capitalised name that ends at token `end`, its hyphenated parts included
    ("Primorje-Gorski Kotar" before "County")."""
    run = _run_back(ev, end)
    while run is not None and run[0] >= 2 and ev.doc[run[0] - 1].text in _HYPHENS \
            and not ev.doc[run[0] - 2].whitespace_ and _capital(ev, run[0] - 2):
        run = (_run_back(ev, run[0] - 1) or (run[0] - 2, run[0]))[0], run[1]
    return run


def _run_forward(ev: Evidence, start: int) -> tuple[int, int] | None:
    """The capitalised name of at most four words that starts at token `start`."""
    b, n = start, len(ev.doc)
    while b < n and b - start < 4 and (_capital(ev, b) or (
            ev.folded[b] in _NAME_JOINERS and b + 1 < n and _capital(ev, b + 1) and b > start)):
        b += 1
    return (start, b) if b > start else None


def _runs_before_noun(ev: Evidence, of: int) -> list[tuple[int, int]]:
    """The names before "<place noun> of": "the Nawa and Cavally regions of", "the Kuala
    Langat district of"; each coordinated name once."""
    folded = ev.folded
    if of < 2 or folded[of - 1] not in ev.policy.places.nouns_after \
            or ev.doc[of - 1].text[:1].isupper():
        return []
    return _names_before(ev, of - 1)


def _names_after(ev: Evidence, start: int) -> list[tuple[int, int]]:
    """The coordinated names that start at token `start`: "Vohemar and Toamasina"."""
    folded, runs = ev.folded, []
    while (run := _run_forward(ev, start)) is not None:
        runs.append(run)
        k = run[1]
        if k + 1 < len(folded) and folded[k] in _COORD:
            start = k + 2 if folded[k + 1] in _COORD else k + 1
            continue
        break
    return runs


def _names_before(ev: Evidence, end: int) -> list[tuple[int, int]]:
    """The coordinated names that end at token `end` (exclusive): "the Lebap and Dashoguz"."""
    folded = ev.folded
    runs = []
    while True:
        run = _run_back(ev, end)
        if run is None:
            break
        runs.append(run)
        k = run[0]
        if k >= 2 and folded[k - 1] in _COORD:
            end = k - 1 if folded[k - 2] not in _COORD else k - 2
            continue
        break
    return runs

# --------------------------------------------------------------------------- the finder


class MentionFinder:
    """Finds mentions with one gazetteer and its policy; create once, call per Doc."""

    def __init__(self, gazetteer: Gazetteer, policy: MentionPolicy):
        self.gaz = gazetteer
        self.policy = policy
        tok = blank_tokenizer()
        # Cues written in capitals ("US") match only as written, so that "us" the pronoun is no
        # cue; the others match folded ("state of Georgia").
        self.us_cues = []
        for cue in policy.georgia_us_context:
            words = tuple(t.text for t in tok(cue))
            exact = len(cue) > 1 and cue.replace(".", "").isupper()
            self.us_cues.append((words if exact else tuple(fold(w) for w in words), exact))

    def __call__(self, doc) -> list[Mention]:
        """Every country mention in `doc`, in text order."""
        ev = Evidence(doc, [_fold(t.text) for t in doc], self.policy, doc.text)
        for ent in doc.ents:
            for k in range(ent.start, ent.end):
                ev.ent_at[k] = ent
        hits = gazetteer_hits(ev, self.gaz)
        for h in hits:
            for k in range(h.start, h.end):
                ev.hit_at[k] = h
        covered: set[int] = set()
        found = self._decide(ev, hits, covered)
        found += self._ner_catches(ev, covered)
        found += self._small_places(ev, covered, found)
        found += self._coordinated(ev, found)
        found += self._repeated(ev, found)
        self._georgia(ev, found)
        found += self._anchored(ev, covered, found)
        found += self._unlisted(ev, covered, found)
        found += self._recurring(ev, covered, found)
        mentions = self._disambiguate(found)
        mentions.sort(key=lambda m: m.start)
        return mentions

    def candidate_count(self, doc) -> int:
        """Gazetteer matches and placeholders in a tokenized Doc, before any evidence: a cheap
        estimate of its mentions (checker.py refuses a hostile text by it)."""
        ev = Evidence(doc, [_fold(t.text) for t in doc], self.policy)
        return sum(not h.block for h in gazetteer_hits(ev, self.gaz))

    def _decide(self, ev: Evidence, hits: list[Hit],
                covered: set[int]) -> list[tuple[Mention, tuple[str, ...]]]:
        """The hits kept as mentions, each decided on the evidence around it."""
        found = []
        for h in hits:
            if not h.placeholder and not h.block and self._part_of_another_name(ev, h):
                continue  # left uncovered, to NER and the smaller places below
            covered.update(range(h.start, h.end))
            if h.block:
                continue
            mention = self._decide_hit(ev, h)
            if mention is not None:
                found.append((mention, h.entry.alt if h.entry is not None else ()))
        return found

    def _inside_longer_place(self, ev: Evidence, h: Hit) -> bool:
        """Whether a city or region hit is the tail of a longer place name that starts one or
        two words before it ("Paso Canoas", "Ciudad del Este"): the longest name wins."""
        if h.entry is None or h.entry.kind not in ("city", "capital", "region"):
            return False
        return self._longer_place_before(ev, h.start, h.end)

    def _part_of_another_name(self, ev: Evidence, h: Hit) -> bool:
        """Whether a name hit is only part of another name: "Gorno-Badakhshan", "St. Elizabeth";
        "Paso Canoas" is no "Canoas"; "the Lower Zambezi"; "Sarajevo Canton" is no Canton
        (Guangzhou); "Orange Walk" (a GPE) is no "Orange"."""
        return hyphen_part(ev, h.start, h.end, h.entry) or self._inside_longer_place(ev, h) \
            or self._part_of(ev, h) or self._subdivision_word(ev, h) or self._ner_longer(ev, h)

    @staticmethod
    def _part_of(ev: Evidence, h: Hit) -> bool:
        """Whether a region or smaller city hit is named as part of a larger area by a capitalised
        "Lower", "Upper" or "Middle" the gazetteer does not know with it: "the Lower Zambezi" (a
        Zambian park) is no part of Namibia's Zambezi Region."""
        return h.entry is not None and h.entry.kind in ("city", "region") and bool(h.entry.confirm) \
            and h.start > 0 and ev.folded[h.start - 1] in _PART_WORDS \
            and ev.doc[h.start - 1].text[:1].isupper()

    @staticmethod
    def _subdivision_word(ev: Evidence, h: Hit) -> bool:
        """Whether a one-word hit is the generic tail of the name before it: "Sarajevo Canton"."""
        return h.end - h.start == 1 and ev.folded[h.start] in _GENERIC_TAIL and h.start > 0 \
            and ev.doc[h.start - 1].is_alpha and ev.doc[h.start - 1].text[:1].isupper()

    def _ner_longer(self, ev: Evidence, h: Hit) -> bool:
        """Whether a city or region hit that needs confirmation opens a longer NER place that
        names a known smaller place ("Orange Walk", tagged GPE, is no "Orange"): the longest
        name wins."""
        if h.entry is None or h.entry.kind not in ("city", "capital", "region") \
                or not h.entry.confirm:
            return False
        ent = ev.ent_at.get(h.start)
        if ent is None or ent.label_ not in _PLACE_LABELS or ent.end <= h.end:
            return False
        resolved = self._resolve_entity(ent)
        return resolved is not None and resolved[0] <= h.start and resolved[1] > h.end

    def _longer_place_before(self, ev: Evidence, start: int, end: int) -> bool:
        for j in (start - 1, start - 2):
            if j < 0 or ev.hit_at.get(j) is not None:
                continue
            match = self._place_at(ev, j)
            if match is not None and match[0] >= end:
                return True
        return False

    def _decide_hit(self, ev: Evidence, h: Hit) -> Mention | None:
        start, end, entry = h.start, h.end, h.entry
        if entry is not None and entry.strict and entry.surface.isascii() \
                and not ev.doc[start:end].text.isascii():
            # "Malé": an accent no English word or first name has; the name needs only the
            # evidence any smaller city needs
            entry = replace(entry, confirm=1)
        ents = {ev.ent_at[k] for k in range(start, end) if k in ev.ent_at}
        # The organization the hit sits inside ("Nigerian Red Cross"), recorded on the mention;
        # and a named thing around it that confirms an ambiguous hit.
        org = next((e for e in ents if e.label_ == "ORG" and e.end - e.start > end - start), None)
        if h.placeholder:
            return self._mention(ev, start, end, None, "placeholder", org, "gazetteer")
        if entry.kind == "demonym" and is_language(ev, start, end, ents):
            return None
        # A treaty or process name is no person's, whatever NER tags it ("the Lomé Initiative")
        document = entry.kind != "demonym" and not entry.strict and document_name(
            ev, start, end, immediate=bool(entry.confirm))
        if names_water(ev, start, end) or (not document and vetoed(ev, entry, start, end, ents)):
            return None
        if document:
            return self._mention(ev, start, end, entry.country, "document", org, "gazetteer")
        source = "gazetteer"
        if entry.confirm and not self._confirmed(ev, entry, start, end, ents):
            if not entry.strict:  # "Kurunegala, Kandy and Batticaloa": one may confirm the others
                mention = self._mention(ev, start, end, entry.country, entry.kind, org, "gazetteer")
                ev.candidates.append((start, end, mention, entry.alt))
            return None
        if entry.confirm:
            source = "gazetteer+ner"
        return self._mention(ev, start, end, entry.country, entry.kind, org, source)

    def _confirmed(self, ev: Evidence, entry: Entry, start: int, end: int, ents) -> bool:
        """Whether a name that needs confirmation is confirmed: NER says place, a named thing
        around it names places, a locative or place cue stands next to it, or (for a name that is
        no first name or common word) it opens a sentence or is several words long."""
        policy = self.policy
        if any(e.label_ in policy.confirm_labels for e in ents):
            return True
        if not entry.strict and any(e.label_ in policy.container_labels and e.end - e.start >
                                    end - start and names_a_place(e, start) for e in ents):
            return True  # not for a first name: "the Nelson Mandela Rules" is no place
        if place_before(ev, start, policy.locatives) or place_after(ev, end):
            return True
        if entry.strict:
            return owned_place_noun(ev, end)
        if place_cue(ev, start, end):
            return True
        longer = end < len(ev.doc) and ev.doc[end].is_alpha and ev.doc[end].text[:1].isupper()
        return (end - start > 1 or sentence_start(ev, start)) and not longer \
            and not person_cue(ev, start, end)  # "Indiana Jones" is no Indiana

    def _ner_catches(self, ev: Evidence, covered: set[int]) -> list[tuple[Mention, None]]:
        """Places NER found that no hit covers, kept when they resolve to a country."""
        found = []
        for ent in ev.doc.ents:
            if ent.label_ in _NOT_PLACES or any(k in covered for k in range(ent.start, ent.end)):
                continue
            if ent.label_ not in self.policy.ner_labels:
                # Not tagged as a place: kept only right after a place preposition ("in Mae Sot"
                # tagged PERSON, "from Agadez" tagged PRODUCT).
                preps = (self.policy.person_override if ent.label_ == "PERSON"
                         else self.policy.place_prepositions)
                if not place_before(ev, ent.start, preps, coordination=False):
                    continue
            resolved = self._resolve_entity(ent)
            if resolved is None:
                continue
            s, e, place = resolved
            if self._longer_place_before(ev, s, e):
                continue  # "Paso Canoas" tagged "Canoas": left to the smaller places below
            covered.update(range(s, e))
            kind = "document" if document_name(ev, s, e) else place.kind
            found.append((self._mention(ev, s, e, place.country, kind, None, "ner"), place.alt))
        return found

    def _small_places(self, ev: Evidence, covered: set[int],
                      before: list) -> list[tuple[Mention, tuple]]:
        """Smaller places no hit and no entity covers, found by a place cue ("in Miches",
        "the Aflao crossing"), by their owner ("Madagascar's Sava region") or by coordination
        with a place found ("Miches and Nagua")."""
        doc, found = ev.doc, []
        # where each place found ends, and its country
        ends = {ev.doc.char_span(m.start, m.end, alignment_mode="expand").end:
                (m.country, bool(alt)) for m, alt in before}
        i = 0
        while i < len(doc):
            match = None if i in covered else self._place_at(ev, i)
            if match is not None and any(j in covered for j in range(i, match[0])):
                match = None
            if match is None:
                i += 1
                continue
            end, place = match
            owner = owner_country(ev, i, before)
            if owner is not None and owner != place.country and owner not in place.alt:
                owner = None
            joined = [c for e, c in ends.items() if _joined(ev, e, i)]
            coordinated = bool(joined)
            if owner is None and joined and not joined[0][1] and joined[0][0] in place.alt:
                owner = joined[0][0]  # "the ports of Colón and Balboa": Panama's Balboa
            several = end - i > 1 and not (place.common and doc[i:end].text.isascii()) \
                and not all(w in self.policy.generic_words for w in ev.folded[i:end])
            kind = "document" if document_name(ev, i, end) else place.kind
            mention = self._mention(ev, i, end, owner or place.country, kind, None, "places")
            if place_cue(ev, i, end) or coordinated or owner or several or place.sure \
                    or kind == "document":
                found.append((mention, () if owner else place.alt))
                covered.update(range(i, end))
                ends[end] = (mention.country, not owner and bool(place.alt))
            else:
                ev.candidates.append((i, end, mention, place.alt))
            i = end
        return found

    def _coordinated(self, ev: Evidence, found: list) -> list:
        """Candidates coordinated with a place found ("Kurunegala, Kandy and Batticaloa",
        "Miches and Nagua"), accepted until none is left to accept."""
        spans = [self._tokens(ev, m) for m, _ in found]
        accepted, pending = [], list(ev.candidates)
        changed = True
        while changed and pending:
            changed = False
            for cand in list(pending):
                s, e = cand[0], cand[1]
                if any(_joined(ev, a_end, s) or _joined(ev, e, a_start) for a_start, a_end in spans):
                    pending.remove(cand)
                    accepted.append((cand[2], cand[3]))
                    spans.append((s, e))
                    changed = True
        return accepted

    @staticmethod
    def _repeated(ev: Evidence, found: list) -> list:
        """Candidates the text has already shown to be a place: "in Bokeo province ... Bokeo
        police". A writer keeps one sense of a name through a statement, so a name found once
        with evidence is the same place, of the same country, when it comes back bare."""
        seen = {(place_key(m.text), m.country) for m, _ in found if m.kind in ("city", "region")}
        if not seen:
            return []
        taken = {id(m) for m, _ in found}
        out = []
        for _s, _e, mention, alt in ev.candidates:
            if id(mention) not in taken and (place_key(mention.text), mention.country) in seen:
                taken.add(id(mention))
                out.append((mention, alt))
        return out

    def _recurring(self, ev: Evidence, covered: set[int], found: list) -> list:
        """Later uses of a name no list knows, once the text has shown it a place of a country
        ("through the Wajajah crossing ... declarations at Wajajah"): written the same, in
        capitals, inside a sentence."""
        doc, out = ev.doc, []
        sources = [m for m, _ in found if m.source in ("anchored", "unlisted")]
        if not sources:
            return out
        at: dict[str, list[int]] = {}  # token text -> where it stands: one pass, however many
        for t in doc:
            at.setdefault(t.text, []).append(t.i)
        for m in sources:
            s, e = self._tokens(ev, m)
            words = [t.text for t in doc[s:e]]
            for i in at.get(words[0], ()):
                j = i + len(words)
                if i == s or j > len(doc) or any(k in covered for k in range(i, j)) \
                        or doc[i].is_sent_start or [t.text for t in doc[i:j]] != words:
                    continue
                if (i > 0 and _capital(ev, i - 1)) or (j < len(doc) and _capital(ev, j)):
                    continue  # part of a longer name
                covered.update(range(i, j))
                out.append((self._mention(ev, i, j, m.country, m.kind, None, m.source), ()))
        return out

    def _anchored(self, ev: Evidence, covered: set[int], found: list) -> list:
        """Places the text anchors to a country it names, known to the gazetteer or not:
        "Kéniéba in Mali", "Jenjarom, Malaysia", "the Nawa and Cavally regions of Côte
        d'Ivoire", "Nigeria's Plateau State". Real texts anchor a small place for a reader who
        does not know it, so the anchor also settles a namesake the gazetteer reads as another
        country ("Granada, Spain" is no Nicaraguan Granada)."""
        doc, folded, out = ev.doc, ev.folded, []
        at, alt_of = {}, {}
        for m, alt in found:
            s, e = self._tokens(ev, m)
            alt_of[id(m)] = alt
            for k in range(s, e):
                at[k] = m

        def found_place(run: tuple[int, int]) -> bool:  # a smaller place already found
            return run[0] in at and at[run[0]].kind in ("city", "region")

        named = {m.country for m, alt in found if m.country and not alt}
        for m, alt in list(found):
            if m.kind not in ("name", "alias", "region") or not m.country or (
                    alt and (m.kind != "region" or named.intersection(alt))):
                # only a country named without doubt anchors ("Georgia" may not); a region
                # with a namesake town, unless the text names the namesake's country
                continue
            s, e = self._tokens(ev, m)
            # "in Mali", "in the Madre de Dios region"
            lead = s - 2 if s >= 3 and m.kind == "region" and folded[s - 1] == "the" else s - 1
            after_in = lead >= 1 and folded[lead] == "in"
            if m.kind == "region" and not after_in:
                continue  # a region anchors only after "in": "Port Arthur in Tasmania"
            runs: list[tuple[int, int, bool]] = []  # (start, end, sure enough to override)
            if e + 1 < len(doc) and folded[e] in ("'s", "\u2019s"):
                run = _run_forward(ev, e + 1)  # "Nigeria's Plateau State"
                if run and (self._anchored_place(ev, *run, owned=True) or found_place(run)):
                    # "Belize's Toledo villages" are no Ohio town
                    runs.append((*run, True))
            listed = e < len(doc) and folded[e] in _COORD  # "States, Grenada and Dominica"
            if after_in or (s >= 2 and folded[s - 1] == "," and not listed):
                # "Kéniéba in Mali", "Jenjarom, Malaysia", "the Wajajah crossing in Oman",
                # "San Fernando, in the Anzoátegui region"
                end = lead if after_in else s - 1
                if after_in and folded[end - 1] == ",":
                    end -= 1  # "Villarrica, in Paraguay"
                if folded[end - 1] in self.policy.places.nouns_after \
                        and not doc[end - 1].text[:1].isupper():
                    end -= 1
                run = _run_back(ev, end)
                if run and (self._anchored_place(ev, *run) or (after_in and found_place(run))):
                    # "in Niamey, Italy is the one partner": a comma may end a clause
                    runs.append((*run, after_in))
            elif s >= 2 and folded[s - 1] == "of":
                # "the Nawa and Cavally regions of Côte d'Ivoire"
                runs += [(*r, True) for r in _runs_before_noun(ev, s - 1)]
            for a, b, sure in runs:
                if self._no_name(ev, a, b):
                    continue  # "the Justice department of Peru", "the Refugee camp in Chad"
                inside = list({id(at[k]): at[k] for k in range(a, b) if k in at}.values())
                if any(o.kind in ("name", "demonym", "placeholder", "document") for o in inside):
                    continue  # a country of its own, a list of countries, a treaty name
                if inside:  # a namesake found with another country: the anchor decides
                    for o in inside:
                        if o.country != m.country and o.kind != "capital" and (
                                sure or m.country in alt_of.get(id(o), ())):
                            o.country, o.country_name = m.country, m.country_name
                            o.said = m.said
                            # settled: no other country the text names takes it back
                            found[:] = [(x, () if x is o else a) for x, a in found]
                    continue
                if any(k in covered for k in range(a, b)):
                    continue
                kind = "region" if folded[b - 1] in _GENERIC_TAIL or (
                    b < len(doc) and folded[b] in _GENERIC_TAIL) else "city"
                mention = self._mention(ev, a, b, m.country, kind, None, "anchored")
                covered.update(range(a, b))
                out.append((mention, ()))
        return out

    def _ner_places(self, ev: Evidence) -> list[tuple[int, int, str]]:
        """Names NER tags a place right after a place preposition that no list knows ("met in
        El Hierro", "off Sherbro Island"; a PERSON tag only after "in", "around" and the like:
        "around Abu Hamad"), capitalised and not after "the" ("in the Sahel" is a region of
        several countries)."""
        doc, policy, out = ev.doc, self.policy, []
        for ent in doc.ents:
            a, b = ent.start, ent.end
            if ent.label_ not in ("GPE", "LOC", "PERSON") or a == 0 or b - a > 3:
                continue
            preps = (policy.places.unlisted_person_before if ent.label_ == "PERSON"
                     else policy.places.unlisted_ner_before)
            if ev.folded[a - 1] not in preps or not all(_capital(ev, k) for k in range(a, b)):
                continue
            if b < len(doc) and ev.folded[b] in _PEOPLE_NOUNS:
                continue  # "inside Yanomami territory": a people's name
            if b < len(doc) and ev.folded[b] in ("'s", "\u2019s"):
                continue  # "in John's office"
            words = ev.folded[a:b]
            if any(doc[k].text.isupper() for k in range(a, b)) \
                    or any(w in policy.language_names for w in words) \
                    or all(w in policy.generic_words for w in words) \
                    or document_name(ev, a, b) \
                    or any((w,) in policy.documents.after for w in words) or any(
                    doc[k].text in _HYPHENS for k in (a - 1, b) if 0 <= k < len(doc)):
                continue  # "in USDT", "in Hausa and French", "in East and Southern Africa"
            out.append((a, b, "ner"))
        return out

    def _beside_places(self, ev: Evidence, found: list) -> dict[tuple[int, int], str]:
        """Names NER tags a place (a person only after "in", "at" and the like, or first of a
        pair after a place cue) that no list knows, coordinated with a town or region found
        ("around Kete Krachi and Yeji", "in Paro and in Gelephu"): {(start, end): the country of
        that town}. Two towns named together
        lie in one country far more often than not, and the smaller is the one no list knows."""
        doc, folded, policy = ev.doc, ev.folded, self.policy
        places = []  # (start, end, country) of the towns and regions found without doubt
        for m, alt in found:
            if m.country and m.kind in ("city", "region", "capital") and not alt:
                places.append((*self._tokens(ev, m), m.country))
        if not places:
            return {}
        out: dict[tuple[int, int], str] = {}
        for ent in doc.ents:
            if ent.label_ not in ("GPE", "LOC", "FAC", "PERSON"):
                continue
            a, b = ent.start, ent.end
            inside = [p for p in places if a <= p[0] and p[1] <= b]
            if inside:  # "Kete Krachi and Yeji" tagged as one place: the name after the town
                a = inside[-1][1]
                while a < b and folded[a] in _COORD:
                    a += 1
            if a >= b or b - a > 3 or not all(_capital(ev, k) for k in range(a, b)) \
                    or any(doc[k].text.isupper() or k in ev.hit_at for k in range(a, b)):
                continue
            # a person only after "in", "at" and the like, or first of a pair after any place
            # cue ("out of Vohemar and Toamasina"); "Kumasi and Kwame Mensah" is a person
            prep = folded[a - 1] if a > 0 else ""
            if ent.label_ == "PERSON" and not _cued_before(ev, a):
                continue
            person_after = ent.label_ != "PERSON" or prep in policy.places.unlisted_person_before
            if b < len(doc) and folded[b] in ("'s", "\u2019s"):
                continue
            for s, e, country in places:
                gap = folded[e:a]  # "and", ", and", "and in"
                after = bool(gap) and len(gap) <= 3 and gap[0] in _COORD and all(
                    w in _COORD or w in policy.places.unlisted_ner_before for w in gap) \
                    and gap[-1] != ","
                before = _joined(ev, b, s)
                if (e <= a and after and person_after) or (b <= s and before):
                    out[(a, b)] = country
                    break
        return out

    def _no_name(self, ev: Evidence, a: int, b: int) -> bool:
        """Whether a capitalised run is made only of words no small place is named by alone
        ("Justice", "Refugee", "Central", "Member")."""
        cues = self.policy.places
        if b - a > 1 and ev.folded[b - 1] in cues.unlisted_titled:
            b -= 1  # "the Central Province": its name is "Central"
        return all(w in cues.unlisted_not_names or w in _NAME_JOINERS for w in ev.folded[a:b])

    def _unlisted(self, ev: Evidence, covered: set[int], found: list) -> list:
        """Places no list knows that a place noun shows ("the Wajajah crossing", "the Lebap and
        Dashoguz provinces", "the ports of Vohemar and Toamasina") or NER after a place
        preposition ("met in El Hierro"), read as the one country
        their sentence names, or, when it names none, the one the statement names. Real texts
        name a small place beside its country; where the country is not clear, the place is
        left alone."""
        doc, folded, cues = ev.doc, ev.folded, self.policy.places
        runs: list[tuple[int, int, str]] = []
        for k, w in enumerate(folded):
            if doc[k].text[:1].isupper():
                if w in cues.unlisted_titled and k > 0 and (run := _hyphened_back(ev, k)):
                    runs.append((run[0], k + 1, "region"))  # "Sisak-Moslavina County"
                continue
            if w in cues.unlisted_after and k > 0:
                kind = "region" if w in _REGION_NOUNS or _singular(w) in _REGION_NOUNS else "city"
                runs += [(a, b, kind) for a, b in _names_before(ev, k)]
            elif w == "of" and k > 0 and folded[k - 1] in cues.unlisted_before \
                    and not doc[k - 1].text[:1].isupper():
                kind = "region" if _singular(folded[k - 1]) in _REGION_NOUNS else "city"
                runs += [(a, b, kind) for a, b in _names_after(ev, k + 1)]
        runs += [(a, b, kind) for a, b, kind in self._appositives(ev) if (a, b, kind) not in runs]
        runs += self._ner_places(ev)
        beside = self._beside_places(ev, found)
        runs += [(a, b, "ner") for a, b in beside if (a, b, "ner") not in runs]
        if not runs:
            return []
        # the countries each sentence names (by its first token), and whether as a country
        by_sentence: dict[int, set[tuple[str, bool]]] = {}
        for m, _ in found:
            if m.country and m.kind not in ("placeholder", "document"):
                sent = doc[self._tokens(ev, m)[0]].sent.start
                by_sentence.setdefault(sent, set()).add(
                    (m.country, m.kind in ("name", "alias", "code", "demonym")))
        named = {c for pairs in by_sentence.values() for c, _ in pairs}
        out = []
        for a, b, kind in runs:
            words = [k for k in range(a, b) if doc[k].text not in _HYPHENS
                     and not (k == b - 1 and folded[k] in cues.unlisted_titled)]
            if any(k in covered or (k in ev.hit_at and folded[k] not in cues.unlisted_titled)
                   for k in range(a, b)) or len(words) > 3:
                continue
            # NER alone is weaker evidence than a place noun: its place takes only the country
            # of its own sentence
            sentence_only = kind == "ner"
            kind = "city" if sentence_only else kind
            if self._no_name(ev, a, b):
                continue
            if any(ev.ent_at[k].label_ in _NOT_PLACES or ev.ent_at[k].label_ == "NORP"
                   for k in range(a, b) if k in ev.ent_at) or folded[b - 1].endswith(_ADJECTIVE):
                continue  # "East African ports", "the Andean region", "the Aegean islands"
            # an NER place takes a country the sentence names as such, not another town's:
            # "met in El Hierro ... had boarded in Nouadhibou"
            here = {c for c, named_so in by_sentence.get(doc[a].sent.start, ())
                    if named_so or not sentence_only}
            if (a, b) in beside:  # "around Kumasi and in Ejisu": the town beside it decides
                here = {beside[(a, b)]}
            country = next(iter(here)) if len(here) == 1 else (
                next(iter(named)) if not here and len(named) == 1 and not sentence_only
                else None)
            if country is None:
                continue
            covered.update(range(a, b))
            out.append((self._mention(ev, a, b, country, kind, None, "unlisted"), ()))
        return out

    def _appositives(self, ev: Evidence) -> list[tuple[int, int, str]]:
        """Names an appositive calls a place: "Ngolo, a small town in the north" (a place
        noun of `appositive` after ", a" and at most three lower-case words, then one of
        `appositive_after`, so that "Ms Banda, a village elder" is none)."""
        folded, doc, cues = ev.folded, ev.doc, self.policy.places
        out = []
        for k, w in enumerate(folded):
            if w not in cues.appositive or k + 1 >= len(folded) \
                    or folded[k + 1] not in cues.appositive_after or doc[k].text[:1].isupper():
                continue
            j = k - 1
            while j >= 0 and k - j <= 4 and folded[j] not in ("a", "an"):
                if not doc[j].is_alpha or doc[j].text[:1].isupper():
                    j = -1
                    break
                j -= 1
            if j < 2 or k - j > 4 or folded[j] not in ("a", "an") or doc[j - 1].text != ",":
                continue
            run = _run_back(ev, j - 1)
            if run is None and j >= 2 and (j - 2) in ev.ent_at and doc[j - 2].is_alpha \
                    and doc[j - 2].is_sent_start:
                run = (j - 2, j - 1)  # "Kiru, a fishing village on ...": NER vouches for it
            if run is not None:
                kind = "region" if _singular(w) in _REGION_NOUNS else "city"
                out.append((run[0], run[1], kind))
        return out

    def _anchored_place(self, ev: Evidence, a: int, b: int, owned: bool = False) -> bool:
        """Whether the capitalised run [a, b) next to a country's name is a place: a place
        noun ends or follows it ("Plateau State", "the Wajajah crossing"), or (not after a
        possessive) a place word precedes it ("around Kéniéba in Mali"). NER alone is not
        enough ("the Nordic States, Denmark"), and a date, organization, law or event is none."""
        folded, doc = ev.folded, ev.doc
        labels = {ev.ent_at[k].label_ for k in range(a, b) if k in ev.ent_at}
        if labels & _NOT_PLACES:
            return False  # "In February, Uganda's police"
        if folded[b - 1] in _GENERIC_TAIL or (b < len(doc) and folded[b] in
                                              ev.policy.places.nouns_after):
            return b - a > 1 or folded[b - 1] not in _GENERIC_TAIL
        if a > 0 and folded[a - 1] in ("through", "via"):
            return False  # "Through Project Boost, Kenya trained ...": a programme
        if owned or labels - set(_ANCHOR_LABELS) - {"PERSON"}:  # "the Wagner Group"
            return False  # "Germany's Germanic languages": after a possessive, only a place noun
            return False
        return place_cue(ev, a, b) or place_before(ev, a, self.policy.person_override,
                                                  coordination=False)

    @staticmethod
    def _tokens(ev: Evidence, m: Mention) -> tuple[int, int]:
        span = ev.doc.char_span(m.start, m.end, alignment_mode="expand")
        return span.start, span.end

    def _place_at(self, ev: Evidence, i: int):
        """(end, Place) of the longest smaller place starting at token i, or None."""
        doc = ev.doc
        if not (doc[i].is_alpha and doc[i].text[:1].isupper()) or (
                i > 0 and doc[i - 1].is_alpha and doc[i - 1].text[:1].isupper()
                and not sentence_start(ev, i) and ev.folded[i - 1] not in _stop_words()):
            return None  # the tail of a longer name ("Paso Canoas" is no "Canoas")
        for k in range(min(4, len(doc) - i), 0, -1):
            end = i + k
            if not doc[end - 1].text[:1].isupper():
                continue
            if end < len(doc) and doc[end].is_alpha and doc[end].text[:1].isupper() \
                    and ev.folded[end] not in ev.policy.places.nouns_after \
                    and not document_name(ev, i, end, immediate=True):
                continue  # "Port Victoria" is no "Port"; "the Minamata Convention" names one
            if hyphen_glued(ev, i, end):
                continue  # "Sisak-Moslavina County" is no Sisak
            name = doc[i:end].text
            place = self.gaz.places.get(place_key(name))
            # A common word is no place without NER, unless written with letters English words
            # lack ("Colón" is no "colon"); a name of several capitalised words, not all of them
            # generic ("the North Sea", "Western Province"), is one with a place cue or beside a
            # place ("from Central Java and North Sulawesi").
            if place is None or (place.common and name.isascii() and (k == 1 or all(
                    w in self.policy.generic_words for w in ev.folded[i:end]))) or (
                    k == 1 and len(name) < 4 and name.isupper()):
                continue
            ents = [ev.ent_at[j] for j in range(i, end) if j in ev.ent_at]
            if any(e.start < i or e.end > end for e in ents if e.label_ == "PERSON"):
                continue  # inside a person's longer name
            return end, place
        return None

    def _disambiguate(self, found) -> list[Mention]:
        """Ambiguous names ("Congo", "Congolese") take the reading the text itself names.

        The entry's country is the policy's default; an alternative wins when the text names it
        with an unambiguous mention and does not name the default.
        """
        named = [m.country for m, alt in found if m.country and not alt]
        out = []
        for m, alt in found:
            if alt and m.country not in named:
                choice = next((c for c in named if c in alt), None)
                if choice is not None:
                    m.country, m.country_name = choice, self.gaz.country_name(choice)
                    m.said = self.gaz.in_sentence(choice)
            out.append(m)
        return out

    def _georgia(self, ev: Evidence, found) -> None:
        """"Georgia" is the US state when the text around it speaks of the USA (Atlanta, Texas,
        "U.S.", another US place) and not of the country (Tbilisi, Georgian); the nearest
        evidence decides: its own sentence and the next and previous, then the whole text."""
        sents = ev.sentences()
        for m, _ in found:
            if m.country != "GEO" or m.kind != "name":
                continue
            k = next((i for i, (_, a, b) in enumerate(sents) if a <= m.start < b), 0)
            own = (sents[k][1], sents[k][2])
            near = (sents[max(0, k - 1)][1], sents[min(len(sents) - 1, k + 1)][2])
            for a, b in (own, near, (0, len(ev.text))):
                usa = self._us_cue(ev, a, b) or any(
                    o.country == "USA" and a <= o.start < b for o, _ in found)
                geo = any(o.country == "GEO" and o is not m and o.text != m.text
                          and a <= o.start < b for o, _ in found)
                if usa != geo:
                    if usa:
                        m.country, m.kind = "USA", "region"  # the US state: a place in the USA
                        m.country_name = self.gaz.country_name("USA")
                        m.said = self.gaz.in_sentence("USA")
                    break

    def _us_cue(self, ev: Evidence, a: int, b: int) -> bool:
        """Whether characters [a, b) hold a word that speaks of the USA (policy's cues)."""
        toks = [t for t in ev.doc if a <= t.idx < b]
        texts = [t.text for t in toks]
        folded = [ev.folded[t.i] for t in toks]
        for words, exact in self.us_cues:
            seq = texts if exact else folded
            n = len(words)
            if any(tuple(seq[i:i + n]) == words for i in range(len(seq) - n + 1)):
                return True
        return False

    def _resolve_entity(self, ent):
        """(start, end, Place) for an NER place the gazetteer did not match, or None.

        Only capitalised names resolve ("fine china" is porcelain, whatever NER says); the whole
        name is tried before its generic tail ("Kivu Province" -> "Kivu").
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
            if all(w in self.policy.generic_words for w in place_key(name).split()):
                return None  # "Western Province", "North East": one in many countries
            place = self.gaz.lookup_place(name)
            if place is not None and not (place.common and ent.label_ not in _PLACE_LABELS) \
                    and not (len(tokens) == 1 and len(name) < 4 and name.isupper()):
                return tokens[0].i, tokens[-1].i + 1, place
            if fold(tokens[-1].text) not in _GENERIC_TAIL:
                return None
            tokens = tokens[:-1]
        return None

    def _mention(self, ev: Evidence, start, end, country, kind, org, source) -> Mention:
        doc = ev.doc
        span = doc[start:end]
        s, e = span.start_char, span.end_char
        text = ev.text[s:e]
        if kind == "placeholder" and text.endswith("."):
            text, e = text[:-1], e - 1
        # The sentence around the mention, from the bounds listed once per Doc.
        sents = ev.sentences()
        _, sent_start, sent_end = sents[bisect_right(sents, (start, float("inf"), 0)) - 1]
        name = self.gaz.country_name(country) if country else " ".join(text.split())
        said = self.gaz.in_sentence(country) if country else name
        return Mention(start=s, end=e, text=text, country=country, country_name=name, kind=kind,
                       org=org.text if org is not None else None, source=source,
                       sent_start=sent_start, sent_end=sent_end, said=said)
