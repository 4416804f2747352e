"""The OpenAPI 3.1 description of the API, written by hand (it is small and changes rarely).

It says exactly what the server does: every status and error code each operation can answer,
and request schemas as strict as the server (the text's pattern and length, the speaker's
accepted values, the query parameter's type), so that a request the document calls valid is
checked and one it calls invalid is refused with a 4xx. tests/web/test_contract.py runs
schemathesis (`--checks all`) against the real gunicorn server to hold the two together.

The response schemas follow `schema.py`'s `to_dict()` methods; tests validate real answers
against them. New fields may be added, never removed (`additionalProperties` stays open), as in
the CLI's JSON contract.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .. import __version__
from ..documents import SUPPORTED
from ..schema import KINDS, LABELS, VERDICTS

#: Characters JSON text may hold: anything but the control characters other than \t \n \v \f \r
#: (api.CONTROL refuses those with 422).
_ALLOWED = "[^\\x00-\\x08\\x0e-\\x1f]"
#: A character that is neither whitespace (Python's str.isspace(), which decides "empty") nor
#: refused.
_VISIBLE = ("[^\\x00-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f"
            "\\u3000]")
#: JSON text: allowed characters only, at least one of them not whitespace (else 400 empty_text).
TEXT_PATTERN = f"^{_ALLOWED}*{_VISIBLE}{_ALLOWED}*$"

#: The media types a file part may be sent as (when its name has no suffix, the type decides).
UPLOAD_TYPES = ("text/plain", "text/markdown", "application/pdf",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document")


def spec(max_bytes: int, max_chars: int, token: bool = False, speakers: Sequence[str] = (),
         queue_wait: float = 30.0, check_timeout: float = 60.0) -> dict[str, Any]:
    """The OpenAPI document, with this deployment's limits and accepted countries filled in."""
    limits = {"max_bytes": max_bytes, "max_chars": max_chars, "queue_wait": queue_wait,
              "check_timeout": check_timeout}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "cdcheck",
            "version": __version__,
            "description": "Checks draft statements for the UN Constructive Dialogues against the "
                           "no-naming rule: no specific country situation shall be mentioned "
                           "except by the country under review.",
        },
        "paths": {
            "/api/v1/check": {"post": _check_operation(limits, list(speakers), token)},
            "/healthz": {"get": _health_operation(check_timeout)},
            "/api/v1/openapi.json": {"get": {
                "operationId": "openapi", "summary": "This document",
                "responses": {"200": {"description": "OpenAPI 3.1",
                                      "content": {"application/json": {
                                          "schema": {"type": "object"}}}}},
            }},
        },
        "components": {
            "schemas": {
                "CheckResponse": _check_response_schema(),
                "Document": _document_schema(),
                "Finding": _finding_schema(),
                "Evidence": _evidence_schema(),
                "Rewrite": _rewrite_schema(),
                "Health": _health_schema(),
                "Error": _error_schema(),
            },
            "headers": {
                "Retry-After": {"description": "seconds to wait before trying again",
                                "required": True,
                                "schema": {"type": "string", "pattern": "^[0-9]+$"}},
            },
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


# ---------------------------------------------------------------------------- POST /api/v1/check


def _check_operation(limits: dict, speakers: list[str], token: bool) -> dict[str, Any]:
    formats = ", ".join(sorted(SUPPORTED))
    op: dict[str, Any] = {
        "operationId": "check",
        "summary": "Check one statement against the no-naming rule",
        "description": (
            f"Send the statement as JSON text or upload it as a file ({formats}). The answer's "
            f"`document` is the CLI's JSON document object. Requests are limited to "
            f"{limits['max_bytes']:,} bytes and statements to {limits['max_chars']:,} characters "
            f"(413). A check waits at most {limits['queue_wait']:g} s for the worker's checking "
            f"thread and runs at most {limits['check_timeout']:g} s (503 with Retry-After). "
            "Statement text is never logged or stored."
        ),
        "parameters": [{
            "name": "include_text", "in": "query", "required": False,
            "schema": {"type": "boolean", "default": False},
            "description": "`true` also answers `text`, the checked text that finding offsets "
                           "index (useful for uploads); `false` or absent does not; any other "
                           "value is a 400 (invalid_request)",
        }],
        "requestBody": {"required": True, "content": {
            "application/json": _json_request(limits["max_chars"], speakers),
            "multipart/form-data": _upload_request(speakers, formats),
        }},
        "responses": _check_responses(limits, formats),
    }
    if token:
        op["security"] = [{"bearer": []}]
        op["responses"]["401"] = _error("no or wrong bearer token (unauthorized)",
                                        {"WWW-Authenticate": {"schema": {"type": "string"}}})
    return op


def _speaker_schema(speakers: list[str], nullable: bool) -> dict[str, Any]:
    values: list[Any] = ([None] if nullable else []) + [""] + speakers
    return {"type": ["string", "null"] if nullable else "string", "enum": values,
            "description": "the speaker is this country (under review): an ISO 3166-1 alpha-2 or "
                           "alpha-3 code in capitals, or its name as listed; its own mentions "
                           "are exempt. Empty or null: no speaker. Any other value is a 400 "
                           "(bad_option)"}


def _json_request(max_chars: int, speakers: list[str]) -> dict[str, Any]:
    return {
        "schema": {
            "type": "object", "required": ["text"],
            "properties": {
                "text": {"type": "string", "minLength": 1, "maxLength": max_chars,
                         "pattern": TEXT_PATTERN,
                         "description": "the statement, read as `cdcheck check -` reads standard "
                                        "input; finding offsets index it exactly. Longer than "
                                        "maxLength: 413 (too_large); only whitespace: 400 "
                                        "(empty_text); a control character other than tab, line "
                                        "or page breaks: 422 (unreadable_document); an unpaired "
                                        "surrogate escape: 400 (invalid_request)"},
                "speaker_country": _speaker_schema(speakers, nullable=True),
            },
        },
        "example": {"text": "Country X has not addressed this issue.", "speaker_country": None},
    }


def _upload_request(speakers: list[str], formats: str) -> dict[str, Any]:
    return {
        "schema": {
            "type": "object", "required": ["file"],
            "properties": {
                "file": {"type": "string", "format": "binary",
                         "description": f"the statement: {formats}, chosen by the file name's "
                                        "suffix, or by the part's content type when the name has "
                                        "none; another type is a 415 (unsupported_format), a "
                                        "file of a supported type that cannot be read a 422 "
                                        "(unreadable_document), one without text a 400 "
                                        "(empty_text)"},
                "speaker_country": _speaker_schema(speakers, nullable=False),
            },
        },
        "encoding": {"file": {"contentType": ", ".join(UPLOAD_TYPES)}},
    }


def _check_responses(limits: dict, formats: str) -> dict[str, Any]:
    retry = {"Retry-After": {"$ref": "#/components/headers/Retry-After"}}
    return {
        "200": {"description": "the check's result", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/CheckResponse"}}}},
        "400": _error("a broken chunked transfer encoding (malformed_request); malformed JSON "
                      "(malformed_json); a body that is not an object, JSON nested "
                      "too deeply to parse, a field of the wrong type, an unpaired surrogate in "
                      "the text or an include_text other than true/false (invalid_request); no "
                      "text (missing_text) or no file (missing_file); a statement with only "
                      "whitespace (empty_text); a speaker country not in the list, or a "
                      "malformed `<!-- cdcheck: ... -->` directive (bad_option)"),
        "413": _error(f"a request over {limits['max_bytes']:,} bytes, a file over the readers' "
                      f"size limits (a .docx declaring more XML than they read), or a statement "
                      f"over {limits['max_chars']:,} characters (too_large)"),
        "415": _error("neither JSON nor multipart (unsupported_media_type), or a file type other "
                      f"than {formats} (unsupported_format)"),
        "422": _error("a file of a supported type that cannot be read: binary, corrupt, "
                      "encrypted, no text layer; JSON text with control characters "
                      "(unreadable_document); a document over a reading budget: a PDF's drawing "
                      "operators or reading time, too many cdcheck directives (too_complex)"),
        "500": _error("a fault of the service (internal_error, model_not_found)"),
        "503": _error(f"the worker's checking thread did not free up within "
                      f"{limits['queue_wait']:g} s or is being replaced (busy); the check ran past "
                      f"{limits['check_timeout']:g} s (check_timeout); the check went over the "
                      "core's time budget (time_budget). Try again after Retry-After seconds",
                      retry),
    }


def _error(description: str, headers: dict | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"description": description, "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Error"}}}}
    if headers:
        out["headers"] = headers
    return out


