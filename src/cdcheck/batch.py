"""Batch screening: many files through `Checker.check_documents`, in order, each broken file
reported, none fatal; and the pool of worker processes that uses both cores.

This module only reads files, keeps their order and spreads them over processes: every decision
about a document (directives, acceptance, locations, verdict) is the Checker's. A large batch is
split into chunks checked by `jobs` worker processes, each with its own Checker loaded once and
one inference thread; a small batch (a pre-commit run, a single file) is checked in this
process, where the models may already be loaded. bench/bench_batch.py measures both.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from .checker import Checker, CheckOptions
from .documents import Document, load_path, load_stdin
from .errors import CdcheckError
from .schema import DocumentReport

#: Below this many documents a second process loading the models (seconds) does not pay.
PARALLEL_MIN_DOCUMENTS = 24


def load_one(item: Path | str,
             max_chars: int | None = None) -> tuple[str, Document | None, str | None]:
    """(source, Document, None) or (source, None, error) for one input; never raises CdcheckError.

    Running out of memory while reading one input is that input's error too: the reader's
    limits should prevent it, and if they do not, the batch goes on with the other files.
    """
    source = "<stdin>" if item == "-" else str(item)
    try:
        doc = load_stdin(max_chars) if item == "-" else load_path(Path(item), source, max_chars)
    except CdcheckError as exc:
        return source, None, str(exc)
    except MemoryError:
        return source, None, f"{source}: not enough memory to read it"
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


def _screen_here(checker: Checker, items: Sequence[Path | str], options: CheckOptions,
                 on_done: Callable[[int, DocumentReport], None]) -> None:
    """Read and check `items` in this process; `on_done(index, report)` for each, in order."""
    waiting: list[int] = []  # indexes of the documents handed to the Checker, in order

    def readable() -> Iterator[Document]:
        for i, item in enumerate(items):
            source, doc, error = load_one(item, checker.settings.max_chars)
            if error is not None:
                on_done(i, DocumentReport(source=source, error=error))
                continue
            waiting.append(i)
            yield doc

    for k, report in enumerate(checker.check_documents(readable(), options)):
        on_done(waiting[k], report)


_WORKER_CHECKER: Checker | None = None


def _init_worker(settings, aliases: dict[str, str]) -> None:
    """A worker process: one inference thread (the other core is the other worker's)."""
    from .classifier import use_one_thread

    use_one_thread()
    global _WORKER_CHECKER
    _WORKER_CHECKER = Checker(settings, aliases=aliases or None)


def _screen_chunk(items: list[Path | str], options: CheckOptions) -> list[DocumentReport]:
    out: list[DocumentReport | None] = [None] * len(items)

    def keep(i: int, report: DocumentReport) -> None:
        out[i] = report

    _screen_here(_WORKER_CHECKER, items, options, keep)
    return out  # type: ignore[return-value]


def _screen_pool(checker: Checker, items: Sequence[Path | str], options: CheckOptions,
                 workers: int, on_done: Callable[[int, DocumentReport], None]) -> None:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    size = max(1, min(16, len(items) // (workers * 4)))
    chunks = [(start, list(items[start:start + size])) for start in range(0, len(items), size)]
    # spawn, not fork: this process may already hold the inference threads, which fork does not
    # copy.
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker,
                             initargs=(checker.settings, checker.aliases)) as pool:
        futures = {pool.submit(_screen_chunk, chunk, options): start for start, chunk in chunks}
        for future in as_completed(futures):
            for k, report in enumerate(future.result()):
                on_done(futures[future] + k, report)


def screen(checker: Checker, items: Sequence[Path | str], options: CheckOptions | None = None,
           on_done: Callable[[DocumentReport], None] | None = None,
           jobs: int = 0) -> list[DocumentReport]:
    """One report per input, in input order: findings (or mentions), or the error that stopped it.

    `on_done` is called once per document as soon as its report is final (for a progress bar).
    `jobs` checking processes (0: decided by the batch's size); with several, the models are
    loaded in each worker, not in `checker`'s process.
    """
    options = options or CheckOptions()
    reports: list[DocumentReport | None] = [None] * len(items)

    def done(i: int, report: DocumentReport) -> None:
        reports[i] = report
        if on_done is not None:
            on_done(report)

    workers = worker_count(items, jobs)
    if workers > 1:
        _screen_pool(checker, items, options, workers, done)
    else:
        _screen_here(checker, items, options, done)
    return reports  # type: ignore[return-value]
