"""gunicorn settings for `gunicorn app:app` (read from the working directory automatically).

Sized for the service's machine (2 cores, ~24 GiB) from bench/bench_load.py; see
docs/web.md for the figures. Every value can be overridden by an environment variable
(CDCHECK_BIND, CDCHECK_WORKERS, CDCHECK_THREADS, CDCHECK_TIMEOUT, CDCHECK_MAX_REQUESTS) or on
gunicorn's command line.

- One worker per core, each with its own Checker (spaCy + the classifier, ~0.5 GB RSS), loaded in
  the worker right after it starts (post_worker_init), so no request pays for loading and a
  worker that is restarted never answers while half-loaded.
- The app is not preloaded into the master: torch's and OpenMP's thread pools are not safe to
  fork, and sharing the weights copy-on-write would save little (spaCy's vocab and the Python
  objects are touched, hence copied, by every request).
- Torch uses cores / workers threads, so the workers do not fight over the cores.
- gthread workers: a check holds the worker's Checker (one at a time, it is CPU-bound), while the
  page, static files and /healthz are answered by the worker's other threads.
"""

import logging
import os

_cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1

bind = os.environ.get("CDCHECK_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("CDCHECK_WORKERS", _cores))
worker_class = "gthread"
threads = int(os.environ.get("CDCHECK_THREADS", 4))
preload_app = False

# A gthread worker's main loop keeps beating while a request thread checks, so this only
# replaces a worker that is truly stuck (or still loading its models after 120 s). A check of the
# largest statement accepted (CDCHECK_MAX_CHARS, 300,000 characters) takes about a minute.
timeout = int(os.environ.get("CDCHECK_TIMEOUT", 120))
graceful_timeout = 30
keepalive = 5
# Workers do not leak (RSS over 5,000 requests: see the benchmark), so they are not recycled;
# set CDCHECK_MAX_REQUESTS to recycle anyway (each restart reloads the models, ~5-10 s).
max_requests = int(os.environ.get("CDCHECK_MAX_REQUESTS", 0))
max_requests_jitter = max_requests // 10

# No gunicorn access log: its lines carry the path and query a client wrote. The app logs one
# line per request instead (method, route, status, size, time), never any statement text.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("CDCHECK_LOG_LEVEL", "info")

_torch_threads = str(max(1, _cores // max(1, workers)))
for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, _torch_threads)


def post_worker_init(worker):
    """Send the app's log to gunicorn's error log, then load the models before serving."""
    app_log = logging.getLogger("cdcheck.web")
    app_log.setLevel(worker.log.error_log.level)
    for handler in worker.log.error_log.handlers:
        app_log.addHandler(handler)
    app_log.propagate = False
    app = worker.wsgi
    if hasattr(app, "extensions") and "cdcheck" in app.extensions:
        from cdcheck.web import warm_up

        seconds = warm_up(app)
        worker.log.info("worker %s: models loaded in %.1f s", worker.pid, seconds)
