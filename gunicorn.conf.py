"""gunicorn settings for `gunicorn app:app` (read from the working directory automatically).

Sized for the service's machine (2 cores, ~24 GiB) from bench/bench_load.py and
bench/bench_faults.py; see docs/web.md for the figures. Every value can be overridden by an
environment variable (CDCHECK_BIND, CDCHECK_WORKERS, CDCHECK_THREADS, CDCHECK_TIMEOUT,
CDCHECK_KEEPALIVE, CDCHECK_MAX_REQUESTS; the app's CDCHECK_QUEUE_WAIT and CDCHECK_CHECK_TIMEOUT)
or on gunicorn's command line.

- One worker per core, each with its own Checker. The app is preloaded into the master with
  what is safe to share across fork (spaCy, the gazetteer, the policies: `when_ready`), so a
  worker, and above all the replacement of a dead one, only loads the classifier and warms up
  (post_worker_init) before it serves; no request pays for loading.
- The classifier is loaded in each worker, never in the master: its thread pools (torch's,
  OpenMP's, ONNX Runtime's) do not survive fork. It uses cores / workers threads.
- gthread workers with `threads` threads and at most as many connections (worker_connections):
  every accepted request has a thread at once, so the page and /healthz are never queued behind
  checks inside a worker, and a full worker leaves new connections to a worker with room.
  Checks run one at a time on the worker's checking thread, wait at most CDCHECK_QUEUE_WAIT for
  it (then 503 busy) and run at most CDCHECK_CHECK_TIMEOUT (then 503 check_timeout, and the
  worker's watchdog ends the worker: the master starts a fresh one).
- `timeout` is gunicorn's heartbeat: a gthread worker's main loop beats while a request thread
  checks, so it fires only when the whole process stalls (C code that holds the GIL), and then
  the worker is killed and replaced.
- No keep-alive (each answer closes its connection): a client's next request goes to whichever
  worker accepts it, so load spreads again after a worker is replaced (with keep-alive, clients
  stay on the survivor). The cost on loopback is measured by bench/bench_faults.py.
"""

import logging
import os
import signal
import threading

_cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1

bind = os.environ.get("CDCHECK_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("CDCHECK_WORKERS", _cores))
worker_class = "gthread"
threads = int(os.environ.get("CDCHECK_THREADS", 8))
preload_app = True

# The heartbeat: only a stalled process misses it (a check runs on a thread of its own). Worker
# start-up (classifier and warm-up check, 3-10 s) must fit in it too.
timeout = int(os.environ.get("CDCHECK_TIMEOUT", 30))
graceful_timeout = 30
keepalive = int(os.environ.get("CDCHECK_KEEPALIVE", 0))
# With keep-alive (a measured baseline only), idle kept-alive connections need room of their own.
worker_connections = threads if not keepalive else 1000
# Workers do not leak (RSS over 5,000 requests: see the benchmark), so they are not recycled;
# set CDCHECK_MAX_REQUESTS to recycle anyway (each restart reloads the classifier).
max_requests = int(os.environ.get("CDCHECK_MAX_REQUESTS", 0))
max_requests_jitter = max_requests // 10

# No gunicorn access log: its lines carry the path and query a client wrote. The app logs one
# line per request instead (method, route, status, size, time), never any statement text.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("CDCHECK_LOG_LEVEL", "info")

#: Exit status of a worker whose check ran past CDCHECK_CHECK_TIMEOUT (the master replaces it).
EXIT_STUCK = 70
#: Seconds a stuck worker keeps answering (its 503s) after it stops accepting, before it exits.
STUCK_GRACE = 2.0

_torch_threads = str(max(1, _cores // max(1, workers)))
for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, _torch_threads)


def _holder(app):
    return app.extensions.get("cdcheck") if hasattr(app, "extensions") else None


def when_ready(server):
    """In the master, before any worker forks: load what every worker shares (not the classifier)."""
    holder = _holder(server.app.wsgi())
    if holder is not None:
        holder.preload()
        server.log.info("master: spaCy, gazetteer and policies loaded for the workers")


def post_worker_init(worker):
    """Send the app's log to gunicorn's error log, load the classifier, start the watchdog."""
    app_log = logging.getLogger("cdcheck.web")
    app_log.setLevel(worker.log.error_log.level)
    for handler in worker.log.error_log.handlers:
        app_log.addHandler(handler)
    app_log.propagate = False
    holder = _holder(worker.wsgi)
    if holder is None:
        return
    seconds = holder.warm_up()
    worker.log.info("worker %s: models loaded in %.1f s", worker.pid, seconds)
    holder.start_watchdog(lambda running: _stuck(worker, running))


def _stuck(worker, running: float) -> None:
    """A check ran past the check timeout: stop accepting, let the 503s go out, then exit.

    The checking thread cannot be stopped, and a normal exit would wait for it, so the process
    ends with os._exit; the master sees the exit and starts a fresh worker.
    """
    worker.log.critical("worker %s: a check has run %.0f s, past the check timeout; exiting so "
                        "that a fresh worker takes over", worker.pid, running)
    worker.cdcheck_stuck = True  # worker_exit: the exit code says so, however the exit comes
    os.kill(worker.pid, signal.SIGTERM)  # gthread: stop accepting, finish what is in flight
    threading.Event().wait(STUCK_GRACE)
    for handler in worker.log.error_log.handlers:
        handler.flush()
    os._exit(EXIT_STUCK)


def worker_exit(server, worker):
    """A worker ended for a stuck check exits with EXIT_STUCK, also when its graceful exit (the
    SIGTERM above, once the lost check has finished) comes before `_stuck`'s own os._exit."""
    if getattr(worker, "cdcheck_stuck", False):
        for handler in worker.log.error_log.handlers:
            handler.flush()
        os._exit(EXIT_STUCK)
