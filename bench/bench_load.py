"""Load benchmark of the web service: gunicorn (gunicorn.conf.py) on loopback, a 600-word statement.

    .venv/bin/python bench/bench_load.py                 # 1, 8, 32 clients x 30 s, then to 5,000
    .venv/bin/python bench/bench_load.py --duration 5 --total 300     # a short run
    .venv/bin/python bench/bench_load.py --workers 1 --duration 10 --total 1000

Starts `gunicorn -c gunicorn.conf.py app:app` on 127.0.0.1 at a free port, waits until every
worker has loaded its models, then for each concurrency runs that many client threads (each an
http.client connection, reopened when the server closes it) for a bounded time, and prints p50/p95
latency, requests/s and errors (any answer but 200, or no answer). Then it tops up to `--total`
requests with `--top-up-clients` clients (default 32), reading each worker's RSS (VmRSS in /proc)
every 1,000 requests; RSS growth per worker is measured from "before" (after `--warm-up`
requests, default 100, reached every worker) to the end, against the 10 % bound. The statement's
paragraphs are rotated so the requests are not all alike. The baseline, measured in the same run,
is the same check warm in-process (Checker.check, no HTTP), one at a time, in a child process with
a worker's thread settings; each level's p50 and req/s are printed against it. gunicorn is
stopped at the end, whatever happens. Loopback only; every phase is bounded in requests and time.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"

STATEMENT = """\
Thank you, Chair. Our organization has worked for eleven years with survivors of trafficking in \
persons and with the authorities who identify them. We welcome this Constructive Dialogue and the \
chance to share what we have learned from our programmes, and we thank the Secretariat for its \
preparations.

Since 2016 our teams have trained labour inspectors and police officers in Ghana, Peru and \
Viet Nam to recognise the indicators of forced labour in agriculture, fishing and domestic work. \
Together with the Ministry of Labour of Peru we developed a referral form that inspectors now use \
in the field. In our work in Ghana we have assisted more than four hundred survivors, most of them \
young men recruited for fishing with false promises of wages. Our shelters in Accra and Kumasi \
offer legal aid, medical care and vocational training.

We have also seen worrying patterns. Country X is not adequately protecting victims of \
trafficking: victims are routinely detained in Country X and prosecuted for immigration offences, \
which clearly violates the principle of non-punishment. The authorities of Country X have ignored \
repeated requests to introduce a formal identification procedure. In Country Y, corruption among \
border officials has allowed recruitment agencies to operate with impunity for years, and \
Country Y has become a major hub for the trafficking of women into sexual exploitation.

Many countries have made progress. Country Z adopted a new national action plan in 2022 and \
created a specialised prosecution unit, and most victims in Country Z are now identified by \
labour inspectors rather than by non-governmental organizations. We encourage States to learn \
from such reforms.

Our recommendations are drawn from our own programmes. First, identification should not depend \
on a victim's willingness to testify; assistance must be unconditional. Second, labour \
inspectorates need the mandate and the resources to enter private homes and fishing vessels, with \
interpreters. Third, recruitment fees charged to workers should be prohibited and the prohibition \
enforced, including for agencies that operate online. Fourth, survivors should be consulted when \
national referral mechanisms are designed and reviewed.

We also wish to share a lesson from a joint project with the Permanent Mission of Norway and the \
International Labour Organization in Vienna last year. Bringing together prosecutors, labour \
inspectors and civil society in one room, for three days, did more to build trust than years of \
correspondence. Participants from twelve States agreed on a common checklist for joint \
inspections, which our partners in Indonesia and the Philippines now test in the fishing sector.

Technology offers both risks and opportunities. Traffickers increasingly recruit through social \
media and messaging applications, and payments move through digital wallets that are hard to \
trace. At the same time, we have seen how a simple telephone hotline, promoted through community \
radio, allowed domestic workers to report abuse without exposing themselves to their employers. \
We invite States to support such low-cost tools and to share data, with due respect for privacy.

Data matter as well. Our case files show that survivors who received legal aid within the first \
week were twice as likely to take part in proceedings, and that almost all of them had been \
contacted first by a community worker or a trade union, not by the police. We are ready to share \
our anonymised figures with any State that asks for them.

