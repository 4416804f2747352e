"""From label probabilities to findings and a document verdict, as rules/labels.toml says."""

from __future__ import annotations

from collections.abc import Iterable

from .rules import Policy
from .schema import Finding, Mention, worst_verdict


def decide_label(probs: dict[str, float], policy: Policy) -> tuple[str, float, str]:
    """(label, confidence, why) from the classifier's probabilities and the policy's thresholds."""
    if probs.get("blame", 0.0) >= policy.blame_min:
        return "blame", probs["blame"], f"P(blame) {probs['blame']:.2f} >= {policy.blame_min}"
    if probs.get("situation", 0.0) >= policy.situation_min:
        return ("situation", probs["situation"],
                f"P(situation) {probs['situation']:.2f} >= {policy.situation_min}")
    label = max(probs, key=probs.get)
    if label in ("blame", "situation"):  # below its threshold: the better of the allowed ones
        label = max(("work", "neutral"), key=lambda k: probs.get(k, 0.0))
    return label, probs[label], "most probable allowed label"


def make_finding(mention: Mention, probs: dict[str, float], sentence: str, policy: Policy,
                 speaker_country: str | None = None) -> Finding:
    """The finding for one mention: label (with the speaker's exemption), severity and message."""
    label, confidence, why = decide_label(probs, policy)
    explanation = {"model": {k: round(v, 4) for k, v in probs.items()}, "decision": why}
    if speaker_country and mention.country == speaker_country and label in ("blame", "situation"):
        explanation["exempt_from"] = label
        explanation["decision"] = "the speaker's own country (country under review)"
        label = "exempt"
    rule = policy.rule(label)
    message = rule.message.format(country=mention.country_name, text=mention.text)
    return Finding(mention=mention, label=label, severity=rule.severity,
                   confidence=float(min(1.0, max(0.0, confidence))), sentence=sentence,
                   message=message, explanation=explanation)


def carried_finding(finding: Finding, probs: dict[str, float], reference: str, policy: Policy,
                    speaker_country: str | None = None) -> Finding:
    """`finding` made blame by a later sentence that refers back to it, if that sentence blames.

    `probs` are the classifier's scores for the later sentence read as if the country were named
    (followup.py). Below blame_min, or already blame, the finding is returned unchanged; the
    speaker's own country stays exempt.
    """
    if finding.label == "blame" or probs.get("blame", 0.0) < policy.blame_min:
        return finding
    carried = make_finding(finding.mention, probs, finding.sentence, policy, speaker_country)
    if carried.label != "blame":
        return finding  # exempt: the country under review may say this of itself
    carried.message = policy.follow_up_message.format(country=finding.mention.country_name,
                                                      reference=reference)
    carried.explanation["decision"] = (f"a later sentence ({reference!r}): P(blame) "
                                       f"{probs['blame']:.2f} >= {policy.blame_min}")
    carried.explanation["own_sentence"] = finding.explanation.get("model")
    carried.explanation["follow_up"] = reference
    return carried


def document_verdict(findings: Iterable[Finding], policy: Policy) -> str:
    """The worst verdict over the findings that count (accepted ones do not); "ok" for none."""
    return worst_verdict(policy.rule(f.label).verdict for f in findings if f.counts)
