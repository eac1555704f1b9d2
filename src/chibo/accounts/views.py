"""Login with rate limiting, the two-factor step, logout, and the audit trail."""

import segno
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .forms import LoginForm, TotpForm
from .middleware import SESSION_2FA_KEY
from .selectors import audit_list


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
