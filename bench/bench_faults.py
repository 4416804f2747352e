"""Fault benchmark of the web service: a worker killed under load, replaced, and load spread again.

    .venv/bin/python bench/bench_faults.py                    # 8 clients, 20 s before, 40 s after
    .venv/bin/python bench/bench_faults.py --before 10 --after 20 --clients 4

For each setting of keep-alive, the old one first (CDCHECK_KEEPALIVE=5, the baseline) and then
the one gunicorn.conf.py ships (no keep-alive), it starts gunicorn (gunicorn.conf.py, 2 workers)
on 127.0.0.1 at a free port with an access log that records only which worker (pid) answered
which request (the clients send an `X-Bench-Id` header; the statement is never logged), runs
`--clients` clients posting the 600-word statement of bench_load.py, SIGKILLs one worker after
`--before` seconds and goes on for `--after` seconds. It prints, for each setting:

- req/s and p50 before the kill (the cost of closing every connection, against keep-alive);
- the requests lost, and how many of them were in flight on the killed worker when it died;
- how long until the replacement worker served its first answer (target: within 5 s), and when
  it logged its models loaded;
- the replacement's share of the requests answered after it first served (spread: about half
  with 2 workers; with keep-alive the clients stay on the survivor).

Loopback only; every phase is bounded in time; gunicorn is stopped at the end, whatever happens.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_load import HOST, Server, run_load, statement, variants  # noqa: E402

ACCESS_FORMAT = "%({x-bench-id}i)s %(p)s %(s)s"


def _served_by(access_log: Path) -> dict[str, int]:
    """Request id -> pid of the worker that answered it, from the access log."""
    out = {}
    for line in access_log.read_text().splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] != "-":
            out[parts[0]] = int(parts[1].strip("<>"))
    return out


def _loaded_at(log: str, pid: int) -> float | None:
    """The seconds the worker reported for loading its models (`models loaded in X s`)."""
    m = re.search(rf"worker {pid}: models loaded in ([0-9.]+) s", log)
    return float(m.group(1)) if m else None


def _wait_new_worker(server: Server, old: set[int], timeout: float = 60) -> int | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        new = set(server.workers()) - old
        if new:
            return new.pop()
        time.sleep(0.02)
    return None


def _scenario(keepalive: int, args, bodies: list[bytes]) -> dict:
    """One server, one kill under load; the figures."""
    access = Path(tempfile.mkstemp(prefix="cdcheck-access-", suffix=".log")[1])
    server = Server(2, None, env={"CDCHECK_KEEPALIVE": str(keepalive)},
                    args=("--access-logfile", str(access), "--access-logformat", ACCESS_FORMAT))
    records: list = []
    try:
        server.wait_ready(2)
        pids = server.workers()
        load = threading.Thread(target=run_load, args=(server.port, bodies, args.clients,
                                                       args.before + args.after, 10**9, records),
                                daemon=True)
        started = time.monotonic()
        load.start()
        time.sleep(args.before)
        victim = pids[0]
        os.kill(victim, signal.SIGKILL)
        killed = time.monotonic()
        new = _wait_new_worker(server, set(pids))
        forked = time.monotonic() - killed if new else None
        load.join(args.before + args.after + 180)
        log = Path(server.log.name).read_text()
        figures = _figures(records, _served_by(access), started, killed, victim, new)
        figures.update(keepalive=keepalive, forked_s=forked,
                       models_loaded_s=_loaded_at(log, new) if new else None)
        return figures
    finally:
        server.stop()
        for path in (access, Path(server.log.name)):
            path.unlink(missing_ok=True)


def _figures(records: list, served: dict, started: float, killed: float, victim: int,
             new: int | None) -> dict:
    before = [r for r in records if r[2] <= killed]
    ok_before = [r for r in before if r[3] == "ok"]
    lost = [r for r in records if r[3] != "ok"]
    in_flight = [r for r in lost if r[1] <= killed + 0.5 and served.get(r[0]) in (None, victim)]
    by_new = sorted((r for r in records if r[3] == "ok" and new and served.get(r[0]) == new),
                    key=lambda r: r[2])
    first = by_new[0][2] - killed if by_new else None
    after_first = [r for r in records if r[3] == "ok" and by_new and r[2] >= by_new[0][2]]
    share = (sum(served.get(r[0]) == new for r in after_first) / len(after_first)
             if after_first else 0.0)
    window = killed - started
    return {
        "requests": len(records), "rps_before": len(ok_before) / window if window else 0.0,
        "p50_before_ms": statistics.median([(r[2] - r[1]) * 1000 for r in ok_before])
        if ok_before else float("nan"),
        "lost": len(lost), "lost_in_flight": len(in_flight),
        "lost_kinds": sorted({r[3] for r in lost}),
        "first_served_s": first, "after_first": len(after_first), "replacement_share": share,
    }


def _print(f: dict) -> None:
    name = "keep-alive 5 s (baseline)" if f["keepalive"] else "no keep-alive (gunicorn.conf.py)"
    first = f"{f['first_served_s']:.1f} s" if f["first_served_s"] is not None else "never"
    ready = (f["forked_s"] or 0) + (f["models_loaded_s"] or 0)
    print(f"{name}: before the kill {f['rps_before']:.2f} req/s, p50 {f['p50_before_ms']:.0f} ms; "
          f"lost {f['lost']} requests ({f['lost_in_flight']} in flight on the killed worker) "
          f"{f['lost_kinds']}; replacement forked after {f['forked_s'] or 0:.2f} s, ready "
          f"(models loaded) {ready:.1f} s after the kill, first answer {first} after the kill "
          f"(target 5 s; it includes that check's own time); it served "
          f"{f['replacement_share']:.0%} of the {f['after_first']} answers after its first",
          flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    ap.add_argument("--before", type=float, default=20.0, help="seconds of load before the kill")
    ap.add_argument("--after", type=float, default=40.0, help="seconds of load after the kill")
    ap.add_argument("--keepalive", default="5,0",
                    help="CDCHECK_KEEPALIVE settings to run, baseline first (default 5,0)")
    ap.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = ap.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    text = statement(600)
    bodies = [json.dumps({"text": t}).encode() for t in variants(text, 8)]
    print(f"statement: {len(text.split())} words; {args.clients} clients on {HOST}; kill after "
          f"{args.before:g} s, then {args.after:g} s", flush=True)
    results = []
    for keepalive in (int(k) for k in args.keepalive.split(",")):
        results.append(_scenario(keepalive, args, bodies))
        _print(results[-1])
    if len(results) == 2 and results[0]["rps_before"]:
        a, b = results
        print(f"no keep-alive vs keep-alive, same run: {b['rps_before'] / a['rps_before']:.2f}x "
              f"the req/s, p50 {b['p50_before_ms'] - a['p50_before_ms']:+.0f} ms")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    last = results[-1]
    met = (last["first_served_s"] is not None and last["first_served_s"] <= 5
           and last["lost"] == last["lost_in_flight"] and last["replacement_share"] >= 0.25)
    print("targets (replacement serves within 5 s, only in-flight requests lost, load spread): "
          + ("met" if met else "NOT met"))
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
