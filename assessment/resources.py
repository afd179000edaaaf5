"""Import and export of the standard as one flat sheet, one row per 考察点.

Every row repeats its rubric, 一类指标 and 二类指标, so the sheet alone is
enough to rebuild the tree in an empty database. The whole sheet is checked
with `check_tree` before a single row is written.
"""

import json
from decimal import Decimal

from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from assessment.models import Criterion, CriterionUnit, Indicator, Metric, ResponsibleUnit, Rubric, Section
from assessment.standard import check_tree, parse_month
from assessment.standard_guard import refuse_if_reviewed

PARENT_COLUMNS = (
    ("indicator__section__rubric__title", "评估标准"),
    ("indicator__section__rubric__version", "版本"),
    ("indicator__section__rubric__total_points", "总分"),
    ("indicator__section__rubric__source", "出处"),
    ("indicator__section__code", "一类指标编号"),
    ("indicator__section__title", "一类指标"),
    ("indicator__section__points", "一类指标分值"),
    ("indicator__code", "二类指标编号"),
    ("indicator__title", "二类指标"),
    ("indicator__points", "二类指标分值"),
)
# The criterion's own columns, in sheet order. Every header of the sheet is Chinese; `indicator_id` alone is
# technical: never exported, it is added by `before_import` and hidden from the admin's column lists.
OWN_COLUMNS = (
    ("code", "考察点编号"),
    ("title", "考察点"),
    ("content", "评估内容"),
    ("points", "考察点分值"),
    ("units", "责任单位"),
    ("deadline", "完成时间"),
    ("deadline_is_span", "持续至完成时间"),
    ("metrics", "指标数据项"),
    ("rule", "自动评分规则"),
    ("note", "录入说明"),
    ("order", "排序"),
)
COLUMN = dict(PARENT_COLUMNS + OWN_COLUMNS)
# Sheets exported before the headers were Chinese named these columns by field; they still import.
LEGACY_HEADERS = {name: label for name, label in OWN_COLUMNS if name not in ("units", "deadline", "metrics", "rule")}
SHEET_TITLE = "评估标准考察点"  # the xlsx sheet's name; tablib would call it "Tablib Dataset"
UNIT_SEPARATOR = "、"


class MonthWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return parse_month(str(value).strip()[:7])

    def render(self, value, obj=None, **kwargs):
        return value.strftime("%Y-%m") if value else ""


class JSONWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return json.loads(value) if value not in (None, "") else None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


class CriterionResource(resources.ModelResource):
    indicator = fields.Field(attribute="indicator", column_name="indicator_id", widget=widgets.ForeignKeyWidget(Indicator))
    deadline = fields.Field(attribute="deadline", column_name="完成时间", widget=MonthWidget())
    rule = fields.Field(attribute="rule", column_name="自动评分规则", widget=JSONWidget())
    note = fields.Field(attribute="note", column_name="录入说明", widget=widgets.CharWidget(allow_blank=True))
    units = fields.Field(column_name="责任单位")
    metrics = fields.Field(column_name="指标数据项")

    class Meta:
        model = Criterion
        import_id_fields = ("indicator", "code")
        fields = (
            "indicator", "code", "title", "content", "points", "units", "deadline", "deadline_is_span", "metrics", "rule",
            "note", "order",
        )
        export_order = ("code", "title", "content", "points")
        skip_unchanged = False
        name = SHEET_TITLE  # how the admin's import and export pages name this resource

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # Read-only: exported for a self-contained sheet, rebuilt by before_import.
        for attr, label in PARENT_COLUMNS:
            self.fields[attr] = fields.Field(attribute=attr, column_name=label, readonly=True)
        for name, label in OWN_COLUMNS:
            self.fields[name].column_name = label

    def get_user_visible_fields(self):
        return [field for field in super().get_user_visible_fields() if field.attribute != "indicator"]

    def export(self, queryset=None, **kwargs):
        dataset = super().export(queryset, **kwargs)
        dataset.title = SHEET_TITLE
        return dataset

    def get_export_queryset(self, request=None):
        return (
            Criterion.objects.select_related("indicator__section__rubric")
            .prefetch_related("unit_links__unit", "metrics__whole")
            .order_by("indicator__section__rubric", "indicator__section__order", "indicator__order", "order")
        )

    def get_export_order(self):
        parents = tuple(attr for attr, _label in PARENT_COLUMNS)
        return parents + tuple(name for name, _label in OWN_COLUMNS)

    def get_export_fields(self, selected_fields=None):
        return [self.fields[name] for name in self.get_export_order()]

    def dehydrate_units(self, criterion):
        return UNIT_SEPARATOR.join(f"{link.unit.name}:{link.unit.level}" for link in criterion.unit_links.all())

    def dehydrate_metrics(self, criterion):
        return json.dumps([_metric_spec(m) for m in criterion.metrics.all()], ensure_ascii=False)

    def before_import(self, dataset, **kwargs):
        """Check the whole sheet, then create the tree above the criteria."""
        dataset.headers = [LEGACY_HEADERS.get(header, header) for header in dataset.headers]
        check_tree(_tree_from_rows(dataset.dict))
        _refuse_scored_rubrics(dataset.dict)
        indicator_ids = [_ensure_parents(row).id for row in dataset.dict]
        if "indicator_id" in dataset.headers:
            del dataset["indicator_id"]
        dataset.append_col(indicator_ids, header="indicator_id")

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if not kwargs.get("dry_run"):
            from scoring.stored import refresh_rubric

            indicators = Indicator.objects.filter(pk__in=set(dataset["indicator_id"]))
            for rubric_id in set(indicators.values_list("section__rubric_id", flat=True)):
                refresh_rubric(rubric_id)  # imported points and deadlines count in every round of the standard

    def after_save_instance(self, instance, row, **kwargs):
        if kwargs.get("dry_run"):
            return
        instance.unit_links.all().delete()
        for order, (name, level) in enumerate(_parse_units(row[COLUMN["units"]]), start=1):
            unit, _created = ResponsibleUnit.objects.get_or_create(name=name, defaults={"level": level})
            CriterionUnit.objects.create(criterion=instance, unit=unit, order=order)
        rubric = instance.indicator.section.rubric
        instance.metrics.set([_ensure_metric(rubric, spec) for spec in json.loads(row[COLUMN["metrics"]] or "[]")])


