# The unit counts (`units:<kind>` rows of OrgPeriodStat), derived from the tree, so the
# summary counts a subtree's units from the unit's own rows; metric names up to 32 characters.

from django.db import migrations, models


def derive_unit_counts(apps, schema_editor):
    from chibo.members.stats import units_derive

    units_derive()


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0007_opening_balances'),
    ]

    operations = [
        migrations.AlterField(
            model_name='orgperiodstat',
            name='metric',
            field=models.CharField(max_length=32),
        ),
        migrations.RunPython(derive_unit_counts, migrations.RunPython.noop, elidable=True),
    ]
