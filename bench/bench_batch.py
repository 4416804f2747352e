"""Batch screening speed: documents/minute for a mixed folder against the same texts as .txt.

    python bench/bench_batch.py [--documents 200] [--out bench/out] [--skip-serial]

Generates the folder (make_corpus_folder.py), then times whole `cdcheck check` commands, each a
fresh process as a user runs it (model loading included; start-up is also timed alone, so the
rate without it can be read too), the CPU time they used, and the peak RSS of the largest
process of each (issue 11: <= 500 MiB, also on a large folder: try --documents 1000):

  mixed  -j auto   the one command: OUT/mixed -> text, HTML and SARIF (two checking processes)
  txt    -j auto   the same statements as .txt files
  mixed  -j 1      everything in one process, PyTorch on two threads
  txt    -j 1

Machines here are shared and noisy: compare figures within one run only. Run the printed
command in a terminal to see the progress bar.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import make_corpus_folder  # noqa: E402

CDCHECK = [sys.executable, "-m", "cdcheck.cli"]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(args: list[str]) -> tuple[float, float, int, float]:
    """(wall seconds, CPU seconds, exit code, peak RSS in MiB) of one cdcheck command.

    The peak is wait4's: the largest resident set of the command's process or of any worker it
    started and reaped, so it reads as "the biggest single process", not their sum."""
    cpu = _children_cpu()
    t = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(CDCHECK + args, stdout=subprocess.DEVNULL, stderr=err, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1, 2):
            err.seek(0)
            sys.stderr.write(err.read().decode(errors="replace")[-2000:])
            raise SystemExit(f"cdcheck failed ({code}): {' '.join(args)}")
    return wall, _children_cpu() - cpu, code, usage.ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--documents", type=int, default=200)
    ap.add_argument("--out", default=str(ROOT / "bench" / "out"))
    ap.add_argument("--skip-serial", action="store_true", help="leave out the -j 1 runs")
    args = ap.parse_args(argv)
    out = Path(args.out)
    mixed, plain = make_corpus_folder.make(out, args.documents)
    n_mixed = sum(1 for f in mixed.rglob("*") if f.is_file())
    n_txt = sum(1 for f in plain.rglob("*") if f.is_file())
    base = ["check", "--fail-on", "never", "--no-config"]

    with tempfile.TemporaryDirectory() as tmp:
        tiny = Path(tmp) / "one.txt"
        tiny.write_text("Our organization trains judges in Ghana.\n", encoding="utf-8")
        startup, _, _, startup_rss = run(base + [str(tiny)])

    html, sarif = out / "report.html", out / "report.sarif"
    shown = ["cdcheck", *base, str(mixed), "-o", str(out / "report.txt"), "--report", str(html),
             "--report", str(sarif)]
    runs = [("mixed (.txt .md .docx .pdf)", "auto", n_mixed, shown[1:]),
            ("same texts as .txt", "auto", n_txt,
             base + [str(plain), "--format", "json", "-o", str(out / "txt.json")])]
    if not args.skip_serial:
        runs += [("mixed (.txt .md .docx .pdf)", "1", n_mixed,
                  base + ["--jobs", "1", str(mixed), "--format", "json",
                          "-o", str(out / "mixed-j1.json")]),
                 ("same texts as .txt", "1", n_txt,
                  base + ["--jobs", "1", str(plain), "--format", "json",
                          "-o", str(out / "txt-j1.json")])]
    rows = []
    for name, jobs, n, command in runs:
        wall, cpu, code, rss = run(command)
        rows.append((name, jobs, n, wall, cpu, rss))

    sarif_doc = json.loads(sarif.read_text(encoding="utf-8"))
    notes = sarif_doc["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    print(f"cdcheck batch benchmark, {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.1f}; start-up (1 short document) {startup:.1f} s, "
          f"peak RSS {startup_rss:.0f} MiB")
    print("command: " + " ".join(shown))
    print(f"{'run':<30}{'-j':>5}{'docs':>6}{'wall s':>9}{'CPU s':>8}{'docs/min':>10}"
          f"{'excl. start-up':>16}{'peak RSS MiB':>14}")
    for name, jobs, n, wall, cpu, rss in rows:
        net = max(wall - startup, 1e-9)
        print(f"{name:<30}{jobs:>5}{n:>6}{wall:>9.1f}{cpu:>8.1f}{n / wall * 60:>10.0f}"
              f"{n / net * 60:>16.0f}{rss:>14.0f}")
    print("peak RSS: the largest single process of the command (the parent or one worker); "
          "target <= 500 MiB")
    print(f"reports: {html} ({html.stat().st_size // 1024} KiB), {sarif} "
          f"({len(sarif_doc['runs'][0]['results'])} results, {len(notes)} unreadable documents)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
