"""Shared fixtures: one Checker per test session (models load once), paths to shared data."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
FIXTURES = ROOT / "fixtures"


@pytest.fixture(scope="session")
def checker():
    """The real Checker with the committed classifier (loaded once for the whole session)."""
    from cdcheck.checker import Checker

    return Checker()


@pytest.fixture(scope="session")
def finder(checker):
    """A function text -> list[Mention], using the real spaCy pipeline and gazetteer."""
    return lambda text: checker.find_mentions(text).mentions


@pytest.fixture(scope="session")
def guide_examples() -> Path:
    path = SHARED / "guide-examples"
    if not path.is_dir():  # the shared folder is part of the checkout's contract
        raise FileNotFoundError(f"{path} is missing: ../shared must sit beside the repository")
    return path
