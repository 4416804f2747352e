"""Which files a folder holds (documents/paths.py): gitignore-style include and exclude globs."""

from __future__ import annotations

from pathlib import Path

import pytest

from cdcheck.documents.paths import PathFilter, compile_globs, expand_paths


@pytest.mark.parametrize("pattern,path,hit", [
    ("*.pdf", "a/b/c.pdf", True),
    ("*.pdf", "c.pdf.txt", False),
    ("drafts/**", "drafts/x/y.md", True),
    ("drafts/**", "final/drafts/y.md", False),
    ("**/archive/**", "2024/archive/old.docx", True),
    ("**/archive/**", "archive/old.docx", True),
    ("2024/*.txt", "2024/a.txt", True),
    ("2024/*.txt", "2024/sub/a.txt", False),
    ("statement-?.md", "x/statement-1.md", True),
    ("[!a]*.md", "b.md", True),
    ("[!a]*.md", "a.md", False),
])
def test_globs_match_as_gitignore_does(pattern, path, hit):
    assert compile_globs([pattern]).match_file(path) is hit


def _tree(root: Path) -> None:
    for rel in ("a.txt", "b.md", "notes.odt", "drafts/c.txt", "final/d.docx", "final/e.pdf",
                "final/archive/f.txt"):
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("x", encoding="utf-8")


def test_expand_paths_recurses_sorted_and_filters(tmp_path):
    _tree(tmp_path)
    names = [p.relative_to(tmp_path).as_posix() for p in expand_paths([str(tmp_path)])]
    assert names == ["a.txt", "b.md", "drafts/c.txt", "final/archive/f.txt", "final/d.docx",
                     "final/e.pdf"]
    keep = PathFilter(include=["final/**", "*.md"], exclude=["archive"])
    names = [p.relative_to(tmp_path).as_posix() for p in expand_paths([str(tmp_path)], keep)]
    assert names == ["b.md", "final/d.docx", "final/e.pdf"]


def test_explicit_files_are_filtered_only_with_force_exclude(tmp_path, monkeypatch):
    _tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    keep = PathFilter(exclude=["drafts/**"])
    assert list(expand_paths(["drafts/c.txt"], keep)) == [Path("drafts/c.txt")]
    assert list(expand_paths(["drafts/c.txt"], keep, force_exclude=True)) == []
    # Globs from a configuration file are relative to its folder, wherever cdcheck runs.
    keep = PathFilter(exclude=["final/archive/**"], exclude_base=tmp_path)
    monkeypatch.chdir(tmp_path / "final")
    assert list(expand_paths(["archive/f.txt", "d.docx"], keep, force_exclude=True)) == \
        [Path("d.docx")]


def test_no_pattern_keeps_everything():
    assert compile_globs([]) is None and compile_globs(["  "]) is None
    assert PathFilter()(Path("any/where.md"))
