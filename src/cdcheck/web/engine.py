"""The web app's expensive resource, the Checker, in a module of its own (the Flask tutorial's
`db.py` pattern): `init_app(app)` attaches a holder, `get_engine()` returns it in a request.

One Checker per app, so one per gunicorn worker, created on first use (or given by tests, as the
`CHECKER` setting) and run on one thread of its own, one check at a time, within two bounds:

- **queue wait** (`QUEUE_WAIT`, `CDCHECK_QUEUE_WAIT`, 30 s): a request whose check cannot start
  within it (the checking thread is busy with the checks before it) answers 503 `busy` with
  `Retry-After`, instead of queueing without end;
- **check timeout** (`CHECK_TIMEOUT`, `CDCHECK_CHECK_TIMEOUT`, 60 s): a check still running after
  it answers 503 `check_timeout`. A Python thread cannot be stopped, so the checking thread is
  then lost: the holder refuses further checks (503 `busy`) and its watchdog (started by
  gunicorn.conf.py in each worker) hands the worker to `on_stuck`, which ends the process so
  that gunicorn's master starts a fresh one.

The core's own per-check time budget (a CdcheckError, answered with its own status) is meant to
end a long check well before the check timeout; the timeout is the backstop for what a
cooperative budget cannot interrupt. `status()` says whether a check is running and for how long
(/healthz), so a busy worker can be told from a dead one (which does not answer at all).
"""

from __future__ import annotations

import logging
import math
import threading
import time
import weakref
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from flask import Flask, current_app

from .errors import ApiError

log = logging.getLogger("cdcheck.web")

#: Seconds a client is told to wait after a check timed out (its worker is being replaced).
RESTART_RETRY_AFTER = 10
#: Longest Retry-After given for a busy worker.
MAX_RETRY_AFTER = 60


class _Job:
    """One admitted check: whether it has started, and when."""

    __slots__ = ("started_at",)

    def __init__(self) -> None:
        self.started_at: float | None = None


