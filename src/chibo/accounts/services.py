"""Accounts: users, roles, login protection and two-factor (TOTP)."""

import datetime as dt
import hashlib
import secrets
from typing import Any

import pyotp
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chibo.core.audit import audit_record
from chibo.core.errors import PermissionDenied, RuleViolation
from chibo.orgs.models import Organization

from .models import ApiToken, LoginFailure, Role, User


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> User:
    if User.objects.filter(username=username).exists():
        raise RuleViolation(_("This user name is taken."), field="username")
    user = User.objects.create_user(
        username=username,
        password=password,
        first_name=first_name,
        last_name=last_name,
        email=email,
    )
    audit_record(actor=actor, action="user.create", obj=user, changes={"username": username})
    return user


@transaction.atomic
def role_grant(
    *, actor: Any, user: User, org: Organization, kind: str, require_2fa: bool = False
) -> Role:
    role, _created = Role.objects.update_or_create(
        user=user, org=org, kind=kind, defaults={"require_2fa": require_2fa}
    )
    audit_record(
        actor=actor,
        action="role.grant",
        obj=role,
        org_id=org.pk,
        changes={"user": user.username, "kind": kind, "require_2fa": require_2fa},
    )
    return role


def _window_start() -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def login_is_locked(*, username: str, ip: str) -> bool:
    """Too many recent failures for this user name, or from this address."""
    since = _window_start()
    limit = settings.LOGIN_FAILURE_LIMIT
    by_name = LoginFailure.objects.filter(username=username.lower(), at__gte=since).count()
    by_ip = LoginFailure.objects.filter(ip=ip, at__gte=since).count()
    return by_name >= limit or by_ip >= limit * 4


def login_failed(*, username: str, ip: str) -> None:
    LoginFailure.objects.create(username=username.lower()[:150], ip=ip[:64])
    LoginFailure.objects.filter(at__lt=timezone.now() - dt.timedelta(days=1)).delete()


def login_succeeded(*, username: str) -> None:
    LoginFailure.objects.filter(username=username.lower()).delete()


@transaction.atomic
def totp_begin(*, user: User) -> str:
    """The secret for the user to put in their authenticator app.

    A fresh one is made only when there is none yet: the pending secret must survive
    between showing the QR code and posting the first code (the two-factor page calls
    this on every request until the device is confirmed).
    """
    if user.totp_confirmed or user.totp_secret:
        return user.totp_secret
    user.totp_secret = pyotp.random_base32()
    user.save(update_fields=["totp_secret"])
    return user.totp_secret


def totp_uri(user: User) -> str:
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.username, issuer_name="Chibo")


@transaction.atomic
def totp_verify(*, user: User, code: str) -> bool:
    """Check a code; the first good one confirms the device. Audited."""
    if not user.totp_secret:
        return False
    ok = pyotp.TOTP(user.totp_secret).verify((code or "").strip().replace(" ", ""), valid_window=1)
    if ok and not user.totp_confirmed:
        user.totp_confirmed = True
        user.save(update_fields=["totp_confirmed"])
        audit_record(actor=user, action="user.totp_confirm", obj=user)
    return ok


# --- Personal API tokens -----------------------------------------------------------------

# Every secret starts with the mark, so a leaked one is easy to recognise (not a password).
TOKEN_MARK = "chibo_"  # noqa: S105
TOKEN_PREFIX_LENGTH = 12  # the mark and six characters: enough to tell tokens apart
TOKEN_USE_RESOLUTION = dt.timedelta(minutes=1)  # last_used_at is written at most this often


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(*, actor: Any, user: User, name: str) -> tuple[ApiToken, str]:
    """Make a token for `user` and return it with its secret, which is never shown again.

    Only the user themself (or the system, actor None) may make a user's token: whoever
    made it would hold the secret. Raises RuleViolation for an empty name.
    """
    if actor is not None and actor.pk != user.pk:
        raise PermissionDenied(_("You may only make tokens for yourself."))
    name = " ".join(name.split())
    if not name:
        raise RuleViolation(_("Give the token a name."), field="name")
    secret = TOKEN_MARK + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=secret[:TOKEN_PREFIX_LENGTH],
        secret_hash=token_hash(secret),
    )
    audit_record(
        actor=actor,
        action="token.create",
        obj=token,
        changes={"user": user.username, "name": token.name, "prefix": token.prefix},
    )
    return token, secret


@transaction.atomic
def token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    """Revoke a token from now on; revoking a revoked token changes nothing.

    The owner, an administrator (superuser) or the system may revoke a token.
    """
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    may = actor is None or actor.pk == token.user_id or getattr(actor, "is_superuser", False)
    if not may:
        raise PermissionDenied(_("You may only revoke your own tokens."))
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        action="token.revoke",
        obj=token,
        changes={"revoked_at": [None, token.revoked_at]},
    )
    return token


def token_authenticate(*, secret: str) -> User | None:
    """The active user that a live token's secret belongs to, or None.

    Records the use, at most once a minute per token (a write on every call would make
    each API read a write).
    """
    if not secret.startswith(TOKEN_MARK) or len(secret) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(secret_hash=token_hash(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_USE_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
