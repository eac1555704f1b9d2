"""Every API error is JSON: {"code": …, "message": …} (a 422 adds "errors"), never HTML.

The messages are in the caller's language: the language cookie if set, else the
Accept-Language header (programs have no cookie), else Vietnamese (`speak_the_callers_language`).
"""

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from chibo.core.errors import DomainError

logger = logging.getLogger("chibo.api")


class ErrorOut(Schema):
    code: str
    message: str


class FieldErrorOut(Schema):
    loc: list[str | int]
    type: str
    message: str


class InvalidOut(Schema):
    code: str
    message: str
    errors: list[FieldErrorOut]


# The responses every route may give besides its own 200.
ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 404: ErrorOut, 422: InvalidOut}
# …and a route that reads a JSON body also says when the body is not JSON at all.
BODY_ERRORS: dict[int, type[Schema]] = {400: ErrorOut, **ERRORS}

HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "permission_denied",
    404: "not_found",
    429: "throttled",
}


def _field_message(error: dict[str, Any]) -> str:
    """pydantic's reason for one bad parameter, in the user's language where we know it."""
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind in {"int_parsing", "int_from_float", "int_type"}:
        return _("Enter a whole number.")
    if kind.startswith("date"):
        return _("Enter a date as YYYY-MM-DD.")
    if kind in {"greater_than_equal", "greater_than"}:
        return _("The smallest allowed value is %(limit)s.") % {
            "limit": ctx.get("ge", ctx.get("gt"))
        }
    if kind in {"less_than_equal", "less_than"}:
        return _("The largest allowed value is %(limit)s.") % {
            "limit": ctx.get("le", ctx.get("lt"))
        }
    if kind == "enum":
        expected = str(ctx.get("expected", "")).replace(" or ", ", ")
        return _("Choose one of: %(choices)s.") % {"choices": expected}
    if kind == "string_too_long":
        return _("Enter at most %(limit)s characters.") % {"limit": ctx.get("max_length")}
    if kind == "string_pattern_mismatch":
        return _("This value holds characters that are not allowed.")
    if kind == "missing":
        return _("This parameter is required.")
    return str(error.get("msg", _("This value is not valid.")))


def _loc(error: dict[str, Any]) -> list[str | int]:
    return [part if isinstance(part, int) else str(part) for part in error.get("loc", ())]


def speak_the_callers_language(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Around each API call (auth and validation included): pick the caller's language.

    The web UI ignores Accept-Language on purpose (chibo.core.middleware); an API client
    has no language cookie, so here the header counts.
    """

    @wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        translation.activate(translation.get_language_from_request(request))
        request.LANGUAGE_CODE = translation.get_language()
        return run(request, *args, **kwargs)

    return wrapper


def install_error_handlers(api: NinjaAPI) -> None:
    api.add_decorator(speak_the_callers_language, mode="view")

    def respond(request: HttpRequest, status: int, code: str, message: str, **extra: Any):  # type: ignore[no-untyped-def]
        return api.create_response(
            request, {"code": code, "message": message, **extra}, status=status
        )

    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return respond(request, exc.status, exc.code, str(exc.message))

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, 404, "not_found", _("Not found."))

    @api.exception_handler(AuthenticationError)
    def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        message = exc.message
        if message == "Unauthorized":  # ninja's own, untranslated default
            message = _(
                "Log in, or send a personal API token in the header “Authorization: Bearer …”."
            )
        response = respond(request, 401, "unauthorized", message)
        response["WWW-Authenticate"] = 'Bearer realm="chibo"'
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        message = str(exc)
        if exc.status_code == 400 and message.startswith("Cannot parse request body"):
            message = _("The request body is not valid JSON.")  # ninja's own, untranslated
        return respond(request, exc.status_code, HTTP_CODES.get(exc.status_code, "error"), message)

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [
            {"loc": _loc(e), "type": str(e.get("type", "")), "message": _field_message(e)}
            for e in exc.errors
        ]
        return respond(request, 422, "invalid", _("Some parameters are not valid."), errors=errors)

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API error on %s", request.get_full_path())
        return respond(request, 500, "server_error", _("Something went wrong on our side."))
