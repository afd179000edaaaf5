"""Yes/no answers per submission; the rules of 附件1 re-read clause by clause; 城管局 and 区城管局 are one unit.

The data steps touch only the 2017 standard loaded from the fixture (same title and version): each criterion's
rule and note, and the rubric's notes, become the fixture's. A database without that standard is left alone.
"""

from django.db import migrations, models

OLD_UNIT, NEW_UNIT = "城管局", "区城管局"


def reread_rules(apps, schema_editor):
    from assessment.standard import read_fixture

    tree = read_fixture()
    Rubric = apps.get_model("assessment", "Rubric")
    Criterion = apps.get_model("assessment", "Criterion")
    for rubric in Rubric.objects.filter(title=tree["title"], version=tree["version"]):
        rubric.notes = "\n".join(tree.get("notes", []))
        rubric.save(update_fields=["notes"])
        for section in tree["sections"]:
            for indicator in section["indicators"]:
                for spec in indicator["criteria"]:
                    Criterion.objects.filter(indicator__section__rubric=rubric, code=spec["code"]).update(
                        rule=spec.get("rule"), note=spec.get("note") or "")


def merge_units(apps, schema_editor):
    """Every link, account, part and urge of 城管局 moves to 区城管局 (or 城管局 is renamed when alone)."""
    Unit = apps.get_model("assessment", "ResponsibleUnit")
    old = Unit.objects.filter(name=OLD_UNIT).first()
    if old is None:
        return
    new = Unit.objects.filter(name=NEW_UNIT).first()
    if new is None:
        old.name = NEW_UNIT
        old.save(update_fields=["name"])
        return
    CriterionUnit = apps.get_model("assessment", "CriterionUnit")
    both = CriterionUnit.objects.filter(unit=new).values("criterion_id")
    CriterionUnit.objects.filter(unit=old, criterion_id__in=both).delete()
    for relation in Unit._meta.related_objects:
        if relation.one_to_many and not relation.related_model.__name__.startswith("Historical"):
            relation.related_model._base_manager.filter(**{relation.field.name: old}).update(**{relation.field.name: new})
    old.delete()


class Migration(migrations.Migration):

    dependencies = [
        ("assessment", "0009_parts"),
        ("notices", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalsubmission",
            name="answers",
            field=models.JSONField(blank=True, default=dict, verbose_name="是否条件作答"),
        ),
        migrations.AddField(
            model_name="submission",
            name="answers",
            field=models.JSONField(blank=True, default=dict, verbose_name="是否条件作答"),
        ),
        migrations.RunPython(reread_rules, migrations.RunPython.noop),
        migrations.RunPython(merge_units, migrations.RunPython.noop),
    ]
