"""Hostile input to the API, in-process (Flask's test client, the real Checker): no client input is
ever a 500; each answer is the documented one, and the OpenAPI document's request schema says
exactly what the server accepts (the text's pattern, the speaker's values, include_text).
"""

from __future__ import annotations

import io
import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cdcheck.settings import Settings
from cdcheck.web import create_app
from cdcheck.web.countries import speaker_values
from cdcheck.web.openapi import TEXT_PATTERN

API = "/api/v1/check"
#: Every (status, code) the check operation documents for a client's input.
DOCUMENTED = {
    (400, "malformed_request"), (400, "malformed_json"), (400, "invalid_request"), (400, "missing_text"),
    (400, "missing_file"), (400, "empty_text"), (400, "bad_option"), (413, "too_large"),
    (415, "unsupported_media_type"), (415, "unsupported_format"), (422, "unreadable_document"),
    (422, "too_complex"),
}
DEEP = 100_000


@pytest.fixture
def client(checker):
    return create_app({"TESTING": True, "CHECKER": checker}).test_client()


def _error(r, status: int, code: str) -> str:
    assert r.status_code == status, r.get_data(as_text=True)[:300]
    body = r.get_json()
    assert body["error"]["code"] == code
    return body["error"]["message"]


def _documented(r) -> None:
    """200 with a document, or one of the documented 4xx as JSON; never a 5xx."""
    assert r.status_code < 500, r.get_data(as_text=True)[:300]
    body = r.get_json()
    if r.status_code == 200:
        assert "document" in body
    else:
        assert (r.status_code, body["error"]["code"]) in DOCUMENTED, body


# ---------------------------------------------------------------------------- deep nesting


@pytest.mark.parametrize("body", [
    b"[" * DEEP + b"]" * DEEP,
    b'{"a":' * DEEP + b"1" + b"}" * DEEP,
    b"[" * DEEP,  # unterminated too
])
def test_json_body_nested_100000_deep_is_a_400(client, body):
    r = client.post(API, data=body, content_type="application/json")
    assert "nested too deeply" in _error(r, 400, "invalid_request")


@pytest.mark.parametrize("value", [b"[" * DEEP + b"]" * DEEP, b'{"t":' * DEEP + b'"x"' + b"}" * DEEP])
def test_text_value_nested_100000_deep_is_a_400(client, value):
    body = b'{"speaker_country": null, "text": ' + value + b"}"
    r = client.post(API, data=body, content_type="application/json")
    _error(r, 400, "invalid_request")


def test_a_number_over_pythons_digit_limit_is_malformed_json(client):
    body = b'{"text": "Governments must act.", "n": ' + b"9" * 5000 + b"}"
    _error(client.post(API, data=body, content_type="application/json"), 400, "malformed_json")


# ---------------------------------------------------------------------------- surrogates, controls


def test_lone_surrogate_in_the_text_is_a_documented_400(client):
    # The core does not replace lone surrogates yet (UnicodeEncodeError in spaCy): a 400 until it
    # does. JSON allows the escape; Python's json decodes it to a lone surrogate.
    for text in ('"Country X \\ud800 failed its victims."', '"\\udfff"', '"Chad \\ud83d"'):
        body = ('{"text": ' + text + "}").encode()
        r = client.post(API, data=body, content_type="application/json")
        assert "surrogate" in _error(r, 400, "invalid_request")


def test_a_surrogate_pair_is_one_character_and_checked(client):
    body = b'{"text": "Country X has failed its victims \\ud83d\\ude00."}'
    r = client.post(API + "?include_text=true", data=body, content_type="application/json")
    assert r.status_code == 200
    assert r.get_json()["text"] == "Country X has failed its victims \U0001F600."


@pytest.mark.parametrize("code", [*range(0x00, 0x09), *range(0x0E, 0x20)])
def test_control_characters_in_the_text_are_422_as_the_pattern_says(client, code):
    text = f"Country X has failed{chr(code)} its victims."
    assert not re.search(TEXT_PATTERN, text)
    _error(client.post(API, json={"text": text}), 422, "unreadable_document")


@pytest.mark.parametrize("space", ["\t", "\n", "\v", "\f", "\r", " ", "\x85", "\xa0", "\u1680",
                                   "\u2000", "\u200a", "\u2028", "\u2029", "\u202f", "\u205f",
                                   "\u3000"])
def test_whitespace_only_is_empty_as_the_pattern_says(client, space):
    text = space * 3
    assert not re.search(TEXT_PATTERN, text)
    _error(client.post(API, json={"text": text}), 400, "empty_text")


@pytest.mark.parametrize("text", ["\ufeff", "\x7f", "\u200b", "x", "\ufeffCountry X failed."])
def test_anything_else_is_checked_as_the_pattern_says(client, text):
    assert re.search(TEXT_PATTERN, text)
    assert client.post(API, json={"text": text}).status_code == 200


