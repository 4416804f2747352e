"""The countries the web app offers and accepts as `speaker_country`: the page's list and the API's
exact set of values (the OpenAPI document's `enum`), both from the gazetteer's countries.

The API accepts a value only as the document lists it (an ISO 3166-1 alpha-2 or alpha-3 code in
capitals, or a country's name as the page's list spells it), so that what the OpenAPI document
says and what the server does are the same; the CLI's `--speaker-country` is more lenient (any
case, other spellings) and the page turns what a person types into a code before sending it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=4)
def countries(rules_dir: Path) -> list[tuple[str, str]]:
    """(ISO3, display name) of every country in the gazetteer, sorted by name, for the selector."""
    from .. import gazetteer

    names = gazetteer.load(rules_dir).names
    return sorted(names.items(), key=lambda kv: kv[1].casefold())


@lru_cache(maxsize=4)
def speaker_values(rules_dir: Path) -> dict[str, str]:
    """Every accepted `speaker_country` value -> its ISO3: codes (alpha-2, alpha-3) and names."""
    import pycountry

    values: dict[str, str] = {}
    for c in pycountry.countries:
        values[c.alpha_2] = values[c.alpha_3] = c.alpha_3
    for iso3, _name in countries(rules_dir):
        values.setdefault(iso3, iso3)
        if iso3 == "XKX":  # Kosovo: a user-assigned code, not in ISO 3166-1's list
            values.setdefault("XK", iso3)
    for iso3, name in countries(rules_dir):
        values.setdefault(name, iso3)  # a code wins where a name is spelt like one
    return values
