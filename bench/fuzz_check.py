"""`Checker.check` under fuzzing (issue 12): no exception outside the documented error family.

    python bench/fuzz_check.py [--examples 10000] [--seed 0]

Hypothesis writes statements from pieces that exercise every stage: country names, demonyms,
cities and placeholders, accusing and working phrases, directives, and the characters that
break naive text tools: lone surrogates, C0/C1 controls, zero-width and bidi characters, soft
hyphens, odd spaces, lookalike Cyrillic letters, long runs of brackets and punctuation, empty
and whitespace-only texts. Every text goes through the real `Checker().check` (spaCy, finder,
classifier, rewrites); the run fails on the first exception that is not a CdcheckError, which
hypothesis shrinks and prints. The last line gives the inputs tried, how many were checked and
refused (by error class), and the slowest and 99th-percentile check.
tests/test_checker.py runs the same strategy with 150 inputs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from docbuild import statement_texts  # noqa: E402

from cdcheck.checker import Checker  # noqa: E402
from cdcheck.errors import CdcheckError  # noqa: E402


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--examples", type=int, default=10_000)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    checker = Checker()
    checker.warm_up()
    outcomes: Counter[str] = Counter()
    times: list[float] = []

    @settings(max_examples=args.examples, deadline=None, database=None, derandomize=False,
              suppress_health_check=list(HealthCheck))
    @given(statement_texts())
    def run(text: str) -> None:
        start = time.perf_counter()
        try:
            report = checker.check(text)
            outcomes[f"checked:{report.verdict}"] += 1
        except CdcheckError as exc:
            outcomes[type(exc).__name__] += 1
        times.append(time.perf_counter() - start)

    import random

    random.seed(args.seed)
    started = time.perf_counter()
    run()
    wall = time.perf_counter() - started
    times.sort()
    p99 = times[int(0.99 * (len(times) - 1))] if times else 0.0
    print(f"Checker.check: {len(times):,} inputs in {wall:.0f} s, no exception outside "
          f"CdcheckError; {dict(sorted(outcomes.items()))}; median "
          f"{statistics.median(times) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, slowest "
          f"{times[-1] * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
