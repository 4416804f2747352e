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


class DocumentTooComplex(DocumentTooLarge):
    """The input is small but over a reading budget (PDF operators or content, reading time,
    directives): refused in seconds instead of holding a worker for minutes."""

    code = "too_complex"
    http_status = 422


class OverTimeBudget(CdcheckError):
    """A check ran past its time budget (Settings.time_budget): stopped between classifier
    slices, so the worker is free again. On a loaded service it is worth trying again later."""

    code = "time_budget"
    http_status = 503


class NothingToCheck(CdcheckError):
    """The paths and globs given select no document at all (an empty folder, globs that exclude
    everything): a run that checked nothing must not look like a clean one."""

    code = "nothing_to_check"
    http_status = 400


class ModelNotFound(CdcheckError):
    """A configured model (spaCy or classifier) cannot be loaded."""

    code = "model_not_found"
    http_status = 500
