"""The gazetteer (gazetteer.py): folding, country resolution, loading once, building from rules/."""

from __future__ import annotations

import shutil

import pytest

from cdcheck import gazetteer
from cdcheck.errors import BadOption
from cdcheck.gazetteer import resolve_country
from cdcheck.normalize import fold, place_key
from cdcheck.settings import Settings
from cdcheck.train.gazetteer_build import build

RULES = Settings().rules_dir
SOURCES = ("policy.toml", "not_mentions.txt", "extra_entries.tsv", "extra_places.tsv", "aliases.tsv",
           "demonyms.tsv")


@pytest.fixture(scope="module")
def gaz():
    return gazetteer.load(RULES)


@pytest.mark.parametrize(("raw", "folded"), [
    ("Côte d\u2019Ivoire", "cote d'ivoire"),
    ("Côte d'Ivoire", "cote d'ivoire"),
    ("Nuku\u02bbalofa", "nuku'alofa"),  # the ʻokina of Tongan and Samoan names is an apostrophe
    ("TÜRKIYE", "turkiye"),
    ("São Tomé", "sao tome"),
    ("Brasília", "brasilia"),
    ("Kraków", "krakow"),
    ("plain", "plain"),
])
def test_fold_lowercases_strips_accents_and_unifies_apostrophes(raw, folded):
    assert fold(raw) == folded


def test_place_key_makes_hyphens_and_spaces_one():
    assert place_key("Sharm El-Sheikh") == place_key("sharm el - sheikh") == "sharm el sheikh"
    assert place_key("  North   Rhine\u2013Westphalia ") == "north rhine westphalia"


@pytest.mark.parametrize(("value", "iso3"), [
    ("NO", "NOR"), ("no", "NOR"), ("NOR", "NOR"), ("nor", "NOR"),
    ("Norway", "NOR"), ("  Norway ", "NOR"),
    ("GB", "GBR"), ("United Kingdom", "GBR"), ("UK", "GBR"),
    ("Türkiye", "TUR"), ("Turkey", "TUR"),
    ("Ivory Coast", "CIV"), ("Burma", "MMR"), ("Viet Nam", "VNM"), ("Vietnam", "VNM"),
    ("XK", "XKX"), ("Kosovo", "XKX"),
])
def test_resolve_country_takes_alpha2_alpha3_names_and_aliases(gaz, value, iso3):
    assert resolve_country(value, gaz) == iso3


@pytest.mark.parametrize("value", ["QQ", "ZZZ", "Qwertyland", "", "   ", "12"])
def test_resolve_country_rejects_unknown_values(gaz, value):
    with pytest.raises(BadOption):
        resolve_country(value, gaz)


def test_load_reads_once_per_process():
    assert gazetteer.load(RULES) is gazetteer.load(RULES)


def test_load_without_a_built_gazetteer_says_how_to_build(tmp_path):
    with pytest.raises(BadOption, match="gazetteer --build"):
        gazetteer.load(tmp_path)


def test_every_entry_maps_to_a_known_country_or_is_a_block(gaz):
    kinds = {"name", "alias", "code", "demonym", "capital", "city", "region"}
    for entries in gaz.index.values():
        for e in entries:
            assert e.kind in kinds, e
            if not e.is_block:
                assert e.country in gaz.names, e
            for alt in e.alt:
                assert alt in gaz.names and alt != e.country, e


def test_candidates_are_longest_first(gaz):
    lengths = [len(e.tokens) for e in gaz.candidates("guinea")]
    assert lengths == sorted(lengths, reverse=True)
    assert gaz.candidates("no-such-token") == []


def test_lookup_place_resolves_small_places_and_blocks_regions(gaz):
    def where(name):
        place = gaz.lookup_place(name)
        return (place.country, place.kind)

    assert where("Sharm El-Sheikh") == ("EGY", "city")
    assert where("Mae Sot") == ("THA", "city")
    assert where("Nairobi") == ("KEN", "capital")
    assert where("Miches") == ("DOM", "city")  # a GeoNames town of 1,000+ people
    assert where("Lesbos") == ("GRC", "region")  # rules/extra_places.tsv
    assert gaz.lookup_place("West Africa") is None  # a block: no country
    assert gaz.lookup_place("Qwertyland") is None
    assert gaz.lookup_place("") is None


def test_country_name_of_a_code_and_of_a_placeholder(gaz):
    assert gaz.country_name("NOR") == "Norway"
    assert gaz.country_name(None) == "placeholder"


def test_with_aliases_adds_entries_without_touching_the_loaded_gazetteer(gaz):
    extra = gazetteer.with_aliases(gaz, {"Zemblania": "NO"})
    (e,) = [e for e in extra.candidates("zemblania") if e.tokens == ("zemblania",)]
    assert (e.country, e.kind) == ("NOR", "alias")
    assert gaz.candidates("zemblania") == []
    with pytest.raises(BadOption):
        gazetteer.with_aliases(gaz, {"Zemblania": "Qwertyland"})