class CheckerHolder:
    """One Checker per app (so one per gunicorn worker), created on first use, run on one thread.

    A worker serves several requests at once (gthread workers) so that the page, /healthz and
    uploads are not stuck behind a check. The checks themselves run one at a time on a thread of
    their own: they are CPU-bound (two at once in one process only make both slower), and what
    they allocate stays in that one thread's malloc arena instead of each request thread growing
    an arena of its own to the size of the models' working buffers.
    """

    def __init__(self, checker=None, *, queue_wait: float = 30.0, check_timeout: float = 60.0):
        self._checker = checker
        self.queue_wait = float(queue_wait)
        self.check_timeout = float(check_timeout)
        self._lock = threading.Lock()
        self._state = threading.Condition()
        self._runner: ThreadPoolExecutor | None = None
        self._waiting = 0  # admitted checks that have not started
        self._running_since: float | None = None  # time.monotonic() when the running check began
        self._stuck_since: float | None = None  # when a check was found past the check timeout
        self._mean_seconds = 1.0  # moving average of a check's duration, for Retry-After
        self._watchdog: threading.Thread | None = None

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

    # ---------------------------------------------------------------- checking

    def check(self, doc, options=None):
        """The CLI's road for one loaded Document, on the checking thread, within both bounds.

        Raises ApiError 503 `busy` when the check cannot start within the queue wait (or the
        checking thread is lost), 503 `check_timeout` when it runs past the check timeout.
        """
        job = self._admit()
        future = self._submit(self._run, job, doc, options)
        self._wait_for_start(job, future)
        remaining = self.check_timeout - (time.monotonic() - job.started_at)
        try:
            return future.result(timeout=max(0.0, remaining))
        except FutureTimeout:
            self._declare_stuck()
            raise self._timed_out() from None

    def _timed_out(self) -> ApiError:
        return ApiError(503, "check_timeout",
                        f"the check ran past the {self.check_timeout:g}-second limit and was "
                        "abandoned; this worker is being replaced. Try again later, or send a "
                        "shorter statement", {"Retry-After": str(RESTART_RETRY_AFTER)})

    def _admit(self) -> _Job:
        with self._state:
            if self._stuck_since is not None:
                raise self._busy("this worker's checking thread is stuck and the worker is "
                                 "being replaced")
            self._waiting += 1
        return _Job()

    def _wait_for_start(self, job: _Job, future: Future) -> None:
        """Return once `job` has started; 503 busy (and the job withdrawn) after the queue wait."""
        with self._state:
            self._state.wait_for(lambda: job.started_at is not None or self._stuck_since is not None,
                                 timeout=self.queue_wait)
            if job.started_at is not None:
                return
            if future.cancel():  # not started: withdraw it
                self._waiting -= 1
                raise self._busy("this worker is being replaced" if self._stuck_since is not None
                                 else f"no check could start within {self.queue_wait:g} seconds")
        # It started just as the wait ended (cancel() failed): wait for it as usual.
        with self._state:
            self._state.wait_for(lambda: job.started_at is not None)

    def _busy(self, why: str) -> ApiError:
        """503 busy with a Retry-After estimated from the checks ahead (called holding _state)."""
        ahead = self._waiting + (self._running_since is not None)
        retry = min(MAX_RETRY_AFTER, max(1, math.ceil(self._mean_seconds * max(ahead, 1))))
        if self._stuck_since is not None:
            retry = RESTART_RETRY_AFTER
        return ApiError(503, "busy", f"the service is busy: {why}; try again in {retry} s",
                        {"Retry-After": str(retry)})

    def _run(self, job: _Job, doc, options):
        """On the checking thread: the check itself, with the state /healthz reports."""
        with self._state:
            self._waiting -= 1
            self._running_since = job.started_at = time.monotonic()
            self._state.notify_all()
        try:
            return self.get().check_document(doc, options)
        finally:
            with self._state:
                seconds = time.monotonic() - job.started_at
                self._mean_seconds = 0.8 * self._mean_seconds + 0.2 * seconds
                self._running_since = None
                if self._watchdog is None:  # nothing will replace this process: carry on
                    self._stuck_since = None

    def _submit(self, fn, *args) -> Future:
        if self._runner is None:
            with self._lock:
                if self._runner is None:
                    self._runner = ThreadPoolExecutor(1, thread_name_prefix="cdcheck-check")
                    weakref.finalize(self, self._runner.shutdown, wait=False)
        return self._runner.submit(fn, *args)

    def _declare_stuck(self) -> None:
        with self._state:
            if self._stuck_since is None:
                self._stuck_since = time.monotonic()
                log.error("a check ran past the %g-second check timeout; the checking thread "
                          "is lost and this worker will be replaced", self.check_timeout)
            self._state.notify_all()

    # ---------------------------------------------------------------- health, watchdog

    def status(self) -> dict:
        """What /healthz reports: whether a check runs (and for how long), how many wait."""
        with self._state:
            since, waiting, stuck = self._running_since, self._waiting, self._stuck_since
        seconds = round(time.monotonic() - since, 3) if since is not None else None
        return {"busy": since is not None, "check_seconds": seconds, "queued": waiting,
                "stuck": stuck is not None}

    def start_watchdog(self, on_stuck: Callable[[float], None], interval: float = 0.5) -> None:
        """Watch the running check from a daemon thread: once one is past the check timeout,
        call `on_stuck(seconds)` (once); gunicorn.conf.py passes a function that ends the worker."""
        if self._watchdog is not None:
            return

        def watch() -> None:
            while True:
                time.sleep(interval)
                with self._state:
                    since, stuck = self._running_since, self._stuck_since
                now = time.monotonic()
                if stuck is None and since is not None and now - since > self.check_timeout:
                    self._declare_stuck()
                    stuck = now
                if stuck is not None:
                    on_stuck(now - since if since is not None else 0.0)
                    return

        self._watchdog = threading.Thread(target=watch, name="cdcheck-watchdog", daemon=True)
        self._watchdog.start()

    def warm_up(self) -> float:
        """Load every model and size its buffers now, not in a request; returns the seconds taken.

        Not bounded by the queue wait or the check timeout: a slow start (a loaded machine) must
        not fail the worker's boot. The text is cut to the deployment's character limit.
        """
        from ..documents import Document

        text = WARM_UP_TEXT
        if len(text) > self.settings.max_chars:
            text = text[:self.settings.max_chars].rpartition(". ")[0] + "."
        started = time.perf_counter()
        self._submit(self.get().check_document, Document("<warm-up>", text)).result()
        return time.perf_counter() - started

    def preload(self) -> None:
        """Load what is safe to share across fork (spaCy, the gazetteer, the policies) now; the
        classifier is left to each worker (its thread pools do not survive fork)."""
        checker = self.get()
        _ = checker.nlp, checker.finder, checker.policy


#: A statement that runs every stage once (5 mentions in long sentences, one classifier batch),
#: so that every lazily loaded piece is loaded before the first request. Kept short: a worker
#: replacing a dead one serves only after it (bench/bench_faults.py); buffers reach their working
#: size over the first requests (bench/bench_load.py measures RSS after 100 of them).
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
])


def init_app(app: Flask) -> None:
    """Attach the app's CheckerHolder (nothing is loaded yet)."""
    app.extensions["cdcheck"] = CheckerHolder(app.config.get("CHECKER"),
                                              queue_wait=app.config["QUEUE_WAIT"],
                                              check_timeout=app.config["CHECK_TIMEOUT"])


def get_engine() -> CheckerHolder:
    """The current app's CheckerHolder (inside a request or an app context)."""
    return current_app.extensions["cdcheck"]


def warm_up(app: Flask) -> float:
    """Load the app's models now instead of on the first request; returns the seconds taken."""
    return app.extensions["cdcheck"].warm_up()
