"""The web app for `flask --app app run` (development) and `gunicorn app:app` (serving).

Configuration: gunicorn.conf.py (workers, threads, timeouts, keep-alive), CDCHECK_API_TOKEN
(optional bearer token for the API), CDCHECK_MAX_REQUEST_BYTES (request size limit),
CDCHECK_QUEUE_WAIT and CDCHECK_CHECK_TIMEOUT (the time budget, see docs/web.md) and the core's
CDCHECK_* settings.
"""

from cdcheck.web import create_app

app = create_app()
