"""From label probabilities to judgements, findings and a document verdict, as labels.toml says.

A `Judgement` is what the classifier's scores and the policy decide about one mention (label,
confidence, the explanation); `make_finding` turns it into the finished `Finding` once its
rewrite, location and acceptance are known, so no later stage has to change a finding.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from .policy import LabelPolicy
from .schema import Acceptance, Explanation, Finding, Location, Mention, worst_verdict


@dataclass(frozen=True)
class Judgement:
    """The label the policy gives one mention, how sure, and why."""

    label: str
    confidence: float
    explanation: Explanation

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


def carry(judgement: Judgement, mention: Mention, probs: dict[str, float], reference: str,
          policy: LabelPolicy, speaker_country: str | None = None) -> Judgement:
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
    return Judgement("blame", carried.confidence, explanation)


def make_finding(mention: Mention, judgement: Judgement, sentence: str, policy: LabelPolicy, *,
                 suggestion: str | None = None, location: Location | None = None,
                 accepted: Acceptance | None = None) -> Finding:
    """The finished finding for one mention: severity and message from the policy."""
    rule = policy.rule(judgement.label)
    if judgement.carried:
        message = policy.follow_up_message.format(country=mention.country_name,
                                                  reference=judgement.explanation.follow_up)
    else:
        message = rule.message.format(country=mention.country_name, text=mention.text)
    return Finding(mention=mention, label=judgement.label, severity=rule.severity,
                   confidence=judgement.confidence, sentence=sentence, message=message,
                   suggestion=suggestion, explanation=replace(judgement.explanation),
                   location=location, accepted=accepted)


def document_verdict(findings: Iterable[Finding], policy: LabelPolicy) -> str:
    """The worst verdict over the findings that count (accepted ones do not); "ok" for none."""
    return worst_verdict(policy.verdict_of(f.label) for f in findings if f.counts)
