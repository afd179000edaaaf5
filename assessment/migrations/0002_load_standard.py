"""Loads 附件1 (fixtures/rubric_2017.json) and 六合区's towns on a new database.

Running migrate again changes nothing: the loader skips a rubric that exists.
"""

from django.db import migrations


def load(apps, schema_editor):
    from assessment.standard import load_default_standard

    load_default_standard(apps=apps)


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
