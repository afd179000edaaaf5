from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("assessment", "0005_preventable_cases")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="phone",
            field=models.CharField(blank=True, max_length=20, verbose_name="手机"),
        ),
    ]
