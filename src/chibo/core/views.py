"""Small helpers shared by the views of every app."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest

from .errors import DomainError


def run_service(request: HttpRequest, form: forms.Form, call: Callable[[], Any]) -> Any | None:
    """Run one service call; a DomainError becomes a form error (nothing was written)."""
    try:
        return call()
    except DomainError as exc:
        field = exc.field if exc.field and exc.field in form.fields else None
        form.add_error(field, str(exc.message))
        return None


def flash_ok(request: HttpRequest, text: str) -> None:
    messages.success(request, text)
