"""Review and Transition (and the reviews' history) carry their submission's round, filled in from it."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_rounds(apps, schema_editor):
    Submission = apps.get_model("assessment", "Submission")
    for name in ("Review", "Transition", "HistoricalReview"):
        model = apps.get_model("assessment", name)
        model.objects.filter(round__isnull=True).update(
            round_id=Subquery(Submission.objects.filter(pk=OuterRef("submission_id")).values("round_id")[:1])
        )


def round_field(null):
    return models.ForeignKey(
        null=null, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="assessment.round",
        verbose_name="年度考评",
    )


class Migration(migrations.Migration):

    dependencies = [
        ("assessment", "0009_parts"),
    ]

    operations = [
        migrations.AddField(model_name="review", name="round", field=round_field(True)),
        migrations.AddField(model_name="transition", name="round", field=round_field(True)),
        migrations.AddField(
            model_name="historicalreview", name="round",
            field=models.ForeignKey(
                blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+", to="assessment.round", verbose_name="年度考评",
            ),
        ),
        migrations.RunPython(fill_rounds, migrations.RunPython.noop),
        migrations.AlterField(model_name="review", name="round", field=round_field(False)),
        migrations.AlterField(model_name="transition", name="round", field=round_field(False)),
        migrations.AddIndex(
            model_name="transition",
            index=models.Index(fields=["round", "to_status", "at"], name="assessment__round_i_3fc860_idx"),
        ),
    ]
