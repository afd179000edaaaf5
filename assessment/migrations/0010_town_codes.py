import json

import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def fill_codes(apps, schema_editor):
    """Give the towns already loaded the 行政区划代码 the fixture now carries (in the 12-digit 统计用区划代码 form;
    where they come from is the fixture's `town_codes_source`); towns the fixture does not name keep an empty code."""
    Town = apps.get_model("assessment", "Town")
    with open(settings.BASE_DIR / "fixtures" / "rubric_2017.json", encoding="utf-8") as handle:
        towns = json.load(handle).get("towns", [])
    for town in towns:
        if town.get("code"):
            Town.objects.filter(name=town["name"], code="").update(code=town["code"])


class Migration(migrations.Migration):

    dependencies = [
        ("assessment", "0009_parts"),
    ]

    operations = [
        migrations.AddField(
            model_name="town",
            name="code",
            field=models.CharField(blank=True, help_text="国家统计局统计用区划代码，12 位", max_length=12,
                                   verbose_name="行政区划代码"),
        ),
        migrations.AddField(
            model_name="town",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now, verbose_name="更新时间"),
            preserve_default=False,
        ),
        migrations.RunPython(fill_codes, migrations.RunPython.noop),
    ]
