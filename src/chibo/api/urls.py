"""The REST API (django-ninja): OpenAPI at /api/v1/docs and /api/v1/openapi.json.

Callers authenticate with a personal token or the browser session (see `auth`). Each area
has its router module; register new ones here.
"""

from ninja import NinjaAPI

from .auth import SessionAuthWithSecondFactor, TokenAuth
from .errors import install_error_handlers
from .handbook import handbook_router
from .reports import reports_router
from .routers import events_router, members_router, orgs_router

api = NinjaAPI(
    title="Chibo API",
    version="1",
    description=(
        "Read access to units, members and their history within your scope. Authenticate "
        "with a personal token (`Authorization: Bearer …`, made on /accounts/tokens/) or "
        "the browser session. Errors are JSON: `code`, `message` (and `errors` for 422)."
    ),
    auth=[TokenAuth(), SessionAuthWithSecondFactor()],
    urls_namespace="api",
)
install_error_handlers(api)
api.add_router("/orgs", orgs_router)
api.add_router("/members", members_router)
api.add_router("/events", events_router)
api.add_router("/reports", reports_router)
api.add_router("/handbook", handbook_router)

__all__ = ["SessionAuthWithSecondFactor", "TokenAuth", "api"]
