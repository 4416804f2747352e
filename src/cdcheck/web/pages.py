"""The page at `/`: a form that calls the JSON API and shows the result (static/cdcheck.js)."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from .. import __version__
from ..documents import MAX_BYTES, SUPPORTED
from .countries import countries

bp = Blueprint("pages", __name__)


@bp.get("/")
def index():
    """The checking page; it works through the API, so it shows the same results."""
    from .engine import get_engine

    settings = get_engine().settings
    limit = min(current_app.config["MAX_CONTENT_LENGTH"] or MAX_BYTES, MAX_BYTES)
    return render_template(
        "index.html",
        version=__version__,
        countries=countries(settings.rules_dir),
        accept=",".join(sorted(SUPPORTED)),
        formats=", ".join(sorted(SUPPORTED)),
        max_mb=f"{limit / 1024 / 1024:.0f}",
        max_chars=f"{settings.max_chars:,}",
        needs_token=bool(current_app.config.get("API_TOKEN")),
    )
