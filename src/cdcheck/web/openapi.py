"""The OpenAPI 3.1 description of the API, written by hand (it is small and changes rarely).

The schemas follow `schema.py`'s `to_dict()` methods; tests validate real answers against them,
so the description cannot drift from what the API returns. New fields may be added, never removed
(`additionalProperties` stays open), as in the CLI's JSON contract.
"""

from __future__ import annotations

from typing import Any

from .. import __version__
from ..documents import SUPPORTED
from ..schema import KINDS, LABELS, VERDICTS


def _error(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def spec(max_bytes: int, max_chars: int, token: bool = False) -> dict[str, Any]:
    """The OpenAPI document, with this deployment's limits filled in."""
    formats = ", ".join(sorted(SUPPORTED))
    mention_props = {
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
    }
    finding = {
        "type": "object",
        "required": ["start", "end", "text", "country", "country_name", "kind", "label",
                     "severity", "confidence", "sentence", "message", "suggestion"],
        "properties": {
            **mention_props,
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
        },
    }
    document = {
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
    check_op: dict[str, Any] = {
        "operationId": "check",
        "summary": "Check one statement against the no-naming rule",
        "description": (
            "Send the statement as JSON text or upload it as a file "
            f"({formats}). The answer's `document` is the CLI's JSON document object. "
            f"Requests are limited to {max_bytes:,} bytes and statements to {max_chars:,} "
            "characters (413). Statement text is never logged or stored."
        ),
        "parameters": [{
            "name": "include_text", "in": "query", "required": False,
            "schema": {"type": "boolean", "default": False},
            "description": "also answer `text`, the checked text that finding offsets index "
                           "(useful for uploads)",
        }],
        "requestBody": {"required": True, "content": {
            "application/json": {"schema": {
                "type": "object", "required": ["text"],
                "properties": {
                    "text": {"type": "string", "minLength": 1, "maxLength": max_chars},
                    "speaker_country": {"type": ["string", "null"],
                                        "description": "the speaker is this country (under "
                                                       "review): ISO alpha-2, alpha-3 or name; "
                                                       "its own mentions are exempt"},
                },
            }, "example": {"text": "Country X has not addressed this issue.",
                           "speaker_country": None}},
            "multipart/form-data": {"schema": {
                "type": "object", "required": ["file"],
                "properties": {
                    "file": {"type": "string", "format": "binary",
                             "description": f"the statement: {formats}"},
                    "speaker_country": {"type": "string"},
                },
            }},
        }},
        "responses": {
            "200": {"description": "the check's result", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/CheckResponse"}}}},
            "400": _error("malformed JSON (malformed_json), a body that is not an object or a "
                          "field of the wrong type (invalid_request), no text (missing_text) or "
                          "no file (missing_file), an empty statement (empty_text), an unknown "
                          "speaker country (bad_option)"),
            "405": _error("a method other than POST (method_not_allowed)"),
            "413": _error(f"over {max_bytes:,} bytes or {max_chars:,} characters (too_large)"),
            "415": _error("neither JSON nor multipart (unsupported_media_type), or a file type "
                          f"other than {formats} (unsupported_format)"),
            "422": _error("a file of a supported type that cannot be read: binary, corrupt, "
                          "encrypted, no text layer (unreadable_document)"),
            "500": _error("a fault of the service (internal_error, model_not_found)"),
        },
    }
    if token:
        check_op["security"] = [{"bearer": []}]
        check_op["responses"]["401"] = _error("no or wrong bearer token (unauthorized)")
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
            "/api/v1/check": {"post": check_op},
            "/healthz": {"get": {
                "operationId": "health",
                "summary": "Liveness; never needs a token",
                "responses": {"200": {"description": "the service answers", "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}}},
            }},
            "/api/v1/openapi.json": {"get": {
                "operationId": "openapi", "summary": "This document",
                "responses": {"200": {"description": "OpenAPI 3.1",
                                      "content": {"application/json": {}}}},
            }},
        },
        "components": {
            "schemas": {
                "CheckResponse": {
                    "type": "object", "required": ["tool", "version", "document"],
                    "properties": {
                        "tool": {"const": "cdcheck"},
                        "version": {"type": "string"},
                        "document": {"$ref": "#/components/schemas/Document"},
                        "text": {"type": "string",
                                 "description": "the checked text (with include_text=true)"},
                    },
                },
                "Document": document,
                "Finding": finding,
                "Health": {
                    "type": "object", "required": ["status", "version"],
                    "properties": {"status": {"const": "ok"}, "tool": {"const": "cdcheck"},
                                   "version": {"type": "string"},
                                   "models_loaded": {"type": "boolean"}},
                },
                "Error": {
                    "type": "object", "required": ["error"],
                    "properties": {"error": {
                        "type": "object", "required": ["code", "message"],
                        "properties": {"code": {"type": "string"},
                                       "message": {"type": "string"}},
                    }},
                },
            },
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
