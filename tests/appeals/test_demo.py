from django.core.management import call_command

from appeals.models import Appeal, Extension
from appeals.services import reviewed_towns
from assessment.models import Round
from scoring.loader import round_results


def test_demo_has_pending_and_granted_extension_and_a_decided_appeal(db, settings):
    settings.DEBUG = True
    call_command("load_demo", password="demo-pass-1")
    this_year = Round.objects.get(state=Round.State.OPEN)
    last_year = Round.objects.get(state=Round.State.ARCHIVED)
    statuses = sorted(Extension.objects.filter(submission__round=this_year).values_list("status", flat=True))
    assert statuses == ["granted", "pending"]
    granted = Extension.objects.get(status="granted")
    outcome = next(r for r in round_results(this_year) if r.town_id == granted.submission.town_id).item(
        granted.submission.criterion_id)
    assert (outcome.extended, outcome.state.is_late) == (True, False)  # late or overdue without it, on time with it
    appeal = Appeal.objects.get()
    assert (appeal.submission.round, appeal.status, appeal.points_after) == (last_year, "kept", appeal.points_before)
    assert reviewed_towns(last_year) == {appeal.submission.town_id}