def _refuse_scored_rubrics(rows):
    """A sheet may not rewrite a rubric that a round has already scored: a new version is imported instead."""
    for title, version in {(row["评估标准"], str(row["版本"])) for row in rows}:
        rubric = Rubric.objects.filter(title=title, version=version).first()
        if rubric is not None:
            refuse_if_reviewed(rubric.pk)


def _metric_spec(metric):
    return {
        "code": metric.code,
        "label": metric.label,
        "unit": metric.unit,
        "kind": metric.kind,
        "whole": metric.whole.code if metric.whole else None,
        "order": metric.order,
    }


def _parse_units(text):
    pairs = []
    for item in str(text or "").split(UNIT_SEPARATOR):
        if item.strip():
            name, _sep, level = item.strip().partition(":")
            pairs.append((name, level or ResponsibleUnit.Level.DISTRICT))
    return pairs


def _tree_from_rows(rows):
    """Rebuild the points skeleton of every rubric in the sheet for check_tree."""
    if not rows:
        raise ValueError(_("导入文件没有任何考察点。"))
    first = rows[0]
    tree = {"title": first["评估标准"], "total_points": first["总分"], "sections": []}
    sections, indicators = {}, {}
    for row in rows:
        s_key = row["一类指标编号"]
        if s_key not in sections:
            sections[s_key] = {"code": s_key, "title": row["一类指标"], "points": row["一类指标分值"], "indicators": []}
            tree["sections"].append(sections[s_key])
        i_key = row["二类指标编号"]
        if i_key not in indicators:
            indicators[i_key] = {"code": i_key, "title": row["二类指标"], "points": row["二类指标分值"], "criteria": []}
            sections[s_key]["indicators"].append(indicators[i_key])
        indicators[i_key]["criteria"].append({"code": row[COLUMN["code"]], "points": row[COLUMN["points"]]})
    return tree


def _ensure_parents(row):
    rubric, _created = Rubric.objects.get_or_create(
        title=row["评估标准"],
        version=str(row["版本"]),
        defaults={"total_points": Decimal(str(row["总分"])), "source": row.get("出处") or ""},
    )
    section, _created = Section.objects.update_or_create(
        rubric=rubric,
        code=str(row["一类指标编号"]),
        defaults={"title": row["一类指标"], "points": Decimal(str(row["一类指标分值"])), "order": _order(row["一类指标编号"])},
    )
    indicator, _created = Indicator.objects.update_or_create(
        section=section,
        code=str(row["二类指标编号"]),
        defaults={"title": row["二类指标"], "points": Decimal(str(row["二类指标分值"])), "order": _order(row["二类指标编号"])},
    )
    return indicator


def _order(code):
    return int(str(code).split(".")[-1])


def _ensure_metric(rubric, spec):
    metric, _created = Metric.objects.update_or_create(
        rubric=rubric,
        code=spec["code"],
        defaults={"label": spec["label"], "unit": spec["unit"], "kind": spec["kind"], "order": spec.get("order", 0)},
    )
    if spec.get("whole"):
        whole, _created = Metric.objects.get_or_create(
            rubric=rubric, code=spec["whole"], defaults={"label": spec["whole"], "unit": spec["unit"], "kind": spec["kind"]}
        )
        metric.whole = whole
        metric.save(update_fields=["whole"])
    return metric
