import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def states_from_publication(apps, schema_editor):
    Round = apps.get_model("assessment", "Round")
    Round.objects.filter(results_published=True).update(state="published")


class Migration(migrations.Migration):
    dependencies = [("assessment", "0003_user_district")]

    operations = [
        # Rounds that existed before states were running rounds: open, or published.
        migrations.AddField(
            model_name="round", name="state",
            field=models.CharField(choices=[("preparing", "筹备"), ("open", "填报中"), ("reviewing", "评审中"), ("published", "已公布"), ("archived", "已归档"), ("voided", "作废")], default="open", editable=False, max_length=10, verbose_name="状态"),
        ),
        migrations.RunPython(states_from_publication, migrations.RunPython.noop),
        migrations.RemoveField(model_name="round", name="results_published"),
        migrations.AlterField(
            model_name="round", name="state",
            field=models.CharField(choices=[("preparing", "筹备"), ("open", "填报中"), ("reviewing", "评审中"), ("published", "已公布"), ("archived", "已归档"), ("voided", "作废")], default="preparing", editable=False, max_length=10, verbose_name="状态"),
        ),
        migrations.CreateModel(
            name="RoundTransition",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("from_state", models.CharField(blank=True, choices=[("preparing", "筹备"), ("open", "填报中"), ("reviewing", "评审中"), ("published", "已公布"), ("archived", "已归档"), ("voided", "作废")], max_length=10, verbose_name="原状态")),
                ("to_state", models.CharField(choices=[("preparing", "筹备"), ("open", "填报中"), ("reviewing", "评审中"), ("published", "已公布"), ("archived", "已归档"), ("voided", "作废")], max_length=10, verbose_name="新状态")),
                ("at", models.DateTimeField(auto_now_add=True, verbose_name="时间")),
                ("reason", models.TextField(blank=True, verbose_name="说明")),
                ("actor", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="操作人")),
                ("round", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="transitions", to="assessment.round", verbose_name="年度考评")),
            ],
            options={"verbose_name": "考评状态变更", "verbose_name_plural": "考评状态变更", "ordering": ["at", "id"]},
        ),
    ]
