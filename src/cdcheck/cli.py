"""The `cdcheck` command: a thin shell around Checker. Exit codes: 0 clean, 1 fails --fail-on, 2 error."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import __version__
from .errors import CdcheckError

EXIT_OK, EXIT_FAIL, EXIT_ERROR = 0, 1, 2
FAIL_ON = {"violation": ("violation",), "review": ("violation", "review"), "never": ()}


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors in one line and exits 2."""

    def error(self, message):
        self.exit(EXIT_ERROR, f"cdcheck: error: {message} (see `cdcheck --help`)\n")


def _console(stream=None):
    from rich.console import Console

    return Console(file=stream or sys.stdout, highlight=False, soft_wrap=True,
                   no_color=bool(os.environ.get("NO_COLOR")) or None)


def _load_documents(paths: list[str]):
    """[(source, Document | None, error | None)] for every input, in order; errors do not stop."""
    from .documents import expand_paths, load_path, load_stdin

    out = []
    for p in expand_paths(paths):
        source = "<stdin>" if p == "-" else str(p)
        try:
            doc = load_stdin() if p == "-" else load_path(p, source)
            out.append((source, doc, None))
        except CdcheckError as exc:
            out.append((source, None, str(exc)))
    return out


def _write(text: str, output: str | None) -> None:
    if output:
        Path(output).write_text(text + "\n", encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")


def cmd_mentions(args) -> int:
    from .checker import Checker
    from .report import render_mentions, to_json
    from .schema import DocumentReport

    checker = Checker()
    reports = []
    for source, doc, error in _load_documents(args.paths):
        if error is None:
            try:
                reports.append(checker.find_mentions(doc.text, source))
                continue
            except CdcheckError as exc:
                error = str(exc)
        reports.append(DocumentReport(source=source, error=error))
    if args.format == "json":
        _write(to_json(reports), args.output)
    else:
        console = _console(open(args.output, "w", encoding="utf-8") if args.output else None)
        for r in reports:
            render_mentions(console, r)
    return EXIT_ERROR if any(r.error for r in reports) else EXIT_OK


def cmd_check(args) -> int:
    from .checker import Checker
    from .report import render_check, to_json
    from .schema import DocumentReport

    checker = Checker()
    speaker = checker.resolve_country(args.speaker_country)  # BadOption -> exit 2 before work
    loaded = _load_documents(args.paths)
    reports: list = [DocumentReport(source=s, error=e) if e else None for s, _, e in loaded]
    good, where = [], []
    for i, (source, doc, _) in enumerate(loaded):
        if doc is not None:
            try:
                good.append((source, checker.validate(doc.text)))
                where.append(i)
            except CdcheckError as exc:
                reports[i] = DocumentReport(source=source, error=str(exc))
    for i, report in zip(where, checker.check_many(good, speaker), strict=True):
        reports[i] = report
    if args.format == "json":
        _write(to_json(reports), args.output)
    else:
        console = _console(open(args.output, "w", encoding="utf-8") if args.output else None)
        for r in reports:
            render_check(console, r)
    if any(r.error for r in reports):
        return EXIT_ERROR
    failing = FAIL_ON[args.fail_on]
    return EXIT_FAIL if any(r.verdict in failing for r in reports) else EXIT_OK


def cmd_train(args) -> int:
    from .training import train

    train(Path(args.data), Path(args.out) if args.out else None, epochs=args.epochs,
          seed=args.seed, full=args.full)
    return EXIT_OK


def cmd_eval(args) -> int:
    from .evaluate import run_eval

    return run_eval([Path(p) for p in args.data], Path(args.train), args.format, args.output)


def cmd_gazetteer(args) -> int:
    from .gazetteer import build, load
    from .settings import Settings

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

    def inputs(sp):
        sp.add_argument("paths", nargs="+", metavar="PATH",
                        help="files or folders (.txt, .md), or - for standard input")
        sp.add_argument("--format", choices=["text", "json"], default="text")
        sp.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE")

    m = sub.add_parser("mentions", help="list every country mention")
    inputs(m)
    m.set_defaults(func=cmd_mentions)

    c = sub.add_parser("check", help="check statements: findings, reasons, rewrites, verdicts")
    inputs(c)
    c.add_argument("--speaker-country", metavar="CODE",
                   help="the speaker is this country (under review): its mentions are exempt")
    c.add_argument("--fail-on", choices=list(FAIL_ON), default="violation",
                   help="exit 1 when a document reaches this verdict (default: violation)")
    c.set_defaults(func=cmd_check)

    t = sub.add_parser("train", help="rebuild the classifier from data/")
    t.add_argument("--data", default="data", help="folder with train.jsonl and dev.jsonl")
    t.add_argument("--out", help="where to write the model (default: the configured model dir)")
    t.add_argument("--epochs", type=int, default=None)
    t.add_argument("--seed", type=int, default=13)
    t.add_argument("--full", action="store_true", help="full fine-tuning instead of LoRA")
    t.set_defaults(func=cmd_train)

    e = sub.add_parser("eval", help="measure on labelled data, against two baselines")
    e.add_argument("data", nargs="*", default=["data/test.jsonl"], metavar="DATA.jsonl")
    e.add_argument("--train", default="data/train.jsonl", help="train split for the baseline")
    e.add_argument("--format", choices=["text", "json"], default="text")
    e.add_argument("--output", "-o", metavar="FILE")
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
        print(f"cdcheck: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("cdcheck: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
