"""Users, roles, login protection and TOTP (chibo.accounts.services)."""

import datetime as dt

import pyotp
import pytest
from django.utils import timezone

from chibo.accounts.models import LoginFailure, Role, User
from chibo.accounts.services import (
    login_failed,
    login_is_locked,
    login_succeeded,
    role_grant,
    totp_begin,
    totp_uri,
    totp_verify,
    user_create,
)
from chibo.core.errors import RuleViolation
from chibo.core.models import AuditEntry


def wrong_code(secret: str) -> str:
    """A six-digit code that is valid in no window around now."""
    totp = pyotp.TOTP(secret)
    now = timezone.now()
    valid = {totp.at(now + dt.timedelta(seconds=s)) for s in (-60, -30, 0, 30, 60)}
    return next(c for c in (f"{n:06d}" for n in range(1_000_000)) if c not in valid)


def test_it_creates_a_user_with_a_hashed_password_and_an_audit_row(world):
    user = user_create(actor=world.users["olga"], username="dana", password="s3cret pass")
    assert user.check_password("s3cret pass")
    assert user.password != "s3cret pass"
    entry = AuditEntry.objects.get(action="user.create", object_id=str(user.pk))
    assert entry.actor == world.users["olga"]
    assert entry.changes == {"username": "dana"}


def test_it_refuses_a_taken_user_name(world):
    before = (User.objects.count(), AuditEntry.objects.count())
    with pytest.raises(RuleViolation) as exc:
        user_create(actor=None, username="alice", password="x")
    assert exc.value.field == "username"
    assert (User.objects.count(), AuditEntry.objects.count()) == before


def test_granting_a_role_twice_updates_it_instead_of_duplicating(world):
    alice, c3 = world.users["alice"], world.org("C3")
    role_grant(actor=None, user=alice, org=c3, kind=Role.Kind.SECRETARY)
    role = role_grant(actor=None, user=alice, org=c3, kind=Role.Kind.SECRETARY, require_2fa=True)
    assert Role.objects.filter(user=alice, org=c3).count() == 1
    assert role.require_2fa
    entries = AuditEntry.objects.filter(action="role.grant", org_id=c3.pk)
    assert entries.count() == 2
    assert entries.first().changes == {"user": "alice", "kind": "secretary", "require_2fa": True}


# --- login protection ------------------------------------------------------------------


def test_it_locks_a_user_name_after_the_limit_of_failures(db, settings):
    settings.LOGIN_FAILURE_LIMIT = 5
    for _ in range(4):
        login_failed(username="alice", ip="10.0.0.1")
    assert not login_is_locked(username="alice", ip="10.0.0.9")
    login_failed(username="Alice", ip="10.0.0.2")  # names are compared case-insensitively
    assert login_is_locked(username="alice", ip="10.0.0.9")
    assert login_is_locked(username="ALICE", ip="10.0.0.9")
    assert not login_is_locked(username="bob", ip="10.0.0.9")


def test_it_locks_an_address_after_four_times_the_limit(db, settings):
    settings.LOGIN_FAILURE_LIMIT = 5
    for i in range(19):
        login_failed(username=f"user{i}", ip="10.0.0.7")
    assert not login_is_locked(username="someone", ip="10.0.0.7")
    login_failed(username="user19", ip="10.0.0.7")
    assert login_is_locked(username="someone", ip="10.0.0.7")
    assert not login_is_locked(username="someone", ip="10.0.0.8")


def test_failures_older_than_the_window_do_not_count(db, settings):
    for _ in range(5):
        login_failed(username="alice", ip="10.0.0.1")
    assert login_is_locked(username="alice", ip="10.0.0.1")
    LoginFailure.objects.update(
        at=timezone.now() - dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS + 1)
    )
    assert not login_is_locked(username="alice", ip="10.0.0.1")


def test_failures_older_than_a_day_are_forgotten(db):
    login_failed(username="alice", ip="10.0.0.1")
    LoginFailure.objects.update(at=timezone.now() - dt.timedelta(days=2))
    login_failed(username="bob", ip="10.0.0.1")
    assert list(LoginFailure.objects.values_list("username", flat=True)) == ["bob"]


def test_a_successful_login_clears_the_user_names_failures(db):
    for _ in range(3):
        login_failed(username="alice", ip="10.0.0.1")
    login_failed(username="bob", ip="10.0.0.1")
    login_succeeded(username="ALICE")
    assert list(LoginFailure.objects.values_list("username", flat=True)) == ["bob"]


# --- TOTP ------------------------------------------------------------------------------


def test_totp_begin_makes_a_secret_once_and_keeps_it_while_pending(world):
    # given a user without a device
    alice = world.users["alice"]
    # when the two-factor page asks for a secret twice (showing it, then checking a code)
    first = totp_begin(user=alice)
    second = totp_begin(user=alice)
    # then it is the same secret, so the code from the app verifies
    assert first == second
    assert len(first) >= 16
    alice.refresh_from_db()
    assert alice.totp_secret == first
    assert totp_uri(alice).startswith("otpauth://totp/Chibo:alice?secret=" + first)
    assert totp_verify(user=alice, code=pyotp.TOTP(first).now())
    assert totp_begin(user=alice) == first


def test_a_good_code_confirms_the_device_once_with_an_audit_row(world):
    alice = world.users["alice"]
    secret = totp_begin(user=alice)
    code = pyotp.TOTP(secret).now()
    assert totp_verify(user=alice, code=f" {code[:3]} {code[3:]} ")
    alice.refresh_from_db()
    assert alice.totp_confirmed
    assert totp_verify(user=alice, code=code)
    assert AuditEntry.objects.filter(action="user.totp_confirm").count() == 1


def test_a_wrong_code_is_refused_and_confirms_nothing(world):
    alice = world.users["alice"]
    secret = totp_begin(user=alice)
    assert not totp_verify(user=alice, code=wrong_code(secret))
    assert not totp_verify(user=alice, code="")
    alice.refresh_from_db()
    assert not alice.totp_confirmed
    assert not AuditEntry.objects.filter(action="user.totp_confirm").exists()


def test_no_code_is_good_without_a_secret(world):
    assert not totp_verify(user=world.users["bob"], code="123456")
