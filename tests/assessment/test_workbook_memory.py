"""The round workbook is written in constant memory: a town's rows are not kept once its sheet is written.

What still grows with the towns is each sheet's own bookkeeping, which XlsxWriter keeps until the file is
closed (about 10 KiB of settings per worksheet, whatever its rows); a town's 41 rows of 10 cells, if kept,
would cost several times that.
"""

import datetime
import random
import tempfile
import tracemalloc

import pytest

from assessment import scale, workbook
from assessment.models import Criterion, Metric, Round

AS_OF = datetime.date(2026, 11, 1)
STANDINGS = workbook.town_standings
PER_TOWN_SHEET = 24 * 2**10  # bytes: one sheet's bookkeeping, well below what its rows would hold


def _round_of(rubric, reviewer, towns, number):
    """A district of `towns` towns and its round, filled like the province data set (60% scored …)."""
    places = scale.create_places(towns, 1, scale.create_cities(1))
    [(district, district_towns)] = places.items()
    district.name = f"内存区{number}"
    district.save()
    round_ = Round.objects.create(rubric=rubric, district=district, name=f"内存{towns}", state=Round.State.OPEN,
                                  opens_on=datetime.date(2026, 3, 1), closes_on=datetime.date(2026, 11, 30))
    criteria = list(Criterion.objects.filter(indicator__section__rubric=rubric).order_by("id"))
    scale.fill_round(round_, district_towns, criteria, list(Metric.objects.filter(rubric=rubric)), reviewer,
                     random.Random(towns))
    return round_


def _peak(round_, monkeypatch):
    """Peak bytes allocated while the workbook is written, its results computed beforehand.

    The results (`town_standings`, all towns' outcomes) come from the engine today and from stored results
    later; what is measured here is the workbook itself: reading the items and the history, writing the cells.
    """
    results = STANDINGS(round_, AS_OF)
    for result in results:
        result.item(None)  # builds the results' own index of items now, outside the measurement
    monkeypatch.setattr(workbook, "town_standings", lambda *args: results)
    with tempfile.TemporaryFile() as output:
        tracemalloc.start()
        try:
            workbook.write_round_workbook(round_, output, as_of=AS_OF)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert output.tell() > 0
    return peak


@pytest.mark.django_db
def test_round_workbook_peak_memory_does_not_grow_with_towns(rubric, reviewer, monkeypatch):
    small = _peak(_round_of(rubric, reviewer, 100, 1), monkeypatch)
    large = _peak(_round_of(rubric, reviewer, 300, 2), monkeypatch)
    print(f"peak: 100 towns {small / 2**20:.2f} MiB, 300 towns {large / 2**20:.2f} MiB")
    assert large - small <= 200 * PER_TOWN_SHEET
    assert large < 10 * 2**20
