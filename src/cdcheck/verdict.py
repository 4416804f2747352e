"""From label probabilities to judgements, findings and a document verdict, as labels.toml says.

A `Judgement` is what the classifier's scores and the policy decide about one mention (label,
confidence, the explanation); `make_finding` turns it into the finished `Finding` once its
rewrite, location and acceptance are known, so no later stage has to change a finding.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from .policy import LabelPolicy
from .schema import (
    Acceptance,
    EvidenceSpan,
    Explanation,
    Finding,
    Location,
    Mention,
    Rewrite,
    worst_verdict,
)


@dataclass(frozen=True)
class Judgement:
    """The label the policy gives one mention, how sure, and why."""

    label: str
    confidence: float
    explanation: Explanation
    #: The later sentence that carried the accusation (start, end in the checked text), if any.
    later: tuple[int, int] | None = None

    @property
    def carried(self) -> bool:
        """Whether a later sentence decided (the accusation is carried back to the mention)."""
        return self.explanation.follow_up is not None


def decide_label(probs: dict[str, float], policy: LabelPolicy) -> tuple[str, float, str]:
    """(label, confidence, why) from the classifier's probabilities and the policy's thresholds."""
    if probs.get("blame", 0.0) >= policy.blame_min:
        return "blame", probs["blame"], f"P(blame) {probs['blame']:.2f} >= {policy.blame_min}"
    if probs.get("situation", 0.0) >= policy.situation_min:
        return ("situation", probs["situation"],
                f"P(situation) {probs['situation']:.2f} >= {policy.situation_min}")
    flagged = probs.get("blame", 0.0) + probs.get("situation", 0.0)
    if flagged >= policy.flagged_min:  # more likely than not objected to: the likelier of two
        label = max(("blame", "situation"), key=lambda k: probs.get(k, 0.0))
        return (label, probs[label], f"P(blame) + P(situation) {flagged:.2f} >= "
                f"{policy.flagged_min}, {label} the more probable")
    label = max(probs, key=probs.get)
    if policy.rule(label).counts:  # below its threshold: the better of the allowed ones
        label = max(("work", "neutral"), key=lambda k: probs.get(k, 0.0))
    return label, probs[label], "most probable allowed label"


def judge(mention: Mention, probs: dict[str, float], policy: LabelPolicy,
          speaker_country: str | None = None) -> Judgement:
    """The judgement for one mention, with the speaker's own country exempt."""
    label, confidence, why = decide_label(probs, policy)
    explanation = Explanation(scores=dict(probs), decision=why)
    if speaker_country and mention.country == speaker_country and policy.rule(label).counts:
        explanation.exempt_from = label
        explanation.decision = "the speaker's own country (country under review)"
        label = "exempt"
    return Judgement(label, float(min(1.0, max(0.0, confidence))), explanation)


def by_rule(mention: Mention, policy: LabelPolicy) -> Judgement | None:
    """The judgement the policy gives a mention of its kind without the classifier, if any
    (the place in a treaty's name is neutral)."""
    if mention.kind not in policy.by_kind:
        return None
    label, decision = policy.by_kind[mention.kind]
    return Judgement(label, 1.0, Explanation(decision=decision))


def carry(judgement: Judgement, mention: Mention, probs: dict[str, float], reference: str,
          policy: LabelPolicy, speaker_country: str | None = None,
          later: tuple[int, int] | None = None) -> Judgement:
    """`judgement` made blame by a later sentence that refers back to the mention, if it blames.

    `probs` are the classifier's scores for the later sentence read as if the country were named
    (followup.py). Below blame_min, or already blame, the judgement is returned unchanged; the
    speaker's own country stays exempt.
    """
    if judgement.label == "blame" or probs.get("blame", 0.0) < policy.blame_min:
        return judgement
    carried = judge(mention, probs, policy, speaker_country)
    if carried.label != "blame":
        return judgement  # exempt: the country under review may say this of itself
    explanation = replace(
        carried.explanation,
        decision=(f"a later sentence ({reference!r}): P(blame) {probs['blame']:.2f} >= "
                  f"{policy.blame_min}"),
        own_scores=dict(judgement.explanation.scores), follow_up=reference)
    return Judgement("blame", carried.confidence, explanation, later)


def make_finding(mention: Mention, judgement: Judgement, sentence: str, policy: LabelPolicy, *,
                 suggestion: Rewrite | None = None, location: Location | None = None,
                 accepted: Acceptance | None = None, hidden: tuple[str, ...] = (),
                 evidence: EvidenceSpan | None = None) -> Finding:
    """The finished finding for one mention: severity and message from the policy, which says
    the words that drove it where they are known; a mention written with hidden characters or
    lookalike letters says so."""
    rule = policy.rule(judgement.label)
    if judgement.carried:
        message = policy.follow_up_message.format(country=mention.in_sentence,
                                                  reference=judgement.explanation.follow_up)
    else:
        message = rule.message.format(country=mention.in_sentence, text=mention.text)
    if evidence is not None and judgement.label in policy.evidence and not judgement.carried:
        quoted = " ".join(evidence.text.split())
        quoted = quoted if len(quoted) <= 160 else quoted[:157].rstrip() + "..."
        message = policy.evidence[judgement.label].format(evidence=quoted,
                                                          country=mention.in_sentence)
    if hidden:
        message += " " + policy.hidden_message.format(what=", ".join(dict.fromkeys(hidden)))
    return Finding(mention=mention, label=judgement.label, severity=rule.severity,
                   confidence=judgement.confidence, sentence=sentence, message=message,
                   suggestion=suggestion.text if suggestion is not None else None,
                   explanation=replace(judgement.explanation), location=location,
                   accepted=accepted, hidden=tuple(hidden), rewrite=suggestion,
                   evidence=evidence)


def document_verdict(findings: Iterable[Finding], policy: LabelPolicy) -> str:
    """The worst verdict over the findings that count (accepted ones do not); "ok" for none."""
    return worst_verdict(policy.verdict_of(f.label) for f in findings if f.counts)
