"""The web shell (cdcheck.web): every endpoint, every documented error, logs free of statement text.

A fresh app per test (Flask's tutorial conftest), sharing the session's loaded Checker so the
models load once. Assertions follow from the policy (the Guide's not-allowed example is a
violation, an empty text is a 400), never from exact confidences.
"""

from __future__ import annotations

import importlib.util
import io
import json
import logging
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import jsonschema
import pytest

from cdcheck.documents import MAX_BYTES, SUPPORTED
from cdcheck.errors import ModelNotFound
from cdcheck.reports.json import to_json
from cdcheck.web import create_app, warm_up
from cdcheck.web.openapi import spec

ROOT = Path(__file__).resolve().parents[2]
API = "/api/v1/check"
TOKEN = "s3cret-token-for-tests"


@pytest.fixture
def app(checker):
    """A fresh app per test around the session's Checker."""
    return create_app({"TESTING": True, "CHECKER": checker})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def not_allowed(guide_examples) -> str:
    return (guide_examples / "1-not-allowed.txt").read_text(encoding="utf-8")


def _error(response, status: int, code: str) -> dict:
    """The JSON error body, after checking its status, shape and code."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


def _validate(instance, schema_name: str) -> None:
    """Validate an answer against the OpenAPI document's own schema for it."""
    doc = spec(max_bytes=1, max_chars=1)
    jsonschema.validate(instance, {"$ref": f"#/components/schemas/{schema_name}",
                                   "components": doc["components"]})


def _upload(client, data: bytes, filename: str, **form):
    fields = {"file": (io.BytesIO(data), filename), **form}
    return client.post(API, data=fields, content_type="multipart/form-data")


# --------------------------------------------------------------------------- the app itself


def test_create_app_reads_environment_without_test_config(monkeypatch):
    monkeypatch.setenv("CDCHECK_API_TOKEN", "  tok  ")
    monkeypatch.setenv("CDCHECK_MAX_REQUEST_BYTES", "12345")
    app = create_app()
    assert app.config["API_TOKEN"] == "tok"
    assert app.config["MAX_CONTENT_LENGTH"] == 12345
    monkeypatch.delenv("CDCHECK_API_TOKEN")
    assert create_app().config["API_TOKEN"] is None


def test_app_py_exposes_app(monkeypatch):
    monkeypatch.delenv("CDCHECK_API_TOKEN", raising=False)
    spec_ = importlib.util.spec_from_file_location("cdcheck_app_module", ROOT / "app.py")
    module = importlib.util.module_from_spec(spec_)
    spec_.loader.exec_module(module)
    assert module.app.name == "cdcheck.web"
    assert {r.rule for r in module.app.url_map.iter_rules()} >= {"/", API, "/healthz",
                                                                 "/api/v1/openapi.json"}


def test_gunicorn_config_and_app_load():
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--check-config", "-c", "gunicorn.conf.py", "app:app"],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_gunicorn_config_bounds_every_request(monkeypatch):
    for var in ("CDCHECK_THREADS", "CDCHECK_TIMEOUT", "CDCHECK_KEEPALIVE", "CDCHECK_WORKERS"):
        monkeypatch.delenv(var, raising=False)
    spec_ = importlib.util.spec_from_file_location("cdcheck_gunicorn_conf", ROOT / "gunicorn.conf.py")
    conf = importlib.util.module_from_spec(spec_)
    spec_.loader.exec_module(conf)
    assert conf.worker_class == "gthread" and conf.preload_app is True
    assert conf.worker_connections == conf.threads  # every accepted request has a thread
    assert conf.keepalive == 0  # load spreads again after a worker is replaced
    assert conf.timeout <= 30 and conf.accesslog is None
    assert callable(conf.when_ready) and callable(conf.post_worker_init)
    assert conf.EXIT_STUCK not in (3, 4)  # gunicorn's boot/app-load errors would halt the master


