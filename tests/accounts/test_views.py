"""Login with rate limiting, the two-factor step, and Argon2 (chibo.accounts.views)."""

import datetime as dt
from urllib.parse import urlsplit

import pyotp
import pytest
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.utils import timezone

from chibo.accounts.middleware import SESSION_2FA_KEY
from chibo.accounts.models import LoginFailure
from chibo.accounts.services import role_grant
from chibo.settings import base

LOGIN_URL = "/accounts/login/"
TWO_FACTOR_URL = "/accounts/two-factor/"
PASSWORD = "correct horse battery"  # the personas' password (tests/conftest.py)


def held_at_two_factor(response) -> bool:
    return response.status_code == 302 and urlsplit(response["Location"]).path == TWO_FACTOR_URL


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def post_login(client, username: str, password: str, **extra):
    return client.post(LOGIN_URL, {"username": username, "password": password, **extra})


def test_a_correct_password_logs_in_and_redirects(client, world):
    response = post_login(client, "alice", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert logged_in(client)


def test_it_follows_a_local_next_url_but_not_a_foreign_one(client, world):
    response = post_login(client, "alice", PASSWORD, next="/members/")
    assert response["Location"] == "/members/"
    client.logout()
    response = post_login(client, "alice", PASSWORD, next="https://evil.example/")
    assert response["Location"] == "/"


def test_a_wrong_password_is_refused_and_counted(client, world):
    response = post_login(client, "alice", "wrong")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not logged_in(client)
    assert LoginFailure.objects.filter(username="alice").count() == 1


def test_five_failures_lock_the_user_name_even_for_the_right_password(client, world, settings):
    # given five wrong passwords for alice
    assert settings.LOGIN_FAILURE_LIMIT == 5
    for _ in range(5):
        assert post_login(client, "alice", "wrong").status_code == 200
    # when the right password comes next
    response = post_login(client, "alice", PASSWORD)
    # then it is refused while the lock lasts, and not counted as another failure
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not logged_in(client)
    assert LoginFailure.objects.filter(username="alice").count() == 5


def test_the_lock_is_per_user_name(client, world):
    for _ in range(5):
        post_login(client, "alice", "wrong")
    assert post_login(client, "bob", PASSWORD).status_code == 302
    assert logged_in(client)


def test_the_lock_matches_the_user_name_in_any_case(client, world):
    for _ in range(5):
        post_login(client, "ALICE", "wrong")
    response = post_login(client, "alice", PASSWORD)
    assert response.status_code == 200
    assert not logged_in(client)


def test_the_lock_ends_with_the_window(client, world, settings):
    for _ in range(5):
        post_login(client, "alice", "wrong")
    LoginFailure.objects.update(
        at=timezone.now() - dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS + 1)
    )
    assert post_login(client, "alice", PASSWORD).status_code == 302
    assert logged_in(client)
    # and a successful login clears the failures
    assert not LoginFailure.objects.filter(username="alice").exists()


def test_logout_needs_a_post(client_for):
    client = client_for("alice")
    assert client.get("/accounts/logout/").status_code == 405
    assert logged_in(client)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert not logged_in(client)


# --- two-factor ------------------------------------------------------------------------


@pytest.fixture
def alice_needs_2fa(world):
    role_grant(
        actor=None, user=world.users["alice"], org=world.org("D1"), kind="clerk", require_2fa=True
    )
    return world.users["alice"]


def pages(world) -> list[str]:
    d1, duc = world.org("D1"), world.members["duc"]
    return ["/", "/orgs/", f"/orgs/{d1.pk}/", "/members/", f"/members/{duc.pk}/", "/audit/"]


def test_a_role_with_2fa_holds_every_page_at_the_two_factor_step(client, world, alice_needs_2fa):
    client.force_login(alice_needs_2fa)
    for url in pages(world):
        assert held_at_two_factor(client.get(url)), url


def test_a_password_login_with_2fa_goes_to_the_two_factor_step(client, world, alice_needs_2fa):
    response = post_login(client, "alice", PASSWORD)
    assert response.status_code == 302
    assert held_at_two_factor(client.get(response["Location"]))


def test_a_wrong_code_is_refused_and_the_pages_stay_closed(client, world, alice_needs_2fa):
    client.force_login(alice_needs_2fa)
    assert client.get(TWO_FACTOR_URL).status_code == 200
    alice_needs_2fa.refresh_from_db()
    secret = alice_needs_2fa.totp_secret
    assert secret
    totp = pyotp.TOTP(secret)
    now = timezone.now()
    valid = {totp.at(now + dt.timedelta(seconds=s)) for s in (-60, -30, 0, 30, 60)}
    wrong = next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)

    response = client.post(TWO_FACTOR_URL, {"code": wrong})

    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert not client.session.get(SESSION_2FA_KEY)
    assert held_at_two_factor(client.get("/orgs/"))


def test_a_valid_code_opens_the_pages(client, world, alice_needs_2fa):
    # given alice at the two-factor step, setting up her device
    client.force_login(alice_needs_2fa)
    response = client.get(TWO_FACTOR_URL)
    secret = response.context["secret"]
    # when she posts the code her app shows
    response = client.post(TWO_FACTOR_URL, {"code": pyotp.TOTP(secret).now()})
    # then she goes on and every page opens
    assert response.status_code == 302
    assert client.session.get(SESSION_2FA_KEY)
    alice_needs_2fa.refresh_from_db()
    assert alice_needs_2fa.totp_confirmed
    for url in pages(world)[1:]:
        assert client.get(url).status_code == 200, url


def test_after_the_code_the_user_goes_back_to_the_page_they_asked_for(
    client, world, alice_needs_2fa
):
    client.force_login(alice_needs_2fa)
    held = client.get("/members/")
    assert held_at_two_factor(held)
    secret = client.get(held["Location"]).context["secret"]
    response = client.post(held["Location"], {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    assert response["Location"] == "/members/"


def test_users_without_a_2fa_role_are_not_held(client_for, world):
    client = client_for("bob")
    assert client.get("/orgs/").status_code == 200


def test_the_two_factor_page_needs_a_login(client, db):
    response = client.get(TWO_FACTOR_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


# --- password hashing ------------------------------------------------------------------


def test_the_base_settings_hash_with_argon2_first(settings):
    # given the production hashers (the test settings swap in a fast one)
    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    # when a password is hashed
    encoded = make_password(PASSWORD)
    # then it is an Argon2 hash that verifies
    assert encoded.startswith("argon2$")
    assert identify_hasher(encoded).algorithm == "argon2"
    assert check_password(PASSWORD, encoded)
    assert not check_password("wrong", encoded)


def test_older_pbkdf2_hashes_still_verify_under_the_base_settings(settings):
    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    old = make_password(PASSWORD, hasher="pbkdf2_sha256")
    assert check_password(PASSWORD, old)
