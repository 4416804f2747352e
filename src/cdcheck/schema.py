"""Plain value objects that cross stage boundaries, each with one `to_dict()` every format starts
from and a `from_dict()` that reads it back (a JSON report, a worker's answer, a test's fixture)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

KINDS = ("name", "alias", "code", "demonym", "capital", "city", "region", "placeholder",
         "document")
LABELS = ("blame", "situation", "work", "neutral", "exempt")
VERDICTS = ("ok", "review", "violation")  # in order of severity
SEVERITIES = ("info", "warning", "error")  # in order of severity


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
    #: The country's name as said in a sentence ("the Philippines"), for messages.
    said: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown mention kind {self.kind!r}")
        if not 0 <= self.start < self.end:
            raise ValueError(f"bad span {self.start}..{self.end}")

    @property
    def key(self) -> str:
        """The country key used for grouping and invariance: ISO3, or "X" for a placeholder."""
        return self.country or "X"

    @property
    def in_sentence(self) -> str:
        """The country as a message names it: "the Philippines", "Ghana", "Country X"."""
        return self.said or self.country_name

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

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Mention:
        """The Mention of a `to_dict()` (the organization's name itself is not kept there)."""
        return cls(d["start"], d["end"], d["text"], d.get("country"), d["country_name"],
                   d["kind"], org="" if d.get("in_org") else None)


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

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Location:
        return cls(**d)


@dataclass(frozen=True)
class Acceptance:
    """A reviewer's acceptance of a finding: the reason, and where it was written."""

    reason: str
    line: int | None = None  # the directive's line in the document; None: the configuration
    origin: str = "directive"  # "directive", or the configuration file's name

    @property
    def inline(self) -> bool:
        """Whether the acceptance is written in the document itself (SARIF `inSource`)."""
        return self.line is not None

    def describe(self) -> str:
        return f"directive on line {self.line}" if self.inline else f"allow entry in {self.origin}"


@dataclass
class Explanation:
    """Which signal decided a finding and by how much (Presidio's AnalysisExplanation)."""

    #: The classifier's probability per label, for the mention's own window.
    scores: dict[str, float] = field(default_factory=dict)
    decision: str = ""
    #: The label the speaker's own country was exempted from.
    exempt_from: str | None = None
    #: The words of a later sentence that carried an accusation back to the mention.
    follow_up: str | None = None
    #: The scores of the mention's own window when a later sentence decided.
    own_scores: dict[str, float] | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"model": {k: round(v, 4) for k, v in self.scores.items()},
                             "decision": self.decision}
        if self.exempt_from is not None:
            d["exempt_from"] = self.exempt_from
        if self.own_scores is not None:
            d["own_sentence"] = {k: round(v, 4) for k, v in self.own_scores.items()}
        if self.follow_up is not None:
            d["follow_up"] = self.follow_up
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Explanation:
        return cls(dict(d.get("model", {})), d.get("decision", ""), d.get("exempt_from"),
                   d.get("follow_up"), d.get("own_sentence"))


@dataclass(frozen=True)
class Rewrite:
    """A suggestion: the span of the document's text it replaces and the new text, or None
    with advice where no rewrite is safe."""

    start: int
    end: int
    text: str | None
    advice: str = ""

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"start": self.start, "end": self.end, "text": self.text}
        if self.advice:
            d["advice"] = self.advice
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Rewrite:
        return cls(d["start"], d["end"], d.get("text"), d.get("advice", ""))


@dataclass(frozen=True)
class EvidenceSpan:
    """The words that drove a finding (evidence.py): a span of the document's text and how much
    leaving it out lowered the label's probability."""

    start: int
    end: int
    text: str
    weight: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text,
                "weight": round(self.weight, 4)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> EvidenceSpan:
        return cls(d["start"], d["end"], d["text"], d.get("weight", 0.0))


