"""The JSON API: POST /api/v1/check, GET /api/v1/openapi.json, GET /healthz.

`POST /api/v1/check` answers `{"tool", "version", "document"}`, where `document` is the same
object as one entry of the CLI's `documents` list (`DocumentReport.to_dict()`). What it accepts
and answers is exactly what `openapi.py` describes (schemathesis checks the two against each
other on the real server: tests/web/test_contract.py).
"""

from __future__ import annotations

import codecs
import hmac
import json
import re
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from flask import Blueprint, current_app, jsonify, request

from .. import __version__
from ..documents import SUPPORTED, load_bytes
from .countries import speaker_values
from .errors import ApiError
from .openapi import spec

bp = Blueprint("api", __name__)

#: Upload content types, for a file part that has no usable file name.
MIME_SUFFIX = {
    "text/plain": ".txt",
    "text/markdown": ".md",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/pdf": ".pdf",
}
#: The report's `source` for JSON text (the CLI names standard input "<stdin>").
JSON_SOURCE = "<text>"
#: Longest file name kept as the report's `source`.
MAX_NAME = 200
#: JSON text may not hold control characters other than the whitespace ones (\t \n \v \f \r):
#: binary data is not a statement (422). openapi.TEXT_PATTERN says the same to clients.
CONTROL = re.compile("[\x00-\x08\x0e-\x1f]")
#: An unpaired UTF-16 surrogate (JSON's "\ud800" escape): not a Unicode character.
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _holder():
    from .engine import get_engine

    return get_engine()


def _require_token() -> None:
    """401 unless the configured API token (if any) is given as a bearer token."""
    token = current_app.config.get("API_TOKEN")
    if not token:
        return
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise ApiError(401, "unauthorized", "this API needs `Authorization: Bearer <token>`",
                       {"WWW-Authenticate": 'Bearer realm="cdcheck"'})


def _include_text() -> bool:
    """The `include_text` query parameter: absent, `true` or `false` (a boolean, nothing else)."""
    values = request.args.getlist("include_text")
    if not values:
        return False
    if len(values) == 1 and values[0] in ("true", "false"):
        return values[0] == "true"
    raise ApiError(400, "invalid_request", "the query parameter include_text must be true or false")


def _more(stream) -> bool:
    """Whether the body goes on; a client gone mid-body has sent all it will."""
    try:
        return bool(stream.read(1))
    except OSError:
        return False


def _json_body() -> Any:
    """The request body parsed as JSON; 400 when it is not JSON or nests too deeply to parse."""
    data = request.get_data(cache=False)
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if request.content_length is None and limit and len(data) >= limit:
        # A chunked body is cut at the limit without a word (werkzeug): is there more of it?
        environ = request.environ
        if environ.get("wsgi.input_terminated") and _more(environ["wsgi.input"]):
            raise ApiError(413, "too_large", f"the request is over the size limit of {limit} bytes")
    try:
        return json.loads(data)
    except RecursionError:
        raise ApiError(400, "invalid_request", "the JSON body is nested too deeply") from None
    except ValueError:  # includes UnicodeDecodeError and integers over Python's digit limit
        raise ApiError(400, "malformed_json", "the request body is not valid JSON") from None


def _text_bytes(text: str) -> bytes:
    """The JSON text as bytes for the CLI's text reader, exactly as sent (offsets index it).

    The UTF-8 byte-order mark in front makes the reader decode exactly these bytes and remove
    only that mark, so a text that itself starts with U+FEFF keeps it.
    """
    max_chars = _holder().settings.max_chars
    if len(text) > max_chars:
        raise ApiError(413, "too_large", f"the statement has {len(text):,} characters; the limit "
                                         f"is {max_chars:,}")
    if LONE_SURROGATE.search(text):
        raise ApiError(400, "invalid_request", '"text" holds an unpaired surrogate escape '
                                               "(\\ud800-\\udfff), which is not a character")
    if CONTROL.search(text):
        raise ApiError(422, "unreadable_document", '"text" holds control characters (other than '
                                                   "tab, line and page breaks): binary data is "
                                                   "not a statement")
    return codecs.BOM_UTF8 + text.encode("utf-8")