# ---------------------------------------------------------------------------- GET /healthz


def _health_operation(check_timeout: float) -> dict[str, Any]:
    health = {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}
    return {
        "operationId": "health",
        "summary": "Liveness and load of the worker that answers; never needs a token",
        "description": "A worker that answers is alive; `busy` and `check_seconds` say whether "
                       "it is checking and for how long, `queued` how many checks wait. A dead "
                       "worker does not answer at all.",
        "responses": {
            "200": {"description": "the worker answers", "content": health},
            "503": {"description": f"a check ran past {check_timeout:g} s: this worker is "
                                   "stopping and the service starts a fresh one (status "
                                   "`stopping`)", "content": health},
        },
    }


def _health_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["status", "tool", "version", "models_loaded", "busy", "check_seconds",
                     "queued"],
        "properties": {
            "status": {"type": "string", "enum": ["ok", "stopping"]},
            "tool": {"const": "cdcheck"},
            "version": {"type": "string"},
            "models_loaded": {"type": "boolean",
                              "description": "this worker has loaded its models"},
            "busy": {"type": "boolean", "description": "a check is running in this worker"},
            "check_seconds": {"type": ["number", "null"], "minimum": 0,
                              "description": "how long the running check has run; null when idle"},
            "queued": {"type": "integer", "minimum": 0,
                       "description": "checks waiting for this worker's checking thread"},
        },
    }


