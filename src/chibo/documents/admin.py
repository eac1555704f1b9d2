from django.contrib import admin

from .models import Document


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "issuer", "issued_on", "status", "version")
    list_filter = ("doc_type", "status")
    search_fields = ("number", "title")
    raw_id_fields = ("issuer", "created_by")
