"""The web shell around Checker: a JSON API for other systems and one page for panellists.

`create_app(test_config=None)` builds the Flask app (the Flask tutorial's factory pattern): layered
config, the `api` and `pages` blueprints, JSON error handlers, security headers. The Checker is
created once per app (that is, once per gunicorn worker) on first use, or passed in by tests.
No route re-implements a stage: they read bytes with `documents.load_bytes` (JSON text is read as
the CLI reads standard input), check them on the CLI's road (`CheckerHolder.check`) and answer
`DocumentReport.to_dict()`, the CLI's JSON document object.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import weakref
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from flask import Flask, g, request

from ..documents import MAX_BYTES

log = logging.getLogger("cdcheck.web")

#: Defaults; the environment (when no test_config is given) and test_config override them.
DEFAULTS: dict[str, Any] = {
    # Largest request body; a bigger one is refused with 413 before it is read.
    "MAX_CONTENT_LENGTH": MAX_BYTES,
    # When set, POST /api/v1/check needs `Authorization: Bearer <token>`.
    "API_TOKEN": None,
    # A ready Checker to use (tests share one); None: create one lazily, once per app.
    "CHECKER": None,
}

#: Content-Security-Policy: everything from this app, nothing inline, no frames.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


class CheckerHolder:
    """One Checker per app (so one per gunicorn worker), created on first use, run on one thread.

    A worker serves several requests at once (gthread workers) so that the page, /healthz and
    uploads are not stuck behind a check. The checks themselves run one at a time on a thread of
    their own: they are CPU-bound (two at once in one process only make both slower), and what
    they allocate stays in that one thread's malloc arena instead of each request thread growing
    an arena of its own to the size of the models' working buffers.
    """

    def __init__(self, checker=None):
        self._checker = checker
        self._lock = threading.Lock()
        self._runner: ThreadPoolExecutor | None = None

    @property
    def loaded(self) -> bool:
        """Whether the Checker exists and has its models loaded (for /healthz)."""
        c = self._checker
        return c is not None and "classifier" in vars(c) and "nlp" in vars(c)

    @property
    def settings(self):
        """The Checker's settings (limits, model paths), without loading any model."""
        if self._checker is not None:
            return self._checker.settings
        from ..settings import Settings

        return Settings.from_env()

    def get(self):
        """The app's Checker (created now if this is the first use)."""
        if self._checker is None:
            with self._lock:
                if self._checker is None:
                    from ..checker import Checker

                    self._checker = Checker()
        return self._checker

    def check(self, doc, speaker_country: str | None):
        """The CLI's road for one loaded Document, on the checking thread, one at a time."""
        if self._runner is None:
            with self._lock:
                if self._runner is None:
                    self._runner = ThreadPoolExecutor(1, thread_name_prefix="cdcheck-check")
                    weakref.finalize(self, self._runner.shutdown, wait=False)
        return self._runner.submit(self._check, doc, speaker_country).result()

    def _check(self, doc, speaker_country: str | None):
        # The CLI's road for one document: directives, check, acceptances, locations.
        from ..batch import BatchOptions, check_document

        return check_document(self.get(), doc, BatchOptions(speaker_country))

    def warm_up(self) -> float:
        """Load every model and size its buffers now, not in a request; returns the seconds taken."""
        from ..documents import Document

        started = time.perf_counter()
        self.check(Document("<warm-up>", WARM_UP_TEXT), None)
        return time.perf_counter() - started


#: A statement as large as the classifier's batches and context windows get (40 mentions in long
#: sentences), so that a worker's first requests do not grow its memory: see bench/bench_load.py.
WARM_UP_TEXT = " ".join([
    "Country X is not adequately treating victims of trafficking in persons, who are often "
    "detained and prosecuted as criminals instead of being referred to shelters and legal aid.",
    "For two years our organization has been working with law enforcement agencies in Country Y "
    "to train officers to detect victims of trafficking and to ensure that their rights are "
    "respected throughout the criminal proceedings that follow.",
    "The Permanent Mission of Country Z hosted a side event in Vienna on the protection of "
    "witnesses, with speakers from prosecution services, civil society and academia.",
    "Country W adopted a new national action plan in 2022, created a specialised prosecution "
    "unit and increased the budget of its labour inspectorate by a third over three years.",
    "Three-dimensional printed firearms have become a major issue in Country V, which has not "
    "addressed the gaps in its legislation on the manufacture of weapons and their parts.",
] * 8)


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """The cdcheck web app: defaults, then the environment (or `test_config` in tests)."""
    app = Flask(__name__)
    app.json.sort_keys = False  # keep the CLI's key order: source, verdict, findings...
    app.config.from_mapping(DEFAULTS)
    if test_config is None:
        app.config.from_mapping(_config_from_env(os.environ))
    else:
        app.config.from_mapping(test_config)

    app.extensions["cdcheck"] = CheckerHolder(app.config["CHECKER"])

    from . import api, errors, pages

    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    errors.register(app)
    app.before_request(_start_timer)
    app.after_request(_finish)
    return app


def warm_up(app: Flask) -> float:
    """Load the app's models now instead of on the first request; returns the seconds taken."""
    return app.extensions["cdcheck"].warm_up()


def _config_from_env(env: Mapping[str, str]) -> dict[str, Any]:
    """The settings a deployment gives as environment variables."""
    out: dict[str, Any] = {}
    token = env.get("CDCHECK_API_TOKEN", "").strip()
    if token:
        out["API_TOKEN"] = token
    if env.get("CDCHECK_MAX_REQUEST_BYTES"):
        out["MAX_CONTENT_LENGTH"] = int(env["CDCHECK_MAX_REQUEST_BYTES"])
    return out


def _start_timer() -> None:
    g.started = time.perf_counter()


def _finish(response):
    """Security headers on every answer, and one log line with no request content in it."""
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
