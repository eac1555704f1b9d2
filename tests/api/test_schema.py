"""Schemathesis against the OpenAPI schema the app serves: every route, generated inputs.

The schema is fetched from the running WSGI app (/api/v1/openapi.json), and each generated
request goes through the whole Django stack with a personal token of Alice, the D1 clerk.
Whatever the input (valid or not), the answer is never a 5xx, its status is one the schema
lists, its body matches the schema given for that status, and the routes refuse calls
without a token. At most 25 generated examples per route, plus schemathesis' boundary cases.
"""

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    ignored_auth,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from chibo.accounts.services import token_create

APP = get_wsgi_application()
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", APP)
# A fixed seed keeps CI repeatable; CHIBO_SCHEMATHESIS_SEED=<n> explores other inputs.
schema.config.seed = int(os.environ.get("CHIBO_SCHEMATHESIS_SEED", "20260101"))

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    ignored_auth,
]


@pytest.fixture(autouse=True)
def _one_connection_for_the_test() -> Iterator[None]:
    """Django's WSGI handler closes the database connection after each request; the test's
    transaction lives on that connection, so keep it open (as Django's own test client does)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def clerk_token(world: Any) -> str:
    _token, secret = token_create(actor=None, user=world.users["alice"], name="schemathesis")
    return secret


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_every_route_holds_to_its_schema(case: Any, clerk_token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {clerk_token}"}, checks=CHECKS)
