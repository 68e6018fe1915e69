"""Schemathesis against our own OpenAPI schema: every /api/v1/ operation, called with a supplier's and a store's
read and write token, never answers 5xx; our order, fulfilment, return and statement operations also answer as the
schema says. Runs inside the test's transaction (the WSGI app shares the thread's connection), so whatever a
generated request writes is rolled back. Hypothesis is derandomized with no example database, for stable CI."""

import random
from contextlib import contextmanager

import pytest
import schemathesis
import yaml
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.api_helpers import demo_store, demo_supplier, token_key

MAX_EXAMPLES = 25
OURS = ("/api/v1/orders/", "/api/v1/fulfilment-groups/", "/api/v1/returns/", "/api/v1/statements/")


def _schema():
    response = APIClient().get("/api/v1/schema/")
    assert response.status_code == 200
    return schemathesis.openapi.from_dict(yaml.safe_load(response.content)).include(path_regex=r"^/api/v1/")


def _operations(schema) -> list:
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations, "the schema lists no /api/v1/ operation"
    return operations


def _examples(operation, checks, headers, failures):
    """A hypothesis test of one operation: each generated request sent once with each token."""
    from marketplace.wsgi import application

    @settings(max_examples=MAX_EXAMPLES, database=None, derandomize=True, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy())
    def run(case):
        # Hypothesis seeds the global `random` the same way for every example, and Whoosh names each new index
        # segment with it: a product saved in two examples would reuse one segment name and break the index.
        random.seed()
        for auth in headers:
            response = case.call(app=application, base_url="http://testserver", headers=auth)
            try:
                case.validate_response(response, checks=checks)
            except (Exception, BaseExceptionGroup) as exc:  # collect every failing operation, not the first only
                failures.append(f"{case.method} {case.formatted_path} {case.query}: {exc}"[:1500])
                return

    return run


@contextmanager
def connection_kept():
    """Requests go straight to the WSGI app, whose start- and end-of-request signals close the database connection
    (the test's transaction with it, on PostgreSQL). Keep it as Django's test client does, around the calls only:
    the test client itself reconnects the signal after each of its own requests."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
def test_no_operation_answers_a_server_error(demo):
    cache.clear()
    headers = [{"Authorization": f"Bearer {token_key(party)}"} for party in (
        demo_supplier("green-leaf-tea"), demo_store("sunrise-online"))]
    failures: list[str] = []
    operations = _operations(_schema())
    paths = {operation.path for operation in operations}
    assert {"/api/v1/orders/", "/api/v1/fulfilment-groups/{id}/ship/", "/api/v1/statements/"} <= paths

    with connection_kept():
        for operation in operations:
            checks = [not_a_server_error]
            if operation.path.startswith(OURS):
                checks.append(response_schema_conformance)
            _examples(operation, checks, headers, failures)()
    cache.clear()
    assert not failures, "\n\n".join(failures)
