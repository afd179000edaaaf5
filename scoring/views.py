"""试算 on the item page: the proposal for the figures and answers being typed, before anything is saved."""

import json

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.views.decorators.http import require_POST

from assessment.scoping import get_submission_for_user
from scoring import engine, trial
from scoring.api import metric_labels
from scoring.loader import propose_with


@login_required
@require_POST
def item_trial(request, pk):
    """POST JSON {"figures": {...}, "answers": {...}} → the proposal the reviewer would see for them (JSON).

    Scoped like the item page; nothing is saved. The town's baseline figures left out are taken as the
    reviewer's proposal takes them (previous round).
    """
    submission = get_submission_for_user(request.user, pk)
    try:
        rule = engine.rule_from_dict(submission.criterion.rule)
    except ValueError:
        rule = None
    if rule is None:
        return JsonResponse({"detail": "该考察点没有可量化的评分标准，由评审员直接评分。"}, status=404)
    try:
        data = json.loads(request.body or b"{}")
        if not isinstance(data, dict):
            raise trial.TrialError("请求应为 JSON 对象。")
        figures = trial.read_figures(data.get("figures"), rule.metrics)
        answers = trial.read_answers(data.get("answers"), rule.answers)
    except (ValueError, trial.TrialError) as error:
        message = str(error) if isinstance(error, trial.TrialError) else "请求应为 JSON 对象。"
        return JsonResponse({"detail": message}, status=400)
    proposal = propose_with(submission.criterion, submission.round, figures, answers, town_id=submission.town_id,
                            rule=rule)
    return JsonResponse(trial.payload(submission.criterion, rule, proposal, metric_labels(submission.round, rule)))
