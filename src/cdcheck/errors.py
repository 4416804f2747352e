"""One small exception family: the CLI maps it to exit code 2, the web app to a 4xx JSON error."""

from __future__ import annotations


class CdcheckError(Exception):
    """Base of every error that is the user's to fix; its message is safe to show."""

    code = "cdcheck_error"
    http_status = 400


class BadOption(CdcheckError):
    """An option or parameter has a value cdcheck cannot use (unknown country, bad format...)."""

    code = "bad_option"
    http_status = 400


class EmptyDocument(CdcheckError):
    """The input holds no text to check."""

    code = "empty_text"
    http_status = 400


class UnsupportedFormat(CdcheckError):
    """The input's file type is not one cdcheck reads."""

    code = "unsupported_format"
    http_status = 415


class UnreadableDocument(CdcheckError):
    """The input is of a supported type but cannot be read (corrupt, encrypted, binary, no text layer)."""

    code = "unreadable_document"
    http_status = 422


class DocumentTooLarge(CdcheckError):
    """The input is over the configured size limit."""

    code = "too_large"
    http_status = 413


class ModelNotFound(CdcheckError):
    """A configured model (spaCy or classifier) cannot be loaded."""

    code = "model_not_found"
    http_status = 500
