"""The policy as typed data, read in one place: `labels.toml` (what each label means for the user)
and `policy.toml` (how mentions are found). Nothing else in the package opens these files."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from .normalize import fold
from .schema import KINDS, LABELS, VERDICTS

LABELS_FILE = "labels.toml"
POLICY_FILE = "policy.toml"


def _read(path: Path) -> dict:
    with open(path, "rb") as fh:
        return tomllib.load(fh)


# --------------------------------------------------------------------------- labels.toml


@dataclass(frozen=True)
class SarifRule:
    """How SARIF (GitHub code scanning) names and explains a label that fails a check."""

    name: str
    short: str
    full: str
    help: str
    help_markdown: str


@dataclass(frozen=True)
class LabelRule:
    """What a label means for the user: how severe, which verdict, and the message shown."""

    label: str
    severity: str
    verdict: str
    message: str
    sarif: SarifRule | None = None

    @property
    def counts(self) -> bool:
        """Whether the label moves a document's verdict (the rule objects to it)."""
        return self.verdict != "ok"


@dataclass(frozen=True)
class LabelPolicy:
    """Everything the verdict and suggestion stages read from rules/labels.toml."""

    labels: Mapping[str, LabelRule]
    blame_min: float
    situation_min: float
    suggest: Mapping[str, str]
    #: The message of a mention made blame by a later sentence (followup.py).
    follow_up_message: str
    #: Mention kinds labelled by rule, not by the classifier: kind -> (label, decision).
    by_kind: Mapping[str, tuple[str, str]] = field(default_factory=lambda: MappingProxyType({}))
    #: P(blame) + P(situation) from which a mention below both thresholds is still flagged.
    flagged_min: float = 1.01
    #: Added to the message of a mention written with hidden characters ({what}).
    hidden_message: str = "({what})"
    #: Said instead of a rewrite where none is safe ({country}).
    no_safe_rewrite: str = "Remove or generalise this sentence."
    #: Said of a sentence naming no country that accuses the one named beside it ({country}).
    accuses_elsewhere: str = "Remove or generalise this sentence."
    #: Said with a rewrite that drops the name a later sentence accuses ({country}).
    name_no_country: str = ""
    #: Said where no rewrite tried passed the check again ({country}).
    no_rewrite_holds: str = "Remove or generalise this sentence."
    #: The message of a flagged finding whose deciding words are known, per label ({evidence}).
    evidence: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def rule(self, label: str) -> LabelRule:
        return self.labels[label]

    @property
    def flagged(self) -> tuple[str, ...]:
        """The labels that move a verdict, worst first ("blame", "situation"): the ones a
        reviewer may accept, a rewrite is offered for, and SARIF reports."""
        counting = [r for r in self.labels.values() if r.counts]
        return tuple(r.label for r in sorted(counting, key=lambda r: -VERDICTS.index(r.verdict)))

    def verdict_of(self, label: str) -> str:
        return self.labels[label].verdict


@lru_cache(maxsize=4)
def load_label_policy(rules_dir: Path) -> LabelPolicy:
    """The policy in `rules_dir`/labels.toml, read once per process."""
    raw = _read(Path(rules_dir) / LABELS_FILE)
    labels = {}
    for name, spec in raw["labels"].items():
        sarif = SarifRule(**spec["sarif"]) if "sarif" in spec else None
        labels[name] = LabelRule(name, spec["severity"], spec["verdict"], spec["message"], sarif)
    missing = set(LABELS) - set(labels)
    if missing:
        raise ValueError(f"rules/labels.toml lacks labels {sorted(missing)}")
    for rule in labels.values():
        if rule.counts and rule.sarif is None:
            raise ValueError(f"rules/labels.toml: [labels.{rule.label}.sarif] is missing")
    d = raw["decision"]
    by_kind = {kind: (spec["label"], spec["decision"]) for kind, spec in raw.get("by_kind", {}).items()}
    for kind, (label, _) in by_kind.items():
        if label not in labels or kind not in KINDS:
            raise ValueError(f"rules/labels.toml: [by_kind] {kind} = {label}: unknown kind or label")
    advice = raw.get("advice", {})
    return LabelPolicy(
        labels=MappingProxyType(labels), blame_min=float(d["blame_min"]),
        situation_min=float(d["situation_min"]), suggest=MappingProxyType(dict(raw["suggest"])),
        follow_up_message=raw["follow_up"]["message"], by_kind=MappingProxyType(by_kind),
        flagged_min=float(d.get("flagged_min", 1.01)),
        hidden_message=raw.get("hidden", {}).get("message", LabelPolicy.hidden_message),
        no_safe_rewrite=advice.get("no_safe_rewrite", LabelPolicy.no_safe_rewrite),
        accuses_elsewhere=advice.get("accuses_elsewhere", LabelPolicy.accuses_elsewhere),
        name_no_country=advice.get("name_no_country", LabelPolicy.name_no_country),
        no_rewrite_holds=advice.get("no_rewrite_holds", LabelPolicy.no_rewrite_holds),
        evidence=MappingProxyType(dict(raw.get("evidence", {}))))


