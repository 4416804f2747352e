"""The web shell around Checker: a JSON API for other systems and one page for panellists.

`create_app(test_config=None)` builds the Flask app (the Flask tutorial's factory pattern): layered
config (defaults, then CDCHECK_* variables through Flask's `from_prefixed_env`, or the tests'
mapping), the `api` and `pages` blueprints, JSON error handlers, security headers. The Checker
lives in `engine` (created once per app, that is once per gunicorn worker, on first use, or
passed in by tests). No route re-implements a stage: they read bytes with
`documents.load_bytes` (JSON text is read as the CLI reads standard input), check them with
`Checker.check_document` on the engine's thread and answer `DocumentReport.to_dict()`, the CLI's
JSON document object.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

from flask import Flask, g, request

from ..documents import MAX_BYTES
from .engine import warm_up

__all__ = ["create_app", "warm_up"]

log = logging.getLogger("cdcheck.web")

#: Defaults; the environment (when no test_config is given) and test_config override them.
DEFAULTS: dict[str, Any] = {
    # Largest request body; a bigger one is refused with 413 before it is read.
    "MAX_CONTENT_LENGTH": MAX_BYTES,
    # When set, POST /api/v1/check needs `Authorization: Bearer <token>`.
    "API_TOKEN": None,
    # A ready Checker to use (tests share one); None: create one lazily, once per app.
    "CHECKER": None,
    # Seconds a check may wait for the worker's checking thread before 503 busy.
    "QUEUE_WAIT": 30.0,
    # Seconds a check may run before 503 check_timeout (and, under gunicorn, a new worker).
    "CHECK_TIMEOUT": 60.0,
}

#: An unread request body is read and dropped before the answer goes out (up to this many bytes
#: and seconds), so that a client still sending it gets the answer, a 413 above all, instead of a
#: connection reset; a larger one is left unread and the connection is closed.
DRAIN_BYTES = 64 * 1024 * 1024
DRAIN_SECONDS = 10.0

#: Content-Security-Policy: everything from this app, nothing inline, no frames.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """The cdcheck web app: defaults, then the environment (or `test_config` in tests)."""
    app = Flask(__name__)
    app.json.sort_keys = False  # keep the CLI's key order: source, verdict, findings...
    app.config.from_mapping(DEFAULTS)
    if test_config is None:
        _from_env(app)
    else:
        app.config.from_mapping(test_config)

    from . import api, engine, errors, pages

    engine.init_app(app)

    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    errors.register(app)
    app.before_request(_start_timer)
    app.after_request(_finish)
    return app


def _from_env(app: Flask) -> None:
    """The settings a deployment gives as CDCHECK_* environment variables (Flask's loader):
    CDCHECK_API_TOKEN, CDCHECK_MAX_CONTENT_LENGTH (or its older name CDCHECK_MAX_REQUEST_BYTES),
    CDCHECK_QUEUE_WAIT, CDCHECK_CHECK_TIMEOUT."""
    app.config.from_prefixed_env("CDCHECK")
    if "MAX_REQUEST_BYTES" in app.config:
        app.config["MAX_CONTENT_LENGTH"] = int(app.config.pop("MAX_REQUEST_BYTES"))
    token = str(app.config.get("API_TOKEN") or "").strip()
    app.config["API_TOKEN"] = token or None
    for key in ("QUEUE_WAIT", "CHECK_TIMEOUT"):
        app.config[key] = float(app.config[key])


def _start_timer() -> None:
    g.started = time.perf_counter()


def _drain_body() -> None:
    """Read and drop what is left of the request body, within DRAIN_BYTES and DRAIN_SECONDS.

    Only where the server ends the input stream at the body's end (gunicorn; werkzeug for a
    chunked body): elsewhere reading on could wait for bytes that never come.
    """
    environ = request.environ
    if not environ.get("wsgi.input_terminated"):
        return
    length = request.content_length
    if length is not None and length > DRAIN_BYTES:
        return
    from .errors import server_parse_errors

    stream, read = environ["wsgi.input"], 0
    deadline = time.monotonic() + DRAIN_SECONDS
    while read < DRAIN_BYTES and time.monotonic() < deadline:
        try:
            chunk = stream.read(64 * 1024)
        except (OSError, *server_parse_errors()):  # the client left, or broke the encoding
            return
        if not chunk:
            return
        read += len(chunk)


def _finish(response):
    """Security headers on every answer, and one log line with no request content in it."""
    _drain_body()
    h = response.headers
    h.setdefault("Content-Security-Policy", CSP)
    h.setdefault("X-Content-Type-Options", "nosniff")
    h.setdefault("Referrer-Policy", "no-referrer")
    h.setdefault("X-Frame-Options", "DENY")
    if request.path.startswith("/api/"):
        h.setdefault("Cache-Control", "no-store")
    # Method, the route matched (not the path or query a client wrote), status, size and time.
    rule = request.url_rule.rule if request.url_rule is not None else "<no route>"
    ms = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
    log.info("%s %s %s %s bytes in, %.0f ms", request.method, rule, response.status_code,
             request.content_length or 0, ms)
    return response
