"""Shared fixtures: the demo marketplace, signed-in clients per role, engine markers."""

import os

import pytest
from django.db import connection
from django.test import Client

DEMO_PASSWORD = "marketplace-demo"


def pytest_collection_modifyitems(config, items):
    """Skip engine-specific tests, with the reason, when that engine is not the one under test."""
    on_postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres", "pgsql"))
    has_redis = bool(os.environ.get("REDIS_URL"))
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL (make test starts one when "
                                      "postgresql is installed)")
    skip_redis = pytest.mark.skip(reason="needs Redis: set REDIS_URL (make test starts one when redis-server "
                                         "is installed)")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip_pg)
        if "redis" in item.keywords and not has_redis:
            item.add_marker(skip_redis)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Fast hashing for test users, and the demo marketplace loaded once into the test database."""
    from django.conf import settings

    from parties.demo import load_demo

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock():
        load_demo()


@pytest.fixture
def demo(db):
    """The demo marketplace, loaded the way `make run` loads it (idempotent: cheap when already there)."""
    from parties.demo import load_demo

    load_demo()
    return load_demo


@pytest.fixture
def signed_in(demo):
    """`signed_in("supplier@demo.test")` → a test client signed in as that demo user (one client per user)."""

    def make(email: str, language: str = "en") -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        response = client.post("/login/", {"username": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, f"{email} could not sign in"
        return client

    return make


@pytest.fixture
def db_vendor(db):
    return connection.vendor


# --- distribution: a distributor, its two stores priced to the cent, and a fresh approved tea ----------------------


@pytest.fixture
def sunrise(demo):
    from parties.models import Distributor

    return Distributor.objects.get(slug="sunrise-retail")


@pytest.fixture
def dealer(demo):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(email="distributor@demo.test")


@pytest.fixture
def online(demo):
    from tests.distribution_helpers import exact_prices

    return exact_prices("sunrise-online")


@pytest.fixture
def shop(demo):
    from tests.distribution_helpers import exact_prices

    return exact_prices("sunrise-nanjing-road")


@pytest.fixture
def tea(demo):
    """A fresh approved tea with two SKUs (see tests.distribution_helpers.tea_input)."""
    from tests.distribution_helpers import approved_tea

    return approved_tea()
