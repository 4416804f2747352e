"""Every error answers JSON `{"error": {"code", "message"}}` with its status; never a stack trace.

A client's mistake is an HTTPException (werkzeug) or a CdcheckError (the core's family, which
carries its own `code` and `http_status`); anything else is our bug: a JSON 500 whose log line
names the exception type and the code path but not its message, which could quote the statement.
"""

from __future__ import annotations

import logging
import re
import traceback

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

from ..errors import CdcheckError

log = logging.getLogger("cdcheck.web")

#: Codes for the HTTP errors whose default name is not the clearest one for a client.
HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",  # the same code as the core's DocumentTooLarge
    415: "unsupported_media_type",
}

#: Retry-After (seconds) for a 503 from the core (its per-check time budget ran out).
CORE_RETRY_AFTER = 30

MESSAGES = {
    404: "there is nothing at this address; the API is under /api/v1/ (see /api/v1/openapi.json)",
    413: "the request is over the size limit of {limit} bytes",
}


class ApiError(HTTPException):
    """A 4xx with our own machine-readable code (malformed JSON, missing text...)."""

    def __init__(self, status: int, code: str, message: str, headers: dict | None = None):
        super().__init__(message)
        self.code = status
        self.error_code = code
        self.extra_headers = headers or {}


def json_error(status: int, code: str, message: str, headers: dict | None = None):
    """The JSON error response every error handler returns."""
    response = jsonify({"error": {"code": code, "message": message}})
    response.status_code = status
    for k, v in (headers or {}).items():
        response.headers[k] = v
    return response


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _http_error(exc: HTTPException):
    status = exc.code or 500
    if isinstance(exc, ApiError):
        return json_error(status, exc.error_code, exc.description, exc.extra_headers)
    code = HTTP_CODES.get(status) or _snake(type(exc).__name__)
    message = MESSAGES.get(status) or exc.description or exc.name
    if status == 413:
        from flask import current_app

        message = message.format(limit=current_app.config.get("MAX_CONTENT_LENGTH"))
    # Keep the headers HTTP requires (Allow on 405, WWW-Authenticate on 401), not the HTML type.
    headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
    return json_error(status, code, message, headers)


def _cdcheck_error(exc: CdcheckError):
    headers = None
    if exc.http_status == 503:  # the core's time budget: worth trying again, later
        headers = {"Retry-After": str(getattr(exc, "retry_after", None) or CORE_RETRY_AFTER)}
    return json_error(exc.http_status, exc.code, str(exc), headers)


def server_parse_errors() -> tuple[type[Exception], ...]:
    """The WSGI server's own errors for a malformed request body, raised while the app reads it
    (gunicorn's ParseException for a broken chunked encoding): a client's mistake, a 400."""
    try:
        from gunicorn.http.errors import ParseException
    except ImportError:  # another server, or none (tests)
        return ()
    return (ParseException,)


def _malformed_request(exc: Exception):
    return json_error(400, "malformed_request", "the request body is not valid HTTP "
                                                "(a broken chunked transfer encoding)")


def _unexpected(exc: Exception):
    # The type and the frames (code, not data) go to the log; the message may quote the text.
    frames = "".join(traceback.format_tb(exc.__traceback__))
    log.error("unhandled %s\n%s", type(exc).__name__, frames)
    return json_error(500, "internal_error", "an internal error occurred; it has been logged")


def register(app: Flask) -> None:
    """Install the JSON error handlers on `app`."""
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(CdcheckError, _cdcheck_error)
    for exc_type in server_parse_errors():
        app.register_error_handler(exc_type, _malformed_request)
    app.register_error_handler(Exception, _unexpected)
