"""The REST API (django-ninja): OpenAPI at /api/v1/docs and /api/v1/openapi.json."""

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import SessionAuth

from chibo.accounts.access import requires_2fa
from chibo.accounts.middleware import SESSION_2FA_KEY
from chibo.core.errors import DomainError

from .routers import members_router, orgs_router


class SessionAuthWithSecondFactor(SessionAuth):
    """The browser session, but only once the second factor is given where a role requires it."""

    def authenticate(self, request: HttpRequest, key: str | None):  # type: ignore[no-untyped-def]
        user = super().authenticate(request, key)
        if user and not request.session.get(SESSION_2FA_KEY) and requires_2fa(user):
            return None
        return user


api = NinjaAPI(
    title="Chibo API", version="1", auth=SessionAuthWithSecondFactor(), urls_namespace="api"
)
api.add_router("/orgs", orgs_router)
api.add_router("/members", members_router)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(
        request, {"code": exc.code, "message": str(exc.message)}, status=exc.status
    )


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    from django.utils.translation import gettext as _

    return api.create_response(
        request, {"code": "not_found", "message": _("Not found.")}, status=404
    )