def test_offsets_index_the_text_as_sent_even_with_a_leading_bom(client):
    text = "\ufeffCountry X has not addressed this issue.\r\nOur office in Vienna works."
    body = client.post(API + "?include_text=true", json={"text": text}).get_json()
    assert body["text"] == text
    found = body["document"]["findings"]
    assert found and all(text[f["start"]:f["end"]] == f["text"] for f in found)


# ---------------------------------------------------------------------------- limits, parameters


def test_max_length_is_answered_413_as_the_document_says(checker):
    from cdcheck.checker import Checker

    small = Checker(Settings.from_env(max_chars=40), nlp=checker.nlp,
                    classifier=checker.classifier, gazetteer=checker.gazetteer)
    client = create_app({"TESTING": True, "CHECKER": small}).test_client()
    doc = client.get("/api/v1/openapi.json").get_json()
    schema = doc["paths"][API]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert schema["properties"]["text"]["maxLength"] == 40
    assert client.post(API, json={"text": "Governments must act now, all of them." + "x" * 2}
                       ).status_code == 200  # exactly 40
    _error(client.post(API, json={"text": "y" * 41}), 413, "too_large")


@pytest.mark.parametrize("value", ["null", "maybe", "1", "0", "", "TRUE", "yes"])
def test_include_text_is_a_boolean_and_nothing_else(client, value):
    r = client.post(f"{API}?include_text={value}", json={"text": "Governments must act."})
    assert "include_text" in _error(r, 400, "invalid_request")


def test_include_text_true_false_and_repeated(client):
    ok = {"text": "Governments must act."}
    assert "text" in client.post(API + "?include_text=true", json=ok).get_json()
    assert "text" not in client.post(API + "?include_text=false", json=ok).get_json()
    r = client.post(API + "?include_text=true&include_text=false", json=ok)
    _error(r, 400, "invalid_request")


def test_speaker_country_is_accepted_exactly_as_the_document_lists_it(client, checker):
    doc = client.get("/api/v1/openapi.json").get_json()
    content = doc["paths"][API]["post"]["requestBody"]["content"]
    listed = content["application/json"]["schema"]["properties"]["speaker_country"]["enum"]
    accepted = speaker_values(checker.settings.rules_dir)
    assert set(listed) == {None, ""} | set(accepted)
    assert set(content["multipart/form-data"]["schema"]["properties"]["speaker_country"]["enum"]) \
        == {""} | set(accepted)
    text = "Norway is not adequately treating victims of trafficking."
    for value in ("NO", "NOR", "Norway", "XK", "XKX", "Côte d'Ivoire"):
        assert client.post(API, json={"text": text, "speaker_country": value}).status_code == 200
    for value in ("nor", "norway", " NOR", "578", "Atlantis", "N\u200bOR"):
        r = client.post(API, json={"text": text, "speaker_country": value})
        _error(r, 400, "bad_option")


def test_every_listed_name_is_its_own_country(checker):
    from cdcheck.web.countries import countries

    values = speaker_values(checker.settings.rules_dir)
    for iso3, name in countries(checker.settings.rules_dir):
        assert values[iso3] == iso3
        assert values[name] == iso3 or values[name] == name  # a name spelt as a code keeps it


# ---------------------------------------------------------------------------- any bytes


SETTINGS = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


@SETTINGS
@given(data=st.binary(max_size=2000),
       content_type=st.sampled_from(["application/json", "application/x+json", "text/plain",
                                     "multipart/form-data", "multipart/form-data; boundary=b",
                                     "application/octet-stream", ""]))
def test_any_bytes_as_the_body_are_never_a_500(client, data, content_type):
    _documented(client.post(API, data=data, content_type=content_type or None))


@SETTINGS
@given(data=st.binary(max_size=4000),
       name=st.sampled_from(["s.txt", "s.md", "s.docx", "s.pdf", "s", "s.rtf", "", "a/b\\c.TXT"]))
def test_any_bytes_as_an_uploaded_file_are_never_a_500(client, data, name):
    fields = {"file": (io.BytesIO(data), name)}
    _documented(client.post(API, data=fields, content_type="multipart/form-data"))


@SETTINGS
@given(text=st.text(max_size=300), speaker=st.one_of(st.none(), st.text(max_size=5)),
       extra=st.dictionaries(st.text(max_size=5), st.integers() | st.text(max_size=5), max_size=3))
def test_any_json_text_is_never_a_500(client, text, speaker, extra):
    body = json.dumps({**extra, "text": text, "speaker_country": speaker})
    _documented(client.post(API, data=body, content_type="application/json"))
