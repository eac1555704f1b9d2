"""The request id that groups the audit rows of one request (chibo.core.middleware)."""

import re


def test_it_echoes_the_callers_request_id(client, db):
    response = client.get("/accounts/login/", headers={"X-Request-Id": "abc-123"})
    assert response["X-Request-Id"] == "abc-123"


def test_it_makes_up_a_request_id_when_none_is_given(client, db):
    response = client.get("/accounts/login/")
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-Id"])


def test_it_cuts_an_overlong_request_id(client, db):
    response = client.get("/accounts/login/", headers={"X-Request-Id": "x" * 100})
    assert response["X-Request-Id"] == "x" * 64