# --------------------------------------------------------------------------- policy.toml


def _folded(words) -> frozenset[str]:
    return frozenset(fold(w) for w in words)


def _singular(word: str) -> str:
    return word[:-1] if word.endswith("s") and len(word) > 3 else word


@dataclass(frozen=True)
class CityPolicy:
    """Which GeoNames cities enter the gazetteer, and which of them need confirmation."""

    min_population: int
    confirm_below: int
    common_word_zipf: float


@dataclass(frozen=True)
class PlaceCues:
    """The words that confirm a smaller place (policy.toml [places]), folded."""

    before: frozenset[str]
    nouns_before: frozenset[tuple[str, ...]]
    nouns_after: frozenset[str]
    possessed: frozenset[str]
    suffixes: frozenset[str]
    #: Place nouns that make a capitalised name no list knows a place ("the Wajajah crossing"),
    #: the nouns before "of" that do ("the ports of Vohemar"), and words such a name never is.
    unlisted_after: frozenset[str] = frozenset()
    unlisted_before: frozenset[str] = frozenset()
    unlisted_titled: frozenset[str] = frozenset()  # capitalised tails: "Sisak-Moslavina County"
    unlisted_not_names: frozenset[str] = frozenset()
    #: Prepositions after which a name NER tags a place (GPE, LOC), or after the stricter
    #: `unlisted_person_before` one it tags PERSON, is a place no list knows ("met in El Hierro").
    unlisted_ner_before: frozenset[str] = frozenset()
    unlisted_person_before: frozenset[str] = frozenset()
    #: Phrases right before the name: "bound for Male", "destined for Tema".
    before_phrases: frozenset[tuple[str, ...]] = frozenset()
    #: Place nouns of an appositive that introduces a name no list knows: "Ngolo, a small
    #: town in ...", "Kiru, a fishing village on the coast of ...".
    appositive: frozenset[str] = frozenset()
    #: Words that may follow such a noun: the appositive goes on to say where the place is.
    appositive_after: frozenset[str] = frozenset()


@dataclass(frozen=True)
class DocumentNames:
    """The words that make a place part of a treaty's or document's name (policy.toml
    [documents]), as folded token tuples."""

    after: frozenset[tuple[str, ...]]
    before: frozenset[tuple[str, ...]]
    #: Head words that make a document's name in lower case too, right after the place
    #: ("the Palermo protocol"); the others ("guidelines", "regulations") also describe a
    #: State's own rules when written so.
    lowercase: frozenset[str] = frozenset()


def _phrases(words) -> frozenset[tuple[str, ...]]:
    return frozenset(tuple(fold(w) for w in phrase.split()) for phrase in words)


