"""The verdict policy as data: severities, messages, thresholds and rewrite words from rules/labels.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .schema import LABELS


@dataclass(frozen=True)
class LabelRule:
    """What a label means for the user: how severe, which verdict, and the message shown."""

    label: str
    severity: str
    verdict: str
    message: str


@dataclass(frozen=True)
class Policy:
    """Everything the verdict and suggestion stages read from rules/labels.toml."""

    labels: dict[str, LabelRule]
    blame_min: float
    situation_min: float
    suggest: dict[str, str]
    #: The message of a mention made blame by a later sentence (followup.py).
    follow_up_message: str = ("Names and shames {country}: a later sentence ({reference}) "
                              "portrays it negatively.")

    def rule(self, label: str) -> LabelRule:
        return self.labels[label]


@lru_cache(maxsize=4)
def load_policy(rules_dir: Path) -> Policy:
    """The policy in `rules_dir`/labels.toml, read once per process."""
    with open(rules_dir / "labels.toml", "rb") as fh:
        raw = tomllib.load(fh)
    labels = {
        name: LabelRule(name, spec["severity"], spec["verdict"], spec["message"])
        for name, spec in raw["labels"].items()
    }
    missing = set(LABELS) - set(labels)
    if missing:
        raise ValueError(f"rules/labels.toml lacks labels {sorted(missing)}")
    d = raw["decision"]
    extra = {"follow_up_message": raw["follow_up"]["message"]} if "follow_up" in raw else {}
    return Policy(labels, float(d["blame_min"]), float(d["situation_min"]), dict(raw["suggest"]),
                  **extra)
