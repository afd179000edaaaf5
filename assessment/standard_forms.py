"""Admin forms of the standard: every edit goes through `standard_guard.check_edit` before anything is saved.

A node edited on its own page (a 考察点) is checked in its form; a node edited together with its children (an
indicator and its criteria inline) is checked once, in the inline formset, with the parent's and the children's new
values together, so points can be moved between siblings in one save.
"""

from django import forms
from django.core.exceptions import ValidationError

from assessment.models import Criterion, Indicator, Rubric, Section
from assessment.standard_guard import (
    PARENT_FIELD,
    ReviewedStandardError,
    RubricIntegrityError,
    check_edit,
    refuse_if_reviewed,
    rubric_of,
)

KIND = {Rubric: "rubric", Section: "section", Indicator: "indicator", Criterion: "criterion"}
PARENT_KIND = {"section": "rubric", "indicator": "section", "criterion": "indicator"}


def _guarded(check):
    try:
        check()
    except (ReviewedStandardError, RubricIntegrityError) as error:
        raise ValidationError(str(error)) from None


def _parent_id(kind, instance):
    return getattr(instance, PARENT_FIELD[kind]) if kind in PARENT_FIELD else None


def _rubric_id(kind, instance):
    """The rubric a node belongs to after the edit (its new parent's), or None for a rubric not yet saved."""
    if kind == "rubric":
        return instance.pk
    parent = _parent_id(kind, instance)
    return rubric_of(PARENT_KIND[kind], parent) if parent is not None else None


class StandardNodeForm(forms.ModelForm):
    """Refuses any edit of a scored standard; checks the sums itself unless `sums_in_formset`."""

    sums_in_formset = False

    def clean(self):
        data = super().clean()
        kind = KIND[self._meta.model]
        node = self.instance
        for field, value in data.items():  # the edited values, as the tree will hold them
            if field in ("points", "total_points") or field == PARENT_FIELD.get(kind, "").removesuffix("_id"):
                setattr(node, field, value)
        rubric_id = _rubric_id(kind, node)
        if node.pk is not None:
            _guarded(lambda: refuse_if_reviewed(rubric_of(kind, node.pk)))  # also the rubric it may leave
        if rubric_id is None:
            return data
        if self.sums_in_formset:
            _guarded(lambda: refuse_if_reviewed(rubric_id))
        else:
            _guarded(lambda: check_edit(rubric_id, **_own_edit(kind, node)))
        return data


def _own_edit(kind, node):
    points = node.total_points if kind == "rubric" else node.points
    if node.pk is None:
        return {"added": [(kind, "new", _parent_id(kind, node), points, getattr(node, "code", ""))]}
    change = {"points": points}
    if kind in PARENT_FIELD:
        change["parent"] = _parent_id(kind, node)
    return {"changes": {(kind, node.pk): change}}


class StandardChildrenFormSet(forms.BaseInlineFormSet):
    """The inline of a node's children: checks the parent's and children's new points together."""

    def clean(self):
        super().clean()
        parent = self.instance
        parent_kind = KIND[type(parent)]
        kind = KIND[self.model]
        edit = _own_edit(parent_kind, parent)
        rubric_id = _rubric_id(parent_kind, parent)
        if rubric_id is None:
            return  # a new rubric is built by importing a whole standard, which is checked as a whole
        changes, removed, added = edit.get("changes", {}), set(), list(edit.get("added", []))
        parent_key = parent.pk if parent.pk is not None else "new"
        for number, form in enumerate(self.forms):
            data = getattr(form, "cleaned_data", None)
            if not data:
                continue
            child = form.instance
            if data.get("DELETE") and child.pk is not None:
                removed.add((kind, child.pk))
            elif child.pk is not None:
                changes[(kind, child.pk)] = {"points": data.get("points", child.points), "parent": parent_key}
            elif not data.get("DELETE"):
                added.append((kind, f"new-{number}", parent_key, data.get("points"), data.get("code")))
        _guarded(lambda: check_edit(rubric_id, changes=changes, removed=removed, added=added))


class StandardParentForm(StandardNodeForm):
    """For a node whose admin page lists its children inline: the formset checks the sums."""

    sums_in_formset = True
