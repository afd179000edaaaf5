"""Reading, writing and checking the assessment standard as a plain tree.

The tree is the shape of `fixtures/rubric_2017.json`: sections → indicators →
criteria, points as decimal strings. The same tree is what the loader reads,
what `rubric_to_tree` writes back, and what `check_tree` validates, so a
standard that round-trips through it is unchanged.
"""

import datetime
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.apps import apps as global_apps
from django.db import transaction
from django.utils.translation import gettext as _

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "rubric_2017.json"
DEFAULT_DISTRICT = "六合区"


class RubricIntegrityError(ValueError):
    """The points of a node do not add up to the points of its parent."""


def read_fixture(path=FIXTURE):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def _points_str(value):
    """'3' for 3.0, '2.5' for 2.50: how the standard prints points."""
    value = Decimal(value)
    return str(value.quantize(Decimal("1"))) if value == value.to_integral() else str(value.normalize())


def _points(node, label):
    try:
        return Decimal(str(node["points"]))
    except (KeyError, InvalidOperation):
        raise RubricIntegrityError(_("%(node)s 的分值缺失或不是数字。") % {"node": label}) from None


def _check_sum(label, own, children, child_kind):
    total = sum(children, Decimal("0"))
    if total != own:
        raise RubricIntegrityError(
            _("%(node)s：%(kind)s分值合计 %(sum)s 分，与其分值 %(own)s 分不符。")
            % {"node": label, "kind": child_kind, "sum": _points_str(total), "own": _points_str(own)}
        )


def check_tree(tree):
    """Raise RubricIntegrityError unless every level sums to its parent.

    The message names the node and both sums, so an administrator who edited
    or imported a broken standard sees where to look.
    """
    section_points = []
    for section in tree["sections"]:
        section_label = _("一类指标 %(code)s %(title)s") % section
        indicator_points = []
        for indicator in section["indicators"]:
            indicator_label = _("二类指标 %(code)s %(title)s") % indicator
            criteria = [_points(c, _("考察点 %(code)s") % c) for c in indicator["criteria"]]
            if not criteria:
                raise RubricIntegrityError(_("%(node)s 没有考察点。") % {"node": indicator_label})
            own = _points(indicator, indicator_label)
            _check_sum(indicator_label, own, criteria, _("考察点"))
            indicator_points.append(own)
        own = _points(section, section_label)
        _check_sum(section_label, own, indicator_points, _("二类指标"))
        section_points.append(own)
    _check_sum(_("评估标准 %(title)s") % tree, Decimal(str(tree["total_points"])), section_points, _("一类指标"))


def parse_month(text):
    year, month = (int(part) for part in text.split("-"))
    return datetime.date(year, month, 1)


def _get_model(apps, name):
    return apps.get_model("assessment", name)


@transaction.atomic
def load_tree(tree, apps=global_apps, district_name=DEFAULT_DISTRICT):
    """Create the rubric, its units, metrics and towns; return the Rubric.

    Idempotent: a rubric with the same title and version is left as it is.
    Works with historical models, so data migrations can call it.
    """
    check_tree(tree)
    Rubric = _get_model(apps, "Rubric")
    existing = Rubric.objects.filter(title=tree["title"], version=tree["version"]).first()
    if existing is not None:
        return existing
    units = _load_units(tree, apps)
    _load_towns(tree, apps, district_name)
    rubric = Rubric.objects.create(
        title=tree["title"],
        version=tree["version"],
        total_points=Decimal(str(tree["total_points"])),
        source=tree.get("source", ""),
        notes="\n".join(tree.get("notes", [])),
    )
    metrics = _load_metrics(tree, apps, rubric)
    for order, section in enumerate(tree["sections"], start=1):
        _load_section(apps, rubric, section, order, units, metrics)
    return rubric


def _load_units(tree, apps):
    ResponsibleUnit = _get_model(apps, "ResponsibleUnit")
    units = {}
    for unit in tree.get("units", []):
        units[unit["name"]], _created = ResponsibleUnit.objects.get_or_create(
            name=unit["name"], defaults={"level": unit["level"]}
        )
    return units


def _load_towns(tree, apps, district_name):
    District = _get_model(apps, "District")
    Town = _get_model(apps, "Town")
    district, _created = District.objects.get_or_create(name=district_name)
    # The data migration loads towns before the 行政区划代码 existed; 0010_town_codes adds them then.
    has_code = any(field.name == "code" for field in Town._meta.get_fields())
    for order, town in enumerate(tree.get("towns", []), start=1):
        code = {"code": town.get("code", "")} if has_code else {}
        Town.objects.get_or_create(
            district=district, name=town["name"], defaults={"kind": town["kind"], "order": order, **code},
        )


