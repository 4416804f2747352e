"""The document readers under fuzzing and hostile input (issue 12).

    python bench/fuzz_readers.py [--examples 10000] [--reader text --reader docx --reader pdf]
    python bench/fuzz_readers.py --hostile [--case NAME ...] [--no-trim]

Fuzz (the default): hypothesis feeds each reader `--examples` inputs from the strategies in
tests/docbuild.py (random and BOM-prefixed bytes, .docx files with broken zips, broken XML
parts and random WordprocessingML, PDFs with broken bytes and random content streams) and
fails on the first exception outside the documented error family (CdcheckError), which it
shrinks and prints. Each reader's line gives the inputs tried, how many were read and refused,
and the slowest and 99th-percentile read. tests/documents/test_fuzz.py runs the same with 300
inputs a reader.

Hostile (--hostile): each input of issue 12 and its adversarial variants, built by
tests/docbuild.py, is read in a fresh process, which reports the answer, the wall time of the
read, the peak RSS of the process and its RSS after the read, against the RSS it had before
(imports done, input built). `--no-trim` leaves out the malloc_trim call that hands freed
memory back after a large .docx, to measure what it is worth.

Machines here are shared and noisy: compare figures within one run only.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

MB = 1024 * 1024


def _hostile_cases() -> dict:
    """{name: (what it is, suffix or "directives", builder)}: built only in the child."""
    import docbuild as d

    return {
        "pdf-shared-stream": ("2,000 pages share one stream of 90,000 operators (issue 12)",
                              ".pdf", lambda: d.shared_stream_pdf(2000, 90_000)),
        "pdf-shared-long-stream": ("the same, 400,000 operators: over pypdf's per-stream limit",
                                   ".pdf", lambda: d.shared_stream_pdf(2000, 400_000)),
        "pdf-many-streams": ("2,000 pages, each its own stream of 1,500 operators", ".pdf",
                             lambda: d.many_streams_pdf(2000, 1500)),
        "pdf-nested-forms": ("forms 12 deep, each drawing the next 10 times", ".pdf",
                             lambda: d.nested_forms_pdf(12, 10, 50, inner=0)),
        "pdf-nested-forms-content": ("forms 6 deep x 10, 200 operators inside", ".pdf",
                                     lambda: d.nested_forms_pdf(6, 10, 50, inner=200)),
        "pdf-operand-forms": ("a form of 250,000 operands, no operator, drawn 100 times a page",
                              ".pdf", lambda: d.operand_forms_pdf()),
        "pdf-font-maps": ("2,000 pages, each with a 10,000-code /ToUnicode map", ".pdf",
                          lambda: d.big_cmap_pdf(10_000, 2000)),
        "pdf-100k-pages": ("100,000 pages", ".pdf", lambda: d.many_pages_pdf(100_000)),
        "pdf-lying-count": ("20,000 pages in a tree that says 1", ".pdf",
                            lambda: d.many_pages_pdf(20_000, count=1)),
        "pdf-zlib-bomb": ("one page whose stream inflates to 200 MB", ".pdf",
                          lambda: d.inflating_stream_pdf(200 * MB)),
        "docx-190mb-empty": ("190 MB of empty paragraphs (issue 12)", ".docx",
                             lambda: d.huge_xml_docx(b"<w:p/>", 190 * MB)),
        "docx-190mb-runs": ("190 MB of one-run paragraphs", ".docx",
                            lambda: d.huge_xml_docx(b"<w:p><w:r/></w:p>", 190 * MB)),
        "docx-190mb-text": ("190 MB of text paragraphs", ".docx", lambda: d.huge_xml_docx(
            b"<w:p><w:r><w:t>Country X has failed. </w:t></w:r></w:p>", 190 * MB)),
        "docx-giant-paragraph": ("one paragraph of 190 MB of runs", ".docx", lambda: d.huge_xml_docx(
            b"<w:r><w:rPr><w:b/></w:rPr><w:t>a</w:t></w:r>", 190 * MB, b"<w:p>", b"</w:p>")),
        "docx-comments": ("190 MB of XML comments: no element, no text", ".docx",
                          lambda: d.huge_xml_docx(b"<!-- " + b"x" * 58 + b" -->", 190 * MB)),
        "docx-lying-bomb": ("declares 4 KiB, inflates to 190 MB", ".docx",
                            lambda: d.lying_bomb_docx(190 * MB)),
        "docx-deep": ("tables nested 20,000 deep", ".docx",
                      lambda: d.huge_xml_docx(b"<w:tbl><w:tr><w:tc>", 400_000)),
        "docx-large-valid": ("a valid 19 MB .docx: 290,000 characters in formatted runs and a "
                             "picture", ".docx", _large_valid_docx),
        "txt-20mb": ("20 MB of text (over the character limit)", ".txt",
                     lambda: b"Our programme trains judges. " * (20 * MB // 29)),
        "directive-unclosed": ('"<!--cdcheck:" * 25000 (issue 12: 73 s)', "directives",
                               lambda: "<!--cdcheck:" * 25000),
        "directive-spaces": ("a directive with 60,000 spaces (issue 12: 15 s)", "directives",
                             lambda: "<!-- cdcheck: allow GRC" + " " * 60000 + "x -->"),
        "directive-unclosed-1m": ('"<!--cdcheck:" * 1,000,000', "directives",
                                  lambda: "<!--cdcheck:" * 1_000_000),
        "directive-many": ("200,000 valid directives (over the cap)", "directives",
                           lambda: '<!-- cdcheck: allow GRC "r" -->\n' * 200_000),
    }


def _large_valid_docx() -> bytes:
    """Under every limit: 290,000 characters in runs that each carry Word's formatting (300,000
    elements), and an 18 MB picture."""
    import docbuild

    run = (b'<w:r w:rsidR="00AB12CD"><w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial"/>'
           b'<w:sz w:val="24"/><w:lang w:val="en-GB"/></w:rPr><w:t xml:space="preserve">'
           b"Our work in Ghana continues. </w:t></w:r>")
    paragraph = b"<w:p>" + run * 10 + b"</w:p>"
    return docbuild.huge_xml_docx(paragraph, len(paragraph) * 999, media=18 * MB)


def _rss() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _child(name: str, trim: bool) -> None:
    """Build one hostile input, read it, print what happened as one JSON line."""
    import gc

    import charset_normalizer  # noqa: F401 - imported before the baseline, as in a worker
    import lxml.etree  # noqa: F401
    import pypdf  # noqa: F401

    import cdcheck.documents as documents
    import cdcheck.documents.docx_reader as docx_reader
    from cdcheck.documents import directives, load_bytes
    from cdcheck.errors import CdcheckError

    if not trim:
        docx_reader.release_memory = documents.release_memory = lambda: None
    what, suffix, build = _hostile_cases()[name]
    data = build()
    gc.collect()
    before = _rss()
    start = time.perf_counter()
    try:
        if suffix == "directives":
            found = directives.extract(data, lambda code: "GRC", "h.md")[1]
            answer = f"read: {len(found)} directives"
        else:
            answer = f"read: {len(load_bytes(data, 'h' + suffix, suffix).text):,} characters"
    except CdcheckError as exc:
        answer = f"{type(exc).__name__} ({exc.http_status}): {str(exc).split(': ', 1)[1][:90]}"
    seconds = time.perf_counter() - start
    found = None
    gc.collect()
    print(json.dumps({"case": name, "what": what, "size": len(data), "answer": answer,
                      "seconds": seconds, "before": before,
                      "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
                      "after": _rss()}))


def run_hostile(names: list[str], trim: bool) -> int:
    """Each hostile case in a fresh process; a table of answers, times and memory."""
    cases = names or list(_hostile_cases())
    print(f"{'case':<26} {'input':>9} {'read s':>7} {'peak MiB':>9} {'+peak':>7} {'+after':>7}  "
          "answer")
    worst = 0.0
    for name in cases:
        cmd = [sys.executable, __file__, "--child", name] + ([] if trim else ["--no-trim"])
        run = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=ROOT)
        if run.returncode:
            print(f"{name:<26} FAILED\n{run.stderr[-2000:]}")
            return 1
        r = json.loads(run.stdout.strip().splitlines()[-1])
        worst = max(worst, r["seconds"])
        print(f"{name:<26} {r['size'] / 1024:>7,.0f}KB {r['seconds']:>7.2f} "
              f"{r['peak'] / MB:>9,.0f} {(r['peak'] - r['before']) / MB:>7,.0f} "
              f"{(r['after'] - r['before']) / MB:>7,.0f}  {r['answer']}")
    print(f"worst read: {worst:.2f} s ({'with' if trim else 'without'} malloc_trim after "
          "large .docx files)")
    return 0


def _fuzz(strategy, examples: int) -> tuple[list[float], dict[str, int]]:
    """(read times, outcomes) of `examples` inputs; raises on anything but a CdcheckError."""
    from hypothesis import HealthCheck, given, settings

    from cdcheck.documents import load_bytes
    from cdcheck.errors import CdcheckError

    times: list[float] = []
    outcomes: dict[str, int] = {}

    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def reader_holds(case):
        data, suffix = case
        start = time.perf_counter()
        try:
            load_bytes(data, "fuzz" + suffix, suffix)
            outcome = "read"
        except CdcheckError as exc:
            outcome = type(exc).__name__
        times.append(time.perf_counter() - start)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1

    reader_holds()  # raises (and prints the shrunk input) on anything else
    return sorted(times), outcomes


def run_fuzz(readers: list[str], examples: int) -> int:
    """Each reader under hypothesis: only CdcheckError may come out."""
    import docbuild

    strategies = docbuild.fuzz_strategies()
    for kind in readers:
        start = time.perf_counter()
        times, outcomes = _fuzz(strategies[kind], examples)
        p99 = times[int(0.99 * (len(times) - 1))]
        print(f"{kind:<5} {len(times):>6,} inputs in {time.perf_counter() - start:6.1f} s, "
              f"slowest {times[-1] * 1000:7.1f} ms, p99 {p99 * 1000:6.1f} ms: "
              + ", ".join(f"{k} {v:,}" for k, v in sorted(outcomes.items())), flush=True)
    print("nothing outside the documented error family (CdcheckError) escaped")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=10_000, help="inputs per reader")
    parser.add_argument("--reader", action="append", choices=["text", "docx", "pdf"])
    parser.add_argument("--hostile", action="store_true", help="the hostile inputs instead")
    parser.add_argument("--case", action="append", default=[], help="one hostile case (repeat)")
    parser.add_argument("--no-trim", action="store_true", help="no malloc_trim after a .docx")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, trim=not args.no_trim)
        return 0
    if args.hostile:
        return run_hostile(args.case, trim=not args.no_trim)
    return run_fuzz(args.reader or ["text", "docx", "pdf"], args.examples)


if __name__ == "__main__":
    sys.exit(main())
