"""Which files to check: folders expand to their supported files, filtered by gitignore-style
globs (pathspec): a pattern without "/" matches a name at any depth ("*.pdf", "draft-*"), one
with "/" matches the path relative to its base folder ("2024/**/*.docx"), and a pattern that
matches a folder matches everything in it."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

import pathspec

from . import SUPPORTED


def compile_globs(patterns: Iterable[str]) -> pathspec.PathSpec | None:
    """The patterns as one PathSpec (None for no pattern at all)."""
    lines = [p.strip().replace("\\", "/").removeprefix("./") for p in patterns if p.strip()]
    return pathspec.PathSpec.from_lines("gitignore", lines) if lines else None


class PathFilter:
    """Decides which files to check from `include` and `exclude` globs.

    Globs from the command line are relative to the folder named there (`base` None); globs from
    a configuration file are relative to that file's folder (`base` set).
    """

    def __init__(self, include: Iterable[str] = (), exclude: Iterable[str] = (),
                 include_base: Path | None = None, exclude_base: Path | None = None):
        self.include = compile_globs(include)
        self.exclude = compile_globs(exclude)
        self.include_base = include_base
        self.exclude_base = exclude_base

    @staticmethod
    def _rel(path: Path, root: Path | None, base: Path | None) -> str:
        anchor = base or root
        if anchor is not None:
            try:
                # realpath, not Path.resolve(): a loop of links is a path here, not an error
                return Path(os.path.realpath(path)).relative_to(
                    os.path.realpath(anchor)).as_posix()
            except ValueError:
                pass
        return path.as_posix().removeprefix("./")

    def __call__(self, path: Path, root: Path | None = None) -> bool:
        """Whether to check `path` (found under folder `root`, or named explicitly: root None)."""
        if self.exclude is not None and self.exclude.match_file(
                self._rel(path, root, self.exclude_base)):
            return False
        if self.include is None:
            return True
        return self.include.match_file(self._rel(path, root, self.include_base))


def expand_paths(paths: Iterable[str], keep: PathFilter | None = None,
                 force_exclude: bool = False) -> Iterator[Path | str]:
    """Files named, and supported files under folders named (sorted, filtered); "-" passes through.

    `keep` filters files found in folders; files named explicitly are always checked unless
    `force_exclude` (as in a pre-commit hook, which names every changed file): then it filters
    them too. In a folder, every entry with a supported suffix that is not a folder is yielded,
    FIFOs, devices, sockets and broken links included, so that reading reports each as that
    entry's error instead of skipping it silently; links to folders are not followed.
    """
    keep = keep or PathFilter()
    for p in paths:
        if p == "-":
            yield p
            continue
        path = Path(p)
        if path.is_dir():
            yield from sorted(f for f in path.rglob("*")
                              if f.suffix.lower() in SUPPORTED and not f.is_dir()
                              and keep(f, path))
        elif not force_exclude or keep(path, None):
            yield path
