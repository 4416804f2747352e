"""The checking thread's bounds (web/engine.py): a check that cannot start within the queue wait
answers 503 busy, one that runs past the check timeout 503 check_timeout, each with Retry-After;
/healthz tells a busy worker (and for how long) from an idle one; the watchdog hands a stuck
worker to its `on_stuck` (gunicorn.conf.py ends the process there).

A stand-in Checker that blocks until the test lets it go makes every case exact and fast.
"""

from __future__ import annotations

import threading
import time

import jsonschema
import pytest

from cdcheck.errors import OverTimeBudget
from cdcheck.schema import DocumentReport
from cdcheck.settings import Settings
from cdcheck.web import create_app
from cdcheck.web.engine import CheckerHolder
from cdcheck.web.openapi import spec

API = "/api/v1/check"


class Blocking:
    """A Checker whose checks wait for `release` (and count how many ran)."""

    loaded = True

    def __init__(self):
        self.settings = Settings.from_env()
        self.release = threading.Event()
        self.started = threading.Event()
        self.ran = 0

    def options(self, speaker_country=None):
        return None

    def check_document(self, document, options=None):
        self.ran += 1
        self.started.set()
        self.release.wait(30)
        return DocumentReport(source=document.source, text=document.text, findings=[],
                              verdict="ok")


def _app(checker, **config):
    return create_app({"TESTING": True, "CHECKER": checker, **config})


def _post_in_thread(app, out: list):
    def run():
        out.append(app.test_client().post(API, json={"text": "Governments must act."}))

    t = threading.Thread(target=run)
    t.start()
    return t


def _health_schema_check(body):
    doc = spec(max_bytes=1, max_chars=1)
    jsonschema.validate(body, {"$ref": "#/components/schemas/Health",
                               "components": doc["components"]})


def test_busy_when_the_check_cannot_start_within_the_queue_wait():
    checker = Blocking()
    app = _app(checker, QUEUE_WAIT=0.3, CHECK_TIMEOUT=20)
    first: list = []
    t = _post_in_thread(app, first)
    assert checker.started.wait(10)
    started = time.monotonic()
    r = app.test_client().post(API, json={"text": "Governments must act."})
    waited = time.monotonic() - started
    assert r.status_code == 503 and r.get_json()["error"]["code"] == "busy"
    assert int(r.headers["Retry-After"]) >= 1
    assert 0.25 <= waited < 5  # the bounded wait, not the running check's length
    checker.release.set()
    t.join(10)
    assert first[0].status_code == 200
    assert checker.ran == 1  # the refused check was withdrawn, never run


def test_healthz_tells_a_busy_worker_and_how_long_it_has_checked():
    checker = Blocking()
    app = _app(checker, QUEUE_WAIT=5, CHECK_TIMEOUT=20)
    client = app.test_client()
    idle = client.get("/healthz").get_json()
    assert idle["busy"] is False and idle["check_seconds"] is None and idle["queued"] == 0
    _health_schema_check(idle)
    out: list = []
    t = _post_in_thread(app, out)
    assert checker.started.wait(10)
    time.sleep(0.3)
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok" and body["busy"] is True and body["check_seconds"] >= 0.25
    _health_schema_check(body)
    checker.release.set()
    t.join(10)
    assert client.get("/healthz").get_json()["busy"] is False


def test_check_timeout_answers_503_and_the_watchdog_hands_the_worker_over():
    checker = Blocking()
    app = _app(checker, QUEUE_WAIT=5, CHECK_TIMEOUT=0.5)
    holder: CheckerHolder = app.extensions["cdcheck"]
    stuck: list[float] = []
    holder.start_watchdog(stuck.append, interval=0.05)
    client = app.test_client()
    started = time.monotonic()
    r = client.post(API, json={"text": "Governments must act."})
    assert time.monotonic() - started < 5
    assert r.status_code == 503 and r.get_json()["error"]["code"] == "check_timeout"
    assert int(r.headers["Retry-After"]) >= 1
    deadline = time.monotonic() + 5
    while not stuck and time.monotonic() < deadline:
        time.sleep(0.05)
    assert stuck and stuck[0] >= 0.5  # called once, with how long the check had run
    # Until the process is replaced: checks are refused at once, /healthz says it is stopping.
    refused = client.post(API, json={"text": "Governments must act."})
    assert refused.status_code == 503 and refused.get_json()["error"]["code"] == "busy"
    health = client.get("/healthz")
    assert health.status_code == 503 and health.get_json()["status"] == "stopping"
    _health_schema_check(health.get_json())
    checker.release.set()


def test_without_a_watchdog_a_slow_check_frees_the_thread_when_it_ends():
    """The development server has no watchdog: the checking thread is used again once free."""
    checker = Blocking()
    app = _app(checker, QUEUE_WAIT=5, CHECK_TIMEOUT=0.3)
    client = app.test_client()
    assert client.post(API, json={"text": "Governments must act."}).status_code == 503
    checker.release.set()
    deadline = time.monotonic() + 5
    while client.get("/healthz").get_json()["busy"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert client.post(API, json={"text": "Governments must act."}).status_code == 200


def test_queued_checks_are_counted_and_run_one_after_another():
    checker = Blocking()
    app = _app(checker, QUEUE_WAIT=10, CHECK_TIMEOUT=20)
    out: list = []
    threads = [_post_in_thread(app, out)]
    assert checker.started.wait(10)
    threads += [_post_in_thread(app, out) for _ in range(3)]
    deadline = time.monotonic() + 5
    while app.test_client().get("/healthz").get_json()["queued"] < 3:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    checker.release.set()
    for t in threads:
        t.join(10)
    assert [r.status_code for r in out] == [200] * 4 and checker.ran == 4


class _Budgeted(Blocking):
    def check_document(self, document, options=None):
        raise OverTimeBudget("the check went over its time budget")


def test_a_503_from_the_core_carries_retry_after():
    r = _app(_Budgeted()).test_client().post(API, json={"text": "Governments must act."})
    assert r.status_code == 503 and r.get_json()["error"]["code"] == "time_budget"
    assert int(r.headers["Retry-After"]) >= 1


def test_queue_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("CDCHECK_QUEUE_WAIT", "7")
    monkeypatch.setenv("CDCHECK_CHECK_TIMEOUT", "12.5")
    holder = create_app().extensions["cdcheck"]
    assert holder.queue_wait == 7.0 and holder.check_timeout == 12.5


@pytest.mark.parametrize("limit", [50, 2000])
def test_warm_up_fits_the_character_limit(checker, limit):
    """A deployment with a small CDCHECK_MAX_CHARS must still boot (the warm-up text is cut)."""
    from cdcheck.checker import Checker

    small = Checker(Settings.from_env(max_chars=limit), nlp=checker.nlp,
                    classifier=checker.classifier, gazetteer=checker.gazetteer)
    assert CheckerHolder(small).warm_up() > 0
