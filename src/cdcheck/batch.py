"""Batch screening: many documents through the Checker, each broken file reported, none fatal.

The road per document: read it (documents), blank and collect its directives (directives),
check it (Checker.check_many batches spaCy and the classifier across documents), accept what
directives and the configuration allow, then map every finding to a Location.

Both cores: the classifier is nearly all of the time (reading a .docx or .pdf takes a few
milliseconds, checking it a few hundred), and one process running PyTorch on two threads uses
the second core poorly. So a large batch is split into chunks checked by `jobs` worker
processes, each with its own Checker loaded once and one PyTorch thread; a small batch (a
pre-commit run, a single file) is checked in this process, where the models may already be
loaded. bench/bench_batch.py measures both.
"""

from __future__ import annotations

import os
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import directives as directives_mod
from .config import AllowEntry
from .documents import Document, PathFilter, load_path, load_stdin, locate_findings
from .errors import CdcheckError
from .schema import VERDICTS, DocumentReport

Loaded = tuple[str, Document | None, str | None]
#: Below this many documents a second process loading the models (seconds) does not pay.
PARALLEL_MIN_DOCUMENTS = 24


@dataclass
class BatchOptions:
    """How to screen: the speaker, what the configuration accepts, how many checking processes."""

    speaker_country: str | None = None
    allow: list[AllowEntry] = field(default_factory=list)
    allow_base: Path | None = None  # the configuration file's folder: `allow` paths are relative to it
    jobs: int = 0  # checking processes: 0 decides by the batch's size, 1 checks in this process
    mentions_only: bool = False


def load_one(item: Path | str) -> Loaded:
    """(source, Document, None) or (source, None, error) for one input; never raises CdcheckError."""
    source = "<stdin>" if item == "-" else str(item)
    try:
        doc = load_stdin() if item == "-" else load_path(Path(item), source)
    except CdcheckError as exc:
        return source, None, str(exc)
    return source, doc, None


def worker_count(items: Sequence[Path | str], jobs: int = 0) -> int:
    """How many processes to check `items` with: 1 (this one) unless the batch is large."""
    if "-" in items:
        return 1  # standard input can only be read here
    if jobs:
        return max(1, min(jobs, len(items)))
    if (os.cpu_count() or 1) < 2 or len(items) < PARALLEL_MIN_DOCUMENTS:
        return 1
    return min(os.cpu_count() or 1, 2)


def _config_directives(source: str, doc: Document, options: BatchOptions,
                       resolve: Callable[[str], str | None]) -> list[directives_mod.Directive]:
    """File-wide directives from the configuration's `allow` entries that match this document."""
    if not options.allow or source == "<stdin>":
        return []
    out = []
    path = Path(source)
    for entry in options.allow:
        keep = PathFilter(include=entry.paths, include_base=options.allow_base)
        if keep(path, None):
            out.append(directives_mod.Directive(
                directives_mod.resolve_codes(entry.countries, resolve), entry.reason, 0,
                len(doc.text), None, "file", "the configuration file"))
    return out


def _prepare(checker, source: str, doc: Document,
             options: BatchOptions) -> tuple[str, list[directives_mod.Directive]]:
    """The text to check (directives blanked, validated) and the directives that apply to it."""
    found: list[directives_mod.Directive] = []
    text = doc.text
    if doc.format in ("txt", "md"):
        text, found = directives_mod.extract(text, checker.resolve_country, source)
        doc.text = text
    found += _config_directives(source, doc, options, checker.resolve_country)
    checker.validate(text)
    return text, found


def check_document(checker, doc: Document,
                   options: BatchOptions | None = None) -> DocumentReport:
    """One document the whole way (directives, check, acceptances, locations), as `screen`
    does for each file; for callers with a Document already read (the web app). Raises the
    CdcheckError that stops it."""
    options = options or BatchOptions()
    text, found = _prepare(checker, doc.source, doc, options)
    report = checker.check(text, doc.source, options.speaker_country)
    directives_mod.accept(report, found, checker.policy)
    return locate_findings(report, doc)


def _screen_here(checker, items: Sequence[Path | str], options: BatchOptions,
                 on_done: Callable[[int, DocumentReport], None]) -> None:
    """Read and check `items` in this process; `on_done(index, report)` for each, in order."""
    speaker = checker.resolve_country(options.speaker_country)
    pending: deque[tuple[int, Document, list]] = deque()

    def feed() -> Iterator[tuple[str, str]]:
        for i, item in enumerate(items):
            source, doc, error = load_one(item)
            if doc is not None:
                try:
                    text, found = _prepare(checker, source, doc, options)
                except CdcheckError as exc:
                    error = str(exc)
            if error is not None:
                on_done(i, DocumentReport(source=source, error=error))
                continue
            pending.append((i, doc, found))
            yield source, text

    if options.mentions_only:
        for source, text in feed():
            i, _, _ = pending.popleft()
            on_done(i, checker.find_mentions(text, source))
        return
    for report in checker.check_many(feed(), speaker):
        i, doc, found = pending.popleft()
        directives_mod.accept(report, found, checker.policy)
        on_done(i, locate_findings(report, doc))


