"""Country invariance (ANNOTATION.md): the label must not depend on which country is named.

Each template is a statement with a {C} slot (or a {D} slot for a demonym). It is filled with
many countries, small and large, one-word and multi-word, names, aliases and a placeholder; the
verdict of the statement and the label of the slot's mention must be the same for all of them.
The test says nothing about WHICH label is right: only that the country does not decide it.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from cdcheck.documents import Document

pytestmark = pytest.mark.slow

COUNTRIES = [
    ("Norway", "NOR"), ("Nigeria", "NGA"), ("Country X", "X"), ("Trinidad and Tobago", "TTO"),
    ("the United States", "USA"), ("Tuvalu", "TUV"), ("China", "CHN"), ("Brazil", "BRA"),
    ("India", "IND"), ("Germany", "DEU"), ("Papua New Guinea", "PNG"), ("Niger", "NER"),
    ("Bosnia and Herzegovina", "BIH"), ("Côte d'Ivoire", "CIV"), ("the Russian Federation", "RUS"),
    ("Türkiye", "TUR"), ("Viet Nam", "VNM"), ("Guinea-Bissau", "GNB"), ("Kenya", "KEN"),
    ("Saint Kitts and Nevis", "KNA"), ("Luxembourg", "LUX"), ("the Philippines", "PHL"),
    ("State B", "X"), ("Myanmar", "MMR"), ("the DRC", "COD"),
]

TEMPLATES = [
    # blame-like: failing, violating, a hub, what is not working
    "{C} has not addressed this issue, which has resulted in several incidences in the last years.",
    "Victims are routinely detained in {C} and prosecuted as criminals.",
    "The police in {C} look the other way while traffickers operate openly.",
    "{C} has become a major hub for the trafficking of firearms.",
    "Corruption in {C} is so widespread that no smuggler is ever convicted.",
    "It is shameful that {C} still refuses to protect the victims who come forward.",
    "Why does {C} continue to ignore every recommendation it has received?",
    "The authorities of {C} have failed the survivors. Its courts take years to hear a single case.",
    "In our work in {C} we saw police routinely detain victims instead of protecting them.",
    "Weapons keep flooding into {C}, and the problem grows every year.",
    "Judges in {C} are known to take bribes from the networks they should prosecute.",
    # situation-like: neutral or positive facts about the country, not the speaker's work
    "{C} adopted a new anti-trafficking law in 2022.",
    "Most victims in {C} are identified by non-governmental organizations.",
    "{C} destroyed more than 30,000 surplus small arms last year.",
    "The parliament of {C} is currently debating a new cybercrime bill.",
    "Last month, police in {C} arrested twelve members of a smuggling ring.",
    "Could the delegation explain how the new victim protection protocol in {C} works in practice?",
    "{C} has established a national referral mechanism for victims of trafficking.",
    "Seizures of firearms at the borders of {C} doubled between 2019 and 2023.",
    "A new specialised court for organized crime opened in {C} in March.",
    # work-like: the speaker's organization's own work
    "For two years our organization has been working with law enforcement agencies in {C} to train officers.",
    "Our foundation runs three shelters for survivors of trafficking in {C}.",
    "We have trained more than 200 prosecutors in {C} on handling electronic evidence.",
    "Together with lawmakers and experts from {C}, we are working to close gaps in the legislation.",
    "Our field team in {C} provides legal aid to migrants who have been abandoned in the desert.",
    "Since 2021 our network has supported labour inspectors in {C} with a new case-management tool.",
    "Our organization works with the national police academy of {C} to improve victim identification.",
    "In {C}, our mobile clinics screen children for signs of exploitation.",
    "Our researchers interviewed 300 returning migrants in {C} for this study.",
    # neutral-like: affiliations, venues, names, citations, nationality of one person
    "I speak on behalf of the Permanent Mission of {C}.",
    "The expert group meeting was held in {C} in June.",
    "Our report builds on a case study first presented at a conference in {C}.",
    "My colleague, who was born in {C}, leads our legal team.",
    "We thank {C} for hosting last year's regional workshop.",
    "The delegation of {C} took the floor after the Chair's introduction.",
    "This statement is delivered jointly with partner organizations from {C} and elsewhere.",
    # several sentences around the slot
    "Thank you, Chair. We have followed the procurement of medical supplies in {C} for three years. "
    "The authorities there have yet to prosecute a single official named in the audit findings.",
    "Thank you, Chair. Our organization thanks the Secretariat. We also thank {C} for its "
    "contribution to the voluntary fund.",
    "We welcome the progress made in {C}. The new law entered into force in January.",
    "Good afternoon. Our partners in {C} shared their experience with us. We will publish a joint "
    "guide next year.",
    # a later sentence that refers back to the country (followup.py)
    "Our project in {C} gives district prosecutors a case-management system. The prosecutors "
    "there let most trafficking files lapse before trial.",
    "Our project in {C} gives district prosecutors a case-management system. The ministry there "
    "pays for the licences and has asked us to add two more districts.",
]

DEMONYMS = [
    ("Nigerian", "NGA"), ("Mexican", "MEX"), ("Filipino", "PHL"), ("Emirati", "ARE"),
    ("Norwegian", "NOR"), ("Chinese", "CHN"), ("Brazilian", "BRA"), ("Italian", "ITA"),
    ("Colombian", "COL"), ("Russian", "RUS"), ("Turkish", "TUR"), ("Vietnamese", "VNM"),
    ("Ivorian", "CIV"), ("Guatemalan", "GTM"), ("Afghan", "AFG"), ("Swiss", "CHE"),
    ("Dutch", "NLD"), ("British", "GBR"), ("American", "USA"), ("Kenyan", "KEN"),
]

DEMONYM_TEMPLATES = [
    "{D} police routinely detain victims of trafficking and prosecute them as criminals.",
    "The {D} authorities have failed to investigate a single case.",
    "{D} cartels control the main cocaine routes and bribe officials at every port.",
    "The {D} government adopted a new anti-trafficking law in 2022.",
    "{D} courts convicted twelve traffickers last year.",
    "We have trained {D} prosecutors on handling electronic evidence since 2019.",
    "Our organization works with {D} labour inspectors to identify victims of forced labour.",
    "A {D} national was among the victims our shelter assisted last year.",
    "I was accompanied by a {D} colleague who leads our research team.",
    "Thank you, Chair. The {D} coast guard routinely ignores distress calls from overcrowded boats.",
]


def _fill(template: str, slot: str, name: str) -> tuple[str, int]:
    """The filled text and the slot's start offset (names capitalised at a sentence's start)."""
    start = template.index(slot)
    at_start = start == 0 or template[:start].rstrip().endswith((".", "?", "!"))
    value = name[:1].upper() + name[1:] if at_start else name
    return template.replace(slot, value, 1).replace(slot, name), start


def _run(checker, templates, slot, names):
    items, meta = [], []
    for t, template in enumerate(templates):
        for name, key in names:
            text, start = _fill(template, slot, name)
            items.append((f"{t}:{name}", text))
            meta.append((t, name, key, start, start + len(name)))
    reports = list(checker.check_documents(Document(s, t) for s, t in items))
    verdicts, labels = defaultdict(dict), defaultdict(dict)
    for report, (t, name, key, s, e) in zip(reports, meta, strict=True):
        slot_findings = [f for f in report.findings if f.mention.start < e and s < f.mention.end]
        assert [f.mention.key for f in slot_findings] == [key], (report.text, report.mentions)
        verdicts[t][name] = report.verdict
        labels[t][name] = slot_findings[0].label
    return verdicts, labels


def _assert_invariant(templates, verdicts, labels):
    broken = []
    for t, template in enumerate(templates):
        if len(set(verdicts[t].values())) > 1 or len(set(labels[t].values())) > 1:
            by_label = defaultdict(list)
            for name, label in labels[t].items():
                by_label[(verdicts[t][name], label)].append(name)
            broken.append(f"{template!r}: {dict(by_label)}")
    assert not broken, "verdict or label depends on the country:\n" + "\n".join(broken)


def test_enough_variety():
    assert len(TEMPLATES) >= 40 and len(COUNTRIES) >= 25
    assert len(DEMONYM_TEMPLATES) >= 10 and len(DEMONYMS) >= 20


def test_country_swap_never_changes_the_verdict_or_the_label(checker):
    verdicts, labels = _run(checker, TEMPLATES, "{C}", COUNTRIES)
    _assert_invariant(TEMPLATES, verdicts, labels)
    # the property is not trivially true: the templates do not all get one verdict
    assert len({v for by_name in verdicts.values() for v in by_name.values()}) >= 2


def test_demonym_swap_never_changes_the_verdict_or_the_label(checker):
    verdicts, labels = _run(checker, DEMONYM_TEMPLATES, "{D}", DEMONYMS)
    _assert_invariant(DEMONYM_TEMPLATES, verdicts, labels)