Finally, we recall that the Protocol asks States to consider the physical, psychological and \
social recovery of victims. Recovery takes years, not weeks. Funding cycles of twelve months make \
it impossible to accompany survivors through criminal proceedings that last three or four years. \
We therefore call on donors to commit to multi-year funding and on States to guarantee that \
survivors can stay, work and receive support while proceedings continue, and to \
keep survivors informed at every stage. Thank you for your attention and for this opportunity \
to speak.
"""


def statement(words: int = 600) -> str:
    """The benchmark statement, cut to exactly `words` words."""
    out, n = [], 0
    for line in STATEMENT.splitlines(keepends=True):
        tokens = line.split(" ")
        if n + len(line.split()) <= words:
            out.append(line)
            n += len(line.split())
            continue
        keep = words - n
        out.append(" ".join(tokens[:keep]).rstrip(",;") + ".\n")
        break
    text = "".join(out)
    assert len(text.split()) == words, len(text.split())
    return text


def variants(text: str, n: int, seed: int = 7) -> list[str]:
    """`text` and n-1 versions with the paragraphs in another order (same words, other shapes)."""
    paras = text.split("\n\n")
    rng = random.Random(seed)
    out = [text]
    for _ in range(n - 1):
        p = paras[:]
        rng.shuffle(p)
        out.append("\n\n".join(p))
    return out


# ---------------------------------------------------------------------------- gunicorn


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def children(pid: int) -> list[int]:
    """The child processes of `pid` (gunicorn's workers)."""
    pids = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            pids += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            pass
    return sorted(pids)


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


class Server:
    """gunicorn with the project's config on a loopback port; always stopped on exit."""

    def __init__(self, workers: int | None, threads: int | None, env: dict | None = None,
                 args: tuple[str, ...] = ()):
        self.port = free_port()
        self.log = tempfile.NamedTemporaryFile(prefix="cdcheck-gunicorn-", suffix=".log",
                                               delete=False)
        environ = dict(os.environ, CDCHECK_BIND=f"{HOST}:{self.port}", **(env or {}))
        environ.pop("CDCHECK_API_TOKEN", None)
        if workers:
            environ["CDCHECK_WORKERS"] = str(workers)
        if threads:
            environ["CDCHECK_THREADS"] = str(threads)
        self.proc = subprocess.Popen(
            # No control socket: it would take over the one of a gunicorn already serving here.
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--no-control-socket",
             *args, "app:app"],
            cwd=ROOT, env=environ, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True)

    def wait_ready(self, workers: int, timeout: float = 300) -> float:
        """Seconds until every worker logged that its models are loaded."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {Path(self.log.name).read_text()[-2000:]}")
            if Path(self.log.name).read_text().count("models loaded") >= workers:
                return time.monotonic() - started
            time.sleep(0.5)
        raise TimeoutError(f"gunicorn not ready after {timeout} s")

    def workers(self) -> list[int]:
        return children(self.proc.pid)

    def stop(self) -> float:
        """Stop gunicorn gracefully (SIGTERM), or kill it; the seconds it took."""
        started = time.monotonic()
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(45)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        return time.monotonic() - started


# ---------------------------------------------------------------------------- clients


class Counter:
    def __init__(self, limit: int):
        self.lock = threading.Lock()
        self.left = limit

    def take(self) -> bool:
        with self.lock:
            if self.left <= 0:
                return False
            self.left -= 1
            return True


def client(port: int, bodies: list[bytes], deadline: float, budget: Counter, offset: int,
           latencies: list[float], errors: list[str], records: list | None = None) -> None:
    """One client: one request after another until time or budget ends. The connection is kept
    while the server keeps it (http.client reopens it after a `Connection: close`). With
    `records`, each request is recorded as (id, start, end, outcome) in time.monotonic() and sent
    with an `X-Bench-Id` header (bench_faults.py finds which worker served it)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=120)
    i = offset
    while time.monotonic() < deadline and budget.take():
        body = bodies[i % len(bodies)]
        rid = f"{offset}-{i}"
        i += 1
        headers = {"Content-Type": "application/json", "X-Bench-Id": rid}
        t0, start = time.perf_counter(), time.monotonic()
        try:
            conn.request("POST", "/api/v1/check", body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            if resp.status != 200 or b'"verdict"' not in data:
                outcome = f"HTTP {resp.status}"
            else:
                outcome = "ok"
                latencies.append(time.perf_counter() - t0)
        except (OSError, http.client.HTTPException) as exc:
            outcome = type(exc).__name__
            conn.close()
            conn = http.client.HTTPConnection(HOST, port, timeout=120)
        if outcome != "ok":
            errors.append(outcome)
        if records is not None:
            records.append((rid, start, time.monotonic(), outcome))
    conn.close()


def run_load(port: int, bodies: list[bytes], clients: int, seconds: float, limit: int,
             records: list | None = None) -> dict:
    """`clients` concurrent clients for at most `seconds` and `limit` requests; the figures."""
    latencies: list[float] = []
    errors: list[str] = []
    budget = Counter(limit)
    deadline = time.monotonic() + seconds
    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(port, bodies, deadline, budget, 1000 * k,
                                                     latencies, errors, records), daemon=True)
               for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    return {"clients": clients, "requests": len(latencies) + len(errors), "errors": len(errors),
            "error_kinds": sorted(set(errors)), "seconds": elapsed,
            "rps": len(latencies) / elapsed if elapsed else 0.0,
            "p50_ms": _pct(latencies, 50), "p95_ms": _pct(latencies, 95)}


