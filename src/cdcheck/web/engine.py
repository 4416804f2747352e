"""The web app's expensive resource, the Checker, in a module of its own (the Flask tutorial's
`db.py` pattern): `init_app(app)` attaches a holder, `get_engine()` returns it in a request.

One Checker per app, so one per gunicorn worker, created on first use (or given by tests, as the
`CHECKER` setting) and run on one thread of its own.
"""

from __future__ import annotations

import threading
import time
import weakref
from concurrent.futures import ThreadPoolExecutor

from flask import Flask, current_app


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
        return c is not None and bool(getattr(c, "loaded", False))

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

    def check(self, doc, options=None):
        """The CLI's road for one loaded Document, on the checking thread, one at a time."""
        if self._runner is None:
            with self._lock:
                if self._runner is None:
                    self._runner = ThreadPoolExecutor(1, thread_name_prefix="cdcheck-check")
                    weakref.finalize(self, self._runner.shutdown, wait=False)
        return self._runner.submit(self.get().check_document, doc, options).result()

    def warm_up(self) -> float:
        """Load every model and size its buffers now, not in a request; returns the seconds taken."""
        from ..documents import Document

        started = time.perf_counter()
        self.check(Document("<warm-up>", WARM_UP_TEXT))
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


def init_app(app: Flask) -> None:
    """Attach the app's CheckerHolder (nothing is loaded yet)."""
    app.extensions["cdcheck"] = CheckerHolder(app.config.get("CHECKER"))


def get_engine() -> CheckerHolder:
    """The current app's CheckerHolder (inside a request or an app context)."""
    return current_app.extensions["cdcheck"]


def warm_up(app: Flask) -> float:
    """Load the app's models now instead of on the first request; returns the seconds taken."""
    return app.extensions["cdcheck"].warm_up()
