"""Personal API tokens: the page, the services, and the token as an API credential.

(chibo.accounts: ApiToken, token_create / token_revoke / token_authenticate, tokens_view;
chibo.api.auth: TokenAuth.)
"""

import datetime as dt
import hashlib
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from chibo.accounts.middleware import SESSION_2FA_KEY
from chibo.accounts.models import ApiToken
from chibo.accounts.services import role_grant, token_create, token_revoke
from chibo.core.errors import PermissionDenied, RuleViolation
from chibo.core.models import AuditEntry

TOKENS_URL = "/accounts/tokens/"
TWO_FACTOR_URL = "/accounts/two-factor/"


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def revoke_url(token: ApiToken) -> str:
    return reverse("accounts:token_revoke", args=[token.pk])


@pytest.fixture
def alice_token(world):
    return token_create(actor=world.users["alice"], user=world.users["alice"], name="script")


# --- the page ----------------------------------------------------------------------------


def test_a_user_makes_a_token_and_sees_its_secret_once(client_for, world):
    alice = client_for("alice")

    response = alice.post(TOKENS_URL, {"name": "Báo cáo tự động"})

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    secret = response.context["secret"]
    assert secret.startswith("chibo_") and secret in response.content.decode()
    token = ApiToken.objects.get(user=world.users["alice"])
    assert token.name == "Báo cáo tự động" and token.is_active
    assert secret.startswith(token.prefix)
    # the next visit lists the token by its prefix, and the secret is gone for good
    page = alice.get(TOKENS_URL).content.decode()
    assert "Báo cáo tự động" in page and token.prefix in page
    assert secret not in page


def test_the_nav_links_to_the_tokens_page(client_for, world):
    assert f'href="{TOKENS_URL}"' in client_for("alice").get("/members/").content.decode()


def test_a_token_needs_a_name(client_for, world):
    response = client_for("alice").post(TOKENS_URL, {"name": "   "})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert not response.context["secret"]
    assert not ApiToken.objects.exists()


def test_the_page_lists_only_your_own_tokens(client_for, world, alice_token):
    token_create(actor=None, user=world.users["bob"], name="bob's tool")
    page = client_for("alice").get(TOKENS_URL)
    assert [t.name for t in page.context["tokens"]] == ["script"]
    assert "bob's tool" not in page.content.decode()


def test_a_user_revokes_her_token_with_a_post(client_for, world, alice_token):
    token, secret = alice_token
    alice = client_for("alice")
    assert alice.get(revoke_url(token)).status_code == 405

    response = alice.post(revoke_url(token))

    assert response.status_code == 302 and response["Location"] == TOKENS_URL
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert alice.get("/api/v1/orgs/", **bearer(secret)).status_code == 401
    assert alice.get("/api/v1/orgs/").status_code == 200  # her session still works
    assert "đã thu hồi" in alice.get(TOKENS_URL).content.decode()


def test_another_users_token_is_404_and_stays_active(client_for, world, alice_token):
    token, _secret = alice_token
    audit_before = AuditEntry.objects.count()
    for persona in ("bob", "olga", "charlie"):
        assert client_for(persona).post(revoke_url(token)).status_code == 404, persona
    token.refresh_from_db()
    assert token.is_active
    assert AuditEntry.objects.count() == audit_before


def test_an_unknown_token_id_is_404(client_for, world):
    assert client_for("alice").post("/accounts/tokens/99999999/revoke/").status_code == 404


# --- the second factor ---------------------------------------------------------------------


@pytest.fixture
def alice_needs_2fa(world):
    role_grant(
        actor=None, user=world.users["alice"], org=world.org("D1"), kind="clerk", require_2fa=True
    )
    return world.users["alice"]


def test_making_a_token_waits_for_the_second_factor(client, world, alice_needs_2fa):
    """The two-factor middleware leaves /accounts/ open; the tokens page holds on its own."""
    client.force_login(alice_needs_2fa)
    for response in (client.get(TOKENS_URL), client.post(TOKENS_URL, {"name": "x"})):
        assert response.status_code == 302
        assert urlsplit(response["Location"]).path == TWO_FACTOR_URL
    assert not ApiToken.objects.exists()
    # once the code is given, the page opens
    session = client.session
    session[SESSION_2FA_KEY] = True
    session.save()
    assert client.post(TOKENS_URL, {"name": "x"}).status_code == 200
    assert ApiToken.objects.filter(user=alice_needs_2fa).count() == 1


