from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Role, User


class RoleInline(admin.TabularInline):
    model = Role
    extra = 0
    raw_id_fields = ["org"]


@admin.register(User)
class ChiboUserAdmin(UserAdmin):
    inlines = [RoleInline]
