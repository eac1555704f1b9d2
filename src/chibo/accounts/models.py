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


class ApiToken(models.Model):
    """A personal token for the REST API (`Authorization: Bearer <secret>`).

    Only a SHA-256 hash of the secret is kept: the secret is shown once, when the token is
    made, and cannot be recovered. The prefix (the secret's first characters) lets the user
    tell their tokens apart. A revoked token is kept, so the audit trail still names it.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16)
    secret_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
