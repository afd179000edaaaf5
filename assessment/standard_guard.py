"""Edits to a stored standard: refused once a round using it has been scored, and refused if the points would no
longer add up. The sums are `standard.check_tree`'s, the one definition used by the loader and the import too.

Nodes are named by kind and primary key: ("rubric"|"section"|"indicator"|"criterion", pk). An edit is described by
`changes`, {node: {"points": Decimal, "parent": parent pk}} (either key optional), `removed`, a set of nodes, and
`added`, a list of (kind, key, parent, points, code) for new nodes, whose key any other new node may name as its
parent.
"""

from django.utils.translation import gettext as _

from assessment.models import Criterion, Indicator, Review, Rubric, Section
from assessment.standard import RubricIntegrityError, check_tree

CHILD = {"rubric": "section", "section": "indicator", "indicator": "criterion"}
PARENT_FIELD = {"section": "rubric_id", "indicator": "section_id", "criterion": "indicator_id"}
CHILD_LIST = {"section": "indicators", "indicator": "criteria"}
MODELS = {"section": Section, "indicator": Indicator, "criterion": Criterion}


class ReviewedStandardError(ValueError):
    """The standard is in use by a round that has scores: it may only be replaced by a new version."""


def rubric_is_reviewed(rubric_id):
    return rubric_id is not None and Review.objects.filter(submission__round__rubric_id=rubric_id).exists()


def refuse_if_reviewed(rubric_id):
    if rubric_is_reviewed(rubric_id):
        rubric = Rubric.objects.get(pk=rubric_id)
        raise ReviewedStandardError(
            _("评估标准“%(rubric)s”已用于年度考评并已有评分，不能直接修改；请新建评估标准版本（如复制后改版本号）再修改。")
            % {"rubric": rubric}
        )


def rubric_of(kind, pk):
    """The rubric id of a stored node."""
    lookup = {"rubric": "pk", "section": "sections", "indicator": "sections__indicators",
              "criterion": "sections__indicators__criteria"}[kind]
    return Rubric.objects.filter(**{lookup: pk}).values_list("pk", flat=True).first()


def _nodes(rubric_id):
    """Every node below the rubric: {kind: {pk: {"parent", "points", "code", "title"}}} in the standard's order."""
    filters = {"section": {"rubric_id": rubric_id}, "indicator": {"section__rubric_id": rubric_id},
               "criterion": {"indicator__section__rubric_id": rubric_id}}
    nodes = {}
    for kind, model in MODELS.items():
        rows = model.objects.filter(**filters[kind]).order_by("order", "id")
        nodes[kind] = {row["id"]: {"parent": row[PARENT_FIELD[kind]], "points": row["points"], "code": row["code"],
                                   "title": row.get("title", "")}
                       for row in rows.values("id", PARENT_FIELD[kind], "points", "code", "title")}
    return nodes


def points_tree(rubric_id, changes=None, removed=(), added=()):
    """The rubric's points as a tree in `check_tree`'s shape, with an edit applied."""
    rubric = Rubric.objects.values("title", "total_points").get(pk=rubric_id)
    nodes = _nodes(rubric_id)
    for (kind, pk), change in (changes or {}).items():
        if kind == "rubric":
            rubric["total_points"] = change.get("points", rubric["total_points"])
        elif pk in nodes[kind]:
            nodes[kind][pk].update(change)
    for kind, pk in removed:
        nodes.get(kind, {}).pop(pk, None)
    for kind, key, parent, points, code in added:
        nodes[kind][key] = {"parent": parent, "points": points, "code": code or "?", "title": ""}
    return {"title": rubric["title"], "total_points": rubric["total_points"], "sections": _children(nodes, "section", rubric_id)}



def _children(nodes, kind, parent):
    result = []
    for pk, node in nodes[kind].items():
        if node["parent"] != parent:
            continue
        entry = {"code": node["code"], "title": node["title"], "points": node["points"]}
        if kind in CHILD:
            entry[CHILD_LIST[kind]] = _children(nodes, CHILD[kind], pk)
        result.append(entry)
    return result


def check_edit(rubric_id, changes=None, removed=(), added=()):
    """Raise ReviewedStandardError or RubricIntegrityError (naming the node and both sums) unless the edit may go."""
    refuse_if_reviewed(rubric_id)
    check_tree(points_tree(rubric_id, changes, removed, added))


__all__ = ["ReviewedStandardError", "RubricIntegrityError", "check_edit", "refuse_if_reviewed", "rubric_of"]