def test_one_checker_per_app_created_lazily(monkeypatch):
    made = []

    class Counting:
        def __init__(self):
            made.append(self)

    monkeypatch.setattr("cdcheck.checker.Checker", Counting)
    holder = create_app({"TESTING": True}).extensions["cdcheck"]
    assert made == []  # nothing is loaded to build the app
    threads = [threading.Thread(target=holder.get) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(made) == 1 and holder.get() is made[0]


def test_requests_reuse_the_apps_checker(app, client, checker):
    for _ in range(2):
        assert client.post(API, json={"text": "Our programme trains judges."}).status_code == 200
    assert app.extensions["cdcheck"].get() is checker


# --------------------------------------------------------------------------- /healthz, openapi


def test_healthz(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    body = r.get_json()
    assert body["status"] == "ok" and body["tool"] == "cdcheck"
    _validate(body, "Health")


def test_warm_up_loads_models(app, client):
    warm_up(app)
    assert client.get("/healthz").get_json()["models_loaded"] is True


def test_openapi_describes_both_endpoints(client):
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    doc = r.get_json()
    assert doc["openapi"].startswith("3.1")
    assert set(doc["paths"]) >= {"/api/v1/check", "/healthz"}
    op = doc["paths"]["/api/v1/check"]["post"]
    assert {"application/json", "multipart/form-data"} <= set(op["requestBody"]["content"])
    assert set(op["responses"]) == {"200", "400", "413", "415", "422", "500", "503"}
    assert "security" not in op  # no token configured
    for schema in doc["components"]["schemas"].values():
        jsonschema.Draft202012Validator.check_schema(schema)


def test_openapi_names_every_error_code_and_limit(client, checker):
    doc = client.get("/api/v1/openapi.json").get_json()
    op = doc["paths"]["/api/v1/check"]["post"]
    said = {status: answer["description"] for status, answer in op["responses"].items()}
    for status, codes in {"400": ["malformed_json", "invalid_request", "missing_text",
                                  "missing_file", "empty_text", "bad_option"],
                          "413": ["too_large", f"{MAX_BYTES:,}", f"{checker.settings.max_chars:,}"],
                          "415": ["unsupported_media_type", "unsupported_format"],
                          "422": ["unreadable_document", "too_complex"],
                          "500": ["internal_error", "model_not_found"],
                          "503": ["busy", "check_timeout", "Retry-After"]}.items():
        for code in codes:
            assert code in said[status], (status, code)
    assert "Retry-After" in op["responses"]["503"]["headers"]
    query = {p["name"]: p for p in op["parameters"]}
    assert query["include_text"]["schema"]["type"] == "boolean"
    text = op["requestBody"]["content"]["application/json"]["schema"]["properties"]["text"]
    assert text["maxLength"] == checker.settings.max_chars and text["pattern"]
    health = doc["components"]["schemas"]["Health"]
    assert {"busy", "check_seconds", "queued", "models_loaded"} <= set(health["required"])
    assert set(doc["paths"]["/healthz"]["get"]["responses"]) == {"200", "503"}


def test_openapi_module_is_made_of_small_functions():
    import inspect

    from cdcheck.web import openapi

    for name, fn in inspect.getmembers(openapi, inspect.isfunction):
        if fn.__module__ == openapi.__name__:
            assert len(inspect.getsource(fn).splitlines()) < 80, name


# --------------------------------------------------------------------------- checking


def test_check_guide_example_is_a_violation(client, not_allowed):
    r = client.post(API, json={"text": not_allowed})
    assert r.status_code == 200
    body = r.get_json()
    _validate(body, "CheckResponse")
    assert body["tool"] == "cdcheck" and "text" not in body
    doc = body["document"]
    assert doc["source"] == "<text>"
    assert doc["verdict"] == "violation"
    blamed = [f for f in doc["findings"] if f["severity"] == "error"]
    assert blamed and all(f["label"] == "blame" and f["suggestion"] for f in blamed)
    for f in doc["findings"]:
        assert not_allowed[f["start"]:f["end"]] == f["text"]
        assert f["text"].lower() == "country x"


def _cli_document(checker, path: Path) -> dict:
    """The document object `cdcheck check --format json PATH` writes for one file."""
    from cdcheck.batch import screen

    return json.loads(to_json(screen(checker, [path])))["documents"][0]


def test_json_text_answers_the_clis_document_object(client, checker, not_allowed, tmp_path):
    path = tmp_path / "statement.txt"
    path.write_text(not_allowed, encoding="utf-8")
    doc = client.post(API, json={"text": not_allowed}).get_json()["document"]
    cli = _cli_document(checker, path)
    assert doc.pop("source") == "<text>" and cli.pop("source") == str(path)
    assert doc == cli
    assert all(f["location"]["line"] == 1 for f in doc["findings"])  # located like the CLI's


def test_upload_answers_the_clis_document_object(client, checker, tmp_path):
    text = "Our programme in Ghana trains judges.\n\nCountry X has failed its victims.\n"
    path = tmp_path / "statement.md"
    path.write_text(text, encoding="utf-8")
    doc = _upload(client, text.encode(), "statement.md").get_json()["document"]
    cli = _cli_document(checker, path)
    assert doc.pop("source") == "statement.md" and cli.pop("source") == str(path)
    assert doc == cli


def test_directives_in_the_text_are_honoured(client):
    text = ('<!-- cdcheck: allow-file X "reviewed by the Secretariat" -->\n'
            "Country X is not adequately treating victims of trafficking in persons.\n")
    body = client.post(API + "?include_text=true", json={"text": text}).get_json()
    doc = body["document"]
    assert doc["verdict"] == "ok"
    assert all(f.get("accepted") == "reviewed by the Secretariat"
               for f in doc["findings"] if f["label"] in ("blame", "situation"))
    assert "cdcheck:" not in body["text"]  # blanked, offsets kept
    assert len(body["text"]) == len(text)
    bad = client.post(API, json={"text": "<!-- cdcheck: allow -->\nCountry X failed.\n"})
    _error(bad, 400, "bad_option")


def test_include_text_gives_the_text_that_offsets_index(client):
    text = "Our office in Vienna 🇦🇹 hosts the meeting.\r\nCountry X has failed its victims."
    body = client.post(API + "?include_text=true", json={"text": text}).get_json()
    assert body["text"] == text
    for f in body["document"]["findings"]:
        assert body["text"][f["start"]:f["end"]] == f["text"]


def test_speaker_country_exempts_its_own_mentions(client):
    text = "Norway is not adequately treating victims of trafficking; Norway detains them."
    body = client.post(API, json={"text": text, "speaker_country": "NO"}).get_json()
    doc = body["document"]
    assert doc["speaker_country"] == "NOR"
    assert doc["verdict"] == "ok"
    assert all(f["label"] not in ("blame", "situation") for f in doc["findings"])
    # By name too, and null is the same as no speaker.
    assert client.post(API, json={"text": text, "speaker_country": "Norway"}).status_code == 200
    r = client.post(API, json={"text": text, "speaker_country": None})
    assert "speaker_country" not in r.get_json()["document"]


def test_statement_without_countries_is_ok(client):
    body = client.post(API, json={"text": "Governments must do more against trafficking."}).get_json()
    assert body["document"]["verdict"] == "ok" and body["document"]["findings"] == []


def test_upload_txt(client, not_allowed):
    r = _upload(client, not_allowed.encode("utf-8"), "draft statement.txt")
    assert r.status_code == 200
    doc = r.get_json()["document"]
    assert doc["source"] == "draft statement.txt"
    assert doc["verdict"] == "violation"


def test_upload_md_with_speaker_and_a_path_in_the_name(client):
    data = "# Statement\n\nNorway has failed its victims.\n".encode("utf-16")
    r = _upload(client, data, "../../drafts/Norway.md", speaker_country="NOR")
    assert r.status_code == 200
    doc = r.get_json()["document"]
    assert doc["source"] == "Norway.md"
    assert doc["verdict"] == "ok" and doc["speaker_country"] == "NOR"


def test_upload_without_a_suffix_uses_its_content_type(client):
    fields = {"file": (io.BytesIO(b"Governments must act."), "statement", "text/plain")}
    r = client.post(API, data=fields, content_type="multipart/form-data")
    assert r.status_code == 200
    assert r.get_json()["document"]["source"] == "statement"


@pytest.mark.skipif(".docx" not in SUPPORTED, reason="documents.load_bytes does not read .docx yet")
def test_upload_docx(client, not_allowed):
    import docx

    document = docx.Document()
    document.add_paragraph("Statement of the Organization")
    document.add_paragraph(not_allowed)
    buf = io.BytesIO()
    document.save(buf)
    r = _upload(client, buf.getvalue(), "statement.docx")
    assert r.status_code == 200
    assert r.get_json()["document"]["verdict"] == "violation"


# --------------------------------------------------------------------------- 400


def test_400_malformed_json(client):
    r = client.post(API, data='{"text": "Country X', content_type="application/json")
    _error(r, 400, "malformed_json")


def test_400_json_not_an_object(client):
    _error(client.post(API, json=["Country X has failed."]), 400, "invalid_request")


@pytest.mark.parametrize("body", [{}, {"speaker_country": "NO"}, {"text": None}])
def test_400_missing_text(client, body):
    _error(client.post(API, json=body), 400, "missing_text")


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_400_empty_text(client, text):
    _error(client.post(API, json={"text": text}), 400, "empty_text")


def test_400_text_not_a_string(client):
    _error(client.post(API, json={"text": 42}), 400, "invalid_request")


def test_400_unknown_country(client):
    err = _error(client.post(API, json={"text": "Country X failed.", "speaker_country": "Atlantis"}),
                 400, "bad_option")
    assert "Atlantis" in err["message"]
    r = _upload(client, b"Country X failed.", "a.txt", speaker_country="ZZ")
    _error(r, 400, "bad_option")


def test_400_country_not_a_string(client):
    _error(client.post(API, json={"text": "Country X failed.", "speaker_country": ["NO"]}),
           400, "invalid_request")


def test_400_form_without_file(client):
    r = client.post(API, data={"speaker_country": "NO"}, content_type="multipart/form-data")
    _error(r, 400, "missing_file")


def test_400_empty_file(client):
    _error(_upload(client, b"", "empty.txt"), 400, "empty_text")


# --------------------------------------------------------------------------- 413, 415, 422


def test_413_request_over_the_limit(checker):
    client = create_app({"TESTING": True, "CHECKER": checker,
                         "MAX_CONTENT_LENGTH": 1000}).test_client()
    err = _error(client.post(API, json={"text": "Country X failed. " * 100}), 413, "too_large")
    assert "1000" in err["message"]
    _error(_upload(client, b"x" * 2000, "big.txt"), 413, "too_large")


def test_413_statement_over_the_character_limit(client, checker):
    text = "a " * (checker.settings.max_chars // 2 + 1)
    _error(client.post(API, json={"text": text}), 413, "too_large")


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          "application/xml"])
def test_415_unsupported_content_type(client, content_type):
    r = client.post(API, data="text=Country X failed.", content_type=content_type)
    _error(r, 415, "unsupported_media_type")


def test_415_no_content_type(client):
    _error(client.post(API, data=b"Country X failed."), 415, "unsupported_media_type")


@pytest.mark.parametrize("name", ["statement.rtf", "statement.exe", "statement"])
def test_415_unsupported_file_type(client, name):
    _error(_upload(client, b"Country X failed.", name), 415, "unsupported_format")


def test_422_binary_junk_in_a_txt(client):
    junk = bytes(range(256)) * 64
    _error(_upload(client, junk, "statement.txt"), 422, "unreadable_document")


@pytest.mark.skipif(".docx" not in SUPPORTED, reason="documents.load_bytes does not read .docx yet")
def test_422_corrupt_docx(client):
    _error(_upload(client, b"PK\x03\x04 this is no zip archive", "statement.docx"),
           422, "unreadable_document")


# --------------------------------------------------------------------------- 404, 405


def test_404_is_json(client):
    _error(client.get("/no/such/page"), 404, "not_found")
    _error(client.post("/api/v2/check", json={"text": "x"}), 404, "not_found")


def test_405_is_json_with_allow(client):
    r = client.get(API)
    _error(r, 405, "method_not_allowed")
    assert "POST" in r.headers["Allow"]
    _error(client.post("/healthz"), 405, "method_not_allowed")
    _error(client.delete("/"), 405, "method_not_allowed")


# --------------------------------------------------------------------------- token


@pytest.fixture
def token_client(checker):
    return create_app({"TESTING": True, "CHECKER": checker, "API_TOKEN": TOKEN}).test_client()


@pytest.mark.parametrize("header", [None, "Bearer wrong", f"Basic {TOKEN}", TOKEN, "Bearer "])
def test_401_without_the_right_token(token_client, header):
    headers = {"Authorization": header} if header else {}
    r = token_client.post(API, json={"text": "Country X failed."}, headers=headers)
    _error(r, 401, "unauthorized")
    assert r.headers["WWW-Authenticate"].startswith("Bearer")


def test_token_lets_the_request_in_and_leaves_healthz_open(token_client):
    r = token_client.post(API, json={"text": "Governments must act."},
                          headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 200
    assert token_client.get("/healthz").status_code == 200
    doc = token_client.get("/api/v1/openapi.json").get_json()
    assert doc["paths"]["/api/v1/check"]["post"]["security"] == [{"bearer": []}]
    assert "Access token" in token_client.get("/").get_data(as_text=True)


# --------------------------------------------------------------------------- 500


class _Broken:
    """A Checker whose check fails with a message that quotes the statement."""

    def __init__(self, exc):
        self.exc = exc
        from cdcheck.settings import Settings

        self.settings = Settings.from_env()

    def options(self, speaker_country=None):
        return None

    def check_document(self, document, options=None):
        raise self.exc


def test_500_is_json_without_a_stack_trace_or_the_text(caplog):
    marker = f"MARKER-{uuid.uuid4().hex}"
    client = create_app({"CHECKER": _Broken(RuntimeError(f"bad token {marker}"))}).test_client()
    with caplog.at_level(logging.DEBUG):
        r = client.post(API, json={"text": f"Country X failed. {marker}"})
    err = _error(r, 500, "internal_error")
    assert marker not in r.get_data(as_text=True) and "Traceback" not in err["message"]
    assert "RuntimeError" in caplog.text  # the log says what broke...
    assert marker not in caplog.text  # ...but not with the statement's words


def test_500_model_not_found(client):
    client = create_app({"CHECKER": _Broken(ModelNotFound("no trained classifier"))}).test_client()
    _error(client.post(API, json={"text": "Country X failed."}), 500, "model_not_found")


# --------------------------------------------------------------------------- privacy, headers


def test_no_statement_text_in_any_log_line(client, caplog, capfd):
    marker = f"Zq{uuid.uuid4().hex}"
    text = f"Country X has failed its victims. {marker} is what they call it in Norway."
    with caplog.at_level(logging.DEBUG):
        assert client.post(API, json={"text": text}).status_code == 200
        assert _upload(client, text.encode(), f"{marker}.txt").status_code == 200
        client.post(API, json={"text": text, "speaker_country": marker})  # 400, quotes it back
        client.post(API, data=text, content_type="text/plain")  # 415
        client.get(f"/{marker}?q={marker}")  # 404
    assert caplog.records  # requests are logged...
    assert all(marker not in r.getMessage() for r in caplog.records)  # ...without the text
    assert marker not in caplog.text
    out, err = capfd.readouterr()
    assert marker not in out and marker not in err


def test_security_headers(client):
    for r in (client.get("/"), client.get("/healthz"), client.get("/nope")):
        assert "default-src 'self'" in r.headers["Content-Security-Policy"]
        assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert client.post(API, json={}).headers["Cache-Control"] == "no-store"


# --------------------------------------------------------------------------- the page


def test_page(client, checker):
    r = client.get("/")
    assert r.status_code == 200 and r.mimetype == "text/html"
    html = r.get_data(as_text=True)
    for needle in ('<label for="text">', '<label for="file">', '<label for="speaker">',
                   'list="countries"', '<datalist id="countries">',
                   '<option value="Norway (NOR)">', 'aria-live="polite"', "<noscript>",
                   'data-api="/api/v1/check"', 'name="viewport"'):
        assert needle in html, needle
    assert html.count("<option ") == len(checker.gazetteer.names)
    assert "http://" not in html and "https://" not in html  # no CDN, nothing external
    assert "Access token" not in html  # no token configured


def test_page_assets_are_served(client):
    html = client.get("/").get_data(as_text=True)
    for path, mimetype in (("/static/cdcheck.css", "text/css"),
                           ("/static/cdcheck.js", "text/javascript"),
                           ("/static/favicon.svg", "image/svg+xml")):
        assert path in html
        r = client.get(path)
        assert r.status_code == 200 and r.mimetype == mimetype
        r.close()
    js = (ROOT / "src/cdcheck/web/static/cdcheck.js").read_text(encoding="utf-8")
    assert ".innerHTML" not in js and "http://" not in js and "https://" not in js


def test_every_country_in_the_selector_resolves(checker):
    for code in checker.gazetteer.names:
        assert checker.resolve_country(code) == code
