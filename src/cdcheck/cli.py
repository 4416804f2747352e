"""The `cdcheck` command: a thin shell around Checker. Exit codes: 0 clean, 1 fails --fail-on, 2 error."""

from __future__ import annotations

import argparse
import os
import re
import sys
from contextlib import nullcontext
from dataclasses import replace
from pathlib import Path

from . import __version__
from .errors import CdcheckError, NothingToCheck
from .reports import FORMATS

EXIT_OK, EXIT_FAIL, EXIT_ERROR = 0, 1, 2
FAIL_ON = {"violation": ("violation",), "review": ("violation", "review"), "never": ()}
#: What a printed name may not hold raw: C0 and C1 controls, DEL, bidi controls, line and
#: paragraph separators, and lone surrogates (undecodable bytes of a file name).
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
                       "\u2028\u2029\ud800-\udfff]")
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors in one line and exits 2."""

    def error(self, message):
        self.exit(EXIT_ERROR, f"cdcheck: error: {message} (see `cdcheck --help`)\n")


def printable(text: str) -> str:
    """`text` with control characters written as escapes (\\n, \\x1b, \\u202e) for a person's
    screen: a file name may hold any of them, and printed raw a newline forges a report line, an
    escape sequence restyles the terminal, a bidi control reorders what is shown."""
    return _CONTROLS.sub(lambda m: _SHORT.get(m.group()) or (
        f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}"), text)


def _for_people(reports):
    """Copies of the reports for the text and HTML formats: names escaped (`printable`), and an
    error without the leading "source: " its line already shows. JSON, SARIF and CSV keep the
    real name."""
    from .reports.summary import error_reason

    return [replace(r, source=printable(r.source),
                    error=printable(error_reason(r)) if r.error else r.error) for r in reports]


def _console(stream=None):
    from rich.console import Console

    # NO_COLOR (no-color.org): no escapes at all, bold included, even at a terminal.
    plain = bool(os.environ.get("NO_COLOR"))
    return Console(file=stream or sys.stdout, highlight=False, soft_wrap=True,
                   no_color=plain or None, color_system=None if plain else "auto")


def _write(text: str, output: str | None) -> None:
    # A file name that is not UTF-8 holds lone surrogates: written as \\udcff escapes (in JSON
    # the very same string), never a UnicodeEncodeError.
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    if output:
        Path(output).write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _show_progress() -> bool:
    """A progress bar only for a person at a terminal: not in a pipe, not under CI."""
    return sys.stderr.isatty() and not os.environ.get("CI")


def _screen(args, cfg, mentions_only: bool):
    """(the Checker, the reports for the inputs named), with configuration and options merged
    (options win)."""
    from .batch import screen
    from .checker import Checker
    from .documents.paths import PathFilter, expand_paths

    keep = PathFilter(
        include=args.include or cfg.include, exclude=args.exclude or cfg.exclude,
        include_base=None if args.include else cfg.base,
        exclude_base=None if args.exclude else cfg.base,
    )
    items = list(expand_paths(args.paths, keep, force_exclude=args.force_exclude))
    if not items and not (args.force_exclude and any(
            p != "-" and not Path(p).is_dir() for p in args.paths)):
        # With --force-exclude (pre-commit, the GitHub Action), files named and all excluded
        # are a normal, clean run; anywhere else, checking nothing must not look like passing.
        raise NothingToCheck(f"no documents to check in {', '.join(args.paths)} (.txt, .md, "
                             ".docx, .pdf; see --include and --exclude)")
    checker = Checker(aliases=cfg.aliases or None)
    options = checker.options(  # BadOption for an unknown speaker country, before any work
        speaker_country=getattr(args, "speaker_country", None) or cfg.speaker_country,
        allow=cfg.allow, allow_base=cfg.base, mentions_only=mentions_only,
    )
    if not items:
        print("cdcheck: no documents to check: every file named is excluded", file=sys.stderr)
    if not (_show_progress() and len(items) > 1):
        return checker, screen(checker, items, options, jobs=args.jobs)
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn())
    with Progress(*columns, console=_console(sys.stderr), transient=True) as bar:
        task = bar.add_task("loading models", total=len(items))

        def done(report) -> None:
            bar.update(task, advance=1, description="checking")

        return checker, screen(checker, items, options, on_done=done, jobs=args.jobs)


def _positive(value: str) -> int:
    """--members, --epochs: 1 or more."""
    n = int(value) if value.strip().isdigit() else 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of at least 1")
    return n


def _jobs(value: str) -> int:
    """--jobs: 0 or more."""
    try:
        n = int(value)
    except ValueError:
        n = -1
    if n < 0:
        raise argparse.ArgumentTypeError(f"{value!r} is not 0 (automatic) or a number of processes")
    return n


def cmd_mentions(args) -> int:
    from . import config
    from .reports.json import to_json
    from .reports.text import render_mentions

    cfg = config.discover(args.config, args.no_config)
    _, reports = _screen(args, cfg, mentions_only=True)
    if args.format == "json":
        _write(to_json(reports), args.output)
    else:
        with open(args.output, "w", encoding="utf-8") if args.output else nullcontext(None) as fh:
            console = _console(fh)
            for r in _for_people(reports):
                render_mentions(console, r)
    return EXIT_ERROR if any(r.error for r in reports) else EXIT_OK


def _report_format(path: str) -> str:
    """The format of a --report file, from its extension (x.sarif.json is SARIF)."""
    from .reports import SUFFIXES

    name = path.lower()
    if name.endswith(".sarif.json"):
        return "sarif"
    fmt = SUFFIXES.get(Path(name).suffix)
    if fmt is None:
        from .errors import BadOption

        raise BadOption(f"--report {path}: cannot tell the format from the extension; use one of "
                        f"{', '.join(sorted(SUFFIXES))}")
    return fmt


def _emit(fmt: str, reports, summary: dict, policy, output: str | None, args=None) -> None:
    """Write the check report in `fmt` to `output` (a file) or standard output. Text is the full
    view for one document at a terminal, else one line per failing finding as linters print
    (`--show-text` adds the marked statement, `--quiet` keeps only what fails `--fail-on`)."""
    from .reports import print_check, render
    from .reports.summary import summarize

    if fmt in ("text", "html"):
        reports = _for_people(reports)
        summary = summarize(reports)
    if fmt == "text":
        show_text = bool(getattr(args, "show_text", False))
        full = len(reports) == 1 and not output and sys.stdout.isatty()
        fail = FAIL_ON[getattr(args, "fail_on", None) or "violation"]
        labels = tuple(name for name, rule in policy.labels.items() if rule.verdict in fail)
        with open(output, "w", encoding="utf-8") if output else nullcontext(None) as fh:
            print_check(_console(fh), reports, summary, full=full, show_text=show_text or full,
                        quiet=bool(getattr(args, "quiet", False)), fail_labels=labels)
        return
    _write(render(fmt, reports, summary, policy), output)


def cmd_check(args) -> int:
    from . import config
    from .reports.summary import summarize

    extra = [(_report_format(path), path) for path in args.report or []]  # BadOption before work
    cfg = config.discover(args.config, args.no_config)
    args.fail_on = args.fail_on or cfg.fail_on or "violation"  # the output shows what fails
    checker, reports = _screen(args, cfg, mentions_only=False)
    summary = summarize(reports)
    _emit(args.format, reports, summary, checker.policy, args.output, args)
    for fmt, path in extra:
        _emit(fmt, reports, summary, checker.policy, path, args)
    if any(r.error for r in reports):
        return EXIT_ERROR
    failing = FAIL_ON[args.fail_on]
    return EXIT_FAIL if any(r.verdict in failing for r in reports) else EXIT_OK


def cmd_train(args) -> int:
    from .train.training import train

    train(Path(args.data), Path(args.out) if args.out else None, epochs=args.epochs,
          seed=args.seed, full=args.full, members=args.members, recipe=args.recipe,
          base=args.base, teacher=Path(args.teacher) if args.teacher else None,
          export=not args.no_export, window=args.window)
    return EXIT_OK


def cmd_export(args) -> int:
    from .settings import Settings
    from .train.export import export

    settings = Settings.from_env()
    export(Path(args.model) if args.model else settings.model_dir, settings.base_model,
           quantization=args.quantization)
    return EXIT_OK


def cmd_eval(args) -> int:
    from .train.evaluate import run_eval

    return run_eval([Path(p) for p in args.data], Path(args.train), args.format, args.output,
                    Path(args.torch_model) if args.torch_model else None, args.base)


def cmd_gazetteer(args) -> int:
    from .gazetteer import load
    from .settings import Settings
    from .train.gazetteer_build import build

    rules = Settings.from_env().rules_dir
    if args.build:
        n = build(rules)
        print(f"wrote {rules / 'gazetteer.tsv'}: {n} entries")
    else:
        print(f"{rules / 'gazetteer.tsv'}: {len(load(rules))} entries")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="cdcheck", description="Check statements against the no-naming rule of the "
                "UN Constructive Dialogues.")
    p.add_argument("--version", action="version", version=f"cdcheck {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def inputs(sp, formats):
        sp.add_argument("paths", nargs="+", metavar="PATH",
                        help="files or folders (.txt, .md, .docx, .pdf), or - for standard input")
        sp.add_argument("--format", choices=formats, default="text")
        sp.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE")
        sp.add_argument("--include", action="append", metavar="GLOB",
                        help="in folders, check only files matching GLOB (repeatable; replaces "
                             "the configuration's include)")
        sp.add_argument("--exclude", action="append", metavar="GLOB",
                        help="skip files or folders matching GLOB (repeatable; replaces the "
                             "configuration's exclude)")
        sp.add_argument("--force-exclude", action="store_true",
                        help="apply include/exclude to files named on the command line too "
                             "(for pre-commit and CI, which name every changed file)")
        sp.add_argument("--config", metavar="FILE",
                        help="configuration file (default: cdcheck.toml or pyproject.toml's "
                             "[tool.cdcheck], found from the current folder upwards)")
        sp.add_argument("--no-config", action="store_true", help="ignore configuration files")
        sp.add_argument("--jobs", "-j", type=_jobs, default=0, metavar="N",
                        help="processes checking documents, each loading the models once: 1 "
                             "checks in this process; 0 (default) uses two for batches of "
                             "24 documents or more on a machine with two cores or more")

    m = sub.add_parser("mentions", help="list every country mention")
    inputs(m, ["text", "json"])
    m.set_defaults(func=cmd_mentions)

    c = sub.add_parser("check", help="check statements: findings, reasons, rewrites, verdicts")
    inputs(c, list(FORMATS))
    c.add_argument("--report", action="append", metavar="FILE",
                   help="also write a report to FILE, in the format its extension names "
                        "(.html, .sarif, .json, .csv, .txt); repeatable")
    c.add_argument("--speaker-country", metavar="CODE",
                   help="the speaker is this country (under review): its mentions are exempt")
    c.add_argument("--show-text", action="store_true",
                   help="text format: show each flagged statement with its mentions marked "
                        "(the default view for one document at a terminal)")
    c.add_argument("--quiet", "-q", action="store_true",
                   help="text format: print only the findings that fail --fail-on, one a line")
    c.add_argument("--fail-on", choices=list(FAIL_ON), default=None,
                   help="exit 1 when a document reaches this verdict (default: the "
                        "configuration's, else violation)")
    c.set_defaults(func=cmd_check)

    t = sub.add_parser("train", help="rebuild the classifier from data/")
    t.add_argument("--data", default="data", help="folder with train.jsonl and dev.jsonl")
    t.add_argument("--out", help="where to write the model (default: the configured model dir)")
    t.add_argument("--epochs", type=_positive, default=None)
    t.add_argument("--seed", type=int, default=13, help="seed of the first member (then +1, +2...)")
    t.add_argument("--members", type=_positive, default=None,
                   help="ensemble size (default 2 for LoRA, 1 for --full)")
    t.add_argument("--full", action="store_true", help="full fine-tuning instead of LoRA")
    t.add_argument("--recipe", choices=["student", "lora", "teacher", "full"],
                   help="student (default with data/distill/teacher.jsonl), lora ensemble, "
                        "teacher, full")
    t.add_argument("--base", help="base encoder (default: the configured one)")
    t.add_argument("--teacher", metavar="FILE",
                   help="teacher probabilities (default: data/distill/teacher.jsonl if present)")
    t.add_argument("--no-export", action="store_true", help="do not write the ONNX model")
    t.add_argument("--window", choices=["sentences", "paragraph"], default="sentences",
                   help="the context the classifier reads around a mention")
    t.set_defaults(func=cmd_train)

    x = sub.add_parser("export", help="write a trained classifier as int8 ONNX (model.onnx)")
    x.add_argument("--model", help="the trained model's folder (default: the configured one)")
    x.add_argument("--quantization", choices=["blockwise", "dynamic"], default="blockwise",
                   help="blockwise int8 (default: batch-independent, close to PyTorch) or "
                        "dynamic int8 (faster, scores move with the batch)")
    x.set_defaults(func=cmd_export)

    e = sub.add_parser("eval", help="measure on labelled data, against two baselines")
    e.add_argument("data", nargs="*", default=["data/test.jsonl"], metavar="DATA.jsonl")
    e.add_argument("--train", default="data/train.jsonl", help="train split for the baseline")
    e.add_argument("--format", choices=["text", "json"], default="text")
    e.add_argument("--output", "-o", metavar="FILE")
    e.add_argument("--torch-model", metavar="DIR",
                   help="measure a trained PyTorch model (e.g. the teacher) instead of the "
                        "deployed ONNX one")
    e.add_argument("--base", help="with --torch-model: its base encoder")
    e.set_defaults(func=cmd_eval)

    g = sub.add_parser("gazetteer", help="show or rebuild the gazetteer (rules/gazetteer.tsv)")
    g.add_argument("--build", action="store_true")
    g.set_defaults(func=cmd_gazetteer)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except CdcheckError as exc:
        print(f"cdcheck: error: {printable(str(exc))}", file=sys.stderr)
        return EXIT_ERROR
    except MemoryError:  # the readers' limits should prevent it; never a traceback and exit 1
        print("cdcheck: error: out of memory", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("cdcheck: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