# ---------------------------------------------------------------------------- answers


def _check_response_schema() -> dict[str, Any]:
    return {
        "type": "object", "required": ["tool", "version", "document"],
        "properties": {
            "tool": {"const": "cdcheck"},
            "version": {"type": "string"},
            "document": {"$ref": "#/components/schemas/Document"},
            "text": {"type": "string", "description": "the checked text (with include_text=true)"},
        },
    }


def _document_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "description": "The same object as one entry of the CLI's `documents` "
                       "(`cdcheck check --format json`).",
        "required": ["source", "verdict", "findings"],
        "properties": {
            "source": {"type": "string",
                       "description": "`<text>` for JSON input, else the uploaded file's name"},
            "verdict": {"type": "string", "enum": list(VERDICTS),
                        "description": "the worst finding: violation (a blame), review (a "
                                       "situation) or ok"},
            "findings": {"type": "array", "items": {"$ref": "#/components/schemas/Finding"}},
            "speaker_country": {"type": "string", "description": "ISO3, when one was given"},
        },
    }


def _finding_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["start", "end", "text", "country", "country_name", "kind", "label",
                     "severity", "confidence", "sentence", "message", "suggestion"],
        "properties": {
            "start": {"type": "integer", "minimum": 0,
                      "description": "character offset of the mention in the document's text"},
            "end": {"type": "integer", "minimum": 1, "description": "end offset (exclusive)"},
            "text": {"type": "string", "description": "the mention as written"},
            "country": {"type": ["string", "null"],
                        "description": "ISO 3166-1 alpha-3 code; null for a placeholder (Country X)"},
            "country_name": {"type": "string"},
            "kind": {"type": "string", "enum": list(KINDS)},
            "in_org": {"type": "boolean",
                       "description": "the mention is part of an organization's name"},
            "label": {"type": "string", "enum": list(LABELS),
                      "description": "blame (names and shames), situation (describes a country's "
                                     "situation), work, neutral, exempt (the speaker's own country)"},
            "severity": {"type": "string", "enum": ["error", "warning", "info"]},
            "confidence": {"type": "number", "minimum": 0, "maximum": 1},
            "sentence": {"type": "string", "description": "the sentence the mention is in"},
            "message": {"type": "string", "description": "why: the reason for the label"},
            "suggestion": {"type": ["string", "null"],
                           "description": "a rewrite of the sentence without the country "
                                          "(for blame and situation)"},
            "explanation": {"type": "object",
                            "description": "which signal decided: model scores, the decision"},
            "location": {"type": "object",
                         "description": "line/column, paragraph, table cell or page, by format"},
            "accepted": {"type": "string"},
            "hidden_characters": {"type": "array", "items": {"type": "string"},
                                  "description": "hidden characters or lookalike letters in or "
                                                 "right after the mention, as found (\"zero-width "
                                                 "space U+200B\"): a name so written is still one"},
            "rewrite": {"$ref": "#/components/schemas/Rewrite"},
            "evidence": {"$ref": "#/components/schemas/Evidence"},
        },
    }


def _evidence_schema() -> dict[str, Any]:
    """`schema.EvidenceSpan.to_dict()`: a blame or situation finding's deciding words, so that a
    client can highlight them in the text (offsets index it as the mention's do)."""
    return {
        "type": "object", "required": ["start", "end", "text", "weight"],
        "description": "the words that decided a blame or situation finding: the phrase whose "
                       "removal lowered the label's probability most (the mention's sentence "
                       "when no single phrase did, a later sentence when it carried the blame)",
        "properties": {
            "start": {"type": "integer", "minimum": 0,
                      "description": "character offset of the words in the document's text"},
            "end": {"type": "integer", "minimum": 0, "description": "end offset (exclusive)"},
            "text": {"type": "string", "description": "the words as written"},
            "weight": {"type": "number", "minimum": 0, "maximum": 1,
                       "description": "how much leaving the words out lowered the label's "
                                      "probability; 0 when the whole sentence decided"},
        },
    }


def _rewrite_schema() -> dict[str, Any]:
    """`schema.Rewrite.to_dict()`: what `suggestion` replaces, so that a client can apply it."""
    return {
        "type": "object", "required": ["start", "end", "text"],
        "description": "the span of the document's text that the suggestion replaces",
        "properties": {
            "start": {"type": "integer", "minimum": 0,
                      "description": "character offset of the replaced span"},
            "end": {"type": "integer", "minimum": 0, "description": "end offset (exclusive)"},
            "text": {"type": ["string", "null"],
                     "description": "the replacement; null when no rewrite is safe"},
            "advice": {"type": "string",
                       "description": "what to do instead, when no rewrite is safe"},
        },
    }


def _error_schema() -> dict[str, Any]:
    return {
        "type": "object", "required": ["error"],
        "properties": {"error": {
            "type": "object", "required": ["code", "message"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
        }},
    }
