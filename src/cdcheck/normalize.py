"""The keys text is matched on: case, accents and apostrophes folded away, so that "Türkiye",
"TURKIYE" and "turkiye" meet the same gazetteer entry, and "St. Elizabeth" meets "Saint Elizabeth"."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u02bb": "'", "`": "'"})


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


# --------------------------------------------------------------------------- hidden characters

#: Characters that render as nothing and would split a name for a matcher ("Nige\u200bria").
INVISIBLE = {
    "\u00ad": "soft hyphen", "\u200b": "zero-width space", "\u200c": "zero-width non-joiner",
    "\u200d": "zero-width joiner", "\u2060": "word joiner", "\ufeff": "zero-width no-break space",
    "\u180e": "Mongolian vowel separator", "\u200e": "left-to-right mark",
    "\u200f": "right-to-left mark", "\u061c": "Arabic letter mark",
    **{chr(c): "bidirectional control" for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))},
}
#: Spaces other than the plain one: a matcher must read them as one ("South\u00a0Sudan").
ODD_SPACES = {"\u00a0": "no-break space", "\u202f": "narrow no-break space",
              "\u205f": "medium mathematical space", "\u3000": "ideographic space",
              "\u1680": "Ogham space mark",
              **{chr(c): "typographic space" for c in range(0x2000, 0x200B)}}
#: The longest run of one punctuation character kept: spaCy's tokenizer is quadratic on long
#: runs of prefixes ("(" * 20000); the rest of a run reads as spaces.
MAX_RUN = 32
_SUSPECT = re.compile("[" + "".join(map(re.escape, {**INVISIBLE, **ODD_SPACES})) +
                      r"\ud800-\udfff]|[^\x00-\x7f]|([^\w\s])\1{" + str(MAX_RUN) + ",}")
_TOKEN = re.compile(r"\S+")


@dataclass(frozen=True)
class Cleaned:
    """A text made safe to match: same words, hidden characters gone, lookalike letters
    read as the Latin ones they imitate; `offsets[i]` is the original index of character i."""

    text: str
    offsets: tuple[int, ...] | None  # None: nothing was removed, offsets are the same
    #: (original index, what it was) for every character changed or removed.
    tricks: tuple[tuple[int, str], ...] = ()

    def original(self, start: int, end: int) -> tuple[int, int]:
        """The original (start, end) of clean text [start, end)."""
        if self.offsets is None:
            return start, end
        return self.offsets[start], self.offsets[end - 1] + 1

    def tricks_in(self, start: int, end: int) -> list[str]:
        """What was hidden in original text [start, end], the character just after included."""
        return [what for i, what in self.tricks if start <= i <= end]


@lru_cache(maxsize=1)
def _lookalikes() -> dict[str, str]:
    """Non-Latin letters that Unicode's confusables data says look like one ASCII letter
    (Cyrillic "і", Greek "ο", fullwidth "Ａ"...): the letter they imitate."""
    import json
    from importlib.resources import files

    data = json.loads(files("confusable_homoglyphs").joinpath("confusables.json")
                      .read_text(encoding="utf-8"))
    out = {}
    for char, glyphs in data.items():
        if len(char) != 1 or char.isascii():
            continue
        for glyph in glyphs:
            c = glyph.get("c", "")
            if len(c) == 1 and c.isascii() and c.isalpha():
                out[char] = c
                break
    return out


def _describe(ch: str) -> str:
    name = unicodedata.name(ch, "unnamed")
    return f"{name.lower()} U+{ord(ch):04X}"


def clean(text: str) -> Cleaned:
    """`text` with hidden characters removed, odd spaces made plain, lone surrogates replaced,
    lookalike letters in Latin words read as Latin, and runs of one punctuation mark capped."""
    if not _SUSPECT.search(text):
        return Cleaned(text, None)
    chars, offsets, tricks = [], [], []
    for i, ch in enumerate(text):
        if ch in INVISIBLE:
            tricks.append((i, f"{INVISIBLE[ch]} U+{ord(ch):04X}"))
            continue
        if ch in ODD_SPACES:
            tricks.append((i, f"{ODD_SPACES[ch]} U+{ord(ch):04X}"))
            ch = " "
        elif "\ud800" <= ch <= "\udfff":
            tricks.append((i, f"lone surrogate U+{ord(ch):04X}"))
            ch = "\ufffd"
        chars.append(ch)
        offsets.append(i)
    out = "".join(chars)
    out = _latin_lookalikes(out, offsets, tricks)
    out = _cap_runs(out)
    same = len(out) == len(text)
    return Cleaned(out, None if same else tuple(offsets), tuple(sorted(tricks)))


def _latin_lookalikes(text: str, offsets: list[int], tricks: list) -> str:
    """Lookalike letters inside words that also hold ASCII letters ("N\u0456geria") read as the
    Latin letters they imitate; words in one other script stay as they are."""
    table = _lookalikes()
    chars = None
    for m in _TOKEN.finditer(text):
        word = m.group(0)
        if word.isascii() or not any(c.isascii() and c.isalpha() for c in word):
            continue
        for k, c in enumerate(word):
            if c in table:
                chars = chars if chars is not None else list(text)
                chars[m.start() + k] = table[c]
                tricks.append((offsets[m.start() + k], f"lookalike {_describe(c)}"))
    return "".join(chars) if chars is not None else text


def _cap_runs(text: str) -> str:
    """Runs of one punctuation mark longer than MAX_RUN: the excess read as spaces."""
    run = re.compile(r"([^\w\s])\1{" + str(MAX_RUN) + ",}")
    return run.sub(lambda m: m.group(0)[:MAX_RUN] + " " * (len(m.group(0)) - MAX_RUN), text)
