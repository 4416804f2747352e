"""The real service: gunicorn (app:app, the repository's gunicorn.conf.py) on a free loopback port.

- schemathesis `--checks all` against it: the OpenAPI document and the server agree (a fixed
  seed, bounded examples, about a minute on 2 cores with the real model);
- a body over the size limit gets its 413 JSON, not a connection reset;
- a check that runs past CDCHECK_CHECK_TIMEOUT answers 503 and its worker is replaced; a killed
  worker is replaced and serves again.

Each server is started in its own process group and always stopped (SIGTERM, then SIGKILL).
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
HOST = "127.0.0.1"
API = "/api/v1/check"
#: Extra accepted rejection status for schemathesis: this API answers a text over the schema's
#: maxLength with 413 too_large, as its OpenAPI document says (the same answer as for files).
NEGATIVE_STATUSES = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428",
                     "429", "5xx"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Gunicorn:
    """`gunicorn -c gunicorn.conf.py app:app` on a free loopback port, with extra environment."""

    def __init__(self, **env: str):
        self.port = _free_port()
        self.log = tempfile.NamedTemporaryFile(prefix="cdcheck-test-gunicorn-", suffix=".log",
                                               delete=False)
        environ = {**os.environ, "CDCHECK_BIND": f"{HOST}:{self.port}", "CDCHECK_WORKERS": "1",
                   **env}
        environ.pop("CDCHECK_API_TOKEN", None)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--no-control-socket",
             "app:app"], cwd=ROOT, env=environ, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True)

    def text(self) -> str:
        return Path(self.log.name).read_text(errors="replace")

    def request(self, method: str, path: str, body=None, headers=None, timeout=120):
        conn = http.client.HTTPConnection(HOST, self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            conn.close()

    def health(self) -> dict | None:
        try:
            status, _, data = self.request("GET", "/healthz", timeout=5)
        except OSError:
            return None
        return json.loads(data) if status == 200 else None

    def wait_ready(self, timeout: float = 240) -> float:
        """Seconds until /healthz answers with the models loaded."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError("gunicorn exited:\n" + self.text()[-3000:])
            body = self.health()
            if body and body["models_loaded"]:
                return time.monotonic() - started
            time.sleep(0.2)
        raise TimeoutError(f"gunicorn not ready after {timeout} s:\n" + self.text()[-3000:])

    def workers(self) -> list[int]:
        pids = []
        for task in Path(f"/proc/{self.proc.pid}/task").iterdir():
            try:
                pids += [int(p) for p in (task / "children").read_text().split()]
            except OSError:
                pass
        return pids

    def stop(self) -> None:
        try:
            if self.proc.poll() is None:
                os.killpg(self.proc.pid, signal.SIGTERM)
                try:
                    self.proc.wait(40)
                except subprocess.TimeoutExpired:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                    self.proc.wait(10)
        finally:
            Path(self.log.name).unlink(missing_ok=True)


def _serve(**env: str):
    server = Gunicorn(**env)
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def server():
    """One worker; a small character limit keeps schemathesis's longest valid texts quick."""
    yield from _serve(CDCHECK_MAX_CHARS="2000")


@pytest.fixture(scope="module")
def impatient():
    """One worker whose checks may run one second."""
    yield from _serve(CDCHECK_CHECK_TIMEOUT="1")


def _schemathesis() -> None:
    try:
        import schemathesis  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("schemathesis is not installed (the dev extra installs it)")
        pytest.skip("schemathesis is not installed")


def test_schemathesis_checks_all_pass_against_gunicorn(server, tmp_path):
    _schemathesis()
    config = tmp_path / "schemathesis.toml"
    config.write_text("[checks.negative_data_rejection]\nexpected-statuses = "
                      + json.dumps(NEGATIVE_STATUSES) + "\n")
    # Run in tmp_path (schemathesis keeps a cache folder in its working directory); the hooks
    # module is found through PYTHONPATH.
    pythonpath = os.pathsep.join(p for p in (str(HERE), os.environ.get("PYTHONPATH")) if p)
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "schemathesis_hooks", "NO_COLOR": "1",
           "PYTHONPATH": pythonpath}
    result = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "--config-file", str(config), "run",
         f"http://{HOST}:{server.port}/api/v1/openapi.json", "--checks", "all",
         "--max-examples", "100", "--seed", "20261207", "--workers", "1",
         "--generation-database", "none", "--request-timeout", "60", "--no-color"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "No issues found" in result.stdout
    assert "Traceback" not in server.text()  # no 500 on the way either


