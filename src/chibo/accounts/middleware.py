"""Puts the user's scope on the request and holds officials at the two-factor step."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode

from .access import requires_2fa, scope_for

SESSION_2FA_KEY = "chibo_2fa_verified"
OPEN_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/api/")


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        needs_second_factor = (
            user.is_authenticated
            and not request.session.get(SESSION_2FA_KEY)
            and requires_2fa(user)
        )
        # the API's session check reads the answer instead of asking again
        request.chibo_needs_2fa = needs_second_factor  # type: ignore[attr-defined]
        if needs_second_factor:
            # Until the second factor is given the user has no scope at all.
            request.scope = scope_for(None)  # type: ignore[attr-defined]
            if not request.path.startswith(OPEN_PREFIXES):
                return redirect(
                    f"{reverse('accounts:two_factor')}?{urlencode({'next': request.get_full_path()})}"
                )
        else:
            request.scope = SimpleLazyObject(lambda: scope_for(user))  # type: ignore[attr-defined]
        return self.get_response(request)
