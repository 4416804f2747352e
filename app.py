"""The web app for `flask --app app run` (development) and `gunicorn app:app` (serving).

Configuration: gunicorn.conf.py (workers, timeouts), CDCHECK_API_TOKEN (optional bearer token for
the API), CDCHECK_MAX_REQUEST_BYTES (request size limit) and the core's CDCHECK_* settings.
"""

from cdcheck.web import create_app

app = create_app()