def test_a_body_over_the_limit_gets_its_413_before_the_connection_closes(server):
    body = b"x" * (21 * 1024 * 1024)
    status, headers, data = server.request("POST", API, body,
                                           {"Content-Type": "application/json"})
    assert status == 413 and json.loads(data)["error"]["code"] == "too_large"
    upload = (b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"s.txt\"\r\n\r\n"
              + body + b"\r\n--b--\r\n")
    status, _, data = server.request("POST", API, upload,
                                     {"Content-Type": "multipart/form-data; boundary=b"})
    assert status == 413 and json.loads(data)["error"]["code"] == "too_large"


def test_a_chunked_body_over_the_limit_gets_its_413(server):
    chunks = (b"y" * (1024 * 1024) for _ in range(21))
    conn = http.client.HTTPConnection(HOST, server.port, timeout=60)
    try:
        conn.request("POST", API, body=chunks, headers={"Content-Type": "application/json"},
                     encode_chunked=True)
        response = conn.getresponse()
        assert response.status == 413
        assert json.loads(response.read())["error"]["code"] == "too_large"
    finally:
        conn.close()


@pytest.mark.parametrize("chunks", [b"zz\r\nabc\r\n0\r\n\r\n", b"3\r\nabcXX0\r\n\r\n", b"5\r\nab"])
def test_a_broken_chunked_body_is_a_400_not_a_500(server, chunks):
    with socket.create_connection((HOST, server.port), timeout=30) as s:
        s.sendall(b"POST /api/v1/check HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                  b"Transfer-Encoding: chunked\r\n\r\n" + chunks)
        if chunks.endswith(b"ab"):
            s.shutdown(socket.SHUT_WR)  # the body ends in the middle of a chunk
        answer = b""
        while data := s.recv(65536):
            answer += data
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400"), answer[:300]
    assert json.loads(body)["error"]["code"] in ("malformed_request", "bad_request")
    assert "unhandled" not in server.text()


def test_the_service_answers_after_hostile_bodies(server):
    for body in (b"[" * 100_000, b'{"text": "\\ud800"}', bytes(range(256)) * 64):
        status, _, data = server.request("POST", API, body, {"Content-Type": "application/json"})
        assert status == 400, data
    status, _, data = server.request("POST", API, json.dumps({"text": "Country X failed."}),
                                     {"Content-Type": "application/json"})
    assert status == 200 and json.loads(data)["document"]["findings"]


def _statement(chars: int) -> str:
    sentence = ("Country X is not adequately treating victims of trafficking in persons, who are "
                "often detained instead of being referred to shelters in Ghana or Peru. ")
    return (sentence * (chars // len(sentence) + 1))[:chars]


def test_a_check_past_the_timeout_answers_503_and_its_worker_is_replaced(impatient):
    before = impatient.workers()
    started = time.monotonic()
    status, headers, data = impatient.request(
        "POST", API, json.dumps({"text": _statement(80_000)}),
        {"Content-Type": "application/json"})
    assert status == 503, data
    assert json.loads(data)["error"]["code"] == "check_timeout"
    assert int(headers["Retry-After"]) >= 1
    assert time.monotonic() - started < 15  # the 1 s limit, not the check's own length
    ready = impatient.wait_ready(timeout=120)
    assert impatient.workers() != before
    # The arbiter logs the old worker's exit when it reaps it, which may come after the new
    # worker answers: wait for the line rather than race it.
    deadline = time.monotonic() + 30
    while "exited with code 70" not in impatient.text() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert "exited with code 70" in impatient.text()
    status, _, data = impatient.request("POST", API, json.dumps({"text": "Country X failed."}),
                                        {"Content-Type": "application/json"})
    assert status == 200, data
    assert ready < 120


def test_a_killed_worker_is_replaced_and_serves_again(impatient):
    impatient.wait_ready()
    (pid,) = impatient.workers()
    os.kill(pid, signal.SIGKILL)
    killed = time.monotonic()
    deadline = killed + 120
    while time.monotonic() < deadline:
        workers = impatient.workers()
        if workers and workers != [pid]:
            break
        time.sleep(0.05)
    impatient.wait_ready(timeout=120)
    status, _, _ = impatient.request("POST", API, json.dumps({"text": "Country X failed."}),
                                     {"Content-Type": "application/json"})
    assert status == 200
    assert time.monotonic() - killed < 60  # bench/bench_faults.py measures the real figure