@dataclass(frozen=True)
class MentionPolicy:
    """How the gazetteer is built and how the finder decides: rules/policy.toml, typed and folded.

    Word lists are folded (`normalize.fold`) once here, so the finder compares folded tokens.
    """

    title_case_only: frozenset[str]
    confirm_names: frozenset[str]
    strict_names: frozenset[str]
    locatives: frozenset[str]
    place_prepositions: frozenset[str]
    person_override: frozenset[str]
    person_before: frozenset[str]
    person_after: frozenset[str]
    person_nouns: frozenset[str]  # singular forms
    confirm_labels: frozenset[str]
    veto_labels: frozenset[str]
    ner_labels: frozenset[str]
    container_labels: frozenset[str]
    language_cues: frozenset[str]
    language_names: frozenset[str]
    language_after_cue: frozenset[str]
    water_before: frozenset[tuple[str, ...]]
    water_after: frozenset[str]
    placeholder_heads: tuple[tuple[str, ...], ...]  # longest first
    placeholder_lower: frozenset[str]
    placeholder_never: frozenset[str]
    generic_words: frozenset[str]
    region_common_word_zipf: float
    cities: CityPolicy
    #: Ambiguous names: surface -> (default ISO3, alternatives...).
    resolve: Mapping[str, tuple[str, ...]]
    #: Words that make "Georgia" the US state (as written; the finder decides how to match).
    georgia_us_context: tuple[str, ...]
    places: PlaceCues
    documents: DocumentNames

    @classmethod
    def from_toml(cls, raw: dict) -> MentionPolicy:
        conf, lang, water = raw["confirm"], raw.get("language", {}), raw.get("water", {})
        ph, regions, cities = raw["placeholders"], raw.get("regions", {}), raw["cities"]
        heads = sorted((tuple(fold(w) for w in h.split()) for h in ph["heads"]), key=len,
                       reverse=True)
        resolve = raw.get("resolve", {})
        return cls(
            title_case_only=_folded(raw["case"]["title_case_only"]),
            confirm_names=_folded(conf["names"]),
            strict_names=_folded(conf.get("strict", ())),
            locatives=_folded(conf["locatives"]),
            place_prepositions=_folded(conf.get("place_prepositions", conf["locatives"])),
            person_override=_folded(conf.get("person_override", ())),
            person_before=_folded(conf.get("person_before", ())),
            person_after=_folded(conf.get("person_after", ())),
            person_nouns=frozenset(_singular(fold(w)) for w in conf.get("person_nouns", ())),
            confirm_labels=frozenset(conf["confirm_labels"]),
            veto_labels=frozenset(conf["veto_labels"]),
            ner_labels=frozenset(conf["ner_labels"]),
            container_labels=frozenset(conf.get("container_labels", ["ORG"])),
            language_cues=_folded(lang.get("cues", ())),
            language_names=_folded(lang.get("names", ())),
            language_after_cue=_folded(lang.get("after_cue", ())),
            water_before=frozenset(tuple(fold(w) for w in h.split())
                                   for h in water.get("before", ())),
            water_after=_folded(water.get("after", ())),
            placeholder_heads=tuple(heads),
            placeholder_lower=frozenset(ph["lowercase_letters"]),
            placeholder_never=frozenset(ph.get("never_letters", ())),
            generic_words=_folded(regions.get("generic_words", ())),
            region_common_word_zipf=float(regions.get("common_word_zipf", 5.5)),
            cities=CityPolicy(int(cities["min_population"]), int(cities["confirm_below"]),
                              float(cities["common_word_zipf"])),
            resolve=MappingProxyType({
                surface: tuple(c.strip() for c in value.split("|") if c.strip())
                for surface, value in resolve.items() if isinstance(value, str)}),
            georgia_us_context=tuple(resolve.get("Georgia_us_context", ())),
            places=PlaceCues(_folded(raw["places"]["before"]),
                             _phrases(raw["places"]["nouns_before"]),
                             _folded(raw["places"]["nouns_after"]),
                             _folded(raw["places"]["possessed"]),
                             _folded(raw["places"]["suffixes"]),
                             _folded(raw["places"].get("unlisted_after", ())),
                             _folded(raw["places"].get("unlisted_before", ())),
                             _folded(raw["places"].get("unlisted_titled", ())),
                             _folded(raw["places"].get("unlisted_not_names", ())),
                             _folded(raw["places"].get("unlisted_ner_before", ())),
                             _folded(raw["places"].get("unlisted_person_before", ())),
                             _phrases(raw["places"].get("before_phrases", ())),
                             _folded(raw["places"].get("appositive", ())),
                             _folded(raw["places"].get("appositive_after", ()))),
            documents=DocumentNames(_phrases(raw["documents"]["after"]),
                                    _phrases(raw["documents"]["before"]),
                                    _folded(raw["documents"].get("lowercase", ()))),
        )


@lru_cache(maxsize=4)
def load_mention_policy(rules_dir: Path) -> MentionPolicy:
    """The mention-finding policy in `rules_dir`/policy.toml, read once per process."""
    return MentionPolicy.from_toml(_read(Path(rules_dir) / POLICY_FILE))
