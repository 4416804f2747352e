"""The JSON API: POST /api/v1/check, GET /api/v1/openapi.json, GET /healthz.

`POST /api/v1/check` answers `{"tool", "version", "document"}`, where `document` is the same
object as one entry of the CLI's `documents` list (`DocumentReport.to_dict()`).
"""

from __future__ import annotations

import hmac
import json
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from flask import Blueprint, current_app, jsonify, request

from .. import __version__
from ..documents import SUPPORTED, load_bytes
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


def _flag(name: str) -> bool:
    return request.args.get(name, "").lower() in ("1", "true", "yes")


def _json_input() -> tuple[bytes, str, str, Any]:
    """(data, source, suffix, speaker_country) from a JSON body: text, read as the CLI reads stdin."""
    try:
        body = json.loads(request.get_data(cache=False))
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "malformed_json", "the request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_request", 'the JSON body must be an object: {"text": "..."}')
    if "text" not in body or body["text"] is None:
        raise ApiError(400, "missing_text", 'the JSON body has no "text" to check')
    if not isinstance(body["text"], str):
        raise ApiError(400, "invalid_request", '"text" must be a string')
    return body["text"].encode("utf-8"), JSON_SOURCE, ".txt", body.get("speaker_country")


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


@bp.post("/api/v1/check")
def check():
    """Check one statement (JSON text or an uploaded file) and answer its document object."""
    _require_token()
    if request.mimetype == "application/json" or request.mimetype.endswith("+json"):
        data, source, suffix, speaker = _json_input()
    elif request.mimetype == "multipart/form-data":
        data, source, suffix, speaker = _upload_input()
    else:
        raise ApiError(415, "unsupported_media_type",
                       "send application/json {\"text\": ...} or multipart/form-data with a "
                       f"file ({', '.join(sorted(SUPPORTED))})")
    if speaker is not None and not isinstance(speaker, str):
        raise ApiError(400, "invalid_request", '"speaker_country" must be a string')
    holder = _holder()
    options = holder.get().options(speaker)  # BadOption (400) before any reading
    report = holder.check(load_bytes(data, source, suffix), options)
    current_app.logger.info("check: verdict %s, %d findings, %d characters",
                            report.verdict, len(report.findings or []), len(report.text))
    body: dict[str, Any] = {"tool": "cdcheck", "version": __version__,
                            "document": report.to_dict()}
    if _flag("include_text"):
        body["text"] = report.text
    return jsonify(body)


@bp.get("/api/v1/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of this API."""
    return jsonify(spec(max_bytes=current_app.config["MAX_CONTENT_LENGTH"],
                        max_chars=_holder().settings.max_chars,
                        token=bool(current_app.config.get("API_TOKEN"))))


@bp.get("/healthz")
def healthz():
    """Liveness: the process answers. `models_loaded` says whether a check will be fast."""
    return jsonify({"status": "ok", "tool": "cdcheck", "version": __version__,
                    "models_loaded": _holder().loaded})