@dataclass
class Finding:
    """A mention with its label, severity, the reason and a suggested rewrite: built complete,
    once, by the Checker."""

    mention: Mention
    label: str
    severity: str  # "error" | "warning" | "info"
    confidence: float
    sentence: str
    message: str
    suggestion: str | None = None
    explanation: Explanation = field(default_factory=Explanation)
    location: Location | None = None
    accepted: Acceptance | None = None
    #: Hidden characters or lookalike letters in or right after the mention, as found in the
    #: text ("zero-width space U+200B"): a name written so is still a mention.
    hidden: tuple[str, ...] = ()
    #: What `suggestion` replaces in the document's text (None text: no safe rewrite).
    rewrite: Rewrite | None = None
    #: The words that drove a blame or situation finding.
    evidence: EvidenceSpan | None = None

    def __post_init__(self) -> None:
        if self.label not in LABELS:
            raise ValueError(f"unknown label {self.label!r}")
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}")
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence {self.confidence} outside [0, 1]")

    @property
    def flagged(self) -> bool:
        """Whether the label is one the rule objects to (a severity above info)."""
        return self.severity != "info"

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
            explanation=self.explanation.to_dict(),
        )
        if self.accepted is not None:
            d["explanation"]["accepted_by"] = self.accepted.describe()
        if self.location is not None:
            d["location"] = self.location.to_dict()
        if self.accepted is not None:
            d["accepted"] = self.accepted.reason
        if self.hidden:
            d["hidden_characters"] = list(self.hidden)
        if self.rewrite is not None:
            d["rewrite"] = self.rewrite.to_dict()
        if self.evidence is not None:
            d["evidence"] = self.evidence.to_dict()
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Finding:
        explanation = Explanation.from_dict(d.get("explanation", {}))
        accepted = None
        if d.get("accepted") is not None:
            by = d.get("explanation", {}).get("accepted_by", "")
            line = int(by.rsplit(" ", 1)[-1]) if by.startswith("directive on line ") else None
            origin = by.removeprefix("allow entry in ") if line is None and by else "directive"
            accepted = Acceptance(d["accepted"], line, origin)
        return cls(Mention.from_dict(d), d["label"], d["severity"], d["confidence"], d["sentence"],
                   d["message"], d.get("suggestion"), explanation,
                   Location.from_dict(d["location"]) if d.get("location") else None, accepted,
                   tuple(d.get("hidden_characters", ())),
                   Rewrite.from_dict(d["rewrite"]) if d.get("rewrite") else None,
                   EvidenceSpan.from_dict(d["evidence"]) if d.get("evidence") else None)


@dataclass
class DocumentReport:
    """The result for one document: its mentions, findings and verdict, or the error that stopped it."""

    source: str
    text: str = field(default="", repr=False)
    mentions: list[Mention] = field(default_factory=list)
    findings: list[Finding] | None = None  # None: mentions only, not classified
    verdict: str | None = None
    error: str | None = None
    speaker_country: str | None = None
    #: The acceptances the document's directives and the configuration made (their to_dict()s).
    directives: list[dict[str, Any]] = field(default_factory=list)
    #: Advice about the check itself ("the statement says it speaks for the country under
    #: review: give --speaker-country").
    hints: list[str] = field(default_factory=list)

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
        if self.speaker_country:
            d["speaker_country"] = self.speaker_country
        if self.directives:
            d["directives"] = self.directives
        if self.hints:
            d["hints"] = list(self.hints)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any], text: str = "") -> DocumentReport:
        """The report of a `to_dict()` (the statement's text is never in it: pass it if known)."""
        if "error" in d:
            return cls(d["source"], error=d["error"])
        if "findings" not in d:
            return cls(d["source"], text, [Mention.from_dict(m) for m in d.get("mentions", [])])
        findings = [Finding.from_dict(f) for f in d["findings"]]
        return cls(d["source"], text, [f.mention for f in findings], findings, d.get("verdict"),
                   speaker_country=d.get("speaker_country"),
                   directives=list(d.get("directives", [])), hints=list(d.get("hints", [])))


def worst_verdict(verdicts) -> str:
    """The most severe of several verdicts ("ok" for none)."""
    return max(verdicts, key=VERDICTS.index, default="ok")
