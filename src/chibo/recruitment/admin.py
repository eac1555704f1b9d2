"""What the administrator configures: each province's range of party card numbers, and
(read-only in practice) the awareness classes."""

from django.contrib import admin

from .models import AwarenessClass, CardRange


@admin.register(CardRange)
class CardRangeAdmin(admin.ModelAdmin):
    list_display = ("province", "prefix", "next_number", "last_number")
    raw_id_fields = ("province",)


@admin.register(AwarenessClass)
class AwarenessClassAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "org", "ended_on")
    search_fields = ("code", "name")
    raw_id_fields = ("org",)
