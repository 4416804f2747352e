"""The keys text is matched on: case, accents and apostrophes folded away, so that "Türkiye",
"TURKIYE" and "turkiye" meet the same gazetteer entry, and "St. Elizabeth" meets "Saint Elizabeth"."""

from __future__ import annotations

import re
import unicodedata

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})


def fold(text: str) -> str:
    """Lower-case, strip accents and unify apostrophes: the key tokens are matched on."""
    text = unicodedata.normalize("NFKD", text.translate(_QUOTES))
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower()


_KEY_SEP = re.compile(r"[\s\-\u2010-\u2015]+")
_KEY_DROP = str.maketrans("", "", "'\u2018\u2019\u02bb\u02bc\u02bf\u02be`")
_KEY_ABBREV = {"st": "saint", "st.": "saint", "ste": "sainte", "ste.": "sainte", "mt": "mount",
               "mt.": "mount", "ft": "fort", "ft.": "fort"}


def place_key(text: str) -> str:
    """The key a place name is looked up by: folded, without apostrophes, hyphens and runs of
    spaces made one space, "St." spelt out.

    "Sharm El-Sheikh" in GeoNames, "Sharm El - Sheikh" as spaCy's tokens and "sharm el sheikh"
    all become the same key; so do "St. Elizabeth" and "Saint Elizabeth", "Ma’rib" and "Marib".
    """
    words = _KEY_SEP.sub(" ", fold(text).translate(_KEY_DROP)).split()
    return " ".join(_KEY_ABBREV.get(w, w) for w in words)


def strip_apostrophes(text: str) -> str:
    """`text` folded, without apostrophes (a place key's letters before spacing is unified)."""
    return fold(text).translate(_KEY_DROP)
