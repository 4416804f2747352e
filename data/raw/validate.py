"""Check a raw corpus file against data/raw/FORMAT.md; print problems, exit 1 if any."""
import json
import sys

import pycountry

LABELS = {"blame", "situation", "work", "neutral", "exempt"}
CODES = {c.alpha_3 for c in pycountry.countries} | {"X", "XKX"}


def check(path):
    problems, ids, n, groups = [], set(), 0, {}
    for i, line in enumerate(open(path, encoding="utf-8"), 1):
        if not line.strip():
            continue
        n += 1
        try:
            d = json.loads(line)
        except ValueError as e:
            problems.append(f"line {i}: not JSON: {e}")
            continue
        where = f"line {i} ({d.get('id')})"
        if d.get("id") in ids:
            problems.append(f"{where}: duplicate id")
        ids.add(d.get("id"))
        if "group" in d:
            groups.setdefault(d["group"], []).append(d.get("id"))
        text = d.get("text") or ""
        if not text:
            problems.append(f"{where}: empty text")
        sc = d.get("speaker_country")
        if sc is not None and sc not in CODES:
            problems.append(f"{where}: bad speaker_country {sc}")
        pos = 0
        for m in d.get("mentions", []):
            s = m.get("surface", "")
            j = text.find(s, pos)
            if not s or j < 0:
                problems.append(f"{where}: surface {s!r} not found (in order)")
            else:
                pos = j + len(s)
            if m.get("country") not in CODES:
                problems.append(f"{where}: bad country {m.get('country')}")
            if m.get("label") not in LABELS:
                problems.append(f"{where}: bad label {m.get('label')}")
            if m.get("label") == "exempt":
                if m.get("base") not in {"blame", "situation"}:
                    problems.append(f"{where}: exempt needs base blame|situation")
                if m.get("country") != sc:
                    problems.append(f"{where}: exempt mention is not the speaker's country")
    for g, members in groups.items():
        if len(members) != 2:
            problems.append(f"group {g}: {len(members)} statements, a contrast pair needs 2")
    for p in problems:
        print(p)
    print(f"{path}: {n} statements, {len(problems)} problems")
    return not problems


if __name__ == "__main__":
    ok = all([check(p) for p in sys.argv[1:]])
    sys.exit(0 if ok else 1)
