"""Who is calling the API: a personal token or the browser session, and their scope.

A personal token (`Authorization: Bearer <secret>`, made on /accounts/tokens/) is a
credential of its own. It is accepted without a second factor even for a role that
requires one: the token could only be made from a session that had given the second
factor (accounts.views.second_factor_given). The browser session is accepted only once
the second factor is given where a role requires it. Routers never read `request.user`:
they take the scope of whoever authenticated from `request_scope`.
"""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from chibo.accounts.access import requires_2fa, scope_for
from chibo.accounts.middleware import SESSION_2FA_KEY
from chibo.accounts.services import token_authenticate
from chibo.core.scope import Scope


class InvalidToken(AuthenticationError):
    """A bearer token was sent and is unknown, revoked, or its user is inactive."""

    def __init__(self) -> None:
        super().__init__(401, str(_("The token is not valid or has been revoked.")))


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_authenticate(secret=token.strip())
        if user is None:
            # A bad token is refused outright, not passed on to the session check: the
            # caller meant to use it and must learn that it no longer works.
            raise InvalidToken
        return user


class SessionAuthWithSecondFactor(SessionAuth):
    """The browser session, but only once the second factor is given where a role requires it."""

    def authenticate(self, request: HttpRequest, key: str | None):  # type: ignore[no-untyped-def]
        user = super().authenticate(request, key)
        if not user:
            return user
        # the middleware has asked already for this request's user
        needs = getattr(request, "chibo_needs_2fa", None)
        if needs is None:
            needs = not request.session.get(SESSION_2FA_KEY) and requires_2fa(user)
        return None if needs else user


def request_scope(request: HttpRequest) -> Scope:
    """The scope of the user that authenticated this API request (token or session).
    A session's user already has it on the request (accounts.middleware): reused."""
    auth = getattr(request, "auth", None)
    if auth is not None and auth is getattr(request, "user", None) and hasattr(request, "scope"):
        return request.scope  # type: ignore[no-any-return]
    return scope_for(auth)