def _load_metrics(tree, apps, rubric):
    Metric = _get_model(apps, "Metric")
    metrics = {}
    for order, spec in enumerate(tree.get("metrics", []), start=1):
        metrics[spec["code"]] = Metric.objects.create(
            rubric=rubric, code=spec["code"], label=spec["label"], unit=spec["unit"], kind=spec["kind"], order=order
        )
    for spec in tree.get("metrics", []):
        if spec.get("whole"):
            metric = metrics[spec["code"]]
            metric.whole = metrics[spec["whole"]]
            metric.save(update_fields=["whole"])
    return metrics


def _load_section(apps, rubric, spec, order, units, metrics):
    section = _get_model(apps, "Section").objects.create(
        rubric=rubric, code=spec["code"], title=spec["title"], points=Decimal(spec["points"]), order=order
    )
    Indicator = _get_model(apps, "Indicator")
    Criterion = _get_model(apps, "Criterion")
    CriterionUnit = _get_model(apps, "CriterionUnit")
    for i_order, i_spec in enumerate(spec["indicators"], start=1):
        indicator = Indicator.objects.create(
            section=section, code=i_spec["code"], title=i_spec["title"], points=Decimal(i_spec["points"]), order=i_order
        )
        for c_order, c_spec in enumerate(i_spec["criteria"], start=1):
            criterion = Criterion.objects.create(
                indicator=indicator,
                code=c_spec["code"],
                title=c_spec["title"],
                content=c_spec["content"],
                points=Decimal(c_spec["points"]),
                deadline=parse_month(c_spec["deadline"]),
                deadline_is_span=c_spec["deadline_is_span"],
                rule=c_spec.get("rule"),
                note=c_spec.get("note") or "",
                order=c_order,
                **_answered_once(Criterion, c_spec),
            )
            CriterionUnit.objects.bulk_create(
                CriterionUnit(criterion=criterion, unit=units[name], order=u_order)
                for u_order, name in enumerate(c_spec["units"], start=1)
            )
            criterion.metrics.set([metrics[code] for code in c_spec.get("metrics", [])])


def _answered_once(Criterion, spec):
    """`answered_once` when the fixture marks it and the model (historical, in early migrations) has the field."""
    has_field = any(field.name == "answered_once" for field in Criterion._meta.get_fields())
    return {"answered_once": True} if spec.get("answered_once") and has_field else {}


def load_default_standard(apps=global_apps):
    return load_tree(read_fixture(), apps=apps)


def rubric_to_tree(rubric):
    """The rubric as a tree in fixture format (towns left out), in a fixed number of queries."""
    from assessment.models import Criterion, Metric, Section

    sections = list(Section.objects.filter(rubric=rubric).prefetch_related("indicators"))
    criteria = (
        Criterion.objects.filter(indicator__section__rubric=rubric)
        .select_related("indicator")
        .prefetch_related("unit_links__unit", "metrics")
        .order_by("indicator__section__order", "indicator__order", "order")
    )
    by_indicator = {}
    for criterion in criteria:
        by_indicator.setdefault(criterion.indicator_id, []).append(_criterion_dict(criterion))
    metrics = Metric.objects.filter(rubric=rubric).select_related("whole")
    return {
        "title": rubric.title,
        "version": rubric.version,
        "total_points": _points_str(rubric.total_points),
        "source": rubric.source,
        "metrics": [_metric_dict(m) for m in metrics],
        "sections": [_section_dict(s, by_indicator) for s in sections],
    }


def _metric_dict(metric):
    whole = metric.whole.code if metric.whole else None
    return {"code": metric.code, "label": metric.label, "unit": metric.unit, "kind": metric.kind, "whole": whole}


def _section_dict(section, by_indicator):
    indicators = [
        {"code": i.code, "title": i.title, "points": _points_str(i.points), "criteria": by_indicator.get(i.id, [])}
        for i in section.indicators.all()
    ]
    return {"code": section.code, "title": section.title, "points": _points_str(section.points), "indicators": indicators}


def _criterion_dict(criterion):
    return {
        "code": criterion.code,
        "title": criterion.title,
        "content": criterion.content,
        "points": _points_str(criterion.points),
        "units": [link.unit.name for link in criterion.unit_links.all()],
        "deadline": criterion.deadline_month,
        "deadline_is_span": criterion.deadline_is_span,
        "metrics": sorted(m.code for m in criterion.metrics.all()),
        "rule": criterion.rule,
        "note": criterion.note or None,
    }
