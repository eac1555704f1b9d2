# Yearly opening balances of the stocks (OrgOpeningBalance), derived from the daily rows;
# and OrgPeriodStat's unique index made covering (INCLUDE value) in place of the org_id index.

import django.db.models.deletion
from django.db import migrations, models

import chibo.core.db


def derive_balances(apps, schema_editor):
    from chibo.members.stats import balances_derive

    balances_derive(using=schema_editor.connection.alias)


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0006_member_cover_indexes'),
        ('orgs', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='OrgOpeningBalance',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.SmallIntegerField()),
                ('live', models.IntegerField(default=0)),
                ('official', models.IntegerField(default=0)),
                ('probationary', models.IntegerField(default=0)),
                ('org', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='orgs.organization')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('org', 'year'), name='orgopeningbalance_unique')],
            },
        ),
        migrations.RemoveConstraint(
            model_name='orgperiodstat',
            name='orgperiodstat_unique',
        ),
        migrations.AlterField(
            model_name='orgperiodstat',
            name='org',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='orgs.organization'),
        ),
        migrations.AddConstraint(
            model_name='orgperiodstat',
            constraint=chibo.core.db.CoveringUniqueConstraint(fields=('org', 'metric', 'day'), include=('value',), name='orgperiodstat_unique'),
        ),
        migrations.RunPython(derive_balances, migrations.RunPython.noop, elidable=True),
    ]