_WORKER_CHECKER = None


def _init_worker(settings, aliases: dict[str, str]) -> None:
    """A worker process: one PyTorch thread (the other core is the other worker's), one Checker."""
    import torch

    from .checker import Checker

    torch.set_num_threads(1)
    global _WORKER_CHECKER
    _WORKER_CHECKER = Checker(settings, aliases or None)


def _screen_chunk(items: list[Path | str], options: BatchOptions) -> list[DocumentReport]:
    out: list[DocumentReport | None] = [None] * len(items)

    def keep(i: int, report: DocumentReport) -> None:
        out[i] = report

    _screen_here(_WORKER_CHECKER, items, options, keep)
    return out  # type: ignore[return-value]


def _screen_pool(checker, items: Sequence[Path | str], options: BatchOptions, workers: int,
                 on_done: Callable[[int, DocumentReport], None]) -> None:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    size = max(1, min(16, len(items) // (workers * 4)))
    chunks = [(start, list(items[start:start + size])) for start in range(0, len(items), size)]
    # spawn, not fork: this process may already hold PyTorch's threads, which fork does not copy.
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker,
                             initargs=(checker.settings, checker.aliases)) as pool:
        futures = {pool.submit(_screen_chunk, chunk, options): start for start, chunk in chunks}
        for future in as_completed(futures):
            for k, report in enumerate(future.result()):
                on_done(futures[future] + k, report)


def screen(checker, items: Sequence[Path | str], options: BatchOptions | None = None,
           on_done: Callable[[DocumentReport], None] | None = None) -> list[DocumentReport]:
    """One report per input, in input order: findings (or mentions), or the error that stopped it.

    `on_done` is called once per document as soon as its report is final (for a progress bar).
    With several workers the models are loaded in each worker, not in `checker`'s process.
    """
    options = options or BatchOptions()
    checker.resolve_country(options.speaker_country)  # BadOption before any work
    reports: list[DocumentReport | None] = [None] * len(items)

    def done(i: int, report: DocumentReport) -> None:
        reports[i] = report
        if on_done is not None:
            on_done(report)

    workers = worker_count(items, options.jobs)
    if workers > 1:
        _screen_pool(checker, items, options, workers, done)
    else:
        _screen_here(checker, items, options, done)
    return reports  # type: ignore[return-value]


def summarize(reports: Iterable[DocumentReport], top: int = 10) -> dict:
    """Counts for a batch: documents by verdict, findings by label, most blamed, unreadable."""
    reports = list(reports)
    verdicts = Counter(r.verdict for r in reports if r.ok and r.verdict)
    labels: Counter = Counter()
    accepted = 0
    blamed: Counter = Counter()
    blamed_docs: dict[str, set] = {}
    names: dict[str, str] = {}
    for r in reports:
        for f in r.findings or []:
            if not f.counts:
                accepted += 1
                continue
            labels[f.label] += 1
            if f.label == "blame":
                # Placeholders ("Country X", "State B") are counted apart, each by its own name.
                name = " ".join(f.mention.country_name.split())
                key = f.mention.country or "?" + name.casefold()
                blamed[key] += 1
                blamed_docs.setdefault(key, set()).add(r.source)
                names.setdefault(key, name if f.mention.country else name[:1].upper() + name[1:])
    return {
        "documents": len(reports),
        "verdicts": {v: verdicts.get(v, 0) for v in VERDICTS},
        "errors": sum(1 for r in reports if not r.ok),
        "findings": {"blame": labels.get("blame", 0), "situation": labels.get("situation", 0),
                     "accepted": accepted},
        "most_blamed": [
            {"country": None if key.startswith("?") else key, "country_name": names[key],
             "findings": n, "documents": len(blamed_docs[key])}
            for key, n in sorted(blamed.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
        ],
        "unreadable": [{"source": r.source, "error": error_reason(r)} for r in reports if not r.ok],
    }


def error_reason(report: DocumentReport) -> str:
    """The error of an unreadable document without its leading "source: " (for lists by source)."""
    return (report.error or "").removeprefix(f"{report.source}: ")
