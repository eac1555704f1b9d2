"""Login with rate limiting, the two-factor step, logout, the audit trail, API tokens."""

from collections.abc import Callable
from functools import wraps

import segno
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chibo.core.errors import DomainError

from . import services
from .access import requires_2fa
from .forms import LoginForm, TokenForm, TotpForm
from .middleware import SESSION_2FA_KEY
from .selectors import audit_list, token_get, token_list


def _client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username, ip = form.cleaned_data["username"], _client_ip(request)
        if services.login_is_locked(username=username, ip=ip):
            form.add_error(None, _("Too many failed attempts. Wait 15 minutes and try again."))
        else:
            user = authenticate(request, username=username, password=form.cleaned_data["password"])
            if user is None:
                services.login_failed(username=username, ip=ip)
                form.add_error(None, _("Wrong user name or password."))
            else:
                services.login_succeeded(username=username)
                login(request, user)
                return redirect(_next_url(request))
    return render(request, "accounts/login.html", {"form": form, "next": _next_url(request)})


@login_required
def two_factor_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    setup = not user.totp_confirmed  # type: ignore[union-attr]
    if setup:
        services.totp_begin(user=user)  # type: ignore[arg-type]
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.totp_verify(user=user, code=form.cleaned_data["code"]):  # type: ignore[arg-type]
            request.session[SESSION_2FA_KEY] = True
            return redirect(_next_url(request))
        form.add_error("code", _("The code is not right. Check your device's clock and try again."))
    context = {"form": form, "setup": setup}
    if setup:
        uri = services.totp_uri(user)  # type: ignore[arg-type]
        context |= {"secret": user.totp_secret, "qr_svg": segno.make(uri).svg_inline(scale=4)}  # type: ignore[union-attr]
    return render(request, "accounts/two_factor.html", context)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:login")


@login_required
def audit_view(request: HttpRequest) -> HttpResponse:
    entries = audit_list(scope=request.scope, action=request.GET.get("action", ""))  # type: ignore[attr-defined]
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(
        request, "accounts/audit.html", {"page": page, "action": request.GET.get("action", "")}
    )


# --- Personal API tokens -----------------------------------------------------------------


def second_factor_given(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Hold a user whose role requires two-factor login at the two-factor step.

    The two-factor middleware leaves every /accounts/ page open (login and the two-factor
    step live there); a token outlives the session, so making one must wait for the code.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not request.session.get(SESSION_2FA_KEY) and requires_2fa(request.user):
            query = urlencode({"next": reverse("accounts:tokens")})
            return redirect(f"{reverse('accounts:two_factor')}?{query}")
        return view(request, *args, **kwargs)

    return wrapper


@login_required
@second_factor_given
def tokens_view(request: HttpRequest) -> HttpResponse:
    """Your API tokens; a posted name makes a new one and shows its secret, once."""
    form = TokenForm(request.POST or None)
    secret = ""
    if request.method == "POST" and form.is_valid():
        try:
            _token, secret = services.token_create(
                actor=request.user,
                user=request.user,  # type: ignore[arg-type]
                name=form.cleaned_data["name"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        else:
            form = TokenForm()
    response = render(
        request,
        "accounts/tokens.html",
        {"form": form, "secret": secret, "tokens": token_list(user=request.user)},
    )
    # The page may hold a secret: no cache may keep it.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
@second_factor_given
def token_revoke_view(request: HttpRequest, token_id: int) -> HttpResponse:
    token = token_get(user=request.user, token_id=token_id)
    services.token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token %(name)s is revoked.") % {"name": token.name})
    return redirect("accounts:tokens")