def test_a_region_rare_in_english_takes_any_namesake_town_a_famous_one_does_not(gaz):
    # a Venezuelan mining town GeoNames lists without a population; California's Mexican
    # namesakes are no reading of a text that names Mexico beside California
    callao = next(e for e in gaz.index["el"] if e.tokens == ("el", "callao"))
    assert (callao.country, "VEN" in callao.alt) == ("PER", True)
    california = next(e for e in gaz.index["california"] if e.tokens == ("california",))
    assert (california.country, "MEX" in california.alt) == ("USA", False)


def test_a_hand_listed_place_rare_in_english_is_sure_a_surname_is_not(gaz):
    assert gaz.lookup_place("Lesbos").sure
    assert not gaz.lookup_place("Rhodes").sure  # also a surname: a cue must confirm it


def test_a_hand_listed_place_is_a_namesake_of_a_city(gaz):
    # Tanzania's island (rules/extra_places.tsv) beside Mozambique's city of the same name
    pemba = next(e for e in gaz.index["pemba"] if e.tokens == ("pemba",))
    assert (pemba.country, "TZA" in pemba.alt) == ("MOZ", True)


def test_ambiguous_names_carry_their_alternatives(gaz):
    (congo,) = [e for e in gaz.candidates("congo") if e.tokens == ("congo",)]
    assert (congo.country, congo.alt) == ("COG", ("COD",))
    (korea,) = [e for e in gaz.candidates("korea") if e.tokens == ("korea",)]
    assert (korea.country, korea.alt) == ("KOR", ("PRK",))


# ------------------------------------------------------------------------------------- building


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A gazetteer built from a copy of rules/'s sources plus one test alias and one block."""
    rules = tmp_path_factory.mktemp("rules")
    for name in SOURCES + ("labels.toml",):
        shutil.copy(RULES / name, rules / name)
    with open(rules / "aliases.tsv", "a", encoding="utf-8") as fh:
        fh.write("Zembla Republic\tNOR\talias\n")
    with open(rules / "not_mentions.txt", "a", encoding="utf-8") as fh:
        fh.write("Nordic Sea of Tests\n")
    n = build(rules)
    return rules, n


@pytest.mark.parametrize(("name", "bare"), [
    ("Shandong Sheng", "Shandong"), ("Xinjiang Uygur Zizhiqu", "Xinjiang"),
    ("Muhafazat Halab", "Halab"), ("Talsu Rajons", "Talsu"), ("Punjab", None),
    ("Khanty-Mansiyskiy Avtonomnyy Okrug", "Khanty-Mansiyskiy"), ("Sveti Nikole", None)])
def test_bare_division_drops_the_native_type_word(name, bare):
    from cdcheck.train.gazetteer_build import bare_division

    assert bare_division(name) == bare


def test_build_writes_the_three_generated_files(built):
    rules, n = built
    for name in (gazetteer.GAZETTEER_FILE, gazetteer.COUNTRIES_FILE, gazetteer.PLACES_FILE):
        assert (rules / name).stat().st_size > 0
    assert n > 5000  # every country, alias, demonym, capital, major city and region
    assert (RULES / gazetteer.GAZETTEER_FILE).exists()  # the real rules/ is untouched


def test_built_gazetteer_holds_the_sources(built):
    rules, n = built
    gaz = gazetteer.load(rules)
    assert len(gaz) == n

    def entry(token, tokens):
        return next(e for e in gaz.candidates(token) if e.tokens == tokens)

    assert entry("zembla", ("zembla", "republic")).country == "NOR"  # aliases.tsv
    assert entry("nordic", ("nordic", "sea", "of", "tests")).is_block  # not_mentions.txt
    assert entry("kremlin", ("kremlin",)).country == "RUS"  # extra_entries.tsv
    assert entry("nigerian", ("nigerian",)).kind == "demonym"  # demonyms.tsv
    assert entry("norway", ("norway",)).kind == "name"  # pycountry
    assert entry("lagos", ("lagos",)).kind == "city"  # GeoNames
    # A division GeoNames writes with its native type word is known by its bare name too.
    assert gaz.lookup_place("Shandong").country == "CHN"  # "Shandong Sheng"
    assert gaz.names["NOR"] == "Norway" and gaz.names["XKX"] == "Kosovo"


def test_built_gazetteer_matches_the_committed_one(built, gaz):
    """rules/gazetteer.tsv is generated: rebuilding from the same sources gives the same entries."""
    rules, _ = built
    fresh = gazetteer.load(rules)
    mine = {(e.tokens, e.country, e.kind) for v in gaz.index.values() for e in v}
    theirs = {(e.tokens, e.country, e.kind) for v in fresh.index.values() for e in v}
    assert theirs - mine == {(("zembla", "republic"), "NOR", "alias"),
                             (("nordic", "sea", "of", "tests"), None, "name")}
    assert mine <= theirs


def test_built_places_match_the_committed_ones_whatever_the_hash_seed(built):
    """places.tsv is generated and deterministic: GeoNames towns come from a set, and towns of
    equal size in two countries once swapped which country a name read as between builds."""
    rules, _ = built
    fresh = (rules / gazetteer.PLACES_FILE).read_text(encoding="utf-8")
    assert fresh == (RULES / gazetteer.PLACES_FILE).read_text(encoding="utf-8")