def _json_input() -> tuple[bytes, str, str, Any]:
    """(data, source, suffix, speaker_country) from a JSON body: text, read as the CLI reads stdin."""
    body = _json_body()
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_request", 'the JSON body must be an object: {"text": "..."}')
    if "text" not in body or body["text"] is None:
        raise ApiError(400, "missing_text", 'the JSON body has no "text" to check')
    if not isinstance(body["text"], str):
        raise ApiError(400, "invalid_request", '"text" must be a string')
    return _text_bytes(body["text"]), JSON_SOURCE, ".txt", body.get("speaker_country")


def _upload_input() -> tuple[bytes, str, str, Any]:
    """(data, source, suffix, speaker_country) from a multipart upload (field `file`)."""
    upload = request.files.get("file")
    if upload is None:
        raise ApiError(400, "missing_file", 'the form has no file in the field "file"')
    # Keep only the last part of a name sent with a path (old browsers), at a sensible length.
    name = PurePosixPath(PureWindowsPath(upload.filename or "").name).name[:MAX_NAME]
    suffix = PurePosixPath(name).suffix.lower()
    if not suffix:
        suffix = MIME_SUFFIX.get(upload.mimetype or "", "")
    return upload.read(), name or f"upload{suffix}", suffix, request.form.get("speaker_country")


def _speaker(value: Any) -> str | None:
    """ISO3 of a `speaker_country` given exactly as the OpenAPI document lists it; None for none."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ApiError(400, "invalid_request", '"speaker_country" must be a string')
    iso3 = speaker_values(_holder().settings.rules_dir).get(value)
    if iso3 is None:
        raise ApiError(400, "bad_option", f"unknown country {value!r}: give an ISO 3166-1 alpha-2 "
                                          "or alpha-3 code in capitals (NO, NOR) or the name as "
                                          "the list spells it (Norway)")
    return iso3


@bp.post("/api/v1/check")
def check():
    """Check one statement (JSON text or an uploaded file) and answer its document object."""
    _require_token()
    include_text = _include_text()
    if request.mimetype == "application/json" or request.mimetype.endswith("+json"):
        data, source, suffix, speaker = _json_input()
    elif request.mimetype == "multipart/form-data":
        data, source, suffix, speaker = _upload_input()
    else:
        raise ApiError(415, "unsupported_media_type",
                       "send application/json {\"text\": ...} or multipart/form-data with a "
                       f"file ({', '.join(sorted(SUPPORTED))})")
    holder = _holder()
    options = holder.get().options(_speaker(speaker))  # 400 before any reading
    report = holder.check(load_bytes(data, source, suffix, holder.settings.max_chars), options)
    current_app.logger.info("check: verdict %s, %d findings, %d characters",
                            report.verdict, len(report.findings or []), len(report.text))
    body: dict[str, Any] = {"tool": "cdcheck", "version": __version__,
                            "document": report.to_dict()}
    if include_text:
        body["text"] = report.text
    return jsonify(body)


@bp.get("/api/v1/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of this API, with this deployment's limits."""
    holder = _holder()
    settings = holder.settings
    return jsonify(spec(max_bytes=current_app.config["MAX_CONTENT_LENGTH"],
                        max_chars=settings.max_chars,
                        token=bool(current_app.config.get("API_TOKEN")),
                        speakers=sorted(speaker_values(settings.rules_dir)),
                        queue_wait=holder.queue_wait, check_timeout=holder.check_timeout))


@bp.get("/healthz")
def healthz():
    """Liveness: the process answers; whether a check runs, for how long, and how many wait.

    A worker whose check ran past the check timeout answers 503 `stopping`: it is being replaced.
    """
    holder = _holder()
    state = holder.status()
    stuck = state.pop("stuck")
    body = {"status": "stopping" if stuck else "ok", "tool": "cdcheck", "version": __version__,
            "models_loaded": holder.loaded, **state}
    return jsonify(body), 503 if stuck else 200