def _pct(values: list[float], p: int) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0] * 1000
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1] * 1000


def baseline(text: str, n: int, threads: int) -> dict:
    """The same check warm in-process, one at a time (no HTTP, no gunicorn): the floor for latency.

    Run in a child process with a worker's thread settings (OMP_NUM_THREADS = cores / workers,
    as gunicorn.conf.py sets them), so whichever inference engine the Checker uses gets the same
    threads as in a worker.
    """
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads))
    out = subprocess.run([sys.executable, __file__, "--baseline-child", str(n)], input=text,
                         capture_output=True, text=True, env=env, cwd=ROOT, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _baseline_child(n: int) -> None:
    from cdcheck import Checker

    text = sys.stdin.read()
    checker = Checker()
    report = checker.check(text)  # loads the models
    checker.check(text)
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        checker.check(text)
        times.append(time.perf_counter() - t0)
    print(json.dumps({"p50_ms": _pct(times, 50), "p95_ms": _pct(times, 95),
                      "rps": n / sum(times), "findings": len(report.findings or []),
                      "verdict": report.verdict}))


# ---------------------------------------------------------------------------- main


def _parse(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", default="1,8,32", help="concurrency levels (default 1,8,32)")
    ap.add_argument("--duration", type=float, default=30.0, help="seconds per level (default 30)")
    ap.add_argument("--total", type=int, default=5000,
                    help="requests served in all before the last RSS reading (default 5000)")
    ap.add_argument("--top-up-clients", type=int, default=32,
                    help="clients that top the run up to --total (default 32)")
    ap.add_argument("--max-seconds", type=float, default=4800.0,
                    help="time limit for reaching --total (default 4800)")
    ap.add_argument("--workers", type=int, help="gunicorn workers (default: gunicorn.conf.py)")
    ap.add_argument("--threads", type=int, help="threads per worker (default: gunicorn.conf.py)")
    ap.add_argument("--warm-up", type=int, default=100,
                    help="requests served before the first RSS reading (default 100)")
    ap.add_argument("--baseline-runs", type=int, default=20)
    ap.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    ap.add_argument("--baseline-child", type=int, help=argparse.SUPPRESS)
    return ap.parse_args(argv)


def _levels(server: Server, bodies: list[bytes], levels: list[int], seconds: float,
            base: dict | None) -> list[dict]:
    """Each concurrency level for `seconds`; printed against the in-process baseline."""
    print(f"{'clients':>7} {'requests':>8} {'errors':>6} {'req/s':>7} {'p50 ms':>8} "
          f"{'p95 ms':>8} {'p50/base':>8}  worker RSS after (MiB)")
    results = []
    for c in levels:
        r = run_load(server.port, bodies, c, seconds, 10**9)
        r["rss_after_mib"] = {pid: rss_mib(pid) for pid in server.workers()}
        results.append(r)
        ratio = f"{r['p50_ms'] / base['p50_ms']:.2f}x" if base else "-"
        print(f"{c:>7} {r['requests']:>8} {r['errors']:>6} {r['rps']:>7.2f} "
              f"{r['p50_ms']:>8.0f} {r['p95_ms']:>8.0f} {ratio:>8}  "
              + ", ".join(f"{v:.0f}" for v in r["rss_after_mib"].values())
              + (f"  {r['error_kinds']}" if r["errors"] else ""), flush=True)
    return results


def _top_up(server: Server, bodies: list[bytes], served: int, args) -> dict:
    """Top the run up to --total requests, reading RSS every 1,000: a leak climbs."""
    deadline = time.monotonic() + args.max_seconds
    top = {"clients": args.top_up_clients, "requests": 0, "errors": 0, "seconds": 0.0,
           "error_kinds": [], "rss_mib": []}
    while served < args.total and time.monotonic() < deadline:
        chunk = min(1000 - served % 1000, args.total - served)
        r = run_load(server.port, bodies, args.top_up_clients, deadline - time.monotonic(), chunk)
        served += r["requests"]
        for k in ("requests", "errors", "seconds"):
            top[k] += r[k]
        top["error_kinds"] = sorted(set(top["error_kinds"]) | set(r["error_kinds"]))
        rss = {pid: rss_mib(pid) for pid in server.workers()}
        top["rss_mib"].append([served, rss])
        print(f"  {served:>5} requests served: RSS "
              + ", ".join(f"{v:.0f}" for v in rss.values())
              + f" MiB ({r['rps']:.2f} req/s, {r['errors']} errors)", flush=True)
    if top["requests"]:
        top["rps"] = top["requests"] / top["seconds"]
        print(f"top-up to {args.total}: {top['requests']} requests with {args.top_up_clients} "
              f"clients in {top['seconds']:.0f} s, {top['errors']} errors, "
              f"{top['rps']:.2f} req/s")
    top["served"] = served
    return top


def _rss_summary(server: Server, pids: list[int], at_ready: dict, before: dict,
                 figures: dict) -> None:
    after = {pid: rss_mib(pid) for pid in server.workers()}
    growth = {p: (after[p] / before[p] - 1) * 100 for p in after if p in before}
    figures.update(rss_after_mib=after, rss_growth_pct=growth)
    print(f"after {figures['requests_total']} requests ({figures['errors_total']} errors): RSS "
          + ", ".join(f"{after[p]:.0f} MiB ({growth[p]:+.1f}%)" if p in growth
                      else f"{after[p]:.0f} MiB (new worker)" for p in after)
          + "; since ready: "
          + ", ".join(f"{(after[p] / at_ready[p] - 1) * 100:+.1f}%" for p in after
                      if p in at_ready)
          + f"; bound 10%: {'met' if growth and max(growth.values()) < 10 else 'NOT met'}")
    if set(after) != set(pids):
        print("note: workers were replaced during the run (a crash or max_requests)")


def _serve_and_measure(args, bodies: list[bytes], levels: list[int], figures: dict) -> None:
    server = Server(args.workers, args.threads)
    try:
        ready = server.wait_ready(figures["workers_expected"])
        pids = server.workers()
        at_ready = {pid: rss_mib(pid) for pid in pids}
        print(f"gunicorn on {HOST}:{server.port}: {len(pids)} workers ready in {ready:.1f} s; "
              f"RSS " + ", ".join(f"{v:.0f} MiB" for v in at_ready.values()))
        # Warm-up traffic reaching every worker, so that "before" is a served worker's RSS
        # (the allocator settles on its pools in the first requests), not a fresh one's.
        warm = run_load(server.port, bodies, 2 * len(pids), 300, args.warm_up)
        before = {pid: rss_mib(pid) for pid in pids}
        figures.update(workers=len(pids), ready_s=ready, rss_ready_mib=at_ready,
                       warm_up=warm, rss_before_mib=before)
        print(f"after {warm['requests']} warm-up requests ({warm['errors']} errors): RSS before "
              + ", ".join(f"{v:.0f} MiB" for v in before.values()))
        figures["levels"] = results = _levels(server, bodies, levels, args.duration,
                                              figures.get("baseline"))
        served = warm["requests"] + sum(r["requests"] for r in results)
        figures["top_up"] = top = _top_up(server, bodies, served, args)
        figures["requests_total"] = top["served"]
        figures["errors_total"] = (warm["errors"] + sum(r["errors"] for r in results)
                                   + top["errors"])
        _rss_summary(server, pids, at_ready, before, figures)
        if figures["errors_total"]:
            print("gunicorn log (end):\n" + Path(server.log.name).read_text()[-3000:])
    finally:
        print(f"gunicorn stopped in {server.stop():.1f} s")
        log = Path(server.log.name)
        if log.exists():
            log.unlink()


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    if args.baseline_child:
        _baseline_child(args.baseline_child)
        return 0
    # `timeout` and kill send SIGTERM: exit through `finally`, so that gunicorn is stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    text = statement(600)
    bodies = [json.dumps({"text": t}).encode() for t in variants(text, 8)]
    print(f"statement: {len(text.split())} words, {len(text)} characters")
    levels = [int(c) for c in args.clients.split(",")]
    figures: dict = {"words": len(text.split()), "cores": len(os.sched_getaffinity(0))}
    workers = args.workers or int(os.environ.get("CDCHECK_WORKERS", 0)) or figures["cores"]
    figures["workers_expected"] = workers
    if args.baseline_runs:
        threads = max(1, figures["cores"] // workers)
        figures["baseline"] = base = baseline(text, args.baseline_runs, threads)
        print(f"baseline, warm in-process Checker.check ({threads} thread"
              f"{'s' if threads > 1 else ''}, as in a worker): p50 {base['p50_ms']:.0f} ms, "
              f"p95 {base['p95_ms']:.0f} ms, {base['rps']:.2f} checks/s "
              f"({base['findings']} findings, verdict {base['verdict']}); {workers} workers "
              f"could serve at most {base['rps'] * workers:.2f} req/s")
    _serve_and_measure(args, bodies, levels, figures)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))
    return 1 if figures.get("errors_total") else 0


if __name__ == "__main__":
    sys.exit(main())
