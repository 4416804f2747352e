"""The corpus format (corpus.py): gold verdicts, gold spans, the learned label, country swaps."""

from __future__ import annotations

import pytest

from cdcheck.train.corpus import gold_spans, gold_verdict, split_statements, swap_country, train_label


def _m(surface, country, label, base=None):
    return {"surface": surface, "country": country, "label": label, "base": base}


def _is_name(surface: str) -> bool:
    return surface in {"Ghana", "Kenya", "Norway"}


def test_gold_verdict_is_the_worst_label_or_the_given_one():
    assert gold_verdict({"mentions": []}) == "ok"
    assert gold_verdict({"mentions": [_m("a", "GHA", "work"), _m("b", "KEN", "situation")]}) == "review"
    assert gold_verdict({"mentions": [_m("a", "GHA", "exempt", "blame")]}) == "ok"
    assert gold_verdict({"verdict": "violation", "mentions": []}) == "violation"


def test_an_exempt_mention_teaches_its_base_label():
    assert train_label(_m("Ghana", "GHA", "exempt", "blame")) == "blame"
    assert train_label(_m("Ghana", "GHA", "work")) == "work"


def test_gold_spans_follow_repeated_surfaces_in_order():
    stmt = {"text": "Ghana and Ghana again", "mentions": [_m("Ghana", "GHA", "work"),
                                                           _m("Ghana", "GHA", "blame")]}
    assert [(s, e) for s, e, _ in gold_spans(stmt)] == [(0, 5), (10, 15)]
    with pytest.raises(ValueError):
        gold_spans({"text": "Nothing", "mentions": [_m("Ghana", "GHA", "work")]})


def test_swap_replaces_every_name_of_the_first_country_and_keeps_labels():
    stmt = {"id": "t-1", "text": "Ghana fails. Kenya helps. Ghana again.", "speaker_country": None,
            "mentions": [_m("Ghana", "GHA", "blame"), _m("Kenya", "KEN", "situation"),
                         _m("Ghana", "GHA", "blame")]}
    out = swap_country(stmt, "NOR", "Norway", "s0", _is_name)
    assert out["text"] == "Norway fails. Kenya helps. Norway again."
    assert [(m["surface"], m["country"], m["label"]) for m in out["mentions"]] == [
        ("Norway", "NOR", "blame"), ("Kenya", "KEN", "situation"), ("Norway", "NOR", "blame")]
    assert out["id"] == "t-1~s0" and out["swapped_from"] == "t-1"


def test_swap_of_the_speakers_country_moves_the_speaker_too():
    stmt = {"id": "t-2", "text": "In Ghana we act.", "speaker_country": "GHA",
            "mentions": [_m("Ghana", "GHA", "exempt", "situation")]}
    out = swap_country(stmt, "NOR", "Norway", "s0", _is_name)
    assert out["speaker_country"] == "NOR" and out["mentions"][0]["label"] == "exempt"


def test_no_swap_when_the_speakers_cities_would_stay_behind():
    stmt = {"id": "t-3", "text": "In Ghana, and in Accra, we act.", "speaker_country": "GHA",
            "mentions": [_m("Ghana", "GHA", "exempt", "situation"),
                         _m("Accra", "GHA", "exempt", "situation")]}
    assert swap_country(stmt, "NOR", "Norway", "s0", _is_name) is None
    # the same text from an NGO is swapped: Accra is then simply a place in the old country
    ngo = dict(stmt, speaker_country=None,
               mentions=[_m("Ghana", "GHA", "situation"), _m("Accra", "GHA", "situation")])
    assert swap_country(ngo, "NOR", "Norway", "s0", _is_name)["text"] == \
        "In Norway, and in Accra, we act."


def test_a_contrast_pair_never_straddles_splits():
    statements = []
    for i in range(60):
        group = {"group": f"rlz-g{i:03d}"}
        statements += [{"id": f"rlz-{2 * i:04d}", "text": "a", **group},
                       {"id": f"rlz-{2 * i + 1:04d}", "text": "b", **group}]
    statements += [{"id": f"rlz-{1000 + i:04d}", "text": "c"} for i in range(40)]
    splits = split_statements(statements)
    where = {s["id"]: name for name, items in splits.items() for s in items}
    assert len(where) == len(statements)  # nothing lost, nothing twice
    for i in range(60):
        assert where[f"rlz-{2 * i:04d}"] == where[f"rlz-{2 * i + 1:04d}"]
    assert all(splits[name] for name in ("train", "dev", "test"))


def test_train_only_statements_leave_dev_and_test_as_they_were():
    statements = [{"id": f"rlz-{i:04d}", "text": str(i)} for i in range(100)]
    extra = [{"id": f"rtr-{i:04d}", "text": f"x{i}"} for i in range(30)]
    before = split_statements(statements)
    after = split_statements(statements, train_only=extra)
    assert after["dev"] == before["dev"] and after["test"] == before["test"]
    assert {s["id"] for s in after["train"]} == {s["id"] for s in before["train"] + extra}
