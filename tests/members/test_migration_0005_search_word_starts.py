"""Migration members 0005: search_name recomputed as the folded name after a space."""

from importlib import import_module
from types import SimpleNamespace

from django.apps import apps
from django.db import connection

from chibo.core.text import fold, search_key
from chibo.members.models import Member

migration = import_module("chibo.members.migrations.0005_search_word_starts")


def test_it_recomputes_every_search_name(world, monkeypatch):
    # given rows as they were stored before (folded, no leading space) and one stale row
    for member in Member.objects.all():
        Member.objects.filter(pk=member.pk).update(search_name=fold(member.full_name))
    Member.objects.filter(pk=world.members["hai"].pk).update(search_name="stale")
    monkeypatch.setattr(migration, "BATCH", 3)  # several batches
    # when the data step runs
    migration.recompute_search_names(apps, SimpleNamespace(connection=connection))
    # then every row holds the search key of its name
    for member in Member.objects.all():
        assert member.search_name == search_key(member.full_name), member.full_name


def test_its_reverse_restores_the_old_form(world):
    migration.restore_search_names(apps, SimpleNamespace(connection=connection))
    assert Member.objects.get(pk=world.members["duc"].pk).search_name == "nguyen van duc"
