"""3.3 可防性案件数量变化情况 gets its figures and rule in databases where 附件1 was loaded before they existed.

A new database gets them from the fixture in 0002, and then this changes nothing. The data is written out
here rather than read from the fixture, so the migration stays what it was when the fixture changes later.
Idempotent; a rule or note an administrator has already set on 3.3 is left as it is.
"""

from django.db import migrations
from django.db.models import Max

RUBRIC = {"title": "南京市六合区技防街道（镇）规范化达标建设评估标准", "version": "2017"}
CRITERION = "3.3.1"
METRICS = [
    {"code": "cases_preventable", "label": "可防性案件数", "unit": "起", "kind": "count"},
    {"code": "cases_preventable_baseline", "label": "上一年度可防性案件数", "unit": "起", "kind": "count"},
]
RULE = {
    "parts": [
        {
            "kind": "decrease_at_least",
            "label": "辖区可防性案件数较上一年度下降",
            "figure": "cases_preventable",
            "baseline": "cases_preventable_baseline",
            "threshold": "0",
            "strict": True,
        }
    ]
}
CRITERION_NOTE = (
    "评估内容未给出标准。按方案正文“同比有明显下降”读作同比：可防性案件数少于上一年度即建议满分5分，持平或上升建议0分；"
    "“明显”未量化，不设降幅门槛，由评审员据实调整。上一年度可防性案件数取上一轮该街镇的“可防性案件数”，无上一轮时手工填报；"
    "上一年度为0时无法计算降幅，不自动评分。正文所说“占发案总数比例”未纳入，评估内容只言“数量”。"
)
RUBRIC_NOTE = (
    "3.3.1 评估内容只写“检查开展达标建设以来，辖区可防性案件数量变化情况”，未给出标准；按方案正文“可防性案件……同比有明显下降”读作同比比较："
    "本年度（本轮）可防性案件数少于上一年度即建议满分，持平或上升建议0分；“明显”未量化，不设降幅门槛（threshold \"0\"、strict true），由评审员据实调整。"
    "上一年度可防性案件数有上一轮数据时取上一轮该街镇的“可防性案件数”，否则手工填报；上一年度为0时无法计算降幅，不自动评分。"
    "正文另提“可防性案件绝对数占发案总数比例”，评估内容只言“数量”，未纳入。"
)


def add_preventable_cases(apps, schema_editor):
    Rubric = apps.get_model("assessment", "Rubric")
    Metric = apps.get_model("assessment", "Metric")
    Criterion = apps.get_model("assessment", "Criterion")
    for rubric in Rubric.objects.filter(**RUBRIC):
        last = Metric.objects.filter(rubric=rubric).aggregate(last=Max("order"))["last"] or 0
        metrics = []
        for offset, spec in enumerate(METRICS, start=1):
            metric, _created = Metric.objects.get_or_create(
                rubric=rubric, code=spec["code"], defaults={**spec, "order": last + offset}
            )
            metrics.append(metric)
        criterion = Criterion.objects.filter(indicator__section__rubric=rubric, code=CRITERION).first()
        if criterion is not None:
            criterion.metrics.add(*metrics)
            if criterion.rule is None:
                criterion.rule = RULE
            if not criterion.note:
                criterion.note = CRITERION_NOTE
            criterion.save(update_fields=["rule", "note"])
        if RUBRIC_NOTE not in rubric.notes:
            rubric.notes = f"{rubric.notes}\n{RUBRIC_NOTE}" if rubric.notes else RUBRIC_NOTE
            rubric.save(update_fields=["notes"])


class Migration(migrations.Migration):
    dependencies = [("assessment", "0004_round_states")]

    operations = [migrations.RunPython(add_preventable_cases, migrations.RunPython.noop)]
