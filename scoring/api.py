"""POST /api/v1/propose/: the engine's proposal for given figures and answers, as the reviewer would see it.

Body: {"criterion": "<code>", "round": <id>, "figures": {code: number}, "answers": {code: true/false}}.
The round must be one the user sees (`assessment.scoping.rounds_for_user`); errors are 4xx JSON with a Chinese
`detail` (the project's exception handler).
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from assessment.models import Criterion, Metric
from assessment.scoping import parse_id, rounds_for_user
from integrations.schema import errors
from scoring import engine, trial
from scoring.loader import propose_with


class ProposeRequest(serializers.Serializer):
    criterion = serializers.CharField()
    round = serializers.IntegerField()
    figures = serializers.DictField(required=False)
    answers = serializers.DictField(required=False)


class ProposeView(APIView):
    @extend_schema(request=ProposeRequest, responses={200: dict, **errors(400, 401, 403, 404, 415, 429)})
    def post(self, request):
        data = request.data if isinstance(request.data, dict) else {}
        round_id = parse_id(data.get("round"), "round") if not isinstance(data.get("round"), bool) else None
        if round_id is None:
            raise ValidationError({"detail": "请给出年度考评编号 round。"})
        round_ = rounds_for_user(request.user).filter(pk=round_id).first()
        if round_ is None:
            raise NotFound("没有该年度考评，或您无权查看。")
        code = data.get("criterion")
        criterion = Criterion.objects.filter(indicator__section__rubric=round_.rubric_id, code=str(code)).first()
        if not isinstance(code, str) or criterion is None:
            raise NotFound("本轮评估标准中没有该考察点。")
        try:
            rule = engine.rule_from_dict(criterion.rule)
        except ValueError as error:
            raise ValidationError({"detail": f"该考察点的评分规则有误：{error}"}) from None
        if rule is None:
            raise ValidationError({"detail": "该考察点没有可量化的评分标准，由评审员直接评分。"})
        try:
            figures = trial.read_figures(data.get("figures"), rule.metrics)
            answers = trial.read_answers(data.get("answers"), rule.answers)
        except trial.TrialError as error:
            raise ValidationError({"detail": str(error)}) from None
        proposal = propose_with(criterion, round_, figures, answers, rule=rule)
        return Response(trial.payload(criterion, rule, proposal, metric_labels(round_, rule)))


def metric_labels(round_, rule):
    return dict(Metric.objects.filter(rubric_id=round_.rubric_id, code__in=rule.metrics).values_list("code", "label"))
