"""Batch screening speed: documents/minute for a mixed folder against the same texts as .txt.

    python bench/bench_batch.py [--documents 200] [--out bench/out] [--skip-variants]

Generates the folder (make_corpus_folder.py), then times whole `cdcheck check` commands, each a
fresh process as a user runs them (model loading included; start-up is also timed alone and
shown so the per-document rate can be read without it):

  mixed      the one command: OUT/mixed -> text, HTML and SARIF reports (--jobs 1)
  txt        the same statements as .txt files, same command
  mixed -j2  reading .docx/.pdf in a second process while the main one checks
  2 procs    two cdcheck processes over half the files each, one torch thread each
             (what a checker-per-core pool would give)

Machines here are shared and noisy: compare figures within one run only.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import make_corpus_folder  # noqa: E402

CDCHECK = [sys.executable, "-m", "cdcheck.cli"]


def run(args: list[str], env: dict | None = None) -> tuple[float, int]:
    """(wall seconds, exit code) of one cdcheck command, its output discarded."""
    t = time.perf_counter()
    proc = subprocess.run(CDCHECK + args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          env={**os.environ, **(env or {})}, cwd=ROOT)
    wall = time.perf_counter() - t
    if proc.returncode not in (0, 1, 2):
        sys.stderr.write(proc.stderr.decode(errors="replace")[-2000:])
        raise SystemExit(f"cdcheck failed ({proc.returncode}): {' '.join(args)}")
    return wall, proc.returncode


def run_parallel(commands: list[list[str]], env: dict) -> float:
    """Wall seconds for commands started together."""
    t = time.perf_counter()
    procs = [subprocess.Popen(CDCHECK + c, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env={**os.environ, **env}, cwd=ROOT) for c in commands]
    for p in procs:
        p.wait()
    return time.perf_counter() - t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--documents", type=int, default=200)
    ap.add_argument("--out", default=str(ROOT / "bench" / "out"))
    ap.add_argument("--skip-variants", action="store_true", help="only the mixed and txt runs")
    args = ap.parse_args(argv)
    out = Path(args.out)
    mixed, plain = make_corpus_folder.make(out, args.documents)
    n_mixed = sum(1 for f in mixed.rglob("*") if f.is_file())
    n_txt = sum(1 for f in plain.rglob("*") if f.is_file())
    base = ["check", "--fail-on", "never", "--no-config"]

    with tempfile.TemporaryDirectory() as tmp:
        tiny = Path(tmp) / "one.txt"
        tiny.write_text("Our organization trains judges in Ghana.\n", encoding="utf-8")
        startup, _ = run(base + [str(tiny)])

    html, sarif = out / "report.html", out / "report.sarif"
    command = base + ["--jobs", "1", str(mixed), "-o", str(out / "report.txt"),
                      "--report", str(html), "--report", str(sarif)]
    rows = []
    wall, code = run(command)
    rows.append(("mixed (.txt .md .docx .pdf)", n_mixed, wall))
    wall_txt, _ = run(base + ["--jobs", "1", str(plain), "--format", "json",
                              "-o", str(out / "txt.json")])
    rows.append(("same texts as .txt", n_txt, wall_txt))
    if not args.skip_variants:
        wall, _ = run(base + ["--jobs", "2", str(mixed), "--format", "json",
                              "-o", str(out / "mixed-j2.json")])
        rows.append(("mixed, reader process (-j 2)", n_mixed, wall))
        files = sorted(str(f) for f in mixed.rglob("*") if f.is_file())
        halves = [files[0::2], files[1::2]]
        wall = run_parallel([base + ["--jobs", "1", "--format", "json", "-o",
                                     str(out / f"half-{i}.json"), *h]
                             for i, h in enumerate(halves)], {"OMP_NUM_THREADS": "1"})
        rows.append(("mixed, 2 processes x 1 thread", n_mixed, wall))

    sarif_doc = json.loads(sarif.read_text(encoding="utf-8"))
    notes = sarif_doc["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    print(f"cdcheck batch benchmark, {os.cpu_count()} CPUs; start-up (1 short document) "
          f"{startup:.1f} s")
    print(f"command: cdcheck {' '.join(command[:-6])} {mixed.relative_to(ROOT)} "
          f"-o report.txt --report report.html --report report.sarif  (exit {code})")
    print(f"{'run':<34}{'docs':>6}{'seconds':>10}{'docs/min':>10}{'docs/min excl. start-up':>25}")
    for name, n, wall in rows:
        net = max(wall - startup, 1e-9)
        print(f"{name:<34}{n:>6}{wall:>10.1f}{n / wall * 60:>10.0f}{n / net * 60:>25.0f}")
    print(f"reports: {html} ({html.stat().st_size // 1024} KiB), {sarif} "
          f"({len(sarif_doc['runs'][0]['results'])} results, {len(notes)} unreadable documents)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
