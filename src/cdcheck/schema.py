"""Plain value objects that cross stage boundaries, each with one `to_dict()` every format starts from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

KINDS = ("name", "alias", "code", "demonym", "capital", "city", "region", "placeholder")
LABELS = ("blame", "situation", "work", "neutral", "exempt")
VERDICTS = ("ok", "review", "violation")  # in order of severity


@dataclass
class Mention:
    """One span of text that points at one specific country (or a placeholder such as "Country X")."""

    start: int
    end: int
    text: str
    country: str | None  # ISO 3166-1 alpha-3, None for a placeholder
    country_name: str
    kind: str
    #: The organization name the mention sits inside ("Nigerian Red Cross"), if any.
    org: str | None = None
    #: Which signal found it: "gazetteer", "gazetteer+ner", "ner".
    source: str = "gazetteer"
    sent_start: int = field(default=0, repr=False)
    sent_end: int = field(default=0, repr=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown mention kind {self.kind!r}")
        if not 0 <= self.start < self.end:
            raise ValueError(f"bad span {self.start}..{self.end}")

    @property
    def key(self) -> str:
        """The country key used for grouping and invariance: ISO3, or "X" for a placeholder."""
        return self.country or "X"

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "country": self.country,
            "country_name": self.country_name,
            "kind": self.kind,
            "in_org": self.org is not None,
        }


@dataclass
class Location:
    """Where a finding is for a person: line/column in text, paragraph or cell in .docx, page in .pdf."""

    line: int | None = None
    column: int | None = None
    paragraph: int | None = None
    table: int | None = None
    row: int | None = None
    cell: int | None = None
    page: int | None = None
    part: str | None = None  # "body", "header", "footer", "footnote"

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass
class Finding:
    """A mention with its label, severity, the reason and a suggested rewrite."""

    mention: Mention
    label: str
    severity: str  # "error" | "warning" | "info"
    confidence: float
    sentence: str
    message: str
    suggestion: str | None = None
    #: Which signal decided and by how much (model scores, exemption, accepted directive).
    explanation: dict[str, Any] = field(default_factory=dict)
    location: Location | None = None
    accepted: str | None = None  # the reason given when a reviewer accepted this finding

    def __post_init__(self) -> None:
        if self.label not in LABELS:
            raise ValueError(f"unknown label {self.label!r}")
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence {self.confidence} outside [0, 1]")

    @property
    def counts(self) -> bool:
        """Whether this finding counts towards the document's verdict (accepted ones do not)."""
        return self.accepted is None

    def to_dict(self) -> dict[str, Any]:
        d = self.mention.to_dict()
        d.update(
            label=self.label,
            severity=self.severity,
            confidence=round(self.confidence, 4),
            sentence=self.sentence,
            message=self.message,
            suggestion=self.suggestion,
            explanation=self.explanation,
        )
        if self.location is not None:
            d["location"] = self.location.to_dict()
        if self.accepted is not None:
            d["accepted"] = self.accepted
        return d


@dataclass
class DocumentReport:
    """The result for one document: its mentions, findings and verdict, or the error that stopped it."""

    source: str
    text: str = field(default="", repr=False)
    mentions: list[Mention] = field(default_factory=list)
    findings: list[Finding] | None = None  # None: mentions only, not classified
    verdict: str | None = None
    error: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        if self.error is not None:
            return {"source": self.source, "error": self.error}
        d: dict[str, Any] = {"source": self.source}
        if self.findings is None:
            d["mentions"] = [m.to_dict() for m in self.mentions]
            return d
        d["verdict"] = self.verdict
        d["findings"] = [f.to_dict() for f in self.findings]
        d.update(self.meta)
        return d


def worst_verdict(verdicts) -> str:
    """The most severe of several verdicts ("ok" for none)."""
    return max(verdicts, key=VERDICTS.index, default="ok")