def test_a_token_works_where_the_unverified_session_does_not(client, world, alice_needs_2fa):
    """The decision: a token is a credential of its own, made behind the second factor."""
    _token, secret = token_create(actor=alice_needs_2fa, user=alice_needs_2fa, name="x")
    client.force_login(alice_needs_2fa)
    assert client.get("/api/v1/members/").status_code == 401
    response = client.get("/api/v1/members/", **bearer(secret))
    assert response.status_code == 200
    assert {m["member_id"] for m in response.json()["items"]} == {"M-MINH", "M-DUC", "M-LAN"}


# --- the token as a credential -------------------------------------------------------------


def test_a_token_reads_with_its_users_scope(client, world, alice_token):
    _token, secret = alice_token
    response = client.get("/api/v1/orgs/", **bearer(secret))
    assert response.status_code == 200
    assert [o["code"] for o in response.json()["items"]] == ["D1"]
    assert client.get("/api/v1/orgs/D2", **bearer(secret)).status_code == 404


def test_a_revoked_token_gets_401(client, world, alice_token):
    token, secret = alice_token
    token_revoke(actor=world.users["alice"], token=token)
    response = client.get("/api/v1/orgs/", **bearer(secret))
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"
    assert set(response.json()) == {"code", "message"}


@pytest.mark.parametrize(
    "header",
    [
        "Bearer chibo_not-a-real-token",
        "Bearer nothing-like-ours",
        "Bearer ",
        "Bearer " + "chibo_" + "x" * 5000,
    ],
)
def test_an_unknown_token_gets_401_json(client, world, header):
    response = client.get("/api/v1/members/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "unauthorized" and body["message"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_bad_token_is_not_rescued_by_the_session(client_for, world):
    alice = client_for("alice")
    assert alice.get("/api/v1/orgs/").status_code == 200
    assert alice.get("/api/v1/orgs/", **bearer("chibo_wrong")).status_code == 401


def test_no_credentials_get_401_json(client, world):
    response = client.get("/api/v1/orgs/")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


def test_a_deactivated_users_token_gets_401(client, world, alice_token):
    _token, secret = alice_token
    world.users["alice"].is_active = False
    world.users["alice"].save()
    assert client.get("/api/v1/orgs/", **bearer(secret)).status_code == 401


def test_last_use_is_written_at_most_once_a_minute(client, world, alice_token):
    token, secret = alice_token
    assert token.last_used_at is None
    client.get("/api/v1/orgs/", **bearer(secret))
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    client.get("/api/v1/orgs/", **bearer(secret))
    token.refresh_from_db()
    assert token.last_used_at == first
    # a minute later the next use is recorded
    earlier = timezone.now() - dt.timedelta(seconds=61)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=earlier)
    client.get("/api/v1/orgs/", **bearer(secret))
    token.refresh_from_db()
    assert token.last_used_at > earlier + dt.timedelta(seconds=60)


# --- the services --------------------------------------------------------------------------


def test_the_secret_is_stored_only_as_its_hash(world, alice_token):
    token, secret = alice_token
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert secret not in str(row)
    assert row["secret_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert len(row["prefix"]) < len(secret) // 3


def test_every_token_has_its_own_secret(world):
    secrets = {token_create(actor=None, user=world.users["alice"], name="x")[1] for _ in range(5)}
    assert len(secrets) == 5


def test_making_and_revoking_are_audited_without_the_secret(world):
    alice = world.users["alice"]
    token, secret = token_create(actor=alice, user=alice, name="script")
    created = AuditEntry.objects.get(action="token.create", object_id=str(token.pk))
    assert created.actor == alice
    assert created.changes == {"user": "alice", "name": "script", "prefix": token.prefix}

    token_revoke(actor=alice, token=token)
    token_revoke(actor=alice, token=token)  # a second revocation changes nothing

    revoked = AuditEntry.objects.filter(action="token.revoke", object_id=str(token.pk))
    assert revoked.count() == 1 and revoked.get().actor == alice
    entries = AuditEntry.objects.filter(object_type="accounts.apitoken")
    assert all(secret not in str(e.changes) + e.object_label for e in entries)


def test_nobody_makes_a_token_for_someone_else(world):
    with pytest.raises(PermissionDenied):
        token_create(actor=world.users["olga"], user=world.users["alice"], name="x")
    assert not ApiToken.objects.exists()


def test_an_empty_name_is_a_rule_violation(world):
    with pytest.raises(RuleViolation):
        token_create(actor=None, user=world.users["alice"], name=" \t ")


def test_only_the_owner_an_admin_or_the_system_revokes(world, alice_token):
    token, _secret = alice_token
    with pytest.raises(PermissionDenied):
        token_revoke(actor=world.users["bob"], token=token)
    token.refresh_from_db()
    assert token.is_active
    admin = world.users["charlie"]
    admin.is_superuser = True
    admin.save()
    assert token_revoke(actor=admin, token=token).revoked_at is not None
