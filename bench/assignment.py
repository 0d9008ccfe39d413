"""Time the full-size jury assignment: 5,000 dossiers × 60 jurors, k = 5 (issue 5's target: under 5 s).

Run: .venv/bin/python bench/assignment.py  (also part of `make bench`). Prints seconds and the plan's facts.
"""

import json
import random
import sys
import time

from award_app.jury.planner import Dossier, Juror, Plan, plan

FIELDS = ["waste", "climate", "cleanliness", "water", "biodiversity"]
PROGRAMMES = ["eco_school", "youth", "city"]


def instance(dossiers: int = 5000, jurors: int = 60, conflicts: int = 3000, seed: int = 2026):
    rng = random.Random(seed)
    items = [Dossier(i, f"D{i}", frozenset({PROGRAMMES[i % 3], rng.choice(FIELDS)})) for i in range(dossiers)]
    people = [Juror(10_000 + j, f"J{j}", frozenset({PROGRAMMES[j % 3], *rng.sample(FIELDS, 2)})) for j in range(jurors)]
    pairs = {(rng.randrange(dossiers), 10_000 + rng.randrange(jurors)) for _ in range(conflicts)}
    return items, people, pairs


def main() -> None:
    dossiers, jurors, conflicts = instance()
    start = time.perf_counter()
    result = plan(dossiers, jurors, conflicts, 5, frozenset(PROGRAMMES))
    seconds = time.perf_counter() - start
    assert isinstance(result, Plan)
    loads = result.loads.values()
    print(json.dumps({"assignment_s": round(seconds, 3), "dossiers": len(dossiers), "jurors": len(jurors), "k": 5,
                      "conflicts": len(conflicts), "load_min": min(loads), "load_max": max(loads),
                      "connected": result.connected, "expertise_matches": result.expertise_matches}))


if __name__ == "__main__":
    sys.exit(main())
