"""The country gazetteer: every surface form that points at a country, its ISO3 code and kind.

`cdcheck gazetteer --build` (train/gazetteer_build.py, a maintainer's step) merges pycountry,
GeoNames and the curated files in rules/ into rules/gazetteer.tsv, already tokenized, so that
loading it at run time is a file read and a dict build, with no heavy imports.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import BadOption
from .normalize import fold, place_key

GAZETTEER_FILE = "gazetteer.tsv"
COUNTRIES_FILE = "countries.tsv"
PLACES_FILE = "places.tsv"
CASES = ("any", "title", "exact")


@dataclass(frozen=True)
class Entry:
    """One surface form: what it looks like, which country it points at, and how to trust it."""

    surface: str
    tokens: tuple[str, ...]  # folded tokens, as spaCy's English tokenizer splits the surface
    country: str | None  # ISO3; None marks a phrase that is NOT a mention (region, body, sea)
    kind: str
    case: str = "any"  # "any": case-insensitive, "title": capitals as written, "exact": same orth
    #: 0: a sure name; 1: needs NER or a place cue to confirm it (a smaller city, a region);
    #: 2: strictly (also a first name or a common word: "Jordan", "Victoria", "Reading").
    confirm: int = 0
    weight: int = 0  # population for cities; breaks ties between equal-length matches
    #: Other countries the surface may mean ("Congo", "Congolese"): `country` is the default
    #: reading; one of these wins only when the text names it explicitly (see mentions.py).
    alt: tuple[str, ...] = ()

    @property
    def is_block(self) -> bool:
        return self.country is None

    @property
    def strict(self) -> bool:
        """Also a first name or a common word: only NER or a locative confirms it."""
        return self.confirm >= 2


def sort_entries(entries: list[Entry]) -> None:
    """Longest first, a block before a mention of the same length, then the larger place."""
    entries.sort(key=lambda e: (-len(e.tokens), e.is_block, -e.weight))


@dataclass(frozen=True)
class Place:
    """A smaller place (a town, a district): found only when NER or a place cue confirms it."""

    country: str
    kind: str
    #: Other countries with a place of the same name, the largest first: the text's own country
    #: mentions may choose one of them (mentions.py).
    alt: tuple[str, ...] = ()
    #: The name is also a common English word ("Independence", "Colon"): NER must confirm it.
    common: bool = False
    #: Hand-listed (extra_places.tsv), rare in English and without a namesake elsewhere
    #: ("Lesbos", "Melilla"): a place wherever it stands, cue or none.
    sure: bool = False


@dataclass
class Gazetteer:
    """Entries indexed by their first folded token, longest first, plus ISO3 -> display name."""

    index: dict[str, list[Entry]]
    names: dict[str, str]
    #: ISO3 -> the name as said in a sentence ("the Philippines"), where it differs.
    said: dict[str, str]
    #: Smaller places by place key (`normalize.place_key`), found only with NER or a place cue.
    places: Places

    def candidates(self, first_token: str) -> list[Entry]:
        return self.index.get(first_token, [])

    def country_name(self, iso3: str | None) -> str:
        if iso3 is None:
            return "placeholder"
        return self.names.get(iso3, iso3)

    def in_sentence(self, iso3: str | None) -> str:
        """The country's name as said in a sentence, with its article: "the Philippines"."""
        return self.said.get(iso3, self.country_name(iso3)) if iso3 else "placeholder"

    def lookup_place(self, name: str) -> Place | None:
        """The place a name NER found (or a place cue points at), from the gazetteer or the
        smaller places. A phrase the gazetteer blocks (a region, a sea) resolves to None, as does
        an unknown one."""
        key = place_key(name)
        if not key:
            return None
        for e in self.candidates(fold(name).split()[0]) + self.candidates(key.split(" ")[0]):
            if place_key(" ".join(e.tokens)) == key:
                return None if e.is_block else Place(e.country, e.kind, e.alt)
        return self.places.get(key)

    def __len__(self) -> int:
        return sum(len(v) for v in self.index.values())


def read_tsv(path: Path, ncols: int):
    """The rows of a tab-separated rules file with at least `ncols` columns (comments skipped)."""
    if not path.exists():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) >= ncols:
            yield [p.strip() for p in parts[:ncols]]


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
                      int(confirm), int(weight), alt)
            index.setdefault(e.tokens[0], []).append(e)
    for entries in index.values():
        sort_entries(entries)
    names, said = {}, {}
    with open(rules_dir / COUNTRIES_FILE, encoding="utf-8") as fh:
        for row in csv.reader(fh, delimiter="\t"):
            if row and not row[0].startswith("#"):
                names[row[0]] = row[1]
                if len(row) > 2 and row[2] != row[1]:
                    said[row[0]] = row[2]
    return Gazetteer(index, names, said, _read_places(rules_dir / PLACES_FILE))


class Places:
    """The smaller places of places.tsv by place key, kept as their raw rows and made `Place`s
    on lookup: the table has some 175,000 rows, of which a check looks up a handful, so reading
    it stays a split per line (about a third of a second) at every start."""

    def __init__(self, rows: dict[str, str]):
        self._rows = rows

    def get(self, key: str) -> Place | None:
        row = self._rows.get(key)
        if row is None:
            return None
        iso3, kind, *rest = row.split("\t")
        alt = tuple(rest[0].split("|")) if rest and rest[0] else ()
        return Place(iso3, kind, alt, len(rest) > 1 and rest[1] == "1",
                     len(rest) > 2 and rest[2] == "1")

    def __contains__(self, key: str) -> bool:
        return key in self._rows

    def __len__(self) -> int:
        return len(self._rows)


def _read_places(path: Path) -> Places:
    """places.tsv: key, ISO3, kind, other countries ("|"), common word ("1"), sure ("1")."""
    rows = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or "\t" not in line:
                continue
            key, row = line.rstrip("\n").split("\t", 1)
            rows[key] = row
    return Places(rows)


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
        sort_entries(entries)
    return Gazetteer(index, gaz.names, gaz.said, gaz.places)


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
