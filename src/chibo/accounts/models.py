"""Users and their roles. A role binds a user to a unit: that unit's subtree is their scope."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from chibo.orgs.models import Organization


class User(AbstractUser):
    totp_secret = models.CharField(max_length=64, blank=True)
    totp_confirmed = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


class Role(models.Model):
    class Kind(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        OFFICER = "officer", _("Organization-commission officer")
        CLERK = "clerk", _("Committee clerk")
        SECRETARY = "secretary", _("Cell secretary")

    # Roles that keep records (members, events, the tree) in their subtree.
    WRITING_KINDS = {Kind.ADMIN, Kind.OFFICER, Kind.CLERK}

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="roles")
    kind = models.CharField(_("role"), max_length=16, choices=Kind.choices)
    require_2fa = models.BooleanField(_("requires two-factor login"), default=False)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "org", "kind"], name="role_unique_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind} {self.org}"


class LoginFailure(models.Model):
    """One failed login; recent ones lock the user name and the address for a while."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.username}@{self.ip} {self.at}"
