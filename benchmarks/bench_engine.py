"""Times the scoring engine at province scale: 1,300 towns × the 41 criteria of 附件1.

Run: .venv/bin/python benchmarks/bench_engine.py [towns]
Prints figures; asserts nothing (it is not a test).
"""

import datetime
import json
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scoring import engine  # noqa: E402

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "rubric_2017.json"


def criteria_from_fixture():
    tree = json.loads(FIXTURE.read_text(encoding="utf-8"))
    criteria, rules = [], []
    for section in tree["sections"]:
        for indicator in section["indicators"]:
            for spec in indicator["criteria"]:
                criteria.append(engine.CriterionInput(
                    id=len(criteria) + 1, code=spec["code"], section_code=section["code"],
                    points=Decimal(spec["points"]), deadline=engine.YearMonth.parse(spec["deadline"]),
                ))
                rules.append(engine.rule_from_dict(spec["rule"]))
    return criteria, rules


def synthetic_items(criteria, towns, rng):
    items = []
    for town in towns:
        for criterion in criteria:
            awarded = (criterion.points * Decimal(rng.randint(0, 10)) / 10) if rng.random() < 0.8 else None
            done = datetime.date(2018, rng.randint(1, 12), 1) if rng.random() < 0.9 else None
            items.append(engine.ItemInput(town.id, criterion.id, awarded, done))
    return items


def timed(function, repeat=3):
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs), result


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1300
    rng = random.Random(1)
    criteria, rules = criteria_from_fixture()
    towns = [engine.TownInput(i, f"街镇{i:04d}") for i in range(1, count + 1)]
    items = synthetic_items(criteria, towns, rng)
    seconds, results = timed(lambda: engine.compute_results(
        criteria, towns, items, pass_mark=Decimal("80"), as_of=datetime.date(2019, 1, 1)))
    print(f"compute_results: {count} towns, {len(items)} items: {seconds * 1000:.0f} ms (median of 3)")
    print(f"  top total {results[0].total}, ranks 1..{results[-1].rank}")
    figures = {code: Decimal(rng.randint(1, 100)) for rule in rules if rule for code in rule.metrics}
    proposals = [(rule, c.points) for rule, c in zip(rules, criteria, strict=True) if rule]
    seconds, _ = timed(lambda: [engine.propose(r, p, figures, datetime.date(2019, 1, 1))
                                for _ in range(count) for r, p in proposals])
    print(f"propose: {count * len(proposals)} proposals: {seconds * 1000:.0f} ms (median of 3)")


if __name__ == "__main__":
    main()
